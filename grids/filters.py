"""Filters of the grids and the places in them (used by the API's lists)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.filters import UpdatedSinceFilter
from grids.models import Grid, Place


class GridFilterSet(django_filters.FilterSet):
    """Grids by subdistrict, assigned department, last change, or a search in code and name."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    subdistrict = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Subdistrict"))
    department = django_filters.ModelChoiceFilter(
        field_name="departments", queryset=Department.objects.all(), label=_("Assigned department")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Grid
        fields = []

    def filter_search(self, queryset: QuerySet[Grid], name: str, value: str) -> QuerySet[Grid]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class PlaceFilterSet(django_filters.FilterSet):
    """Places by grid, kind, responsible departments, activity, last change, or a search."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    grid = django_filters.ModelChoiceFilter(queryset=Grid.objects.all(), label=_("Grid"))
    kind = django_filters.ChoiceFilter(choices=Place.Kind.choices, label=_("Kind"))
    department = django_filters.ModelChoiceFilter(
        field_name="assigned_department", queryset=Department.objects.all(), label=_("Assigned department (帮包)")
    )
    territorial_unit = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Territorial unit (属地)")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Place
        fields = []

    def filter_search(self, queryset: QuerySet[Place], name: str, value: str) -> QuerySet[Place]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(address__icontains=value))
