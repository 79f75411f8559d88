import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, OuterRef, Subquery
from rest_framework.authtoken.models import Token

from accounts.models import Department, Notification, Role, User
from campaign.models import Campaign, ProgressReport, Reminder, Task
from campaign.reminders import reminder_candidates, reminder_ladder, reminders_send
from campaign.tests.factories import task_made
from core.errors import ApplicationError
from demo.services import demo_counts, demo_load
from grids.models import Grid, Place
from inspections.models import Issue, IssueEvent
from perf.seeding import PREFIX, scale_counts, scale_reset
from reports.selectors import Period, campaign_kpis, campaign_overview, department_scoreboard, target_progress

pytestmark = pytest.mark.django_db

# A Wednesday and a working day; the Monday of its week was the Dragon Boat Festival.
TODAY = datetime.date(2024, 6, 12)
SMALL = ("--tasks=300", "--issues=600", "--progress=2000")


def seed(*args: str) -> str:
    """Run the command as an operator would, on a small city dated ``TODAY``; later options win
    (``--force``: the tests run with DEBUG off)."""
    out = StringIO()
    call_command("seed_scale", "--force", f"--today={TODAY}", *SMALL, *args, stdout=out)
    return out.getvalue()


def fingerprint() -> dict[str, list]:
    """The synthetic data by its codes and values, without primary keys."""
    return {
        "tasks": list(
            Task.objects.order_by("code").values_list(
                "code", "title", "status", "start_date", "due_date", "percent", "completed_at", "created",
                "department__code", "section__code", "accountable__username", "target__code",
            )
        ),
        "issues": list(
            Issue.objects.order_by("code").values_list(
                "code", "status", "place__code", "criterion__code", "department__code", "reported_at",
                "dispatched_at", "submitted_at", "closed_at", "deadline", "rework_count", "rectification_task__code",
            )
        ),
        "events": list(
            IssueEvent.objects.order_by("issue__code", "created", "pk").values_list("issue__code", "action", "created")
        ),
        "progress": list(
            ProgressReport.objects.order_by("task__code", "created", "percent").values_list(
                "task__code", "author__username", "created", "percent", "quantity", "note", "is_final"
            )
        ),
        "places": list(Place.objects.order_by("code").values_list("code", "name", "grid__code", "latitude")),
        "users": list(User.objects.order_by("username").values_list("username", "last_name", "first_name", "phone")),
    }  # fmt: skip


@pytest.fixture
def seeded() -> str:
    return seed()


def test_it_writes_exactly_the_rows_asked_for(seeded):
    counts = scale_counts()

    assert (counts["tasks"], counts["issues"], counts["progress_reports"]) == (300, 600, 2000)
    assert Task.objects.count() == 300
    assert Issue.objects.count() == 600
    assert ProgressReport.objects.count() == 2000
    assert counts["departments"] > 50
    assert counts["grids"] == Grid.objects.count() >= 12
    assert set(Place.objects.values_list("kind", flat=True)) == set(Place.Kind.values)
    assert "campaign_progressreport" in seeded
    assert "rows/s" in seeded


def test_it_builds_a_department_tree_with_people_in_every_role(seeded):
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert kinds == set(Department.Kind.values)
    assert not Department.objects.filter(kind="section", parent__kind__in=["district", "community"]).exists()
    assert not Department.objects.filter(kind="community").exclude(parent__kind="subdistrict").exists()
    assert not Department.objects.filter(head__isnull=True).exists()
    for role in Role:
        if role != Role.API_CLIENT:
            assert User.objects.filter(groups__name=role).exists(), role
    assert not User.objects.exclude(username__startswith="sc-").exists()
    assert not Department.objects.exclude(code__startswith=PREFIX).exists()


def test_it_leaves_the_asked_share_of_tasks_open_and_overdue(seeded):
    assert Task.objects.overdue(TODAY).count() == 150
    assert Task.objects.filter(kind=Task.Kind.RECTIFICATION).overdue(TODAY).exists()
    assert Task.objects.exclude(kind=Task.Kind.RECTIFICATION).overdue(TODAY).exists()

    seed("--reset", "--overdue-share=0.8")

    assert Task.objects.count() == 300
    assert Task.objects.overdue(TODAY).count() == 240


def test_it_puts_issues_in_every_workflow_state_with_their_events(seeded):
    assert set(Issue.objects.values_list("status", flat=True)) == set(Issue.Status.values)
    assert set(IssueEvent.objects.values_list("action", flat=True)) >= {
        "filed", "dispatched", "started", "submitted", "sent_back", "verified", "returned", "extension_requested",
    }  # fmt: skip
    assert IssueEvent.objects.filter(action="filed").count() == 600
    last_event = IssueEvent.objects.filter(issue=OuterRef("pk")).order_by("-created", "-pk").values("to_status")[:1]
    issues = Issue.objects.annotate(last=Subquery(last_event))
    assert not issues.exclude(last=F("status")).exists()
    assert not Issue.objects.filter(status__in=Issue.ROUTED_STATUSES, department__isnull=True).exists()
    # A rectification task stands where its issue stands.
    for status, task_status in (("closed", "done"), ("returned", "cancelled"), ("dispatched", "todo")):
        tasks = Task.objects.filter(issue__status=status)
        assert tasks.exists() or not Issue.objects.filter(status=status, rectification_task__isnull=False).exists()
        assert not tasks.exclude(status=task_status).exists()


def test_it_reports_progress_this_week_and_last_and_keeps_each_tasks_latest_percent(seeded):
    for key in (Period.THIS_WEEK, Period.LAST_WEEK):
        period = Period.of(key, today=TODAY)
        assert ProgressReport.objects.filter(period.moments("created")).exists(), key
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-created", "-pk").values("percent")[:1]
    reported = Task.objects.filter(progress_reports__isnull=False).distinct().annotate(latest=Subquery(latest))
    assert reported.count() > 100
    assert not reported.exclude(percent=F("latest")).exists()
    assert ProgressReport.objects.filter(quantity__gt=0).exists()


def test_it_gives_the_same_data_for_the_same_seed(seeded):
    first = fingerprint()

    seed("--reset")
    assert fingerprint() == first

    seed("--reset", "--seed=9")
    other = fingerprint()
    assert other["tasks"] != first["tasks"]
    assert other["issues"] != first["issues"]


def test_it_resets_the_synthetic_data_without_touching_the_demo():
    demo_load(today=TODAY)
    demo = demo_counts()
    seed()

    seed("--reset", "--tasks=200", "--issues=100", "--progress=500")

    assert demo_counts() == demo
    counts = scale_counts()
    assert (counts["tasks"], counts["issues"], counts["progress_reports"]) == (200, 100, 500)
    assert Task.objects.count() == 200 + demo["tasks"]

    scale_reset()
    assert set(scale_counts().values()) == {0}
    assert demo_counts() == demo


def test_it_removes_what_the_product_added_onto_the_synthetic_data(seeded):
    run = reminders_send(today=TODAY)
    assert run.reminders >= 150
    assert Notification.objects.exists()
    Token.objects.create(user=User.objects.get(username="sc-leader"))

    scale_reset()

    assert not Reminder.objects.exists()
    assert not Notification.objects.exists()
    assert not Token.objects.exists()
    assert not User.objects.exists()


def test_it_refuses_to_reset_what_other_rows_protect_and_deletes_nothing(seeded):
    campaign = Campaign.objects.create(code="OWN-1", name="自己的活动", kind="civilized", start_date=TODAY)
    department = Department.objects.create(code="OWN-D", name="自己的部门", kind="bureau")
    accountable = User.objects.get(username="sc-leader")
    task_made(
        campaign=campaign, code="OWN-T1", title="任务", department=department, accountable=accountable, due_date=TODAY
    )
    before = scale_counts()

    with pytest.raises(ApplicationError, match="cannot be removed"):
        scale_reset()

    assert scale_counts() == before


@pytest.mark.parametrize(
    "args",
    [
        ["--tasks=-1"],
        ["--issues=-5"],
        ["--progress=-1"],
        ["--tasks=20000000"],
        ["--overdue-share=1.5"],
        ["--overdue-share=-0.1"],
        ["--tasks=0", "--progress=10"],
        ["--tasks=many"],
        ["--today=2024-13-01"],
    ],
)
def test_it_refuses_bad_options_and_changes_nothing(seeded, args):
    before = fingerprint()

    with pytest.raises(CommandError):
        call_command("seed_scale", "--force", "--reset", *args, stdout=StringIO())

    assert fingerprint() == before


def test_it_refuses_to_seed_on_top_of_an_earlier_run_without_reset(seeded):
    before = fingerprint()

    with pytest.raises(CommandError, match="--reset"):
        seed("--tasks=10")

    assert fingerprint() == before


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_scale", "--tasks=10", "--issues=10", "--progress=10", stdout=StringIO())

    assert set(scale_counts().values()) == {0}


def test_it_feeds_the_products_own_selectors(seeded):
    kpis = campaign_kpis(period=Period.of(Period.THIS_WEEK, today=TODAY), today=TODAY)
    assert kpis["tasks"]["total"] > 0
    assert kpis["issues"]["found"] > 0
    assert campaign_overview(today=TODAY)["tasks"]["overdue"] == 150
    whole = campaign_kpis(period=Period.of(Period.CAMPAIGN, today=TODAY), today=TODAY)
    assert whole["issues"]["rectified"] > 0
    assert whole["tasks"]["done"] > 0
    scoreboard = department_scoreboard(period=Period.of(Period.CAMPAIGN, today=TODAY), today=TODAY)
    assert any(row["dispatched"] for row in scoreboard)
    assert any(row["progress"] > 0 for row in target_progress(today=TODAY))

    candidates = reminder_candidates(ladder=reminder_ladder(today=TODAY))

    overdue = set(Task.objects.overdue(TODAY).values_list("pk", flat=True))
    assert {c.task_id for c in candidates if c.step == Reminder.Step.OVERDUE} == overdue
    assert any(c.step == Reminder.Step.ESCALATED_LEADER for c in candidates)


def test_it_leaves_the_key_sequences_ahead_of_the_rows_and_every_foreign_key_valid(seeded):
    connection.check_constraints()
    department = Department.objects.create(code="NEW-1", name="新部门", kind="bureau")
    campaign = Task.objects.first().campaign

    task = task_made(campaign=campaign, code="NEW-T1", title="新任务", department=department, due_date=TODAY)

    assert task.pk > Task.objects.exclude(pk=task.pk).order_by("-pk").first().pk
