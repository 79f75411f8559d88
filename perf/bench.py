"""The benchmark (``python manage.py bench``): what the product costs on the current database.

Every measurement is an ``Entry``: its median, the floor (the least the job could cost), their
ratio, the queries, the plain-DRF reference where there is one, the target and whether it was met.
How each figure is taken, and how to run the bench as production runs, is in the README
("Performance").
"""

import csv
import datetime
import gc
import io
import math
import multiprocessing
import resource
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from assessment.library import LIBRARY
from assessment.models import Level, Rule
from assessment.periods import AssessmentPeriod
from assessment.scoring import Adjustment, Formula, Item
from assessment.selectors import compute
from campaign.models import ProgressReport, Task
from campaign.reminders import BATCH_SIZE as REMINDER_BATCH_SIZE
from campaign.reminders import reminders_send
from citizens.selectors import duplicates_near
from core.working_time import WorkingCalendar
from evaluation.models import Round, RoundPoint
from evaluation.selectors import round_scores
from grids.models import Grid, Place
from inspections.models import Issue
from masterdata.schema import PLACES, README_SHEET
from masterdata.services import masterdata_import, masterdata_template
from reports.selectors import (
    ZONE,
    Period,
    week_figures,
)
from reports.services import weekly_report_default_week
from reports.views import PANELS as DASHBOARD_PANELS
from reports.workbook import CHUNK_SIZE, reference_moment, weekly_workbook_write

DEFAULT_REPEAT = 7
HEAVY_REPEAT = 3
DEFAULT_PLACES = 10_000
PLACE_CODE_PREFIX = "BENCH-P"
MB = 1024 * 1024
SQL_SHOWN = 2000  # characters of a slow statement kept in the JSON

# The targets the measurements are held to (the README's table shows them met or missed).
API_FLOOR_RATIO = 3
API_FLOOR_SLACK_MS = 2
API_SPEEDUP = 3
DASHBOARD_MS = 80
DASHBOARD_QUERIES = 12
DASHBOARD_PANEL_QUERIES = 5
WORKBOOK_FLOOR_RATIO = 5
WORKBOOK_RSS_GROWTH_MB = 50
REMINDERS_SECONDS = 60
REMINDERS_FIXED_QUERIES = 20
REMINDERS_QUERIES_PER_BATCH = 4


class BenchError(Exception):
    """The benchmark cannot run or a measured request failed; the message says why."""


@dataclass
class Entry:
    """One measurement: times in milliseconds, ``met`` None where there is no target to meet."""

    name: str
    median_ms: float | None
    floor_ms: float | None
    queries: int | None
    target: str
    met: bool | None
    reference_ms: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.median_ms is None or not self.floor_ms:
            return None
        return self.median_ms / self.floor_ms

    def as_dict(self) -> dict[str, Any]:
        entry = {
            "name": self.name,
            "median_ms": _round(self.median_ms),
            "floor_ms": _round(self.floor_ms),
            "ratio": _round(self.ratio, 2),
            "queries": self.queries,
        }
        if self.reference_ms is not None:
            entry["reference_ms"] = _round(self.reference_ms)
        return {**entry, **self.details, "target": self.target, "met": self.met}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class Bench:
    """What every measurement shares: the repeats, the leader's two clients and today's date."""

    repeat: int
    places: int
    api: Client
    pages: Client
    today: datetime.date

    @property
    def heavy_repeat(self) -> int:
        return min(self.repeat, HEAVY_REPEAT)


# ---------------------------------------------------------------------------------------------
# The data set and the session


def bench_counts() -> dict[str, int]:
    """The size of the data set, printed above the table and stored in the JSON."""
    today = timezone.localdate()
    return {
        "tasks": Task.objects.count(),
        "overdue_tasks": Task.objects.overdue(today).count(),
        "progress_reports": ProgressReport.objects.count(),
        "issues": Issue.objects.count(),
        "places": Place.objects.count(),
        "grids": Grid.objects.count(),
        "users": User.objects.count(),
    }


def bench_leader() -> User:
    """The leader the requests are made as; a clear error on an empty database."""
    if not Task.objects.exists():
        raise BenchError("The database holds no tasks: run seed_scale or load_demo first.")
    leader = User.objects.filter(groups__name=Role.LEADER, is_active=True, is_superuser=False).order_by("pk").first()
    if leader is None:
        raise BenchError(
            "The database has no active leader to make the requests as: run seed_scale or load_demo first."
        )
    return leader


def _require_static_manifest() -> None:
    """With DEBUG off the pages link hashed static files: without collectstatic they fail with a 500."""
    if settings.DEBUG or not getattr(staticfiles_storage, "manifest_strict", False):
        return
    if not staticfiles_storage.hashed_files:
        raise BenchError(
            f"The static files' manifest is missing in {settings.STATIC_ROOT} and DEBUG is off, so the pages "
            "cannot render: run `manage.py collectstatic` first (with the same STATIC_ROOT)."
        )


@contextmanager
def bench_session(*, repeat: int = DEFAULT_REPEAT, places: int = DEFAULT_PLACES) -> Iterator[Bench]:
    """A leader's API token and page session for the run, both removed afterwards if made for it."""
    if repeat < 1:
        raise BenchError("--repeat must be at least 1.")
    if places < 1:
        raise BenchError("--places must be at least 1.")
    _require_static_manifest()
    leader = bench_leader()
    token, token_made = Token.objects.get_or_create(user=leader)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    try:
        # What Client.force_login stores, without login() and its signals (last_login, axes).
        session[SESSION_KEY] = leader._meta.pk.value_to_string(leader)
        session[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
        session[HASH_SESSION_KEY] = leader.get_session_auth_hash()
        session.save()
        pages = Client()
        pages.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        api = Client(headers={"Authorization": f"Token {token.key}"})
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            yield Bench(repeat=repeat, places=places, api=api, pages=pages, today=timezone.localdate())
    finally:
        session.delete()
        if token_made:
            token.delete()


# ---------------------------------------------------------------------------------------------
# Timing and the floor


class _Statements:
    """An execute wrapper that keeps each statement and its parameters as the driver received them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.calls.append((sql, params, many))
        return execute(sql, params, many, context)

    @property
    def selects(self) -> list[tuple[int, str, Any]]:
        """The reads among them: (position, statement, parameters)."""
        return [
            (index, sql, params)
            for index, (sql, params, many) in enumerate(self.calls)
            if not many and sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]


class _QueryCounter:
    """An execute wrapper that counts statements (one per ``execute``/``executemany``, as
    CaptureQueriesContext does) and times them: the database's share of a long job, and its
    slowest statement (the time inside ``execute``; rows a server-side cursor fetches later are not in it)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.slowest = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            if elapsed > self.slowest[0]:
                self.slowest = (elapsed, sql)

    def details(self) -> dict[str, Any]:
        return {
            "sql_ms": _round(self.seconds * 1000),
            "slowest_sql_ms": _round(self.slowest[0] * 1000),
            "slowest_sql": self.slowest[1][:SQL_SHOWN],
        }


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _median_index(samples: list[float]) -> int:
    """The run whose time is the median (the lower middle one of an even number)."""
    ordered = sorted(range(len(samples)), key=samples.__getitem__)
    return ordered[(len(ordered) - 1) // 2]


def _timed(work: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def _replay(statements: list[tuple[str, Any]]) -> list[float]:
    """Run the statements again on the backend's own cursor, fetching every row: seconds for each."""
    connection.ensure_connection()
    seconds = []
    for sql, params in statements:
        started = time.perf_counter()
        cursor = connection.create_cursor()
        try:
            cursor.execute(sql, params)
            cursor.fetchall()
        finally:
            cursor.close()
        seconds.append(time.perf_counter() - started)
    return seconds


@dataclass
class _Page:
    median_ms: float
    floor_ms: float
    queries: int
    rows: int
    slowest_ms: float | None
    slowest_sql: str | None

    def details(self) -> dict[str, Any]:
        """Where the database's share of the time goes: the slowest statement of the floor."""
        return {"slowest_sql_ms": _round(self.slowest_ms), "slowest_sql": self.slowest_sql}


def _get(client: Client, url: str):
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    return response


TRANSACTION_MARKERS = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})


def _measure_page(client: Client, url: str, *, repeat: int) -> _Page:
    """Warm up, capture one request's queries and statements, time ``repeat`` requests, replay the floor."""
    _get(client, url)
    statements = _Statements()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(statements):
        response = _get(client, url)
    # Read at once: every later request empties the connection's query log (request_started).
    # Django logs a transaction's BEGIN and COMMIT too (the database cache's writes), which no execute
    # wrapper sees: they are not statements of the request's own.
    logged = [query["sql"] for query in captured if query["sql"] not in TRANSACTION_MARKERS]
    if len(statements.calls) != len(logged):
        raise BenchError(f"GET {url}: {len(logged)} queries captured but {len(statements.calls)} statements seen.")
    selects = statements.selects
    gc.collect()
    samples = _timed(lambda: _get(client, url), repeat)
    rounds = [_replay([(sql, params) for _index, sql, params in selects]) for _ in range(repeat)]
    per_statement = [statistics.median(times) * 1000 for times in zip(*rounds, strict=True)]
    slowest = max(range(len(selects)), key=per_statement.__getitem__, default=None)
    rows = 0
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        rows = len(body["results"]) if isinstance(body, dict) and "results" in body else 0
    return _Page(
        median_ms=_median_ms(samples),
        floor_ms=_median_ms([sum(times) for times in rounds]),
        queries=len(logged),
        rows=rows,
        slowest_ms=None if slowest is None else per_statement[slowest],
        slowest_sql=None if slowest is None else logged[selects[slowest][0]],
    )


# ---------------------------------------------------------------------------------------------
# API lists


def _api_list(bench: Bench, name: str, url: str, reference_url: str) -> Entry:
    ours = _measure_page(bench.api, url, repeat=bench.repeat)
    with override_settings(ROOT_URLCONF="perf.reference"):
        reference = _measure_page(bench.api, reference_url, repeat=bench.repeat)
    speedup = reference.median_ms / ours.median_ms
    if ours.rows and reference.rows:
        speedup = (reference.median_ms / reference.rows) / (ours.median_ms / ours.rows)
    allowed_ms = max(API_FLOOR_RATIO * ours.floor_ms, ours.floor_ms + API_FLOOR_SLACK_MS)
    met = ours.median_ms <= allowed_ms and speedup >= API_SPEEDUP
    return Entry(
        name=name,
        median_ms=ours.median_ms,
        floor_ms=ours.floor_ms,
        queries=ours.queries,
        reference_ms=reference.median_ms,
        target=(
            f"≤ {API_FLOOR_RATIO}× floor or ≤ floor + {API_FLOOR_SLACK_MS} ms, whichever is larger; "
            f"plain DRF ≥ {API_SPEEDUP}× slower"
        ),
        met=met,
        details={
            "url": url,
            "rows": ours.rows,
            "allowed_ms": _round(allowed_ms),
            "speedup": round(speedup, 2),
            "reference_queries": reference.queries,
            "reference_rows": reference.rows,
            **ours.details(),
        },
    )


# Every list of /api/v1/ (config/api_urls.py): the bench entry's name, our address and the reference's
# (perf/reference.py). Lists are their first page; the scoreboards and the assessment answer every row.
API_LISTS = {
    "api_departments": ("/api/v1/departments/", "/reference/departments/"),
    "api_users": ("/api/v1/users/", "/reference/users/"),
    "api_grids": ("/api/v1/grids/", "/reference/grids/"),
    "api_places": ("/api/v1/places/", "/reference/places/"),
    "api_campaigns": ("/api/v1/campaigns/", "/reference/campaigns/"),
    "api_pledges": ("/api/v1/pledges/", "/reference/pledges/"),
    "api_targets": ("/api/v1/targets/", "/reference/targets/"),
    "api_tasks": ("/api/v1/tasks/", "/reference/tasks/"),
    "api_progress_reports": ("/api/v1/progress-reports/", "/reference/progress-reports/"),
    "api_criteria": ("/api/v1/criteria/", "/reference/criteria/"),
    "api_inspections": ("/api/v1/inspections/", "/reference/inspections/"),
    "api_issues": ("/api/v1/issues/", "/reference/issues/"),
    "api_extension_requests": ("/api/v1/extension-requests/", "/reference/extension-requests/"),
    "api_suspensions": ("/api/v1/suspensions/", "/reference/suspensions/"),
    "api_evaluation_rounds": ("/api/v1/evaluation/rounds/", "/reference/evaluation/rounds/"),
    "api_evaluation_observations": ("/api/v1/evaluation/observations/", "/reference/evaluation/observations/"),
    "api_scoreboard_departments": ("/api/v1/scoreboards/departments/", "/reference/scoreboards/departments/"),
    "api_scoreboard_grids": ("/api/v1/scoreboards/grids/", "/reference/scoreboards/grids/"),
    "api_assessment_results": ("/api/v1/assessment/results/", "/reference/assessment/results/"),
}


def _api_measurement(name: str) -> Callable[[Bench], Entry]:
    url, reference_url = API_LISTS[name]

    def measure(bench: Bench) -> Entry:
        return _api_list(bench, name, url, reference_url)

    measure.__doc__ = f"``GET {url}``, against the plain-DRF ``{reference_url}``."
    return measure


# ---------------------------------------------------------------------------------------------
# Dashboard


def measure_dashboard(bench: Bench) -> Entry:
    """``GET /dashboard/`` as the leader, the default period (this week), the page fully rendered (its panels
    come after it: ``dashboard_panel_*``)."""
    page = _measure_page(bench.pages, "/dashboard/", repeat=bench.repeat)
    return Entry(
        name="dashboard",
        median_ms=page.median_ms,
        floor_ms=page.floor_ms,
        queries=page.queries,
        target=f"≤ {DASHBOARD_MS} ms, ≤ {DASHBOARD_QUERIES} queries",
        met=page.median_ms <= DASHBOARD_MS and page.queries <= DASHBOARD_QUERIES,
        details={"url": "/dashboard/", **page.details()},
    )


def _measure_dashboard_panel(bench: Bench, name: str) -> Entry:
    """One dashboard panel as htmx fetches it once the page shows (``reports.views.PANELS``)."""
    url = f"/dashboard/panels/{name}/?period=this_week"
    with _htmx(bench.pages):
        page = _measure_page(bench.pages, url, repeat=bench.repeat)
    return Entry(
        name=f"dashboard_panel_{name}",
        median_ms=page.median_ms,
        floor_ms=page.floor_ms,
        queries=page.queries,
        target=f"≤ {DASHBOARD_PANEL_QUERIES} queries (fetched after the dashboard shows)",
        met=page.queries <= DASHBOARD_PANEL_QUERIES,
        details={"url": url, **page.details()},
    )


@contextmanager
def _htmx(client: Client) -> Iterator[None]:
    """The client's requests carry htmx's header for a while, as the dashboard's panel fetches do."""
    client.defaults["HTTP_HX_REQUEST"] = "true"
    try:
        yield
    finally:
        del client.defaults["HTTP_HX_REQUEST"]


def _panel_measurement(name: str) -> Callable[[Bench], Entry]:
    def measure(bench: Bench) -> Entry:
        return _measure_dashboard_panel(bench, name)

    measure.__doc__ = f"The dashboard's {name} panel, fetched once the page shows."
    return measure


def measure_dashboard_map(bench: Bench) -> Entry:
    """``GET /dashboard/map/``: the map's JSON that the dashboard fetches once shown, every grid's
    boundary and figures for this week."""
    page = _measure_page(bench.pages, "/dashboard/map/", repeat=bench.repeat)
    return Entry(
        name="dashboard_map",
        median_ms=page.median_ms,
        floor_ms=page.floor_ms,
        queries=page.queries,
        target=f"≤ {DASHBOARD_PANEL_QUERIES} queries (fetched after the dashboard shows)",
        met=page.queries <= DASHBOARD_PANEL_QUERIES,
        details={"url": "/dashboard/map/", **page.details()},
    )


# ---------------------------------------------------------------------------------------------
# Work done in a child process


def _memory_kb() -> tuple[int, int]:
    """This process's resident set now and at its peak (``VmRSS``, ``VmHWM``), in KiB."""
    values = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
    except OSError:
        pass
    peak = values.get("VmHWM", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return values.get("VmRSS", peak), peak


def _child_main(work: Callable[[], dict], sender) -> None:
    try:
        start_kb, _ = _memory_kb()
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = work()
            seconds = time.perf_counter() - started
        _, peak_kb = _memory_kb()
        sender.send(
            {
                **result,
                "seconds": seconds,
                "queries": counter.count,
                "sql": counter.details(),
                "start_kb": start_kb,
                "peak_kb": peak_kb,
            }
        )
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it as a BenchError
        sender.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        sender.close()


def _in_child(work: Callable[[], dict]) -> dict:
    """Run ``work`` in a forked child on the inherited connection while this process waits.

    The child ends with ``os._exit`` (multiprocessing's way out of a forked child), so its copy of
    the connection is never closed: closing it would end this process's database session."""
    gc.collect()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(work, sender))
    child.start()
    sender.close()
    try:
        outcome = receiver.recv()
    except EOFError:
        outcome = {"error": "the child process ended without an answer"}
    finally:
        receiver.close()
        child.join()
    if "error" in outcome:
        raise BenchError(f"In the child process: {outcome['error']} (exit code {child.exitcode}).")
    return outcome


# ---------------------------------------------------------------------------------------------
# Weekly workbook


def _workbook_xlsx(week_start: datetime.date) -> dict:
    with tempfile.TemporaryFile() as stream:
        facts = weekly_workbook_write(stream, week_start=week_start)
        return {"rows": sum(facts.rows.values()), "bytes": stream.tell()}


def _workbook_csv(week_start: datetime.date) -> dict:
    """The rows of ``weekly_workbook_write``, read by the same ``week_figures()``, written with
    ``csv.writer``: the least the workbook could cost."""
    period = Period.week(day=week_start)
    moment = reference_moment(period, timezone.now())
    today = timezone.localtime(moment, ZONE).date()
    rows = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)

        def write(values) -> None:
            nonlocal rows
            writer.writerow(values)
            rows += 1

        week = week_figures(period=period, moment=moment, today=today, chunk_size=CHUNK_SIZE)
        for part in ("tasks", "issues"):
            for key, value in week.kpis[part].items():
                write((part, key, value, week.kpis["previous"][part][key]))
        for rows_of_a_sheet in (
            week.departments.rows,
            week.overdue,
            week.issues.iterator(chunk_size=CHUNK_SIZE),
            week.targets,
            week.grids,
        ):
            for row in rows_of_a_sheet:
                write(row.values())
        return {"rows": rows, "bytes": stream.tell()}


def measure_workbook(bench: Bench) -> Entry:
    """The weekly accountability workbook of last week, whole data set, against its CSV floor."""
    week_start = weekly_report_default_week(today=bench.today)
    builds = [_in_child(lambda: _workbook_xlsx(week_start)) for _ in range(bench.heavy_repeat)]
    floors = [_in_child(lambda: _workbook_csv(week_start)) for _ in range(bench.heavy_repeat)]
    median_ms = _median_ms([build["seconds"] for build in builds])
    floor_ms = _median_ms([floor["seconds"] for floor in floors])
    peak = max(builds, key=lambda build: build["peak_kb"])
    return Entry(
        name="workbook",
        median_ms=median_ms,
        floor_ms=floor_ms,
        queries=builds[0]["queries"],
        target=(
            f"≤ {WORKBOOK_FLOOR_RATIO}× CSV floor; peak RSS +{WORKBOOK_RSS_GROWTH_MB} MB at most "
            "from 10k to 100k tasks (see workbook_rss)"
        ),
        met=median_ms <= WORKBOOK_FLOOR_RATIO * floor_ms,
        details={
            "week_start": week_start.isoformat(),
            "rows": builds[0]["rows"],
            "file_mb": round(builds[0]["bytes"] / MB, 2),
            "peak_rss_mb": round(peak["peak_kb"] / 1024, 1),
            "rss_growth_mb": round(max(build["peak_kb"] - build["start_kb"] for build in builds) / 1024, 1),
            "floor_rows": floors[0]["rows"],
            "floor_queries": floors[0]["queries"],
            "floor_peak_rss_mb": round(max(floor["peak_kb"] for floor in floors) / 1024, 1),
            "floor_sql_ms": floors[0]["sql"]["sql_ms"],
            **builds[0]["sql"],
        },
    )


def workbook_rss_compare(*, workbook: dict[str, Any], other: dict[str, Any]) -> Entry:
    """Compare this run's workbook memory with another run's (``bench --json`` of a smaller data set).

    The workbook's own memory (``rss_growth_mb``, the child's peak less its start) is compared, so
    that what the parent process happened to hold does not count."""
    others = {entry["name"]: entry for entry in other.get("entries", [])}
    if "workbook" not in others:
        raise BenchError("The other run's JSON has no workbook entry: run bench there with the workbook included.")
    theirs = others["workbook"]
    growth = workbook["rss_growth_mb"] - theirs["rss_growth_mb"]
    return Entry(
        name="workbook_rss",
        median_ms=None,
        floor_ms=None,
        queries=None,
        target=f"peak RSS grows < {WORKBOOK_RSS_GROWTH_MB} MB from the smaller data set to this one",
        met=growth < WORKBOOK_RSS_GROWTH_MB,
        details={
            "rss_growth_delta_mb": round(growth, 1),
            "peak_rss_delta_mb": round(workbook["peak_rss_mb"] - theirs["peak_rss_mb"], 1),
            "rss_growth_mb": workbook["rss_growth_mb"],
            "other_rss_growth_mb": theirs["rss_growth_mb"],
            "tasks": Task.objects.count(),
            "other_tasks": other.get("counts", {}).get("tasks"),
        },
    )


# ---------------------------------------------------------------------------------------------
# Reminders


def reminders_day(*, today: datetime.date) -> datetime.date:
    """The day the bench runs the reminders on: the latest working day up to ``today`` (a run on a
    day off sends nothing)."""
    calendar = WorkingCalendar(today - datetime.timedelta(days=31), today)
    day = today
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


@contextmanager
def _rolled_back() -> Iterator[None]:
    """A transaction that is always rolled back: nothing is kept and no on_commit callback runs."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def measure_reminders(bench: Bench) -> Entry:
    """One run of the reminder ladder over every open task, rolled back."""
    day = reminders_day(today=bench.today)
    overdue = Task.objects.overdue(day).count()
    samples, queries, runs, timings = [], [], [], []
    for _ in range(bench.heavy_repeat):
        counter = _QueryCounter()
        with _rolled_back(), connection.execute_wrapper(counter):
            started = time.perf_counter()
            runs.append(reminders_send(today=day))
            samples.append(time.perf_counter() - started)
        queries.append(counter.count)
        timings.append(counter)
    middle = _median_index(samples)
    run = runs[middle]
    median_ms = _median_ms(samples)
    allowed = REMINDERS_FIXED_QUERIES + REMINDERS_QUERIES_PER_BATCH * math.ceil(run.reminders / REMINDER_BATCH_SIZE)
    return Entry(
        name="reminders",
        median_ms=median_ms,
        floor_ms=None,
        queries=max(queries),
        target=(
            f"50,000 overdue tasks ≤ {REMINDERS_SECONDS} s; queries ≤ {REMINDERS_FIXED_QUERIES} + "
            f"{REMINDERS_QUERIES_PER_BATCH} per {REMINDER_BATCH_SIZE} reminders (never per task)"
        ),
        met=median_ms <= REMINDERS_SECONDS * 1000 and max(queries) <= allowed,
        details={
            "date": day.isoformat(),
            "overdue_tasks": overdue,
            "reminders": run.reminders,
            "digests": run.digests,
            "by_step": run.by_step,
            **timings[middle].details(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Master-data import


def places_workbook(*, count: int) -> bytes:
    """A master-data workbook of ``count`` new places (codes ``BENCH-P000000``...), made from the
    product's template: its 说明 and 点位 sheets, the example row replaced by the new rows. Each
    place lies in an existing grid, its subdistrict the territorial unit and assigned department."""
    grids = list(Grid.objects.order_by("code").values_list("code", "subdistrict__code"))
    if not grids:
        raise BenchError("The database has no grids to put the imported places in: run seed_scale or load_demo first.")
    if Place.objects.filter(code__startswith=PLACE_CODE_PREFIX).exists():
        raise BenchError(f"Places with codes {PLACE_CODE_PREFIX}... exist already; the import would not create them.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: data validation extensions it does not keep
        workbook = load_workbook(io.BytesIO(masterdata_template()))
    for name in workbook.sheetnames:
        if name not in (README_SHEET, PLACES.name):
            workbook.remove(workbook[name])
    sheet = workbook[PLACES.name]
    sheet.delete_rows(2)
    for number in range(count):
        grid, subdistrict = grids[number % len(grids)]
        values = {
            "code": f"{PLACE_CODE_PREFIX}{number:06d}",
            "name": f"压测小区{number}",
            "kind": Place.Kind.COMPOUND.value,
            "grid": grid,
            "address": f"东昌府区压测路{number}号",
            "latitude": Decimal("36.400000") + Decimal(number % 1000) / 10000,
            "longitude": Decimal("115.900000") + Decimal(number // 1000) / 1000,
            "assigned_department": subdistrict,
            "assigned_leader": None,
            "territorial_unit": subdistrict,
            "households": 100 + number % 900,
            "length_m": None,
            "property_company": "压测物业公司",
        }
        sheet.append([column.to_cell(values[column.key]) for column in PLACES.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure_import(bench: Bench) -> Entry:
    """``masterdata_import`` of ``bench.places`` new places from an Excel workbook, rolled back."""
    content = places_workbook(count=bench.places)
    samples, queries, timings = [], [], []
    for _ in range(bench.heavy_repeat):
        counter = _QueryCounter()
        with _rolled_back(), connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = masterdata_import(file=io.BytesIO(content), dry_run=False)
            samples.append(time.perf_counter() - started)
        queries.append(counter.count)
        timings.append(counter)
        if not result.ok:
            raise BenchError("The import refused the generated workbook: " + "; ".join(map(str, result.errors[:5])))
        created = result.counts[PLACES.name]["created"]
        if created != bench.places:
            raise BenchError(f"The import created {created} places instead of {bench.places}.")
    return Entry(
        name="import_places",
        median_ms=_median_ms(samples),
        floor_ms=None,
        queries=max(queries),
        target="none (informational)",
        met=None,
        details={
            "places": bench.places,
            "file_mb": round(len(content) / MB, 2),
            **timings[_median_index(samples)].details(),
        },
    )


# ---------------------------------------------------------------------------------------------
# 考核: a month's results, computed live


ASSESSMENT_DEPARTMENTS_MS = 500
ASSESSMENT_GRIDS_MS = 1000


def assessment_formula() -> Formula:
    """A scheme weighing every indicator of the library (the 金牛区 five carry the weights, the others are
    shown), with every deduction item and the published source weights: the most a month's results read."""
    weighted = {
        "disposal_rate": (30, Rule.RATE),
        "on_time_disposal_rate": (20, Rule.RATE),
        "rework_rate": (20, Rule.INVERSE_RATE),
        "overdue_pending_rate": (20, Rule.INVERSE_RATE),
        "extension_rate": (10, Rule.INVERSE_RATE),
    }
    items = []
    for code, indicator in LIBRARY.items():
        if indicator.base == "places":
            continue
        weight, rule = weighted.get(code, (0, Rule.RATE if indicator.kind == "rate" else Rule.PER_UNIT))
        items.append(Item(code, Decimal(weight), rule, points_off=Decimal(1)))
    return Formula(
        code="bench",
        name="bench",
        items=tuple(items),
        adjustments=(
            Adjustment("repeated_complaint_places", Decimal(-1), 3),
            Adjustment("overruled_returns", Decimal(-1)),
        ),
        source_weights=(("leader", Decimal(2)), ("media", Decimal(2))),
    )


def _measure_results(bench: Bench, name: str, level: str, target_ms: int) -> Entry:
    """``assessment.selectors.compute`` of last month at ``level``: its queries and statements captured once,
    then ``repeat`` timed runs, and the floor replayed from the statements."""
    formula = assessment_formula()
    period = AssessmentPeriod.containing(bench.today, "month").previous()
    now = timezone.now()

    def work() -> list[dict]:
        return compute(formula=formula, period=period, level=level, now=now)

    work()
    statements = _Statements()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(statements):
        rows = work()
    # Django logs a transaction's BEGIN and COMMIT too (the database cache's writes), which no execute
    # wrapper sees: they are not statements of the request's own.
    logged = [query["sql"] for query in captured if query["sql"] not in TRANSACTION_MARKERS]
    selects = statements.selects
    gc.collect()
    samples = _timed(work, bench.repeat)
    rounds = [_replay([(sql, params) for _index, sql, params in selects]) for _ in range(bench.repeat)]
    per_statement = [statistics.median(times) * 1000 for times in zip(*rounds, strict=True)]
    slowest = max(range(len(selects)), key=per_statement.__getitem__, default=None)
    indicators = len(formula.items) + len(formula.adjustments)
    median_ms = _median_ms(samples)
    return Entry(
        name=name,
        median_ms=median_ms,
        floor_ms=_median_ms([sum(times) for times in rounds]),
        queries=len(logged),
        target=f"≤ {target_ms} ms, ≤ 1 query per indicator ({indicators})",
        met=median_ms <= target_ms and len(logged) <= indicators,
        details={
            "period": period.key,
            "rows": len(rows),
            "indicators": indicators,
            "slowest_sql_ms": None if slowest is None else _round(per_statement[slowest]),
            "slowest_sql": None if slowest is None else logged[selects[slowest][0]][:SQL_SHOWN],
        },
    )


def measure_assessment_departments(bench: Bench) -> Entry:
    """Last month's department results by a scheme of every indicator, computed live."""
    return _measure_results(bench, "assessment_departments", Level.DEPARTMENT, ASSESSMENT_DEPARTMENTS_MS)


def measure_assessment_grids(bench: Bench) -> Entry:
    """Last month's grid results by the same scheme, computed live."""
    return _measure_results(bench, "assessment_grids", Level.GRID, ASSESSMENT_GRIDS_MS)


# ---------------------------------------------------------------------------------------------
# The citizens' channel

DUPLICATES_MS = 5
DUPLICATES_QUERIES = 1
PUBLIC_PER_SECOND = 200
TRIAGE_QUERIES = 10


def measure_citizens_duplicates(bench: Bench) -> Entry:
    """The duplicate suggestion for a new report beside the latest issue of the checklist item with the most
    issues: one query on the bounding box of the indexed coordinates (``citizens.selectors.duplicates_near``)."""
    criterion_id = (
        Issue.objects.order_by().values("criterion_id").annotate(n=Count("pk")).order_by("-n").first() or {}
    ).get("criterion_id")
    if criterion_id is None:
        raise BenchError("No issues: run seed_scale first.")
    # Where the latest of them was found: a new report beside a recent case, the search's real work.
    latitude, longitude = (
        Issue.objects.filter(criterion_id=criterion_id, latitude__isnull=False)
        .order_by("-reported_at")
        .values_list("latitude", "longitude")
        .first()
    ) or (Decimal("36.450000"), Decimal("115.980000"))

    def search() -> list:
        return duplicates_near(criterion_id=criterion_id, latitude=latitude, longitude=longitude)

    search()
    with CaptureQueriesContext(connection) as captured:
        found = search()
    samples = _timed(search, bench.repeat * 5)
    median = _median_ms(samples)
    return Entry(
        name="citizens_duplicates",
        median_ms=median,
        floor_ms=None,
        queries=len(captured),
        target=f"≤ {DUPLICATES_MS} ms, {DUPLICATES_QUERIES} query",
        met=median <= DUPLICATES_MS and len(captured) == DUPLICATES_QUERIES,
        details={"issues": Issue.objects.count(), "found": len(found)},
    )


def measure_citizens_public(bench: Bench) -> Entry:
    """``GET /public/`` served from the shared cache, anonymous: requests per second in one process, and
    no query of the database's own tables on a hit (the database cache's table aside)."""
    client = Client()
    _get(client, "/public/")
    table = settings.CACHES["default"].get("LOCATION", "")
    with CaptureQueriesContext(connection) as captured:
        _get(client, "/public/")
    queries = [query for query in captured if not (table and table in query["sql"])]
    samples = _timed(lambda: _get(client, "/public/"), bench.repeat * 10)
    median = _median_ms(samples)
    per_second = 1000 / median if median else None
    return Entry(
        name="citizens_public_cached",
        median_ms=median,
        floor_ms=None,
        queries=len(queries),
        target=f"≥ {PUBLIC_PER_SECOND} requests/s, no database query on a hit",
        met=bool(per_second and per_second >= PUBLIC_PER_SECOND) and not queries,
        details={"requests_per_second": _round(per_second, 1)},
    )


def measure_citizens_triage(bench: Bench) -> Entry:
    """``GET /citizens/`` as the leader: the triage queue."""
    page = _measure_page(bench.pages, "/citizens/", repeat=bench.repeat)
    return Entry(
        name="citizens_triage",
        median_ms=page.median_ms,
        floor_ms=page.floor_ms,
        queries=page.queries,
        target=f"≤ {TRIAGE_QUERIES} queries",
        met=page.queries <= TRIAGE_QUERIES,
        details={"url": "/citizens/", **page.details()},
    )


# ---------------------------------------------------------------------------------------------
# The mock evaluation

EVALUATION_SCORES_MS = 300
EVALUATION_SCORES_QUERIES = 3
EVALUATION_SHEET_QUERIES = 10


def _largest_round() -> Round:
    """The closed round with the most observations (seed_scale's, or the demo's)."""
    observed = Count("observations")
    round_ = Round.objects.filter(status=Round.Status.CLOSED).annotate(n=observed).order_by("-n", "-pk").first()
    if round_ is None:
        raise BenchError("No closed mock evaluation round to measure: run seed_scale (or load_demo) first.")
    return round_


def measure_evaluation_scores(bench: Bench) -> Entry:
    """The largest closed round's 得分率 by point type, street, grid and department: the slowest breakdown."""
    round_ = _largest_round()
    timings, queries = {}, {}
    for by in ("type", "street", "grid", "department"):

        def work(by: str = by) -> list[dict]:
            return round_scores(round_=round_, by=by)

        work()
        with CaptureQueriesContext(connection) as captured:
            work()
        queries[by] = len(captured)
        timings[by] = _median_ms(_timed(work, bench.repeat))
    slowest = max(timings, key=timings.__getitem__)
    median_ms, most = timings[slowest], max(queries.values())
    return Entry(
        name="evaluation_scores",
        median_ms=median_ms,
        floor_ms=None,
        queries=most,
        target=f"each breakdown ≤ {EVALUATION_SCORES_MS} ms, ≤ {EVALUATION_SCORES_QUERIES} queries",
        met=median_ms <= EVALUATION_SCORES_MS and most <= EVALUATION_SCORES_QUERIES,
        details={
            "round": round_.code,
            "observations": round_.observations.count(),
            "by_ms": {by: _round(ms) for by, ms in timings.items()},
        },
    )


def measure_evaluation_sheet(bench: Bench) -> Entry:
    """The observation sheet of the round point with the most standards, opened by a member of its team."""
    point = (
        RoundPoint.objects.filter(team__isnull=False)
        .annotate(standards=Count("point_type__standards", distinct=True))
        .order_by("-standards", "-pk")
        .first()
    )
    if point is None:
        raise BenchError("No mock evaluation point with a team to measure: run seed_scale (or load_demo) first.")
    member = point.team.members.order_by("pk").first()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    # As bench_session signs the leader in: no login(), and the session removed afterwards.
    session[SESSION_KEY] = member._meta.pk.value_to_string(member)
    session[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    try:
        url = reverse("evaluation:sheet", args=[point.round_id, point.pk])
        page = _measure_page(client, url, repeat=bench.repeat)
    finally:
        session.delete()
    return Entry(
        name="evaluation_sheet",
        median_ms=page.median_ms,
        floor_ms=page.floor_ms,
        queries=page.queries,
        target=f"≤ {EVALUATION_SHEET_QUERIES} queries",
        met=page.queries <= EVALUATION_SHEET_QUERIES,
        details={"standards": point.standards, **page.details()},
    )


# ---------------------------------------------------------------------------------------------
# The run

MEASUREMENTS: dict[str, Callable[[Bench], Entry]] = {
    **{name: _api_measurement(name) for name in API_LISTS},
    "dashboard": measure_dashboard,
    **{f"dashboard_panel_{name}": _panel_measurement(name) for name in DASHBOARD_PANELS},
    "dashboard_map": measure_dashboard_map,
    "workbook": measure_workbook,
    "reminders": measure_reminders,
    "import_places": measure_import,
    "assessment_departments": measure_assessment_departments,
    "assessment_grids": measure_assessment_grids,
    "citizens_duplicates": measure_citizens_duplicates,
    "citizens_public_cached": measure_citizens_public,
    "citizens_triage": measure_citizens_triage,
    "evaluation_scores": measure_evaluation_scores,
    "evaluation_sheet": measure_evaluation_sheet,
}


def bench_run(
    *,
    names: list[str] | None = None,
    repeat: int = DEFAULT_REPEAT,
    places: int = DEFAULT_PLACES,
    progress: Callable[[str], None] | None = None,
) -> list[Entry]:
    """Run the named measurements (all by default), in ``MEASUREMENTS`` order; ``progress(name)``
    hears of each before it starts."""
    names = list(MEASUREMENTS) if names is None else names
    unknown = [name for name in names if name not in MEASUREMENTS]
    if unknown:
        raise BenchError(f"Unknown measurement {', '.join(unknown)}; choose from {', '.join(MEASUREMENTS)}.")
    entries = []
    with bench_session(repeat=repeat, places=places) as bench:
        for name, measure in MEASUREMENTS.items():
            if name in names:
                if progress is not None:
                    progress(name)
                entries.append(measure(bench))
    return entries
