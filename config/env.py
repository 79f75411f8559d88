"""Strict reading of settings from the environment.

Every reader names the variable in its error, so that a typo in a deployment stops
start-up with a message an operator can act on instead of a half-working server.
"""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """A malformed environment variable."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"Environment variable {name}={value!r} is invalid: expected {expected}.")
        self.name = name


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(name, value, "one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise EnvError(name, value, "an integer") from None
    if minimum is not None and number < minimum:
        raise EnvError(name, value, f"an integer of at least {minimum}")
    return number


_LIMIT = re.compile(r"[1-9][0-9]*(m|h|d|nh)")


def env_limit(name: str, default: str) -> str:
    """A time limit as ``core.working_time.Limit`` reads it: ``90m``, ``4h`` (office time), ``3d`` (working
    days) or ``24nh`` (natural hours), more than zero."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    if not _LIMIT.fullmatch(value.strip().lower()):
        raise EnvError(name, value, "a time limit such as 90m, 4h, 3d or 24nh, more than zero")
    return value.strip().lower()


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise EnvError(name, value, "a comma-separated list without empty items")
    return items


_URL_PATH = re.compile(r"(/[\w~-][\w.~-]*)+/")


def env_url_path(name: str) -> str:
    """A URL path of one or more segments with a slash at both ends, such as ``/protected-media/``;
    unset or empty gives ``""``."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return ""
    if not _URL_PATH.fullmatch(value.strip()):
        raise EnvError(name, value, "a URL path with a slash at both ends, such as /protected-media/")
    return value.strip()


def env_database(name: str, default: str) -> dict:
    value = env_str(name) or default
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise EnvError(name, value, f"a database URL such as postgres://user@host:5432/db ({exc})") from None
    if not config.get("NAME"):
        raise EnvError(name, value, "a database URL that names the database")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Leaving the persistent connection to SQLite open across requests buys nothing.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"timeout": 20}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a plan in 50-100 ms: a loss for the short read queries of pages
        # and API lists, whose plans its cost threshold wrongly takes for big ones on large tables.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory", "amqp", "pyamqp", "sentinel"}


def env_broker_url(name: str, default: str) -> str:
    value = env_str(name) or default
    scheme = urlsplit(value).scheme
    if scheme not in _BROKER_SCHEMES:
        raise EnvError(name, value, "a broker URL such as redis://127.0.0.1:6379/0 or filesystem://")
    return value


_RESULT_SCHEMES = {"redis", "rediss", "file", "rpc", "cache", "disabled"}


def env_result_backend(name: str, default: str) -> str | None:
    value = env_str(name) or default
    scheme = urlsplit(value).scheme or value
    if scheme not in _RESULT_SCHEMES:
        raise EnvError(name, value, "a result backend URL such as redis://127.0.0.1:6379/1 or file:///path")
    return None if value == "disabled" else value


def env_email(name: str, default: str, base_dir: Path) -> dict:
    """Translate an EMAIL_URL into Django's e-mail settings.

    Supported: ``console://``, ``file:///abs/path`` (or ``file://relative``), ``locmem://``,
    ``smtp://user:password@host:25``, ``smtp+tls://...:587`` and ``smtp+ssl://...:465``.
    """
    value = env_str(name) or default
    parts = urlsplit(value)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise EnvError(name, value, "console://, file:///path, locmem:// or smtp[+tls|+ssl]://user:pass@host:port")
    settings = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme == "file":
        path = Path(unquote(parts.netloc + parts.path))
        settings["EMAIL_FILE_PATH"] = str(path if path.is_absolute() else base_dir / path)
    elif parts.scheme.startswith("smtp"):
        if not parts.hostname:
            raise EnvError(name, value, "an SMTP URL with a host name")
        try:
            port = parts.port
        except ValueError:
            raise EnvError(name, value, "an SMTP URL with a numeric port") from None
        settings.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if parts.scheme == "smtp+ssl" else 587 if parts.scheme == "smtp+tls" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtp+ssl",
        )
        timeout = parse_qs(parts.query).get("timeout")
        if timeout:
            try:
                settings["EMAIL_TIMEOUT"] = int(timeout[0])
            except ValueError:
                raise EnvError(name, value, "an integer timeout=N in the query string") from None
    return settings


def _redis_database(url: str) -> tuple[str, int, int] | None:
    """The (host, port, database number) a redis:// URL points at, or None for any other URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        return None
    try:
        port = parts.port or 6379
    except ValueError:
        return None
    number = parts.path.strip("/") or "0"
    return (parts.hostname or "localhost", port, int(number) if number.isdigit() else -1)


def env_cache(name: str, default: str, *, apart_from: dict[str, str | None]) -> dict:
    """Translate a CACHE_URL into Django's ``CACHES["default"]``: one cache that every process shares.

    ``db://`` keeps it in the database's ``django_cache`` table (``db://table_name`` names another);
    ``redis://[:password@]host:port/N`` (or ``rediss://``) in Redis database N, which must not be a
    database of the variables in ``apart_from`` (the broker's queues are never to be evicted or flushed).
    """
    value = env_str(name) or default
    parts = urlsplit(value)
    if parts.scheme == "db":
        table = parts.netloc or "django_cache"
        if parts.path or parts.query or not table.isidentifier():
            raise EnvError(name, value, "db:// or db://table_name (a table of the database)")
        # Far above the default 300: each API account has a throttle entry, and a cull would forget counts.
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    if parts.scheme not in {"redis", "rediss"}:
        raise EnvError(name, value, "db:// (the database) or a Redis URL such as redis://127.0.0.1:6380/0")
    database = _redis_database(value)
    if not parts.hostname or database is None or database[2] < 0 or not parts.path.strip("/"):
        raise EnvError(name, value, "a Redis URL with a host, a port and a database number: redis://127.0.0.1:6380/0")
    for other, other_value in apart_from.items():
        if other_value and _redis_database(other_value) == database:
            raise EnvError(name, value, f"a Redis database apart from the one of {other}")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
