"""Admin for the evaluation system (point types, items, standards, observation points) and the rounds.

A round's draw, start and close go through the services (the actions below); its sheets, observations
and appeals are written only by the sheet page, the API and the appeal pages, and shown here read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from core.errors import ApplicationError
from evaluation import services
from evaluation.models import (
    Appeal,
    Item,
    Observation,
    ObservationPoint,
    PointType,
    Round,
    RoundPoint,
    Sheet,
    Standard,
    Team,
)


@admin.register(PointType)
class PointTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order", "is_active")
    list_display_links = ("code", "name")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "sort_order")
    list_display_links = ("code", "title")
    search_fields = ("code", "title")


@admin.register(Standard)
class StandardAdmin(HistoryAdmin):
    list_display = ("code", "text", "item", "points", "criterion", "is_active")
    list_display_links = ("code", "text")
    list_filter = ("is_active", "item", "point_types")
    list_select_related = ("item", "criterion")
    search_fields = ("code", "text")
    autocomplete_fields = ("item", "criterion")
    filter_horizontal = ("point_types",)


@admin.register(ObservationPoint)
class ObservationPointAdmin(admin.ModelAdmin):
    list_display = ("place", "point_type")
    list_filter = ("point_type",)
    list_select_related = ("place", "point_type")
    search_fields = ("place__code", "place__name")
    autocomplete_fields = ("place",)


class TeamFormSet(BaseInlineFormSet):
    """A round's teams keep the rules its page keeps (``evaluation.services.teams_check``)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        teams = [
            (form.cleaned_data.get("name", ""), form.cleaned_data.get("members", []))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.teams_check(teams)
        except ApplicationError as error:
            raise ValidationError(error.message) from None


class TeamInline(admin.TabularInline):
    model = Team
    formset = TeamFormSet
    extra = 0
    autocomplete_fields = ("members",)


@admin.action(description=_("Draw the points (a new seed)"))
def draw(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda round_: services.round_sample(round_=round_, actor=request.user))


@admin.action(description=_("Start the round"))
def start(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda round_: services.round_start(round_=round_, actor=request.user))


@admin.action(description=_("Close the round"))
def close(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda round_: services.round_close(round_=round_, actor=request.user))


def _each(modeladmin, request, queryset, step) -> None:
    for round_ in queryset:
        try:
            step(round_)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{round_.code}: {error.message}", messages.ERROR)


@admin.register(Round)
class RoundAdmin(HistoryAdmin):
    list_display = ("code", "title", "campaign", "start_date", "end_date", "status", "points_per_type", "seed")
    list_display_links = ("code", "title")
    list_filter = ("status", "campaign")
    list_select_related = ("campaign",)
    search_fields = ("code", "title")
    autocomplete_fields = ("campaign",)
    filter_horizontal = ("point_types",)
    readonly_fields = ("status", "seed", "candidates", "sampled_at", "closed_at", "inspection")
    inlines = (TeamInline,)
    actions = (draw, start, close)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.inspection = services.round_inspection(
                code=obj.code, title=obj.title, campaign=obj.campaign, start_date=obj.start_date, end_date=obj.end_date
            )
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the sheet page, the API and the appeal pages only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoundPoint)
class RoundPointAdmin(ReadOnlyAdmin):
    list_display = ("round", "order", "place", "point_type", "stratum", "team")
    list_filter = ("round", "point_type")
    list_select_related = ("round", "place", "point_type", "team")
    search_fields = ("place__code", "place__name")


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdmin):
    list_display = ("round_point", "observed_by", "observed_at", "submitted_at", "distance_m", "far")
    list_filter = ("far", "round_point__round")
    list_select_related = ("round_point__round", "round_point__place", "observed_by")


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("round_point", "standard", "result", "points_applicable", "points_earned", "department", "issue")
    list_filter = ("result", "round", "point_type")
    list_select_related = ("round_point__round", "round_point__place", "standard", "department", "issue")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("observation", "department", "status", "filed_by", "created", "decided_at")
    list_filter = ("status",)
    list_select_related = (
        "observation__round_point__round",
        "observation__round_point__place",
        "observation__standard",
        "department",
        "filed_by",
    )
