"""The office hours come with the migration, are changed in the admin as a whole (a set of seasons that
overlaps or leaves a day out is refused in Chinese and nothing is saved), and every running clock follows a
change of them or of the calendar."""

import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory, TaskFactory
from core.models import OfficeHours, OfficeSeason, WorkdayOverride
from core.working_time import Timetable, office_timetable
from grids.tests.factories import PlaceFactory
from inspections.models import Criterion, Issue, StageClock
from inspections.services import issue_file
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def migrated_office_hours():
    """The office hours as the migration leaves them. A test database's rows from data migrations are gone
    once a transactional test in the same worker has flushed it; the migration's own function puts them
    back then."""
    if not OfficeHours.objects.exists():
        import_module("core.migrations.0003_office_hours").default_office_hours(django_apps, None)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True, department=None))
    return client


def season_form(hours: OfficeHours, seasons: list[dict]) -> dict:
    """The admin's change form of the office hours, with ``seasons`` as its inline rows."""
    existing = list(hours.seasons.order_by("pk"))
    data = {
        "name": hours.name,
        "note": hours.note,
        "seasons-TOTAL_FORMS": str(len(seasons)),
        "seasons-INITIAL_FORMS": str(len(existing)),
        "seasons-MIN_NUM_FORMS": "1",
        "seasons-MAX_NUM_FORMS": "1000",
    }
    for number, season in enumerate(seasons):
        row = {"office_hours": hours.pk, **season}
        if number < len(existing):
            row["id"] = existing[number].pk
        data.update({f"seasons-{number}-{key}": value for key, value in row.items()})
    return data


SUMMER = {
    "name": "夏季",
    "first_month": 5,
    "first_day": 1,
    "last_month": 9,
    "last_day": 30,
    "morning_start": "08:30",
    "morning_end": "12:00",
    "afternoon_start": "14:30",
    "afternoon_end": "18:00",
}
WINTER = {
    "name": "冬季",
    "first_month": 10,
    "first_day": 1,
    "last_month": 4,
    "last_day": 30,
    "morning_start": "08:30",
    "morning_end": "12:00",
    "afternoon_start": "13:30",
    "afternoon_end": "17:30",
}


def test_the_migration_stores_the_summer_and_winter_timetable_the_clocks_read():
    assert OfficeHours.objects.count() == 1
    assert set(OfficeSeason.objects.values_list("name", flat=True)) == {"夏季", "冬季"}
    stored = {(season.first, season.last, season.sessions) for season in office_timetable().seasons}
    assert stored == {(season.first, season.last, season.sessions) for season in Timetable.default().seasons}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"last_month": 10, "last_day": 15}, "时段在 10-01～10-15 重叠（夏季、冬季）：每一天只能属于一个时段。"),
        ({"first_month": 6}, "05-01～05-31 不在任何时段内：全年每一天都须有作息时间。"),
        ({"afternoon_start": "11:00"}, "每段下班时间须晚于上班时间，且上午下班不得晚于下午上班。"),
        ({"last_month": 2, "last_day": 30, "first_month": 2, "first_day": 1}, "夏季：2月30日不是有效日期。"),
    ],
)
def test_it_refuses_seasons_that_overlap_or_leave_a_day_out_and_saves_nothing(admin_client, change, message):
    hours = OfficeHours.objects.get()
    before = list(OfficeSeason.objects.values())
    url = f"/admin/core/officehours/{hours.pk}/change/"

    response = admin_client.post(
        url, season_form(hours, [{**SUMMER, **change}, WINTER]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200  # the form again, with the problem
    assert message in response.content.decode()
    assert list(OfficeSeason.objects.values()) == before


@pytest.fixture
def running_issue(monkeypatch):
    """An issue dispatched on Friday 14 September 2018 at 16:00, four office hours to rectify (summer hours:
    due Monday 17 September at 10:30)."""
    monkeypatch.setattr(timezone, "now", lambda: at("2018-09-14 16:00"))
    CampaignFactory()
    department = DepartmentFactory()
    department.head = UserFactory(department=department, role=Role.STAFF)
    department.save()
    issue = issue_file(
        reporter=UserFactory(role=Role.INSPECTOR, department=None),
        place=PlaceFactory(assigned_department=department),
        criterion=CriterionFactory(lead=Criterion.Lead.ASSIGNED, rectify_limit="4h"),
        description="路边有暴露垃圾",
    )
    assert issue.deadline == at("2018-09-17 10:30")
    return issue


def test_every_running_clock_follows_a_change_of_the_office_hours(
    admin_client, running_issue, django_capture_on_commit_callbacks
):
    hours = OfficeHours.objects.get()
    earlier = {**SUMMER, "afternoon_start": "13:00", "afternoon_end": "17:00"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/core/officehours/{hours.pk}/change/", season_form(hours, [earlier, WINTER]), follow=True
        )

    assert response.status_code == 200
    assert OfficeSeason.objects.get(name="夏季").afternoon_end == datetime.time(17, 0)
    # Friday 16:00–17:00 (60 minutes), then Monday 08:30 + 180 minutes.
    issue = Issue.objects.get(pk=running_issue.pk)
    assert (issue.clock_due_at, issue.deadline) == (at("2018-09-17 11:30"), at("2018-09-17 11:30"))
    assert StageClock.objects.get(issue=issue, stopped_at=None).due_at == at("2018-09-17 11:30")
    assert Task.objects.get(pk=issue.rectification_task_id).due_at == at("2018-09-17 11:30")


def test_every_running_clock_and_pledged_due_soon_follow_a_calendar_correction(
    admin_client, running_issue, settings, django_capture_on_commit_callbacks
):
    settings.DUE_SOON_WORKING_DAYS = 1
    pledged = TaskFactory(due_date=datetime.date(2018, 9, 19))  # Wednesday: due soon from Tuesday
    assert pledged.yellow_at == at("2018-09-18 00:00")

    def day_off(day: str) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(
                "/admin/core/workdayoverride/add/", {"date": day, "is_workday": "", "note": "停工"}, follow=True
            )

    response = day_off("2018-09-17")

    assert response.status_code == 200
    assert WorkdayOverride.objects.filter(date=datetime.date(2018, 9, 17)).exists()
    issue = Issue.objects.get(pk=running_issue.pk)
    assert issue.clock_due_at == at("2018-09-18 10:30")  # Monday is off now
    pledged.refresh_from_db()
    assert pledged.yellow_at == at("2018-09-18 00:00")  # one working day left on Tuesday, as before
    day_off("2018-09-18")
    pledged.refresh_from_db()
    # With Monday and Tuesday off, Friday already has only Wednesday left: due soon from Friday on.
    assert pledged.yellow_at == at("2018-09-14 00:00")


def test_many_clocks_are_counted_again_by_a_worker(
    admin_client, running_issue, settings, django_capture_on_commit_callbacks
):
    from inspections import clocks

    settings.CLOCK_RECOMPUTE_INLINE = 0
    queued = []
    sent = clocks.enqueue

    def enqueue(task, *args, **kwargs):
        queued.append(task.name)
        return sent(task, *args, **kwargs)

    clocks.enqueue = enqueue
    try:
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(
                "/admin/core/workdayoverride/add/", {"date": "2018-09-17", "is_workday": "", "note": "停工"}
            )
    finally:
        clocks.enqueue = sent
    assert queued == ["inspections.tasks.recompute_clocks"]
    assert Issue.objects.get(pk=running_issue.pk).clock_due_at == at("2018-09-17 10:30")  # not yet counted again
    from inspections.tasks import recompute_clocks

    assert recompute_clocks.run() == 1 + Task.objects.open().exclude(kind=Task.Kind.RECTIFICATION).count()
    assert Issue.objects.get(pk=running_issue.pk).clock_due_at == at("2018-09-18 10:30")
