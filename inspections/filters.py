"""The filters of the issue list: one FilterSet, whitelisted sorting included."""

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Department
from accounts.rules import can_read_everything, is_administrator, is_inspector
from accounts.selectors import departments_seen_by
from campaign.filters import ListFilterSet
from campaign.models import Campaign
from core.clocks import Light
from core.filters import UpdatedSinceFilter
from grids.models import Grid, Place
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, Stage, Suspension
from inspections.selectors import verified_by_q

YES_NO = (("yes", _("Yes")), ("no", _("No")))

ISSUE_SORTS = {
    "-reported": ("-reported_at", "-pk"),
    "reported": ("reported_at", "pk"),
    "deadline": (F("deadline").asc(nulls_last=True), "pk"),
    "due": (F("clock_due_at").asc(nulls_last=True), "pk"),
    "-points": ("-points", "-reported_at", "-pk"),
    "-updated": ("-updated", "-pk"),
}
ISSUE_SORT_CHOICES = (
    ("-reported", _("Newest first")),
    ("reported", _("Oldest first")),
    ("deadline", _("Deadline, earliest first")),
    ("due", _("Clock due, earliest first")),
    ("-points", _("Points, most first")),
    ("-updated", _("Last update, newest first")),
)


class IssueFilterSet(ListFilterSet):
    """Narrows the visible issues the way inspectors, departments and leaders look for them."""

    # The page's form offers only the filters a user's role can narrow by (see ``__init__``); the API
    # keeps every parameter its schema documents, for everyone.
    filters_for_role = True

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Issue.Status.choices, label=_("Status"), empty_label=_("All"))
    grid = django_filters.ModelChoiceFilter(
        queryset=Grid.objects.only("pk", "code", "name"), label=_("Grid"), empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.filter(is_active=True).exclude(kind=Department.Kind.SECTION),
        label=_("Department"),
        empty_label=_("All"),
    )
    category = django_filters.ChoiceFilter(
        field_name="criterion__category", choices=(), label=_("Checklist category"), empty_label=_("All")
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label=_("Overdue"), empty_label=_("All")
    )
    light = django_filters.ChoiceFilter(
        choices=Light.choices, method="filter_light", label=_("Light"), empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(
        field_name="clock_stage", choices=Stage.choices, label=_("Clock running"), empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(choices=Issue.Source.choices, label=_("Source"), empty_label=_("All"))
    suspension = django_filters.ChoiceFilter(
        choices=(("pending", _("Requested, waiting for a decision")),),
        method="filter_suspension",
        label=_("Suspension (挂起)"),
        empty_label=_("All"),
    )
    reworked = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_reworked", label=_("Sent back for rework"), empty_label=_("All")
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=_("Only issues I filed or whose round I lead"), widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=ISSUE_SORT_CHOICES, method="filter_sort", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Issue
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.now = timezone.now()  # one moment for every filter and count of the page
        user = request.user
        if isinstance(self.filters.get("category"), django_filters.ChoiceFilter):  # the API's is free text
            categories = Criterion.objects.order_by("category").values_list("category", flat=True).distinct()
            choices = [(name, name) for name in categories]
            self.filters["category"].extra["choices"] = choices
            # A field built before any choices existed is cached on the declared filter and copied
            # here with it, so set them on it too.
            self.filters["category"].field.choices = choices
        if self.filters_for_role and not (can_read_everything(user) or is_inspector(user)):
            # Staff see their own department's issues and its sub-units': a choice among those, if any.
            seen = departments_seen_by(user=user)
            if len(seen) > 1:
                self.filters["department"].queryset = self.filters["department"].queryset.filter(pk__in=seen)
            else:
                del self.filters["department"]
        if self.filters_for_role and not (is_inspector(user) or is_administrator(user)):
            del self.filters["mine"]

    def filter_search(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(place__name__icontains=value) | Q(description__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        overdue = Issue.overdue_q(self.now)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)

    def filter_light(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        # The light of the clock running now, whichever stage's (Issue.light_q).
        return queryset.filter(Issue.light_q(value, self.now)) if value else queryset

    def filter_suspension(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        return queryset.filter(Issue.suspension_pending_q()) if value == "pending" else queryset

    def filter_reworked(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        # Sent back by an inspector at least once (``rework_count``), whatever its state now.
        return queryset.filter(rework_count__gt=0) if value == "yes" else queryset.filter(rework_count=0)

    def filter_mine(self, queryset: QuerySet[Issue], name: str, value: bool) -> QuerySet[Issue]:
        # The issues the user verifies: those they filed and those of the rounds they lead.
        return queryset.filter(verified_by_q(user=self.request.user)) if value else queryset

    def filter_sort(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        return queryset.order_by(*ISSUE_SORTS.get(value, ISSUE_SORTS["-reported"]))


# ---------------------------------------------------------------------------------------------
# The API's lists (``inspections/api``): the same filters, plus what another system needs to sync.


class IssueApiFilterSet(IssueFilterSet):
    """The issue list's filters for the API: ``overdue`` is a boolean, ``light`` the light of the clock
    running now (green, yellow, red or suspended), ``place``, ``criterion``, ``inspection`` and the
    rectification deadline (``due_before``/``due_after``, local dates) narrow further, ``updated_since``
    serves incremental sync, and the order is the API's ``ordering``."""

    filters_for_role = False
    sort = None
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    reworked = django_filters.BooleanFilter(method="filter_reworked", label=_("Sent back for rework"))
    # Any text, matched exactly: the categories are the checklist's, which no schema can list.
    category = django_filters.CharFilter(field_name="criterion__category", label=_("Checklist category"))
    place = django_filters.ModelChoiceFilter(queryset=Place.objects.all(), label=_("Place"))
    criterion = django_filters.ModelChoiceFilter(queryset=Criterion.objects.all(), label=_("Checklist item"))
    inspection = django_filters.ModelChoiceFilter(queryset=Inspection.objects.all(), label=_("Inspection round"))
    due_after = django_filters.DateFilter(field_name="deadline", lookup_expr="date__gte", label=_("Due from"))
    due_before = django_filters.DateFilter(field_name="deadline", lookup_expr="date__lte", label=_("Due until"))
    updated_since = UpdatedSinceFilter()

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_overdue(self, queryset: QuerySet[Issue], name: str, value: bool | None) -> QuerySet[Issue]:
        if value is None:
            return queryset
        return super().filter_overdue(queryset, name, "yes" if value else "no")

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_reworked(self, queryset: QuerySet[Issue], name: str, value: bool | None) -> QuerySet[Issue]:
        if value is None:
            return queryset
        return super().filter_reworked(queryset, name, "yes" if value else "no")


class CriterionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    category = django_filters.CharFilter(label=_("Checklist category"))
    department = django_filters.ModelChoiceFilter(
        field_name="default_department", queryset=Department.objects.all(), label=_("Default department")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Criterion
        fields = []

    def filter_search(self, queryset: QuerySet[Criterion], name: str, value: str) -> QuerySet[Criterion]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value) | Q(category__icontains=value))


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("Campaign"))
    kind = django_filters.ChoiceFilter(choices=Inspection.Kind.choices, label=_("Kind"))
    grid = django_filters.ModelChoiceFilter(field_name="grids", queryset=Grid.objects.all(), label=_("Grid"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Inspection
        fields = []

    def filter_search(self, queryset: QuerySet[Inspection], name: str, value: str) -> QuerySet[Inspection]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value) | Q(team__icontains=value))


class ExtensionRequestFilterSet(django_filters.FilterSet):
    issue = django_filters.ModelChoiceFilter(queryset=Issue.objects.all(), label=_("Issue"))
    status = django_filters.ChoiceFilter(choices=ExtensionRequest.Status.choices, label=_("Status"))
    department = django_filters.ModelChoiceFilter(
        field_name="issue__department", queryset=Department.objects.all(), label=_("Department")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = ExtensionRequest
        fields = []


class SuspensionFilterSet(django_filters.FilterSet):
    issue = django_filters.ModelChoiceFilter(queryset=Issue.objects.all(), label=_("Issue"))
    status = django_filters.ChoiceFilter(choices=Suspension.Status.choices, label=_("Status"))
    department = django_filters.ModelChoiceFilter(
        field_name="issue__department", queryset=Department.objects.all(), label=_("Department")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Suspension
        fields = []
