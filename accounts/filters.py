"""Filters of the department tree and the people in it (used by the API's lists)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from core.filters import UpdatedSinceFilter


class DepartmentFilterSet(django_filters.FilterSet):
    """Departments by kind, parent, activity, last change, or a search in code and names."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices, label=_("Kind"))
    parent = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Parent department"))
    is_active = django_filters.BooleanFilter(label=_("Active"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Department
        fields = []

    def filter_search(self, queryset: QuerySet[Department], name: str, value: str) -> QuerySet[Department]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(short_name__icontains=value))


class UserFilterSet(django_filters.FilterSet):
    """People by department, or a search in their username and name."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Department"))

    class Meta:
        model = User
        fields = []

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(last_name__icontains=value) | Q(first_name__icontains=value)
        )
