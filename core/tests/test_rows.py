"""``core.rows``: each field class converted as DRF converts it, the renderer writing DRF's JSON, and a
serializer that cannot be read from columns refused when it is compiled, not answered wrongly."""

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from core.api import ClockSerializer, clock_data
from core.clocks import Clock
from core.rows import DictRows, ModelRows, OrjsonRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Figures(serializers.Serializer):
    count = serializers.IntegerField()
    big = serializers.BigIntegerField()
    share = serializers.FloatField(allow_null=True)
    money = serializers.DecimalField(max_digits=8, decimal_places=2)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    name = serializers.CharField()
    light = serializers.ChoiceField(choices=[("red", "Red"), ("green", "Green")])
    grade = serializers.ChoiceField(choices=[(1, "one"), (2, "two")])
    at = serializers.DateTimeField()
    day = serializers.DateField(allow_null=True)
    flag = serializers.BooleanField()
    shape = serializers.JSONField()
    label = serializers.CharField(source="nested.label", default="none")
    hidden = serializers.CharField(source="absent", required=False, read_only=True)


class Board(serializers.Serializer):
    as_of = serializers.DateTimeField()
    results = Figures(many=True)


ROWS = [
    {
        "count": 3,
        "big": 2**40,
        "share": 0.1,
        "money": Decimal("2.005"),
        "amount": Decimal("7.125"),
        "rate": Decimal("33.35"),
        "name": "东昌府区\u2028",
        "light": "red",
        "grade": "2",
        "at": datetime.datetime(2026, 12, 7, 2, 3, 4, 5, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 12, 7),
        "flag": 1,
        "shape": {"type": "Point", "coordinates": [115.98, 36.45]},
        "nested": {"label": "甲"},
    },
    {
        "count": 0,
        "big": -1,
        "share": None,
        "money": Decimal("-0.5"),
        "amount": Decimal(0),
        "rate": None,
        "name": "",
        "light": "green",
        "grade": 1,
        "at": datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI),
        "day": None,
        "flag": False,
        "shape": None,
        "nested": None,
    },
]


def drf_json(serializer_class, instance) -> bytes:
    return JSONRenderer().render(serializer_class(instance).data)


def test_it_converts_each_field_class_as_drf_does():
    body = {"as_of": datetime.datetime(2026, 12, 7, 1, 0, 0, 123000, tzinfo=datetime.UTC), "results": ROWS}

    ours = OrjsonRenderer().render(DictRows(Board).one(body))

    assert json.loads(ours) == json.loads(drf_json(Board, body))
    assert list(json.loads(ours)["results"][0]) == list(Figures().fields)[:-1]  # the missing key left out
    assert json.loads(ours)["results"][0]["at"] == "2026-12-07T10:03:04.000005+08:00"


def test_it_writes_moments_in_the_current_time_zone_as_drf_does():
    moment = datetime.datetime(2026, 12, 7, 2, 3, 4, tzinfo=datetime.UTC)
    body = {"as_of": moment, "results": []}

    with timezone.override("UTC"):
        assert OrjsonRenderer().render(DictRows(Board).one(body)) == drf_json(Board, body)
    with timezone.override("Europe/London"):  # at UTC's offset in winter: DRF writes "Z"
        assert OrjsonRenderer().render(DictRows(Board).one(body)) == drf_json(Board, body)


def test_rows_read_from_objects_too():
    rows = [SimpleNamespace(**row) for row in ROWS]

    assert json.loads(OrjsonRenderer().render(DictRows(Figures).many(rows))) == json.loads(
        JSONRenderer().render(Figures(rows, many=True).data)
    )


def test_a_clock_is_shown_as_its_serializer_shows_it():
    due = datetime.datetime(2026, 12, 8, 9, 30, tzinfo=datetime.UTC)
    clock = Clock("rectify", "yellow", due, -75)

    assert clock_data(clock) == ClockSerializer(clock).data
    assert clock_data(None) is None


@pytest.mark.parametrize(
    "data",
    [
        {"text": "一\u2028二\u2029三", "lazy": gettext_lazy("Invalid input."), "when": datetime.date(2026, 1, 2)},
        {"money": Decimal("1.50"), "big": 2**70, "nested": [{"a": None}, (1, 2)], 3: "numbered key"},
        [],
    ],
)
def test_the_renderer_writes_drfs_json(data):
    ours, drfs = OrjsonRenderer().render(data), JSONRenderer().render(data)

    assert json.loads(ours) == json.loads(drfs)
    assert b"\xe2\x80\xa8" not in ours
    assert b"\xe2\x80\xa9" not in ours


def test_the_renderer_indents_as_drf_does_when_asked():
    data = {"a": [1, {"b": "c"}]}
    media_type = "application/json; indent=2"

    assert OrjsonRenderer().render(data, media_type) == JSONRenderer().render(data, media_type)


class MethodWithoutColumns(serializers.ModelSerializer):
    greeting = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "greeting")

    def get_greeting(self, user) -> str:
        return f"你好 {user.username}"


class PropertyWithoutColumns(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ("id", "display_name")


@pytest.mark.parametrize("serializer_class", [MethodWithoutColumns, PropertyWithoutColumns])
def test_a_field_that_is_no_column_must_say_what_it_reads(serializer_class):
    with pytest.raises(ImproperlyConfigured, match="row_reads"):
        ModelRows(serializer_class).values(User.objects.all())


@pytest.mark.django_db
def test_a_method_field_reads_the_columns_it_names(django_user_model):
    django_user_model.objects.create(username="wang", first_name="磊", last_name="王")
    MethodWithoutColumns.row_reads = {"greeting": ("username",)}
    try:
        rows = ModelRows(MethodWithoutColumns)
        page = list(rows.values(User.objects.order_by("pk")))
        assert rows.rows(page, {}) == [{"id": page[0]["id"], "greeting": "你好 wang"}]
    finally:
        del MethodWithoutColumns.row_reads
