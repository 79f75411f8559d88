"""The plain-DRF reference the benchmark compares our API lists with (``perf/bench.py``).

Each list here is written the way a tutorial Django REST framework app would write it: a
``serializers.ModelSerializer`` with the same field names as ours (``department_name`` through
``source="department.name"``, the photos as a nested serializer, many-to-many fields as primary
keys), a ``generics.ListAPIView`` over the same visibility queryset (``task_visible_to``,
``issue_visible_to``), the same default order, and ``PageNumberPagination`` with 50 rows a page
(which counts the rows), with DRF's own authentication, throttle and renderer (``PlainView``).
Nothing is tuned: no ``select_related``, no ``prefetch_related``, and the
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
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from accounts.api.serializers import DepartmentSerializer, UserSerializer
from accounts.models import Department, User
from assessment.api.serializers import ResultsSerializer
from assessment.api.views import ResultsView
from campaign.api.serializers import CampaignSerializer, PledgeSerializer, ProgressReportSerializer, TargetSerializer
from campaign.models import Campaign, Pledge, ProgressPhoto, ProgressReport, Target, Task
from campaign.selectors import task_visible_to
from core.api import AbsoluteUrlField
from evaluation.api.serializers import ObservationSerializer, RoundSerializer
from evaluation.models import Observation, Round
from evaluation.selectors import observation_visible_to, round_list
from grids.api.serializers import GridSerializer
from grids.models import Grid, Place
from inspections.api.serializers import (
    CriterionSerializer,
    ExtensionRequestSerializer,
    InspectionSerializer,
    SuspensionSerializer,
)
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, IssuePhoto, Suspension
from inspections.selectors import issue_visible_to
from reports.selectors import GRID_FIELDS, OPEN_ISSUE_STATUSES, SCOREBOARD_FIELDS, SUBMITTED_ISSUE_STATUSES, Period

PAGE_SIZE = 50


class ReferencePagination(PageNumberPagination):
    page_size = PAGE_SIZE


class PlainView:
    """DRF's own classes, as a tutorial configures them, whatever the product's settings say: its token
    authentication, its throttle (the moment of every request kept in the cache), its JSON renderer, and
    no filter backend (none would filter without a filter set)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    throttle_classes = [UserRateThrottle]
    renderer_classes = [JSONRenderer]
    filter_backends = []


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


def _plain(model_, fields_: tuple[str, ...], **declared) -> type[serializers.ModelSerializer]:
    """A tutorial's ``ModelSerializer`` of ``model_`` with our list's field names (``declared``: the fields
    that are not the model's own, written as a tutorial writes them)."""
    meta = type("Meta", (), {"model": model_, "fields": fields_})
    return type(f"Reference{model_.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta, **declared})


def _display_name(source: str) -> serializers.CharField:
    return serializers.CharField(source=f"{source}.display_name", read_only=True)


class ReferenceProgressPhotoSerializer(serializers.ModelSerializer):
    image = AbsoluteUrlField(source="url")
    thumbnail = AbsoluteUrlField(source="thumbnail_url")

    class Meta:
        model = ProgressPhoto
        fields = ("id", "image", "thumbnail")


ReferenceDepartmentSerializer = _plain(Department, DepartmentSerializer.Meta.fields)
ReferenceUserSerializer = _plain(User, UserSerializer.Meta.fields, display_name=serializers.CharField(read_only=True))
ReferenceGridSerializer = _plain(Grid, GridSerializer.Meta.fields, boundary=serializers.JSONField(read_only=True))
ReferenceCampaignSerializer = _plain(Campaign, CampaignSerializer.Meta.fields)
ReferencePledgeSerializer = _plain(Pledge, PledgeSerializer.Meta.fields)
ReferenceTargetSerializer = _plain(
    Target,
    TargetSerializer.Meta.fields,
    department=serializers.IntegerField(source="pledge.department_id", read_only=True),
    reported=serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True),
    current_value=serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True),
    progress_percent=serializers.DecimalField(source="percent", max_digits=4, decimal_places=1, read_only=True),
)
ReferenceProgressReportSerializer = _plain(
    ProgressReport,
    ProgressReportSerializer.Meta.fields,
    author_name=_display_name("author"),
    went_back=serializers.BooleanField(read_only=True),
    photos=ReferenceProgressPhotoSerializer(many=True, read_only=True),
)
ReferenceCriterionSerializer = _plain(Criterion, CriterionSerializer.Meta.fields)
ReferenceInspectionSerializer = _plain(Inspection, InspectionSerializer.Meta.fields)
ReferenceExtensionRequestSerializer = _plain(ExtensionRequest, ExtensionRequestSerializer.Meta.fields)
ReferenceSuspensionSerializer = _plain(Suspension, SuspensionSerializer.Meta.fields)
ReferenceRoundSerializer = _plain(
    Round,
    RoundSerializer.Meta.fields,
    score_rate=serializers.FloatField(read_only=True),
    points_applicable=serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True),
    points_earned=serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True),
    point_count=serializers.IntegerField(read_only=True),
    sheet_count=serializers.IntegerField(read_only=True),
)
ReferenceObservationSerializer = _plain(
    Observation,
    ObservationSerializer.Meta.fields,
    point=serializers.IntegerField(source="round_point.place_id"),
    place_name=serializers.CharField(source="round_point.place.name"),
    standard_code=serializers.CharField(source="standard.code"),
    points=serializers.DecimalField(source="points_applicable", max_digits=6, decimal_places=2),
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


class ReferenceTaskList(PlainView, generics.ListAPIView):
    serializer_class = ReferenceTaskSerializer
    pagination_class = ReferencePagination

    def get_queryset(self):
        return task_visible_to(user=self.request.user).order_by("-updated", "-id")


class ReferenceIssueList(PlainView, generics.ListAPIView):
    serializer_class = ReferenceIssueSerializer
    pagination_class = ReferencePagination

    def get_queryset(self):
        return issue_visible_to(user=self.request.user).order_by("-updated", "-id")


class ReferencePlaceList(PlainView, generics.ListAPIView):
    queryset = Place.objects.order_by("id")
    serializer_class = ReferencePlaceSerializer
    pagination_class = ReferencePagination


class _PeriodMixin:
    def get_serializer_context(self) -> dict:
        today = timezone.localdate()
        period = Period.of(self.request.query_params.get("period", ""), today=today)
        return {**super().get_serializer_context(), "period": period, "today": today}


class ReferenceDepartmentScoreboard(PlainView, _PeriodMixin, generics.ListAPIView):
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


class ReferenceGridScoreboard(PlainView, _PeriodMixin, generics.ListAPIView):
    queryset = Grid.objects.order_by("code")
    serializer_class = ReferenceGridScoreSerializer
    pagination_class = ReferencePagination


def _list(serializer_class, queryset=None, *, visible=None, order: tuple[str, ...]):
    """A tutorial's ``ListAPIView``: ``queryset`` (or the ``visible(user=...)`` selector's) in ``order``."""

    class ReferenceList(PlainView, generics.ListAPIView):
        pagination_class = ReferencePagination

        def get_queryset(self):
            rows = visible(user=self.request.user) if visible is not None else queryset
            return rows.order_by(*order)

    ReferenceList.serializer_class = serializer_class
    return ReferenceList.as_view()


class ReferenceResults(PlainView, APIView):
    """The assessment's results as a tutorial would serialize them: the product's selectors, DRF's
    serializer over every row."""

    def get(self, request):
        body = ResultsView.body(request)
        return Response(ResultsSerializer(body).data)


def _visible_progress(*, user):
    return ProgressReport.objects.filter(task__in=task_visible_to(user=user))


def _visible_extensions(*, user):
    return ExtensionRequest.objects.filter(issue__in=issue_visible_to(user=user))


def _visible_suspensions(*, user):
    return Suspension.objects.filter(issue__in=issue_visible_to(user=user))


urlpatterns = [
    path("reference/tasks/", ReferenceTaskList.as_view()),
    path("reference/issues/", ReferenceIssueList.as_view()),
    path("reference/places/", ReferencePlaceList.as_view()),
    path("reference/scoreboards/departments/", ReferenceDepartmentScoreboard.as_view()),
    path("reference/scoreboards/grids/", ReferenceGridScoreboard.as_view()),
    path(
        "reference/departments/",
        _list(ReferenceDepartmentSerializer, Department.objects.all(), order=("sort_order", "code", "id")),
    ),
    path("reference/users/", _list(ReferenceUserSerializer, User.objects.filter(is_active=True), order=("username",))),
    path("reference/grids/", _list(ReferenceGridSerializer, Grid.objects.all(), order=("code",))),
    path(
        "reference/campaigns/",
        _list(ReferenceCampaignSerializer, Campaign.objects.all(), order=("-start_date", "code")),
    ),
    path(
        "reference/pledges/", _list(ReferencePledgeSerializer, Pledge.objects.all(), order=("sort_order", "date", "id"))
    ),
    path(
        "reference/targets/",
        _list(ReferenceTargetSerializer, Target.objects.with_current_value(), order=("deadline", "code")),
    ),
    path(
        "reference/progress-reports/",
        _list(ReferenceProgressReportSerializer, visible=_visible_progress, order=("-created", "-id")),
    ),
    path(
        "reference/criteria/", _list(ReferenceCriterionSerializer, Criterion.objects.all(), order=("category", "code"))
    ),
    path(
        "reference/inspections/",
        _list(ReferenceInspectionSerializer, Inspection.objects.all(), order=("-date", "code")),
    ),
    path(
        "reference/extension-requests/",
        _list(ReferenceExtensionRequestSerializer, visible=_visible_extensions, order=("-created", "-id")),
    ),
    path(
        "reference/suspensions/",
        _list(ReferenceSuspensionSerializer, visible=_visible_suspensions, order=("-created", "-id")),
    ),
    path(
        "reference/evaluation/rounds/",
        _list(ReferenceRoundSerializer, visible=round_list, order=("-start_date", "code")),
    ),
    path(
        "reference/evaluation/observations/",
        _list(ReferenceObservationSerializer, visible=observation_visible_to, order=("id",)),
    ),
    path("reference/assessment/results/", ReferenceResults.as_view()),
]
