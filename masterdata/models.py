"""An uploaded master-data workbook and the background run that imports it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def import_upload_path(instance: "ImportJob", filename: str) -> str:
    """A random name: the workbook holds people's phone numbers, so its URL must not be guessable."""
    return f"masterdata/imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportJob(TimeStampedModel):
    """One upload of a master-data workbook by an administrator, imported (or only checked, for a dry
    run) by a Celery worker. Progress, counts and errors are kept here for the job's page to show."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    FINISHED_STATUSES = (Status.SUCCEEDED, Status.FAILED)
    # A file with thousands of bad (or changed) rows is listed in part; the counts are complete.
    MAX_STORED_ROWS = 1000

    file = models.FileField(_("file"), upload_to=import_upload_path)
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="masterdata_imports",
    )
    dry_run = models.BooleanField(_("dry run"), default=False, help_text=_("Check the file without writing."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True, help_text=_("The records it updated."))
    change_count = models.PositiveIntegerField(_("number of changed records"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    progress_done = models.PositiveIntegerField(_("progress"), default=0)
    progress_total = models.PositiveIntegerField(_("progress total"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("master data import")
        verbose_name_plural = _("master data imports")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
