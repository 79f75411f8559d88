"""A location on the map: latitude and longitude in WGS-84 degrees (what a phone's GPS gives).

The one rule for every door that takes a location — the filing form, the REST API and Open311: each
coordinate a number within its range with at most six decimals (about 0.1 m), and both or neither.
"""

import math
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Literal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

Axis = Literal["latitude", "longitude"]

DECIMALS = 6
MAX_DIGITS = 9
LIMITS: dict[Axis, int] = {"latitude": 90, "longitude": 180}
# The text a request may carry for each axis ("" reads as no location, as null does): no exponent,
# no padding, no leading zeros. The API's schema documents it as the field's pattern.
PATTERNS: dict[Axis, str] = {
    "latitude": r"^(?:-?(?:90(?:\.0{1,6})?|[1-8]?[0-9](?:\.[0-9]{1,6})?))?$",
    "longitude": r"^(?:-?(?:180(?:\.0{1,6})?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]{1,6})?))?$",
}
LABELS = {"latitude": _("Latitude"), "longitude": _("Longitude")}
OUT_OF_RANGE = {
    "latitude": _("Latitude must be a number between -90 and 90, with at most 6 decimals."),
    "longitude": _("Longitude must be a number between -180 and 180, with at most 6 decimals."),
}
BOTH_NEEDED = _("A location needs both latitude and longitude.")


class LocationError(ValueError):
    """A location refused, with the field to blame (``latitude`` or ``longitude``)."""

    def __init__(self, field: Axis, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def coordinate_parse(value: str | Decimal | float | None, *, axis: Axis, rounding: bool = False) -> Decimal | None:
    """One coordinate, or ``None`` for an empty value. With ``rounding``, more decimals are rounded to
    six (GeoReport clients send raw GPS floats); without, they are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    refused = LocationError(axis, str(OUT_OF_RANGE[axis]))
    if isinstance(value, str):
        text = value.strip()
        if not rounding and not re.fullmatch(PATTERNS[axis], text):
            raise refused
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise refused from None
    else:
        number = Decimal(str(value))
    if not number.is_finite() or abs(number) > LIMITS[axis]:
        raise refused
    if rounding:
        return number.quantize(Decimal(1).scaleb(-DECIMALS), rounding=ROUND_HALF_EVEN)
    if number.as_tuple().exponent < -DECIMALS:
        raise refused
    return number


def location_pair(latitude: Decimal | None, longitude: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates or neither; the one missing is to blame."""
    if latitude is None and longitude is not None:
        raise LocationError("latitude", str(BOTH_NEEDED))
    if longitude is None and latitude is not None:
        raise LocationError("longitude", str(BOTH_NEEDED))
    return latitude, longitude


class CoordinateField(forms.CharField):
    """A coordinate on a page's form, checked by ``coordinate_parse`` (one message about this field)."""

    def __init__(self, *, axis: Axis, **kwargs) -> None:
        self.axis = axis
        kwargs.setdefault("label", LABELS[axis])
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "data-geo": axis}))
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        try:
            return coordinate_parse(super().to_python(value), axis=self.axis)
        except LocationError as error:
            raise ValidationError(error.message, code="invalid") from None


def location_form_clean(form: forms.Form, data: dict) -> None:
    """A form's ``clean()`` part for its two ``CoordinateField``s: both or neither — said only when
    neither coordinate has a message of its own already."""
    if form.has_error("latitude") or form.has_error("longitude"):
        return
    try:
        location_pair(data.get("latitude"), data.get("longitude"))
    except LocationError as error:
        form.add_error(error.field, error.message)


# --- Chinese web maps and the city's outline ----------------------------------------------------------
# Browser GPS gives WGS-84; a point picked on a Chinese web map is GCJ-02 (AMap, Tencent) or BD-09 (Baidu),
# off by 300-600 m in the city. Every stored coordinate is WGS-84: a map pick is converted on the way in.

Datum = Literal["wgs84", "gcj02", "bd09"]
_A = 6378245.0  # Krasovsky 1940, the ellipsoid GCJ-02 offsets by
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _outside_china(lng: float, lat: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02's published offset at a WGS-84 point, in degrees (longitude, latitude)."""
    x, y = lng - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lng += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lng, d_lat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if _outside_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """The inverse, by iteration: within a few centimetres after a handful of steps."""
    if _outside_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _step in range(6):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        w_lng, w_lat = w_lng - (g_lng - lng), w_lat - (g_lat - lat)
    return w_lng, w_lat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def to_wgs84(latitude: Decimal, longitude: Decimal, *, datum: Datum) -> tuple[Decimal, Decimal]:
    """A point in ``datum`` as WGS-84, rounded to six decimals as every stored coordinate is."""
    lng, lat = float(longitude), float(latitude)
    if datum == "bd09":
        lng, lat = gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))
    elif datum == "gcj02":
        lng, lat = gcj02_to_wgs84(lng, lat)
    elif datum != "wgs84":
        raise ValueError(datum)
    step = Decimal(1).scaleb(-DECIMALS)
    return Decimal(repr(lat)).quantize(step), Decimal(repr(lng)).quantize(step)


EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def metres_between(
    latitude: Decimal | None, longitude: Decimal | None, other_latitude: Decimal | None, other_longitude: Decimal | None
) -> int | None:
    """Whole metres between two stored points (``distance_m``), or ``None`` when either has no position."""
    if None in (latitude, longitude, other_latitude, other_longitude):
        return None
    return round(distance_m(float(latitude), float(longitude), float(other_latitude), float(other_longitude)))


def bounding_box(latitude: float, longitude: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of the square around a point that holds its circle of ``radius_m``: what an
    index on latitude and longitude can narrow a radius search to."""
    d_lat = radius_m / METRES_PER_DEGREE
    d_lng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - d_lat, latitude + d_lat, longitude - d_lng, longitude + d_lng


def _ring_contains(ring: list, lng: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def geometry_contains(geometry: dict | None, *, latitude: float, longitude: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon (a grid's boundary, WGS-84) holds the point; holes count."""
    if not geometry:
        return False
    kind = geometry.get("type")
    polygons = [geometry.get("coordinates")] if kind == "Polygon" else geometry.get("coordinates") or []
    if kind not in ("Polygon", "MultiPolygon"):
        return False
    for rings in polygons:
        rings = [[tuple(point[:2]) for point in ring] for ring in rings or []]
        if rings and _ring_contains(rings[0], longitude, latitude):
            if not any(_ring_contains(hole, longitude, latitude) for hole in rings[1:]):
                return True
    return False
