"""The scoreboards in the API: the rows of ``reports.selectors``, keys as the selectors name them."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core import glossary
from grids.api.serializers import GeoJSONGeometryField
from reports.selectors import SCOREBOARD_SORTS, Period

SORT_CHOICES = [*SCOREBOARD_SORTS, *(f"-{key}" for key in SCOREBOARD_SORTS)]
POINTS = {"max_digits": 12, "decimal_places": 2}
RATE_NOTE = _("0 to 1; null without a denominator.")


def _figure(
    code: str, field: type[serializers.Field] = serializers.IntegerField, *, note: str = "", **kwargs
) -> serializers.Field:
    """A figure's field, described by the glossary: its label and what it counts."""
    help_text = format_lazy("{}: {}{}", glossary.label(code), glossary.definition(code), note)
    return field(help_text=help_text, **kwargs)


def _rate(code: str) -> serializers.Field:
    return _figure(code, serializers.FloatField, note=format_lazy(" {}", RATE_NOTE), allow_null=True)


class PeriodQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=Period.KEYS,
        required=False,
        default=Period.THIS_WEEK,
        help_text=_(
            "The period the period figures cover: this week and this month run to date (today included); "
            "the current figures count what is open at the cut-off time whatever the period."
        ),
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
    end = serializers.DateField(allow_null=True, help_text=_("The last day counted: today for a period to date."))
    previous_start = serializers.DateField(
        allow_null=True, help_text=_("The first day of the span the period is compared with (null: none).")
    )
    previous_end = serializers.DateField(
        allow_null=True, help_text=_("The last day of the span the period is compared with (null: none).")
    )
    comparison = serializers.CharField(
        allow_null=True, help_text=_("What the comparison is against, e.g. the same days of the previous week.")
    )


class DepartmentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    dispatched = _figure("dispatched")
    closed = _figure("closed")
    open = _figure("open")
    closure_rate = _rate("closure_rate")
    closed_on_time = _figure("closed_on_time")
    on_time_closure_rate = _rate("on_time_closure_rate")
    reworked = _figure("reworked")
    rework_base = serializers.IntegerField(
        help_text=_("Issues whose rectification was submitted: the rework rate's denominator.")
    )
    rework_rate = _rate("rework_rate")
    points_lost = _figure("points_lost", serializers.DecimalField, **POINTS)
    overdue_tasks = _figure("overdue_tasks")
    current_open_tasks = _figure("current_open_tasks")
    current_overdue_tasks = _figure("current_overdue_tasks")
    current_open_issues = _figure("current_open_issues")
    current_overdue_issues = _figure("current_overdue_issues")


class GridRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    boundary = GeoJSONGeometryField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    leader_name = serializers.CharField(allow_null=True)
    found = _figure("found")
    open_issues = _figure("open")
    points_lost = _figure("points_lost", serializers.DecimalField, **POINTS)
    open_tasks = _figure("open_tasks")
    overdue_tasks = _figure("overdue_tasks")
    current_open_tasks = _figure("current_open_tasks")
    current_overdue_tasks = _figure("current_overdue_tasks")
    current_open_issues = _figure("current_open_issues")
    current_overdue_issues = _figure("current_overdue_issues")


class ScoreboardSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(
        help_text=format_lazy("{}: {}", glossary.label("as_of"), glossary.definition("as_of"))
    )
    period = PeriodSerializer()


class DepartmentScoreboardSerializer(ScoreboardSerializer):
    results = DepartmentRowSerializer(many=True)


class GridScoreboardSerializer(ScoreboardSerializer):
    results = GridRowSerializer(many=True)
