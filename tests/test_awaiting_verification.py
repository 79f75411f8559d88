"""Nobody is late for someone else's wait: a rectification submitted before its deadline waits for the
inspectors, and no list, page, figure, export, reminder or API answer counts it as overdue.

Read on the Liaocheng demo, where several rectifications handed in on time are still awaiting
verification after their deadlines."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from campaign.models import Task
from campaign.reminders import reminder_candidates, reminder_ladder
from core.tests.api import client_for
from demo.services import demo_load
from inspections.models import Issue
from reports.selectors import campaign_overview, overdue_tasks
from reports.workbook import OVERDUE, weekly_workbook_write

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2018, 4, 16)  # a Monday seven weeks after the mobilization meeting
NOW = datetime.datetime(2018, 4, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def demo(monkeypatch) -> list[Issue]:
    """The demo as of ten o'clock on ``TODAY``, and its issues awaiting verification past their deadline."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    demo_load(today=TODAY)
    waiting = list(
        Issue.objects.filter(status=Issue.Status.SUBMITTED, deadline__lt=NOW).select_related(
            "rectification_task", "department"
        )
    )
    assert len(waiting) >= 3, "the demo has rectifications awaiting verification past their deadline"
    return waiting


def codes(issues: list[Issue]) -> set[str]:
    return {issue.rectification_task.code for issue in issues}


def sheet_text(content: bytes, sheet: str | None = None) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = (workbook[sheet] if sheet else workbook.active).iter_rows(values_only=True)
    return "\n".join(" ".join(str(cell) for cell in row if cell is not None) for row in rows)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_counts_and_lists_no_rectification_awaiting_verification_as_overdue(demo):
    tasks = [issue.rectification_task for issue in demo]
    waiting = codes(demo)

    assert {task.status for task in tasks} == {Task.Status.AWAITING_VERIFICATION}
    assert not any(task.is_overdue(TODAY) for task in tasks)
    overdue = Task.objects.overdue(TODAY)
    assert not overdue.filter(code__in=waiting).exists()
    assert overdue.exists()  # the pledged work that is late still is
    assert campaign_overview(today=TODAY)["tasks"]["overdue"] == overdue.count()
    assert not waiting & {row["code"] for row in overdue_tasks(today=TODAY)}
    reminded = {candidate.task_id for candidate in reminder_candidates(ladder=reminder_ladder(today=TODAY))}
    assert not reminded & {task.pk for task in tasks}

    buffer = io.BytesIO()
    weekly_workbook_write(buffer, week_start=TODAY, generated_at=NOW)
    assert not any(code in sheet_text(buffer.getvalue(), OVERDUE) for code in waiting)


def test_it_shows_the_task_awaiting_verification_in_my_work_and_not_overdue(demo):
    issue = demo[0]
    task = issue.rectification_task
    staff = User.objects.filter(department=issue.department, groups__name=Role.STAFF).first()
    client = signed_in(staff)

    page = client.get("/tasks/")
    row = next(row for row in page.context["tasks"] if row.pk == task.pk)
    assert not row.is_overdue
    assert row.due_in is None  # no "overdue by N working days" under it
    assert "待核验" in page.content.decode()
    tabs = {tab["value"]: tab["count"] for tab in page.context["tabs"]}
    assert tabs["awaiting_verification"] >= 1
    assert task.pk not in {row.pk for row in client.get("/tasks/?overdue=yes").context["tasks"]}
    assert task.pk not in {row.pk for row in client.get("/tasks/?due=overdue").context["tasks"]}

    detail = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "待核验" in detail
    assert "逾期" not in detail.split('id="timeline"')[0]  # nothing on the task says it is late

    answer = client_for(staff).get(f"/api/v1/tasks/{task.pk}/").json()
    assert (answer["status"], answer["is_overdue"]) == ("awaiting_verification", False)
    late = client_for(staff).get("/api/v1/tasks/", {"overdue": "true", "page_size": 100}).json()["results"]
    assert task.pk not in {row["id"] for row in late}


def test_it_leaves_it_out_of_the_dashboards_overdue_table_the_drill_downs_and_the_export(demo):
    waiting = codes(demo)
    leader = User.objects.filter(groups__name=Role.LEADER, department__isnull=False).first()
    client = signed_in(leader)

    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert not waiting & {row["code"] for row in dashboard.context["overdue"]}
    for issue in demo:
        department = client.get(f"/dashboard/departments/{issue.department_id}/")
        assert issue.rectification_task.code not in department.content.decode()
        grid = client.get(f"/dashboard/grids/{issue.grid_id}/")
        assert issue.rectification_task.code not in grid.content.decode()

    export = client.get("/dashboard/overdue.xlsx")
    assert export.status_code == 200
    listed = sheet_text(export.content)
    assert any(task.code in listed for task in Task.objects.overdue(TODAY)[:5])
    assert not any(code in listed for code in waiting)
