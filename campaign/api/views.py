"""Campaigns, pledges, targets (read-only, for every signed-in client); tasks and their progress
(restricted to what the user may see, as on the pages) and logging progress with photos."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from campaign.api.serializers import (
    CampaignSerializer,
    PledgeSerializer,
    ProgressReportCreateJsonSerializer,
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    TargetSerializer,
    TaskSerializer,
)
from campaign.filters import (
    CampaignFilterSet,
    PledgeFilterSet,
    ProgressReportFilterSet,
    TargetFilterSet,
    TaskApiFilterSet,
)
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task
from campaign.selectors import task_visible_to
from campaign.services import progress_report_create
from core.api import RestrictedReadOnlyViewSet, SyncCursorPagination, photo_form, visible_through
from core.images import photos_prepare


class CampaignViewSet(RestrictedReadOnlyViewSet):
    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    ordering_fields = ("start_date", "code", "updated")
    ordering = ("-start_date", "code")


class PledgeViewSet(RestrictedReadOnlyViewSet):
    queryset = Pledge.objects.all()
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilterSet
    ordering_fields = ("date", "sort_order", "updated")
    ordering = ("sort_order", "date")


class TargetViewSet(RestrictedReadOnlyViewSet):
    queryset = Target.objects.with_current_value().select_related("pledge")
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    ordering_fields = ("deadline", "code", "sort_order", "updated")
    ordering = ("deadline", "code")


class TaskViewSet(RestrictedReadOnlyViewSet):
    """Tasks the user may see (``campaign.selectors.task_visible_to``), newest change first by default.
    For incremental sync: ``?updated_since=...&ordering=updated``, then follow ``next``."""

    queryset = Task.objects.select_related("department", "accountable").prefetch_related("places", "grids")
    visible_to = task_visible_to
    serializer_class = TaskSerializer
    filterset_class = TaskApiFilterSet
    pagination_class = SyncCursorPagination
    ordering_fields = ("updated", "created", "due_date", "id")
    ordering = ("-updated", "-id")

    @extend_schema(
        request={
            "multipart/form-data": photo_form(ProgressReportCreateSerializer),
            "application/json": ProgressReportCreateJsonSerializer,
        },
        responses={201: ProgressReportSerializer},
        summary="Log progress on a task",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="progress-reports",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        filterset_class=None,
    )
    def report_progress(self, request, pk=None):
        """``campaign.services.progress_report_create``, with the photos checked by ``photos_prepare``."""
        task = self.get_object()
        self.require_perm("campaign.report_progress", task)
        serializer = ProgressReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = progress_report_create(
            task=task,
            author=request.user,
            percent=data.get("percent"),
            quantity=data.get("quantity"),
            note=data["note"],
            photos=photos_prepare(data["photos"]),
            is_final=data["is_final"],
        )
        body = ProgressReportSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class ProgressReportViewSet(RestrictedReadOnlyViewSet):
    """Progress on the tasks the user may see, newest first."""

    queryset = ProgressReport.objects.select_related("author").prefetch_related("photos")
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    pagination_class = SyncCursorPagination
    ordering_fields = ("created", "id")
    ordering = ("-created", "-id")

    @staticmethod
    def visible_to(*, user):
        return visible_through(ProgressReport, "task", task_visible_to(user=user))
