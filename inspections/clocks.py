"""An issue's clocks, one per stage run: the one home of when each party is due.

The office's clock (dispatch) runs from filing, and again from a return (回退), until the issue is
dispatched; the department's (rectify) from dispatch, and anew from a send-back with the checklist item's
whole limit, until it submits; the inspectors' (verify) from the submission until they verify or send it
back. Each run is a ``StageClock`` row; the running one is mirrored on the issue's indexed ``clock_*``
columns (and, for rectification, on its task's ``due_at``/``yellow_at``), which the lights read
(``core.clocks``). A run's due moment is counted in working time (``core.working_time.WorkingTime``) from
its start with the criterion's limit, or set by an approved extension, and pushed later by the time an
approved suspension stopped it. Recounted when the office hours or the calendar change
(``clocks_recompute``). Every function takes its moment (``at``) as an argument.

These are the services' helpers: they run inside the caller's transaction, on the locked issue. They
write the ``StageClock`` runs and the task's clock, and set the issue's columns, whose names they return
for the caller's one ``save`` of the issue (one history record per step).
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaign.models import Task
from campaign.rollups import TaskFacts, task_rollups_move, tasks_rollups_move
from core.clocks import Clock, working_time_spanning
from core.services import enqueue
from core.working_time import Limit, WorkingCalendar, WorkingTime, office_working_time, yellow_share
from inspections.models import Issue, Stage, StageClock
from inspections.rollups import IssueFacts, issues_rollups_move

logger = logging.getLogger(__name__)

CLOCK_FIELDS = ["clock_stage", "clock_started_at", "clock_due_at", "clock_yellow_at", "clock_suspended_at"]
BATCH_SIZE = 500


def clock_times(
    run: StageClock, *, working_time: WorkingTime, share: float | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """``(due_at, yellow_at)`` of a run as its limit, an approved extension and the time suspended make them."""
    limit = Limit.parse(run.limit)
    suspended = run.suspended_minutes
    if run.extended_to is not None:
        suspended -= run.suspended_minutes_at_extension
    return working_time.clock(
        run.started_at,
        limit,
        share=yellow_share() if share is None else share,
        until=run.extended_to,
        suspended_minutes=max(suspended, 0),
    )


def running_clock(issue: Issue) -> StageClock | None:
    return StageClock.objects.filter(issue=issue, stopped_at=None).first()


def clock_follow(issue: Issue, *, at: datetime.datetime, working_time: WorkingTime | None = None) -> list[str]:
    """Bring the issue's clock to the stage its status gives (``Issue.STAGE_OF_STATUS``): the run of a stage
    that is over stops (late or not), the next stage's starts at ``at`` with the criterion's limit. Staying in
    a stage (dispatched → rectifying) changes nothing. A rectification run sets the issue's ``deadline`` and
    its task's clock."""
    stage = Issue.STAGE_OF_STATUS[issue.status]
    running = running_clock(issue)
    if running is not None and running.stage == stage:
        return []
    working_time = working_time or office_working_time()
    if running is not None:
        if issue.clock_suspended_at is not None:
            _add_suspended(running, issue, at=at, working_time=working_time)
        running.stopped_at = at
        running.overdue = at > running.due_at
        running.save(update_fields=["stopped_at", "overdue", "suspended_minutes", "due_at", "yellow_at"])
    fields = list(CLOCK_FIELDS)
    issue.clock_suspended_at = None
    if not stage:
        issue.clock_stage, issue.clock_started_at, issue.clock_due_at, issue.clock_yellow_at = "", None, None, None
    else:
        run = StageClock(
            issue=issue,
            stage=stage,
            department=issue.department if stage == Stage.RECTIFY else None,
            limit=str(issue.criterion.limit(stage)),
            started_at=at,
        )
        run.due_at, run.yellow_at = clock_times(run, working_time=working_time)
        run.save(force_insert=True)
        _mirror(issue, run)
        if stage == Stage.RECTIFY:
            issue.deadline = run.due_at
            fields.append("deadline")
    _task_follows(issue)
    return fields


def clock_extend(issue: Issue, *, until: datetime.datetime, working_time: WorkingTime | None = None) -> list[str]:
    """An approved extension: the rectification run is due at ``until`` (and later still by any time it is
    suspended from now on); the issue's deadline and its task follow."""
    run = running_clock(issue)
    if run is None or run.stage != Stage.RECTIFY:
        return []
    run.extended_to = until
    run.suspended_minutes_at_extension = run.suspended_minutes
    run.due_at, run.yellow_at = clock_times(run, working_time=working_time or office_working_time())
    run.save(update_fields=["extended_to", "suspended_minutes_at_extension", "due_at", "yellow_at"])
    _mirror(issue, run)
    issue.deadline = run.due_at
    _task_follows(issue)
    return [*CLOCK_FIELDS, "deadline"]


def clock_suspend(issue: Issue, *, at: datetime.datetime) -> list[str]:
    """An approved suspension stops the running clock at ``at``; its light shows suspended."""
    issue.clock_suspended_at = at
    _task_follows(issue)
    return ["clock_suspended_at"]


def clock_resume(
    issue: Issue, *, at: datetime.datetime, working_time: WorkingTime | None = None
) -> tuple[int, list[str]]:
    """The suspension ends at ``at``: the clock runs again, its due and yellow moments later by the time it
    was stopped. Returns that time (the clock's own minutes) and the issue's changed fields."""
    run = running_clock(issue)
    if run is None or issue.clock_suspended_at is None:
        return 0, []
    minutes = _add_suspended(run, issue, at=at, working_time=working_time or office_working_time())
    run.save(update_fields=["suspended_minutes", "due_at", "yellow_at"])
    issue.clock_suspended_at = None
    _mirror(issue, run)
    fields = [*CLOCK_FIELDS]
    if run.stage == Stage.RECTIFY:
        issue.deadline = run.due_at
        fields.append("deadline")
    _task_follows(issue)
    return minutes, fields


def _add_suspended(run: StageClock, issue: Issue, *, at: datetime.datetime, working_time: WorkingTime) -> int:
    """Count the suspension from ``issue.clock_suspended_at`` to ``at`` into ``run`` and recount it."""
    since = issue.clock_suspended_at
    if Limit.parse(run.limit).unit == Limit.NATURAL_HOURS:
        minutes = max(int((at - since).total_seconds() // 60), 0)
    else:
        minutes = max(working_time.between(since, at), 0)
    run.suspended_minutes += minutes
    run.due_at, run.yellow_at = clock_times(run, working_time=working_time)
    return minutes


def _mirror(issue: Issue, run: StageClock) -> None:
    issue.clock_stage, issue.clock_started_at = run.stage, run.started_at
    issue.clock_due_at, issue.clock_yellow_at = run.due_at, run.yellow_at


def _task_follows(issue: Issue) -> None:
    """The rectification task carries the department's clock: its due moment, light and suspension. Written
    without a history record of its own: the step's save of the task (its status) records the new due date."""
    task = issue.rectification_task
    if task is None:
        return
    if issue.clock_stage != Stage.RECTIFY:
        values = {"suspended_at": None}
    else:
        due_date = timezone.localtime(issue.clock_due_at, timezone.get_default_timezone()).date()
        values = {
            "due_at": issue.clock_due_at,
            "yellow_at": issue.clock_yellow_at,
            "suspended_at": issue.clock_suspended_at,
            "due_date": due_date,
            "start_date": min(task.start_date, due_date) if task.start_date else None,
        }
    before = TaskFacts.of(task)
    for field, value in values.items():
        setattr(task, field, value)
    Task.objects.filter(pk=task.pk).update(**values)
    task_rollups_move(before, TaskFacts.of(task))


# ---------------------------------------------------------------------------------------------
# Reading a clock


def issue_clock(issue: Issue, *, now: datetime.datetime, working_time: WorkingTime) -> Clock | None:
    """The issue's running clock at ``now`` (``None`` closed)."""
    if not issue.clock_stage:
        return None
    return Clock.at(
        now,
        stage=issue.clock_stage,
        due_at=issue.clock_due_at,
        yellow_at=issue.clock_yellow_at,
        suspended_at=issue.clock_suspended_at,
        working_time=working_time,
    )


def issue_clocks(issues: Iterable[Issue], *, now: datetime.datetime) -> WorkingTime:
    """Set ``issue.clock`` on each issue of a page, with one reading of the office hours and the calendar
    for them all; returns the ``WorkingTime`` used."""
    issues = list(issues)
    working_time = working_time_spanning(
        office_working_time(), now, *(issue.clock_due_at for issue in issues), *(i.clock_suspended_at for i in issues)
    )
    for issue in issues:
        issue.clock = issue_clock(issue, now=now, working_time=working_time)
    return working_time


# ---------------------------------------------------------------------------------------------
# Counting again


def clocks_recompute(*, issue_ids: Iterable[int] | None = None, pledged: bool = True) -> int:
    """Count every running clock again — of the given issues, or of all — on the office hours and calendar
    as they stand: after a calendar correction or a change of office hours. The issues' columns and
    deadlines and their tasks follow; open pledged tasks too (their yellow moment reads the calendar).
    Rows are read and written in batches, without history records: nothing happened to the cases. Returns
    how many clocks were counted."""
    working_time = office_working_time()
    share = yellow_share()
    runs = StageClock.objects.filter(stopped_at=None).select_related("issue__rectification_task").order_by("pk")
    if issue_ids is not None:
        runs = runs.filter(issue_id__in=list(issue_ids))
    counted = 0
    batch: list[StageClock] = []
    for run in runs.iterator(chunk_size=BATCH_SIZE):
        batch.append(run)
        if len(batch) == BATCH_SIZE:
            counted += _recount(batch, working_time=working_time, share=share)
            batch = []
    if batch:
        counted += _recount(batch, working_time=working_time, share=share)
    if pledged and issue_ids is None:
        counted += _recount_pledged()
    return counted


def _recount(runs: list[StageClock], *, working_time: WorkingTime, share: float) -> int:
    issues, tasks, moved_issues, moved_tasks = [], [], [], []
    for run in runs:
        run.due_at, run.yellow_at = clock_times(run, working_time=working_time, share=share)
        issue = run.issue
        before = IssueFacts.of(issue)
        _mirror(issue, run)
        issues.append(issue)
        if run.stage == Stage.RECTIFY:
            issue.deadline = run.due_at
            task = issue.rectification_task
            if task is not None:
                task_before = TaskFacts.of(task)
                task.due_at, task.yellow_at = run.due_at, run.yellow_at
                task.due_date = timezone.localtime(run.due_at, timezone.get_default_timezone()).date()
                tasks.append(task)
                moved_tasks.append((task_before, TaskFacts.of(task)))
        moved_issues.append((before, IssueFacts.of(issue)))
    with transaction.atomic():
        StageClock.objects.bulk_update(runs, ["due_at", "yellow_at"])
        Issue.objects.bulk_update(issues, ["clock_due_at", "clock_yellow_at", "deadline"])
        Task.objects.bulk_update(tasks, ["due_at", "yellow_at", "due_date"])
        # A task's due date moves with its clock: the rollups by day follow (the issues' only if a count moved).
        tasks_rollups_move(moved_tasks)
        issues_rollups_move(moved_issues)
    return len(runs)


def _recount_pledged() -> int:
    """Open pledged tasks' yellow moments, on the calendar as it stands."""
    tasks = Task.objects.open().exclude(kind=Task.Kind.RECTIFICATION).only("pk", "due_date", "due_at", "yellow_at")
    counted = 0
    batch: list[Task] = []
    calendar = None
    for task in tasks.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        if calendar is None:
            calendar = WorkingCalendar.spanning(task.due_date, margin=settings.DUE_SOON_WORKING_DAYS + 1)
        task.due_at, task.yellow_at = Task.pledged_clock(task.due_date, calendar=calendar)
        batch.append(task)
        if len(batch) == BATCH_SIZE:
            Task.objects.bulk_update(batch, ["due_at", "yellow_at"])
            counted += len(batch)
            batch = []
    if batch:
        Task.objects.bulk_update(batch, ["due_at", "yellow_at"])
        counted += len(batch)
    return counted


def clocks_recompute_soon(*, days: list[datetime.date] | None = None) -> str:
    """After a change of office hours or calendar (``core.signals.working_time_changed``): recount now when
    few clocks run (``CLOCK_RECOMPUTE_INLINE``), else queue the work for a worker. Returns which it did."""
    running = StageClock.objects.filter(stopped_at=None).count()
    if running <= settings.CLOCK_RECOMPUTE_INLINE:
        clocks_recompute()
        return "now"
    from inspections.tasks import recompute_clocks  # the tasks module imports this one

    error = enqueue(recompute_clocks)
    if error is not None:
        logger.warning("Could not queue the recount of %d clocks (%s); counting them now.", running, error)
        clocks_recompute()
        return "now"
    return "queued"
