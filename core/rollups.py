"""Rollups: counts kept current by the services that write their base rows, so that the dashboard adds up
a few hundred rows rather than the whole city's.

Each app that keeps some declares them in its ``rollups.py`` as ``ROLLUPS``, a list of ``Rollup``: the model,
the fields that make a row (``key``), the numbers added up (``measures``) and ``recount``, the same rows
computed from the base tables. A writer adds what it changed with ``rollup_add`` inside its own transaction
(one upsert per model, the rows in key order, so that two writers lock them in the same order);
``rollup_rebuild`` replaces a table by its recount under a lock; ``rollup_differences`` compares the two
(``manage.py rollups --check``)."""

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connections, models, router, transaction

Number = int | Decimal
Deltas = dict[tuple, dict[str, Number]]


@dataclass(frozen=True)
class Rollup:
    """One kept table: ``model`` with a unique constraint on ``key`` (attribute names), its ``measures``, and
    ``recount()`` giving the rows it should hold (dicts of key and measures), computed from the base tables."""

    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    measures: tuple[str, ...]
    recount: Callable[[], Iterable[dict]]

    def db(self) -> str:
        return router.db_for_write(self.model)


def rollups_registered() -> list[Rollup]:
    """Every app's ``ROLLUPS`` (from its ``rollups`` module), in the order the apps are installed."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.rollups")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.rollups":
                raise
            continue
        found.extend(getattr(module, "ROLLUPS", ()))
    return found


def deltas_merge(into: Deltas, key: tuple, sign: int, measures: dict[str, Number]) -> None:
    """Add ``measures`` (times ``sign``) to the row ``key`` of ``into``."""
    row = into.setdefault(key, {})
    for name, value in measures.items():
        row[name] = row.get(name, 0) + sign * value


def rollup_add(rollup: Rollup, deltas: Deltas) -> None:
    """Add ``deltas`` (``{key: {measure: change}}``) to the rollup's rows in one upsert, creating the rows
    that are missing. Rows whose changes are all zero are left alone. Safe under concurrency: the database
    adds to the stored value (``count = count + change``) under the row's lock, never a value read before."""
    changed = {key: row for key, row in deltas.items() if any(row.values())}
    if not changed:
        return
    model, db = rollup.model, rollup.db()
    connection = connections[db]
    name = connection.ops.quote_name
    fields = [model._meta.get_field(attname) for attname in (*rollup.key, *rollup.measures)]
    columns = [field.column for field in fields]
    params: list[Any] = []
    for key in sorted(changed, key=_sortable):
        values = (*key, *(changed[key].get(measure, 0) for measure in rollup.measures))
        params.extend(field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True))
    table = name(model._meta.db_table)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(
        f"{name(column)} = {table}.{name(column)} + excluded.{name(column)}" for column in columns[len(rollup.key) :]
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(name(column) for column in columns)}) "  # noqa: S608 - names from the model
        f"VALUES {', '.join([row] * len(changed))} "
        f"ON CONFLICT ({', '.join(name(column) for column in columns[: len(rollup.key)])}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sortable(key: tuple) -> tuple:
    return tuple((value is None, str(value)) for value in key)


def _recounted(rollup: Rollup) -> dict[tuple, dict[str, Number]]:
    rows = {}
    for row in rollup.recount():
        measures = {measure: row[measure] or 0 for measure in rollup.measures}
        if any(measures.values()):
            rows[tuple(row[attname] for attname in rollup.key)] = measures
    return rows


def _stored(rollup: Rollup) -> dict[tuple, dict[str, Number]]:
    rows = {}
    for row in rollup.model.objects.using(rollup.db()).values(*rollup.key, *rollup.measures).iterator():
        measures = {measure: row[measure] for measure in rollup.measures}
        if any(measures.values()):
            rows[tuple(row[attname] for attname in rollup.key)] = measures
    return rows


@dataclass(frozen=True)
class Difference:
    """A row of a rollup whose stored numbers are not those recounted from the base tables (``None``: no row)."""

    rollup: str
    key: dict[str, Any]
    stored: dict[str, Number] | None
    recounted: dict[str, Number] | None

    def __str__(self) -> str:
        key = ", ".join(f"{name}={value}" for name, value in self.key.items())
        return f"{self.rollup} [{key}]: stored {self.stored}, recounted {self.recounted}"


def rollup_differences(rollup: Rollup) -> Iterator[Difference]:
    """The rows where the stored rollup and its recount disagree (rows of zeros count as absent)."""
    stored, recounted = _stored(rollup), _recounted(rollup)
    for key in sorted(stored.keys() | recounted.keys(), key=_sortable):
        if stored.get(key) != recounted.get(key):
            yield Difference(rollup.name, dict(zip(rollup.key, key, strict=True)), stored.get(key), recounted.get(key))


def rollup_rebuild(rollup: Rollup) -> int:
    """Replace the rollup's rows by their recount, in the caller's transaction (or one of its own); returns
    how many rows it holds. The table is locked first (PostgreSQL), so that a writer adding to it waits for
    the rebuild and then adds its change to the recount, which did not see that writer's rows."""
    db = rollup.db()
    connection = connections[db]
    with transaction.atomic(using=db):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(rollup.model._meta.db_table)} IN EXCLUSIVE MODE")
        rollup.model.objects.using(db).all().delete()
        rows = [
            rollup.model(**dict(zip(rollup.key, key, strict=True)), **measures)
            for key, measures in _recounted(rollup).items()
        ]
        rollup.model.objects.using(db).bulk_create(rows, batch_size=2000)
    return len(rows)


def rollups_rebuild(*, app_labels: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild every registered rollup (of ``app_labels`` only, if given) in one transaction: ``{name: rows}``."""
    wanted = None if app_labels is None else set(app_labels)
    chosen = [r for r in rollups_registered() if wanted is None or r.model._meta.app_label in wanted]
    counts = {}
    with transaction.atomic():
        connection = connections[router.db_for_write(chosen[0].model)] if chosen else None
        if connection is not None and connection.vendor == "postgresql":
            # All at once, so that no writer sees some rebuilt and others not.
            tables = ", ".join(connection.ops.quote_name(r.model._meta.db_table) for r in chosen)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        for rollup in chosen:
            counts[rollup.name] = rollup_rebuild(rollup)
    return counts
