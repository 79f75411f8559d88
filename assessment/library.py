"""The library of indicators a scheme may weigh: each defined once, here, with its numerator and
denominator as conditions on the period's cases, so that the score's SQL and the drill-down to the
cases behind a number can never disagree. Labels and one-line definitions are in ``core.glossary``
under the same codes.

Every indicator reads one *base*: the period's issues, their events (dispatch, 回退, overruled 回退), or
their stage clocks; a scheme's indicators on one base are computed together, in one grouped query
(``assessment.selectors``). Conditions are written on the base's own rows: ``issue__`` leads to the
issue from an event or a clock.

The cases of a period are the issues *found* in it. A department answers for the issues dispatched to
it (routed: dispatched, rectifying, awaiting verification, closed), a street (街道) and a grid for those
found in their territory. A rate without a denominator is ``None`` (nothing to rate) and earns full
marks (``assessment.scoring``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Q

from assessment.models import Level
from citizens.models import Followup
from inspections.models import ExtensionRequest, Issue, IssueEvent, Stage, Suspension

# What an indicator's value is: a rate (0 to 1), a count, points, or hours.
RATE, COUNT, POINTS, HOURS = "rate", "count", "points", "hours"
# Which rows an indicator counts.
ISSUES, EVENTS, CLOCKS, PLACES = "issues", "events", "clocks", "places"
# The observed standards of the mock evaluation's closed rounds (``evaluation.Observation``).
OBSERVATIONS = "observations"

HANDLED_STATUSES = (Issue.Status.SUBMITTED, Issue.Status.CLOSED)
# A case suspended with a leader's approval, still or since released.
SUSPENDED_STATUSES = (Suspension.Status.APPROVED, Suspension.Status.RELEASED)
# What dispatches a case to a department: a dispatch, or sending it back to the department whose return
# (回退) was overruled.
DISPATCHES = (IssueEvent.Action.DISPATCHED, IssueEvent.Action.RETURN_OVERRULED)


# Sources whose cases are complaints (the public's): 12345 and 随手拍.
COMPLAINT_SOURCES = (Issue.Source.HOTLINE, Issue.Source.CITIZEN)


@dataclass(frozen=True)
class Context:
    """What a condition may depend on: the cut-off time, and whether suspended cases leave the on-time
    denominators (the scheme's ``exclude_suspended``)."""

    now: object
    exclude_suspended: bool = True


Condition = Callable[[Context], Q]


@dataclass(frozen=True)
class Indicator:
    """One figure a scheme may weigh or count: ``numerator`` and ``denominator`` are conditions on the
    rows of ``base`` (``denominator`` ``None`` for a count). ``measure`` is what the numerator adds up
    over the rows it selects: the cases themselves (``None``, each counting as its source's weight),
    or a field (``points``, ``rework_count``) or the hours from dispatch to submission."""

    code: str
    kind: str
    base: str
    numerator: Condition
    denominator: Condition | None = None
    measure: str | None = None
    lower_is_better: bool = False
    # A figure a scheme may count as a deduction or bonus item (points per unit).
    countable: bool = False
    # What the denominator adds up over its rows: the rows themselves (``None``) or a field.
    denominator_measure: str | None = None


# ---------------------------------------------------------------------------------------------
# Conditions on the issues


def _routed(ctx: Context) -> Q:
    return Q(status__in=Issue.ROUTED_STATUSES)


def _handled(ctx: Context) -> Q:
    """Rectification submitted: awaiting verification, or verified and closed."""
    return Q(status__in=HANDLED_STATUSES)


def _closed(ctx: Context) -> Q:
    return Q(status=Issue.Status.CLOSED)


def unless_suspended(ctx: Context, condition: Q) -> Q:
    """``condition``, leaving out the cases suspended with approval (still, or since released) when
    the scheme says so: they leave the on-time denominators, as the published rules do."""
    if not ctx.exclude_suspended:
        return condition
    approved = Suspension.objects.filter(issue=OuterRef("pk"), status__in=SUSPENDED_STATUSES)
    return condition & ~Q(Exists(approved))


def _on_time_submitted(ctx: Context) -> Q:
    return _handled(ctx) & Q(submitted_at__lte=F("deadline"))


def _due_to_be_handled(ctx: Context) -> Q:
    """应处置: handled, or past the deadline still in the department's hands (``Issue.overdue_q``)."""
    return unless_suspended(ctx, _handled(ctx) | Issue.overdue_q(ctx.now))


def _extended(ctx: Context) -> Q:
    approved = ExtensionRequest.objects.filter(issue=OuterRef("pk"), status=ExtensionRequest.Status.APPROVED)
    return _routed(ctx) & Q(Exists(approved))


def _overdue_pending(ctx: Context) -> Q:
    return unless_suspended(ctx, Issue.overdue_q(ctx.now))


def _with_dispatch(ctx: Context) -> Q:
    return _handled(ctx) & Q(dispatched_at__isnull=False, submitted_at__isnull=False)


def _all(ctx: Context) -> Q:
    return Q()


def _followed_up(ctx: Context) -> Q:
    """Closed, and a reporter answered its 回访 (citizens.Followup)."""
    return _closed(ctx) & Q(Exists(Followup.objects.filter(issue=OuterRef("pk"))))


def _satisfied(ctx: Context) -> Q:
    """Answered, every answer 满意 or 基本满意 (a case one reporter was not satisfied with is not)."""
    unsatisfied = Followup.objects.filter(issue=OuterRef("pk"), answer=Followup.Answer.UNSATISFIED)
    return _followed_up(ctx) & ~Q(Exists(unsatisfied))


# Hours from dispatch to submission (natural time): what 平均处置时长 averages.
DISPOSAL_TIME = ExpressionWrapper(F("submitted_at") - F("dispatched_at"), output_field=DurationField())


# ---------------------------------------------------------------------------------------------
# Conditions on the events and the clocks


def _event(action: str) -> Condition:
    return lambda ctx: Q(action=action)


def _overruled(ctx: Context) -> Q:
    return Q(action=IssueEvent.Action.RETURN_OVERRULED)


def _verification_stopped_on_time(ctx: Context) -> Q:
    """A verification run of the inspectors' clock stopped by its due moment."""
    return Q(stage=Stage.VERIFY, stopped_at__isnull=False, overdue=False)


def _verification_due(ctx: Context) -> Q:
    """Verification runs stopped, or still running past their due moment at the cut-off time."""
    return Q(stage=Stage.VERIFY) & (Q(stopped_at__isnull=False) | Q(due_at__lt=ctx.now))


LIBRARY: dict[str, Indicator] = {
    indicator.code: indicator
    for indicator in (
        # 处置率: of the cases dispatched, those whose rectification was handed in.
        Indicator("disposal_rate", RATE, ISSUES, _handled, _routed),
        # 按期处置率: handed in by the deadline, of those handed in or past their deadline (suspended ones out).
        Indicator(
            "on_time_disposal_rate",
            RATE,
            ISSUES,
            lambda ctx: unless_suspended(ctx, _on_time_submitted(ctx)),
            _due_to_be_handled,
        ),
        # 结案率 and 按期结案率: the dashboard's, so that the built-in scheme is today's ranking.
        Indicator("closure_rate", RATE, ISSUES, _closed, _routed),
        Indicator(
            "on_time_closure_rate",
            RATE,
            ISSUES,
            lambda ctx: unless_suspended(ctx, _closed(ctx) & Q(closed_at__lte=F("deadline"))),
            lambda ctx: unless_suspended(ctx, _closed(ctx)),
        ),
        # 返工率: sent back at least once, of those handed in.
        Indicator(
            "rework_rate",
            RATE,
            ISSUES,
            lambda ctx: _handled(ctx) & Q(rework_count__gt=0),
            _handled,
            lower_is_better=True,
        ),
        # 延期率: given more time (an approved extension), of the cases dispatched.
        Indicator("extension_rate", RATE, ISSUES, _extended, _routed, lower_is_better=True),
        # 超期待处置率: still in the department's hands past the deadline at the cut-off time, of those dispatched.
        Indicator("overdue_pending_rate", RATE, ISSUES, _overdue_pending, _routed, lower_is_better=True),
        # 回退率: returns (回退), of the dispatches (an overruled return's sending back included), counted on
        # the events of the period's cases.
        Indicator(
            "return_rate",
            RATE,
            EVENTS,
            _event(IssueEvent.Action.RETURNED),
            lambda ctx: Q(action__in=DISPATCHES),
            lower_is_better=True,
        ),
        # 推诿次数: 回退 the office overruled.
        Indicator(
            "overruled_returns",
            COUNT,
            EVENTS,
            _overruled,
            lower_is_better=True,
            countable=True,
        ),
        # 按期核查率: verifications done within their stage's limit, of those done or due.
        Indicator(
            "on_time_verification_rate",
            RATE,
            CLOCKS,
            _verification_stopped_on_time,
            _verification_due,
        ),
        # 平均处置时长: hours from dispatch to the rectification handed in, on average.
        Indicator(
            "average_disposal_hours",
            HOURS,
            ISSUES,
            _with_dispatch,
            _with_dispatch,
            measure="hours",
            lower_is_better=True,
        ),
        # 丢分: the points of the cases.
        Indicator("points_lost", POINTS, ISSUES, _all, measure="points", lower_is_better=True, countable=True),
        # 核查不通过次数: rectifications sent back (each failed 核查).
        Indicator(
            "failed_verifications",
            COUNT,
            ISSUES,
            _all,
            measure="rework_count",
            lower_is_better=True,
            countable=True,
        ),
        # 满意率: cases whose reporters were satisfied (满意 or 基本满意), of the closed cases with a 回访 answer.
        Indicator("satisfaction_rate", RATE, ISSUES, _satisfied, _followed_up),
        # 重复投诉点位: locations with at least N complaints in the period (a deduction item).
        Indicator("repeated_complaint_places", COUNT, PLACES, _all, lower_is_better=True, countable=True),
        # 得分率: the mock evaluation's points earned ÷ points applicable, over the standards observed in the
        # period's closed rounds, each charged to the department the routing rule picks at its place.
        Indicator(
            "score_rate",
            RATE,
            OBSERVATIONS,
            _all,
            _all,
            measure="points_earned",
            denominator_measure="points_applicable",
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# Who a row belongs to, per level and base


UNIT_FIELD: dict[str, dict[str, str]] = {
    ISSUES: {Level.DEPARTMENT: "department_id", Level.STREET: "grid__subdistrict_id", Level.GRID: "grid_id"},
    PLACES: {Level.DEPARTMENT: "department_id", Level.STREET: "grid__subdistrict_id", Level.GRID: "grid_id"},
    # A 回退 belongs to the department that returned the case (the event's), not to the one it went to next.
    EVENTS: {
        Level.DEPARTMENT: "department_id",
        Level.STREET: "issue__grid__subdistrict_id",
        Level.GRID: "issue__grid_id",
    },
    CLOCKS: {
        Level.DEPARTMENT: "issue__department_id",
        Level.STREET: "issue__grid__subdistrict_id",
        Level.GRID: "issue__grid_id",
    },
    OBSERVATIONS: {Level.DEPARTMENT: "department_id", Level.STREET: "street_id", Level.GRID: "grid_id"},
}
# How a base's rows lead to their issue.
ISSUE_PREFIX = {ISSUES: "", PLACES: "", EVENTS: "issue__", CLOCKS: "issue__", OBSERVATIONS: "issue__"}
