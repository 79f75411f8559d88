"""Citizens' reports (随手拍): what a resident saw and where, how the office triaged it (受理, 不予受理,
并单), the 回访 once its issue closed, and what the office publishes on the public page.

Coordinates are WGS-84 (what browser GPS gives); a point picked on a Chinese web map is converted on the
way in (``core.geo.to_wgs84``). The reporter's phone and device stay here: departments never see them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.images import photo_storage_name
from core.limits import TEXT_LIMITS
from core.models import TimeStampedModel
from grids.models import LATITUDE, LONGITUDE

TRACKING_CODE_LENGTH = 12
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


def tracking_code_new() -> str:
    """An unguessable code a reporter keeps: 12 of 32 symbols, 60 bits."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


class PublicCategory(TimeStampedModel):
    """A category the public chooses from (乱扔垃圾, 占道经营 ...), mapped to the checklist item an accepted
    report is filed under. Its duplicate radius and window say how near and how recent an issue of the same
    item must be to be suggested as the same problem."""

    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    criterion = models.ForeignKey(
        "inspections.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=50)
    duplicate_window_days = models.PositiveIntegerField(_("duplicate window (days)"), default=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("public category")
        verbose_name_plural = _("public categories")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(duplicate_radius_m__gt=0), name="public_category_radius_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(TimeStampedModel):
    """An app allowed to post citizens' reports through Open311 (its ``api_key``): they land in triage."""

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(_("api key"), max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 partner")
        verbose_name_plural = _("Open311 partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Report(TimeStampedModel):
    """One report from the public: a category, a description, a WGS-84 point inside the city's grids,
    photos, and an optional verified phone for the 回访. The office accepts it (an ``Issue`` is filed),
    rejects it with a reason the reporter sees, or merges it (并单) into an existing issue; accepted or
    merged, it follows ``issue``'s state."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for triage")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")
        MERGED = "merged", _("Merged into an existing case")

    class Channel(models.TextChoices):
        WEB = "web", _("Public report page")
        OPEN311 = "open311", _("Open311 partner app")

    class Datum(models.TextChoices):
        WGS84 = "wgs84", _("GPS (WGS-84)")
        GCJ02 = "gcj02", _("Chinese web map (GCJ-02)")
        BD09 = "bd09", _("Baidu map (BD-09)")

    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=tracking_code_new, editable=False
    )
    category = models.ForeignKey(
        PublicCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports"
    )
    description = models.TextField(_("description"), max_length=TEXT_LIMITS.description)
    latitude = models.DecimalField(_("latitude (WGS-84)"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude (WGS-84)"), max_digits=9, decimal_places=6)
    datum = models.CharField(
        _("location given as"),
        max_length=8,
        choices=Datum.choices,
        default=Datum.WGS84,
        help_text=_("The coordinate system of the point as the reporter gave it; stored converted to WGS-84."),
    )
    grid = models.ForeignKey("grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        "grids.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen_reports",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("Verified by a code; for the 回访."))
    device = models.CharField(_("device"), max_length=64, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    # NULL for reports without one (Open311): unique among those that have one.
    submission_key = models.CharField(  # noqa: DJ001
        _("submission key"), max_length=64, unique=True, null=True, editable=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(
        _("reason"),
        blank=True,
        max_length=TEXT_LIMITS.reason,
        help_text=_("Why it was not accepted: the reporter reads it."),
    )
    issue = models.ForeignKey(
        "inspections.Issue",
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen_reports",
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    invited_at = models.DateTimeField(
        _("回访 invitation sent at"), null=True, blank=True, help_text=_("The text message asking for the 回访.")
    )

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=LATITUDE, name="report_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE, name="report_longitude_range"),
            models.CheckConstraint(
                condition=Q(status__in=["accepted", "merged"], issue__isnull=False)
                | Q(status__in=["pending", "rejected"], issue__isnull=True),
                name="report_issue_iff_accepted_or_merged",
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="report_rejected_has_reason"),
        ]
        indexes = [
            models.Index(fields=["status", "created"], name="report_status_idx"),
            # The radius search: a bounding box on both columns (core.geo.bounding_box).
            models.Index(fields=["latitude", "longitude"], name="report_location_idx"),
            models.Index(fields=["place", "created"], name="report_place_idx"),
            models.Index(fields=["phone", "created"], name="report_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def get_absolute_url(self) -> str:
        return reverse("citizens:report_detail", args=[self.pk])

    @property
    def tracking_url(self) -> str:
        return reverse("citizens:track", args=[self.tracking_code])


def report_photo_path(instance, filename: str) -> str:
    return photo_storage_name("reports")


def report_thumbnail_path(instance, filename: str) -> str:
    return photo_storage_name("reports", thumbnail=True)


class ReportPhoto(models.Model):
    """A reporter's photo, checked and stored as staff photos are; private to the office until published."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=report_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=report_thumbnail_path, blank=True)
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class Followup(TimeStampedModel):
    """The 回访 of one report once its issue closed: 满意, 基本满意 or 不满意, answered on the tracking page or
    recorded by an office member who phoned the reporter. 不满意 puts the issue in the office's review queue:
    reopened for rework (a new issue) or closed with an explanation the reporter reads."""

    class Answer(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        FAIRLY = "fairly", _("Fairly satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    class Channel(models.TextChoices):
        PAGE = "page", _("On the tracking page")
        PHONE = "phone", _("By phone")

    class Review(models.TextChoices):
        NONE = "", _("No review")
        PENDING = "pending", _("Waiting for review")
        REOPENED = "reopened", _("Reopened for rework")
        EXPLAINED = "explained", _("Closed with an explanation")

    SATISFIED_ANSWERS = (Answer.SATISFIED, Answer.FAIRLY)

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="followups")
    issue = models.ForeignKey(
        "inspections.Issue", verbose_name=_("issue"), on_delete=models.PROTECT, related_name="followups"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_LIMITS.note)
    channel = models.CharField(_("answered"), max_length=8, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default="", blank=True)
    review_note = models.TextField(
        _("explanation"), blank=True, max_length=TEXT_LIMITS.note, help_text=_("The reporter reads it.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rework_issue = models.ForeignKey(
        "inspections.Issue",
        verbose_name=_("rework issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访 answers")
        ordering = ["-created"]
        # One answer per report and issue: a rework issue (reopened after 不满意) is asked about again.
        constraints = [models.UniqueConstraint(fields=["report", "issue"], name="followup_once_per_issue")]
        indexes = [
            models.Index(fields=["department", "created"], name="followup_department_idx"),
            models.Index(fields=["review"], condition=Q(review="pending"), name="followup_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.get_answer_display()}"


class PublicIssue(models.Model):
    """An issue the office shows on the public page although no citizen reported it."""

    issue = models.OneToOneField(
        "inspections.Issue", verbose_name=_("issue"), on_delete=models.CASCADE, related_name="publication"
    )
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.PROTECT)
    created = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public issue")
        verbose_name_plural = _("public issues")

    def __str__(self) -> str:
        return str(self.issue)


def public_photo_path(instance, filename: str) -> str:
    return photo_storage_name("public")


def public_token_new() -> str:
    return secrets.token_urlsafe(18)


class PublicPhoto(models.Model):
    """A photo the office approved for the public page (no faces, no number plates): a copy kept apart from
    the private photo store, served at its own public address by its token."""

    issue = models.ForeignKey(
        "inspections.Issue", verbose_name=_("issue"), on_delete=models.CASCADE, related_name="public_photos"
    )
    image = models.ImageField(_("image"), upload_to=public_photo_path)
    token = models.CharField(_("token"), max_length=32, unique=True, default=public_token_new, editable=False)
    source = models.CharField(_("copied from"), max_length=200, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT)
    created = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public photo")
        verbose_name_plural = _("public photos")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "source"], name="public_photo_once")]

    def __str__(self) -> str:
        return self.token

    @property
    def url(self) -> str:
        return reverse("citizens:public_photo", args=[self.token])
