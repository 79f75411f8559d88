"""Read-side queries for leaders: every figure is computed by the database.

The dashboard, its drill-downs, the API's scoreboards and the weekly accountability workbook all read
from here, so they never disagree. Each selector is keyword-only and returns plain dicts, lists of
dicts, or ``values()`` querysets whose keys are part of the contract (the workbook addresses them by
name). What each figure is called and counts, in a line, is in ``core.glossary`` (the labels every
page, workbook and API description use); the rules behind them:

* **Periods** are whole days in Asia/Shanghai; weeks run Monday to Sunday. "This week" and "this
  month" run to date (today included) and are compared like for like with the same days of the week
  or month before (``Period.previous``); the whole campaign has no bounds and nothing to compare with.
* **Two kinds of figure.** *Period* figures count what happened in the period: the issues filed in it,
  the tasks due in it. *Current* figures (``current_*``) count everything open at the cut-off time
  (``as_of``, the moment they were computed), whenever it began — exactly the rows of the lists shown
  beneath them (open tasks, overdue tasks, open issues). Labels say which is which (当前…).
* **Tasks of a period** are the tasks *due* in it, cancelled ones left out, read in their current
  state. *Overdue*: ``Task.overdue_q`` (still open and due before today). *On time*: done, and
  completed (local date) on or before its due date. *On-time completion rate* = on time / (done +
  overdue): of the tasks that are finished or should have been, the share finished by their due date.
* **Issues of a period** are the issues *found* (``reported_at``) in it. An issue counts as
  *dispatched* when it is in a routed state (dispatched, rectifying, awaiting verification, closed)
  — a returned issue belongs to no department until re-routed. *Closed* = verified and closed.
  *On-time closure rate* (按期结案率) = closed with ``closed_at <= deadline`` / closed. *Closure rate*
  (结案率) = closed / dispatched. *Rework rate* (返工率) = issues sent back at least once
  (``rework_count > 0``) / issues whose rectification has been submitted (closed or awaiting
  verification). *Points lost* counts every issue found; a department or grid is charged with the
  points of the issues routed to it (department) or found in it (grid). An issue is *past its
  deadline* by ``Issue.overdue_q``.
* **Rates** are fractions between 0 and 1, or ``None`` when their denominator is zero.
* **Trends** count events in the week they happened: found by ``reported_at``, closed by
  ``closed_at``, tasks completed by ``completed_at``.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.selectors import departments_seen_by
from assessment.models import Level, PeriodKind
from assessment.selectors import span_results
from campaign.models import Target, Task, TaskDayCount, TaskDepartmentCount
from core import glossary
from core.working_time import WorkingCalendar
from grids.models import Grid, Place
from inspections.models import Issue, IssueDayCount, IssueDepartmentCount, IssueGridCount

ZONE = ZoneInfo(settings.TIME_ZONE)
POINTS = DecimalField(max_digits=12, decimal_places=2)

OPEN_ISSUE_STATUSES = (Issue.Status.DISPATCHED, Issue.Status.RECTIFYING, Issue.Status.SUBMITTED)
SUBMITTED_ISSUE_STATUSES = (Issue.Status.SUBMITTED, Issue.Status.CLOSED)


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """A span of whole local days, ``start`` to ``end`` inclusive; ``None`` leaves a side open.

    ``key`` names what the user picked (one of ``Period.KEYS``), or ``"week"`` / ``"previous"`` for a
    period built in code. ``unit`` (``WEEK`` or ``MONTH``) says what a comparison steps back by. "This
    week" and "this month" run *to date*, today included: a week or month still running is compared with
    the same days of the one before (``previous()``), never with a whole one."""

    key: str
    start: datetime.date | None
    end: datetime.date | None
    unit: str = ""

    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    CAMPAIGN = "campaign"
    KEYS = (THIS_WEEK, LAST_WEEK, THIS_MONTH, CAMPAIGN)
    LABELS = {
        THIS_WEEK: _("This week"),
        LAST_WEEK: _("Last week"),
        THIS_MONTH: _("This month"),
        CAMPAIGN: _("Whole campaign"),
    }
    WEEK, MONTH = "week", "month"

    @classmethod
    def of(cls, key: str, *, today: datetime.date) -> "Period":
        """The period the user picked, up to ``today``; an unknown key falls back to this week."""
        monday = today - datetime.timedelta(days=today.weekday())
        if key == cls.LAST_WEEK:
            return cls(key, monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1), cls.WEEK)
        if key == cls.THIS_MONTH:
            return cls(key, today.replace(day=1), today, cls.MONTH)
        if key == cls.CAMPAIGN:
            return cls(key, None, None)
        return cls(cls.THIS_WEEK, monday, today, cls.WEEK)

    @classmethod
    def week(cls, *, day: datetime.date) -> "Period":
        """The whole Monday-to-Sunday week containing ``day`` (the weekly workbook's period)."""
        monday = day - datetime.timedelta(days=day.weekday())
        return cls("week", monday, monday + datetime.timedelta(days=6), cls.WEEK)

    def through(self, day: datetime.date) -> "Period":
        """The period cut at ``day``: the part of it that has happened by then (itself if it is over)."""
        if self.end is None or self.end <= day:
            return self
        return replace(self, end=max(day, self.start) if self.start is not None else day)

    @property
    def label(self) -> str:
        if self.key in self.LABELS:
            return str(self.LABELS[self.key])
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def is_whole(self) -> bool:
        """Whether the period covers its whole week or month (a week or month to date does not)."""
        if self.start is None or self.end is None:
            return True
        if self.unit == self.WEEK:
            return self.end - self.start == datetime.timedelta(days=6)
        if self.unit == self.MONTH:
            return self.start.day == 1 and self.end == _next_month(self.start) - datetime.timedelta(days=1)
        return True

    def previous(self) -> "Period | None":
        """Like for like, the span just before to compare with: the same weekdays of the week before for a
        week (Monday–Thursday with Monday–Thursday), the same days of the month before for a month to date
        (1–5 December with 1–5 November; 1–31 March with the whole of February), the whole month before
        for a whole month, the span of the same length just before otherwise. The whole campaign has none."""
        if self.start is None or self.end is None:
            return None
        if self.unit == self.MONTH:
            last = self.start - datetime.timedelta(days=1)
            first = last.replace(day=1)
            if self.is_whole:
                return Period("previous", first, last, self.MONTH)
            return Period("previous", first, min(first + (self.end - self.start), last), self.MONTH)
        length = self.end - self.start + datetime.timedelta(days=1)
        if self.unit == self.WEEK:
            length = datetime.timedelta(days=7)
        return Period("previous", self.start - length, self.end - length, self.unit)

    @property
    def comparison(self) -> str:
        """What a change against ``previous()`` is against, as the reader sees it next to the change:
        较上周同期, 较上月, … (the glossary's words)."""
        if self.unit == self.WEEK:
            code = "vs_previous_week" if self.is_whole else "vs_same_days_of_previous_week"
        elif self.unit == self.MONTH:
            code = "vs_previous_month" if self.is_whole else "vs_same_days_of_previous_month"
        else:
            code = "vs_previous_period"
        return str(glossary.label(code))

    @property
    def starts_at(self) -> datetime.datetime | None:
        """The first moment of the period (aware, local midnight)."""
        return None if self.start is None else datetime.datetime.combine(self.start, datetime.time.min, tzinfo=ZONE)

    @property
    def ends_before(self) -> datetime.datetime | None:
        """The first moment after the period (aware, the next local midnight)."""
        if self.end is None:
            return None
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=ZONE)

    def days(self, field: str) -> Q:
        """Rows whose date ``field`` falls in the period."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lte": self.end})
        return q

    def moments(self, field: str) -> Q:
        """Rows whose date-time ``field`` falls in the period."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.starts_at})
        if self.end is not None:
            q &= Q(**{f"{field}__lt": self.ends_before})
        return q


def _next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# ---------------------------------------------------------------------------------------------
# Whose figures


def figures_scope(*, user: User) -> list[int] | None:
    """The departments whose figures ``user`` may read: ``None`` for the whole city (the
    ``reports.view_city_figures`` rule), else the department they work for and its sub-units
    (``accounts.selectors.departments_seen_by``). Pages and API ask here."""
    if user.has_perm("reports.view_city_figures"):
        return None
    return departments_seen_by(user=user)


# ---------------------------------------------------------------------------------------------
# Building blocks


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    if not denominator:
        return None
    return (numerator or 0) / denominator


def _issue_rates(*, closed: int, dispatched: int, closed_on_time: int, reworked: int, rework_base: int) -> dict:
    """结案率 (closed of dispatched), 按期结案率 (on time of closed) and 返工率 (reworked of those
    submitted at least once); ``None`` where there is nothing to rate."""
    return {
        "closure_rate": _ratio(closed, dispatched),
        "on_time_closure_rate": _ratio(closed_on_time, closed),
        "rework_rate": _ratio(reworked, rework_base),
    }


def _open_tasks(*, department_ids: list[int] | None = None, grid_ids: list[int] | None = None) -> QuerySet[Task]:
    """Tasks not done or cancelled, of the given departments or naming the given grids: the rows of the
    open-task lists, and what every current task figure counts."""
    tasks = Task.objects.open()
    if department_ids is not None:
        tasks = tasks.filter(department_id__in=department_ids)
    if grid_ids is not None:
        tasks = tasks.filter(Exists(Task.grids.through.objects.filter(task=OuterRef("pk"), grid_id__in=grid_ids)))
    return tasks


def _open_issues(
    *, now: datetime.datetime, department_ids: list[int] | None = None, grid_ids: list[int] | None = None
) -> QuerySet[Issue]:
    """Issues not closed, found before ``now``, routed to the given departments or found in the given
    grids: the rows of the open-issue lists, and what every current issue figure counts. (A week's
    workbook built days later leaves out the issues found after its week.)"""
    issues = Issue.objects.exclude(status=Issue.Status.CLOSED).filter(reported_at__lt=now)
    if department_ids is not None:
        issues = issues.filter(department_id__in=department_ids)
    if grid_ids is not None:
        issues = issues.filter(grid_id__in=grid_ids)
    return issues


def _tasks_due(period: Period) -> QuerySet[Task]:
    return Task.objects.filter(period.days("due_date")).exclude(status=Task.Status.CANCELLED)


def _issues_found(period: Period) -> QuerySet[Issue]:
    return Issue.objects.filter(period.moments("reported_at"))


def _delta(current: dict, previous: dict) -> dict:
    return {
        key: None if value is None or previous.get(key) is None else value - previous[key]
        for key, value in current.items()
    }


# ---------------------------------------------------------------------------------------------
# Campaign KPIs


def campaign_overview(*, today: datetime.date) -> dict:
    """Headline counts of tasks and issues, two queries whatever the size of the city."""
    tasks = Task.objects.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Task.Status.DONE)),
        open=Count("pk", filter=Q(status__in=Task.OPEN_STATUSES)),  # as Task.objects.open()
        overdue=Count("pk", filter=Task.overdue_q(today)),
    )
    issues = Issue.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=Issue.Status.CLOSED)),
        closed=Count("pk", filter=Q(status=Issue.Status.CLOSED)),
        points=Sum("points"),
    )
    return {"tasks": tasks, "issues": issues}


CURRENT_FIELDS = ("current_open_tasks", "current_overdue_tasks", "current_open_issues", "current_overdue_issues")


def current_totals(
    *,
    today: datetime.date,
    now: datetime.datetime,
    department_ids: list[int] | None = None,
    grid_ids: list[int] | None = None,
) -> dict:
    """What is open at the cut-off time ``now`` (``today`` its local date), whatever the period: the
    figures above the lists of open tasks, overdue tasks and open issues, counting exactly their rows
    (``CURRENT_FIELDS``). Two queries: the open tasks, the open issues."""
    tasks = _open_tasks(department_ids=department_ids, grid_ids=grid_ids).aggregate(
        current_open_tasks=Count("pk"), current_overdue_tasks=Count("pk", filter=Task.overdue_q(today))
    )
    issues = _open_issues(now=now, department_ids=department_ids, grid_ids=grid_ids).aggregate(
        current_open_issues=Count("pk"), current_overdue_issues=Count("pk", filter=Issue.overdue_q(now))
    )
    return tasks | issues


@dataclass
class OpenNow:
    """What is open at this moment (``CURRENT_FIELDS``), in all (``totals``) and per department
    (``departments``: ``{department id: {field: count}}``), as ``open_now()`` counts it."""

    totals: dict
    departments: dict[int, dict]


def open_now(*, today: datetime.date, now: datetime.datetime, department_ids: list[int] | None = None) -> OpenNow:
    """``current_totals()`` and the same figures per department, at this moment, in one query: the open
    tasks and issues from the rollups by department (``TaskDepartmentCount``, ``IssueDepartmentCount``; the
    city's open issues, routed or not, from ``IssueGridCount``), the overdue ones from their clocks (an index
    on the due moments of the clocks that run). Counts rollups as they stand, so only for ``now`` this
    moment; ``current_totals()`` answers for another."""
    open_tasks = TaskDepartmentCount.objects.filter(status__in=Task.OPEN_STATUSES)
    open_issues = IssueDepartmentCount.objects.exclude(status=Issue.Status.CLOSED)
    if department_ids is not None:
        open_tasks = open_tasks.filter(department_id__in=department_ids)
        open_issues = open_issues.filter(department_id__in=department_ids)

    def grouped(rows: QuerySet, kind: str, unit: Any, count: Any) -> QuerySet:
        return rows.annotate(unit=unit).order_by().values("unit").annotate(kind=Value(kind), n=count)

    parts = [
        grouped(open_tasks, "current_open_tasks", F("department_id"), Sum("tasks")),
        grouped(open_issues, "current_open_issues", F("department_id"), Sum("issues")),
        grouped(
            _open_tasks(department_ids=department_ids).filter(Task.overdue_q(today)),
            "current_overdue_tasks",
            F("department_id"),
            Count("*"),
        ),
        grouped(
            _open_issues(now=now, department_ids=department_ids).filter(Issue.overdue_q(now)),
            "current_overdue_issues",
            F("department_id"),
            Count("*"),
        ),
    ]
    if department_ids is None:  # the issues no department holds (not dispatched yet, or returned) too
        city = IssueGridCount.objects.exclude(status=Issue.Status.CLOSED)
        parts.append(grouped(city, "city_open_issues", Value(None, output_field=IntegerField()), Sum("issues")))
    totals = dict.fromkeys(CURRENT_FIELDS, 0)
    departments: dict[int, dict] = {}
    city_open_issues = 0
    for row in parts[0].union(*parts[1:], all=True):
        n = row["n"] or 0
        if row["kind"] == "city_open_issues":
            city_open_issues = n
            continue
        departments.setdefault(row["unit"], dict.fromkeys(CURRENT_FIELDS, 0))[row["kind"]] += n
        totals[row["kind"]] += n
    if department_ids is None:
        totals["current_open_issues"] = city_open_issues
    departments.pop(None, None)  # overdue issues are all routed; this only guards the sums above
    return OpenNow(totals=totals, departments=departments)


def _spanning(periods: list[Period]) -> Period:
    """The smallest period holding all of ``periods`` (open on a side where any of them is)."""
    starts, ends = [p.start for p in periods], [p.end for p in periods]
    return Period(
        "span",
        None if None in starts else min(starts),
        None if None in ends else max(ends),
    )


ISSUE_FIGURE_KEYS = (
    "found",
    "open",
    "dispatched",
    "rectified",
    "closed_on_time",
    "rework_base",
    "reworked",
    "points_lost",
)
TASK_FIGURE_KEYS = ("total", "done", "on_time")
NO_POINTS = Value(Decimal(0), output_field=POINTS)


def _period_of(periods: list[Period]) -> Any:
    """Which of ``periods`` (which never overlap) a rollup row's ``day`` falls in, by its index."""
    whens = [When(period.days("day"), then=Value(n)) for n, period in enumerate(periods) if period.days("day")]
    if len(whens) < len(periods):  # an unbounded period, alone: every day is in it
        return Value(0)
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _period_figures(*, periods: list[Period], today: datetime.date) -> list[dict]:
    """The issue and task figures of each period, in one query: the issues by the day they were filed and the
    tasks by the day they are due (the rollups ``IssueDayCount`` and ``TaskDayCount``), and the tasks due in
    each period that are overdue now (read from their clocks: time makes them late, no write does)."""
    span = _spanning(periods)
    period = _period_of(periods)
    closed = Q(status=Issue.Status.CLOSED)
    submitted = Q(status__in=SUBMITTED_ISSUE_STATUSES)
    done = Q(status=Task.Status.DONE)
    zero = Value(0)

    def grouped(rows: QuerySet, kind: str, *numbers: Any, points: Any = NO_POINTS) -> QuerySet:
        numbers = (*numbers, *[zero] * (7 - len(numbers)))
        return (
            rows.annotate(period=period)
            .order_by()
            .values("period")
            .annotate(kind=Value(kind), **{f"n{n}": number for n, number in enumerate(numbers)}, points=points)
        )

    issues = grouped(
        IssueDayCount.objects.filter(span.days("day")),
        "issues",
        Sum("issues"),
        Sum("issues", filter=~closed),
        Sum("issues", filter=Q(status__in=Issue.ROUTED_STATUSES)),
        Sum("issues", filter=closed),
        Sum("closed_on_time", filter=closed),
        Sum("issues", filter=submitted),
        Sum("reworked", filter=submitted),
        points=Coalesce(Sum("points"), NO_POINTS, output_field=POINTS),
    )
    tasks = grouped(
        TaskDayCount.objects.filter(span.days("day")).exclude(status=Task.Status.CANCELLED),
        "tasks",
        Sum("tasks"),
        Sum("tasks", filter=done),
        Sum("on_time", filter=done),
    )
    # The overdue tasks' own due dates, as "day", so that the same periods sort them.
    overdue = grouped(
        Task.objects.filter(Task.overdue_q(today)).annotate(day=F("due_date")).filter(span.days("day")),
        "overdue",
        Count("*"),
    )
    result = [
        {**dict.fromkeys(ISSUE_FIGURE_KEYS, 0), "points_lost": Decimal(0), **dict.fromkeys(TASK_FIGURE_KEYS, 0)}
        | {"overdue": 0}
        for _period in periods
    ]
    for row in issues.union(tasks, overdue, all=True):
        if row["period"] is None:
            continue
        figures = result[row["period"]]
        numbers = [row[f"n{n}"] or 0 for n in range(7)]
        if row["kind"] == "issues":
            figures.update(zip(ISSUE_FIGURE_KEYS[:7], numbers, strict=True))
            figures["points_lost"] = Decimal(row["points"] or 0)
        elif row["kind"] == "tasks":
            figures.update(zip(TASK_FIGURE_KEYS, numbers, strict=False))
        else:
            figures["overdue"] = numbers[0]
    return result


def _task_figures(*, figures: dict) -> dict:
    tasks = {key: figures[key] for key in ("total", "done", "overdue", "on_time")}
    tasks["on_time_rate"] = _ratio(tasks["on_time"], tasks["done"] + tasks["overdue"])
    return tasks


def _issue_figures(*, figures: dict) -> dict:
    issues = {key: figures[key] for key in ISSUE_FIGURE_KEYS}
    return issues | _issue_rates(
        closed=issues["rectified"],
        dispatched=issues["dispatched"],
        closed_on_time=issues["closed_on_time"],
        reworked=issues["reworked"],
        rework_base=issues["rework_base"],
    )


def campaign_kpis(*, period: Period, today: datetime.date) -> dict:
    """The campaign's headline figures for ``period`` and their change against the previous period.

    Returns ``{"period", "previous_period", "tasks", "issues", "previous", "delta"}``:

    * ``tasks``: ``total``, ``done``, ``overdue``, ``on_time``, ``on_time_rate``;
    * ``issues``: ``found``, ``open``, ``dispatched``, ``rectified``, ``closed_on_time``,
      ``closure_rate``, ``on_time_closure_rate``, ``reworked``, ``rework_base``, ``rework_rate``,
      ``points_lost`` (``Decimal``);
    * ``previous``: the same two dicts for the previous period, ``None`` for the whole campaign;
    * ``delta``: current minus previous, key by key (``None`` where either side is ``None``).

    One query, whatever the periods: the rollups of the issues and tasks by day, and the overdue tasks'
    clocks (``_period_figures``)."""
    previous_period = period.previous()
    periods = [period] if previous_period is None else [period, previous_period]
    figures = _period_figures(periods=periods, today=today)
    current = {"tasks": _task_figures(figures=figures[0]), "issues": _issue_figures(figures=figures[0])}
    previous = delta = None
    if previous_period is not None:
        previous = {"tasks": _task_figures(figures=figures[1]), "issues": _issue_figures(figures=figures[1])}
        delta = {part: _delta(current[part], previous[part]) for part in current}
    return {"period": period, "previous_period": previous_period, **current, "previous": previous, "delta": delta}


# ---------------------------------------------------------------------------------------------
# Department ranking

SCOREBOARD_FIELDS = (
    "id",
    "code",
    "name",
    "short_name",
    "dispatched",
    "closed",
    "open",
    "closure_rate",
    "closed_on_time",
    "on_time_closure_rate",
    "reworked",
    "rework_base",
    "rework_rate",
    "points_lost",
    "overdue_tasks",
    *CURRENT_FIELDS,
)
# What the ranking may be sorted by (``sort`` query parameter, ``-`` for descending).
SCOREBOARD_SORTS = (
    "name",
    "dispatched",
    "closed",
    "open",
    "closure_rate",
    "on_time_closure_rate",
    "rework_rate",
    "points_lost",
    "overdue_tasks",
    *CURRENT_FIELDS,
)
SCOREBOARD_DEFAULT_SORT = "-points_lost"


def scoreboard_ordering(sort: str | None) -> str:
    """The valid ``sort`` value, or the default."""
    return sort if sort and sort.lstrip("-") in SCOREBOARD_SORTS else SCOREBOARD_DEFAULT_SORT


def _sorted(rows: list[dict], sort: str, *, then: tuple[str, ...]) -> list[dict]:
    """``rows`` by ``sort`` (``-`` for descending), rows without a figure (``None``) last whichever
    the direction, ties broken by ``then`` ascending."""
    field, descending = sort.lstrip("-"), sort.startswith("-")
    rows = sorted(rows, key=lambda row: tuple(row[key] for key in then))
    present = [row for row in rows if row[field] is not None]
    present.sort(key=lambda row: row[field], reverse=descending)  # stable: the tie-break order stays
    return present + [row for row in rows if row[field] is None]


def department_scoreboard(
    *,
    period: Period,
    today: datetime.date,
    now: datetime.datetime | None = None,
    department_ids: list[int] | None = None,
    sort: str | None = None,
) -> list[dict]:
    """Per department (sections excluded; only departments that have ever had a task or a routed
    issue), the issues found in ``period`` and routed to it, its tasks due in ``period``, and what it
    has open at the cut-off time ``now`` (default: this moment; ``today`` is its local date).

    Rows carry ``SCOREBOARD_FIELDS`` (each named in ``core.glossary``): the period's ``dispatched`` 派遣,
    ``closed`` 结案, ``open`` 未结案, ``closure_rate`` 结案率, ``closed_on_time`` and
    ``on_time_closure_rate`` 按期结案率, ``reworked`` / ``rework_base`` / ``rework_rate`` 返工率,
    ``points_lost`` 丢分 and ``overdue_tasks`` (due in the period and overdue); then the current
    ``CURRENT_FIELDS``, which count the rows of the department's lists whatever the period. Sorted by
    ``sort`` (see ``SCOREBOARD_SORTS``), most points lost first by default.

    Three queries, whatever the size of the city: the departments with the period's routed issues
    joined and counted with filters (an index range scan on ``reported_at``), then the open tasks and
    the open issues, each grouped by department. Issues and tasks are never joined to each other, which
    would multiply them, nor read through a subquery per department, which is slow for a long period."""
    now = timezone.now() if now is None else now
    routed = Q(issues__status__in=Issue.ROUTED_STATUSES) & period.moments("issues__reported_at")
    closed = Q(routed__status=Issue.Status.CLOSED)
    submitted = Q(routed__status__in=SUBMITTED_ISSUE_STATUSES)
    departments = Department.objects.exclude(kind=Department.Kind.SECTION).filter(
        Exists(Task.objects.filter(department=OuterRef("pk")))
        | Exists(Issue.objects.filter(department=OuterRef("pk"), status__in=Issue.ROUTED_STATUSES))
    )
    if department_ids is not None:
        departments = departments.filter(pk__in=department_ids)
    rows = list(
        departments.annotate(routed=FilteredRelation("issues", condition=routed))
        .annotate(
            dispatched=Count("routed"),
            closed=Count("routed", filter=closed),
            open=Count("routed", filter=Q(routed__status__in=OPEN_ISSUE_STATUSES)),
            closed_on_time=Count("routed", filter=closed & Q(routed__closed_at__lte=F("routed__deadline"))),
            reworked=Count("routed", filter=submitted & Q(routed__rework_count__gt=0)),
            rework_base=Count("routed", filter=submitted),
            points_lost=Coalesce(Sum("routed__points"), Value(Decimal(0)), output_field=POINTS),
        )
        .order_by()
        .values(
            "id",
            "code",
            "name",
            "short_name",
            "sort_order",
            "dispatched",
            "closed",
            "open",
            "closed_on_time",
            "reworked",
            "rework_base",
            "points_lost",
        )
    )
    overdue = Task.overdue_q(today)
    tasks = {
        row.pop("department_id"): row
        for row in _open_tasks(department_ids=department_ids)
        .order_by()
        .values("department_id")
        .annotate(  # rows counted, not ids: the index of the open tasks by department holds what is read
            overdue_tasks=Count(Value(1), filter=overdue & period.days("due_date")),
            current_open_tasks=Count("*"),
            current_overdue_tasks=Count(Value(1), filter=overdue),
        )
    }
    issues = {
        row.pop("department_id"): row
        for row in _open_issues(now=now, department_ids=department_ids)
        .order_by()
        .values("department_id")
        .annotate(current_open_issues=Count("*"), current_overdue_issues=Count(Value(1), filter=Issue.overdue_q(now)))
    }
    none = dict.fromkeys(("overdue_tasks", *CURRENT_FIELDS), 0)
    for row in rows:
        row |= none | tasks.get(row["id"], {}) | issues.get(row["id"], {})
        row |= _issue_rates(
            closed=row["closed"],
            dispatched=row["dispatched"],
            closed_on_time=row["closed_on_time"],
            reworked=row["reworked"],
            rework_base=row["rework_base"],
        )
    rows = _sorted(rows, scoreboard_ordering(sort), then=("sort_order", "code"))
    return [{key: row[key] for key in SCOREBOARD_FIELDS} for row in rows]


# The ranking's columns that count what each department has open now, after the scheme's indicators.
RANKING_CURRENT = ("current_overdue_tasks", "current_open_issues")


@dataclass
class Ranking:
    """The departments' assessment results of a period, as the dashboard and the weekly workbook show
    them: ``rows`` (``id``, ``code``, ``name``, ``short_name``, ``score``, ``grade``, ``rank``, each indicator's
    and item's value under its code, ``RANKING_CURRENT``), ``codes`` (the scheme's indicators and items,
    in its order), and ``results`` (``assessment.selectors.Results``: the scheme, the stage, the cut-off time)."""

    rows: list[dict]
    codes: list[str]
    results: Any


def ranking_columns(codes: list[str]) -> list[str]:
    """The ranking's columns after the department's name, each a term of the glossary: the score and its
    grade, the scheme's indicators and items, then what is open now. The dashboard and the workbook's
    部门排名 show these, in this order."""
    return ["score", "grade", *codes, *RANKING_CURRENT]


def ranking_ordering(sort: str | None, codes: list[str]) -> str:
    """The valid ``sort`` of a ranking whose scheme has ``codes``, or the default: the highest score first."""
    valid = {"name", "score", *codes, *RANKING_CURRENT}
    return sort if sort and sort.lstrip("-") in valid else "-score"


def _ranking_open_now(
    *, today: datetime.date, now: datetime.datetime, department_ids: list[int] | None
) -> tuple[dict[int, int], dict[int, int]]:
    """Per department, its overdue tasks and open issues at ``now`` (any moment), from the base rows."""
    tasks = dict(
        _open_tasks(department_ids=department_ids)
        .filter(Task.overdue_q(today))
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    issues = dict(
        _open_issues(now=now, department_ids=department_ids)
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    return tasks, issues


def department_ranking(
    *,
    period: Period,
    today: datetime.date,
    now: datetime.datetime,
    department_ids: list[int] | None = None,
    sort: str | None = None,
    current: OpenNow | None = None,
) -> Ranking:
    """The department ranking of ``period``: the assessment results by the scheme in force
    (``assessment.selectors.span_results``: the built-in ranking when none is configured, the frozen
    results when the period's are frozen), with what each department has open at the cut-off time ``now``.
    Sorted by ``sort`` (``ranking_ordering``), rows without a figure last. The results' queries (one per
    indicator at most) and two grouped ones for what is open now, whatever the number of departments: none
    when the caller has counted them already (``current``, ``open_now()``)."""
    kind = PeriodKind.WEEK if period.unit == Period.WEEK else PeriodKind.MONTH  # the whole campaign: by the month
    results = span_results(
        kind=kind, start=period.start, end=period.end, level=Level.DEPARTMENT, now=now, unit_ids=department_ids
    )
    codes = results.formula.codes()
    if current is not None:
        tasks = {pk: row["current_overdue_tasks"] for pk, row in current.departments.items()}
        issues = {pk: row["current_open_issues"] for pk, row in current.departments.items()}
    else:
        tasks, issues = _ranking_open_now(today=today, now=now, department_ids=department_ids)
    rows = []
    for result in results.rows:
        row = {
            "id": result["unit_id"],
            **{key: result[key] for key in ("code", "name", "short_name", "sort_order", "score", "grade", "rank")},
            **{part["code"]: part["value"] for part in (*result["indicators"], *result["adjustments"])},
            "current_overdue_tasks": tasks.get(result["unit_id"], 0),
            "current_open_issues": issues.get(result["unit_id"], 0),
        }
        rows.append(row)
    rows = _sorted(rows, ranking_ordering(sort, codes), then=("sort_order", "code"))
    return Ranking(rows=rows, codes=codes, results=results)


# ---------------------------------------------------------------------------------------------
# Grids

GRID_FIELDS = (
    "id",
    "code",
    "name",
    "boundary",
    "latitude",
    "longitude",
    "leader_name",
    "found",
    "open_issues",
    "points_lost",
    "open_tasks",
    "overdue_tasks",
    *CURRENT_FIELDS,
)


def _display_name(prefix: str) -> Coalesce:
    """A user's display name (family name first, else the username), or ``None`` without a user."""
    return Coalesce(NullIf(Concat(f"{prefix}__last_name", f"{prefix}__first_name"), Value("")), f"{prefix}__username")


def grid_scoreboard(
    *,
    period: Period,
    today: datetime.date,
    now: datetime.datetime | None = None,
    grid_ids: list[int] | None = None,
) -> list[dict]:
    """Per grid, for the map, the grid's page and the workbook's 网格 sheet (``GRID_FIELDS``), by code.

    The period's figures: the issues found in it in ``period`` (``found``), those still open
    (``open_issues``) and their points (``points_lost``, every issue found), and the tasks due in
    ``period`` that name the grid, still open (``open_tasks``) and overdue (``overdue_tasks``). The
    current figures (``CURRENT_FIELDS``, at ``now``, this moment by default) count what is open in the
    grid whenever it began: the rows of the grid page's lists.

    Two queries: the grids with the period's issues joined and counted, then the open tasks and the open
    issues, each grouped by grid in one UNION ALL (never multiplying each other)."""
    now = timezone.now() if now is None else now
    found = period.moments("issues__reported_at")
    grids = Grid.objects.all() if grid_ids is None else Grid.objects.filter(pk__in=grid_ids)
    rows = list(
        grids.annotate(found_in=FilteredRelation("issues", condition=found))
        .annotate(
            leader_name=_display_name("leader"),
            found=Count("found_in"),
            open_issues=Count("found_in", filter=~Q(found_in__status=Issue.Status.CLOSED)),
            points_lost=Coalesce(Sum("found_in__points"), Value(Decimal(0)), output_field=POINTS),
        )
        .order_by("code")
        .values(*GRID_FIELDS[:10])
    )
    # Grouped from the tasks' side, so that "overdue" is Task.overdue_q as written; a task naming two
    # grids counts in each. One filter() call: the grouping reads the join the condition reads.
    tasks = _open_tasks().filter(grids__isnull=False) if grid_ids is None else _open_tasks().filter(grids__in=grid_ids)
    overdue = Task.overdue_q(today)
    due = period.days("due_date")
    tasks = (
        tasks.order_by()
        .annotate(unit=F("grids"))
        .values("unit")
        .annotate(
            kind=Value("tasks"),
            n0=Count("pk", filter=due),
            n1=Count("pk", filter=due & overdue),
            n2=Count("pk"),
            n3=Count("pk", filter=overdue),
        )
    )
    issues = (
        _open_issues(now=now, grid_ids=grid_ids)
        .order_by()
        .annotate(unit=F("grid_id"))
        .values("unit")
        .annotate(
            kind=Value("issues"),
            # Counting rows, not ids: the index of the open issues by grid holds every column read then
            # (issue_open_grid_idx).
            n0=Count("*"),
            n1=Count(Value(1), filter=Issue.overdue_q(now)),
            n2=Value(0),
            n3=Value(0),
        )
    )
    # One query for both, never joined to each other (which would multiply them).
    names = {
        "tasks": ("open_tasks", "overdue_tasks", "current_open_tasks", "current_overdue_tasks"),
        "issues": ("current_open_issues", "current_overdue_issues"),
    }
    counted: dict[int, dict] = {}
    for row in tasks.union(issues, all=True):
        counts = counted.setdefault(row["unit"], {})
        counts.update(zip(names[row["kind"]], (row["n0"], row["n1"], row["n2"], row["n3"]), strict=False))
    none = dict.fromkeys(("open_tasks", "overdue_tasks", *CURRENT_FIELDS), 0)
    for row in rows:
        row |= none | counted.get(row["id"], {})
    return rows


def grids_most_open_issues(*, limit: int) -> list[dict]:
    """The ``limit`` grids with the most open issues now (``current_open_issues``, as the map colours
    them and the grid's page lists them), most first. One query over the rollup of the issues by grid and
    status (``IssueGridCount``), a few rows per grid whatever the number of issues."""
    rows = (
        IssueGridCount.objects.exclude(status=Issue.Status.CLOSED)
        .values("grid_id", "grid__code", "grid__name")
        .annotate(current_open_issues=Sum("issues"))
        .filter(current_open_issues__gt=0)
        .order_by("-current_open_issues", "grid__code")
    )
    return [
        {
            "id": row["grid_id"],
            "code": row["grid__code"],
            "name": row["grid__name"],
            "current_open_issues": row["current_open_issues"],
        }
        for row in rows[:limit]
    ]


def grids_without_boundary() -> int:
    """How many grids have no boundary drawn yet (the map shows them as dots, if it can)."""
    return Grid.objects.filter(Q(boundary__isnull=True) | Q(boundary={})).count()


# ---------------------------------------------------------------------------------------------
# Targets


def target_progress(*, today: datetime.date) -> list[dict]:
    """Every target with its current value, progress and whether it will be met, in one query: the targets
    with what has been reported toward each, kept by the services as reports arrive (the rollup
    ``TargetTotal``), rather than summed over every report of the city.

    ``progress`` is the fraction of the way from baseline to target (for less-is-better targets
    too); ``expected`` the fraction of the time from the pledge's date to the deadline that has
    passed. By linear projection a target is ``on_track`` when ``progress >= expected`` — at this
    pace it reaches the target by the deadline — and at risk otherwise; after the deadline only an
    ``achieved`` target is on track. ``projected_value`` is where the current pace ends at the
    deadline (``None`` before any time has passed). ``state`` names where it stands in the glossary's
    words (``target_achieved``, ``target_on_track``, ``target_at_risk``, ``target_missed``) and
    ``direction_term`` which way it points (``higher_is_better`` / ``lower_is_better``)."""
    targets = list(
        Target.objects.with_current_value()
        .annotate(
            department_name=F("pledge__department__name"),
            department_id=F("pledge__department_id"),
            pledge_headline=F("pledge__headline"),
            start=F("pledge__date"),
        )
        .order_by("deadline", "pledge__sort_order", "sort_order", "code")
        .values(
            "id",
            "code",
            "name",
            "unit",
            "direction",
            "baseline",
            "target_value",
            "deadline",
            "department_id",
            "department_name",
            "pledge_headline",
            "start",
            "reported",
        )
    )
    for row in targets:
        row["current_value"] = Target.value_after(
            baseline=row["baseline"], direction=row["direction"], reported=Decimal(row.pop("reported"))
        )
        row["progress"] = Target.progress_of(
            baseline=row["baseline"], target_value=row["target_value"], current_value=row["current_value"]
        )
    return [_projected(row, today=today) for row in targets]


def _projected(row: dict, *, today: datetime.date) -> dict:
    """Add the linear projection to one target row (arithmetic on the row, no query)."""
    progress = float(row["progress"] or 0)
    span = (row["deadline"] - row["start"]).days
    elapsed = (today - row["start"]).days
    expected = 1.0 if span <= 0 else min(max(elapsed / span, 0.0), 1.0)
    achieved = progress >= 1.0
    projected = None
    if expected > 0:
        baseline, target = float(row["baseline"]), float(row["target_value"])
        projected = round(baseline + (target - baseline) * progress / expected, 2)
    on_track = achieved or (today <= row["deadline"] and progress >= expected)
    if achieved:
        state = "target_achieved"
    elif today > row["deadline"]:
        state = "target_missed"
    else:
        state = "target_on_track" if on_track else "target_at_risk"
    return {
        **row,
        "progress": progress,
        "percent": Target.percent_of(progress),
        "expected": expected,
        "projected_value": projected,
        "achieved": achieved,
        "on_track": on_track,
        "days_left": (row["deadline"] - today).days,
        # The glossary's words for where the target stands and which way it points.
        "state": state,
        "direction_term": "lower_is_better" if row["direction"] == Target.Direction.DECREASE else "higher_is_better",
    }


# ---------------------------------------------------------------------------------------------
# Trends


def weekly_trends(*, weeks: int, today: datetime.date) -> list[dict]:
    """The last ``weeks`` Monday-based weeks up to and including this one, oldest first; each row:
    ``week`` (its Monday), ``found``, ``rectified`` (closed that week), ``points_lost`` (of the
    issues found that week) and ``tasks_completed``. One query over the rollups by day (``IssueDayCount``,
    ``TaskDayCount``): three grouped sums in a UNION ALL, a few hundred rows whatever the size of the city."""
    first = Period.week(day=today - datetime.timedelta(weeks=weeks - 1))
    span = Period("trend", first.start, Period.week(day=today).end)
    mondays = [first.start + datetime.timedelta(weeks=n) for n in range(weeks)]
    week = Case(
        *(When(day__lte=Period.week(day=monday).end, then=Value(n)) for n, monday in enumerate(mondays)),
        output_field=IntegerField(),
    )

    def weekly(rows: QuerySet, figure: str, count: str, points: Any = NO_POINTS) -> QuerySet:
        return (
            rows.filter(span.days("day"))
            .annotate(week=week)
            .order_by()
            .values("week")
            .annotate(figure=Value(figure), n=Sum(count), points=points)
        )

    counts = weekly(IssueDayCount.objects.all(), "found", "issues", Coalesce(Sum("points"), NO_POINTS)).union(
        weekly(IssueDayCount.objects.filter(status=Issue.Status.CLOSED), "rectified", "closed"),
        weekly(TaskDayCount.objects.filter(status=Task.Status.DONE), "tasks_completed", "completed"),
        all=True,
    )
    rows = [
        {"week": monday, "found": 0, "rectified": 0, "points_lost": Decimal(0), "tasks_completed": 0}
        for monday in mondays
    ]
    for bucket in counts:
        row = rows[bucket["week"]]
        row[bucket["figure"]] = bucket["n"] or 0
        if bucket["figure"] == "found":
            row["points_lost"] = Decimal(bucket["points"])
    return rows


# ---------------------------------------------------------------------------------------------
# Lists: overdue tasks, open tasks and issues, a grid


OVERDUE_FIELDS = (
    "id",
    "code",
    "title",
    "kind",
    "priority",
    "percent",
    "status",
    "due_date",
    "department_id",
    "department_name",
    "section_name",
    "accountable_name",
    "accountable_phone",
)


def _overdue_rows(*, today: datetime.date, department_ids: list[int] | None) -> QuerySet:
    return (
        _open_tasks(department_ids=department_ids)
        .filter(Task.overdue_q(today))
        .annotate(
            department_name=F("department__name"),
            section_name=F("section__name"),
            accountable_name=_display_name("accountable"),
            accountable_phone=F("accountable__phone"),
        )
        .order_by("due_date", "department__sort_order", "code")
        .values(*OVERDUE_FIELDS)
    )


def overdue_tasks(
    *, today: datetime.date, department_ids: list[int] | None = None, limit: int | None = None
) -> list[dict]:
    """Open tasks past their due date, longest overdue first: ``OVERDUE_FIELDS`` plus
    ``days_overdue`` (working days on China's official calendar in (due date, today]) and
    ``calendar_days_overdue``. Two queries: the tasks, and the calendar overrides for their span."""
    rows = _overdue_rows(today=today, department_ids=department_ids)
    if limit is not None:
        rows = rows[:limit]
    return list(_with_days_overdue(rows, today=today))


def overdue_tasks_stream(
    *, today: datetime.date, department_ids: list[int] | None = None, chunk_size: int = 2000
) -> tuple[int, Iterator[dict]]:
    """The rows of ``overdue_tasks()``, however many, read from the database in chunks so that
    memory stays flat: ``(count, rows)``. Three queries: the count, the tasks and the calendar."""
    rows = _overdue_rows(today=today, department_ids=department_ids)
    return rows.count(), _with_days_overdue(rows.iterator(chunk_size=chunk_size), today=today)


def _with_days_overdue(rows: Iterable[dict], *, today: datetime.date) -> Iterator[dict]:
    """Add ``days_overdue`` and ``calendar_days_overdue`` to rows sorted by due date, the earliest
    first: the working-day calendar is read once, from the first row's due date to today."""
    calendar = None
    for row in rows:
        if calendar is None:
            calendar = WorkingCalendar(row["due_date"], today)
        row["days_overdue"] = calendar.working_days_between(row["due_date"], today)
        row["calendar_days_overdue"] = (today - row["due_date"]).days
        yield row


def open_tasks(
    *, today: datetime.date, department_ids: list[int] | None = None, grid_ids: list[int] | None = None
) -> QuerySet[Task]:
    """Tasks not done or cancelled, soonest due first, with ``is_overdue`` and what a row shows
    (``current_open_tasks`` counts them)."""
    return (
        _open_tasks(department_ids=department_ids, grid_ids=grid_ids)
        .with_overdue(today)
        .select_related("department", "section", "accountable")
        .order_by("due_date", "code")
    )


def open_issues(
    *, now: datetime.datetime, department_ids: list[int] | None = None, grid_ids: list[int] | None = None
) -> QuerySet[Issue]:
    """Issues not yet closed, earliest deadline first, with what a row shows (place, grid,
    criterion, department) and ``is_overdue``: still with the department (dispatched or
    rectifying) after the rectification deadline (``Issue.overdue_q``). One awaiting verification waits
    on inspectors. ``current_open_issues`` counts them, ``current_overdue_issues`` the overdue ones."""
    return (
        _open_issues(now=now, department_ids=department_ids, grid_ids=grid_ids)
        .with_overdue(now)
        .select_related("place", "grid", "criterion", "department")
        .order_by(F("deadline").asc(nulls_last=True), "code")
    )


def week_open_issues(*, moment: datetime.datetime) -> QuerySet:
    """The open issues of a week's report: open at ``moment``, found before it (not those found
    after the week, when the workbook is built later)."""
    return open_issues(now=moment).values(
        "code",
        "department__name",
        "grid__name",
        "place__name",
        "criterion__title",
        "deadline",
        "status",
        "is_overdue",
    )


@dataclass
class WeekFigures:
    """Everything a week's accountability workbook shows; the overdue tasks and the open issues
    are read as they are written (an iterator and a queryset), the rest are lists."""

    kpis: dict
    departments: Ranking
    overdue_count: int
    overdue: Iterator[dict]
    issues: QuerySet
    targets: list[dict]
    grids: list[dict]


def week_figures(*, period: Period, moment: datetime.datetime, today: datetime.date, chunk_size: int) -> WeekFigures:
    """The figures of the week ``period``, judged at ``moment`` (``today`` its local date), for the
    weekly workbook and the benchmark's floor of it: the dashboard's selectors, so that none of the
    three can disagree."""
    overdue_count, overdue = overdue_tasks_stream(today=today, chunk_size=chunk_size)
    return WeekFigures(
        kpis=campaign_kpis(period=period, today=today),
        departments=department_ranking(period=period, today=today, now=moment),
        overdue_count=overdue_count,
        overdue=overdue,
        issues=week_open_issues(moment=moment),
        targets=target_progress(today=today),
        grids=grid_scoreboard(period=period, today=today, now=moment),
    )


def grid_detail(*, grid_id: int) -> Grid:
    """One grid with its leader, subdistrict, assigned departments and active places (three queries)."""
    places = Place.objects.filter(is_active=True).select_related("assigned_department", "assigned_leader")
    return (
        Grid.objects.select_related("leader", "subdistrict")
        .prefetch_related("departments", Prefetch("places", queryset=places))
        .get(pk=grid_id)
    )
