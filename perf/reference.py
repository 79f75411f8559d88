"""The plain-DRF reference the benchmark compares our API lists with (``perf/bench.py``).

Each list here is written the way a tutorial Django REST framework app would write it: a
``serializers.ModelSerializer`` with the same field names as ours (``department_name`` through
``source="department.name"``, the photos as a nested serializer, many-to-many fields as primary
keys), a ``generics.ListAPIView`` over the same visibility queryset (``task_visible_to``,
``issue_visible_to``), the same default order, and ``PageNumberPagination`` with 50 rows a page
(which counts the rows). Nothing is tuned: no ``select_related``, no ``prefetch_related``, and the
scoreboards' figures are computed row by row with the ORM, as ``SerializerMethodField``\\ s, by the
definitions of ``reports.selectors``. The JSON matches ours field for field, so the two do the
same job.

These views are never routed in production: ``urlpatterns`` below is a URLconf of its own, used only
by the benchmark while it measures them (``override_settings(ROOT_URLCONF="perf.reference")``), so
that they pass through the very middleware stack our views do.
"""

from django.db.models import F, Sum
from django.urls import path
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from accounts.models import Department
from campaign.models import Task
from campaign.selectors import task_visible_to
from core.api import AbsoluteUrlField
from grids.models import Grid, Place
from inspections.models import Issue, IssuePhoto
from inspections.selectors import issue_visible_to
from reports.selectors import GRID_FIELDS, OPEN_ISSUE_STATUSES, SCOREBOARD_FIELDS, SUBMITTED_ISSUE_STATUSES, Period

PAGE_SIZE = 50


class ReferencePagination(PageNumberPagination):
    page_size = PAGE_SIZE


# ---------------------------------------------------------------------------------------------
# Serializers


class ReferenceTaskSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    accountable_name = serializers.CharField(source="accountable.display_name", read_only=True, default=None)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            "id",
            "code",
            "title",
            "description",
            "kind",
            "priority",
            "campaign",
            "department",
            "department_name",
            "section",
            "accountable",
            "accountable_name",
            "target",
            "places",
            "grids",
            "start_date",
            "due_date",
            "status",
            "percent",
            "is_overdue",
            "completed_at",
            "created",
            "updated",
        )

    def get_is_overdue(self, task: Task) -> bool:
        return task.is_overdue(timezone.localdate())


class ReferenceIssuePhotoSerializer(serializers.ModelSerializer):
    image = AbsoluteUrlField(source="url")  # the photo's address in the app, as ours
    thumbnail = AbsoluteUrlField(source="thumbnail_url")

    class Meta:
        model = IssuePhoto
        fields = ("id", "stage", "image", "thumbnail")


class ReferenceIssueSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True)
    criterion_title = serializers.CharField(source="criterion.title", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    photos = ReferenceIssuePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Issue
        fields = (
            "id",
            "code",
            "campaign",
            "inspection",
            "place",
            "place_name",
            "grid",
            "criterion",
            "criterion_title",
            "description",
            "points",
            "department",
            "department_name",
            "status",
            "reported_by",
            "reported_at",
            "dispatched_at",
            "submitted_at",
            "closed_at",
            "deadline",
            "rework_count",
            "rectification_note",
            "return_reason",
            "latitude",
            "longitude",
            "rectification_task",
            "photos",
            "updated",
        )


class ReferencePlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = (
            "id",
            "code",
            "name",
            "kind",
            "grid",
            "address",
            "latitude",
            "longitude",
            "assigned_department",
            "assigned_leader",
            "territorial_unit",
            "households",
            "length_m",
            "property_company",
            "is_active",
            "updated",
        )


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


class ReferenceDepartmentScoreSerializer(serializers.ModelSerializer):
    """A department's row of the ranking, each figure one query, with this week's definitions."""

    dispatched = serializers.SerializerMethodField()
    closed = serializers.SerializerMethodField()
    open = serializers.SerializerMethodField()
    closure_rate = serializers.SerializerMethodField()
    closed_on_time = serializers.SerializerMethodField()
    on_time_closure_rate = serializers.SerializerMethodField()
    reworked = serializers.SerializerMethodField()
    rework_base = serializers.SerializerMethodField()
    rework_rate = serializers.SerializerMethodField()
    points_lost = serializers.SerializerMethodField()
    overdue_tasks = serializers.SerializerMethodField()
    current_open_tasks = serializers.SerializerMethodField()
    current_overdue_tasks = serializers.SerializerMethodField()
    current_open_issues = serializers.SerializerMethodField()
    current_overdue_issues = serializers.SerializerMethodField()

    class Meta:
        model = Department
        fields = SCOREBOARD_FIELDS  # the same keys as the product's ranking

    def _period(self) -> Period:
        return self.context["period"]

    def _routed(self, department: Department):
        return Issue.objects.filter(
            self._period().moments("reported_at"), department=department, status__in=Issue.ROUTED_STATUSES
        )

    def get_dispatched(self, department: Department) -> int:
        return self._routed(department).count()

    def get_closed(self, department: Department) -> int:
        return self._routed(department).filter(status=Issue.Status.CLOSED).count()

    def get_open(self, department: Department) -> int:
        return self._routed(department).filter(status__in=OPEN_ISSUE_STATUSES).count()

    def get_closure_rate(self, department: Department) -> float | None:
        return _rate(self.get_closed(department), self.get_dispatched(department))

    def get_closed_on_time(self, department: Department) -> int:
        return self._routed(department).filter(status=Issue.Status.CLOSED, closed_at__lte=F("deadline")).count()

    def get_on_time_closure_rate(self, department: Department) -> float | None:
        return _rate(self.get_closed_on_time(department), self.get_closed(department))

    def get_reworked(self, department: Department) -> int:
        return self._routed(department).filter(status__in=SUBMITTED_ISSUE_STATUSES, rework_count__gt=0).count()

    def get_rework_base(self, department: Department) -> int:
        return self._routed(department).filter(status__in=SUBMITTED_ISSUE_STATUSES).count()

    def get_rework_rate(self, department: Department) -> float | None:
        return _rate(self.get_reworked(department), self.get_rework_base(department))

    def get_points_lost(self, department: Department) -> str:
        return str(self._routed(department).aggregate(total=Sum("points"))["total"] or 0)

    def get_overdue_tasks(self, department: Department) -> int:
        return (
            Task.objects.filter(self._period().days("due_date"), department=department, status__in=Task.OPEN_STATUSES)
            .filter(due_date__lt=self.context["today"])
            .count()
        )

    def get_current_open_tasks(self, department: Department) -> int:
        return Task.objects.filter(department=department, status__in=Task.OPEN_STATUSES).count()

    def get_current_overdue_tasks(self, department: Department) -> int:
        return Task.objects.filter(
            department=department, status__in=Task.OPEN_STATUSES, due_date__lt=self.context["today"]
        ).count()

    def get_current_open_issues(self, department: Department) -> int:
        return Issue.objects.filter(department=department).exclude(status=Issue.Status.CLOSED).count()

    def get_current_overdue_issues(self, department: Department) -> int:
        return Issue.objects.filter(
            department=department, status__in=Issue.WITH_DEPARTMENT_STATUSES, deadline__lt=timezone.now()
        ).count()


class ReferenceGridScoreSerializer(serializers.ModelSerializer):
    """A grid's row of the grid board, each figure one query."""

    leader_name = serializers.CharField(source="leader.display_name", read_only=True, default=None)
    found = serializers.SerializerMethodField()
    open_issues = serializers.SerializerMethodField()
    points_lost = serializers.SerializerMethodField()
    open_tasks = serializers.SerializerMethodField()
    overdue_tasks = serializers.SerializerMethodField()
    current_open_tasks = serializers.SerializerMethodField()
    current_overdue_tasks = serializers.SerializerMethodField()
    current_open_issues = serializers.SerializerMethodField()
    current_overdue_issues = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = GRID_FIELDS  # the same keys as the product's grid board

    def _found(self, grid: Grid):
        return Issue.objects.filter(self.context["period"].moments("reported_at"), grid=grid)

    def _open_tasks(self, grid: Grid):
        return (
            Task.objects.filter(self.context["period"].days("due_date"), grids=grid)
            .exclude(status=Task.Status.CANCELLED)
            .exclude(status__in=Task.CLOSED_STATUSES)
        )

    def get_found(self, grid: Grid) -> int:
        return self._found(grid).count()

    def get_open_issues(self, grid: Grid) -> int:
        return self._found(grid).exclude(status=Issue.Status.CLOSED).count()

    def get_points_lost(self, grid: Grid) -> str:
        return str(self._found(grid).aggregate(total=Sum("points"))["total"] or 0)

    def get_open_tasks(self, grid: Grid) -> int:
        return self._open_tasks(grid).count()

    def get_overdue_tasks(self, grid: Grid) -> int:
        return self._open_tasks(grid).filter(due_date__lt=self.context["today"]).count()

    def get_current_open_tasks(self, grid: Grid) -> int:
        return Task.objects.filter(grids=grid, status__in=Task.OPEN_STATUSES).count()

    def get_current_overdue_tasks(self, grid: Grid) -> int:
        return Task.objects.filter(
            grids=grid, status__in=Task.OPEN_STATUSES, due_date__lt=self.context["today"]
        ).count()

    def get_current_open_issues(self, grid: Grid) -> int:
        return Issue.objects.filter(grid=grid).exclude(status=Issue.Status.CLOSED).count()

    def get_current_overdue_issues(self, grid: Grid) -> int:
        return Issue.objects.filter(
            grid=grid, status__in=Issue.WITH_DEPARTMENT_STATUSES, deadline__lt=timezone.now()
        ).count()


# ---------------------------------------------------------------------------------------------
# Views


class ReferenceTaskList(generics.ListAPIView):
    serializer_class = ReferenceTaskSerializer
    pagination_class = ReferencePagination

    def get_queryset(self):
        return task_visible_to(user=self.request.user).order_by("-updated", "-id")


class ReferenceIssueList(generics.ListAPIView):
    serializer_class = ReferenceIssueSerializer
    pagination_class = ReferencePagination

    def get_queryset(self):
        return issue_visible_to(user=self.request.user).order_by("-updated", "-id")


class ReferencePlaceList(generics.ListAPIView):
    queryset = Place.objects.order_by("id")
    serializer_class = ReferencePlaceSerializer
    pagination_class = ReferencePagination


class _PeriodMixin:
    def get_serializer_context(self) -> dict:
        today = timezone.localdate()
        period = Period.of(self.request.query_params.get("period", ""), today=today)
        return {**super().get_serializer_context(), "period": period, "today": today}


class ReferenceDepartmentScoreboard(_PeriodMixin, generics.ListAPIView):
    """Departments that have had a task or a routed issue (sections left out); staff see their own."""

    serializer_class = ReferenceDepartmentScoreSerializer
    pagination_class = ReferencePagination

    def get_queryset(self):
        with_work = Department.objects.filter(pk__in=Task.objects.values("department")) | Department.objects.filter(
            pk__in=Issue.objects.filter(status__in=Issue.ROUTED_STATUSES).values("department")
        )
        departments = with_work.exclude(kind=Department.Kind.SECTION)
        user = self.request.user
        if not user.has_perm("reports.view_city_figures"):
            departments = departments.filter(pk=user.work_department_id)
        return departments.order_by("sort_order", "code")


class ReferenceGridScoreboard(_PeriodMixin, generics.ListAPIView):
    queryset = Grid.objects.order_by("code")
    serializer_class = ReferenceGridScoreSerializer
    pagination_class = ReferencePagination


urlpatterns = [
    path("reference/tasks/", ReferenceTaskList.as_view()),
    path("reference/issues/", ReferenceIssueList.as_view()),
    path("reference/places/", ReferencePlaceList.as_view()),
    path("reference/scoreboards/departments/", ReferenceDepartmentScoreboard.as_view()),
    path("reference/scoreboards/grids/", ReferenceGridScoreboard.as_view()),
]
