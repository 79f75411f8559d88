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


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("services"):
            item.fixturenames.extend(name for name in ("postgres", "redis_broker") if name not in item.fixturenames)


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
