"""Admin for the grids of the city and the places inside them."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin
from grids.models import Grid, Place


@admin.register(Grid)
class GridAdmin(HistoryAdmin):
    list_display = ("code", "name", "subdistrict", "leader", "place_count")
    list_display_links = ("code", "name")
    list_filter = (("subdistrict", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("subdistrict", "leader")
    search_fields = ("code", "name", "subdistrict__name", "leader__last_name", "leader__first_name")
    autocomplete_fields = ("subdistrict", "leader", "departments")
    fieldsets = (
        (None, {"fields": ("code", "name", "subdistrict")}),
        (_("Responsibility"), {"fields": ("leader", "departments")}),
        (_("Location"), {"fields": ("latitude", "longitude", "boundary")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(place_count=Count("places"))

    @admin.display(description=_("places"), ordering="place_count")
    def place_count(self, obj: Grid) -> int:
        return obj.place_count


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "grid",
        "territorial_unit",
        "assigned_department",
        "assigned_leader",
        "is_active",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "kind",
        "is_active",
        ("grid", admin.RelatedOnlyFieldListFilter),
        ("assigned_department", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("grid", "territorial_unit", "assigned_department", "assigned_leader")
    search_fields = ("code", "name", "address", "property_company", "grid__code", "grid__name")
    autocomplete_fields = ("grid", "territorial_unit", "assigned_department", "assigned_leader")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "grid", "is_active")}),
        (_("Responsibility"), {"fields": ("territorial_unit", "assigned_department", "assigned_leader")}),
        (_("Location"), {"fields": ("address", "latitude", "longitude")}),
        (_("Facts by kind"), {"fields": ("households", "length_m", "property_company")}),
    )
