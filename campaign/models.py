"""What each department pledged, the measurable targets, and the tasks the work breaks into."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.clocks import Light, light_of, light_q
from core.errors import Conflict
from core.images import photo_storage_name
from core.limits import TEXT_LIMITS
from core.models import TimeStampedModel
from core.working_time import WorkingCalendar, end_of_day, pledged_due_at, pledged_yellow_at

QUANTITY = {"max_digits": 14, "decimal_places": 2}


class Campaign(TimeStampedModel):
    """A city-wide campaign: creating a national civilized city (创城) or the sanitary city
    re-inspection (创卫复审). ``leader`` receives the last step of reminder escalation."""

    class Kind(models.TextChoices):
        CIVILIZED_CITY = "civilized", _("National civilized city")
        SANITARY_CITY = "sanitary", _("National sanitary city re-inspection")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("campaign leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_campaigns",
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="campaign_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pledge(TimeStampedModel):
    """A department head's public statement (表态发言) at a campaign meeting."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="pledges")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="pledges"
    )
    speaker = models.CharField(_("speaker"), max_length=40)
    speaker_title = models.CharField(_("speaker's title"), max_length=100)
    headline = models.CharField(_("headline"), max_length=200)
    statement = models.TextField(_("statement"))
    date = models.DateField(_("date"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["campaign", "sort_order", "date"]
        indexes = [models.Index(fields=["department", "date"], name="pledge_department_idx")]

    def __str__(self) -> str:
        return f"{self.department}：{self.headline}"


class TargetQuerySet(models.QuerySet):
    def with_current_value(self) -> "TargetQuerySet":
        """Annotate ``reported`` (the sum of progress quantities, as the services keep it in ``TargetTotal``
        with every report: ``manage.py rollups --check`` recounts it) and ``current_value``.

        More-is-better targets climb from the baseline; less-is-better ones fall from it (the rule
        ``Target.value_after()`` applies in Python)."""
        amount = DecimalField(**QUANTITY)
        return self.annotate(reported=Coalesce(F("total__reported"), Value(Decimal(0)), output_field=amount)).annotate(
            current_value=Case(
                When(direction=Target.Direction.DECREASE, then=F("baseline") - F("reported")),
                default=F("baseline") + F("reported"),
                output_field=amount,
            )
        )


class Target(TimeStampedModel):
    """A measurable promise inside a pledge: e.g. 49,000 shanty-town units started in 2018.

    Its current value is derived from the progress reported by the tasks that count toward it."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("More is better")
        DECREASE = "decrease", _("Less is better")

    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="targets")
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    baseline = models.DecimalField(_("baseline"), default=Decimal(0), **QUANTITY)
    target_value = models.DecimalField(_("target value"), **QUANTITY)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    deadline = models.DateField(_("deadline"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords(verbose_name=_("historical target"))

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["pledge", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(baseline__gte=0), name="target_baseline_not_negative"),
            models.CheckConstraint(
                condition=Q(direction="increase", target_value__gt=F("baseline"))
                | Q(direction="decrease", target_value__lt=F("baseline")),
                name="target_value_beyond_baseline",
            ),
        ]
        indexes = [models.Index(fields=["deadline"], name="target_deadline_idx")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def value_after(cls, *, baseline: Decimal, direction: str, reported: Decimal) -> Decimal:
        """The current value once ``reported`` has been achieved, the rule of ``with_current_value()``
        in Python: more-is-better targets climb from the baseline, less-is-better ones fall."""
        return baseline - reported if direction == cls.Direction.DECREASE else baseline + reported

    @staticmethod
    def progress_of(*, baseline: Decimal, target_value: Decimal, current_value: Decimal) -> float | None:
        """How far the current value has come from the baseline toward the target value: 0 at the
        baseline, 1 at the target, whichever way the target points; above 1 beyond it, below 0 when
        it went the wrong way. ``None`` for a target equal to its baseline (nothing to measure)."""
        span = target_value - baseline
        if not span:
            return None
        return float((current_value - baseline) / span)

    @staticmethod
    def percent_of(progress: float | None) -> Decimal | None:
        """The progress as every page, export and the API show it: a percentage held between 0 and
        100, rounded half up to one decimal."""
        if progress is None:
            return None
        held = min(max(Decimal(str(progress)), Decimal(0)), Decimal(1)) * 100
        return held.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def progress(self) -> float | None:
        """``progress_of()`` for a target annotated by ``TargetQuerySet.with_current_value()``."""
        return self.progress_of(
            baseline=self.baseline, target_value=self.target_value, current_value=self.current_value
        )

    def percent(self) -> Decimal | None:
        """``percent_of()`` for a target annotated by ``TargetQuerySet.with_current_value()``."""
        return self.percent_of(self.progress())


class TaskQuerySet(models.QuerySet):
    def open(self) -> "TaskQuerySet":
        """Tasks in their owner's hands (``Task.OPEN_STATUSES``): not closed, and not waiting on
        someone else either."""
        return self.filter(status__in=Task.OPEN_STATUSES)

    def overdue(self, now: datetime.datetime | datetime.date) -> "TaskQuerySet":
        """Tasks overdue at ``now`` (``Task.overdue_q``), read from their stored clocks."""
        return self.filter(Task.overdue_q(now))

    def with_overdue(self, now: datetime.datetime | datetime.date) -> "TaskQuerySet":
        """Annotate ``is_overdue`` (``Task.overdue_q``) for lists that show or filter by it."""
        return self.annotate(is_overdue=ExpressionWrapper(Task.overdue_q(now), output_field=models.BooleanField()))

    def due_soon(self, now: datetime.datetime | datetime.date) -> "TaskQuerySet":
        """Open tasks due soon at ``now``: their light is yellow (``Task.light_q``)."""
        return self.filter(Task.light_q(Light.YELLOW, now))

    def light(self, light: str, now: datetime.datetime | datetime.date) -> "TaskQuerySet":
        """Open tasks whose clock shows ``light`` at ``now`` (``Task.light_q``)."""
        return self.filter(Task.light_q(light, now))


# What the tasks' partial indexes hold: a task still open (not started or in progress), and one whose clock runs
# (open and not suspended). ``Task.OPEN_STATUSES`` in the words the index conditions need before the class exists.
OPEN_TASK = Q(status__in=["todo", "in_progress"])
RUNNING_CLOCK = OPEN_TASK & Q(suspended_at__isnull=True)


class Task(TimeStampedModel):
    """One piece of work owned by a department, a section and an accountable person, with a due date.

    Pledged work, special campaigns and the rectification of an inspector's finding are all tasks,
    so that deadlines, reminders and escalation are a single mechanism.

    Its clock is kept in ``due_at`` and ``yellow_at`` (indexed), from which its light is read: pledged work
    is due at the end of its due date and yellow ``DUE_SOON_WORKING_DAYS`` working days before (``save``
    keeps them in step with ``due_date``); a rectification task follows its issue's rectification clock
    (``inspections.clocks``), suspended with it (``suspended_at``)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        SPECIAL = "special", _("Special campaign")
        RECTIFICATION = "rectification", _("Rectification")

    class Status(models.TextChoices):
        TODO = "todo", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        # A rectification handed in, which the inspectors have yet to verify (its issue is "submitted").
        AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)
    # In the owner's hands: only these run against their due date (overdue, due soon, reminders).
    # Named positively, so that the (…, status, due_date) indexes can seek on them.
    OPEN_STATUSES = (Status.TODO, Status.IN_PROGRESS)
    # Neither open nor closed: the owner has done its part and waits on someone else (nobody is late
    # for someone else's wait).
    WAITING_STATUSES = (Status.AWAITING_VERIFICATION,)

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_LIMITS.description)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ROUTINE)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="tasks"
    )
    section = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="section_tasks",
    )
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountable person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountable_tasks",
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    places = models.ManyToManyField("grids.Place", verbose_name=_("places"), blank=True, related_name="tasks")
    grids = models.ManyToManyField("grids.Grid", verbose_name=_("grids"), blank=True, related_name="tasks")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.TODO)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, help_text=_("The latest percentage reported in its progress.")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    yellow_at = models.DateTimeField(_("due soon from"), null=True, blank=True, db_index=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(
        m2m_fields=[places, grids],
        verbose_name=_("historical task"),
        # Derived from the due date or the clock, and recomputed with the calendar: not the task's story.
        excluded_fields=["due_at", "yellow_at", "suspended_at"],
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="task_percent_range"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="task_priority_range"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")), name="task_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | (~Q(status="done") & Q(completed_at=None)),
                name="task_completed_at_iff_done",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="task_department_idx"),
            models.Index(fields=["section", "status", "due_date"], name="task_section_idx"),
            models.Index(fields=["accountable", "status", "due_date"], name="task_accountable_idx"),
            models.Index(fields=["status", "due_date"], name="task_status_due_idx"),
            # A period's tasks by due date, counted from the index alone (dashboard figures, rankings).
            models.Index(fields=["due_date"], include=["status", "completed_at", "department"], name="task_due_idx"),
            # The longest overdue first (dashboard, exports) and the weekly completions, read in order
            # or from the index alone.
            models.Index(fields=["due_date"], condition=OPEN_TASK, name="task_open_due_idx"),
            models.Index(fields=["completed_at"], condition=Q(status="done"), name="task_completed_idx"),
            # The clocks that run (open, not suspended) by due moment, with what the dashboard counts overdue
            # ones by: read from the index alone (PostgreSQL), since the passing of time makes them late.
            models.Index(
                fields=["due_at"],
                include=["department", "due_date"],
                condition=RUNNING_CLOCK,
                name="task_running_due_idx",
            ),
            # The running clocks by department, so that counting each department's overdue tasks reads the
            # overdue ones in department order rather than hashing them (the dashboard's open-now figures).
            models.Index(
                fields=["department", "due_at"],
                condition=RUNNING_CLOCK,
                name="task_running_department_idx",
            ),
            # The open tasks by department with what their figures read, counted from the index alone in
            # department order rather than by hashing every open task (the dashboard's open-now figures, the
            # department scoreboard).
            models.Index(
                fields=["department", "due_at"],
                include=["status", "due_date", "suspended_at"],
                condition=OPEN_TASK,
                name="task_open_department_idx",
            ),
            # And by due date: a period's overdue tasks by the day they were due (the dashboard's key figures).
            models.Index(
                fields=["due_date", "due_at"],
                condition=RUNNING_CLOCK,
                name="task_running_due_date_idx",
            ),
            # Every open task with what its figures read, from the index alone: joined to the grids it names
            # (the grid scoreboard, the map).
            models.Index(
                fields=["id"],
                include=["status", "due_date", "due_at", "suspended_at"],
                condition=OPEN_TASK,
                name="task_open_clock_idx",
            ),
            # The task list's default order (finished last, then by due date: ``CLOSED_LAST``), so that its first
            # page is read from the index rather than by sorting every task of the city.
            models.Index(
                Case(When(status__in=["done", "cancelled"], then=Value(1)), default=Value(0)),
                "due_date",
                "id",
                name="task_list_order_idx",
            ),
            models.Index(fields=["campaign", "kind"], name="task_campaign_kind_idx"),
            models.Index(fields=["updated", "id"], name="task_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        """Pledged work's clock follows its due date (one calendar query when it moves); a rectification
        task's is set by its issue's, except for one made without it."""
        fields = kwargs.get("update_fields")
        if (fields is None or "due_date" in fields) and (self.kind != self.Kind.RECTIFICATION or self.due_at is None):
            self.due_at, self.yellow_at = self.pledged_clock(self.due_date)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "due_at", "yellow_at"}
        super().save(*args, **kwargs)

    @staticmethod
    def pledged_clock(
        due_date: datetime.date, *, calendar: WorkingCalendar | None = None
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """``(due_at, yellow_at)`` of work due on ``due_date``; ``calendar`` spares a caller planning many
        tasks a query each."""
        return pledged_due_at(due_date), pledged_yellow_at(due_date, calendar=calendar)

    @staticmethod
    def moment(now: datetime.datetime | datetime.date) -> datetime.datetime:
        """``now`` as a moment: a date stands for its first moment (a task due the day before is overdue)."""
        if isinstance(now, datetime.datetime):
            return now
        return end_of_day(now - datetime.timedelta(days=1)) + datetime.timedelta(seconds=1)

    @classmethod
    def overdue_q(cls, now: datetime.datetime | datetime.date) -> Q:
        """The one meaning of an overdue task: open (not started or in progress) and its clock red at
        ``now`` — pledged work from the day after its due date, a rectification once its issue's
        rectification clock has run out. Never one awaiting verification (its clock stopped at submission)
        nor one suspended. A date stands for its first moment. Pages, API, figures, exports and reminders
        all read it from here."""
        return cls.light_q(Light.RED, now)

    @classmethod
    def light_q(cls, light: str, now: datetime.datetime | datetime.date) -> Q:
        """Open tasks whose clock shows ``light`` at ``now``: green, yellow (due soon), red (overdue) or
        suspended. Closed tasks and those awaiting verification have no running clock."""
        return light_q(
            light,
            cls.moment(now),
            running=Q(status__in=cls.OPEN_STATUSES, due_at__isnull=False),
            due="due_at",
            yellow="yellow_at",
            suspended="suspended_at",
        )

    def light(self, now: datetime.datetime | datetime.date) -> str | None:
        """``light_q`` for one task in memory."""
        if self.status not in self.OPEN_STATUSES:
            return None
        return light_of(self.moment(now), due_at=self.due_at, yellow_at=self.yellow_at, suspended_at=self.suspended_at)

    def is_overdue(self, now: datetime.datetime | datetime.date) -> bool:
        """``overdue_q`` for one task in memory."""
        return self.light(now) == Light.RED


# Sorted by due date, the finished tasks (done, cancelled) come after all those still to do, whatever their dates.
CLOSED_LAST = Case(When(status__in=Task.CLOSED_STATUSES, then=Value(1)), default=Value(0))


class ProgressReport(models.Model):
    """An append-only entry in a task's log: a percentage and/or a quantity toward the task's target,
    a note, and photos. A report is never edited; a correction is a new report."""

    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
        db_index=False,  # progress_task_idx and progress_task_quantity_idx both lead with it
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    created = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    percent = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    previous_percent = models.PositiveSmallIntegerField(
        _("percent before"),
        null=True,
        blank=True,
        help_text=_("The task's percentage when the report was made; above the report's own, the work went back."),
    )
    quantity = models.DecimalField(_("quantity"), null=True, blank=True, **QUANTITY)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMITS.note)
    is_final = models.BooleanField(_("final report"), default=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="progress_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="progress_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=False) | Q(quantity__isnull=False) | ~Q(note=""),
                name="progress_says_something",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "-created"], name="progress_task_idx"),
            # Covering (PostgreSQL): a target's progress is summed from the index alone.
            models.Index(fields=["task"], include=["quantity"], name="progress_task_quantity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} @ {self.created:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise Conflict(str(_("A progress report cannot be changed; add a new one.")), code="append_only")
        super().save(*args, **kwargs)

    @property
    def went_back(self) -> bool:
        """The report lowered the task's percentage (42 % → 10 %): the timeline marks it, with its note."""
        return self.percent is not None and self.previous_percent is not None and self.percent < self.previous_percent


def progress_photo_path(instance: "ProgressPhoto", filename: str) -> str:
    """A random name: the photo is sent only to those who may see its task (``ProgressPhoto.url``)."""
    return photo_storage_name("progress")


def progress_thumbnail_path(instance: "ProgressPhoto", filename: str) -> str:
    return photo_storage_name("progress", thumbnail=True)


class ProgressPhoto(models.Model):
    """A photo attached to a progress report, stored through Django's storage API under a random name
    and served only through the app, to those who may see the task (``url``, ``thumbnail_url``)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to=progress_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=progress_thumbnail_path, blank=True)
    created = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name

    @property
    def url(self) -> str:
        """Where the photo is shown: the app's view, which checks that the user may see the task."""
        return reverse("campaign:photo", args=[self.pk])

    @property
    def thumbnail_url(self) -> str:
        """The thumbnail's address, or the photo's for a photo stored without one."""
        return reverse("campaign:photo_thumbnail", args=[self.pk]) if self.thumbnail else self.url


class ReminderDigest(models.Model):
    """One message to one person from one reminder run: every task of theirs at every step of the
    ladder reached that day. The inbox, the e-mail and the chat-robot post all carry this digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_digests",
    )
    run_date = models.DateField(_("run date"))
    run_token = models.UUIDField(_("run token"), help_text=_("Identifies the run that sent the digest."))
    items = models.PositiveIntegerField(_("items"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["run_token", "recipient"], name="reminder_digest_once_per_run"),
        ]
        indexes = [models.Index(fields=["run_date"], name="reminder_digest_date_idx")]

    def __str__(self) -> str:
        return f"{self.recipient} @ {self.run_date:%Y-%m-%d}"


class Reminder(models.Model):
    """A step of the reminder ladder reached by a task, owed to one person.

    The unique constraint on (task, step, recipient) is what makes reminders idempotent: a run
    claims its reminders by inserting these rows, and a row that already exists, from an earlier
    run or from a run going on at the same time, is not this run's to send."""

    class Step(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED_HEAD = "escalated_head", _("Escalated to the department head")
        ESCALATED_LEADER = "escalated_leader", _("Escalated to the grid or campaign leader")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_left = models.IntegerField(
        _("working days left"), help_text=_("On the day it was sent; negative when the task was overdue.")
    )
    run_token = models.UUIDField(_("run token"), db_index=True)
    digest = models.ForeignKey(
        ReminderDigest,
        verbose_name=_("digest"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "step", "recipient"], name="reminder_once_per_task_step_recipient"),
        ]
        indexes = [models.Index(fields=["recipient", "-created"], name="reminder_recipient_idx")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.get_step_display()} → {self.recipient}"


class DeliveryAttempt(models.Model):
    """One try at delivering a digest through one channel, successful or not. A channel that has
    succeeded once is never tried again, so a redelivered Celery message sends nothing twice."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("In-app inbox")
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Chat robot")

    digest = models.ForeignKey(
        ReminderDigest, verbose_name=_("digest"), on_delete=models.CASCADE, related_name="attempts"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    succeeded = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("attempted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["digest", "channel", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "channel", "attempt"], name="delivery_attempt_numbered_once"),
            models.UniqueConstraint(
                fields=["digest", "channel"], condition=Q(succeeded=True), name="delivery_succeeds_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.digest} {self.get_channel_display()} #{self.attempt}"


# ---------------------------------------------------------------------------------------------
# Rollups: kept current by the services that write tasks and progress (``campaign.rollups``), checked and
# rebuilt by ``manage.py rollups``. Rows of zeros may stay; they count as absent.


class TargetTotal(models.Model):
    """What has been reported toward one target: the sum of the quantities of the progress reports on its
    tasks (a target's current value starts from it) and how many reports carried one."""

    target = models.OneToOneField(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, primary_key=True, related_name="total"
    )
    reported = models.DecimalField(_("quantity reported"), default=Decimal(0), **QUANTITY)
    reports = models.IntegerField(_("reports with a quantity"), default=0)

    class Meta:
        verbose_name = _("target total")
        verbose_name_plural = _("target totals")

    def __str__(self) -> str:
        return f"{self.target_id}: {self.reported}"


class TaskDayCount(models.Model):
    """The city's tasks by day and status: on ``day``, ``tasks`` due (and ``on_time``, those done by their
    due date), and ``completed``, the tasks completed that day (kept on the ``done`` row)."""

    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=24, choices=Task.Status.choices)
    tasks = models.IntegerField(_("tasks due"), default=0)
    on_time = models.IntegerField(_("done on time"), default=0)
    completed = models.IntegerField(_("completed that day"), default=0)

    class Meta:
        verbose_name = _("tasks of a day")
        verbose_name_plural = _("tasks by day")
        constraints = [models.UniqueConstraint(fields=["day", "status"], name="task_day_count_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.status}: {self.tasks}"


class TaskDepartmentCount(models.Model):
    """A department's tasks by status, whatever their dates (what it has open now)."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=24, choices=Task.Status.choices)
    tasks = models.IntegerField(_("tasks"), default=0)

    class Meta:
        verbose_name = _("tasks of a department")
        verbose_name_plural = _("tasks by department")
        constraints = [models.UniqueConstraint(fields=["department", "status"], name="task_department_count_key")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.status}: {self.tasks}"
