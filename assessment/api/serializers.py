"""The assessment's results in the API: a period's rows, each with its score, grade and indicators."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessment.models import Grade, Level
from assessment.periods import PATTERN
from core import glossary

NUMBER = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": False}


class ResultsQuerySerializer(serializers.Serializer):
    period = serializers.RegexField(
        PATTERN,
        required=False,
        help_text=_("A month (2018-03), an ISO week (2018-W09) or a quarter (2018-Q1); this month by default."),
    )
    level = serializers.ChoiceField(
        choices=Level.choices,
        required=False,
        default=Level.DEPARTMENT,
        help_text=_(
            "Who is scored: departments (the cases dispatched to them), streets or grids (the cases found in them)."
        ),
    )


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The indicator's code in the glossary (e.g. disposal_rate)."))
    numerator = serializers.DecimalField(**NUMBER, help_text=_("What the indicator counts (or adds up)."))
    denominator = serializers.DecimalField(
        **NUMBER, allow_null=True, help_text=_("What it counts out of; null for a count.")
    )
    value = serializers.FloatField(
        allow_null=True, help_text=_("A rate from 0 to 1, a count, points or hours; null without a denominator.")
    )
    points = serializers.DecimalField(
        **NUMBER, help_text=_("What the value earns (or, for an item, adds or takes off).")
    )


class ResultRowSerializer(serializers.Serializer):
    department = serializers.CharField(source="name", help_text=_("The department's (or street's, or grid's) name."))
    id = serializers.IntegerField(source="unit_id")
    code = serializers.CharField()
    rank = serializers.IntegerField(help_text=_("1 for the highest score; equal scores share a rank."))
    score = serializers.DecimalField(
        **NUMBER, help_text=format_lazy("{}: {}", glossary.label("score"), glossary.definition("score"))
    )
    grade = serializers.ChoiceField(
        choices=Grade.choices, help_text=format_lazy("{}: {}", glossary.label("grade"), glossary.definition("grade"))
    )
    indicators = FigureSerializer(many=True, help_text=_("The scheme's weighted indicators."))
    adjustments = FigureSerializer(many=True, help_text=_("The scheme's deductions and bonus items."))


class ResultsSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    level = serializers.ChoiceField(choices=Level.choices)
    scheme = serializers.CharField(help_text=_("The scheme's code; builtin when none is configured."))
    stage = serializers.ChoiceField(
        choices=(("live", _("Computed now")), ("published", _("Published for comment")), ("frozen", _("Frozen"))),
        help_text=_("Computed now, or as published for comment, or frozen."),
    )
    as_of = serializers.DateTimeField(
        help_text=format_lazy("{}: {}", glossary.label("as_of"), glossary.definition("as_of"))
    )
    results = ResultRowSerializer(many=True)
