"""A location on the map: latitude and longitude in WGS-84 degrees (what a phone's GPS gives).

The one rule for every door that takes a location — the filing form, the REST API and Open311: each
coordinate a number within its range with at most six decimals (about 0.1 m), and both or neither.
"""

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
