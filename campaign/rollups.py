"""The campaign's rollups (``core.rollups``): tasks by day and status, tasks by department and status, and
the quantity reported toward each target.

Every service that writes a task or a progress report keeps them in its own transaction: it takes the
task's ``TaskFacts`` before the change (from the row it has locked) and after, and ``task_rollups_move``
adds the difference. ``recount`` functions compute the same rows from the base tables."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate

from campaign.models import ProgressReport, TargetTotal, Task, TaskDayCount, TaskDepartmentCount
from core.rollups import Deltas, Rollup, deltas_merge, rollup_add

ZONE = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class TaskFacts:
    """What the rollups read of one task: where it counts and how."""

    department_id: int
    due_date: datetime.date
    status: str
    completed_on: datetime.date | None
    target_id: int | None

    @classmethod
    def of(cls, task: Task | None) -> "TaskFacts | None":
        if task is None:
            return None
        done = task.status == Task.Status.DONE and task.completed_at is not None
        return cls(
            department_id=task.department_id,
            due_date=task.due_date,
            status=task.status,
            completed_on=task.completed_at.astimezone(ZONE).date() if done else None,
            target_id=task.target_id,
        )

    @property
    def on_time(self) -> bool:
        return self.completed_on is not None and self.completed_on <= self.due_date


def _task_deltas(facts: TaskFacts, sign: int, days: Deltas, departments: Deltas) -> None:
    deltas_merge(days, (facts.due_date, facts.status), sign, {"tasks": 1, "on_time": int(facts.on_time)})
    if facts.completed_on is not None:
        deltas_merge(days, (facts.completed_on, Task.Status.DONE), sign, {"completed": 1})
    deltas_merge(departments, (facts.department_id, facts.status), sign, {"tasks": 1})


def task_rollups_move(before: TaskFacts | None, after: TaskFacts | None) -> None:
    """Move one task's counts from where ``before`` put them to where ``after`` does (``None``: the task did
    not exist, or no longer does). Its target's total is another matter: ``task_target_moved``."""
    tasks_rollups_move([(before, after)])


def tasks_rollups_move(moves: Iterable[tuple[TaskFacts | None, TaskFacts | None]]) -> None:
    """``task_rollups_move`` for many tasks at once: one upsert per table."""
    days: Deltas = {}
    departments: Deltas = {}
    for before, after in moves:
        if before == after:
            continue
        if before is not None:
            _task_deltas(before, -1, days, departments)
        if after is not None:
            _task_deltas(after, 1, days, departments)
    rollup_add(TASK_DAYS, days)
    rollup_add(TASK_DEPARTMENTS, departments)


def task_target_moved(*, task_id: int, before: int | None, after: int | None) -> None:
    """The task's reported quantities now count toward ``after`` rather than ``before``."""
    if before == after:
        return
    moved = ProgressReport.objects.filter(task_id=task_id, quantity__isnull=False).aggregate(
        reported=Sum("quantity"), reports=Count("pk")
    )
    if not moved["reports"]:
        return
    totals: Deltas = {}
    if before is not None:
        deltas_merge(totals, (before,), -1, moved)
    if after is not None:
        deltas_merge(totals, (after,), 1, moved)
    rollup_add(TARGET_TOTALS, totals)


def progress_totals_add(*, target_id: int | None, quantity: Decimal | None, sign: int = 1) -> None:
    """A report of ``quantity`` toward ``target_id`` was added (``sign`` 1) or removed (-1)."""
    if target_id is None or quantity is None:
        return
    rollup_add(TARGET_TOTALS, {(target_id,): {"reported": sign * quantity, "reports": sign}})


# ---------------------------------------------------------------------------------------------
# Recounts from the base tables


def _recount_task_days() -> list[dict]:
    due = (
        Task.objects.annotate(completed_on=TruncDate("completed_at", tzinfo=ZONE))
        .values(day=F("due_date"), state=F("status"))
        .annotate(
            tasks=Count("pk"),
            on_time=Count("pk", filter=Q(status=Task.Status.DONE, completed_on__lte=F("due_date"))),
        )
        .order_by()
    )
    completed = (
        Task.objects.filter(status=Task.Status.DONE, completed_at__isnull=False)
        .annotate(day=TruncDate("completed_at", tzinfo=ZONE))
        .values("day")
        .annotate(completed=Count("pk"))
        .order_by()
    )
    rows: dict[tuple, dict] = {}
    for row in due:
        rows[(row["day"], row["state"])] = {"day": row["day"], "status": row["state"], **row, "completed": 0}
    for row in completed:
        key = (row["day"], Task.Status.DONE)
        rows.setdefault(key, {"day": row["day"], "status": Task.Status.DONE, "tasks": 0, "on_time": 0})
        rows[key]["completed"] = row["completed"]
    return list(rows.values())


def _recount_task_departments():
    return Task.objects.values("department_id", "status").annotate(tasks=Count("pk")).order_by()


def _recount_target_totals():
    return (
        ProgressReport.objects.filter(quantity__isnull=False, task__target__isnull=False)
        .values(target_id=F("task__target"))
        .annotate(reported=Sum("quantity"), reports=Count("pk"))
        .order_by()
    )


TASK_DAYS = Rollup("task_days", TaskDayCount, ("day", "status"), ("tasks", "on_time", "completed"), _recount_task_days)
TASK_DEPARTMENTS = Rollup(
    "task_departments", TaskDepartmentCount, ("department_id", "status"), ("tasks",), _recount_task_departments
)
TARGET_TOTALS = Rollup("target_totals", TargetTotal, ("target_id",), ("reported", "reports"), _recount_target_totals)
ROLLUPS = [TASK_DAYS, TASK_DEPARTMENTS, TARGET_TOTALS]
