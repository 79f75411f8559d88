"""The API's token authentication: DRF's, its token, its user and the user's roles read in one statement.

DRF reads the token with its user (``select_related``), and every list then reads the user's groups
(``role_names``, who may see what): two queries the ORM builds afresh on each request, a good part of a
short list's time. Here one statement, compiled once per process (``core.statements``), reads the three;
the user's ``role_names`` is set from it. A key that matches nothing, or an inactive user, goes to DRF's
own method, which refuses it with DRF's message and code.
"""

import functools

from django.contrib.auth import get_user_model
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from core.statements import CompiledQuery

_KEY = "core.authentication:key"  # stands for the key while the statement is compiled


@functools.cache
def _statement() -> tuple[CompiledQuery, list[str]]:
    """The statement, and the user's attribute names in the order it reads them."""
    fields = [field.attname for field in get_user_model()._meta.concrete_fields]
    query = CompiledQuery(
        Token,
        lambda: Token.objects.filter(key=_KEY).values_list(
            "created", *(f"user__{name}" for name in fields), "user__groups__name"
        ),
    )
    return query, fields


def token_user(key: str):
    """The user and the token of ``key``, the user's ``role_names`` filled in; ``None`` for no such token."""
    query, fields = _statement()
    rows = query.rows(replace={_KEY: key})
    if not rows:
        return None
    group = 1 + len(fields)  # where the group's name is in a row
    first = rows[0]
    alias = Token.objects.db
    user = get_user_model().from_db(alias, fields, first[1:group])
    user.__dict__["role_names"] = frozenset(row[group] for row in rows if row[group] is not None)
    token = Token.from_db(alias, ["key", "user_id", "created"], [key, user.pk, first[0]])
    Token.user.field.set_cached_value(token, user)
    return user, token


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, as DRF reads it (``token_user``)."""

    def authenticate_credentials(self, key):
        found = token_user(key)
        if found is None or not found[0].is_active:
            return super().authenticate_credentials(key)  # DRF's refusal, in its words
        return found
