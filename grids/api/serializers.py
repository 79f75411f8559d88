"""How grids (with their GeoJSON boundary) and places look in the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grids.models import Grid, Place


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "A GeoJSON geometry (RFC 7946): Polygon or MultiPolygon, longitude first.",
        "properties": {
            "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
            "coordinates": {"type": "array", "items": {}},
        },
    }
)
class GeoJSONGeometryField(serializers.JSONField):
    pass


class GridSerializer(serializers.ModelSerializer):
    boundary = GeoJSONGeometryField(read_only=True, allow_null=True)

    class Meta:
        model = Grid
        fields = (
            "id",
            "code",
            "name",
            "subdistrict",
            "leader",
            "departments",
            "boundary",
            "latitude",
            "longitude",
            "updated",
        )


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = (
            "id",
            "code",
            "name",
            "kind",
            "grid",
            "address",
            "latitude",
            "longitude",
            "assigned_department",
            "assigned_leader",
            "territorial_unit",
            "households",
            "length_m",
            "property_company",
            "is_active",
            "updated",
        )
