"""Who changed what, and when: the author of a write on its django-simple-history records, and the
change history the object pages show (``templates/includes/history.html``).

The services name the author of what they save with ``history_author``, instead of leaving it to
``HistoryRequestMiddleware``: that one knows only a signed-in request's user, so a write made for
an Open311 api_key, by a Celery worker or by a management command would be recorded as nobody's."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

from django.db.models import ForeignKey, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

HISTORY_LIMIT = 30
M = TypeVar("M", bound=Model)


def history_author(instance: M, *, actor: Model | None, reason: str | None = None) -> M:
    """Record ``actor`` (and ``reason``, when given) on the history records of the instance's next
    saves, its many-to-many changes included. ``None`` records the system."""
    instance._history_user = actor
    if reason is not None:
        instance._change_reason = reason
    return instance


# ---------------------------------------------------------------------------------------------
# What the pages show


def change_history(obj: Model, *, related: Iterable[QuerySet] = (), limit: int = HISTORY_LIMIT) -> list[dict]:
    """The object's history records, and those of ``related`` (historical querysets of other
    objects shown on the same page, e.g. ``Place.history.filter(grid_id=grid.pk)``, each entry
    named by its object), newest first, each with its author, time, reason and changed fields.

    The number of queries depends on the models, never on the number of records: one for the
    records, one for their predecessors that are not among them (if any), one per many-to-many field."""
    entries = _entries(obj.history.all(), limit=limit, named=False)
    for records in related:
        entries += _entries(records, limit=limit, named=True)
    entries.sort(key=lambda entry: entry["at"], reverse=True)  # stable: ties keep their order
    return entries[:limit]


def _foreign_keys(history_model) -> list[str]:
    return [field.name for field in history_model.tracked_fields if isinstance(field, ForeignKey)]


def _entries(records: QuerySet, *, limit: int, named: bool) -> list[dict]:
    model = records.model
    # The record before each one of the same object, found by the database.
    earlier = model.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    previous = Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])
    related = ["history_user", *_foreign_keys(model)]
    newest = list(
        records.select_related(*related).annotate(previous_id=previous).order_by("-history_date", "-history_id")[:limit]
    )
    by_id = {record.history_id: record for record in newest}
    missing = {record.previous_id for record in newest} - set(by_id) - {None}
    if missing:
        by_id.update(model.objects.select_related(*_foreign_keys(model)).in_bulk(missing))
    members = _m2m_members(model, list(by_id))

    fields = [field for field in model.tracked_fields if field.editable]
    entries = []
    for record in newest:
        older = by_id.get(record.previous_id)
        changes = []
        if older is not None:
            for field in fields:
                if getattr(record, field.attname) != getattr(older, field.attname):
                    changes.append((field.name, _change(field, _value(older, field), _value(record, field))))
            for name, current in members.get(record.history_id, {}).items():
                before = members.get(older.history_id, {}).get(name, [])
                if {key for key, _label in before} != {key for key, _label in current}:
                    field = model.instance_type._meta.get_field(name)
                    changes.append((name, _change(field, before, current)))
        changes.sort(key=lambda change: change[0])  # by field name, as simple-history's diff
        entries.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "reason": record.history_change_reason,
                "type": record.get_history_type_display(),
                "created": older is None and record.history_type == "+",
                "changes": [change for _name, change in changes],
                "object": str(record.history_object) if named else "",
            }
        )
    return entries


def _value(record, field):
    """A field's value on a record; for a foreign key, the related object (or ``#id`` once deleted)."""
    value = getattr(record, field.name)
    if value is None and field.is_relation and getattr(record, field.attname) is not None:
        return f"#{getattr(record, field.attname)}"
    return value


def _m2m_members(model, history_ids: list[int]) -> dict[int, dict[str, list[tuple[int, str]]]]:
    """Record id → many-to-many field name → (id, name) of each related object the record holds."""
    members: dict[int, dict[str, list]] = defaultdict(dict)
    for field in model._history_m2m_fields:
        through = getattr(model, field.name).model
        target = field.m2m_reverse_field_name()
        for record in history_ids:
            members[record][field.name] = []
        for row in through.objects.filter(history_id__in=history_ids).select_related(target):
            key, related = getattr(row, f"{target}_id"), getattr(row, target)
            members[row.history_id][field.name].append((key, str(related) if related is not None else f"#{key}"))
    for fields in members.values():
        for items in fields.values():
            items.sort(key=lambda item: item[1])
    return members


def _change(field, old, new) -> dict:
    return {"field": field.verbose_name, "old": _shown(field, old), "new": _shown(field, new)}


def _shown(field, value) -> str:
    if field.many_to_many:
        return "、".join(label for _key, label in value) or "—"
    if value is None or value == "":
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
