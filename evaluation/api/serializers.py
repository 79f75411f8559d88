from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from evaluation.models import Observation, Round
from evaluation.selectors import BREAKDOWNS


class RoundSerializer(serializers.ModelSerializer):
    score_rate = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("Points earned over points applicable, in percent.")
    )
    points_applicable = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    points_earned = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    point_count = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("Points drawn."))
    sheet_count = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("Sheets submitted."))

    class Meta:
        model = Round
        fields = (
            "id",
            "code",
            "title",
            "campaign",
            "start_date",
            "end_date",
            "status",
            "points_per_type",
            "by_street",
            "seed",
            "closed_at",
            "point_count",
            "sheet_count",
            "points_applicable",
            "points_earned",
            "score_rate",
        )


class ScoresQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=[key for key in BREAKDOWNS if key != "point"], required=False, default="type")


class ScoreRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text=_("The id of the point type, street, grid or department."))
    name = serializers.CharField()
    points_applicable = serializers.DecimalField(max_digits=12, decimal_places=2)
    points_earned = serializers.DecimalField(max_digits=12, decimal_places=2)
    score_rate = serializers.FloatField(allow_null=True, help_text=_("In percent; null where nothing applied."))
    observed = serializers.IntegerField(help_text=_("Standards observed (不适用 left out)."))
    failed = serializers.IntegerField()
    change = serializers.FloatField(
        allow_null=True, help_text=_("Percentage points against the previous closed round.")
    )


class ScoresSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    by = serializers.CharField()
    results = ScoreRowSerializer(many=True)


class ObservationSerializer(serializers.ModelSerializer):
    point = serializers.IntegerField(source="round_point.place_id", help_text=_("The place observed."))
    place_name = serializers.CharField(source="round_point.place.name")
    standard_code = serializers.CharField(source="standard.code")
    points = serializers.DecimalField(
        source="points_applicable", max_digits=6, decimal_places=2, help_text=_("Points applicable (0 for 不适用).")
    )

    class Meta:
        model = Observation
        fields = (
            "id",
            "round",
            "point",
            "place_name",
            "point_type",
            "street",
            "grid",
            "department",
            "standard",
            "standard_code",
            "result",
            "points",
            "points_earned",
            "issue",
        )
