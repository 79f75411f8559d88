"""Reads that may come from a read replica: the dashboard's and the weekly workbook's, never a page that
follows the browser's own write, never a write.

Where a replica is configured (``DATABASE_REPLICA_URL``, settings ``REPLICA_DATABASE``), code that only
reads the product's figures runs inside ``reading_from_replica()`` (pages: the ``replica_reads`` view
decorator), and ``ReplicaRouter`` sends that code's reads of the product's tables to the replica.
Everything else reads from, and every write goes to, the default database. Sessions, the cache, the
login throttle and tokens are never read from the replica.

A replica lags a little behind its primary, so someone who has just changed something must see it:
every response to a POST, PUT, PATCH or DELETE sets a short-lived cookie (``RecentWriteMiddleware``), and
while the browser holds it, its pages read from the default database.
"""

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

# The product's own tables: what its figures are made of.
REPLICA_APPS = frozenset(
    {"core", "accounts", "grids", "campaign", "inspections", "evaluation", "citizens", "assessment", "reports"}
)
RECENT_WRITE_COOKIE = "recent_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within this block, reads of the product's tables go to the replica, if one is configured."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_reads(view: Callable) -> Callable:
    """A page that only reads figures reads them from the replica, unless the browser has just written.
    Put it below ``login_required``, so that the session and the user are read from the default database."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.method not in SAFE_METHODS or RECENT_WRITE_COOKIE in request.COOKIES:
            return view(request, *args, **kwargs)
        with reading_from_replica():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Django's database router: the replica for reads of the product's tables inside
    ``reading_from_replica()``; the default database for everything else."""

    def db_for_read(self, model: type[Model], **hints) -> str | None:
        replica = settings.REPLICA_DATABASE
        if replica and _reading_from_replica.get() and model._meta.app_label in REPLICA_APPS:
            return replica
        return None  # Django's own choice: the database the hinted instance came from, or the default

    def db_for_write(self, model: type[Model], **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Model, second: Model, **hints) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, settings.REPLICA_DATABASE}
        return True if {first._state.db, second._state.db} <= same_data else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica copies its primary's tables


class RecentWriteMiddleware:
    """Marks a browser that has just sent a write, so that its next pages read from the default database
    for ``REPLICA_AFTER_WRITE_SECONDS`` (longer than the replica lags). Only where a replica is configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.REPLICA_DATABASE and request.method not in SAFE_METHODS:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=settings.REPLICA_AFTER_WRITE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
