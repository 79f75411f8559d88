"""Formatting for the dashboard's figures: rates as percentages, changes with their sign, and the
glossary's term for a code."""

from decimal import Decimal

from django import template

from core import glossary

register = template.Library()

DASH = "—"


@register.filter
def percent(rate: float | None, digits: int = 0) -> str:
    """A fraction as a percentage (0.875 → "88%"); a missing rate as a dash."""
    if rate is None or rate == "":
        return DASH
    return f"{float(rate) * 100:.{int(digits)}f}%"


@register.filter
def signed(change: float | int | Decimal | None, scale: int = 1) -> str:
    """A change with its sign (+3, −2, ±0), multiplied by ``scale`` (100 for a rate's points)."""
    if change is None or change == "":
        return ""
    value = float(change) * int(scale)
    if round(value, 1) == 0:
        return "±0"
    text = f"{abs(value):.1f}".removesuffix(".0")
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def trend(change: float | int | Decimal | None) -> str:
    """``up``, ``down`` or ``flat``: the CSS class of a change."""
    if change is None or change == "" or round(float(change), 6) == 0:
        return "flat"
    return "up" if float(change) > 0 else "down"


@register.filter
def term(code: str) -> glossary.Term:
    """The glossary's term named ``code``: ``{% with t=row.state|term %}{{ t.label }}``."""
    return glossary.term(code)
