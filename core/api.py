"""What every app's REST API shares: the error shape and its exception handler, pagination, the
ordering filter, the base viewset that restricts querysets to what the user may see, and the schema
class that documents all of it.

Every error the API sends has one JSON shape (``ErrorSerializer``)::

    {"status": 400, "code": "invalid", "message": "Invalid input.", "errors": {"field": ["..."]}}

``message`` is in the request's language (``Accept-Language``, through ``LocaleMiddleware``).
"""

import copy
import functools
import re

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiRequest, OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.fields import empty, get_error_detail
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import html
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from core import geo
from core import rows as fast_rows
from core.errors import ApplicationError
from core.permissions import require_perm
from core.rows import DictRows, ModelRows

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
        return Response(error_body(exc.status, exc.code, exc.message), status=exc.status)
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


class StrictPageSizeMixin:
    """``page_size`` is a whole number from 1 (larger than the maximum reads as the maximum, as DRF
    does); anything else is a 400, where DRF would quietly use the default size."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"-?[0-9]+", raw):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [serializers.IntegerField.default_error_messages["invalid"]]}
            )
        digits = raw.lstrip("0")
        if raw.startswith("-") or not digits:
            message = serializers.IntegerField.default_error_messages["min_value"].format(min_value=1)
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        # Compared by length first: Python refuses to read an integer of thousands of digits.
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class SyncCursorPagination(StrictPageSizeMixin, CursorPagination):
    """For the large lists (tasks, issues, progress, places): ``next``/``previous`` links and no
    ``COUNT(*)``. The order comes from ``ordering`` (see ``StableOrderingFilter``), so a client can walk
    everything changed since a moment, page by page, in ``updated`` order."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-updated", "-id")


class SmallPagePagination(StrictPageSizeMixin, PageNumberPagination):
    """For the small lists (departments, campaigns, checklist...): numbered pages with a count."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_number(self, request, paginator):
        # DRF reads ``?page=`` as the first page; it is no page number, so it is the 404 of ``?page=x``.
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        return paginator.num_pages if number in self.last_page_strings else number


class CountedRows:
    """A list's ``.values()`` rows as Django's ``Paginator`` reads them (their order, their slices), counted
    on the queryset they were read from: the joins the values' related columns add (``department__name``)
    cannot change how many rows there are, and a count without them is cheaper.

    Asked for the first page (``first``: its size), the rows are read first, one more than the page holds:
    a page that is not full is every row there is, so the count is its length and no count is run (most
    small lists: the campaigns, the checklist, a department's people). The page is then sliced from them."""

    def __init__(self, values: models.QuerySet, *, counted: models.QuerySet, first: int | None = None) -> None:
        self.values, self.counted, self.first = values, counted, first
        self.ordered = values.ordered
        self._head: list | None = None  # the first rows read, ``first`` + 1 at most

    def count(self) -> int:
        if self.first is not None:
            self._head = list(self.values[: self.first + 1])
            if len(self._head) <= self.first:
                return len(self._head)
        return self.counted.count()

    def __iter__(self):
        return iter(self.values)

    def __getitem__(self, index):
        head = self._head
        if head is not None and isinstance(index, slice) and index.step is None:
            start, stop = index.start or 0, index.stop
            if stop is not None and 0 <= start <= stop <= len(head) and stop <= self.first:
                return head[start:stop]
        return self.values[index]


def visible_through(model, link: str, parents) -> models.QuerySet:
    """The rows of ``model`` whose ``link`` (a foreign key never null) is among ``parents``; every row when
    no parent is hidden, without asking the database to check each link against all the parents."""
    if not parents.query.has_filters():
        return model.objects.all()
    return model.objects.filter(**{f"{link}__in": parents})


_MODEL_ROWS: dict[type, ModelRows] = {}


def model_rows(serializer_class: type[serializers.ModelSerializer]) -> ModelRows:
    """The serializer compiled for lists once per process (``core.rows.ModelRows``)."""
    rows = _MODEL_ROWS.get(serializer_class)
    if rows is None:
        rows = _MODEL_ROWS[serializer_class] = ModelRows(serializer_class)
    return rows


_DICT_ROWS: dict[type, DictRows] = {}


def represent(serializer_class: type[serializers.Serializer], instance) -> dict:
    """``serializer_class(instance).data`` for a body of many rows (a scoreboard): the serializer compiled
    once per process (``core.rows.DictRows``), its rows written by orjson."""
    if not fast_rows.READ_AS_VALUES:
        return serializer_class(instance).data
    rows = _DICT_ROWS.get(serializer_class)
    if rows is None:
        rows = _DICT_ROWS[serializer_class] = DictRows(serializer_class)
    return rows.one(instance)


class PreparedListSerializer(serializers.ListSerializer):
    """A page of rows with work done once for them all (``prepare``: the clocks' office hours) before each
    row is shown. The lists read as values (``core.rows``) call ``prepare`` on their instances too."""

    def prepare(self, rows: list) -> None:
        """Work done once for the page's ``rows`` (model instances); a list with nothing to prepare keeps this."""

    def to_representation(self, data) -> list:
        rows = list(data.all() if hasattr(data, "all") else data)
        self.prepare(rows)
        return super().to_representation(rows)


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


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's backend, as strict as the schema it documents. A form reads an empty value
    (``?status=``) as "no filter" and a yes/no it cannot read as "either"; the API answers both with
    a 400, as any other value the filter cannot take. Only the free-text filters (``q``...) may be
    empty.

    A request that names none of the filters (a first page, the next by its cursor) skips the filter set:
    each filter passes an absent value through, so that building its form would change nothing
    (``tests/test_api_lists.py`` checks every list's filter set so). For the same reason a request builds only
    the filters it names: copying and validating the other twenty of a task list's would change nothing.
    """

    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        named = frozenset(filterset_class.base_filters.keys() & request.query_params.keys())
        return _with_only(filterset_class, named)(**self.get_filterset_kwargs(request, queryset, view))

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not filterset_class.base_filters.keys() & request.query_params.keys():
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {}
        for name, values in request.query_params.lists():
            refusal = _refusal(filterset.filters.get(name), values)
            if refusal:
                errors[name] = [refusal]
        if not filterset.is_valid():
            errors = {**translate_validation(filterset.errors).detail, **errors}
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset.qs


@functools.lru_cache(maxsize=512)
def _with_only(filterset_class: type[django_filters.FilterSet], names: frozenset[str]) -> type:
    """``filterset_class`` with only the filters ``names`` (its ``__init__`` finds the others absent)."""
    narrowed = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    narrowed.base_filters = {name: filter_ for name, filter_ in filterset_class.base_filters.items() if name in names}
    return narrowed


BOOLEAN_SPELLINGS = frozenset({"true", "false", "True", "False"})  # what the filter's widget reads


def _refusal(filter_, values: list[str]) -> str | None:
    if filter_ is None or isinstance(filter_, django_filters.CharFilter):
        return None
    if "" in values:
        return serializers.CharField.default_error_messages["blank"]
    if isinstance(filter_, django_filters.BooleanFilter) and not BOOLEAN_SPELLINGS.issuperset(values):
        return serializers.BooleanField.default_error_messages["invalid"]
    return None


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only viewset whose ``queryset`` is narrowed to what the user may see.

    Subclasses declare ``queryset`` (with its ``select_related``/``prefetch_related``),
    ``serializer_class``, ``filterset_class``, ``ordering_fields`` and ``ordering``, and, for objects
    not everyone may see, ``visible_to``: the app's selector (``task_visible_to(*, user)``). An object
    outside the user's sight is a 404, exactly as on the pages."""

    visible_to = None
    lookup_value_regex = r"[0-9]+"
    filter_backends = [ApiFilterBackend, StableOrderingFilter]
    pagination_class = SmallPagePagination

    def get_queryset(self):
        queryset = super().get_queryset()
        restrict = type(self).visible_to
        if restrict is None or getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset & restrict(user=self.request.user)

    def list(self, request, *args, **kwargs):
        """The list read as values and written as the serializer would (``core.rows``): the same filters,
        order, page and keys as DRF's ``list``, without a model instance and a field call per value."""
        if not fast_rows.READ_AS_VALUES:
            return super().list(request, *args, **kwargs)
        rows = model_rows(self.get_serializer_class())
        filtered = self.filter_queryset(self.get_queryset())
        queryset = rows.values(filtered)
        if isinstance(self.paginator, PageNumberPagination):
            first = request.query_params.get(self.paginator.page_query_param, "1") == "1"
            page_size = self.paginator.get_page_size(request) if first else None
            queryset = CountedRows(queryset, counted=filtered, first=page_size)
        page = self.paginate_queryset(queryset)
        data = rows.rows(list(queryset) if page is None else page, self.get_serializer_context())
        if page is None:
            return Response(data)
        return self.get_paginated_response(data)

    def require_perm(self, perm: str, obj=None) -> None:
        """The object-level rule of the pages (``core.permissions.require_perm``), for this request's user."""
        require_perm(self.request.user, perm, obj)


# ---------------------------------------------------------------------------------------------
# Request bodies


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false``, as the schema says: a JSON boolean, or in a form the text ``true`` or
    ``false``. DRF's field also takes ``1``, ``"yes"``, ``"on"``..., and reads a form without the
    field as ``false`` (an unticked checkbox), so that a client forgetting ``approve`` would refuse."""

    default_empty_html = empty

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if html.is_html_input(dictionary) and isinstance(value, str):
            return {"true": True, "false": False}.get(value, value)
        return value

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class RequestSerializer(serializers.Serializer):
    """What a write takes, read as strictly as the schema documents it.

    In JSON, a field has the type the schema gives it: DRF would take ``0`` for a text (as "0"),
    ``"5"`` for a number, and a number for a decimal, which the schema documents as a string. In a
    form (multipart/form-data), where every value is text and null has no spelling of its own, a
    nullable field reads the text ``null`` as null, as OpenAPI tools send it (DRF reads only an
    empty value so)."""

    def to_internal_value(self, data):
        if html.is_html_input(data):
            data = self._with_form_nulls(data)
        elif isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                message = None if field.read_only else _json_type_refusal(field, data.get(name))
                if message:
                    errors[name] = [message]
            if errors:
                raise exceptions.ValidationError(errors)
        return super().to_internal_value(data)

    def _with_form_nulls(self, data):
        nullable = [name for name, field in self.fields.items() if field.allow_null and not field.read_only]
        if not any(data.get(name) == "null" for name in nullable):
            return data
        data = copy.copy(data)  # a shallow, mutable copy: the uploaded files are not copied
        for name in nullable:
            if data.get(name) == "null":
                data[name] = ""
        return data


class PatternDecimalField(serializers.DecimalField):
    """A decimal in a request: text matching ``pattern``, its range written out, which the schema
    documents (a string's ``minimum`` would mean nothing). DRF's field alone also reads ``1e1``,
    `` 5`` or ``05``, none of which the schema allows."""

    def __init__(self, *, pattern: str, **kwargs) -> None:
        self.pattern = pattern
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(self.pattern, data):
            self.fail("invalid")
        return super().to_internal_value(data)


def coordinate_field(axis: geo.Axis) -> PatternDecimalField:
    """A latitude or longitude in a request body, by ``core.geo``'s rule and with its message."""
    limit = geo.LIMITS[axis]
    refused = geo.OUT_OF_RANGE[axis]
    return PatternDecimalField(
        pattern=geo.PATTERNS[axis],
        max_digits=geo.MAX_DIGITS,
        decimal_places=geo.DECIMALS,
        min_value=-limit,
        max_value=limit,
        required=False,
        allow_null=True,
        error_messages={
            key: refused
            for key in ("invalid", "max_value", "min_value", "max_digits", "max_decimal_places", "max_whole_digits")
        },
    )


PHOTO_MEDIA_TYPES = "image/jpeg, image/png, image/webp, image/heif"


def photo_form(serializer) -> OpenApiRequest:
    """A form (multipart/form-data) whose ``photos`` parts are images, as its schema says."""
    return OpenApiRequest(serializer, encoding={"photos": {"contentType": PHOTO_MEDIA_TYPES}})


class AbsoluteUrlField(serializers.URLField):
    """An address in this app, read from the object (``source``: e.g. a photo's ``url``) and answered
    absolute with the request's host, as DRF answers a stored file's URL."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else value

    def row_converter(self, context: dict):
        """``to_representation`` for a list read as values (``core.rows``), with the request's context."""
        request = context.get("request")
        return request.build_absolute_uri if request is not None else str


TEXT_FIELDS = (serializers.CharField, serializers.ChoiceField, serializers.DateField, serializers.DateTimeField)


def _json_type_refusal(field, value) -> str | None:
    """DRF's own message for a JSON value of the wrong type, if ``value`` is one for ``field``."""
    if value is None:
        return None  # absent or null: the field's own rules decide
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return serializers.BooleanField.default_error_messages["invalid"]
    is_integer = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField) and (
        isinstance(value, bool) or not is_integer
    ):
        return serializers.IntegerField.default_error_messages["invalid"]
    is_text = isinstance(field, TEXT_FIELDS) or (
        isinstance(field, serializers.DecimalField)
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    )
    if is_text and not isinstance(value, str):
        return serializers.CharField.default_error_messages["invalid"]
    return None


# ---------------------------------------------------------------------------------------------
# Schema


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the error responses every operation really sends, and the
    ids a request names (in its body or a list's filters) documented as what they are: from 1."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.PrimaryKeyRelatedField):
            schema = _from_one(schema)
        if direction == "request" and isinstance(field, PatternDecimalField):
            schema = {**schema, "pattern": field.pattern}
        return schema

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            if isinstance(filters.get(parameter["name"]), django_filters.ModelChoiceFilter):
                parameter["schema"] = _from_one(parameter["schema"])
        return parameters

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


def _from_one(schema: dict) -> dict:
    return {**schema, "minimum": 1} if schema.get("type") == "integer" else schema


__all__ = [
    "ApiAutoSchema",
    "ApiFilterBackend",
    "ErrorSerializer",
    "NotFoundView",
    "PatternDecimalField",
    "PreparedListSerializer",
    "coordinate_field",
    "RequestSerializer",
    "RestrictedReadOnlyViewSet",
    "SmallPagePagination",
    "StableOrderingFilter",
    "StrictBooleanField",
    "SyncCursorPagination",
    "exception_handler",
    "model_rows",
    "represent",
    "visible_through",
    "photo_form",
]


class ClockSerializer(serializers.Serializer):
    """A running clock (``core.clocks.Clock``): its stage, its light now, when it is due and the office
    minutes left, negative once overdue."""

    stage = serializers.ChoiceField(
        choices=("dispatch", "rectify", "verify", "pledged"),
        help_text=gettext_lazy(
            "Whose turn: the office's dispatch, the department's rectification, the inspectors' verification, "
            "or pledged work's own due date."
        ),
    )
    state = serializers.ChoiceField(
        choices=("green", "yellow", "red", "suspended"),
        help_text=gettext_lazy(
            "green: in time; yellow: most of the time limit used; red: overdue; suspended: stopped (挂起)."
        ),
    )
    due_at = serializers.DateTimeField(help_text=gettext_lazy("When the stage's time limit runs out."))
    remaining_working_minutes = serializers.IntegerField(
        help_text=gettext_lazy(
            "Office minutes left until due_at, negative once overdue; counted to the suspension while suspended."
        )
    )


@extend_schema_field(ClockSerializer(allow_null=True))
class ClockField(serializers.SerializerMethodField):
    """A row's ``clock`` object, null when no clock runs, read by the serializer's ``get_clock``."""

    def __init__(self, **kwargs) -> None:
        super().__init__(method_name="get_clock", **kwargs)


CLOCK_ROWS = DictRows(ClockSerializer, native=False)


def clock_data(clock, context: dict | None = None) -> dict | None:
    """A ``core.clocks.Clock`` as ``ClockSerializer`` shows it (compiled: a list shows one per row; its
    converters kept in the serializer's ``context`` for the page)."""
    if clock is None:
        return None
    return CLOCK_ROWS.one(clock, context)
