"""Formatting for the assessment's pages: an indicator's value by its kind, numbers without trailing
zeros, a grade in words beside its colour."""

from decimal import Decimal

from django import template

from assessment.library import HOURS, LIBRARY, RATE
from assessment.models import Grade
from core import glossary

register = template.Library()

DASH = "—"
# Shenzhen's colours (DB4403/T 32-2019): green, blue, yellow, red.
GRADE_COLOURS = {Grade.EXCELLENT: "green", Grade.GOOD: "blue", Grade.FAIR: "amber", Grade.POOR: "red"}


@register.filter
def plain(number: Decimal | int | float | None) -> str:
    """A number as people write it: 12, 3.5, 87.25; a dash for none."""
    if number is None or number == "":
        return DASH
    text = f"{Decimal(str(number)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def figure_value(part: dict) -> str:
    """An indicator's value as its kind reads: a rate as a percentage (one decimal), hours with one
    decimal and "h", a count or points as a plain number; a dash when there is nothing to rate."""
    value = part.get("value")
    if value is None:
        return DASH
    kind = LIBRARY[part["code"]].kind if part["code"] in LIBRARY else ""
    if kind == RATE:
        return f"{float(value) * 100:.1f}%"
    if kind == HOURS:
        return f"{float(value):.1f} h"
    return plain(value)


@register.filter
def grade_label(grade: str) -> str:
    return str(Grade(grade).label) if grade in Grade.values else grade


@register.filter
def grade_colour(grade: str) -> str:
    return GRADE_COLOURS.get(grade, "none")


@register.filter
def term_label(code: str) -> str:
    """The glossary's label of an indicator's code (the code itself for one it does not know)."""
    return str(glossary.label(code)) if code in glossary.TERMS else code
