"""Admin for what the apps share: the heartbeats of the background processes, the calendar corrections and
the office hours (a change to either is followed by every running clock: ``core.signals``)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import Heartbeat, OfficeHours, OfficeSeason, WorkdayOverride
from core.signals import working_time_changed
from core.working_time import Season, season_problems


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin with the object's change history to read, never to revert: an old version saved back
    would move an issue's or a task's workflow (and any other rule) around the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PhotoPreviewMixin:
    """Shows a photo (``IssuePhoto``, ``ProgressPhoto``) as its thumbnail linked to the full image, both
    through the app's permission-checked photo routes: the stored file itself is never served."""

    @admin.display(description=_("photo"))
    def preview(self, photo) -> str:
        if not photo or not photo.pk:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" height="80" loading="lazy"></a>',
            photo.url,
            photo.thumbnail_url,
            _("photo"),
        )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Heartbeats are written by the processes themselves; here they are only read (or cleared)."""

    list_display = ("name", "beat_at")
    search_fields = ("name",)
    date_hierarchy = "beat_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _clocks_follow(days: list | None) -> None:
    """Once the change is saved, every clock counted across the changed days is counted again."""
    transaction.on_commit(lambda: working_time_changed.send(sender=WorkdayOverride, days=days))


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change) -> None:
        days = [obj.date, *([form.initial["date"]] if change and form.initial.get("date") else [])]
        super().save_model(request, obj, form, change)
        _clocks_follow(days)

    def delete_model(self, request, obj) -> None:
        day = obj.date
        super().delete_model(request, obj)
        _clocks_follow([day])

    def delete_queryset(self, request, queryset) -> None:
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        _clocks_follow(days)


class SeasonFormSet(forms.BaseInlineFormSet):
    """The seasons are checked together: every day of the year in exactly one, or nothing is saved."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seasons = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            seasons.append(
                Season(
                    data["name"],
                    (data["first_month"], data["first_day"]),
                    (data["last_month"], data["last_day"]),
                    ((data["morning_start"], data["morning_end"]), (data["afternoon_start"], data["afternoon_end"])),
                )
            )
        if not seasons:
            raise ValidationError(_("Office hours need at least one season."))
        problems = season_problems(seasons)
        if problems:
            raise ValidationError(problems)


class OfficeSeasonInline(admin.TabularInline):
    model = OfficeSeason
    formset = SeasonFormSet
    extra = 0
    min_num = 1
    fields = (
        "name",
        "first_month",
        "first_day",
        "last_month",
        "last_day",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
    )


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    """The one timetable of office hours, season by season; saved whole or not at all, and followed by every
    running clock."""

    list_display = ("name", "note", "updated")
    inlines = (OfficeSeasonInline,)

    def has_add_permission(self, request) -> bool:
        # One timetable: the clocks read it (core.working_time.office_timetable).
        return not OfficeHours.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        _clocks_follow(None)
