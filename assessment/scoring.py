"""A scheme as the engine reads it (``Formula``), how values become points and points a grade, and the
checks a scheme must pass before it is saved. Plain arithmetic: no query here.

* ``rate``: weight × rate; ``inverse_rate``: weight × (1 − rate) (for rates where lower is better);
* ``threshold``: full marks at or above the threshold (a percentage), ``points_off`` per percentage
  point below it (金华: 按期结案率 ≥ 70 % earns 50, 1 point off per point below);
* ``per_unit``: full marks, ``points_off`` per unit of the value (points lost, hours, 推诿);
* an indicator never gives less than 0 (扣完为止) unless ``allow_negative``; a rate without a
  denominator (nothing to rate) earns full marks;
* deductions and bonus items add ``points_per_unit`` × their count, at most ``cap`` either way;
* the score is the sum, and its grade the band it falls in (bands cover every score).
"""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessment.library import LIBRARY, RATE
from assessment.models import Grade, PeriodKind, Rule
from inspections.models import Issue

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FULL_SCORE = Decimal(100)
BUILT_IN_CODE = "builtin"


def points(value: Decimal | float | int) -> Decimal:
    """Points as they are shown and stored: two decimals, halves rounded up."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    """A weighted indicator of a formula."""

    code: str
    weight: Decimal
    rule: str = Rule.RATE
    threshold: Decimal | None = None  # a percentage, for the threshold rule
    points_off: Decimal | None = None
    allow_negative: bool = False

    def score(self, value: float | None) -> Decimal:
        """The points ``value`` earns (full marks without a value: nothing to rate)."""
        if value is None:
            return points(self.weight)
        if not self.weight and not self.allow_negative:
            return ZERO  # shown, not scored: nothing to earn, nothing to lose
        weight, value = self.weight, Decimal(str(value))
        if self.rule == Rule.RATE:
            earned = weight * min(max(value, Decimal(0)), Decimal(1))
        elif self.rule == Rule.INVERSE_RATE:
            earned = weight * (1 - min(max(value, Decimal(0)), Decimal(1)))
        elif self.rule == Rule.THRESHOLD:
            below = self.threshold - value * 100
            earned = weight if below <= 0 else weight - (self.points_off or 0) * below
        else:  # per unit
            earned = weight - (self.points_off or 0) * value
        if not self.allow_negative:
            earned = max(earned, Decimal(0))
        return points(earned)


@dataclass(frozen=True)
class Adjustment:
    """A deduction (negative ``points_per_unit``) or bonus item of a formula."""

    code: str
    points_per_unit: Decimal
    min_count: int | None = None
    cap: Decimal | None = None

    def score(self, count: Decimal | int) -> Decimal:
        earned = self.points_per_unit * Decimal(str(count))
        if self.cap is not None:
            earned = max(min(earned, self.cap), -self.cap)
        return points(earned)


@dataclass(frozen=True)
class Band:
    """Scores from ``min_score`` (included; ``None``: no lower bound) to ``max_score`` (excluded)."""

    grade: str
    min_score: Decimal | None = None
    max_score: Decimal | None = None

    def holds(self, score: Decimal) -> bool:
        return (self.min_score is None or score >= self.min_score) and (
            self.max_score is None or score < self.max_score
        )


DEFAULT_BANDS = (
    Band(Grade.EXCELLENT, Decimal(90), None),
    Band(Grade.GOOD, Decimal(80), Decimal(90)),
    Band(Grade.FAIR, Decimal(60), Decimal(80)),
    Band(Grade.POOR, None, Decimal(60)),
)


@dataclass(frozen=True)
class Formula:
    """A scheme as the engine reads it: what it counts and how it scores. Stored with a publication
    (``as_json``), so that a published result can be recomputed by the formula it was published by."""

    code: str
    name: str
    period_kind: str = PeriodKind.MONTH
    campaign_id: int | None = None
    scheme_id: int | None = None
    appeal_days: int = 3
    exclude_suspended: bool = True
    items: tuple[Item, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    source_weights: tuple[tuple[str, Decimal], ...] = ()
    bands: tuple[Band, ...] = DEFAULT_BANDS

    @property
    def is_built_in(self) -> bool:
        return self.scheme_id is None

    def codes(self) -> list[str]:
        """Every library code the formula reads, its indicators first."""
        return [item.code for item in self.items] + [
            adjustment.code for adjustment in self.adjustments if adjustment.code not in self.item_codes
        ]

    @property
    def item_codes(self) -> set[str]:
        return {item.code for item in self.items}

    def item(self, code: str) -> Item | None:
        return next((item for item in self.items if item.code == code), None)

    def grade(self, score: Decimal) -> str:
        """The grade of ``score``: the band that holds it (the bands were checked to cover every score)."""
        for band in self.bands:
            if band.holds(score):
                return band.grade
        return Grade.POOR

    def as_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Formula":
        def decimal(value: Any) -> Decimal | None:
            return None if value is None else Decimal(value)

        return cls(
            **{key: data[key] for key in ("code", "name", "period_kind", "campaign_id", "scheme_id", "appeal_days")},
            exclude_suspended=data["exclude_suspended"],
            items=tuple(
                Item(
                    code=item["code"],
                    weight=Decimal(item["weight"]),
                    rule=item["rule"],
                    threshold=decimal(item["threshold"]),
                    points_off=decimal(item["points_off"]),
                    allow_negative=item["allow_negative"],
                )
                for item in data["items"]
            ),
            adjustments=tuple(
                Adjustment(
                    code=entry["code"],
                    points_per_unit=Decimal(entry["points_per_unit"]),
                    min_count=entry["min_count"],
                    cap=decimal(entry["cap"]),
                )
                for entry in data["adjustments"]
            ),
            source_weights=tuple((source, Decimal(weight)) for source, weight in data["source_weights"]),
            bands=tuple(
                Band(band["grade"], decimal(band["min_score"]), decimal(band["max_score"])) for band in data["bands"]
            ),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def built_in(period_kind: str = PeriodKind.MONTH) -> Formula:
    """The ranking the dashboard has always shown, as a formula, for when no scheme is configured:
    100 less the points lost (most points lost, lowest score), with the dashboard's three rates shown
    beside it but not scored. Every case counts (no campaign, no source weights) and on-time means by
    the deadline, as the dashboard's figures count them."""
    return Formula(
        code=BUILT_IN_CODE,
        name=str(_("Built-in ranking: 100 less the points lost")),
        period_kind=period_kind,
        exclude_suspended=False,
        items=(
            Item("closure_rate", Decimal(0)),
            Item("on_time_closure_rate", Decimal(0)),
            Item("rework_rate", Decimal(0), Rule.INVERSE_RATE),
            Item("points_lost", FULL_SCORE, Rule.PER_UNIT, points_off=Decimal(1), allow_negative=True),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Checks


@dataclass(frozen=True)
class Problem:
    """What is wrong with a scheme: ``part`` (``scheme``, ``indicators``, ``adjustments``, ``sources``
    or ``bands``), the position of the row in that part (``None`` for the part as a whole), a ``code``
    saying which rule it breaks, and the message in the active language (the master-data workbook
    reads it in Chinese)."""

    part: str
    row: int | None
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Draft:
    """A scheme's rows as someone submits them, before they are saved: what ``formula_check`` reads."""

    items: list[Item] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    source_weights: list[tuple[str, Decimal]] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    appeal_days: int = 3


MAX_APPEAL_DAYS = 30

# Each rule a scheme must keep, and what breaking it says.
MESSAGES: dict[str, Promise] = {
    "no_indicator": _("A scheme needs at least one indicator."),
    "weights_sum": _("The weights of the indicators must add up to 100; they add up to %(total)s."),
    "unknown_indicator": _("“%(code)s” is not an indicator of the library."),
    "item_not_indicator": _("“%(code)s” is a deduction or bonus item, not an indicator."),
    "twice": _("“%(code)s” is listed twice."),
    "negative_weight": _("A weight cannot be negative."),
    "not_a_rate": _("“%(code)s” is not a rate: score it with points off per unit."),
    "threshold_missing": _("The threshold rule needs a threshold from 0 to 100 (%%)."),
    "points_off_missing": _("Say how many points are taken off (more than zero)."),
    "unknown_figure": _("“%(code)s” is not a figure a deduction or bonus item can count."),
    "zero_points": _("Points per unit cannot be zero."),
    "cap_not_positive": _("A cap must be more than zero."),
    "min_count_missing": _("Say how many complaints (2 or more) make a location count."),
    "min_count_unused": _("Only repeated complaints take a least number."),
    "unknown_source": _("“%(source)s” is not a source of cases."),
    "source_twice": _("The source “%(source)s” is weighed twice."),
    "source_weight": _("A source's weight must be more than zero."),
    "unknown_grade": _("“%(grade)s” is not a grade."),
    "grade_twice": _("The grade “%(grade)s” has two bands."),
    "band_empty": _("A band must end above where it starts."),
    "bands_cover": _(
        "The grade bands must cover every score exactly once, from the lowest to above 100 (one band without "
        "a lower bound, one without an upper bound, each starting where the next lower one ends): %(bands)s."
    ),
    "appeal_days": _("The appeal window must be 1 to %(most)s working days."),
    "validity": _("A scheme cannot end before it comes into force."),
    "overlap": _("“%(other)s” (%(code)s) is already in force for this campaign and period on some of these days."),
}


def problem(part: str, row: int | None, rule: str, /, **params: Any) -> Problem:
    """A ``Problem`` breaking ``rule`` (a key of ``MESSAGES``), its message filled in with ``params``."""
    return Problem(part, row, rule, str(MESSAGES[rule]) % params)


def source_codes() -> list[str]:
    """The sources a case may have (``Issue.Source``)."""
    return list(Issue.Source.values)


def formula_check(draft: Draft) -> list[Problem]:
    """Everything wrong with ``draft``, in the order a reader fixes it; empty when it may be saved."""
    problems: list[Problem] = []
    if not draft.items:
        problems.append(problem("indicators", None, "no_indicator"))
    seen: set[str] = set()
    for row, item in enumerate(draft.items):
        problems += _item_problems(row, item, seen)
    total = sum((item.weight for item in draft.items), Decimal(0))
    if draft.items and total != FULL_SCORE:
        problems.append(problem("indicators", None, "weights_sum", total=_plain(total)))
    seen = set()
    for row, adjustment in enumerate(draft.adjustments):
        problems += _adjustment_problems(row, adjustment, seen)
    sources = source_codes()
    seen = set()
    for row, (source, weight) in enumerate(draft.source_weights):
        if source not in sources:
            problems.append(problem("sources", row, "unknown_source", source=source))
        elif source in seen:
            problems.append(problem("sources", row, "source_twice", source=source))
        seen.add(source)
        if weight <= 0:
            problems.append(problem("sources", row, "source_weight"))
    problems += _band_problems(draft.bands)
    if not 1 <= draft.appeal_days <= MAX_APPEAL_DAYS:
        problems.append(problem("scheme", None, "appeal_days", most=MAX_APPEAL_DAYS))
    return problems


def _item_problems(row: int, item: Item, seen: set[str]) -> list[Problem]:
    indicator = LIBRARY.get(item.code)
    if indicator is None:
        return [problem("indicators", row, "unknown_indicator", code=item.code)]
    if indicator.base == "places":
        return [problem("indicators", row, "item_not_indicator", code=item.code)]
    problems = []
    if item.code in seen:
        problems.append(problem("indicators", row, "twice", code=item.code))
    seen.add(item.code)
    if item.weight < 0:
        problems.append(problem("indicators", row, "negative_weight"))
    if item.rule in (Rule.RATE, Rule.INVERSE_RATE, Rule.THRESHOLD) and indicator.kind != RATE:
        problems.append(problem("indicators", row, "not_a_rate", code=item.code))
    if item.rule == Rule.THRESHOLD and (item.threshold is None or not 0 <= item.threshold <= 100):
        problems.append(problem("indicators", row, "threshold_missing"))
    if item.rule in (Rule.THRESHOLD, Rule.PER_UNIT) and (item.points_off is None or item.points_off <= 0):
        problems.append(problem("indicators", row, "points_off_missing"))
    return problems


def _adjustment_problems(row: int, adjustment: Adjustment, seen: set[str]) -> list[Problem]:
    indicator = LIBRARY.get(adjustment.code)
    if indicator is None or not indicator.countable:
        return [problem("adjustments", row, "unknown_figure", code=adjustment.code)]
    problems = []
    if adjustment.code in seen:
        problems.append(problem("adjustments", row, "twice", code=adjustment.code))
    seen.add(adjustment.code)
    if adjustment.points_per_unit == 0:
        problems.append(problem("adjustments", row, "zero_points"))
    if adjustment.cap is not None and adjustment.cap <= 0:
        problems.append(problem("adjustments", row, "cap_not_positive"))
    if indicator.base == "places" and (adjustment.min_count is None or adjustment.min_count < 2):
        problems.append(problem("adjustments", row, "min_count_missing"))
    if indicator.base != "places" and adjustment.min_count is not None:
        problems.append(problem("adjustments", row, "min_count_unused"))
    return problems


def _band_problems(bands: list[Band]) -> list[Problem]:
    """The bands must cover every score once: from no lower bound up to no upper bound, each band
    starting where the one below it ends."""
    problems = []
    known, seen = set(Grade.values), set()
    for row, band in enumerate(bands):
        if band.grade not in known:
            problems.append(problem("bands", row, "unknown_grade", grade=band.grade))
        elif band.grade in seen:
            problems.append(problem("bands", row, "grade_twice", grade=Grade(band.grade).label))
        seen.add(band.grade)
        if band.min_score is not None and band.max_score is not None and band.min_score >= band.max_score:
            problems.append(problem("bands", row, "band_empty"))
    if problems:
        return problems
    ordered = sorted(bands, key=lambda band: (band.min_score is not None, band.min_score or 0))
    covered = (
        bool(ordered)
        and ordered[0].min_score is None
        and ordered[-1].max_score is None
        and all(lower.max_score == upper.min_score for lower, upper in zip(ordered, ordered[1:], strict=False))
    )
    if not covered:
        problems.append(
            problem("bands", None, "bands_cover", bands="; ".join(_band_text(band) for band in ordered) or "—")
        )
    return problems


def _band_text(band: Band) -> str:
    low = "−∞" if band.min_score is None else _plain(band.min_score)
    high = "+∞" if band.max_score is None else _plain(band.max_score)
    return f"{Grade(band.grade).label if band.grade in Grade.values else band.grade} [{low}, {high})"


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_codes() -> list[str]:
    """What a weighted indicator may be: the library's codes that are not deduction items alone."""
    return [code for code, indicator in LIBRARY.items() if indicator.base != "places"]


def countable_codes() -> list[str]:
    """What a deduction or bonus item may count."""
    return [code for code, indicator in LIBRARY.items() if indicator.countable]
