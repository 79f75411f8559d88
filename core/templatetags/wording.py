"""Template filters for numbers in sentences (``core.wording``)."""

from django import template

from core import wording

register = template.Library()


@register.filter
def plural_count(value) -> int:
    """``{% blocktranslate count n=issue.points|plural_count with points=… %}``: 1 for exactly one."""
    return wording.plural_count(value)


@register.filter
def duration(value) -> str:
    """A timedelta as people say it: 1 小时, 30 分钟."""
    return wording.duration_text(value)
