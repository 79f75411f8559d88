"""An uploaded master-data workbook and the background run that imports it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob


def import_upload_path(instance: "ImportJob", filename: str) -> str:
    """A random name: the workbook holds people's phone numbers, so its URL must not be guessable."""
    return f"masterdata/imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportJob(BackgroundJob):
    """One upload of a master-data workbook by an administrator, imported (or only checked, for a dry
    run) by a Celery worker. Progress, counts and the file's errors are kept here for the job's page.

    A job is run once: a redelivered task finds it claimed, or finished, and does nothing."""

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
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True, help_text=_("The records it updated."))
    change_count = models.PositiveIntegerField(_("number of changed records"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)

    class Meta:
        verbose_name = _("master data import")
        verbose_name_plural = _("master data imports")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
