"""What every app's models share, and nothing more."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


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
