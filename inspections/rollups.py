"""The inspections' rollups (``core.rollups``): issues by the day they were filed and their status, by
department and status, by grid and status.

Every service that writes an issue keeps them in its own transaction: it takes the issue's
``IssueFacts`` from the row it has locked (``inspections.services._locked``) before the change and after,
and ``issue_rollups_move`` adds the difference. ``recount`` functions compute the same rows from the base
tables."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate

from core.rollups import Deltas, Rollup, deltas_merge, rollup_add
from inspections.models import Issue, IssueDayCount, IssueDepartmentCount, IssueGridCount

ZONE = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class IssueFacts:
    """What the rollups read of one issue: where it counts and how."""

    day: datetime.date
    status: str
    department_id: int | None
    grid_id: int
    points: Decimal
    closed_on: datetime.date | None
    closed_on_time: bool
    reworked: bool

    @classmethod
    def of(cls, issue: Issue | None) -> "IssueFacts | None":
        if issue is None:
            return None
        closed = issue.status == Issue.Status.CLOSED and issue.closed_at is not None
        return cls(
            day=issue.reported_at.astimezone(ZONE).date(),
            status=issue.status,
            department_id=issue.department_id,
            grid_id=issue.grid_id,
            points=Decimal(issue.points),
            closed_on=issue.closed_at.astimezone(ZONE).date() if closed else None,
            closed_on_time=closed and issue.deadline is not None and issue.closed_at <= issue.deadline,
            reworked=issue.rework_count > 0,
        )


def _issue_deltas(facts: IssueFacts, sign: int, days: Deltas, departments: Deltas, grids: Deltas) -> None:
    deltas_merge(
        days,
        (facts.day, facts.status),
        sign,
        {
            "issues": 1,
            "points": facts.points,
            "closed_on_time": int(facts.closed_on_time),
            "reworked": int(facts.reworked),
        },
    )
    if facts.closed_on is not None:
        deltas_merge(days, (facts.closed_on, Issue.Status.CLOSED), sign, {"closed": 1})
    if facts.department_id is not None:
        deltas_merge(departments, (facts.department_id, facts.status), sign, {"issues": 1})
    deltas_merge(grids, (facts.grid_id, facts.status), sign, {"issues": 1})


def issue_rollups_move(before: IssueFacts | None, after: IssueFacts | None) -> None:
    """Move one issue's counts from where ``before`` put them to where ``after`` does (``None``: the issue
    did not exist, or no longer does)."""
    issues_rollups_move([(before, after)])


def issues_rollups_move(moves: Iterable[tuple[IssueFacts | None, IssueFacts | None]]) -> None:
    """``issue_rollups_move`` for many issues at once: one upsert per table."""
    days: Deltas = {}
    departments: Deltas = {}
    grids: Deltas = {}
    for before, after in moves:
        if before == after:
            continue
        if before is not None:
            _issue_deltas(before, -1, days, departments, grids)
        if after is not None:
            _issue_deltas(after, 1, days, departments, grids)
    rollup_add(ISSUE_DAYS, days)
    rollup_add(ISSUE_DEPARTMENTS, departments)
    rollup_add(ISSUE_GRIDS, grids)


# ---------------------------------------------------------------------------------------------
# Recounts from the base tables


def _recount_issue_days() -> list[dict]:
    closed = Q(status=Issue.Status.CLOSED, closed_at__isnull=False)
    found = (
        Issue.objects.annotate(day=TruncDate("reported_at", tzinfo=ZONE))
        .values("day", state=F("status"))
        .annotate(
            issues=Count("pk"),
            points=Sum("points"),
            closed_on_time=Count("pk", filter=closed & Q(closed_at__lte=F("deadline"))),
            reworked=Count("pk", filter=Q(rework_count__gt=0)),
        )
        .order_by()
    )
    closings = (
        Issue.objects.filter(closed)
        .annotate(day=TruncDate("closed_at", tzinfo=ZONE))
        .values("day")
        .annotate(closed=Count("pk"))
        .order_by()
    )
    rows: dict[tuple, dict] = {}
    for row in found:
        rows[(row["day"], row["state"])] = {**row, "status": row["state"], "closed": 0}
    zero = {"issues": 0, "points": Decimal(0), "closed_on_time": 0, "reworked": 0}
    for row in closings:
        key = (row["day"], Issue.Status.CLOSED)
        rows.setdefault(key, {"day": row["day"], "status": Issue.Status.CLOSED, **zero})["closed"] = row["closed"]
    return list(rows.values())


def _recount_issue_departments():
    return (
        Issue.objects.filter(department__isnull=False)
        .values("department_id", "status")
        .annotate(issues=Count("pk"))
        .order_by()
    )


def _recount_issue_grids():
    return Issue.objects.values("grid_id", "status").annotate(issues=Count("pk")).order_by()


ISSUE_DAYS = Rollup(
    "issue_days",
    IssueDayCount,
    ("day", "status"),
    ("issues", "points", "closed_on_time", "reworked", "closed"),
    _recount_issue_days,
)
ISSUE_DEPARTMENTS = Rollup(
    "issue_departments", IssueDepartmentCount, ("department_id", "status"), ("issues",), _recount_issue_departments
)
ISSUE_GRIDS = Rollup("issue_grids", IssueGridCount, ("grid_id", "status"), ("issues",), _recount_issue_grids)
ROLLUPS = [ISSUE_DAYS, ISSUE_DEPARTMENTS, ISSUE_GRIDS]
