"""The scoreboards in the API: the rows of ``reports.selectors``, keys as the selectors name them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grids.api.serializers import GeoJSONGeometryField
from reports.selectors import SCOREBOARD_SORTS, Period

SORT_CHOICES = [*SCOREBOARD_SORTS, *(f"-{key}" for key in SCOREBOARD_SORTS)]
POINTS = {"max_digits": 12, "decimal_places": 2}


class PeriodQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=Period.KEYS, required=False, default=Period.THIS_WEEK, help_text=_("The period the figures cover.")
    )


class DepartmentScoreboardQuerySerializer(PeriodQuerySerializer):
    sort = serializers.ChoiceField(
        choices=SORT_CHOICES,
        required=False,
        help_text=_("A column, '-' first for descending; most points lost first by default."),
    )


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


class DepartmentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    dispatched = serializers.IntegerField(help_text=_("Issues found in the period and routed to the department."))
    closed = serializers.IntegerField()
    open = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True, help_text=_("0 to 1; null without a denominator."))
    closed_on_time = serializers.IntegerField()
    on_time_closure_rate = serializers.FloatField(allow_null=True)
    reworked = serializers.IntegerField()
    rework_base = serializers.IntegerField()
    rework_rate = serializers.FloatField(allow_null=True)
    points_lost = serializers.DecimalField(**POINTS)
    overdue_tasks = serializers.IntegerField()


class GridRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    boundary = GeoJSONGeometryField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    leader_name = serializers.CharField(allow_null=True)
    open_issues = serializers.IntegerField()
    points_lost = serializers.DecimalField(**POINTS)
    open_tasks = serializers.IntegerField()
    overdue_tasks = serializers.IntegerField()


class DepartmentScoreboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    results = DepartmentRowSerializer(many=True)


class GridScoreboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    results = GridRowSerializer(many=True)
