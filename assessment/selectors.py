"""Reads of the assessment: which formula is in force, the scores of a period computed in SQL, the
results as a reader sees them (live, or as published and frozen), the cases behind every number and
what a recomputation would change in a published ranking.

A result row is a dict: ``unit_id``, ``code``, ``name``, ``short_name``, ``sort_order``, ``score``
(``Decimal``), ``grade``, ``rank`` (1 the best; equal scores share a rank), ``indicators`` (per weighted
indicator: ``code``, ``numerator``, ``denominator``, ``value``, ``points``, ``weight``) and
``adjustments`` (per deduction or bonus item: ``code``, ``numerator`` — the count —, ``value``,
``points``). Rates are fractions between 0 and 1, ``None`` without a denominator.

Queries: one for the units, then one per *base* the formula reads (the issues, their events, their
clocks), whatever the number of indicators on it, and one per repeated-complaints item: never one per
unit, and at most one per indicator.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import Department
from assessment import library
from assessment.library import (
    CLOCKS,
    COMPLAINT_SOURCES,
    DISPOSAL_TIME,
    EVENTS,
    HOURS,
    ISSUE_PREFIX,
    ISSUES,
    LIBRARY,
    OBSERVATIONS,
    PLACES,
    RATE,
    UNIT_FIELD,
    Context,
)
from assessment.models import Appeal, GradeBand, Level, Publication, PublishedResult, Scheme
from assessment.periods import AssessmentPeriod, Span
from assessment.scoring import CENT, Adjustment, Band, Formula, Item, built_in, points
from campaign.models import Task
from evaluation.models import Observation, Round
from grids.models import Grid
from inspections.models import Issue, IssueEvent, StageClock

WEIGHT = DecimalField(max_digits=8, decimal_places=2)
WEIGHTED_POINTS = DecimalField(max_digits=14, decimal_places=4)
LIVE = "live"


# ---------------------------------------------------------------------------------------------
# The formula in force


def scheme_formula(scheme: Scheme) -> Formula:
    """``scheme`` as the engine reads it (its rows best prefetched)."""
    return Formula(
        code=scheme.code,
        name=scheme.name,
        period_kind=scheme.period_kind,
        campaign_id=scheme.campaign_id,
        scheme_id=scheme.pk,
        appeal_days=scheme.appeal_days,
        exclude_suspended=scheme.exclude_suspended,
        items=tuple(
            Item(row.code, row.weight, row.rule, row.threshold, row.points_off, row.allow_negative)
            for row in scheme.indicators.all()
        ),
        adjustments=tuple(
            Adjustment(row.code, row.points_per_unit, row.min_count, row.cap) for row in scheme.adjustments.all()
        ),
        source_weights=tuple((row.source, row.weight) for row in scheme.source_weights.all()),
        bands=tuple(Band(row.grade, row.min_score, row.max_score) for row in scheme.bands.all()),
    )


def _schemes() -> QuerySet[Scheme]:
    """Schemes with their parts, read in four more queries whatever their size."""
    bands = GradeBand.objects.order_by(F("min_score").desc(nulls_last=True))
    return Scheme.objects.prefetch_related(
        "indicators", "adjustments", "source_weights", Prefetch("bands", queryset=bands)
    )


def scheme_in_force(*, kind: str, day: datetime.date, campaign_id: int | None = None) -> Scheme | None:
    """The active scheme for periods of ``kind`` in force on ``day`` (of ``campaign_id``, else of the
    campaign that started last), with its parts; ``None`` when there is none (one query then)."""
    schemes = _schemes().filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day), period_kind=kind, is_active=True, valid_from__lte=day
    )
    if campaign_id is not None:
        schemes = schemes.filter(campaign_id=campaign_id)
    return schemes.order_by("-campaign__start_date", "-valid_from", "code").first()


def formula_in_force(*, kind: str, day: datetime.date, campaign_id: int | None = None) -> Formula:
    """The formula of ``scheme_in_force``, or the built-in ranking when no scheme is configured."""
    scheme = scheme_in_force(kind=kind, day=day, campaign_id=campaign_id)
    return built_in(kind) if scheme is None else scheme_formula(scheme)


# ---------------------------------------------------------------------------------------------
# Who is scored


def units(*, level: str, unit_ids: list[int] | None = None) -> list[dict]:
    """The units a level scores, in their order: every department (sections left out) that has ever had
    a task or a routed issue, as the dashboard's ranking lists them; every street (街道); every grid."""
    if level == Level.GRID:
        rows = Grid.objects.annotate(short_name=Value(""), sort_order=Value(0)).order_by("code")
    else:
        rows = Department.objects.order_by("sort_order", "code")
        if level == Level.STREET:
            rows = rows.filter(kind=Department.Kind.SUBDISTRICT)
        else:
            rows = rows.exclude(kind=Department.Kind.SECTION).filter(
                Exists(Task.objects.filter(department=OuterRef("pk")))
                | Exists(Issue.objects.filter(department=OuterRef("pk"), status__in=Issue.ROUTED_STATUSES))
            )
    if unit_ids is not None:
        rows = rows.filter(pk__in=unit_ids)
    return [
        {"unit_id": row["id"], **{key: row[key] for key in ("code", "name", "short_name", "sort_order")}}
        for row in rows.values("id", "code", "name", "short_name", "sort_order")
    ]


# ---------------------------------------------------------------------------------------------
# The rows each base counts


def _in_period(period: AssessmentPeriod | Span, prefix: str) -> Q:
    q = Q()
    if period.starts_at is not None:
        q &= Q(**{f"{prefix}reported_at__gte": period.starts_at})
    if period.ends_before is not None:
        q &= Q(**{f"{prefix}reported_at__lt": period.ends_before})
    return q


def base_rows(*, base: str, formula: Formula, period: AssessmentPeriod | Span, level: str) -> QuerySet:
    """The rows of ``base`` an indicator of ``formula`` counts in ``period`` at ``level``: the cases found
    in the period (of the formula's campaign), dispatched to a department for the department level, and
    their events or clocks."""
    if base == OBSERVATIONS:
        return observation_rows(formula=formula, period=period, level=level)
    prefix = ISSUE_PREFIX[base]
    if base in (ISSUES, PLACES):
        rows = Issue.objects.all()
    elif base == EVENTS:
        rows = IssueEvent.objects.all()
    else:
        rows = StageClock.objects.all()
    rows = rows.filter(_in_period(period, prefix))
    if formula.campaign_id is not None:
        rows = rows.filter(**{f"{prefix}campaign_id": formula.campaign_id})
    if level == Level.DEPARTMENT and base != EVENTS:
        rows = rows.filter(**{f"{prefix}status__in": Issue.ROUTED_STATUSES})
    if base == PLACES:
        rows = rows.filter(source__in=COMPLAINT_SOURCES)
    key = UNIT_FIELD[base][level]
    return rows.filter(**{f"{key}__isnull": False})


def observation_rows(*, formula: Formula, period: AssessmentPeriod | Span, level: str) -> QuerySet:
    """The standards observed in the period (by when their sheet was observed) in the mock evaluation's closed
    rounds of the formula's campaign: what 得分率 counts."""
    rows = Observation.objects.filter(round__status=Round.Status.CLOSED)
    if period.starts_at is not None:
        rows = rows.filter(sheet__observed_at__gte=period.starts_at)
    if period.ends_before is not None:
        rows = rows.filter(sheet__observed_at__lt=period.ends_before)
    if formula.campaign_id is not None:
        rows = rows.filter(round__campaign_id=formula.campaign_id)
    return rows


def _weight(formula: Formula, prefix: str) -> Any:
    """What one case counts as: its source's weight in the formula, else 1 (``None``: every case 1)."""
    if not formula.source_weights:
        return None
    # Whole weights (a case counts twice) keep the counts whole: integers, cheaper to add up and read.
    whole = all(weight == weight.to_integral_value() for _source, weight in formula.source_weights)
    return Case(
        *(
            When(**{f"{prefix}source": source}, then=Value(int(weight) if whole else weight))
            for source, weight in formula.source_weights
        ),
        default=Value(1 if whole else Decimal(1)),
        output_field=IntegerField() if whole else WEIGHT,
    )


def _counted(condition: Q, weight: Any) -> Any:
    return Count("pk", filter=condition) if weight is None else Sum(weight, filter=condition)


def _measured(indicator: library.Indicator, condition: Q, weight: Any) -> Any:
    if indicator.measure == "points":
        if weight is None:
            return Sum("points", filter=condition)
        return Sum(ExpressionWrapper(F("points") * weight, output_field=WEIGHTED_POINTS), filter=condition)
    if indicator.measure == "rework_count":
        return (
            Sum("rework_count", filter=condition)
            if weight is None
            else Sum(F("rework_count") * weight, filter=condition)
        )
    if indicator.measure == "hours":
        return Sum(DISPOSAL_TIME, filter=condition)
    if indicator.measure == "points_earned":  # points, not cases: a source's weight does not apply
        return Sum("points_earned", filter=condition)
    return _counted(condition, weight)


def _figures(
    *,
    base: str,
    codes: list[str],
    formula: Formula,
    period: AssessmentPeriod | Span,
    level: str,
    ctx: Context,
    unit_ids: list[int] | None,
) -> dict[str, dict[int, tuple[Any, Any]]]:
    """``{code: {unit: (numerator, denominator)}}`` of the indicators on ``base``, in one grouped query."""
    key = UNIT_FIELD[base][level]
    rows = base_rows(base=base, formula=formula, period=period, level=level)
    if unit_ids is not None:
        rows = rows.filter(**{f"{key}__in": unit_ids})
    weight = _weight(formula, ISSUE_PREFIX[base])
    aggregates, wanted = {}, Q()
    for n, code in enumerate(codes):
        indicator = LIBRARY[code]
        numerator = indicator.numerator(ctx)
        aggregates[f"n{n}"] = _measured(indicator, numerator, weight)
        wanted |= numerator
        if indicator.denominator is not None:
            denominator = indicator.denominator(ctx)
            aggregates[f"d{n}"] = (
                Sum(indicator.denominator_measure, filter=denominator)
                if indicator.denominator_measure
                else _counted(denominator, weight)
            )
            wanted |= denominator
    if base in (EVENTS, CLOCKS) and wanted:
        # Only the rows counted, and none from before the period: a case's events and clocks all come
        # after it was found. The index on the action (and the time) can then lead.
        rows = rows.filter(wanted)
        if period.starts_at is not None and base == EVENTS:
            rows = rows.filter(created__gte=period.starts_at)
        elif period.starts_at is not None:  # running, or stopped since: the index on (stage, stopped_at)
            rows = rows.filter(Q(stopped_at__isnull=True) | Q(stopped_at__gte=period.starts_at))
    figures: dict[str, dict[int, tuple[Any, Any]]] = {code: {} for code in codes}
    for row in rows.order_by().values(unit=F(key)).annotate(**aggregates):
        for n, code in enumerate(codes):
            figures[code][row["unit"]] = (row[f"n{n}"], row.get(f"d{n}"))
    return figures


def _repeated_places(
    *,
    adjustment: Adjustment,
    formula: Formula,
    period: AssessmentPeriod | Span,
    level: str,
    unit_ids: list[int] | None,
) -> dict[int, tuple[int, None]]:
    """Per unit, the locations with at least ``adjustment.min_count`` complaints: one query, the
    locations counted per unit around the complaints grouped per location."""
    inner = _repeated_place_rows(adjustment=adjustment, formula=formula, period=period, level=level)
    if unit_ids is not None:
        inner = inner.filter(unit__in=unit_ids)
    connection = connections[Issue.objects.db]
    sql, params = inner.query.sql_with_params()
    name = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {name('unit')}, COUNT(*) FROM ({sql}) repeated GROUP BY {name('unit')}",  # noqa: S608 - compiled by Django
            params,
        )
        return {unit: (count, None) for unit, count in cursor.fetchall()}


def _repeated_place_rows(
    *, adjustment: Adjustment, formula: Formula, period: AssessmentPeriod | Span, level: str
) -> QuerySet:
    key = UNIT_FIELD[PLACES][level]
    return (
        base_rows(base=PLACES, formula=formula, period=period, level=level)
        .order_by()
        .annotate(unit=F(key))
        .values("unit", "place_id")
        .annotate(complaints=Count("pk"))
        .filter(complaints__gte=adjustment.min_count or 2)
    )


# ---------------------------------------------------------------------------------------------
# Scores


def _number(value: Any) -> int | Decimal:
    """A count as an ``int``, anything else (points, weighted counts, hours) as a ``Decimal`` of cents.
    Called for every number of every unit (45,000 for a city's grids): the common cases come first."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value.as_tuple().exponent >= 0 else value.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, datetime.timedelta):
        return points(Decimal(value.total_seconds()) / 3600)
    return _number(Decimal(str(value)))


def value_of(kind: str, numerator: int | Decimal, denominator: int | Decimal | None) -> float | None:
    if kind in (RATE, HOURS):
        return None if not denominator else float(numerator) / float(denominator)
    return float(numerator)


def figure(code: str, numerator: Any, denominator: Any) -> dict:
    """One indicator's numbers as a result row carries them."""
    indicator = LIBRARY[code]
    numerator = _number(numerator)
    denominator = None if indicator.denominator is None else _number(denominator)
    return {
        "code": code,
        "numerator": numerator,
        "denominator": denominator,
        "value": value_of(indicator.kind, numerator, denominator),
    }


def score_row(
    unit: dict, formula: Formula, figures: dict[str, dict[int, tuple[Any, Any]]], memo: dict | None = None
) -> dict:
    """A unit's result from its figures: each indicator's points, each item's, the score and the grade.
    ``memo`` (one per formula) keeps what the same numbers came to for an earlier unit: most units of a
    city share a few, none at all the commonest."""
    unit_id, none = unit["unit_id"], (0, 0)
    numbers = tuple(figures[item.code].get(unit_id, none) for item in formula.items) + tuple(
        figures[_adjustment_key(adjustment)].get(unit_id, none) for adjustment in formula.adjustments
    )
    key = (numbers, tuple(type(number) for pair in numbers for number in pair))  # 1 and Decimal("1.00") differ
    if memo is None or key not in memo:
        indicators = []
        for item, (numerator, denominator) in zip(formula.items, numbers, strict=False):
            part = figure(item.code, numerator, denominator)
            part["points"], part["weight"] = item.score(part["value"]), item.weight
            indicators.append(part)
        adjustments = []
        for adjustment, (numerator, denominator) in zip(
            formula.adjustments, numbers[len(formula.items) :], strict=True
        ):
            part = figure(adjustment.code, numerator, denominator)
            part["points"] = adjustment.score(part["numerator"])
            adjustments.append(part)
        scored = rescore({"indicators": indicators, "adjustments": adjustments}, formula)
        if memo is None:
            return {**unit, **scored}
        memo[key] = scored
    # Units with the same numbers share their parts: read-only, as every reader treats them (a correction
    # copies them first, ``assessment.services``).
    return {**unit, **memo[key]}


def rescore(row: dict, formula: Formula) -> dict:
    """``row`` with its score and grade added up again from its indicators' and items' points."""
    score = points(sum((part["points"] for part in (*row["indicators"], *row["adjustments"])), Decimal(0)))
    return {**row, "score": score, "grade": formula.grade(score)}


def ranked(rows: list[dict]) -> list[dict]:
    """``rows`` best first (ties in the units' order), each with its ``rank``: equal scores share one."""
    rows = sorted(rows, key=lambda row: (-row["score"], row["sort_order"], row["code"]))
    previous, rank = None, 0
    for position, row in enumerate(rows, 1):
        if row["score"] != previous:
            rank, previous = position, row["score"]
        row["rank"] = rank
    return rows


def _adjustment_key(adjustment: Adjustment) -> str:
    """Where an item's counts are kept: a repeated-complaints item per its least number, else its code."""
    if LIBRARY[adjustment.code].base == PLACES:
        return f"{adjustment.code}:{adjustment.min_count}"
    return adjustment.code


def compute(
    *,
    formula: Formula,
    period: AssessmentPeriod | Span,
    level: str,
    now: datetime.datetime,
    unit_ids: list[int] | None = None,
) -> list[dict]:
    """Score every unit of ``level`` by ``formula`` over the cases found in ``period``, at the cut-off
    time ``now``: the result rows, best first (see the module's docstring for their keys)."""
    ctx = Context(now=now, exclude_suspended=formula.exclude_suspended)
    scored = units(level=level, unit_ids=unit_ids)
    by_base: dict[str, list[str]] = defaultdict(list)
    for code in formula.codes():
        if LIBRARY[code].base != PLACES:
            by_base[LIBRARY[code].base].append(code)
    figures: dict[str, dict[int, tuple[Any, Any]]] = {}
    for base, codes in by_base.items():
        figures |= _figures(
            base=base, codes=codes, formula=formula, period=period, level=level, ctx=ctx, unit_ids=unit_ids
        )
    for adjustment in formula.adjustments:
        if LIBRARY[adjustment.code].base == PLACES:
            figures[_adjustment_key(adjustment)] = _repeated_places(
                adjustment=adjustment, formula=formula, period=period, level=level, unit_ids=unit_ids
            )
    memo: dict = {}
    return ranked([score_row(unit, formula, figures, memo) for unit in scored])


# ---------------------------------------------------------------------------------------------
# Results as a reader sees them


@dataclass
class Results:
    """A period's results at one level: computed now (``stage`` ``live``) or as published or frozen
    (``publication`` then says when and by whom), by ``formula``, with their cut-off time ``as_of``."""

    formula: Formula
    period: AssessmentPeriod
    level: str
    as_of: datetime.datetime
    rows: list[dict]
    stage: str = LIVE
    publication: Publication | None = None
    appeals: list[Appeal] = field(default_factory=list)

    @property
    def is_live(self) -> bool:
        return self.stage == LIVE


def publication_of(*, formula: Formula, period: AssessmentPeriod) -> Publication | None:
    """The publication of ``period``'s results by ``formula``'s scheme, if there is one."""
    return Publication.objects.filter(scheme_code=formula.code, period=period.key).first()


def results(
    *,
    period: AssessmentPeriod,
    level: str,
    now: datetime.datetime,
    campaign_id: int | None = None,
    unit_ids: list[int] | None = None,
) -> Results:
    """The results of ``period`` at ``level`` by the formula in force: frozen or published ones as they
    were stored (a published ranking is never silently recomputed), else computed now over the period
    so far. ``unit_ids`` narrows the rows to those a reader may see (ranks stay the whole city's)."""
    formula = formula_in_force(kind=period.kind, day=period.start, campaign_id=campaign_id)
    today = timezone.localdate(now)
    # Only a period that is over is ever published.
    publication = publication_of(formula=formula, period=period) if period.is_over(today) else None
    if publication is not None:
        stage = PublishedResult.Stage.FROZEN if publication.status == Publication.Status.FROZEN else "published"
        rows = stored_rows(publication=publication, stage=stage, level=level, unit_ids=unit_ids)
        return Results(
            Formula.from_json(publication.formula), period, level, publication.as_of, rows, stage, publication
        )
    rows = compute(formula=formula, period=period.through(today), level=level, now=now)
    if unit_ids is not None:
        rows = [row for row in rows if row["unit_id"] in set(unit_ids)]
    return Results(formula, period, level, now, rows)


def span_results(
    *,
    kind: str,
    start: datetime.date | None,
    end: datetime.date | None,
    level: str,
    now: datetime.datetime,
    unit_ids: list[int] | None = None,
) -> Results:
    """The results of a span of days as the dashboard and the weekly workbook pick them: an assessment
    period of ``kind`` (whole, or to date) reads ``results()``, published or frozen ones included; any
    other span (the whole campaign) is computed now by the formula in force today."""
    if start is not None and end is not None:
        period = AssessmentPeriod.containing(start, kind)
        if period.start == start and (end == period.end or end == timezone.localdate(now)):
            return results(period=period, level=level, now=now, unit_ids=unit_ids)
    today = timezone.localdate(now)
    formula = formula_in_force(kind=kind, day=start or today)
    rows = compute(formula=formula, period=Span(kind, start, end), level=level, now=now)
    if unit_ids is not None:
        rows = [row for row in rows if row["unit_id"] in set(unit_ids)]
    label = AssessmentPeriod(f"{start or ''}–{end or ''}", kind, start or datetime.date.min, end or today)
    return Results(formula, label, level, now, rows)


def stored_rows(*, publication: Publication, stage: str, level: str, unit_ids: list[int] | None = None) -> list[dict]:
    """The result rows stored with ``publication`` at ``stage``, best first."""
    stored = publication.results.filter(stage=stage, level=level)
    if unit_ids is not None:
        stored = stored.filter(unit_id__in=unit_ids)
    return [row_from_stored(result) for result in stored.order_by("rank", "unit_code")]


def row_from_stored(result: PublishedResult) -> dict:
    figures = result.figures
    return {
        "unit_id": result.unit_id,
        "code": result.unit_code,
        "name": result.unit_name,
        "short_name": figures.get("short_name", ""),
        "sort_order": figures.get("sort_order", 0),
        "score": result.score,
        "grade": result.grade,
        "rank": result.rank,
        "indicators": [_part_from_json(part) for part in figures["indicators"]],
        "adjustments": [_part_from_json(part) for part in figures["adjustments"]],
    }


NUMBER_KEYS = ("numerator", "denominator", "points", "weight", "original_numerator", "original_denominator")


def part_as_json(part: dict) -> dict:
    """An indicator's or item's numbers as stored: decimals as text, the value as a float."""
    return {key: str(value) if key in NUMBER_KEYS and value is not None else value for key, value in part.items()}


def _part_from_json(part: dict) -> dict:
    return {key: _number(value) if key in NUMBER_KEYS and value is not None else value for key, value in part.items()}


# ---------------------------------------------------------------------------------------------
# The cases behind a number


def cases_behind(
    *,
    formula: Formula,
    period: AssessmentPeriod | Span,
    level: str,
    unit_id: int,
    code: str,
    part: str,
    now: datetime.datetime,
) -> QuerySet[Issue]:
    """The issues behind ``part`` (``numerator`` or ``denominator``) of indicator ``code`` of one unit:
    the same conditions as its score's SQL, listed."""
    indicator = LIBRARY[code]
    ctx = Context(now=now, exclude_suspended=formula.exclude_suspended)
    condition = indicator.numerator(ctx) if part == "numerator" else indicator.denominator(ctx)
    base = indicator.base
    key = UNIT_FIELD[base][level]
    rows = base_rows(base=base, formula=formula, period=period, level=level).filter(**{key: unit_id})
    if base == ISSUES:
        issues = rows.filter(condition)
    elif base == PLACES:
        adjustment = next(
            (entry for entry in formula.adjustments if entry.code == code), Adjustment(code, Decimal(-1), 3)
        )
        places = _repeated_place_rows(adjustment=adjustment, formula=formula, period=period, level=level).filter(
            unit=unit_id
        )
        issues = rows.filter(place_id__in=places.values("place_id"))
    else:
        issues = Issue.objects.filter(Exists(rows.filter(condition, issue=OuterRef("pk"))))
    return issues.select_related("place", "grid", "criterion", "department").order_by("-reported_at", "-pk")


# ---------------------------------------------------------------------------------------------
# What a recomputation would change


def changes_since(*, publication: Publication, level: str, now: datetime.datetime) -> list[dict]:
    """What computing ``publication``'s period again now, by the formula it was published by, changes
    against its stored ranking (frozen, else published) at ``level``: per unit whose score, grade, rank
    or any number differs, ``before`` and ``after`` rows and the indicators that differ. Nothing is
    stored: the published ranking stays as it was."""
    formula = Formula.from_json(publication.formula)
    stage = (
        PublishedResult.Stage.FROZEN
        if publication.status == Publication.Status.FROZEN
        else PublishedResult.Stage.PUBLISHED
    )
    before = {row["unit_id"]: row for row in stored_rows(publication=publication, stage=stage, level=level)}
    period = AssessmentPeriod(publication.period, publication.period_kind, publication.start, publication.end)
    after = {row["unit_id"]: row for row in compute(formula=formula, period=period, level=level, now=now)}
    changes = []
    for unit_id in sorted(set(before) | set(after), key=lambda pk: (after.get(pk) or before[pk])["rank"]):
        old, new = before.get(unit_id), after.get(unit_id)
        differing = _differing(old, new)
        if (
            old is None
            or new is None
            or differing
            or (old["score"], old["grade"], old["rank"])
            != (
                new["score"],
                new["grade"],
                new["rank"],
            )
        ):
            changes.append({"unit_id": unit_id, "before": old, "after": new, "figures": differing})
    return changes


def _differing(old: dict | None, new: dict | None) -> list[dict]:
    if old is None or new is None:
        return []
    parts = []
    for kind in ("indicators", "adjustments"):
        olds = {part["code"]: part for part in old[kind]}
        for part in new[kind]:
            previous = olds.get(part["code"])
            if previous is None or any(previous.get(key) != part.get(key) for key in ("numerator", "denominator")):
                parts.append({"code": part["code"], "before": previous, "after": part})
    return parts
