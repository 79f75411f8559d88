"""回访: answered on the tracking page or recorded by phone, once; 不满意 goes to the review queue; the rates
per department are counted in SQL; repeat locations."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from citizens import selectors, services
from citizens.models import Followup, Report
from citizens.sms import MemoryBackend
from citizens.tests.factories import ReportFactory
from core.errors import Conflict
from inspections.models import Issue
from inspections.tests.factories import IssueFactory, issue_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    CampaignFactory()
    return UserFactory(role=Role.INSPECTOR, department=None)


def _closed_report(department=None, **fields) -> Report:
    issue = IssueFactory(
        status=Issue.Status.CLOSED, closed_at=timezone.now(), department=department or DepartmentFactory()
    )
    return ReportFactory(status=Report.Status.ACCEPTED, issue=issue, **fields)


def test_the_reporter_answers_on_the_tracking_page_once(client):
    report = _closed_report()
    page = client.get(report.tracking_url)
    assert page.context["form"] is not None

    response = client.post(report.tracking_url, {"answer": "satisfied", "comment": "很快"})
    assert response.status_code == 302
    again = client.post(report.tracking_url, {"answer": "unsatisfied"})
    assert again.status_code == 302
    followup = Followup.objects.get()
    assert followup.answer == "satisfied"
    assert followup.channel == Followup.Channel.PAGE
    with pytest.raises(Conflict):
        services.followup_record(report=report, answer="unsatisfied")


def test_no_answer_before_the_case_is_closed(client):
    report = ReportFactory()
    assert client.get(report.tracking_url).context["form"] is None
    client.post(report.tracking_url, {"answer": "satisfied"})
    assert not Followup.objects.exists()


def test_the_office_records_an_answer_given_on_the_phone(client, office):
    report = _closed_report()
    client.force_login(office)
    assert report in selectors.followups_to_phone()
    response = client.post(f"/citizens/{report.pk}/followup/", {"answer": "fairly"})
    assert response.status_code == 302
    followup = Followup.objects.get()
    assert followup.channel == Followup.Channel.PHONE
    assert followup.recorded_by == office
    assert report not in selectors.followups_to_phone()


def test_not_satisfied_is_reviewed_by_explaining(client, office):
    report = _closed_report()
    followup = services.followup_record(report=report, answer="unsatisfied", comment="垃圾又来了")
    assert followup.review == Followup.Review.PENDING
    assert list(selectors.reviews_pending()) == [followup]
    client.force_login(office)
    client.post(f"/citizens/reviews/{followup.pk}/", {"decision": "explain", "note": "已安排每日保洁"})
    followup.refresh_from_db()
    assert followup.review == Followup.Review.EXPLAINED
    client.logout()
    assert "已安排每日保洁" in client.get(report.tracking_url).content.decode()


def test_not_satisfied_is_reviewed_by_reopening_as_a_rework_issue(client, office):
    report = _closed_report()
    followup = services.followup_record(report=report, answer="unsatisfied", comment="没有清理")
    rework = services.followup_reopen(followup=followup, actor=office)
    report.refresh_from_db()
    assert report.issue == rework
    assert rework.source == Issue.Source.CITIZEN
    assert rework.status == Issue.Status.DISPATCHED
    with pytest.raises(Conflict):
        services.followup_explain(followup=followup, actor=office, note="x")
    # Asked again once the rework closes.
    issue_set(rework, status=Issue.Status.CLOSED, closed_at=timezone.now())
    assert services.followup_record(report=report, answer="satisfied").issue == rework


def test_reporters_with_a_phone_are_invited_once(settings):
    settings.CITIZEN_SMS_BACKEND = "citizens.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    _closed_report(phone="13800000011")
    _closed_report(phone="")
    assert services.followups_invite() == 1
    assert services.followups_invite() == 0
    assert MemoryBackend.outbox[0][0] == "13800000011"


def test_satisfaction_and_response_rates_per_department_in_one_query(django_assert_num_queries):
    department = DepartmentFactory(name="市城管局")
    reports = [_closed_report(department=department) for _ in range(4)]
    services.followup_record(report=reports[0], answer="satisfied")
    services.followup_record(report=reports[1], answer="fairly")
    services.followup_record(report=reports[2], answer="unsatisfied")
    now = timezone.now()
    with django_assert_num_queries(1):
        rows = selectors.satisfaction_by_department(
            since=now - datetime.timedelta(days=1), until=now + datetime.timedelta(1)
        )
    assert rows == [
        {
            "department_id": department.pk,
            "name": "市城管局",
            "asked": 4,
            "answered": 3,
            "satisfied": 2,
            "response_rate": 0.75,
            "satisfaction_rate": 2 / 3,
        }
    ]


def test_a_place_with_three_reports_in_30_days_is_a_repeat_location():
    issue = IssueFactory()
    for _ in range(3):
        ReportFactory(status=Report.Status.MERGED, issue=issue, place=issue.place)
    other = IssueFactory()
    ReportFactory(status=Report.Status.ACCEPTED, issue=other, place=other.place)
    repeats = list(selectors.repeat_locations())
    assert repeats == [issue.place]
    assert repeats[0].report_count == 3


def test_the_dashboard_and_the_weekly_workbook_show_the_rates(client):
    import io

    from openpyxl import load_workbook

    from reports.workbook import SATISFACTION, weekly_workbook_write

    department = DepartmentFactory(name="市城管局")
    report = _closed_report(department=department)
    services.followup_record(report=report, answer="satisfied")
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    # The citizens' panel, fetched once the dashboard shows.
    page = client.get("/dashboard/panels/citizens/", {"period": "this_week"}, headers={"HX-Request": "true"})
    assert page.context["citizens"]["satisfaction"][0]["satisfied"] == 1
    assert b"data-satisfaction" in page.content

    stream = io.BytesIO()
    weekly_workbook_write(stream, week_start=timezone.localdate())
    sheet = load_workbook(io.BytesIO(stream.getvalue()))[SATISFACTION]
    assert [cell.value for cell in sheet[2]][:4] == ["市城管局", 1, 1, 1]


def test_the_dashboard_map_marks_repeat_locations(client):
    from decimal import Decimal

    issue = IssueFactory()
    issue.place.latitude, issue.place.longitude = Decimal("36.45"), Decimal("115.98")
    issue.place.save()
    for _ in range(3):
        ReportFactory(status=Report.Status.MERGED, issue=issue, place=issue.place)
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    repeats = client.get("/dashboard/map/").json()["repeatPlaces"]
    assert repeats == [{"name": issue.place.name, "lat": 36.45, "lng": 115.98, "reports": 3}]
