"""Each figure and rule has one home, and every door reads it from there: the pages, the API, the
dashboard, the exports and the reminders agree on "due soon", "overdue" and which errors are conflicts."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Reminder, Task
from campaign.reminders import reminders_send
from campaign.tests.factories import TaskFactory
from core.api import exception_handler
from core.errors import ApplicationError, Conflict
from core.models import WorkdayOverride
from core.tests.api import client_for
from inspections.models import Issue
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_with_a_break(settings):
    """From today, a calendar every test run sees alike: the next two days off (a weekend, a holiday),
    then working days; due soon means at most 3 working days left."""
    settings.DUE_SOON_WORKING_DAYS = 3
    today = timezone.localdate()
    for offset in range(12):
        WorkdayOverride.objects.create(
            date=today + datetime.timedelta(days=offset), is_workday=offset not in (1, 2), note="测试"
        )
    return today


def test_due_soon_means_the_same_in_the_filter_the_badge_and_the_reminders(client, week_with_a_break):
    today = week_with_a_break
    department = DepartmentFactory()
    staff = UserFactory(role=Role.STAFF, department=department)
    # Working days left: 0 (due today), 0, 0 (the days off), 1, 2, 3, 4.
    tasks = {
        offset: TaskFactory(
            code=f"D{offset}", department=department, accountable=staff, due_date=today + datetime.timedelta(offset)
        )
        for offset in range(7)
    }
    soon = {f"D{offset}" for offset in range(6)}  # up to 3 working days left, the due day included

    client.force_login(staff)
    filtered = client.get("/tasks/", {"due": "soon"}).context["tasks"]
    listed = client.get("/tasks/").context["tasks"]
    reminders_send(today=today)

    assert {task.code for task in filtered} == soon
    assert {task.code for task in listed if task.due_in.soon or task.due_in.due_today} == soon
    assert set(Reminder.objects.filter(step=Reminder.Step.DUE_SOON).values_list("task__code", flat=True)) == soon
    assert not tasks[6].reminders.exists()


def test_an_issue_awaiting_verification_is_not_overdue_anywhere(client):
    now = timezone.now()
    department = DepartmentFactory()
    staff = UserFactory(role=Role.STAFF, department=department)
    leader = UserFactory(role=Role.LEADER, department=None)
    past = now - datetime.timedelta(days=3)
    waiting = IssueFactory(
        code="WAITING",
        department=department,
        status=Issue.Status.SUBMITTED,
        reported_at=past - datetime.timedelta(days=2),
        deadline=past,
        submitted_at=past - datetime.timedelta(hours=2),
    )
    late = IssueFactory(
        code="LATE",
        department=department,
        status=Issue.Status.RECTIFYING,
        reported_at=past - datetime.timedelta(days=2),
        deadline=past,
    )

    client.force_login(staff)
    page = client.get("/issues/")
    assert page.context["counts"]["overdue"] == 1
    assert [issue.code for issue in client.get("/issues/", {"overdue": "yes"}).context["issues"]] == ["LATE"]
    assert client.get(f"/issues/{waiting.pk}/").context["issue"].due_in is None
    assert client.get(f"/issues/{late.pk}/").context["issue"].due_in.overdue

    api = {row["code"]: row["is_overdue"] for row in client_for(staff).get("/api/v1/issues/").json()["results"]}
    assert api == {"WAITING": False, "LATE": True}
    assert [row["code"] for row in client_for(staff).get("/api/v1/issues/?overdue=true").json()["results"]] == ["LATE"]

    client.force_login(leader)
    drill = client.get(f"/dashboard/departments/{department.pk}/")
    assert {issue.code: issue.is_overdue for issue in drill.context["issues"]} == {"WAITING": False, "LATE": True}


def test_a_task_is_overdue_from_the_day_after_its_due_date_on_every_door(client):
    today = timezone.localdate()
    department = DepartmentFactory()
    staff = UserFactory(role=Role.STAFF, department=department)
    TaskFactory(code="DUE-TODAY", department=department, accountable=staff, due_date=today)
    TaskFactory(code="LATE", department=department, accountable=staff, due_date=today - datetime.timedelta(days=1))
    TaskFactory(
        code="DONE-LATE",
        department=department,
        accountable=staff,
        due_date=today - datetime.timedelta(days=5),
        status=Task.Status.DONE,
        completed_at=timezone.now(),
    )

    client.force_login(staff)
    assert client.get("/tasks/").context["counts"]["overdue"] == 1
    assert [task.code for task in client.get("/tasks/", {"due": "overdue"}).context["tasks"]] == ["LATE"]
    assert [task.code for task in client.get("/tasks/", {"overdue": "yes"}).context["tasks"]] == ["LATE"]
    api = {row["code"]: row["is_overdue"] for row in client_for(staff).get("/api/v1/tasks/").json()["results"]}
    assert api == {"DUE-TODAY": False, "LATE": True, "DONE-LATE": False}
    assert [row["code"] for row in client_for(staff).get("/api/v1/tasks/?overdue=true").json()["results"]] == ["LATE"]
    assert list(Task.objects.overdue(today).values_list("code", flat=True)) == ["LATE"]


def test_a_conflict_is_a_409_because_of_what_it_is_not_of_a_list_of_codes():
    class AlreadyArchived(Conflict):
        pass

    assert exception_handler(AlreadyArchived("已归档", code="archived"), {}).status_code == 409
    assert exception_handler(Conflict("状态不允许", code="any_new_code"), {}).status_code == 409
    assert exception_handler(ApplicationError("填写有误", code="any_new_code"), {}).status_code == 400
