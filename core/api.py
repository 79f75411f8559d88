"""What every app's REST API shares: the error shape and its exception handler, pagination, the
ordering filter, the base viewset that restricts querysets to what the user may see, and the schema
class that documents all of it.

Every error the API sends has one JSON shape (``ErrorSerializer``)::

    {"status": 400, "code": "invalid", "message": "Invalid input.", "errors": {"field": ["..."]}}

``message`` is in the request's language (``Accept-Language``, through ``LocaleMiddleware``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

# ``ApplicationError`` codes that mean "the request is well formed, but the object's current state
# refuses it" (HTTP 409). Every other code is the client's input (HTTP 400).
CONFLICT_CODES = frozenset(
    {
        "transition_not_allowed",
        "task_closed",
        "already_decided",
        "pending_exists",
        "dispatch_to_returning_department",
        "append_only",
        "rectification_completes_via_issue",
        "criterion_inactive",
        "no_campaign",
    }
)
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# Errors


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error response (documentation only; the handler builds the dict)."""

    status = serializers.IntegerField(help_text=gettext_lazy("The HTTP status code, repeated."))
    code = serializers.CharField(
        help_text=gettext_lazy(
            "A machine-readable code: invalid, parse_error, not_authenticated, authentication_failed, "
            "permission_denied, not_found, method_not_allowed, unsupported_media_type, throttled, or the code "
            "of a refused business rule such as transition_not_allowed."
        )
    )
    message = serializers.CharField(help_text=gettext_lazy("What went wrong, in the request's language."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy(
            "Field errors by field name (nested fields joined with dots); non_field_errors for the others. "
            "Empty when no field is to blame."
        ),
    )


def error_body(status: int, code: str, message: str, errors: dict | None = None) -> dict:
    return {"status": status, "code": code, "message": str(message), "errors": errors or {}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field": [...], "photos.0": [...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _code(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, exceptions.ErrorDetail) and detail.code:
        return detail.code
    return exc.default_code


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: every error in the one shape; anything unexpected is left
    to Django (a 500, logged), never described as the client's fault."""
    if isinstance(exc, ApplicationError):
        set_rollback()
        status = 409 if exc.code in CONFLICT_CODES else 400
        return Response(error_body(status, exc.code, exc.message), status=status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message, errors = "invalid", exceptions.ValidationError.default_detail, _flatten(exc.detail)
    elif isinstance(exc.detail, str):
        code, message, errors = _code(exc), exc.detail, {}
    else:
        code, message, errors = _code(exc), exc.default_detail, _flatten(exc.detail)
    response.data = error_body(response.status_code, code, message, errors)
    return response


class NotFoundView(APIView):
    """Anything under /api/v1/ that names no endpoint: a 404 in the error shape (a POST without its
    trailing slash lands here too, instead of Django's redirect that would drop the body)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


# ---------------------------------------------------------------------------------------------
# Pagination and ordering


class SyncCursorPagination(CursorPagination):
    """For the large lists (tasks, issues, progress, places): ``next``/``previous`` links and no
    ``COUNT(*)``. The order comes from ``ordering`` (see ``StableOrderingFilter``), so a client can walk
    everything changed since a moment, page by page, in ``updated`` order."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-updated", "-id")


class SmallPagePagination(PageNumberPagination):
    """For the small lists (departments, campaigns, checklist...): numbered pages with a count."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class StableOrderingFilter(OrderingFilter):
    """The ``ordering`` parameter, limited to the view's ``ordering_fields``; the primary key is
    always the last key, in the direction of the first, so that equal values never swap between pages."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or ())
        if ordering and not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return tuple(ordering)


# ---------------------------------------------------------------------------------------------
# Viewsets


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only viewset whose ``queryset`` is narrowed to what the user may see.

    Subclasses declare ``queryset`` (with its ``select_related``/``prefetch_related``),
    ``serializer_class``, ``filterset_class``, ``ordering_fields`` and ``ordering``, and, for objects
    not everyone may see, ``visible_to``: the app's selector (``task_visible_to(*, user)``). An object
    outside the user's sight is a 404, exactly as on the pages."""

    visible_to = None
    lookup_value_regex = r"[0-9]+"
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    pagination_class = SmallPagePagination

    def get_queryset(self):
        queryset = super().get_queryset()
        restrict = type(self).visible_to
        if restrict is None or getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset & restrict(user=self.request.user)

    def require_perm(self, perm: str, obj=None) -> None:
        """The object-level rule of the pages (``accounts/rules.py`` and each app's ``rules.py``)."""
        if not self.request.user.has_perm(perm, obj):
            raise exceptions.PermissionDenied()


# ---------------------------------------------------------------------------------------------
# Schema


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the error responses every operation really sends."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "400": _("Invalid input: malformed body, wrong types, unknown ids or bad query parameters."),
            "401": _("No credentials, or an invalid or revoked token."),
            "403": _("The user may not do this (or the session's CSRF check failed)."),
            "404": _("Not found, or not visible to the user."),
            "429": _("Too many requests."),
        }
        if self.method == "POST":
            errors["409"] = _("The object's current state refuses the action (e.g. transition_not_allowed).")
        for status, description in errors.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), status
                )
        return responses


__all__ = [
    "ApiAutoSchema",
    "ErrorSerializer",
    "NotFoundView",
    "RestrictedReadOnlyViewSet",
    "SmallPagePagination",
    "StableOrderingFilter",
    "SyncCursorPagination",
    "exception_handler",
]
