"""seed_scale's issues take the way the product's own rules give them: routing, working days,
and what the inspections services record at each step."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import WorkdayOverride
from core.working_time import Limit, WorkingTime
from demo import data
from inspections.models import Criterion, ExtensionRequest, Issue, IssueEvent, StageClock
from inspections.services import issue_route

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 12)  # a Wednesday; the last inspection round began yesterday
# The Thursday and Friday after it, declared off by the administrators, and the Saturday worked instead.
DAYS_OFF = [datetime.date(2024, 6, 13), datetime.date(2024, 6, 14)]
SATURDAY_WORKED = datetime.date(2024, 6, 15)
ONE_DAY = datetime.timedelta(days=1)


def seed() -> None:
    call_command(
        "seed_scale", "--force", f"--today={TODAY}", "--tasks=300", "--issues=600", "--progress=2000", stdout=StringIO()
    )


def routed_issues():
    return Issue.objects.filter(status__in=[*Issue.ROUTED_STATUSES, Issue.Status.RETURNED]).select_related(
        "place", "criterion", "rectification_task"
    )


def test_it_counts_deadlines_on_the_working_calendar_with_the_administrators_overrides():
    WorkdayOverride.objects.bulk_create(
        [WorkdayOverride(date=day, is_workday=False, note="停工") for day in DAYS_OFF]
        + [WorkdayOverride(date=SATURDAY_WORKED, is_workday=True, note="补班")]
    )

    seed()

    approved = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.APPROVED).values("issue")
    issues = routed_issues().exclude(pk__in=approved).filter(rework_count=0)

    def due(issue: Issue) -> object:
        return WorkingTime().add(issue.dispatched_at, Limit.parse(issue.criterion.rectify_limit))

    for issue in issues:
        assert issue.deadline == due(issue), issue.code
        assert timezone.localtime(issue.deadline).date() not in DAYS_OFF, issue.code
    # Without the overrides, the issues dispatched this week would have been due sooner.
    recent = [issue for issue in issues if timezone.localtime(issue.dispatched_at).date() >= TODAY - ONE_DAY]
    WorkdayOverride.objects.all().delete()
    assert any(issue.deadline > due(issue) for issue in recent)


@pytest.mark.parametrize(
    ("lead", "responsible"),
    [(Criterion.Lead.ASSIGNED, "assigned_department_id"), (Criterion.Lead.TERRITORIAL, "territorial_unit_id")],
)
def test_it_routes_by_the_checklists_lead(monkeypatch, lead, responsible):
    # Every criterion is led one way, though the owner criteria still name their department.
    monkeypatch.setattr(data.CriterionSeed, "lead", property(lambda seed: lead))

    seed()

    assert Criterion.objects.filter(default_department__isnull=False).exists()
    assert not Criterion.objects.filter(lead=Criterion.Lead.OWNER).exists()
    issues = routed_issues()
    assert issues.exists()
    for issue in issues:
        assert issue.department_id == getattr(issue.place, responsible), issue.code
        assert issue.department == issue_route(place=issue.place, criterion=issue.criterion).department


def test_it_plans_every_stage_clock_and_keeps_the_running_one_on_the_issue_and_its_task():
    seed()

    issues = Issue.objects.select_related("rectification_task")
    assert StageClock.objects.count() >= issues.count()  # a dispatch clock at least, from filing
    running = {clock.issue_id: clock for clock in StageClock.objects.filter(stopped_at=None)}
    for issue in issues:
        clock = running.get(issue.pk)
        assert (issue.clock_stage or None) == (clock.stage if clock else None), issue.code
        if clock is not None:
            assert (issue.clock_due_at, issue.clock_yellow_at) == (clock.due_at, clock.yellow_at), issue.code
        if clock is not None and clock.stage == "rectify" and issue.rectification_task:
            assert issue.rectification_task.due_at == clock.due_at == issue.deadline, issue.code
    assert not StageClock.objects.filter(stopped_at__isnull=False, overdue__isnull=True).exists()
    assert set(Issue.objects.values_list("source", flat=True)) == {"inspection", "leader", "media", "hotline"}


def test_it_records_what_the_services_record_at_each_step():
    seed()

    issues = routed_issues()
    assert issues.filter(criterion__lead=Criterion.Lead.OWNER).exists()
    for issue in issues:
        assert issue.department == issue_route(place=issue.place, criterion=issue.criterion).department, issue.code
        task = issue.rectification_task
        if task is not None:
            assert task.due_date == timezone.localtime(issue.deadline).date()
            assert task.completed_at == issue.closed_at
    submissions = IssueEvent.objects.filter(action=IssueEvent.Action.SUBMITTED)
    assert submissions.exists()
    assert not submissions.filter(note="").exists()
    # Starting records no note (issue_start takes none); the department's words are in its progress reports.
    assert not IssueEvent.objects.filter(action=IssueEvent.Action.STARTED).exclude(note="").exists()
    for issue in Issue.objects.filter(rework_count__gt=0) | Issue.objects.filter(submitted_at__isnull=False):
        latest = issue.events.filter(action=IssueEvent.Action.SUBMITTED).order_by("-created", "-pk").first()
        assert latest.note == issue.rectification_note, issue.code
    requests = ExtensionRequest.objects.select_related("issue")
    assert requests.exclude(decided_at=None).exists()
    for request in requests:
        asked = request.issue.events.get(action=IssueEvent.Action.EXTENSION_REQUESTED)
        assert (asked.actor_id, asked.note, asked.created) == (request.requested_by_id, request.reason, request.created)
        if request.decided_at is not None:
            decided = request.issue.events.get(action=f"extension_{request.status}")
            assert (decided.actor_id, decided.note, decided.created) == (
                request.decided_by_id,
                request.decision_note,
                request.decided_at,
            )
