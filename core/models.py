"""What every app's models share, and nothing more."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.images import photo_storage_name


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BackgroundJob(TimeStampedModel):
    """Work that a Celery worker does in the background while a person watches its page: waiting, in
    progress (held by one run, which reports the work done of the work in all), then done or failed.
    Claimed, advanced and ended by ``core.jobs``, one conditional UPDATE at a time, so that two workers
    never both run a job. ``updated`` moves with every step: a job in progress that has not moved for
    longer than a task may run is stuck (its worker died) and may be claimed again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("In progress")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    IN_PROGRESS_STATUSES = (Status.PENDING, Status.RUNNING)
    FINISHED_STATUSES = (Status.SUCCEEDED, Status.FAILED)
    # Whether a new run takes the job from a run still in progress (which then stops at its next step),
    # rather than leaving it to that run. Right for work that is only ever redone whole, such as a file.
    TAKEN_OVER_BY_NEW_RUNS = False

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(_("work done"), default=0)
    progress_total = models.PositiveIntegerField(_("work in all"), default=0)
    run = models.UUIDField(
        _("run"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The run that holds the job while it is in progress."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True, help_text=_("Why the run failed, for administrators."))

    class Meta:
        abstract = True

    @property
    def is_in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS_STATUSES

    @property
    def is_finished(self) -> bool:
        return not self.is_in_progress

    @property
    def is_stuck(self) -> bool:
        """Waiting or in progress without a sign of life for longer than a task may run: its worker died
        (or its message was lost)."""
        return self.is_in_progress and self.updated is not None and self.updated < stuck_before()

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


def stuck_before() -> datetime.datetime:
    """A job in progress last heard of before this moment is stuck: no task runs that long."""
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


class Heartbeat(models.Model):
    """The last time each background process proved it was alive (one row per process kind)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M}"


class WorkdayOverride(models.Model):
    """An administrator's correction to China's official calendar for one day: a holiday or a
    make-up working day (调休) that the calendar package does not know yet, e.g. a year
    announced after the package was released."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("e.g. 春节 or 春节调休"))

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}"


def pending_photo_path(instance: "PendingPhoto", filename: str) -> str:
    """A random name, as every photo's: the file is sent only to its uploader."""
    return photo_storage_name("pending")


def pending_thumbnail_path(instance: "PendingPhoto", filename: str) -> str:
    return photo_storage_name("pending", thumbnail=True)


class PendingPhoto(models.Model):
    """A photo checked and kept for whoever chose it, until the form it was chosen for is saved: sent at
    once by the page's script, or kept from a submit that came back with an error. It waits for a signed-in
    person (``uploaded_by``) or, on the public report page, for one anonymous form (``form_key``: a keyed
    digest of the form's key, which only a grant signed by ``core.pending_photos.form_grant`` vouches for).
    The save takes it into its issue, progress report or citizen report and deletes it; one never used
    expires after ``PENDING_PHOTO_MAX_AGE`` and beat deletes it with its files (``core.pending_photos``)."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    form_key = models.CharField(_("anonymous form"), max_length=64, blank=True, default="", editable=False)
    image = models.ImageField(_("image"), upload_to=pending_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=pending_thumbnail_path)
    created = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("photo waiting for its form")
        verbose_name_plural = _("photos waiting for their forms")
        ordering = ["created", "pk"]
        indexes = [
            models.Index(fields=["uploaded_by", "created"], name="pending_photo_uploader_idx"),
            models.Index(
                fields=["form_key", "created"], name="pending_photo_form_idx", condition=~models.Q(form_key="")
            ),
        ]
        constraints = [
            # One holder: a person, or an anonymous form; never both, never neither.
            models.CheckConstraint(
                condition=models.Q(uploaded_by__isnull=False, form_key="")
                | (models.Q(uploaded_by__isnull=True) & ~models.Q(form_key="")),
                name="pending_photo_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return str(self.token)


class OfficeHours(models.Model):
    """The office hours every clock counts in: one timetable of seasons (``OfficeSeason``), each with its
    dates and the day's two sessions. ``core.working_time.office_timetable`` reads it; the administrators
    change it in the admin, where a set of seasons that overlaps or leaves a day out is refused whole."""

    name = models.CharField(_("name"), max_length=60, default="作息时间")
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return self.name


def _month_day_choices(limit: int) -> list[tuple[int, int]]:
    return [(number, number) for number in range(1, limit + 1)]


class OfficeSeason(models.Model):
    """A season of the office hours: from one day of the year to another, both included (it may wrap the
    turn of the year, e.g. 1 October to 30 April), with a morning and an afternoon session and lunch
    between them."""

    office_hours = models.ForeignKey(
        OfficeHours, verbose_name=_("office hours"), on_delete=models.CASCADE, related_name="seasons"
    )
    name = models.CharField(_("name"), max_length=20, help_text=_("e.g. 夏季 or 冬季"))
    first_month = models.PositiveSmallIntegerField(_("from month"), choices=_month_day_choices(12))
    first_day = models.PositiveSmallIntegerField(_("from day"), choices=_month_day_choices(31))
    last_month = models.PositiveSmallIntegerField(_("to month"), choices=_month_day_choices(12))
    last_day = models.PositiveSmallIntegerField(_("to day"), choices=_month_day_choices(31))
    morning_start = models.TimeField(_("morning from"))
    morning_end = models.TimeField(_("morning until"))
    afternoon_start = models.TimeField(_("afternoon from"))
    afternoon_end = models.TimeField(_("afternoon until"))

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["office_hours", "first_month", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(morning_start__lt=models.F("morning_end"))
                & models.Q(morning_end__lte=models.F("afternoon_start"))
                & models.Q(afternoon_start__lt=models.F("afternoon_end")),
                name="office_season_sessions_ordered",
                violation_error_message=_(
                    "Each session must end after it begins, and the morning by the time the afternoon begins."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.first_month}-{self.first_day}～{self.last_month}-{self.last_day}"
