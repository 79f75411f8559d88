"""Small reads that nearly every request makes, their SQL built by the ORM once per process.

Building a query (cloning the queryset, resolving lookups, compiling the SQL) costs the ORM several times
what a small query costs the database. ``CompiledQuery`` builds one the first time it runs on a database,
keeps its SQL, parameters and the columns' converters, and from then on only executes it: the same SQL,
the same rows, the same Python values the queryset would give. Only ``values_list`` queries whose
parameters are fixed, or plain strings swapped in by ``replace``, are compiled so.
"""

from collections.abc import Callable
from typing import Any

from django.db import connections, models


class CompiledQuery:
    """``build()``: a ``values_list`` queryset of ``model``, built once per database alias."""

    def __init__(self, model: type[models.Model], build: Callable[[], models.QuerySet]) -> None:
        self.model = model
        self.build = build
        self._compiled: dict[str, tuple[str, list, list]] = {}

    def _compile(self, alias: str) -> tuple[str, list, list]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiler = self.build().using(alias).query.get_compiler(alias)
            sql, params = compiler.as_sql()
            converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
            compiled = self._compiled[alias] = (sql, list(params), sorted(converters.items()))
        return compiled

    def rows(self, *, replace: dict[Any, Any] | None = None) -> list[tuple]:
        """The queryset's rows, each parameter equal to a key of ``replace`` swapped for its value."""
        alias = self.model._default_manager.db
        sql, params, converters = self._compile(alias)
        if replace:
            params = [replace.get(param, param) if isinstance(param, str) else param for param in params]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


class IdsQuery:
    """``build(ids)``: a ``values_list`` query of ``model`` whose only parameters are ``ids`` (a page's rows'
    many-to-many ids, their photos), its SQL built once per database and number of ids."""

    def __init__(self, model: type[models.Model], build: Callable[[list[int]], models.QuerySet]) -> None:
        self.model = model
        self.build = build
        self._compiled: dict[tuple[str, int], tuple[str, list] | None] = {}

    def _compile(self, alias: str, count: int) -> tuple[str, list] | None:
        key = (alias, count)
        if key not in self._compiled:
            stand_ins = [-1 - number for number in range(count)]  # no row has a negative id
            compiler = self.build(stand_ins).using(alias).query.get_compiler(alias)
            sql, params = compiler.as_sql()
            converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
            # Kept only if the ids are the parameters, in order, and no column needs converting.
            self._compiled[key] = (sql, list(params)) if list(params) == stand_ins and not converters else None
        return self._compiled[key]

    def rows(self, ids: list[int]) -> list[tuple]:
        alias = self.model._default_manager.db
        compiled = self._compile(alias, len(ids)) if ids else None
        if compiled is None:
            return list(self.build(ids).using(alias))
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled[0], ids)
            return cursor.fetchall()
