"""The API's lists read as values and written by orjson, each field as its serializer writes it.

A list's serializer stays the definition of the API: its fields give the keys and their order, their
``source`` the columns, their class the conversion, and the schema and the writes still go through it.
What changes is how a page of rows is made. DRF builds a model instance per row and calls every field's
``get_attribute`` and ``to_representation`` (about three quarters of a list request's time, measured:
README "Performance"); ``ModelRows`` compiles the serializer once into the columns to read with
``.values()`` (plus one query per many-to-many field or nested list, as ``prefetch_related`` makes) and a
converter per field that gives what the field's own ``to_representation`` gives. ``DictRows`` does the
same for rows that are dicts or objects already (the scoreboards, the assessment, a clock).

What a column cannot hold is declared on the serializer, in ``row_reads``: a method field (the
serializer's own method is called, with a model instance holding the row's columns) or a model property
(``accountable.display_name``), each with the columns it reads. A list serializer may ``prepare`` the
page's instances once (the clocks' office hours). The tests of each app compare the two ways field by
field (``core.tests.rows.assert_rows_match``).
"""

import abc
import datetime
import decimal
import functools
import inspect
import operator
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models.base import ModelState
from django.utils import timezone
from rest_framework import relations, serializers
from rest_framework.fields import is_simple_callable
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from core.statements import IdsQuery

# The key under which a row keeps the model instance its method fields and properties are read from.
INSTANCE = "__instance__"
# Off, the lists go through DRF's serializers as before: the tests compare the two ways with it.
READ_AS_VALUES = True


class _Omit(Exception):
    """The field has nothing to show for this row and DRF leaves its key out (``SkipField``)."""


# ---------------------------------------------------------------------------------------------
# Converters: what each field class's ``to_representation`` makes of a value that is not None


def _identity_choices(field: serializers.ChoiceField) -> bool:
    return all(isinstance(key, str) and key == value for key, value in field.choice_strings_to_values.items())


def _decimal_converter(field: serializers.DecimalField, *, native: bool) -> Callable:
    if field.decimal_places is None or field.localize or field.normalize_output:
        return field.to_representation
    exponent = decimal.Decimal(".1") ** field.decimal_places
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    rounding = field.rounding
    Decimal = decimal.Decimal

    if getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING):

        def text(value) -> str:
            if type(value) is not Decimal:
                value = Decimal(str(value).strip())
            return format(value.quantize(exponent, rounding=rounding, context=context), "f")

        return text

    # Whole numbers short of the field's digits need no quantizing (DRF's would refuse longer ones).
    whole = 10 ** ((field.max_digits or 28) - field.decimal_places)

    def number(value):
        # A decimal left as a number is written by DRF's encoder as a float.
        if type(value) is int and native and -whole < value < whole:
            return float(value)
        if type(value) is not Decimal:
            value = Decimal(str(value).strip())
        quantized = value.quantize(exponent, rounding=rounding, context=context)
        return float(quantized) if native else quantized

    return number


@functools.lru_cache(maxsize=16)
def _ever_at_utc(zone) -> bool:
    """Whether ``zone`` is ever at UTC's offset from 1970 to 2100: DRF then writes "Z", orjson "+00:00"."""
    for year in range(1970, 2101):
        for month in (1, 4, 7, 10):
            moment = datetime.datetime(year, month, 1, tzinfo=datetime.UTC).astimezone(zone)
            if moment.utcoffset() == datetime.timedelta():
                return True
    return False


def _datetime_converter(field: serializers.DateTimeField, *, native: bool) -> Callable[[dict], Callable]:
    """A converter made per request: DRF writes a moment in the current time zone (``enforce_timezone``)."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != "iso-8601" or not settings.USE_TZ:
        return lambda context: field.to_representation

    def bind(context: dict) -> Callable:
        zone = field.timezone if hasattr(field, "timezone") else timezone.get_current_timezone()
        if native and not _ever_at_utc(zone):
            # orjson writes the aware moment exactly as isoformat() does, in C.
            return lambda value: value if isinstance(value, str) else value.astimezone(zone)
        return lambda value: value if isinstance(value, str) else _iso(value.astimezone(zone))

    return bind


def _iso(value: datetime.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date_converter(field: serializers.DateField, *, native: bool) -> Callable | None:
    output_format = getattr(field, "format", api_settings.DATE_FORMAT)
    if output_format is None or output_format.lower() != "iso-8601":
        return field.to_representation
    if native:
        return None  # orjson writes a date as isoformat() does
    return lambda value: value if isinstance(value, str) else value.isoformat()


def converter_for(field: serializers.Field, *, native: bool) -> tuple[Callable | None, Callable | None]:
    """``(convert, bind)``: a converter equal to ``field.to_representation`` for values that are not None
    (``None`` where the value is shown as it is), or ``bind(context)`` making one per request. ``native``:
    the rows go to orjson, which writes dates and moments itself."""
    kind = type(field)
    own = getattr(field, "row_converter", None)  # a field of ours that says how it is written fast
    if own is not None:
        return None, own
    if kind in (serializers.IntegerField, serializers.FloatField):
        return (int if kind is serializers.IntegerField else float), None
    if kind is serializers.BigIntegerField:
        return (str if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING) else int), None
    if kind in (serializers.CharField, serializers.SlugField, serializers.EmailField, serializers.URLField):
        return str, None
    if kind is serializers.BooleanField:
        return bool, None
    if kind is serializers.ChoiceField:
        if _identity_choices(field):
            return None, None
        shown = field.choice_strings_to_values  # DRF's lookup, for choices whose keys are not their text
        return (lambda value: value if value == "" else shown.get(str(value), value)), None
    if kind is serializers.DecimalField:
        return _decimal_converter(field, native=native), None
    if kind is serializers.DateTimeField:
        return None, _datetime_converter(field, native=native)
    if kind is serializers.DateField:
        return _date_converter(field, native=native), None
    if issubclass(kind, serializers.JSONField) and not field.binary:
        return None, None
    if kind in (serializers.SerializerMethodField, serializers.ReadOnlyField):
        return None, None
    if kind is relations.PrimaryKeyRelatedField and field.pk_field is None:
        return None, None  # the row holds the id
    return field.to_representation, None


# ---------------------------------------------------------------------------------------------
# A compiled field


class _Field:
    """One output key: how its raw value is got from a row (``get`` or per request ``bind_get``), and
    converted (``convert`` or per request ``bind_convert``)."""

    __slots__ = ("bind_convert", "bind_get", "convert", "get", "key")

    def __init__(self, key, *, get=None, bind_get=None, convert=None, bind_convert=None) -> None:
        self.key, self.get, self.bind_get = key, get, bind_get
        self.convert, self.bind_convert = convert, bind_convert

    def bound(self, context: dict, state: dict) -> tuple[str, Callable, Callable | None]:
        get = self.get if self.bind_get is None else self.bind_get(context, state)
        convert = self.convert if self.bind_convert is None else self.bind_convert(context)
        return self.key, get, convert


def _convert_rows(rows: Iterable, fields: list[tuple[str, Callable, Callable | None]]) -> list[dict]:
    out = []
    append = out.append
    for row in rows:
        item = {}
        for key, get, convert in fields:
            try:
                value = get(row)
            except _Omit:
                continue
            if value is None or convert is None:
                item[key] = value
            else:
                item[key] = convert(value)
        append(item)
    return out


def _readable(serializer: serializers.Serializer) -> list[tuple[str, serializers.Field]]:
    return [(field.field_name, field) for field in serializer._readable_fields]


def _nested_child(field) -> serializers.Serializer | None:
    if isinstance(field, serializers.ListSerializer):
        return field.child
    return None


# ---------------------------------------------------------------------------------------------
# Rows that are dicts or objects already


class DictRows:
    """A serializer over dicts (or objects) compiled into converters: the scoreboards' and the assessment's
    rows, a clock. ``native``: the rows go to orjson (moments stay datetimes); otherwise they are JSON's
    types, as ``serializer.data`` is."""

    def __init__(self, serializer_class: type[serializers.Serializer], *, native: bool = True) -> None:
        self.serializer_class = serializer_class
        self.native = native
        self._fields: list[_Field] | None = None
        self._bound: dict = {}

    @property
    def fields(self) -> list[_Field]:
        if self._fields is None:
            self._fields = [self._compile(name, field) for name, field in _readable(self.serializer_class())]
        return self._fields

    def _compile(self, name: str, field: serializers.Field) -> _Field:
        if field.source == "*":
            raise ImproperlyConfigured(f"{self.serializer_class.__name__}.{name}: a field of the whole row.")
        attrs = field.source_attrs
        child = _nested_child(field)
        if child is not None:
            nested = DictRows(type(child), native=self.native)
            get = _dict_getter(attrs, field)
            return _Field(name, get=get, bind_convert=lambda context: nested.converter(context))
        if isinstance(field, serializers.Serializer):
            nested = DictRows(type(field), native=self.native)
            get = _dict_getter(attrs, field)
            return _Field(name, get=get, bind_convert=lambda context: nested.one_converter(context))
        convert, bind = converter_for(field, native=self.native)
        return _Field(name, get=_dict_getter(attrs, field), convert=convert, bind_convert=bind)

    def bind(self, context: dict | None = None) -> list[tuple[str, Callable, Callable | None]]:
        """The converters for ``context`` (a request's: made once and kept in it); without one, made once per
        time zone."""
        if context:
            bound = context.get(self)
            if bound is None:
                bound = context[self] = [field.bound(context, {}) for field in self.fields]
            return bound
        zone = timezone.get_current_timezone()
        bound = self._bound.get(zone)
        if bound is None:
            bound = self._bound[zone] = [field.bound({}, {}) for field in self.fields]
        return bound

    def converter(self, context: dict) -> Callable:
        bound = self.bind(context)
        return lambda rows: _convert_rows(rows, bound)

    def one_converter(self, context: dict) -> Callable:
        bound = self.bind(context)
        return lambda row: _convert_rows((row,), bound)[0]

    def many(self, rows: Iterable, context: dict | None = None) -> list[dict]:
        """The rows as ``serializer_class(rows, many=True).data`` shows them."""
        return _convert_rows(rows, self.bind(context))

    def one(self, row, context: dict | None = None) -> dict:
        return _convert_rows((row,), self.bind(context))[0]


def _dict_getter(attrs: list[str], field: serializers.Field) -> Callable:
    """DRF's ``get_attribute`` for a dict or an object, with its answer for a missing key."""

    def get(row):
        value = row
        try:
            for attr in attrs:
                value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
        except (KeyError, AttributeError):
            if field.default is not serializers.empty:
                return field.get_default()
            if field.allow_null:
                return None
            if not field.required:
                raise _Omit from None
            raise
        return value

    if len(attrs) == 1:
        (attr,) = attrs

        def get_one(row):
            try:
                return row[attr] if type(row) is dict else getattr(row, attr)
            except (KeyError, AttributeError):
                return get(row)  # DRF's answer for what is missing

        return get_one
    return get


# ---------------------------------------------------------------------------------------------
# Rows read from the database


class ModelRows:
    """A ``ModelSerializer`` compiled into a reading of ``.values()`` and converters (module docstring)."""

    def __init__(self, serializer_class: type[serializers.ModelSerializer]) -> None:
        self.serializer_class = serializer_class
        self.model: type[models.Model] = serializer_class.Meta.model
        self.reads: dict[str, tuple[str, ...]] = dict(getattr(serializer_class, "row_reads", {}))
        self._compiled = False
        self._lock = threading.Lock()

    # The compiled plan ------------------------------------------------------------------------

    def _compile(self) -> None:
        if self._compiled:
            return
        with self._lock:  # a gthread worker's threads may ask at once
            if not self._compiled:
                self._compile_once()

    def _compile_once(self) -> None:
        serializer = self.serializer_class()
        self.columns: list[str] = []
        self.fields: list[_Field] = []
        self.loaders: list[_Loader] = []
        self.instance_attrs: dict[str, str] = {}  # row key -> attribute of the model instance
        self.needs_instance = False
        list_class = getattr(getattr(self.serializer_class, "Meta", None), "list_serializer_class", None)
        self.prepares = bool(list_class and hasattr(list_class, "prepare"))
        for name, field in _readable(serializer):
            self.fields.append(self._compile_field(name, field))
        for reads in self.reads.values():
            for lookup in reads:
                self._column(lookup)
        if self.prepares:
            self.needs_instance = True
        self._compiled = True

    def _column(self, lookup: str) -> str:
        if lookup not in self.columns:
            self.columns.append(lookup)
            if "__" not in lookup:
                try:
                    field = self.model._meta.get_field(lookup)
                except FieldDoesNotExist:
                    self.instance_attrs[lookup] = lookup  # an annotation
                else:
                    if field.concrete:
                        self.instance_attrs[lookup] = field.attname
        return lookup

    def _fail(self, name: str, why: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{self.serializer_class.__name__}.{name}: {why}")

    def _compile_field(self, name: str, field: serializers.Field) -> _Field:
        if isinstance(field, serializers.SerializerMethodField):
            if name not in self.reads:
                raise self._fail(name, "a method field needs its columns in row_reads.")
            self.needs_instance = True
            method_name = field.method_name

            def bind_method(context, state, method_name=method_name):
                method = getattr(state["serializer"], method_name)
                return lambda row: method(row[INSTANCE])

            return _Field(name, bind_get=bind_method)
        if field.source == "*":
            raise self._fail(name, "a field of the whole object is not read from columns.")
        attrs = field.source_attrs
        if isinstance(field, relations.ManyRelatedField):
            child = field.child_relation
            if len(attrs) != 1 or type(child) is not relations.PrimaryKeyRelatedField or child.pk_field is not None:
                raise self._fail(name, "only a many-to-many field of ids is read from values.")
            loader = _ManyIds(self.model, attrs[0], name)
            self.loaders.append(loader)
            return _Field(name, get=operator.itemgetter(loader.row_key))
        child = _nested_child(field)
        if child is not None:
            if len(attrs) != 1:
                raise self._fail(name, "a nested list must be a relation of the model itself.")
            loader = _Nested(self.model, attrs[0], name, ModelRows(type(child)))
            self.loaders.append(loader)
            return _Field(name, get=operator.itemgetter(loader.row_key))
        if isinstance(field, serializers.BaseSerializer):
            raise self._fail(name, "a nested object is not read from values.")
        convert, bind = converter_for(field, native=True)
        get = self._source_getter(name, field, attrs)
        return _Field(name, get=get, convert=convert, bind_convert=bind)

    def _source_getter(self, name: str, field: serializers.Field, attrs: list[str]) -> Callable:
        """A dotted source: relations followed to a column (``department__name``), or a property of the model
        (or of a related one) read from the columns ``row_reads`` names."""
        model = self.model
        path: list[str] = []
        nullable = False
        for position, attr in enumerate(attrs):
            last = position == len(attrs) - 1
            try:
                model_field = model._meta.get_field(attr)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and model_field.concrete and not model_field.many_to_many:
                path.append(model_field.name)
                if last:
                    return self._column_getter(name, field, "__".join(path), nullable)
                if not model_field.is_relation:
                    raise self._fail(name, f"{attr} is not a relation.")
                nullable = nullable or model_field.null
                model = model_field.related_model
                continue
            if not last:
                raise self._fail(name, f"{attr} is not a forward relation of {model.__name__}.")
            if position == 0 and not hasattr(model, attr):
                return self._column_getter(name, field, self._column(attr), False)  # an annotation
            if name not in self.reads:
                raise self._fail(name, f"{model.__name__}.{attr} is no column: name what it reads in row_reads.")
            return self._property_getter(name, field, model, path, attr, nullable)
        raise self._fail(name, "an empty source.")

    def _column_getter(self, name: str, field: serializers.Field, lookup: str, nullable: bool) -> Callable:
        self._column(lookup)
        if nullable and "__" in lookup and field.default is serializers.empty and not field.allow_null:
            # DRF: a relation that is None has no attribute; a read-only field then leaves its key out.
            relation = self._column(lookup.rsplit("__", 1)[0])
            if not field.required:

                def get(row):
                    if row[relation] is None:
                        raise _Omit
                    return row[lookup]

                return get
        return operator.itemgetter(lookup)

    def _property_getter(self, name, field, model, path: list[str], attr: str, nullable: bool) -> Callable:
        reads = self.reads[name]
        if not path:
            self.needs_instance = True
            read = _reader(model, attr)
            return lambda row: read(row[INSTANCE])
        prefix = "__".join(path) + "__"
        relation = self._column("__".join(path))
        pairs = []
        for lookup in reads:
            if not lookup.startswith(prefix):
                raise self._fail(name, f"row_reads names {lookup}, not a column of {prefix[:-2]}.")
            rest = lookup[len(prefix) :]
            pairs.append((lookup, model._meta.get_field(rest).attname))
        empty = None if field.default is serializers.empty else field.default
        read = _reader(model, attr)

        def get(row):
            if row[relation] is None:
                return empty
            return read(_instance(model, row, pairs))

        return get

    # Reading ----------------------------------------------------------------------------------

    def values(self, queryset: models.QuerySet) -> models.QuerySet:
        """``queryset`` as the values the fields read, with the columns its order names (the cursor reads
        them), without the instances' ``select_related``/``prefetch_related``."""
        return queryset.prefetch_related(None).values(*self.columns_for(queryset))

    def columns_for(self, queryset: models.QuerySet, *, also: Iterable[str] = ()) -> list[str]:
        self._compile()
        columns = list(self.columns)
        columns += [column for column in also if column not in columns]
        for term in queryset.query.order_by or ():
            if isinstance(term, str):
                column = term.lstrip("-")
                if column not in columns and column not in ("pk", "?"):
                    columns.append(column)
        if self.loaders and "pk" not in columns and self.model._meta.pk.name not in columns:
            columns.append(self.model._meta.pk.name)
        return columns

    def rows(self, rows: list[dict], context: dict) -> list[dict]:
        """A page of ``values()`` rows as the serializer (``many=True``) shows them."""
        self._compile()
        rows = rows if isinstance(rows, list) else list(rows)
        state: dict[str, Any] = {}
        if self.needs_instance:
            state["lister"] = lister = self.serializer_class(many=True, context=context)
            state["serializer"] = lister.child
            pairs = list(self.instance_attrs.items())
            for row in rows:
                row[INSTANCE] = _instance(self.model, row, pairs)
            if self.prepares:
                lister.prepare([row[INSTANCE] for row in rows])
        if rows:
            for loader in self.loaders:
                loader.load(rows, context)
        return _convert_rows(rows, [field.bound(context, state) for field in self.fields])

    @property
    def query_count(self) -> int:
        """Queries for a page, besides the paginator's: the rows, and one per many-to-many field or nested list."""
        self._compile()
        return 1 + len(self.loaders)


def _read(instance: models.Model, attr: str):
    """A property, or a method without arguments called, as DRF's ``get_attribute`` reads a source."""
    value = getattr(instance, attr)
    return value() if is_simple_callable(value) else value


def _reader(model: type[models.Model], attr: str) -> Callable[[models.Model], Any]:
    """``_read`` for ``attr`` of ``model``'s instances, a method's signature looked at once rather than for
    each row (DRF's ``is_simple_callable`` reads it with ``inspect`` on every call)."""
    member = inspect.getattr_static(model, attr, None)
    if not inspect.isfunction(member):
        return lambda instance: _read(instance, attr)
    getter = operator.attrgetter(attr)
    if is_simple_callable(member.__get__(object())):  # bound: the arguments besides ``self``
        return lambda instance: getter(instance)()
    return getter


def _instance(model: type[models.Model], row: dict, pairs) -> models.Model:
    """A model instance holding the row's columns, made without ``__init__`` (no signals, no defaults)."""
    instance = model.__new__(model)
    values = instance.__dict__
    for key, attname in pairs:
        values[attname] = row[key]
    state = ModelState()
    state.adding = False
    values["_state"] = state
    return instance


class _Loader(abc.ABC):
    """What a page's rows need beyond their columns, read in one query for the page and put under ``row_key``."""

    row_key: str

    @abc.abstractmethod
    def load(self, rows: list[dict], context: dict) -> None: ...


class _ManyIds(_Loader):
    """A many-to-many field's ids per row, in one query as ``prefetch_related`` reads them (the related
    model's default manager and order)."""

    def __init__(self, model: type[models.Model], attr: str, name: str) -> None:
        field = model._meta.get_field(attr)
        if not field.many_to_many or not field.concrete:
            raise ImproperlyConfigured(f"{model.__name__}.{attr}: only a many-to-many field of the model is read.")
        self.model = model
        self.field = field
        self.row_key = f"{name}__ids"
        query_name = field.related_query_name()
        related = field.related_model
        # As Django's prefetch: the related rows joined to the link table, in their default order.
        self.query = IdsQuery(
            related,
            lambda ids: related._default_manager.filter(**{f"{query_name}__in": ids}).values_list(query_name, "pk"),
        )

    def load(self, rows: list[dict], context: dict) -> None:
        pk = self.model._meta.pk.name
        pairs = self.query.rows([row[pk] for row in rows])
        ids = defaultdict(list)
        for row_id, related_id in pairs:
            ids[row_id].append(related_id)
        key = self.row_key
        for row in rows:
            row[key] = ids.get(row[pk], [])


class _Nested(_Loader):
    """A nested list of a reverse relation (an issue's photos), in one query as ``prefetch_related`` reads it."""

    def __init__(self, model: type[models.Model], attr: str, name: str, child: ModelRows) -> None:
        try:
            relation = model._meta.get_field(attr)
        except FieldDoesNotExist:
            relation = None
        if relation is None or not relation.one_to_many:
            raise ImproperlyConfigured(f"{model.__name__}.{attr}: only a reverse foreign key is read as a list.")
        self.model = model
        self.relation = relation
        self.child = child
        self.row_key = f"{name}__rows"
        self._query: IdsQuery | None = None

    def query(self) -> tuple[IdsQuery, list[str]]:
        fk = self.relation.field
        manager = fk.model._default_manager
        columns = self.child.columns_for(manager.all(), also=(fk.name,))
        if self._query is None:
            # As Django's prefetch: the related model's default manager and order.
            self._query = IdsQuery(
                fk.model, lambda ids: manager.filter(**{f"{fk.name}__in": ids}).values_list(*columns)
            )
        return self._query, columns

    def load(self, rows: list[dict], context: dict) -> None:
        pk = self.model._meta.pk.name
        fk = self.relation.field
        query, columns = self.query()
        children = [dict(zip(columns, values, strict=True)) for values in query.rows([row[pk] for row in rows])]
        shown = self.child.rows(children, context)
        grouped = defaultdict(list)
        for child, item in zip(children, shown, strict=True):
            grouped[child[fk.name]].append(item)
        key = self.row_key
        for row in rows:
            row[key] = grouped.get(row[pk], [])


# ---------------------------------------------------------------------------------------------
# Writing


class OrjsonRenderer(JSONRenderer):
    """DRF's JSON renderer, written by orjson: the same JSON (compact, UTF-8, U+2028 and U+2029 escaped,
    moments as DRF writes them) about ten times faster. Indented output (``Accept: ...; indent=2``) and
    anything orjson refuses (an integer beyond 64 bits) go to DRF's own renderer."""

    OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_encode, option=self.OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
            body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return body


_drf_encoder = JSONEncoder()


def _encode(value):
    return _drf_encoder.default(value)


__all__ = ["DictRows", "ModelRows", "OrjsonRenderer", "converter_for"]
