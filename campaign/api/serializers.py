"""How campaigns, pledges, targets, tasks and progress look in the API, and what logging progress takes."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaign.models import QUANTITY, Campaign, Pledge, ProgressPhoto, ProgressReport, Target, Task
from campaign.selectors import task_clocks
from core.api import (
    AbsoluteUrlField,
    ClockField,
    PatternDecimalField,
    PreparedListSerializer,
    RequestSerializer,
    StrictBooleanField,
    clock_data,
)
from core.limits import TEXT_LIMITS


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ("id", "code", "name", "kind", "description", "start_date", "end_date", "leader", "updated")


class PledgeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pledge
        fields = (
            "id",
            "campaign",
            "department",
            "speaker",
            "speaker_title",
            "headline",
            "statement",
            "date",
            "sort_order",
            "updated",
        )


class TargetSerializer(serializers.ModelSerializer):
    """A target with its current value: the baseline moved by the quantities reported on its tasks."""

    department = serializers.IntegerField(source="pledge.department_id", read_only=True)
    reported = serializers.DecimalField(read_only=True, help_text=_("Sum of the quantities reported."), **QUANTITY)
    current_value = serializers.DecimalField(read_only=True, **QUANTITY)
    # What the fields that are no columns read, for lists read as values (core.rows).
    row_reads = {"progress_percent": ("baseline", "target_value", "current_value")}
    progress_percent = serializers.DecimalField(
        source="percent",
        max_digits=4,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text=_("Progress from the baseline to the target value, in percent (0–100, one decimal)."),
    )

    class Meta:
        model = Target
        fields = (
            "id",
            "code",
            "name",
            "pledge",
            "department",
            "unit",
            "direction",
            "baseline",
            "target_value",
            "reported",
            "current_value",
            "progress_percent",
            "deadline",
            "sort_order",
            "updated",
        )


class TaskListSerializer(PreparedListSerializer):
    """A page of tasks, their clocks read at one moment with one reading of the office hours and calendar."""

    def prepare(self, rows: list) -> None:
        task_clocks(rows, now=self.context.setdefault("now", timezone.now()))


class TaskSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    accountable_name = serializers.CharField(
        source="accountable.display_name", read_only=True, default=None, allow_null=True
    )
    is_overdue = serializers.SerializerMethodField(
        help_text=_(
            "Open (not started or in progress) and its clock red: pledged work from the day after its due date, a "
            "rectification once its time limit has run out; never while awaiting verification or suspended."
        )
    )
    clock = ClockField(help_text=_("The clock of an open task; null once done, cancelled or awaiting verification."))
    # What the fields that are no columns read, for lists read as values (core.rows).
    row_reads = {
        "accountable_name": ("accountable__last_name", "accountable__first_name", "accountable__username"),
        "is_overdue": ("status", "due_at", "yellow_at", "suspended_at"),
        "clock": ("status", "kind", "due_at", "yellow_at", "suspended_at"),
    }

    class Meta:
        model = Task
        list_serializer_class = TaskListSerializer
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
            "clock",
            "completed_at",
            "created",
            "updated",
        )

    def get_is_overdue(self, task: Task) -> bool:
        # One moment for the whole page, so that rows never disagree.
        return task.is_overdue(self.context.setdefault("now", timezone.now()))

    def get_clock(self, task: Task) -> dict | None:
        if not hasattr(task, "clock"):  # one task, not a page (TaskListSerializer)
            task_clocks([task], now=self.context.setdefault("now", timezone.now()))
        return clock_data(task.clock, self.context)


class ProgressPhotoSerializer(serializers.ModelSerializer):
    """A photo's addresses in the app, which sends it to those who may see the task."""

    image = AbsoluteUrlField(source="url")
    thumbnail = AbsoluteUrlField(source="thumbnail_url")
    row_reads = {"image": ("id",), "thumbnail": ("id", "thumbnail")}

    class Meta:
        model = ProgressPhoto
        fields = ("id", "image", "thumbnail")


class ProgressReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    went_back = serializers.BooleanField(
        read_only=True, help_text=_("The report lowered the task's percentage (previous_percent); its note says why.")
    )
    photos = ProgressPhotoSerializer(many=True, read_only=True)
    row_reads = {
        "author_name": ("author__last_name", "author__first_name", "author__username"),
        "went_back": ("percent", "previous_percent"),
    }

    class Meta:
        model = ProgressReport
        fields = (
            "id",
            "task",
            "author",
            "author_name",
            "created",
            "percent",
            "previous_percent",
            "went_back",
            "quantity",
            "note",
            "is_final",
            "photos",
        )


class ProgressReportCreateSerializer(RequestSerializer):
    """One entry in a task's log; send it as multipart/form-data to attach photos (repeat ``photos``).
    The rules (something to report, a final report's note, a closed task...) are the service's."""

    percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    # Up to 12 digits and 2 decimals, not negative ("" reads as no quantity, as null does).
    quantity = PatternDecimalField(
        pattern=r"^(?:[0-9]{1,12}(?:\.[0-9]{1,2})?)?$", required=False, allow_null=True, min_value=0, **QUANTITY
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMITS.note)
    is_final = StrictBooleanField(required=False, default=False)
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=settings.PHOTO_MAX_COUNT,
        help_text=_("Photos (JPEG, PNG, WebP or HEIF)."),
    )


class ProgressReportCreateJsonSerializer(ProgressReportCreateSerializer):
    """Logging progress in JSON, which carries no files (documentation: the photos come in a form)."""

    photos = None
