"""The weekly accountability workbook, stored once per week (the read side's only table)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def weekly_report_path(instance: "WeeklyReport", filename: str) -> str:
    """A random name: the workbook lists people and their overdue work, so its URL must not be guessable.
    Downloads go through the permission-checked view, which gives the file its readable name."""
    return f"reports/weekly/{instance.week_start:%Y}/{uuid.uuid4().hex}.xlsx"


class WeeklyReport(TimeStampedModel):
    """The weekly accountability workbook (问责周报) of one Monday-to-Sunday week: built by Celery beat
    on Monday mornings for the week just ended, or on demand by a leader, and kept for download.

    There is one row per week: building a week again replaces its file. While a build runs, its
    progress (rows written of the rows to write) is kept here for the report's page to show."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")

    IN_PROGRESS_STATUSES = (Status.PENDING, Status.RUNNING)

    week_start = models.DateField(_("week"), unique=True, help_text=_("The Monday the week begins with."))
    file = models.FileField(_("file"), upload_to=weekly_report_path, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(_("rows written"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to write"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="weekly_reports",
        help_text=_("Empty when built automatically (the Monday schedule or the command)."),
    )
    figures = models.JSONField(
        _("headline figures"),
        default=dict,
        blank=True,
        help_text=_("The week's key figures, as the e-mail shows them."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    emailed_at = models.DateTimeField(
        _("e-mailed to leaders at"),
        null=True,
        blank=True,
        help_text=_("Each week is e-mailed to the leaders once; clear this to let it be sent again."),
    )

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.week_label

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)

    @property
    def week_label(self) -> str:
        """The ISO week, e.g. ``2018-W09`` (what ``--week`` and the build form take)."""
        year, week, _weekday = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def filename(self) -> str:
        """The name the download and the e-mail attachment carry."""
        return f"创城问责周报-{self.week_label}.xlsx"

    @property
    def is_in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS_STATUSES

    @property
    def is_finished(self) -> bool:
        return not self.is_in_progress

    @property
    def is_stuck(self) -> bool:
        """Waiting or building for longer than a task may run: its worker must have died."""
        limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        return self.is_in_progress and self.updated is not None and self.updated < timezone.now() - limit

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
