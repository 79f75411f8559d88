"""Formatting for the dashboard's figures: rates as percentages, changes with their sign or in words,
the words beside each colour, and the glossary's term for a code."""

from decimal import Decimal

from django import template
from django.utils.translation import pgettext_lazy

from core import glossary

register = template.Library()

DASH = "—"
# The on-time closure rate's bands (reports.views.rate_band) in words, so that no colour speaks alone.
BAND_WORDS = {
    "green": pgettext_lazy("on-time closure rate band", "good"),
    "amber": pgettext_lazy("on-time closure rate band", "fair"),
    "red": pgettext_lazy("on-time closure rate band", "poor"),
}


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
def magnitude(change: float | int | Decimal | None, scale: int = 1) -> str:
    """A change's size without its sign (the words beside it say which way), multiplied by ``scale``."""
    if change is None or change == "":
        return ""
    return f"{abs(float(change) * int(scale)):.1f}".removesuffix(".0")


@register.filter
def trend(change: float | int | Decimal | None) -> str:
    """``up``, ``down`` or ``flat``: the CSS class of a change."""
    if change is None or change == "" or round(float(change), 6) == 0:
        return "flat"
    return "up" if float(change) > 0 else "down"


@register.filter
def change_verdict(card: dict) -> str:
    """``better``, ``worse`` or ``""`` (no change, nothing to compare): whether a KPI card's change is good
    news, a rise for most figures and a fall for those where lower is better."""
    direction = trend(card.get("change"))
    if direction == "flat":
        return ""
    return "better" if (direction == "up") != bool(card.get("lower_is_better")) else "worse"


@register.filter
def band_word(band: str) -> str:
    """The word of an on-time closure rate's colour band ("" for none)."""
    return BAND_WORDS.get(band, "")


@register.filter
def term(code: str) -> glossary.Term:
    """The glossary's term named ``code``: ``{% with t=row.state|term %}{{ t.label }}``."""
    return glossary.term(code)
