"""How the checklist, inspection rounds, issues and extension requests look in the API, and what
each step of an issue's workflow takes. The workflow's rules are the services'; these only parse."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from accounts.models import Department
from campaign.models import Campaign
from core.api import (
    AbsoluteUrlField,
    ClockField,
    PreparedListSerializer,
    RequestSerializer,
    StrictBooleanField,
    clock_data,
    coordinate_field,
)
from core.capture import POSITION_SOURCES, CaptureSource
from core.limits import TEXT_LIMITS
from grids.models import Place
from inspections.clocks import issue_clocks
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, IssuePhoto, Suspension

# A text that must say something: DRF trims the blanks before it refuses an empty text, which the
# schema's ``minLength`` alone does not say; this adds it (as a ``pattern``).
NOT_BLANK = RegexValidator(r"\S")


def photo_list_field(help_text: str, **kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=settings.PHOTO_MAX_COUNT,
        help_text=help_text,
        **kwargs,
    )


class RequiredPhotosField(serializers.ListField):
    """Photos a step needs at least one of, as its schema says (required, ``minItems: 1``). None sent
    reads as none, so that the service's own refusal (``photo_required``) says what is missing."""

    def __init__(self, help_text: str) -> None:
        super().__init__(
            child=serializers.FileField(), min_length=1, max_length=settings.PHOTO_MAX_COUNT, help_text=help_text
        )

    def validate_empty_values(self, data):
        if data is empty:
            return True, []
        return super().validate_empty_values(data)


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = (
            "id",
            "code",
            "category",
            "title",
            "requirement",
            "points",
            "default_department",
            "lead",
            "assisting_departments",
            "dispatch_limit",
            "rectify_limit",
            "verify_limit",
            "is_active",
            "updated",
        )


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = (
            "id",
            "campaign",
            "code",
            "title",
            "kind",
            "team",
            "leader",
            "members",
            "date",
            "end_date",
            "scope",
            "grids",
            "updated",
        )


class IssuePhotoSerializer(serializers.ModelSerializer):
    """A photo's addresses in the app, which sends it to those who may see the issue, and when and where it
    was taken where that is known (a mock evaluation's photos), with the sources and the distance to the
    issue's place."""

    image = AbsoluteUrlField(source="url")
    thumbnail = AbsoluteUrlField(source="thumbnail_url")
    time_source = serializers.ChoiceField(
        choices=CaptureSource.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Where captured_at comes from; empty when the time of capture is not known."),
    )
    position_source = serializers.ChoiceField(
        choices=POSITION_SOURCES,
        allow_blank=True,
        read_only=True,
        help_text=_("Where latitude and longitude come from; empty when the position of capture is not known."),
    )
    # What the fields that are no columns read, for lists read as values (core.rows).
    row_reads = {"image": ("id",), "thumbnail": ("id", "thumbnail")}

    class Meta:
        model = IssuePhoto
        fields = (
            "id",
            "stage",
            "image",
            "thumbnail",
            "captured_at",
            "time_source",
            "latitude",
            "longitude",
            "position_source",
            "distance_m",
        )
        read_only_fields = fields


class IssueListSerializer(PreparedListSerializer):
    """A page of issues, their clocks read at one moment with one reading of the office hours and calendar."""

    def prepare(self, rows: list) -> None:
        issue_clocks(rows, now=self.context.setdefault("now", timezone.now()))


class IssueSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True)
    criterion_title = serializers.CharField(source="criterion.title", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    photos = IssuePhotoSerializer(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField(
        help_text=_("The department's rectification clock is red: in its hands past its deadline, not suspended.")
    )
    clock = ClockField(help_text=_("The clock of the stage running now; null once closed."))
    # What the fields that are no columns read, for lists read as values (core.rows).
    row_reads = {
        "is_overdue": ("clock_stage", "clock_due_at", "clock_yellow_at", "clock_suspended_at"),
        "clock": ("clock_stage", "clock_due_at", "clock_yellow_at", "clock_suspended_at"),
    }

    class Meta:
        model = Issue
        list_serializer_class = IssueListSerializer
        fields = (
            "id",
            "code",
            "source",
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
            "is_overdue",
            "clock",
            "rework_count",
            "rectification_note",
            "return_reason",
            "latitude",
            "longitude",
            "rectification_task",
            "photos",
            "updated",
        )

    def get_is_overdue(self, issue: Issue) -> bool:
        # One moment for the whole page of rows.
        return issue.is_overdue(self.context.setdefault("now", timezone.now()))

    def get_clock(self, issue: Issue) -> dict | None:
        if not hasattr(issue, "clock"):  # one issue, not a page (IssueListSerializer)
            issue_clocks([issue], now=self.context.setdefault("now", timezone.now()))
        return clock_data(issue.clock, self.context)


class SuspensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suspension
        fields = (
            "id",
            "issue",
            "requested_by",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "started_at",
            "released_at",
            "released_by",
            "suspended_minutes",
            "created",
            "updated",
        )


class ExtensionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = (
            "id",
            "issue",
            "requested_by",
            "reason",
            "requested_deadline",
            "limit_deadline",
            "beyond_limit_note",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "approved_deadline",
            "created",
            "updated",
        )


# ---------------------------------------------------------------------------------------------
# Writes


class IssueFileSerializer(RequestSerializer):
    """A problem found on site; it is routed and dispatched at once, as from the page."""

    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.filter(is_active=True))
    criterion = serializers.PrimaryKeyRelatedField(queryset=Criterion.objects.all())
    description = serializers.CharField(max_length=TEXT_LIMITS.description, validators=[NOT_BLANK])
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    inspection = serializers.PrimaryKeyRelatedField(queryset=Inspection.objects.all(), required=False, allow_null=True)
    latitude = coordinate_field("latitude")
    longitude = coordinate_field("longitude")
    source = serializers.ChoiceField(
        choices=Issue.Source.choices,
        required=False,
        default=Issue.Source.INSPECTION,
        help_text=_("Where the case came from; inspection unless said."),
    )
    photos = photo_list_field(_("Photos as found (JPEG, PNG, WebP or HEIF)."))


class IssueFileJsonSerializer(IssueFileSerializer):
    """Filing an issue in JSON, which carries no files (documentation: the photos come in a form)."""

    photos = None


class DispatchSerializer(RequestSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True).exclude(kind=Department.Kind.SECTION),
        required=False,
        allow_null=True,
        help_text=_("Leave out to let the routing rule decide."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMITS.note)


class EmptySerializer(RequestSerializer):
    pass


class SubmitSerializer(RequestSerializer):
    note = serializers.CharField(max_length=TEXT_LIMITS.note, validators=[NOT_BLANK], help_text=_("What was done."))
    photos = RequiredPhotosField(_("Photos after rectification."))


class NoteSerializer(RequestSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMITS.note)


class ReasonSerializer(RequestSerializer):
    reason = serializers.CharField(max_length=TEXT_LIMITS.reason, validators=[NOT_BLANK])


class ExtensionRequestCreateSerializer(RequestSerializer):
    new_deadline = serializers.DateField(help_text=_("The rectification is then due at 23:59 that day (Beijing time)."))
    reason = serializers.CharField(max_length=TEXT_LIMITS.reason, validators=[NOT_BLANK])
    beyond_limit_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_LIMITS.reason,
        help_text=_(
            "Why the new deadline goes beyond the limit (twice the checklist item's time limit past the current "
            "deadline, by default); required for such a date, which a leader must then confirm."
        ),
    )


class ExtensionDecideSerializer(RequestSerializer):
    approve = StrictBooleanField(help_text=_("true approves (the deadline moves), false refuses."))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_LIMITS.note,
        help_text=_("Required to refuse: the reason the department sees."),
    )
    approved_deadline = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "To approve an earlier date than asked: after the current deadline and no later than the one asked "
            "for. Only with approve=true."
        ),
    )
    confirm_beyond_limit = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Required (true) to approve a date beyond the request's limit_deadline."),
    )


class SuspensionDecideSerializer(RequestSerializer):
    approve = StrictBooleanField(help_text=_("true approves (the clock stops now), false refuses."))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_LIMITS.note,
        help_text=_("Required to refuse: the reason the department sees."),
    )
