"""The evaluation system as data (point types, items and their standards, the places that are observation
points), the mock evaluation rounds (测评轮次) with their sampled points and teams, the observation sheets
(测评表) and every observed standard, and departments' appeals against a failure (申诉)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.images import photo_storage_name
from core.limits import TEXT_LIMITS
from core.models import TimeStampedModel
from grids.models import LATITUDE, LONGITUDE


class PointType(TimeStampedModel):
    """A type of observation point of the national evaluation's handbook (点位类型: 主次干道, 背街小巷,
    农贸市场, ...): each has its own standards."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("point type")
        verbose_name_plural = _("point types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Item(TimeStampedModel):
    """An evaluation item (测评项目): the heading its standards are grouped under."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Standard(TimeStampedModel):
    """One evaluation standard (测评标准): what is checked, what it is worth, the point types it applies
    to, and the checklist criterion a failure becomes, so that routing, clocks and reminders stay the
    issue workflow's."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    item = models.ForeignKey(
        Item, verbose_name=_("evaluation item"), on_delete=models.PROTECT, related_name="standards"
    )
    text = models.CharField(_("standard"), max_length=300)
    points = models.DecimalField(_("score value"), max_digits=5, decimal_places=2)
    point_types = models.ManyToManyField(PointType, verbose_name=_("point types"), related_name="standards")
    criterion = models.ForeignKey(
        "inspections.Criterion",
        verbose_name=_("checklist criterion"),
        help_text=_("A failure against this standard is filed as an issue against this criterion."),
        on_delete=models.PROTECT,
        related_name="standards",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[point_types], verbose_name=_("historical standard"))

    class Meta:
        verbose_name = _("evaluation standard")
        verbose_name_plural = _("evaluation standards")
        ordering = ["item__sort_order", "item__code", "sort_order", "code"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="standard_points_positive")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class ObservationPoint(TimeStampedModel):
    """A place that is an observation point, and of which type: the city's data, set through the
    master-data workbook (whether a street is a 主次干道 or a 背街小巷 is the city's to say)."""

    place = models.OneToOneField(
        "grids.Place", verbose_name=_("place"), on_delete=models.CASCADE, related_name="observation_point"
    )
    point_type = models.ForeignKey(
        PointType, verbose_name=_("point type"), on_delete=models.PROTECT, related_name="points"
    )

    class Meta:
        verbose_name = _("observation point")
        verbose_name_plural = _("observation points")
        ordering = ["place__code"]
        indexes = [models.Index(fields=["point_type"], name="observation_point_type_idx")]

    def __str__(self) -> str:
        return f"{self.place} ({self.point_type})"


class Round(TimeStampedModel):
    """A mock evaluation round (测评轮次): planned → in progress → closed. Its points are drawn at random,
    ``points_per_type`` per point type (and per street with ``by_street``), leaving out the points drawn in
    the last ``exclude_rounds`` rounds; the candidates and the seed are kept (``candidates``, ``seed``), so
    that the draw can be reproduced and audited after places are added. Failures are filed as issues under
    ``inspection``, the round's own inspection record."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="evaluation_rounds"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    point_types = models.ManyToManyField(
        PointType,
        verbose_name=_("point types"),
        blank=True,
        related_name="rounds",
        help_text=_("The point types drawn from; none means every active type."),
    )
    points_per_type = models.PositiveSmallIntegerField(_("points per type"), default=3)
    by_street = models.BooleanField(
        _("per street"), default=False, help_text=_("Draw the number of points per type in every street.")
    )
    exclude_rounds = models.PositiveSmallIntegerField(
        _("leave out points of the last rounds"),
        default=0,
        help_text=_("Points drawn in this many earlier rounds are not drawn again."),
    )
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    candidates = models.JSONField(
        _("candidates"),
        default=dict,
        blank=True,
        help_text=_("The candidate points of each stratum, by code, as they were when drawn."),
    )
    sampled_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    inspection = models.OneToOneField(
        "inspections.Inspection",
        verbose_name=_("inspection record"),
        on_delete=models.PROTECT,
        related_name="evaluation_round",
    )
    history = HistoricalRecords(verbose_name=_("historical evaluation round"))

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="round_dates_ordered"),
            models.CheckConstraint(condition=Q(points_per_type__gte=1), name="round_points_per_type_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Team(models.Model):
    """A team of two inspectors that observes some of a round's points; who was on it, and when, is kept
    (``history``, its members included)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="evaluation_teams"
    )
    history = HistoricalRecords(m2m_fields=[members], verbose_name=_("historical evaluation team"))

    class Meta:
        verbose_name = _("evaluation team")
        verbose_name_plural = _("evaluation teams")
        ordering = ["round", "name"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="team_name_unique_in_round")]

    def __str__(self) -> str:
        return self.name


class RoundPoint(models.Model):
    """A point drawn for a round, its type as it was when drawn, the stratum it was drawn from, and the
    team it is assigned to."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="points")
    place = models.ForeignKey("grids.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    point_type = models.ForeignKey(PointType, verbose_name=_("point type"), on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("stratum"), max_length=80)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    order = models.PositiveIntegerField(_("order drawn"))

    class Meta:
        verbose_name = _("sampled point")
        verbose_name_plural = _("sampled points")
        ordering = ["round", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "place"], name="round_point_place_unique")]
        indexes = [models.Index(fields=["team", "order"], name="round_point_team_idx")]

    def __str__(self) -> str:
        return f"{self.round.code} {self.place}"


class Sheet(models.Model):
    """The observation sheet (测评表) of one sampled point, submitted once (``idempotency_key``): where and
    when it was observed, and whether that was far from the point (``far``): the phone's position when the
    sheet was filled (``distance_m``), or where its failures' photos were taken (``photos_far`` of them; each
    photo keeps its own time, position and distance on the issue it was filed with)."""

    round_point = models.OneToOneField(
        RoundPoint, verbose_name=_("sampled point"), on_delete=models.CASCADE, related_name="sheet"
    )
    idempotency_key = models.UUIDField(_("submission key"), unique=True, default=uuid.uuid4)
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("observed by"), on_delete=models.PROTECT, related_name="+"
    )
    observed_at = models.DateTimeField(_("observed at"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the point (m)"), null=True, blank=True)
    photos_far = models.PositiveSmallIntegerField(_("photos taken far from the point"), default=0)
    far = models.BooleanField(_("observed far from the point"), default=False)

    class Meta:
        verbose_name = _("observation sheet")
        verbose_name_plural = _("observation sheets")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=LATITUDE, name="sheet_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE, name="sheet_longitude_range"),
        ]

    def __str__(self) -> str:
        return str(self.round_point)


class Observation(models.Model):
    """One standard observed at one point: 达标, 不达标 or 不适用, what it was worth (``points_applicable``)
    and what it earned (``points_earned``; an upheld appeal gives a failure its points back). The keys the
    score rate is broken down by are kept on the row (type, street, grid, the department the routing rule
    charges), so that every breakdown is one grouped query."""

    class Result(models.TextChoices):
        PASS = "pass", _("Meets the standard")
        FAIL = "fail", _("Fails the standard")
        NA = "na", _("Not applicable")

    sheet = models.ForeignKey(Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="observations")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="observations")
    round_point = models.ForeignKey(
        RoundPoint, verbose_name=_("sampled point"), on_delete=models.CASCADE, related_name="observations"
    )
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+")
    point_type = models.ForeignKey(PointType, verbose_name=_("point type"), on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(
        "accounts.Department", verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey("grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    points_applicable = models.DecimalField(_("points applicable"), max_digits=6, decimal_places=2)
    points_earned = models.DecimalField(_("points earned"), max_digits=6, decimal_places=2)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMITS.description)
    issue = models.OneToOneField(
        "inspections.Issue",
        verbose_name=_("issue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_observation",
    )
    history = HistoricalRecords(verbose_name=_("historical observation"))

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["round_point", "standard"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "standard"], name="observation_standard_once_per_sheet"),
            models.CheckConstraint(
                condition=Q(points_earned__gte=0, points_earned__lte=F("points_applicable")),
                name="observation_earned_within_applicable",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "point_type"], name="observation_round_type_idx"),
            models.Index(fields=["round", "street"], name="observation_round_street_idx"),
            models.Index(fields=["round", "grid"], name="observation_round_grid_idx"),
            models.Index(fields=["round", "department"], name="observation_round_dept_idx"),
            models.Index(fields=["round", "round_point"], name="observation_round_point_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round_point} {self.standard.code} {self.get_result_display()}"


class Appeal(TimeStampedModel):
    """A department's appeal (申诉) against a failure, within ``EVALUATION_APPEAL_WORKING_DAYS`` of the
    round's close, decided by the evaluation office: upheld, the failure earns its points back."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    observation = models.ForeignKey(
        Observation, verbose_name=_("observation"), on_delete=models.CASCADE, related_name="appeals"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=TEXT_LIMITS.reason)
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

    class Meta:
        verbose_name = _("evaluation appeal")
        verbose_name_plural = _("evaluation appeals")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation"], condition=~Q(status="rejected"), name="appeal_one_open_per_observation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.observation} {self.get_status_display()}"


def appeal_photo_path(instance: "AppealPhoto", filename: str) -> str:
    return photo_storage_name("appeals")


def appeal_thumbnail_path(instance: "AppealPhoto", filename: str) -> str:
    return photo_storage_name("appeals", thumbnail=True)


class AppealPhoto(models.Model):
    """A photo a department sends with its appeal, served only to those who may see the appeal."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=appeal_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=appeal_thumbnail_path, blank=True)
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal photo")
        verbose_name_plural = _("appeal photos")
        ordering = ["appeal", "pk"]

    def __str__(self) -> str:
        return self.image.name

    @property
    def url(self) -> str:
        return reverse("evaluation:appeal_photo", args=[self.pk])
