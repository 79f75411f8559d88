"""Filters every app's FilterSets share."""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time, turned into UTC before it reaches the database: PostgreSQL
    refuses offsets beyond ±15:59 that Python accepts, and an instant is an instant."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise ValidationError(_("Enter a date and time between the years 1 and 9999."), code="invalid") from None


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """``updated_since``: rows changed at or after an instant, for incremental sync."""

    field_class = UtcIsoDateTimeField

    def __init__(self, field_name: str = "updated", **kwargs) -> None:
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", _("Changed at or after (ISO 8601)"))
        super().__init__(field_name=field_name, **kwargs)
