"""Shared test fixtures.

A test that needs a real database or broker server asks for the ``services`` fixture (or the
``services`` marker). Without servers configured it is skipped on a developer's laptop; with
``REQUIRE_SERVICES=1`` (CI) a missing server is an error.
"""

import logging
import os

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _require(what: str, available: bool) -> None:
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {what} is not available")
    pytest.skip(f"needs {what}")


@pytest.fixture
def logged(monkeypatch):
    """``logged("campaign.reminders")`` returns the list of messages that logger will emit during
    the test. It listens on the module's own logger, not on the root logger that ``caplog`` uses:
    a Celery worker started earlier in the same process re-plumbs the root logger, its level and
    may leave loggers disabled."""
    messages: list[str] = []

    class Listener(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    listener = Listener(level=logging.DEBUG)
    loggers = []

    def listen(name: str) -> list[str]:
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "disabled", False)
        loggers.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(listener)
        return messages

    yield listen
    for logger, level in loggers:
        logger.removeHandler(listener)
        logger.setLevel(level)


@pytest.fixture
def broker_down():
    """The broker's address is a loopback port where nothing listens, as when Redis is stopped."""
    from config.celery import app

    original = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    app._after_fork()  # drop the pooled connections to the real broker
    try:
        yield
    finally:
        app.conf.broker_write_url = original
        app._after_fork()


@pytest.fixture
def postgres(db):
    """The test runs on PostgreSQL (DATABASE_URL=postgres://...)."""
    _require("PostgreSQL (set DATABASE_URL)", connection.vendor == "postgresql")


@pytest.fixture
def redis_broker():
    """The test talks to a Redis broker (CELERY_BROKER_URL=redis://...), which must answer."""
    url = settings.CELERY_BROKER_URL
    is_redis = url.startswith(("redis://", "rediss://"))
    _require("a Redis broker (set CELERY_BROKER_URL)", is_redis)
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"CELERY_BROKER_URL={url} is set but the broker does not answer: {exc}")
    return url


def _cache_on_redis() -> bool:
    return settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def _clear_worker_cache() -> None:
    """Delete this test process's cache entries, and no one else's. The keys carry the process's own
    prefix (config/test_settings.py); Django's ``clear()`` would empty the whole Redis database, which
    the other workers share."""
    from core.throttling import forget_leases

    forget_leases()  # the throttle's leases, which this process keeps beside its cache entries
    params = settings.CACHES["default"]
    prefix = params["KEY_PREFIX"]
    if _cache_on_redis():
        import redis

        client = redis.Redis.from_url(params["LOCATION"])
        try:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
    else:  # the database cache (CACHE_URL=db://), a table of the test database
        table = connection.ops.quote_name(params["LOCATION"])
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s", [f"{prefix}:%"])  # noqa: S608


@pytest.fixture(autouse=True)
def clear_cache(request):
    """Every test starts with none of its process's cache entries (throttle counts above all) left by an
    earlier test; ask for it by name to clear them again within a test. The database cache can hold
    entries only for a test that uses the database, and only such a test may touch it."""
    uses_database = bool({"_django_db_helper", "live_server"} & set(request.fixturenames))
    if _cache_on_redis():
        _clear_worker_cache()
    elif uses_database or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")  # the test's database (and transaction), set up now
        _clear_worker_cache()
    return _clear_worker_cache


@pytest.fixture(scope="session", autouse=True)
def _clear_cache_at_exit():
    """On Redis, the last test's entries go with the run (the database cache goes with the test database)."""
    yield
    if _cache_on_redis():
        _clear_worker_cache()


@pytest.fixture
def queries_of():
    """``queries_of(client, url, params)``: the queries one GET of ``url`` takes; it must answer 200.
    List pages and endpoints assert that this does not grow with the number of rows. The database cache's
    statements are left out: the API throttle writes its count there once per lease, not per request
    (``core.throttling``)."""
    table = settings.CACHES["default"].get("LOCATION", "") if not _cache_on_redis() else ""

    def count(client, url: str, params: dict | None = None) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params or {})
        assert response.status_code == 200, response.content[:500]
        touched_cache = any(table and table in query["sql"] for query in queries)
        cache_work = [
            query
            for query in queries
            if (table and table in query["sql"])
            or (touched_cache and query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")))
        ]
        return len(queries) - len(cache_work)

    return count


def pytest_collection_modifyitems(config, items):
    for item in items:
        # Schemathesis names one item per API operation ("test_x[GET /api/v1/tasks/]") but leaves the
        # operation out of its node id; pytest-xdist hands tests out by node id, so under `-n` every
        # operation but the first would be skipped unseen. The id carries the operation, as the name does.
        if item.name.endswith("]") and not item.nodeid.endswith("]"):
            item._id = type(item._id).parse(item.nodeid + item.name[item.name.index("[") :])  # pytest 9: a NodeId
        if item.get_closest_marker("services"):
            item.fixturenames.extend(name for name in ("postgres", "redis_broker") if name not in item.fixturenames)
        if item.nodeid.split("::", 1)[0] in ROLLUPS_CHECKED:
            item.fixturenames.append("rollups_kept")  # last: checked before the database is rolled back


@pytest.fixture(scope="session", autouse=True)
def _private_celery_queue(tmp_path_factory):
    """Each test process gets a queue of its own on the broker, so that a worker started by one
    test (or one xdist process) never takes another's messages. Redis stays the configured
    server; only the queue name differs. The file-system broker gets folders of its own."""
    from config.celery import app

    app.conf.task_default_queue = f"test-{os.getpid()}"
    if app.conf.broker_url.startswith("filesystem://"):
        root = tmp_path_factory.mktemp("broker")
        folders = {key: root / key for key in ("queue", "control", "processed")}
        for folder in folders.values():
            folder.mkdir()
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "processed_folder": str(folders["processed"]),
        }
    app._after_fork()  # drop pooled connections made with the old options


# The test modules of every path that writes tasks, progress or issues: pages, API, admin, the master-data
# import, the demo loader, seed_scale, Open311, the citizens' channel and the mock evaluation. After each of
# their tests the rollups the dashboard reads must equal a recount from the base tables (core.rollups).
ROLLUPS_CHECKED = {
    "campaign/tests/test_services.py",
    "campaign/tests/test_views.py",
    "campaign/tests/test_api.py",
    "inspections/tests/test_services.py",
    "inspections/tests/test_views.py",
    "inspections/tests/test_api.py",
    "tests/test_admin.py",
    "tests/test_rectification_task.py",
    "masterdata/tests/test_tasks.py",
    "masterdata/tests/test_import.py",
    "demo/tests/test_load_demo.py",
    "perf/tests/test_seed_scale.py",
    "open311/tests/test_open311.py",
    "citizens/tests/test_report.py",
    "citizens/tests/test_triage.py",
    "citizens/tests/test_followup.py",
    "evaluation/tests/test_sheet.py",
    "evaluation/tests/test_appeals.py",
}


@pytest.fixture
def rollups_kept(request):
    """After the test, the rollups equal their recount (nothing to check where no database was used)."""
    yield
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    from core.rollups import rollup_differences, rollups_registered

    differing = [str(difference) for rollup in rollups_registered() for difference in rollup_differences(rollup)]
    assert differing == [], "the rollups differ from their recount after this test"
