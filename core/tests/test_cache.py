"""One cache for the whole installation (CACHE_URL): what one process counts, every other process sees,
so the API throttle holds across gunicorn workers. And a test process never sees another's entries."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.utils.module_loading import import_string

from config import env

ROOT = Path(__file__).resolve().parents[2]
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def environment(**variables: str) -> dict[str, str]:
    """The test process's environment (CACHE_URL included) for a process of the installation itself."""
    inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return {**inherited, "SECRET_KEY": "x" * 50, "DEBUG": "0", **variables}


@pytest.fixture(scope="module")
def fresh_machine(tmp_path_factory) -> dict[str, str]:
    """A new SQLite database after `manage.py migrate`, the only set-up step `make run` takes, with the
    default cache; its environment, where the API throttle allows two requests an hour."""
    folder = tmp_path_factory.mktemp("fresh-machine")
    variables = environment(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", VAR_DIR=str(folder / "var"))
    migrate = {key: value for key, value in variables.items() if key != "CACHE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=migrate,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return {**variables, "API_THROTTLE_RATE": "2/hour", "database": str(folder / "db.sqlite3")}


def peer(machine: dict[str, str], *argv: object):
    """What another process of the installation (core/tests/cache_peer.py) answers."""
    result = subprocess.run(
        [sys.executable, "-m", "core.tests.cache_peer", *map(str, argv)],
        cwd=ROOT,
        env=machine,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def cache_connection(**overrides: str) -> BaseCache:
    """A new connection to the configured cache, as another process makes it."""
    params = {**settings.CACHES["default"], **overrides}
    return import_string(params.pop("BACKEND"))(params.pop("LOCATION"), params)


# --- one cache for every process --------------------------------------------------------------------


def test_it_creates_the_cache_table_when_a_fresh_machine_migrates(fresh_machine):
    with sqlite3.connect(fresh_machine["database"]) as database:
        tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    assert "django_cache" in tables


def test_a_value_cached_by_one_process_is_read_by_another(fresh_machine):
    key = f"shared-{uuid.uuid4().hex}"
    try:
        peer(fresh_machine, "set", key, "liaocheng")

        assert peer(fresh_machine, "get", key) == "liaocheng"
    finally:
        peer(fresh_machine, "delete", key)


def test_the_api_throttle_counts_an_accounts_requests_in_every_process(fresh_machine):
    account = uuid.uuid4().int % 10**12  # no other run's account
    try:
        first_worker = peer(fresh_machine, "throttle", account, 2)
        second_worker = peer(fresh_machine, "throttle", account, 1)
    finally:
        peer(fresh_machine, "forget", account)

    assert first_worker == [True, True]
    assert second_worker == [False]  # the third request of the hour, though its first in this process


# --- CACHE_URL ---------------------------------------------------------------------------------------


def cache_setting(value: str | None, monkeypatch, **apart_from: str) -> dict:
    if value is None:
        monkeypatch.delenv("CACHE_URL", raising=False)
    else:
        monkeypatch.setenv("CACHE_URL", value)
    return env.env_cache("CACHE_URL", "db://", apart_from=apart_from)


def test_it_caches_in_the_database_by_default(monkeypatch):
    setting = cache_setting(None, monkeypatch)

    assert setting["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert setting["LOCATION"] == "django_cache"
    assert cache_setting("db://civic_cache", monkeypatch)["LOCATION"] == "civic_cache"


def test_it_caches_in_the_redis_database_the_url_names(monkeypatch):
    setting = cache_setting(
        "redis://:s3cret@10.0.0.11:6380/0", monkeypatch, CELERY_BROKER_URL="redis://10.0.0.11:6379/0"
    )

    assert setting == {"BACKEND": REDIS_CACHE, "LOCATION": "redis://:s3cret@10.0.0.11:6380/0"}


@pytest.mark.parametrize(
    "value",
    [
        "memcached://127.0.0.1:11211",
        "redis://127.0.0.1:6379",  # which database?
        "redis://127.0.0.1:six/2",
        "redis://127.0.0.1:6379/two",
        "redis:///2",
        "db://cache-table",
    ],
)
def test_it_refuses_a_malformed_cache_url(monkeypatch, value):
    with pytest.raises(env.EnvError) as refused:
        cache_setting(value, monkeypatch)

    assert refused.value.name == "CACHE_URL"
    assert str(refused.value).startswith(f"Environment variable CACHE_URL={value!r} is invalid")


def test_it_refuses_to_cache_in_the_brokers_redis_database(monkeypatch):
    with pytest.raises(env.EnvError, match="apart from the one of CELERY_BROKER_URL"):
        cache_setting(
            "redis://127.0.0.1:6379/0",
            monkeypatch,
            CELERY_BROKER_URL="redis://127.0.0.1/0",
            CELERY_RESULT_BACKEND="redis://127.0.0.1:6379/1",
        )


def test_a_malformed_cache_url_stops_start_up_naming_the_variable():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment(CACHE_URL="redis://127.0.0.1:6379/cache", ALLOWED_HOSTS="example.org"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "Configuration error: Environment variable CACHE_URL='redis://127.0.0.1:6379/cache'" in result.stderr
    assert "Traceback" not in result.stderr


# --- a prefix per test process ------------------------------------------------------------------------


def test_each_test_worker_keeps_its_cache_entries_under_a_prefix_of_its_own():
    show = "from django.conf import settings as s; print(s.CACHES['default']['KEY_PREFIX'])"

    def prefix(worker: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", show],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "PYTEST_XDIST_WORKER": worker},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    first, second = prefix("gw0"), prefix("gw1")

    assert first.startswith("test-gw0-")
    assert second.startswith("test-gw1-")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert cache.make_key("throttle_user_1").startswith(f"test-{worker}-{os.getpid()}:")


def test_clearing_between_tests_leaves_another_workers_entries_alone(db, clear_cache):
    other_worker = cache_connection(KEY_PREFIX="test-gw9-1")
    cache.set("throttle_user_1", [1.0])
    other_worker.set("throttle_user_1", [2.0])

    clear_cache()

    assert cache.get("throttle_user_1") is None
    assert other_worker.get("throttle_user_1") == [2.0]
    other_worker.delete("throttle_user_1")
