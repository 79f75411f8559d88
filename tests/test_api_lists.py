"""Every list of /api/v1/ read as values and written by orjson (``core.rows``) answers what DRF's serializers
answer for the same rows: the same keys in the same order, the same values (moments in the city's time zone,
decimals to their places, nested photos and clocks, nulls, absolute addresses), page after page, filtered
and ordered, for a leader and for a department's staff."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern
from django.utils import timezone

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from campaign.models import ProgressPhoto, Task
from campaign.tests.factories import CampaignFactory, PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from config import api_urls
from core.tests.api import client_for
from core.tests.factories import jpeg_bytes
from core.tests.rows import assert_rows_match
from evaluation.tests.factories import evaluation_world
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import ExtensionRequest, Issue, IssuePhoto, Suspension
from inspections.tests.factories import CriterionFactory, InspectionFactory, IssueFactory

pytestmark = pytest.mark.django_db

# A Monday morning in office hours; the lists' clocks are read at it both ways.
NOW = datetime.datetime(2026, 12, 7, 10, 17, 23, 456789, tzinfo=datetime.UTC)
FOUND = NOW - datetime.timedelta(days=10, microseconds=1)
SQUARE = {"type": "Polygon", "coordinates": [[[115.9, 36.4], [116.0, 36.4], [116.0, 36.5], [115.9, 36.4]]]}

# Each list, and the queries it is read with besides its first page.
LISTS = {
    "/api/v1/departments/": [{"page_size": 2}, {"ordering": "-name"}, {"kind": "section"}],
    "/api/v1/users/": [{"page_size": 2}, {"ordering": "-last_name"}],
    "/api/v1/grids/": [{"page_size": 1}, {"ordering": "-code"}],
    "/api/v1/places/": [{"page_size": 2}, {"ordering": "-code"}, {"is_active": "false"}],
    "/api/v1/campaigns/": [{"page_size": 1}],
    "/api/v1/pledges/": [{"page_size": 1}, {"ordering": "-date"}],
    "/api/v1/targets/": [{"page_size": 1}, {"ordering": "-code"}],
    "/api/v1/tasks/": [{"page_size": 2}, {"ordering": "due_date"}, {"overdue": "true"}, {"status": "done"}],
    "/api/v1/progress-reports/": [{"page_size": 1}, {"ordering": "created"}],
    "/api/v1/criteria/": [{"page_size": 1}, {"ordering": "-points"}],
    "/api/v1/inspections/": [{"page_size": 1}],
    "/api/v1/issues/": [{"page_size": 2}, {"ordering": "reported_at"}, {"status": "dispatched"}, {"overdue": "true"}],
    "/api/v1/extension-requests/": [{"page_size": 1}],
    "/api/v1/suspensions/": [{"page_size": 1}],
    "/api/v1/evaluation/rounds/": [],
    "/api/v1/evaluation/observations/": [{"result": "fail"}],
    "/api/v1/scoreboards/departments/": [{"period": "this_month", "sort": "-points_lost"}],
    "/api/v1/scoreboards/grids/": [{"period": "campaign"}],
    "/api/v1/assessment/results/": [{"period": "2026-12", "level": "grid"}, {"level": "street"}],
}


def _photo() -> ContentFile:
    return ContentFile(jpeg_bytes(), name="photo.jpg")


@pytest.fixture
def world():
    """Rows of every kind with the values that are easy to get wrong: nulls, blank names, decimals with
    many places, moments with and without microseconds, several many-to-many ids, photos with and without
    thumbnails, running, red, suspended and stopped clocks, and a text with U+2028 in it."""
    bureau = DepartmentFactory(code="JSJ", name="市住建局", short_name="住建")
    section = SectionFactory(code="JSJ-1", name="城建科", parent=bureau)
    street = DepartmentFactory(code="JD1", name="古楼街道", kind=Department.Kind.SUBDISTRICT)
    other = DepartmentFactory(code="CGJ", name="市城管局")
    leader = UserFactory(username="leader", role=Role.LEADER, department=None)
    staff = UserFactory(username="staff", role=Role.STAFF, department=bureau)
    nameless = UserFactory(username="nameless", last_name="", first_name="", department=section)
    UserFactory(username="gone", is_active=False)

    grid = GridFactory(code="G1", subdistrict=street, boundary=SQUARE, latitude="36.450001", longitude="115.98")
    grid.departments.set([bureau, other])
    bare = GridFactory(code="G2", subdistrict=street, leader=None)
    place = PlaceFactory(
        code="P1", grid=grid, latitude=Decimal("36.4500015"), longitude="115.980000", households=120, length_m=300
    )
    closed_place = PlaceFactory(code="P2", grid=bare, is_active=False, assigned_department=other)

    campaign = CampaignFactory()
    pledge = PledgeFactory(campaign=campaign, department=bureau)
    PledgeFactory(campaign=campaign, department=other, date=datetime.date(2018, 3, 1))
    rising = TargetFactory(pledge=pledge, code="T1", baseline=Decimal(3), target_value=Decimal("10.5"))
    TargetFactory(pledge=pledge, code="T2", direction="decrease", baseline=Decimal(100), target_value=Decimal(1))

    today = timezone.localdate(NOW)
    late = TaskFactory(department=bureau, section=section, target=rising, due_date=today - datetime.timedelta(days=3))
    late.places.set([place, closed_place])
    late.grids.set([grid, bare])
    done = TaskFactory(
        department=bureau,
        accountable=None,
        status=Task.Status.DONE,
        completed_at=datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC),
        description="第一行\u2028第二行",
    )
    TaskFactory(department=other, status=Task.Status.IN_PROGRESS, percent=40)
    report = ProgressReportFactory(task=late, quantity=Decimal("2.25"), percent=60)
    ProgressReportFactory(task=late, author=nameless, percent=30, note="返工")  # went back, no quantity
    ProgressPhoto.objects.create(report=report, image=_photo(), thumbnail=_photo())
    ProgressPhoto.objects.create(report=report, image=_photo())
    ProgressReportFactory(task=done, percent=None, quantity=Decimal("1.005"), author=leader)

    criterion = CriterionFactory(default_department=bureau)
    criterion.assisting_departments.set([other, street])
    CriterionFactory(default_department=other, points=Decimal("0.5"))
    inspection = InspectionFactory(campaign=campaign, leader=leader)
    inspection.members.set([leader, staff])
    inspection.grids.set([grid])

    reported = IssueFactory(
        place=place, criterion=criterion, department=None, latitude=Decimal("36.450123"), reported_at=FOUND
    )
    dispatched = IssueFactory(
        place=place,
        criterion=criterion,
        department=bureau,
        reported_at=FOUND,
        status=Issue.Status.DISPATCHED,
        dispatched_at=NOW - datetime.timedelta(days=2),
        deadline=NOW + datetime.timedelta(days=1),
        inspection=inspection,
    )
    overdue = IssueFactory(
        place=closed_place,
        criterion=criterion,
        department=bureau,
        reported_at=FOUND,
        status=Issue.Status.RECTIFYING,
        dispatched_at=NOW - datetime.timedelta(days=9),
        deadline=NOW - datetime.timedelta(days=2),
        rework_count=1,
        return_reason="整改不到位\u2029",
    )
    suspended = IssueFactory(
        place=place,
        criterion=criterion,
        department=other,
        reported_at=FOUND,
        status=Issue.Status.RECTIFYING,
        dispatched_at=NOW - datetime.timedelta(days=1),
        deadline=NOW + datetime.timedelta(hours=5),
    )
    Issue.objects.filter(pk=suspended.pk).update(clock_suspended_at=NOW - datetime.timedelta(hours=3))
    IssueFactory(
        place=place,
        criterion=criterion,
        department=bureau,
        reported_at=FOUND,
        status=Issue.Status.CLOSED,
        closed_at=NOW,
    )
    IssuePhoto.objects.create(issue=dispatched, image=_photo(), thumbnail=_photo(), uploaded_by=leader)
    IssuePhoto.objects.create(issue=dispatched, stage="rectified", image=_photo(), uploaded_by=staff)
    IssuePhoto.objects.create(issue=reported, image=_photo(), uploaded_by=leader)
    ExtensionRequest.objects.create(
        issue=overdue,
        requested_by=staff,
        reason="雨天",
        requested_deadline=NOW + datetime.timedelta(days=3),
        limit_deadline=NOW + datetime.timedelta(days=5),
    )
    Suspension.objects.create(
        issue=suspended,
        requested_by=staff,
        reason="施工",
        status=Suspension.Status.APPROVED,
        decided_by=leader,
        decided_at=NOW - datetime.timedelta(hours=3),
        started_at=NOW - datetime.timedelta(hours=3),
    )
    inspector = UserFactory(username="inspector", role=Role.INSPECTOR, department=None)
    evaluation_world(campaign=campaign, place=place, criterion=criterion, inspector=inspector, department=bureau)
    return {"leader": leader, "staff": staff}


@pytest.fixture
def at_now(monkeypatch):
    """The requests are answered at ``NOW``, after the rows were made."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.mark.parametrize("url", list(LISTS))
def test_a_leader_reads_each_list_as_drfs_serializers_write_it(world, at_now, monkeypatch, url):
    client = client_for(world["leader"])

    rows = assert_rows_match(client, url, monkeypatch)
    for params in LISTS[url]:
        assert_rows_match(client, url, monkeypatch, params)

    assert rows, "every list has rows to compare"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/tasks/", "/api/v1/issues/", "/api/v1/progress-reports/", "/api/v1/extension-requests/"],
)
def test_a_departments_staff_reads_its_own_rows_as_drfs_serializers_write_them(world, at_now, monkeypatch, url):
    rows = assert_rows_match(client_for(world["staff"]), url, monkeypatch)

    assert rows


def test_the_rows_hold_the_values_that_are_easy_to_get_wrong(world, at_now, monkeypatch):
    client = client_for(world["leader"])

    tasks = {row["code"]: row for row in assert_rows_match(client, "/api/v1/tasks/", monkeypatch, {"page_size": 200})}
    issues = assert_rows_match(client, "/api/v1/issues/", monkeypatch, {"page_size": 200})
    places = assert_rows_match(client, "/api/v1/places/", monkeypatch)

    done = next(row for row in tasks.values() if row["status"] == "done")
    assert done["completed_at"] == "2026-12-01T16:00:00+08:00"  # the city's time zone
    assert done["accountable"] is None
    assert done["accountable_name"] is None
    assert done["clock"] is None
    assert done["description"] == "第一行\u2028第二行"
    late = next(row for row in tasks.values() if row["is_overdue"])
    assert len(late["places"]) == len(late["grids"]) == 2
    assert late["clock"]["state"] == "red"
    assert late["clock"]["remaining_working_minutes"] < 0
    assert {row["clock"]["state"] for row in issues if row["clock"]} >= {"green", "red", "suspended"}
    photos = [photo for row in issues for photo in row["photos"]]
    assert all(photo["image"].startswith("http://testserver/") for photo in photos)
    assert any(photo["image"] == photo["thumbnail"] for photo in photos)  # stored without a thumbnail
    assert {row["latitude"] for row in places} == {"36.450002", None}  # six places, rounded half up


def test_every_list_of_the_api_is_compared():
    lists = set()
    for pattern in api_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or "{" in str(pattern.pattern) or "<" in str(pattern.pattern):
            continue
        route = str(pattern.pattern).lstrip("^").rstrip("$")
        name = pattern.name or ""
        if name.endswith("-list") or name.startswith(("scoreboard-", "assessment-")):
            lists.add(f"/api/v1/{route}")

    assert lists == set(LISTS)


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_a_list_naming_no_filter_is_what_its_filter_set_would_give(world, rf, role):
    """A request naming none of a list's filters skips its filter set (``core.api.ApiFilterBackend``): with
    nothing to read, every filter set of the API must leave the rows as they are."""
    from django.http import QueryDict
    from rest_framework.request import Request

    for prefix, viewset, _basename in api_urls.router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is None:
            continue
        request = Request(rf.get(f"/api/v1/{prefix}/", {"page_size": "2", "ordering": "id"}))
        request.user = world[role]
        view = viewset(request=request, format_kwarg=None, action="list")
        queryset = view.get_queryset()

        filtered = filterset_class(QueryDict("page_size=2&ordering=id"), queryset, request=request).qs

        assert str(filtered.query) == str(queryset.query), prefix


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_a_list_builds_only_the_filters_it_names_and_filters_as_the_whole_set(world, at_now, rf, role):
    """A request naming some filters builds only those (``core.api.ApiFilterBackend``): the same rows as the
    whole filter set, and a bad value among them is still refused with the filter's own message."""
    from django.http import QueryDict
    from rest_framework.request import Request

    from campaign.api.views import TaskViewSet
    from core.api import ApiFilterBackend
    from inspections.api.views import IssueViewSet

    bureau = Department.objects.get(code="JSJ")
    for viewset, params in (
        (TaskViewSet, {"status": "todo", "department": bureau.pk, "ordering": "id"}),
        (IssueViewSet, {"overdue": "true", "department": bureau.pk, "ordering": "id"}),
    ):
        request = Request(rf.get("/api/v1/", params))
        request.user = world[role]
        view = viewset(request=request, format_kwarg=None, action="list")
        queryset = view.get_queryset()

        built = ApiFilterBackend().get_filterset(request, queryset, view)
        whole = viewset.filterset_class(QueryDict(request.query_params.urlencode()), queryset, request=request)

        assert set(built.filters) == {"department", "status" if viewset is TaskViewSet else "overdue"}
        assert str(built.qs.query) == str(whole.qs.query)

    refused = client_for(world[role]).get("/api/v1/tasks/", {"status": "todo", "department": "x"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["department"]


def test_a_departments_staff_sees_only_its_own_suspensions_and_extensions(world, at_now, monkeypatch):
    """The lists read through an issue (``core.api.visible_through``) narrow to the staff's issues, and read
    every row for a leader without asking the database to check each one."""
    staff, leader = client_for(world["staff"]), client_for(world["leader"])

    own = assert_rows_match(staff, "/api/v1/extension-requests/", monkeypatch)
    suspended = assert_rows_match(staff, "/api/v1/suspensions/", monkeypatch)

    assert [row["issue"] for row in own] == list(
        ExtensionRequest.objects.filter(issue__department__code="JSJ").values_list("issue", flat=True)
    )
    assert suspended == []  # the suspended issue is another department's
    assert len(assert_rows_match(leader, "/api/v1/suspensions/", monkeypatch)) == Suspension.objects.count() == 1
