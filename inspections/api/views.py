"""The checklist and inspection rounds (read-only); issues and extension requests, restricted to what
the user may see as on the pages; filing an issue and every step of its workflow.

Each write: the object outside the user's sight is a 404, a missing permission (the rules of
``inspections/rules.py``) a 403, bad input a 400, and a step the workflow refuses a 409 with the
service's code. The services own every rule; nothing here decides anything."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import RestrictedReadOnlyViewSet, SyncCursorPagination, photo_form, visible_through
from core.errors import Conflict
from core.images import photos_prepare
from inspections import services
from inspections.api.serializers import (
    CriterionSerializer,
    DispatchSerializer,
    EmptySerializer,
    ExtensionDecideSerializer,
    ExtensionRequestCreateSerializer,
    ExtensionRequestSerializer,
    InspectionSerializer,
    IssueFileJsonSerializer,
    IssueFileSerializer,
    IssueSerializer,
    NoteSerializer,
    ReasonSerializer,
    SubmitSerializer,
    SuspensionDecideSerializer,
    SuspensionSerializer,
)
from inspections.filters import (
    CriterionFilterSet,
    ExtensionRequestFilterSet,
    InspectionFilterSet,
    IssueApiFilterSet,
    SuspensionFilterSet,
)
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, Suspension
from inspections.selectors import issue_visible_to

BODY_PARSERS = [JSONParser, MultiPartParser, FormParser]


def _body(serializer, json_serializer=None) -> dict:
    """The request bodies a write documents: a form, and JSON, which carries no files, so that a
    serializer with photos has a ``json_serializer`` without them."""
    if json_serializer is None:
        return {"application/json": serializer, "multipart/form-data": serializer}
    return {"application/json": json_serializer, "multipart/form-data": photo_form(serializer)}


class CriterionViewSet(RestrictedReadOnlyViewSet):
    queryset = Criterion.objects.prefetch_related("assisting_departments")
    serializer_class = CriterionSerializer
    filterset_class = CriterionFilterSet
    ordering_fields = ("category", "code", "points", "updated")
    ordering = ("category", "code")


class InspectionViewSet(RestrictedReadOnlyViewSet):
    queryset = Inspection.objects.prefetch_related("members", "grids")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    ordering_fields = ("date", "code", "updated")
    ordering = ("-date", "code")


def _issue_step(*, summary: str, request_serializer, url_path: str, response=IssueSerializer, request=None):
    """The decorators of one workflow step: a POST on an issue, documented (``request``: its bodies by
    media type, if not those of ``_body``)."""

    def decorate(method):
        method = action(
            detail=True, methods=["post"], url_path=url_path, parser_classes=BODY_PARSERS, filterset_class=None
        )(method)
        bodies = request or _body(request_serializer)
        return extend_schema(summary=summary, request=bodies, responses={200: response})(method)

    return decorate


class IssueViewSet(RestrictedReadOnlyViewSet):
    """Issues the user may see (``inspections.selectors.issue_visible_to``), newest change first.
    For incremental sync: ``?updated_since=...&ordering=updated``, then follow ``next``."""

    queryset = Issue.objects.select_related("place", "criterion", "department").prefetch_related("photos")
    visible_to = issue_visible_to
    serializer_class = IssueSerializer
    filterset_class = IssueApiFilterSet
    pagination_class = SyncCursorPagination
    parser_classes = BODY_PARSERS
    ordering_fields = ("updated", "reported_at", "id")
    ordering = ("-updated", "-id")

    def _step(self, perm: str, serializer_class):
        issue = self.get_object()
        self.require_perm(perm, issue)
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return issue, serializer

    def _issue_response(self, issue: Issue, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.queryset.model.objects.select_related("place", "criterion", "department").get(pk=issue.pk)
        return Response(IssueSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="File an issue",
        request=_body(IssueFileSerializer, IssueFileJsonSerializer),
        responses={201: IssueSerializer},
    )
    def create(self, request):
        """``inspections.services.issue_file``: filed and dispatched by the routing rule at once."""
        self.require_perm("inspections.file_issue")
        serializer = IssueFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issue = services.issue_file(
            reporter=request.user,
            place=data["place"],
            criterion=data["criterion"],
            description=data["description"],
            campaign=data.get("campaign"),
            inspection=data.get("inspection"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=photos_prepare(data["photos"]),
            source=data["source"],
        )
        return self._issue_response(issue, status.HTTP_201_CREATED)

    @_issue_step(summary="Dispatch an issue", request_serializer=DispatchSerializer, url_path="dispatch")
    def dispatch_issue(self, request, pk=None):
        issue, serializer = self._step("inspections.dispatch_issue", DispatchSerializer)
        data = serializer.validated_data
        issue = services.issue_dispatch(
            issue=issue, actor=request.user, department=data.get("department"), note=data["note"]
        )
        return self._issue_response(issue)

    @_issue_step(summary="Start the rectification", request_serializer=EmptySerializer, url_path="start")
    def start(self, request, pk=None):
        issue, _serializer = self._step("inspections.start_issue", EmptySerializer)
        return self._issue_response(services.issue_start(issue=issue, actor=request.user))

    @_issue_step(
        summary="Submit the rectification",
        request_serializer=SubmitSerializer,
        url_path="submit",
        # Photos are required, and only a form carries them.
        request={"multipart/form-data": photo_form(SubmitSerializer)},
    )
    def submit(self, request, pk=None):
        issue, serializer = self._step("inspections.submit_issue", SubmitSerializer)
        data = serializer.validated_data
        issue = services.issue_submit(
            issue=issue, actor=request.user, note=data["note"], photos=photos_prepare(data["photos"])
        )
        return self._issue_response(issue)

    @_issue_step(summary="Verify and close", request_serializer=NoteSerializer, url_path="verify")
    def verify(self, request, pk=None):
        issue, serializer = self._step("inspections.verify_issue", NoteSerializer)
        issue = services.issue_verify(issue=issue, actor=request.user, note=serializer.validated_data["note"])
        return self._issue_response(issue)

    @_issue_step(summary="Send back for rework", request_serializer=ReasonSerializer, url_path="send-back")
    def send_back(self, request, pk=None):
        issue, serializer = self._step("inspections.send_back_issue", ReasonSerializer)
        issue = services.issue_send_back(issue=issue, actor=request.user, reason=serializer.validated_data["reason"])
        return self._issue_response(issue)

    @_issue_step(summary="Return: not our responsibility", request_serializer=ReasonSerializer, url_path="return")
    def return_issue(self, request, pk=None):
        issue, serializer = self._step("inspections.return_issue", ReasonSerializer)
        issue = services.issue_return(issue=issue, actor=request.user, reason=serializer.validated_data["reason"])
        return self._issue_response(issue)

    @extend_schema(
        summary="Request an extension",
        request=_body(ExtensionRequestCreateSerializer),
        responses={201: ExtensionRequestSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="request-extension",
        parser_classes=BODY_PARSERS,
        filterset_class=None,
    )
    def request_extension(self, request, pk=None):
        issue, serializer = self._step("inspections.request_extension", ExtensionRequestCreateSerializer)
        extension = services.extension_request(
            issue=issue,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            new_deadline=serializer.validated_data["new_deadline"],
            beyond_limit_note=serializer.validated_data["beyond_limit_note"],
        )
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Request a suspension (挂起)",
        request=_body(ReasonSerializer),
        responses={201: SuspensionSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="request-suspension",
        parser_classes=BODY_PARSERS,
        filterset_class=None,
    )
    def request_suspension(self, request, pk=None):
        """``inspections.services.suspension_request``: a leader then decides it (``/suspensions/{id}/decide/``)."""
        issue, serializer = self._step("inspections.request_suspension", ReasonSerializer)
        suspension = services.suspension_request(
            issue=issue, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(SuspensionSerializer(suspension).data, status=status.HTTP_201_CREATED)


class SuspensionViewSet(RestrictedReadOnlyViewSet):
    """Suspensions (挂起) of the issues the user may see; leaders decide them, and they or the department
    release one in force."""

    queryset = Suspension.objects.select_related("issue")
    serializer_class = SuspensionSerializer
    filterset_class = SuspensionFilterSet
    parser_classes = BODY_PARSERS
    ordering_fields = ("created", "updated", "id")
    ordering = ("-created", "-id")

    @staticmethod
    def visible_to(*, user):
        return visible_through(Suspension, "issue", issue_visible_to(user=user))

    @extend_schema(
        summary="Decide a suspension request",
        request=_body(SuspensionDecideSerializer),
        responses={200: SuspensionSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=BODY_PARSERS, filterset_class=None)
    def decide(self, request, pk=None):
        suspension = self.get_object()
        self.require_perm("inspections.decide_suspension", suspension.issue)
        serializer = SuspensionDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suspension = services.suspension_decide(
            suspension=suspension,
            actor=request.user,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data["note"],
        )
        return Response(SuspensionSerializer(suspension).data)

    @extend_schema(
        summary="Release a suspension: the clock runs again",
        request=_body(NoteSerializer),
        responses={200: SuspensionSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=BODY_PARSERS, filterset_class=None)
    def release(self, request, pk=None):
        suspension = self.get_object()
        self.require_perm("inspections.release_suspension", suspension.issue)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if suspension.status != Suspension.Status.APPROVED:
            raise Conflict(_("This suspension is not in force."), code="not_suspended")
        suspension = services.suspension_release(
            issue=suspension.issue, actor=request.user, note=serializer.validated_data["note"]
        )
        return Response(SuspensionSerializer(suspension).data)


class ExtensionRequestViewSet(RestrictedReadOnlyViewSet):
    """Extension requests on the issues the user may see; leaders decide them."""

    queryset = ExtensionRequest.objects.select_related("issue")
    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet
    parser_classes = BODY_PARSERS
    ordering_fields = ("created", "updated", "id")
    ordering = ("-created", "-id")

    @staticmethod
    def visible_to(*, user):
        return visible_through(ExtensionRequest, "issue", issue_visible_to(user=user))

    @extend_schema(
        summary="Decide an extension request",
        request=_body(ExtensionDecideSerializer),
        responses={200: ExtensionRequestSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=BODY_PARSERS, filterset_class=None)
    def decide(self, request, pk=None):
        extension = self.get_object()
        self.require_perm("inspections.decide_extension", extension.issue)
        serializer = ExtensionDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = services.extension_decide(
            request=extension,
            actor=request.user,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data["note"],
            approved_deadline=serializer.validated_data["approved_deadline"],
            confirm_beyond_limit=serializer.validated_data["confirm_beyond_limit"],
        )
        return Response(ExtensionRequestSerializer(extension).data)
