"""Fixtures of the fault drills: one private PostgreSQL cluster for the session (a database per drill,
copied from a migrated template), a private Redis per drill, and the processes each drill starts.

Every drill is bounded: the ``faults`` marker's ``timeout`` (seconds) interrupts the test body, and
every wait and command has its own deadline. Whatever happens, teardown kills every process started
(servers included) and removes the cluster.
"""

import signal
import sys
from pathlib import Path

import pytest

from faults.drill import PostgresCluster, Processes, RedisServer, manage, product_environment

TEMPLATE = "faults_template"
DEFAULT_TIMEOUT = 300


class DrillTimeout(Exception):
    """The drill ran past its marker's timeout."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Interrupt the test body when it outlives ``@pytest.mark.faults(timeout=...)``; teardown still runs."""
    marker = item.get_closest_marker("faults")
    seconds = int(marker.kwargs.get("timeout", DEFAULT_TIMEOUT)) if marker else DEFAULT_TIMEOUT

    def expire(signum, frame):
        raise DrillTimeout(f"{item.name} ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return (yield)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.drill_failed = report.failed
    return report


_FINDINGS: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """What the drills measured, after the results: durations, counts, recovery times."""
    if _FINDINGS:
        terminalreporter.section("fault drills: what happened")
        for line in _FINDINGS:
            terminalreporter.write_line(line)


@pytest.fixture
def findings(request):
    """Note what the drill measured: ``findings("...")`` lines are printed in the run's summary."""

    def note(line: str) -> None:
        _FINDINGS.append(f"{request.node.name}: {line}")

    return note


@pytest.fixture(scope="session")
def cluster():
    """The drills' own PostgreSQL, on a free loopback port; never the machine's."""
    server = PostgresCluster()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """collectstatic once, as a release does: with DEBUG off the pages need the manifest."""
    root = tmp_path_factory.mktemp("static")
    folder = tmp_path_factory.mktemp("collectstatic")
    env = product_environment(
        database_url="sqlite:///unused",
        redis=_NoRedis(),
        folder=folder,
        static_root=root,
        CELERY_RESULT_BACKEND="disabled",
    )
    manage(env, "collectstatic", "--noinput", timeout=240)
    return root


class _NoRedis:
    """Stands in for a Redis server where a command needs none (collectstatic)."""

    def url(self, db: int = 0) -> str:
        return "memory://"


@pytest.fixture(scope="session")
def template_database(cluster, static_root, tmp_path_factory) -> str:
    """The schema, migrated once; each drill gets a copy of it."""
    cluster.execute(f"CREATE DATABASE {TEMPLATE}")
    env = product_environment(
        database_url=cluster.url(TEMPLATE),
        redis=_NoRedis(),
        folder=tmp_path_factory.mktemp("migrate"),
        static_root=static_root,
        CELERY_RESULT_BACKEND="disabled",
    )
    manage(env, "migrate", "--no-input", timeout=300)
    return TEMPLATE


@pytest.fixture
def database(request, cluster, template_database) -> str:
    """A fresh database for this drill, named after it (faults_<drill>), dropped afterwards."""
    name = "faults_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    cluster.execute(f"CREATE DATABASE {name} TEMPLATE {template_database}")
    try:
        yield name
    finally:
        cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def processes(request, tmp_path, database):
    """Every process the drill starts; all killed at teardown, their logs printed if the drill failed."""
    started = Processes(tmp_path / "logs")
    try:
        yield started
    finally:
        if getattr(request.node, "drill_failed", True):
            sys.stderr.write(f"\nLogs of the processes of {request.node.name}:\n{started.report()}\n")
        started.stop_all()


@pytest.fixture
def redis(processes, tmp_path) -> RedisServer:
    """The drill's own Redis, on a free loopback port; never the machine's."""
    server = RedisServer(processes, tmp_path / "redis")
    server.start()
    return server


@pytest.fixture
def environment(cluster, database, redis, tmp_path, static_root):
    """Build the environment of the product's processes, with the drill's own settings on top."""

    def build(**extra) -> dict:
        return product_environment(
            database_url=cluster.url(database), redis=redis, folder=tmp_path, static_root=static_root, **extra
        )

    return build
