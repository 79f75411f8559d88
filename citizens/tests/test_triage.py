"""Triage (受理, 不予受理, 并单), the duplicate suggestions, and the reporter kept from the departments."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from citizens import selectors, services
from citizens.models import Report, ReportPhoto
from citizens.tests.factories import ReportFactory
from core.errors import Conflict
from core.tests.factories import jpeg_bytes
from grids.tests.factories import PlaceFactory
from inspections.models import Issue, IssuePhoto
from inspections.tests.factories import CriterionFactory, IssueFactory, issue_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    CampaignFactory()
    return UserFactory(role=Role.INSPECTOR, department=None)


@pytest.fixture
def report():
    report = ReportFactory()
    ReportPhoto.objects.create(
        report=report, image=ContentFile(jpeg_bytes(), "a.jpg"), thumbnail=ContentFile(jpeg_bytes(), "b.jpg")
    )
    return report


def _place_at(report, latitude: str, longitude: str, **fields):
    return PlaceFactory(grid=report.grid, latitude=Decimal(latitude), longitude=Decimal(longitude), **fields)


def test_it_accepts_a_report_as_a_citizen_issue_routed_as_usual(office, report):
    place = _place_at(report, "36.450100", "115.980100")
    issue = services.report_accept(report=report, actor=office, place=place)

    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.issue == issue
    assert issue.source == Issue.Source.CITIZEN
    assert issue.status == Issue.Status.DISPATCHED
    assert issue.department == place.assigned_department
    assert issue.latitude == report.latitude
    assert IssuePhoto.objects.filter(issue=issue, stage=IssuePhoto.Stage.FOUND).count() == 1
    with pytest.raises(Conflict):
        services.report_accept(report=report, actor=office, place=place)
    assert Issue.objects.count() == 1


def test_it_rejects_with_a_reason_the_reporter_reads(client, office, report):
    services.report_reject(report=report, actor=office, reason="不属于城市管理范围")
    page = client.get(report.tracking_url)
    assert "不属于城市管理范围" in page.content.decode()
    assert page.context["stage"].code == "rejected"


def test_a_merged_report_follows_its_issue(client, office, report):
    issue = IssueFactory(
        criterion=report.category.criterion, status=Issue.Status.RECTIFYING, department=DepartmentFactory()
    )
    services.report_merge(report=report, actor=office, issue=issue)
    assert client.get(report.tracking_url).context["stage"].code == Issue.Status.RECTIFYING
    issue_set(issue, status=Issue.Status.CLOSED, closed_at=timezone.now())
    assert client.get(report.tracking_url).context["stage"].code == "closed"


def test_it_refuses_a_merge_into_an_issue_closed_longer_than_the_window(office, report):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    issue = IssueFactory(
        status=Issue.Status.CLOSED,
        closed_at=long_ago,
        reported_at=long_ago - datetime.timedelta(days=1),
        department=DepartmentFactory(),
    )
    with pytest.raises(Conflict):
        services.report_merge(report=report, actor=office, issue=issue)
    report.refresh_from_db()
    assert report.status == Report.Status.PENDING


def test_it_suggests_duplicates_within_the_radius_and_window_nearest_first(report):
    criterion = report.category.criterion
    near = IssueFactory(criterion=criterion, latitude=Decimal("36.450200"), longitude=Decimal("115.980000"))
    nearer = IssueFactory(
        criterion=criterion,
        latitude=Decimal("36.450100"),
        longitude=Decimal("115.980000"),
        status=Issue.Status.CLOSED,
        closed_at=timezone.now(),
        department=DepartmentFactory(),
    )
    # Without GPS: counted at its place's point (about 30 m away).
    at_place = IssueFactory(criterion=criterion, place=_place_at(report, "36.450000", "115.980330"))
    IssueFactory(criterion=criterion, latitude=Decimal("36.451000"), longitude=Decimal("115.980000"))  # 111 m
    IssueFactory(criterion=CriterionFactory(), latitude=Decimal("36.450050"), longitude=Decimal("115.980000"))
    IssueFactory(
        criterion=criterion,
        latitude=Decimal("36.450050"),
        longitude=Decimal("115.980000"),
        reported_at=timezone.now() - datetime.timedelta(days=31),
    )

    with CaptureQueriesContext(connection) as queries:
        found = selectors.duplicates_of(report)

    assert [issue.pk for issue in found] == [nearer.pk, near.pk, at_place.pk]
    assert [issue.distance_m for issue in found] == [11, 22, 30]
    assert len(queries) == 1


def test_the_radius_is_the_categorys(report):
    report.category.duplicate_radius_m = 150
    report.category.save()
    IssueFactory(criterion=report.category.criterion, latitude=Decimal("36.451000"), longitude=Decimal("115.980000"))
    assert len(selectors.duplicates_of(report)) == 1


def test_the_triage_page_shows_duplicates_and_the_nearest_places_and_accepts(client, office, report):
    place = _place_at(report, "36.450000", "115.980100")
    IssueFactory(criterion=report.category.criterion, latitude=Decimal("36.450100"), longitude=Decimal("115.980000"))
    client.force_login(office)
    page = client.get(f"/citizens/{report.pk}/")
    assert page.status_code == 200
    assert len(page.context["duplicates"]) == 1
    assert page.context["places"][0] == place
    assert report.phone in page.content.decode()

    response = client.post(f"/citizens/{report.pk}/accept/", {"place": place.pk})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == Report.Status.ACCEPTED


def test_the_triage_queue_takes_a_constant_number_of_queries(client, office, queries_of):
    ReportFactory()
    client.force_login(office)
    client.get("/citizens/")
    one = queries_of(client, "/citizens/")
    for _ in range(5):
        ReportFactory()
    six = queries_of(client, "/citizens/")
    assert six == one
    assert six <= 10


def test_departments_never_see_the_reporter(client, office, report):
    place = _place_at(report, "36.450000", "115.980100")
    issue = services.report_accept(report=report, actor=office, place=place)
    staff = UserFactory(role=Role.STAFF, department=issue.department)
    client.force_login(staff)
    page = client.get(f"/issues/{issue.pk}/")
    assert page.status_code == 200
    assert report.phone not in page.content.decode()
    assert report.tracking_code not in page.content.decode()
    assert client.get(f"/citizens/{report.pk}/").status_code == 403
    assert client.get("/citizens/").status_code == 403
    assert list(selectors.report_visible_to(user=staff)) == []


def test_an_inspector_filing_sees_likely_duplicates(client, report):
    inspector = UserFactory(role=Role.INSPECTOR, department=None)
    criterion = report.category.criterion
    issue = IssueFactory(criterion=criterion, latitude=Decimal("36.450100"), longitude=Decimal("115.980000"))
    client.force_login(inspector)
    response = client.get(
        "/citizens/duplicates/", {"criterion": criterion.pk, "latitude": "36.45", "longitude": "115.98"}
    )
    assert response.status_code == 200
    assert issue.code in response.content.decode()
    place = _place_at(report, "36.450000", "115.980000")
    by_place = client.get("/citizens/duplicates/", {"criterion": criterion.pk, "place": place.pk})
    assert issue.code in by_place.content.decode()
