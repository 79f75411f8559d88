"""The checklist, the inspection rounds, and the issues inspectors find and see rectified."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.capture import POSITION_SOURCES, CaptureSource
from core.clocks import Light, light_of, light_q
from core.images import photo_storage_name
from core.limits import TEXT_LIMITS
from core.models import TimeStampedModel
from core.working_time import Limit
from grids.models import LATITUDE, LONGITUDE


def limit_validator(value: str) -> None:
    """A time limit ``core.working_time.Limit`` can read: ``90m``, ``4h``, ``3d`` or ``24nh``, above zero."""
    try:
        Limit.parse(value)
    except ValueError:
        raise ValidationError(
            _("Write a time limit above zero as 90m or 4h (office time), 3d (working days) or 24nh (natural hours)."),
            code="limit",
        ) from None


def limit_field(verbose_name: str, default: str, help_text: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=8, default=default, validators=[limit_validator], help_text=help_text
    )


class Stage(models.TextChoices):
    """The stages of an issue, each with its own clock and whose turn it is: the office dispatches, the
    department rectifies, the inspectors verify."""

    DISPATCH = "dispatch", _("Dispatch")
    RECTIFY = "rectify", _("Rectification")
    VERIFY = "verify", _("Verification")


class Criterion(TimeStampedModel):
    """An item of the evaluation checklist (测评标准): what a finding against it costs, who leads
    its rectification (``lead``, read by ``inspections.services.issue_route``), who is informed to
    help (协办), and the time limit of each stage (``dispatch_limit``, ``rectify_limit``,
    ``verify_limit``: office time, working days or natural hours, as ``core.working_time.Limit`` reads)."""

    class Lead(models.TextChoices):
        TERRITORIAL = "territorial", _("Territorial: the place's subdistrict or community (属地)")
        ASSIGNED = "assigned", _("Assigned: the place's 帮包 department")
        OWNER = "owner", _("Owner: the checklist item's own department (属主)")

    code = models.CharField(_("code"), max_length=32, unique=True)
    category = models.CharField(_("category"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    requirement = models.TextField(_("requirement"), blank=True)
    points = models.DecimalField(_("points per finding"), max_digits=5, decimal_places=2)
    default_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("default department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria",
    )
    lead = models.CharField(_("who leads"), max_length=12, choices=Lead.choices, default=Lead.TERRITORIAL)
    assisting_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("assisting departments (协办)"),
        help_text=_("Informed when a finding is dispatched, to help the department that leads."),
        blank=True,
        related_name="assisted_criteria",
    )
    dispatch_limit = limit_field(
        _("time to dispatch"), "1h", _("From filing to dispatch, e.g. 1h (office time), 1d or 24nh.")
    )
    rectify_limit = limit_field(
        _("time to rectify"), "3d", _("From dispatch to the department's submission, e.g. 4h, 3d or 24nh.")
    )
    verify_limit = limit_field(
        _("time to verify"), "1d", _("From submission to verification on site, e.g. 2h, 1d or 24nh.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[assisting_departments], verbose_name=_("historical criterion"))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="criterion_points_positive"),
            models.CheckConstraint(
                condition=~Q(lead="owner") | Q(default_department__isnull=False),
                name="criterion_owner_lead_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def limit(self, stage: str) -> Limit:
        """The time limit of ``stage`` (a ``Stage``)."""
        return Limit.parse(getattr(self, f"{stage}_limit"))


class Inspection(TimeStampedModel):
    """A round of inspection: a self-check, a supervision (督导), an undercover visit (暗访) or a
    third-party assessment, by a team, over a scope of grids."""

    class Kind(models.TextChoices):
        SELF_CHECK = "self_check", _("Self-check")
        SUPERVISION = "supervision", _("Supervision")
        UNDERCOVER = "undercover", _("Undercover visit")
        THIRD_PARTY = "third_party", _("Third-party assessment")

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="inspections"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    team = models.CharField(_("team"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_inspections",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="inspections"
    )
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    grids = models.ManyToManyField("grids.Grid", verbose_name=_("grids"), blank=True, related_name="inspections")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")), name="inspection_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "-date"], name="inspection_campaign_idx")]

    def __str__(self) -> str:
        return self.title


class IssueQuerySet(models.QuerySet):
    def overdue(self, now: datetime.datetime) -> "IssueQuerySet":
        """Issues overdue at ``now`` (``Issue.overdue_q``), read from their clocks' stored moments."""
        return self.filter(Issue.overdue_q(now))

    def light(self, light: str, now: datetime.datetime) -> "IssueQuerySet":
        """Issues whose running clock, of whatever stage, shows ``light`` at ``now`` (``Issue.light_q``)."""
        return self.filter(Issue.light_q(light, now))

    def with_overdue(self, now: datetime.datetime) -> "IssueQuerySet":
        """Annotate ``is_overdue`` (``Issue.overdue_q``) for lists that show or filter by it."""
        return self.annotate(is_overdue=ExpressionWrapper(Issue.overdue_q(now), output_field=models.BooleanField()))


class Issue(TimeStampedModel):
    """One problem found at one place against one criterion, and its way to rectification:
    reported → dispatched → rectifying → submitted → closed, or sent back, or returned as not the
    department's responsibility (回退). Points lost are charged to ``department`` and ``grid``.

    The clock of the stage running now is kept in ``clock_*`` (indexed; one ``StageClock`` row per run
    keeps the history): the lights are read from them (``light_q``), never computed row by row."""

    class Source(models.TextChoices):
        """Where the case came from; assessment schemes may weigh a source (领导交办 and 媒体曝光 count double
        in published rules)."""

        INSPECTION = "inspection", _("Inspection (督查)")
        LEADER = "leader", _("Assigned by a leader (领导交办)")
        MEDIA = "media", _("Media report (媒体曝光)")
        HOTLINE = "hotline", _("12345 hotline")
        EVALUATION = "evaluation", _("Mock evaluation (模拟测评)")
        CITIZEN = "citizen", _("Citizen report (市民随手拍)")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        DISPATCHED = "dispatched", _("Dispatched")
        RECTIFYING = "rectifying", _("Rectifying")
        SUBMITTED = "submitted", _("Awaiting verification")
        CLOSED = "closed", _("Closed")
        RETURNED = "returned", _("Returned for re-routing")

    ROUTED_STATUSES = (Status.DISPATCHED, Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED)
    # The department's turn: its rectification deadline runs only while the issue is in its hands.
    # Awaiting verification it waits on the inspectors; returned, on the office's re-routing.
    WITH_DEPARTMENT_STATUSES = (Status.DISPATCHED, Status.RECTIFYING)
    # Whose clock runs in each state: the office's (dispatch), the department's, the inspectors'; none closed.
    STAGE_OF_STATUS = {
        Status.REPORTED: Stage.DISPATCH,
        Status.RETURNED: Stage.DISPATCH,
        Status.DISPATCHED: Stage.RECTIFY,
        Status.RECTIFYING: Stage.RECTIFY,
        Status.SUBMITTED: Stage.VERIFY,
        Status.CLOSED: "",
    }

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="issues"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.INSPECTION)
    place = models.ForeignKey("grids.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="issues")
    grid = models.ForeignKey("grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="issues")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="issues"
    )
    description = models.TextField(_("description"), max_length=TEXT_LIMITS.description)
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=2)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="reported_issues",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    deadline = models.DateTimeField(_("rectification deadline"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    rectification_note = models.TextField(_("rectification note"), blank=True, max_length=TEXT_LIMITS.note)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=TEXT_LIMITS.reason)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    rectification_task = models.OneToOneField(
        "campaign.Task",
        verbose_name=_("rectification task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issue",
    )
    # The clock running now (inspections.clocks keeps them; blank stage, null moments when none runs).
    clock_stage = models.CharField(_("clock's stage"), max_length=8, choices=Stage.choices, blank=True)
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    clock_due_at = models.DateTimeField(_("clock due at"), null=True, blank=True)
    clock_yellow_at = models.DateTimeField(_("clock yellow from"), null=True, blank=True)
    clock_suspended_at = models.DateTimeField(
        _("clock suspended at"), null=True, blank=True, help_text=_("Set while an approved suspension stops it.")
    )
    history = HistoricalRecords(
        verbose_name=_("historical issue"),
        # The clock's moments follow the workflow and the calendar; the steps' own records say why.
        excluded_fields=["clock_stage", "clock_started_at", "clock_due_at", "clock_yellow_at", "clock_suspended_at"],
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="issue_points_not_negative"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | (~Q(status="closed") & Q(closed_at=None)),
                name="issue_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dispatched", "rectifying", "submitted", "closed"])
                | Q(department__isnull=False),
                name="issue_routed_has_department",
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("reported_at")),
                name="issue_deadline_after_report",
            ),
            models.CheckConstraint(condition=LATITUDE, name="issue_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE, name="issue_longitude_range"),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="issue_department_idx"),
            models.Index(fields=["grid", "status"], name="issue_grid_idx"),
            models.Index(fields=["status", "deadline"], name="issue_status_deadline_idx"),
            models.Index(fields=["criterion"], name="issue_criterion_idx"),
            # Likely duplicates (citizens.selectors): the same item within a box of latitude and longitude.
            models.Index(fields=["criterion", "latitude", "longitude", "reported_at"], name="issue_geo_idx"),
            # Covering (PostgreSQL): the period figures and weekly trends count and sum from the
            # index alone, without visiting the table's rows.
            models.Index(fields=["-reported_at"], include=["points", "status"], name="issue_reported_idx"),
            models.Index(fields=["closed_at"], condition=Q(status="closed"), name="issue_closed_idx"),
            models.Index(fields=["updated", "id"], name="issue_updated_idx"),
            # The lights: red reads the due moments, yellow and green the yellow ones, per stage.
            models.Index(fields=["clock_stage", "clock_due_at"], name="issue_clock_due_idx"),
            # The departments' running clocks by due moment, with what the overdue counts read: from the index
            # alone (PostgreSQL), since the passing of time makes them late.
            models.Index(
                fields=["clock_due_at"],
                include=["department", "status", "reported_at"],
                condition=Q(clock_stage="rectify", clock_suspended_at__isnull=True),
                name="issue_rectify_due_idx",
            ),
            # The open issues of each grid and of each department with their clocks, counted from the index
            # alone in that order (the grid and department scoreboards, the map) rather than by reading every
            # issue of the city.
            models.Index(
                fields=["grid", "reported_at"],
                include=["clock_stage", "clock_due_at", "clock_suspended_at"],
                condition=~Q(status="closed"),
                name="issue_open_grid_idx",
            ),
            models.Index(
                fields=["department", "reported_at"],
                include=["clock_stage", "clock_due_at", "clock_suspended_at"],
                condition=~Q(status="closed"),
                name="issue_open_department_idx",
            ),
            models.Index(fields=["clock_stage", "clock_yellow_at"], name="issue_clock_yellow_idx"),
            models.Index(
                fields=["clock_suspended_at"], condition=Q(clock_suspended_at__isnull=False), name="issue_suspended_idx"
            ),
            models.Index(fields=["source"], name="issue_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"

    @classmethod
    def overdue_q(cls, now: datetime.datetime) -> Q:
        """The one meaning of an overdue issue: its rectification clock — the department's — is red at
        ``now``. Nobody is late for someone else's wait: the department's clock stops at submission (the
        inspectors' runs then) and while a suspension is approved, and a returned issue waits on the office's
        dispatch clock. Pages, API, figures, exports read it from here."""
        return cls.light_q(Light.RED, now, stage=Stage.RECTIFY)

    @classmethod
    def light_q(cls, light: str, now: datetime.datetime, *, stage: str | None = None) -> Q:
        """Issues whose running clock (of ``stage``, or of any) shows ``light`` at ``now``."""
        running = Q(clock_stage=stage) if stage else ~Q(clock_stage="")
        return light_q(
            light,
            now,
            running=running & Q(clock_due_at__isnull=False),
            due="clock_due_at",
            yellow="clock_yellow_at",
            suspended="clock_suspended_at",
        )

    @staticmethod
    def suspension_pending_q() -> Q:
        """Issues whose department asked to stop the clock (挂起) and wait for a leader's decision (a
        subquery, so that counts beside it are not multiplied by an issue's earlier suspensions)."""
        return Q(Exists(Suspension.objects.filter(issue=OuterRef("pk"), status=Suspension.Status.PENDING)))

    def light(self, now: datetime.datetime) -> str | None:
        """``light_q`` for one issue in memory: the light of its running clock at ``now``, if one runs."""
        if not self.clock_stage:
            return None
        return light_of(
            now, due_at=self.clock_due_at, yellow_at=self.clock_yellow_at, suspended_at=self.clock_suspended_at
        )

    def is_overdue(self, now: datetime.datetime) -> bool:
        """``overdue_q`` for one issue in memory."""
        return self.clock_stage == Stage.RECTIFY and self.light(now) == Light.RED


def issue_photo_path(instance: "IssuePhoto", filename: str) -> str:
    """A random name: the photo is sent only to those who may see its issue (``IssuePhoto.url``)."""
    return photo_storage_name("issues")


def issue_thumbnail_path(instance: "IssuePhoto", filename: str) -> str:
    return photo_storage_name("issues", thumbnail=True)


class IssuePhoto(models.Model):
    """A photo of an issue: as found, or after rectification. Its files have random names and are
    served only through the app, to those who may see the issue (``url``, ``thumbnail_url``)."""

    class Stage(models.TextChoices):
        FOUND = "found", _("As found")
        RECTIFIED = "rectified", _("After rectification")

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.FOUND)
    image = models.ImageField(_("image"), upload_to=issue_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=issue_thumbnail_path, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # When and where the photo was taken, where the filing knew (a mock evaluation's sheet: ``core.capture``),
    # each with its source, and how far from the issue's place that was.
    captured_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    time_source = models.CharField(_("time from"), max_length=8, choices=CaptureSource.choices, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    position_source = models.CharField(_("position from"), max_length=8, choices=POSITION_SOURCES, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the place (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("issue photo")
        verbose_name_plural = _("issue photos")
        ordering = ["stage", "pk"]
        constraints = [
            models.CheckConstraint(condition=LATITUDE, name="issue_photo_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE, name="issue_photo_longitude_range"),
        ]

    def __str__(self) -> str:
        return self.image.name

    @property
    def url(self) -> str:
        """Where the photo is shown: the app's view, which checks that the user may see the issue."""
        return reverse("inspections:photo", args=[self.pk])

    @property
    def thumbnail_url(self) -> str:
        """The thumbnail's address, or the photo's for a photo stored without one."""
        return reverse("inspections:photo_thumbnail", args=[self.pk]) if self.thumbnail else self.url


class IssueEvent(models.Model):
    """One step on an issue's way: who moved it, from which state to which, when and why."""

    class Action(models.TextChoices):
        FILED = "filed", _("Filed")
        DISPATCHED = "dispatched", _("Dispatched")
        STARTED = "started", _("Rectification started")
        SUBMITTED = "submitted", _("Rectification submitted")
        VERIFIED = "verified", _("Verified and closed")
        SENT_BACK = "sent_back", _("Sent back for rework")
        RETURNED = "returned", _("Returned as not our responsibility")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        SUSPENSION_REQUESTED = "suspension_requested", _("Suspension requested")
        SUSPENDED = "suspended", _("Suspended")
        SUSPENSION_REFUSED = "suspension_refused", _("Suspension refused")
        RESUMED = "resumed", _("Resumed")
        # An office sends a returned issue back to the department that returned it: the return was
        # unjustified, one 推诿 (passing the buck) for that department.
        RETURN_OVERRULED = "return_overruled", _("Return overruled")

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=Issue.Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Issue.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="issue_events"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMITS.longest)
    created = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")
        ordering = ["created", "pk"]
        indexes = [
            models.Index(fields=["issue", "created"], name="issue_event_issue_idx"),
            models.Index(fields=["action", "created"], name="issue_event_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.issue.code} {self.get_action_display()}"


class ExtensionRequest(TimeStampedModel):
    """A department's request for more time (延期) on an issue's rectification, decided by a leader.

    ``limit_deadline`` is how far a request may reach without the leader's explicit confirmation
    (``inspections.services.extension_limit``); beyond it the department says why
    (``beyond_limit_note``). A leader may approve an earlier date than asked (``approved_deadline``)
    and refuses only with a reason the department sees (``decision_note``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=TEXT_LIMITS.reason)
    requested_deadline = models.DateTimeField(_("requested deadline"))
    limit_deadline = models.DateTimeField(
        _("latest deadline without confirmation"),
        null=True,
        blank=True,
        help_text=_("Beyond it a leader must confirm the extension explicitly."),
    )
    beyond_limit_note = models.TextField(_("why beyond the limit"), blank=True, max_length=TEXT_LIMITS.reason)
    approved_deadline = models.DateTimeField(_("approved deadline"), null=True, blank=True)
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
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue"], condition=Q(status="pending"), name="extension_one_pending_per_issue"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="extension_decided_at_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(approved_deadline__isnull=True) | Q(status="approved"),
                name="extension_approved_deadline_when_approved",
            ),
        ]
        indexes = [models.Index(fields=["status", "created"], name="extension_status_idx")]

    def __str__(self) -> str:
        return f"{self.issue.code} → {self.requested_deadline:%Y-%m-%d}"

    @property
    def beyond_limit(self) -> bool:
        """Whether the request reaches past ``limit_deadline`` (approving it so needs confirmation)."""
        return self.limit_deadline is not None and self.requested_deadline > self.limit_deadline


class StageClock(models.Model):
    """One run of one stage's clock on an issue: when it started, when it was due (``due_at``, moved by an
    approved extension or by time suspended) and turned yellow, when its owner's part was done
    (``stopped_at``) and whether that was late (``overdue``). A stage runs again when the issue comes back
    to it (a send-back opens a new rectification run, a return a new dispatch run), so that 按期处置 (a
    rectification run stopped by its due moment), 按期核查 and the average handling time are counted in SQL.
    ``department`` is whose turn it was for a rectification run, whatever the issue's department later."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="clocks")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    limit = models.CharField(
        _("time limit"), max_length=8, help_text=_("As the checklist item set it when it started.")
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    yellow_at = models.DateTimeField(_("yellow from"))
    extended_to = models.DateTimeField(
        _("extended to"), null=True, blank=True, help_text=_("The due moment an approved extension set.")
    )
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    suspended_minutes = models.PositiveIntegerField(
        _("time suspended (minutes)"),
        default=0,
        help_text=_("Of the clock's own time: office minutes, or natural minutes for a limit in natural hours."),
    )
    # Time suspended before an extension was approved: the extension's due moment already allows for it.
    suspended_minutes_at_extension = models.PositiveIntegerField(_("time suspended before the extension"), default=0)
    overdue = models.BooleanField(_("overdue when stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage clock")
        verbose_name_plural = _("stage clocks")
        ordering = ["issue", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue"], condition=Q(stopped_at=None), name="stage_clock_one_running"),
            models.CheckConstraint(
                condition=Q(stopped_at=None, overdue=None) | Q(stopped_at__isnull=False, overdue__isnull=False),
                name="stage_clock_overdue_when_stopped",
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "started_at"], name="stage_clock_issue_idx"),
            models.Index(fields=["stage", "stopped_at"], name="stage_clock_stopped_idx"),
            models.Index(fields=["department", "stage", "started_at"], name="stage_clock_department_idx"),
            models.Index(fields=["stopped_at"], condition=Q(stopped_at=None), name="stage_clock_running_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.issue.code} {self.get_stage_display()} {self.started_at:%Y-%m-%d %H:%M}"


class Suspension(TimeStampedModel):
    """A request to stop an issue's clock for a while (挂起/缓办: seasonal work, coordination, a court), decided
    by a leader as an extension is. Approved, the clock stops from ``started_at`` until ``released_at``; the
    time suspended (``suspended_minutes``, the clock's own time) is then added to its due moment. At most one
    request pending or in force per issue."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Suspended")
        REFUSED = "refused", _("Refused")
        RELEASED = "released", _("Released")

    ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED)

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="suspensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
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
    started_at = models.DateTimeField(_("suspended from"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    suspended_minutes = models.PositiveIntegerField(_("time suspended (minutes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue"],
                condition=Q(status__in=["pending", "approved"]),
                name="suspension_one_active_per_issue",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="suspension_decided_at_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True) | Q(status__in=["approved", "released"]),
                name="suspension_started_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, status__in=["pending", "approved", "refused"])
                | Q(released_at__isnull=False, status="released"),
                name="suspension_released_at_iff_released",
            ),
        ]
        indexes = [models.Index(fields=["status", "created"], name="suspension_status_idx")]

    def __str__(self) -> str:
        return f"{self.issue.code} {self.get_status_display()}"


# ---------------------------------------------------------------------------------------------
# Rollups: kept current by the services that write issues (``inspections.rollups``), checked and rebuilt by
# ``manage.py rollups``. Rows of zeros may stay; they count as absent.

POINTS = {"max_digits": 12, "decimal_places": 2}


class IssueDayCount(models.Model):
    """The city's issues by the day they were filed and their status now: ``issues``, their ``points``,
    ``closed_on_time`` (closed by the deadline) and ``reworked`` (sent back at least once); and
    ``closed``, the issues closed that day (kept on the ``closed`` row, whenever they were filed)."""

    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=16, choices=Issue.Status.choices)
    issues = models.IntegerField(_("issues filed"), default=0)
    points = models.DecimalField(_("points deducted"), default=0, **POINTS)
    closed_on_time = models.IntegerField(_("closed on time"), default=0)
    reworked = models.IntegerField(_("reworked"), default=0)
    closed = models.IntegerField(_("closed that day"), default=0)

    class Meta:
        verbose_name = _("issues of a day")
        verbose_name_plural = _("issues by day")
        constraints = [models.UniqueConstraint(fields=["day", "status"], name="issue_day_count_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.status}: {self.issues}"


class IssueDepartmentCount(models.Model):
    """The issues routed to a department, by status, whatever their dates (what it has open now)."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Issue.Status.choices)
    issues = models.IntegerField(_("issues"), default=0)

    class Meta:
        verbose_name = _("issues of a department")
        verbose_name_plural = _("issues by department")
        constraints = [models.UniqueConstraint(fields=["department", "status"], name="issue_department_count_key")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.status}: {self.issues}"


class IssueGridCount(models.Model):
    """The issues found in a grid, by status, whatever their dates (what is open in it now)."""

    grid = models.ForeignKey("grids.Grid", verbose_name=_("grid"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Issue.Status.choices)
    issues = models.IntegerField(_("issues"), default=0)

    class Meta:
        verbose_name = _("issues of a grid")
        verbose_name_plural = _("issues by grid")
        constraints = [models.UniqueConstraint(fields=["grid", "status"], name="issue_grid_count_key")]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.status}: {self.issues}"
