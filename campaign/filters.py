"""The filters of the task list ("my work"): one FilterSet, whitelisted sorting included."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Department, User
from accounts.rules import can_read_everything, is_inspector
from accounts.selectors import departments_seen_by
from campaign.models import CLOSED_LAST, Campaign, Pledge, ProgressReport, Target, Task
from core.clocks import Light
from core.filters import UpdatedSinceFilter
from grids.models import Grid, Place

YES_NO = (("yes", _("Yes")), ("no", _("No")))

DUE_PRESETS = (
    ("overdue", _("Overdue")),
    ("soon", _("Due soon")),
    ("week", _("Due this week")),
)

# The sort parameter may name only these orderings; ``pk`` keeps pages stable.
TASK_SORTS = {
    "due": (CLOSED_LAST, "due_date", "pk"),
    "-due": (CLOSED_LAST, "-due_date", "-pk"),
    "-priority": ("-priority", "due_date", "pk"),
    "percent": ("percent", "due_date", "pk"),
    "-percent": ("-percent", "due_date", "pk"),
    "-updated": ("-updated", "-pk"),
}
TASK_SORT_CHOICES = (
    ("due", _("Due date, earliest first")),
    ("-due", _("Due date, latest first")),
    ("-priority", _("Priority, highest first")),
    ("percent", _("Progress, least first")),
    ("-percent", _("Progress, most first")),
    ("-updated", _("Last update, newest first")),
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet that can also answer "what would match without these filters?", so that a list's
    status chips count across statuses with the form validated once."""

    def queryset_without(self, *names: str) -> QuerySet:
        if not self.is_bound:
            return self.queryset.all()
        self.errors  # noqa: B018 - validates the form once; invalid values are left out, as in ``qs``
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


class TaskFilterSet(ListFilterSet):
    """Narrows the visible tasks the way a department's staff and the leaders look for work."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Task.Status.choices, label=_("Status"), empty_label=_("All"))
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label=_("Overdue"), empty_label=_("All")
    )
    due = django_filters.ChoiceFilter(
        choices=DUE_PRESETS, method="filter_due", label=_("Due window"), empty_label=_("Any time")
    )
    light = django_filters.ChoiceFilter(
        choices=Light.choices, method="filter_light", label=_("Light"), empty_label=_("All")
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due from"), widget=DATE_WIDGET
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due until"), widget=DATE_WIDGET
    )
    pledge = django_filters.ModelChoiceFilter(
        field_name="target__pledge",
        queryset=Pledge.objects.select_related("department"),
        label=_("Pledge"),
        empty_label=_("All"),
    )
    grid = django_filters.ModelChoiceFilter(
        queryset=Grid.objects.only("pk", "code", "name"), method="filter_grid", label=_("Grid"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(choices=Task.Kind.choices, label=_("Kind"), empty_label=_("All"))
    section = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Section"), empty_label=_("All")
    )
    accountable = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Accountable person"), empty_label=_("Anyone")
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=_("Only tasks I am accountable for"), widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        choices=TASK_SORT_CHOICES, method="filter_sort", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Task
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, now: datetime.datetime) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.now = now  # one moment for every filter and count of the page
        self.today = timezone.localdate(now)
        # An API request builds only the filters it names (core.api.ApiFilterBackend).
        if "section" in self.filters or "accountable" in self.filters:
            self._narrow_choices(request.user)

    def _narrow_choices(self, user: User) -> None:
        """The sections and people a user may pick: staff those of the work they see."""
        sections = Department.objects.filter(kind=Department.Kind.SECTION, is_active=True)
        people = User.objects.filter(is_active=True).only("pk", "username", "first_name", "last_name")
        if can_read_everything(user) or is_inspector(user):
            # A semi-join on the index of tasks by accountable person, not every task joined and made distinct.
            people = people.filter(Exists(Task.objects.filter(accountable=OuterRef("pk"))))
        else:
            # Staff narrow the work they see (their department and its sub-units): its sections and people.
            seen = departments_seen_by(user=user)
            sections = sections.filter(parent_id__in=seen)
            people = people.filter(department_id__in=seen)
        if "section" in self.filters:
            self.filters["section"].queryset = sections.order_by("sort_order", "code")
        if "accountable" in self.filters:
            self.filters["accountable"].queryset = people.order_by("last_name", "first_name", "username")

    def filter_search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        # ``is_overdue`` is annotated by campaign.selectors.task_list: overdue is derived, never stored.
        return queryset.filter(is_overdue=(value == "yes"))

    def filter_due(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        today = self.today
        if value == "overdue":
            return queryset.overdue(self.now)
        if value == "soon":
            return queryset.due_soon(self.now)
        if value == "week":
            monday = today - datetime.timedelta(days=today.weekday())
            return queryset.open().filter(due_date__range=(monday, monday + datetime.timedelta(days=6)))
        return queryset

    def filter_light(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        # The light of an open task's clock (Task.light_q): yellow is due soon, red overdue.
        return queryset.light(value, self.now) if value else queryset

    @extend_schema_field(OpenApiTypes.INT)  # the API's schema: a grid's id
    def filter_grid(self, queryset: QuerySet[Task], name: str, value: Grid) -> QuerySet[Task]:
        # A task names a grid directly or through its places: the ids of both, read from the link tables'
        # indexes (an OR of the two joins reads every task), each task once.
        named = Task.grids.through.objects.filter(grid=value).values("task_id")
        placed = Task.places.through.objects.filter(place__grid=value).values("task_id")
        return queryset.filter(pk__in=named.union(placed))

    def filter_mine(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        return queryset.filter(accountable=self.request.user) if value else queryset

    def filter_sort(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.order_by(*TASK_SORTS.get(value, TASK_SORTS["due"]))


# ---------------------------------------------------------------------------------------------
# The API's lists (``campaign/api``): the same filters, plus what another system needs to sync.


class TaskApiFilterSet(TaskFilterSet):
    """The task list's filters for the API: ``overdue`` is a boolean, ``light`` the light of an open task's
    clock (green, yellow, red or suspended), ``department``, ``place``, ``target`` and ``campaign`` narrow
    further, ``updated_since`` serves incremental sync, and the order is the API's ``ordering`` parameter
    rather than ``sort``."""

    sort = None
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.exclude(kind=Department.Kind.SECTION), label=_("Department")
    )
    place = django_filters.ModelChoiceFilter(field_name="places", queryset=Place.objects.all(), label=_("Place"))
    target = django_filters.ModelChoiceFilter(queryset=Target.objects.all(), label=_("Target"))
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("Campaign"))
    updated_since = UpdatedSinceFilter()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, now: datetime.datetime | None = None):
        super().__init__(data, queryset, request=request, prefix=prefix, now=now or timezone.now())

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        overdue = Task.overdue_q(self.now)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Campaign.Kind.choices, label=_("Kind"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Campaign
        fields = []


class PledgeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=_("Campaign"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Department"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Pledge
        fields = []

    def filter_search(self, queryset: QuerySet[Pledge], name: str, value: str) -> QuerySet[Pledge]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(headline__icontains=value) | Q(speaker__icontains=value))


class TargetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    pledge = django_filters.ModelChoiceFilter(queryset=Pledge.objects.all(), label=_("Pledge"))
    department = django_filters.ModelChoiceFilter(
        field_name="pledge__department", queryset=Department.objects.all(), label=_("Department")
    )
    due_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("Due from"))
    due_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("Due until"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Target
        fields = []

    def filter_search(self, queryset: QuerySet[Target], name: str, value: str) -> QuerySet[Target]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class ProgressReportFilterSet(django_filters.FilterSet):
    """Progress reports are append-only: ``updated_since`` reads their ``created``."""

    q = django_filters.CharFilter(field_name="note", lookup_expr="icontains", label=_("Search"))
    task = django_filters.ModelChoiceFilter(queryset=Task.objects.all(), label=_("Task"))
    department = django_filters.ModelChoiceFilter(
        field_name="task__department", queryset=Department.objects.all(), label=_("Department")
    )
    author = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("Author"))
    is_final = django_filters.BooleanFilter(label=_("Final report"))
    updated_since = UpdatedSinceFilter(field_name="created")

    class Meta:
        model = ProgressReport
        fields = []
