"""What the database holds of the master data, in the workbook's terms: codes and usernames instead
of keys, each sheet's records as parsing its cells would produce them. Read by the export and by the
import (to compare a file with what is there)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from accounts.models import Department, User
from assessment.models import Scheme
from campaign.models import Campaign, Target
from evaluation.models import Item, PointType
from grids.models import Grid, Place
from inspections.models import Criterion
from masterdata.schema import USERS, Column, Ref, Sheet


class Lookups:
    """Primary key → code of everything a sheet may refer to, each read once."""

    @cached_property
    def department(self) -> dict[int, str]:
        return dict(Department.objects.values_list("pk", "code"))

    @cached_property
    def user(self) -> dict[int, str]:
        return dict(User.objects.values_list("pk", "username"))

    @cached_property
    def grid(self) -> dict[int, str]:
        return dict(Grid.objects.values_list("pk", "code"))

    @cached_property
    def campaign(self) -> dict[int, str]:
        return dict(Campaign.objects.values_list("pk", "code"))

    @cached_property
    def target(self) -> dict[int, str]:
        return dict(Target.objects.values_list("pk", "code"))

    @cached_property
    def scheme(self) -> dict[int, str]:
        return dict(Scheme.objects.values_list("pk", "code"))

    @cached_property
    def point_type(self) -> dict[int, str]:
        return dict(PointType.objects.values_list("pk", "code"))

    @cached_property
    def item(self) -> dict[int, str]:
        return dict(Item.objects.values_list("pk", "code"))

    @cached_property
    def place(self) -> dict[int, str]:
        return dict(Place.objects.values_list("pk", "code"))

    @cached_property
    def criterion(self) -> dict[int, str]:
        return dict(Criterion.objects.values_list("pk", "code"))

    def codes(self, ref: Ref) -> dict[int, str]:
        return getattr(self, ref.value)


@dataclass
class Current:
    """A sheet's records as the database holds them: key → the row's values, and key → primary key."""

    rows: dict[str, dict[str, Any]]
    pks: dict[str, int]


def is_fk(column: Column) -> bool:
    """Whether the column holds one reference (a foreign key), rather than a value or a list."""
    return column.ref is not None and not column.many


def current_records(sheet: Sheet, lookups: Lookups) -> Current:
    """Read one sheet's records from the database in the form that parsing a cell produces."""
    scalar = [column for column in sheet.columns if not column.many]
    names = ["pk", *(f"{column.key}_id" if is_fk(column) else column.key for column in scalar)]
    rows: dict[str, dict[str, Any]] = {}
    pks: dict[str, int] = {}
    key_of: dict[int, str] = {}
    for record in sheet.model.objects.values(*names):
        values = {}
        for column in scalar:
            if is_fk(column):
                values[column.key] = lookups.codes(column.ref).get(record[f"{column.key}_id"])
            else:
                values[column.key] = record[column.key]
        key = values[sheet.key]
        rows[key], pks[key], key_of[record["pk"]] = values, record["pk"], key
    for column in sheet.columns:
        if not column.many:
            continue
        members: dict[str, list] = defaultdict(list)
        for owner, member in _many_pairs(sheet, column, lookups):
            if owner in key_of:
                members[key_of[owner]].append(member)
        for key, values in rows.items():
            values[column.key] = tuple(sorted(set(members.get(key, ())), key=str))
    return Current(rows=rows, pks=pks)


def _many_pairs(sheet: Sheet, column: Column, lookups: Lookups) -> Iterable[tuple[int, Any]]:
    if sheet is USERS and column.key == "roles":
        roles = [value for value, _ in column.choices]
        return User.groups.through.objects.filter(group__name__in=roles).values_list("user_id", "group__name")
    relation = sheet.model._meta.get_field(column.key)
    pairs = relation.remote_field.through.objects.values_list(relation.m2m_column_name(), relation.m2m_reverse_name())
    codes = lookups.codes(column.ref)
    return ((owner, codes[member]) for owner, member in pairs)
