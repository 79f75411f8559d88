"""Numbers in sentences: the plural form of a decimal amount, and a length of time as people say it."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_noop, ngettext

# Django's forms (the admin's too) put ``gettext(":")`` after every label; this catalogue answers it with
# the Chinese full-width colon. Named here so that ``makemessages`` keeps the entry.
LABEL_SUFFIX = gettext_noop(":")


def plural_count(value) -> int:
    """The number that picks the plural form of an amount that may be a decimal (points: 0.5, 1,
    1.5): 1 for exactly one, otherwise 2. ``ngettext`` and ``{% blocktranslate count %}`` choose the
    form by an integer; the amount itself is shown as it is."""
    try:
        return 1 if Decimal(str(value)) == 1 else 2
    except ArithmeticError:
        return 2


def duration_text(value: datetime.timedelta | None) -> str:
    """A length of time as people say it: "1 hour", "30 minutes", "1 hour 30 minutes" (1 小时 30 分钟)."""
    if value is None:
        return ""
    minutes = max(0, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if minutes or not hours:
        parts.append(ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes})
    return " ".join(parts)
