"""考核: the schemes departments are scored by, the results published for comment, the appeals against
them and the frozen rankings.

A scheme is data (the formula each district publishes and changes every year); what each indicator
counts is code (``assessment.library``), defined once. Scores are computed in SQL from the period's
cases (``assessment.selectors``); publishing a closed period stores its results, and freezing stores
them again with the corrections of upheld appeals, so that a published ranking is never rewritten."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import TEXT_LIMITS
from core.models import TimeStampedModel

POINTS = {"max_digits": 7, "decimal_places": 2}
FIGURE = {"max_digits": 14, "decimal_places": 2}


class PeriodKind(models.TextChoices):
    """How long an assessment period is (``assessment.periods``)."""

    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    WEEK = "week", _("Week")


class Level(models.TextChoices):
    """Who a result scores: a department (by the cases dispatched to it), a street (街道, by the cases
    found in its grids) or a grid (by the cases found in it)."""

    DEPARTMENT = "department", _("Department")
    STREET = "street", _("Street")
    GRID = "grid", _("Grid")


class Grade(models.TextChoices):
    """The colour grades of a score (Shenzhen DB4403/T 32-2019 shows them green, blue, yellow, red)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class Rule(models.TextChoices):
    """How an indicator's value becomes points."""

    RATE = "rate", _("Weight × rate")
    INVERSE_RATE = "inverse_rate", _("Weight × (1 − rate)")
    THRESHOLD = "threshold", _("Full marks at or above a threshold, points off per percentage point below")
    PER_UNIT = "per_unit", _("Full marks, points off per unit")


class Scheme(TimeStampedModel):
    """A 考核方案: the published formula one campaign's departments are scored by over periods of one
    kind (a month, a quarter, a week), in force from ``valid_from`` (to ``valid_until``).

    Its indicators, deductions and bonus items, source weights and grade bands are rows of their own,
    edited together in the admin or the master-data workbook and checked together
    (``assessment.services.scheme_check``): weights sum to 100, the bands cover every score."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="assessment_schemes"
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    appeal_days = models.PositiveSmallIntegerField(
        _("appeal window (working days)"),
        default=3,
        help_text=_("How many working days after publication departments may appeal a number."),
    )
    exclude_suspended = models.BooleanField(
        _("suspended cases leave the on-time denominators"),
        default=True,
        help_text=_("As the published rules say: a suspended (挂起/缓办) case is not counted as due."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(verbose_name=_("historical scheme"))

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-valid_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="scheme_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(appeal_days__gte=1), name="scheme_appeal_days_positive"),
        ]
        indexes = [models.Index(fields=["period_kind", "valid_from"], name="scheme_in_force_idx")]

    def __str__(self) -> str:
        return self.name


class SchemeIndicator(models.Model):
    """One weighted indicator of a scheme: a code of the library, its weight and how it scores."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("indicator"), max_length=40)
    weight = models.DecimalField(_("weight"), **POINTS)
    rule = models.CharField(_("scoring rule"), max_length=16, choices=Rule.choices, default=Rule.RATE)
    threshold = models.DecimalField(
        _("threshold (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For the threshold rule: full marks at or above this percentage."),
    )
    points_off = models.DecimalField(
        _("points off"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Per percentage point below the threshold, or per unit of the value."),
    )
    allow_negative = models.BooleanField(
        _("may fall below zero"),
        default=False,
        help_text=_("Otherwise an indicator never takes off more than its weight (扣完为止)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["scheme", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="scheme_indicator_once"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="scheme_indicator_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} × {self.weight}"


class SchemeAdjustment(models.Model):
    """A deduction (negative points) or bonus item (加分项, positive) of a scheme: points per unit of a
    counted figure of the library, e.g. −1 per location with three complaints or more."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="adjustments")
    code = models.CharField(_("figure"), max_length=40)
    points_per_unit = models.DecimalField(
        _("points per unit"), **POINTS, help_text=_("Negative for a deduction, positive for a bonus.")
    )
    min_count = models.PositiveSmallIntegerField(
        _("at least"),
        null=True,
        blank=True,
        help_text=_("For repeated complaints: how many complaints make a location count."),
    )
    cap = models.DecimalField(
        _("at most (points)"), **POINTS, null=True, blank=True, help_text=_("The most the item adds or takes off.")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("deduction or bonus item")
        verbose_name_plural = _("deductions and bonus items")
        ordering = ["scheme", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="scheme_adjustment_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.points_per_unit:+}"


class SourceWeight(models.Model):
    """How much a case from one source counts (领导交办 and 媒体曝光 count double in published rules)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="source_weights"
    )
    source = models.CharField(_("source"), max_length=16)
    weight = models.DecimalField(_("counts as"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("source weight")
        verbose_name_plural = _("source weights")
        ordering = ["scheme", "source"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "source"], name="source_weight_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="source_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.source} × {self.weight}"


class GradeBand(models.Model):
    """The scores that earn a grade: from ``min_score`` (included; none: any lower score) to
    ``max_score`` (excluded; none: any higher score, bonuses above 100 included)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="bands")
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    min_score = models.DecimalField(_("from (included)"), **POINTS, null=True, blank=True)
    max_score = models.DecimalField(_("below"), **POINTS, null=True, blank=True)

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["scheme", F("min_score").desc(nulls_last=True)]
        constraints = [models.UniqueConstraint(fields=["scheme", "grade"], name="grade_band_once")]

    def __str__(self) -> str:
        return self.get_grade_display()


class Publication(TimeStampedModel):
    """A closing period's results published for comment (公示), then frozen.

    The results are stored when published (``PublishedResult``, stage ``published``) with the formula
    they were computed by (``formula``, so that editing the scheme later changes nothing here).
    Departments appeal until ``appeal_until`` (the scheme's working days after publication); once the
    window has passed and every appeal is decided, freezing stores the results again with the upheld
    corrections (stage ``frozen``)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published for comment")
        FROZEN = "frozen", _("Frozen")

    scheme = models.ForeignKey(
        Scheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        help_text=_("Empty: the built-in ranking, used when no scheme is configured."),
    )
    scheme_code = models.CharField(_("scheme code"), max_length=32)
    formula = models.JSONField(_("formula"), help_text=_("The scheme as it was when the results were published."))
    period = models.CharField(_("period"), max_length=10, help_text=_("2018-03, 2018-Q1 or 2018-W09."))
    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    as_of = models.DateTimeField(_("cut-off time"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    appeal_until = models.DateTimeField(_("appeals until"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication of results")
        verbose_name_plural = _("publications of results")
        ordering = ["-end", "scheme_code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme_code", "period"], name="publication_once_per_period"),
            models.CheckConstraint(
                condition=Q(status="published", frozen_at__isnull=True)
                | Q(status="frozen", frozen_at__isnull=False, frozen_by__isnull=False),
                name="publication_frozen_at_iff_frozen",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="publication_period_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.scheme_code}"


class PublishedResult(models.Model):
    """One unit's result as published (or frozen): its score, grade, rank and, per indicator and item,
    the numbers behind them (``figures``: ``indicators`` and ``adjustments``, as the selectors give them)."""

    class Stage(models.TextChoices):
        PUBLISHED = "published", _("Published for comment")
        FROZEN = "frozen", _("Frozen")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="results"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    unit_id = models.PositiveIntegerField(_("unit"))
    unit_code = models.CharField(_("code"), max_length=32)
    unit_name = models.CharField(_("name"), max_length=100)
    score = models.DecimalField(_("score"), **POINTS)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    rank = models.PositiveIntegerField(_("rank"))
    figures = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        ordering = ["publication", "stage", "level", "rank", "unit_code"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "stage", "level", "unit_id"], name="published_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.score}"


class Appeal(TimeStampedModel):
    """A department's appeal (申诉) against one number of its published result, with its reason, and
    the office's decision: upheld with the corrected numerator and denominator, which freezing applies,
    or rejected with a reason the department sees."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="appeals"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="appeals"
    )
    indicator = models.CharField(_("number appealed"), max_length=40)
    reason = models.TextField(_("reason"), max_length=TEXT_LIMITS.reason)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=TEXT_LIMITS.note)
    corrected_numerator = models.DecimalField(_("corrected numerator"), **FIGURE, null=True, blank=True)
    corrected_denominator = models.DecimalField(_("corrected denominator"), **FIGURE, null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="appeal_decided_at_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(corrected_numerator__isnull=True) | Q(status="upheld"),
                name="appeal_correction_when_upheld",
            ),
        ]
        indexes = [models.Index(fields=["publication", "status"], name="appeal_publication_idx")]

    def __str__(self) -> str:
        return f"{self.department} · {self.indicator}"
