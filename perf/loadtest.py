"""The load test behind ``manage.py loadtest``: gunicorn on PostgreSQL, driven by locust.

``loadtest_run`` does the whole run, in this order: the accounts the simulated users sign in with
(``loadtest_accounts_ensure``), the ids they filter by (``loadtest_sample``), a collected static
folder (the pages need its manifest once DEBUG is off), gunicorn on a free loopback port
(``Gunicorn``), one headless locust run per scenario (``locust_run``); it returns a ``LoadReport``.
While locust runs, ``CpuMeter`` notes where the machine's CPU went, so that a missed target can be
told apart from a machine busy with other work.
"""

import contextlib
import csv
import datetime
import fcntl
import hashlib
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from accounts.models import Department, Role, User
from campaign.models import Task
from grids.models import Grid

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
API_USERNAME = "loadtest-api"
PAGE_USERNAME = "loadtest-page"
# The production throttle (10,000 requests an hour per account) would stop one token within a minute
# of this load; the load test measures the server, so its gunicorn gets a limit it never reaches.
THROTTLE_RATE = "100000000/hour"
# The API users' requests (``ApiUser.requests`` in perf/locustfile.py), which --api-requests may weigh.
API_REQUESTS = {
    "tasks": "/api/v1/tasks/",
    "issues": "/api/v1/issues/",
    "places": "/api/v1/places/",
    "departments": "/api/v1/scoreboards/departments/",
    "grids": "/api/v1/scoreboards/grids/",
}
SAMPLE_SIZE = 200


class LoadTestError(Exception):
    """The load test cannot run or could not finish; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """What a scenario must reach to pass: requests per second, the 95th percentile (``None``: none asked)
    and failures, at ``users`` simulated users; ``why`` says where the figure comes from."""

    users: int
    requests_per_second: float
    p95_ms: float | None
    failures: int = 0
    why: str = ""

    def misses(self, figures: "Figures") -> list[str]:
        """What the figures fall short of; empty when the target is met."""
        misses = []
        if figures.requests_per_second < self.requests_per_second:
            misses.append(f"{figures.requests_per_second:.0f} req/s < {self.requests_per_second:.0f}")
        if self.p95_ms is not None and (figures.p95_ms is None or figures.p95_ms > self.p95_ms):
            misses.append(f"p95 {_ms(figures.p95_ms)} ms > {self.p95_ms:.0f}")
        if figures.failures > self.failures:
            misses.append(f"{figures.failures} failures")
        return misses

    def text(self) -> str:
        p95 = f", p95 <= {self.p95_ms:.0f} ms" if self.p95_ms is not None else ""
        return f"Target at {self.users} users: >= {self.requests_per_second:.0f} req/s{p95}, {self.failures} failures"


# The API users' lists alone (``--api-requests tasks=4,issues=4,places=2``): the load a city's other systems
# put on the API when they sync.
LISTS_MIX = {"tasks": 4, "issues": 4, "places": 2, "departments": 0, "grids": 0}
LISTS_TARGET = Target(16, 100, 300, why="the API's lists on two cores shared with PostgreSQL and locust")
# Twice what the product reached before its lists were read as values (README "Performance"): 27 req/s for
# the API users' default mix (27 November, idle cores); the mixed scenario had no figure, and was measured on
# 6 December with the code before: 180-205 ms of CPU a request, about 10 req/s were the two cores its own.
API_DEFAULT_TARGET = Target(16, 54, None, why="twice the 27 req/s of the API users' default mix before")
MIX_TARGET = Target(16, 20, None, why="twice the 10 req/s of page and API users mixed before")
# The transparency page from the shared cache: what one process serves in bench (citizens_public_cached).
PUBLIC_TARGET = Target(16, 200, 150, why="/public/ from the shared cache, as one process serves it in bench")


@dataclass(frozen=True)
class Scenario:
    """A locust run: which user classes of ``perf/locustfile.py`` take part, and the target it is held to
    (``Scenario.target``)."""

    name: str
    title: str
    user_classes: tuple[str, ...]

    def target(self, api_requests: dict[str, int] | None) -> Target | None:
        """The target of this scenario with the API users' mix ``api_requests`` (``None``: the default)."""
        if self.name == "public":
            return PUBLIC_TARGET
        if self.name == "mix":
            return MIX_TARGET if api_requests is None else None
        if api_requests is None:
            return API_DEFAULT_TARGET
        return LISTS_TARGET if api_requests == LISTS_MIX else None


SCENARIOS = {
    "api": Scenario("api", "API users only", ("ApiUser",)),
    "mix": Scenario("mix", "page and API users mixed", ("ApiUser", "PageUser")),
    "public": Scenario("public", "anonymous readers of /public/ (cached)", ("PublicUser",)),
}


@dataclass
class Figures:
    """One row of the report: an endpoint, or all of a scenario's requests."""

    name: str
    method: str
    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None


@dataclass
class ScenarioResult:
    """What one locust run measured, and how it compares with the target (``None``: no target)."""

    name: str
    title: str
    users: int
    duration_s: int
    total: Figures
    endpoints: list[Figures]
    failures: list[dict] = field(default_factory=list)
    cpu_percent: dict[str, float] | None = None
    cpu_ms_per_request: dict[str, float] | None = None
    warnings: list[str] = field(default_factory=list)
    target: Target | None = None
    target_misses: list[str] | None = None
    wall_s: float = 0.0  # how long locust took, start-up and shut-down included

    @property
    def target_met(self) -> bool | None:
        return None if self.target_misses is None else not self.target_misses


@dataclass(frozen=True)
class LoadAccounts:
    api_token: str
    page_username: str
    page_password: str


@dataclass(frozen=True)
class LoadSample:
    department_ids: list[int]
    grid_ids: list[int]
    task_ids: list[int]


# ---------------------------------------------------------------------------------------------
# The data the simulated users need


def loadtest_accounts_ensure() -> LoadAccounts:
    """The load test's two accounts, made on the first run and reused after: an API client with a
    leader's reach (the whole city, the scoreboards) and its token, and a leader for the pages, whose
    password is new on every run. Both are active only while a run lasts (``loadtest_accounts_disable``)."""
    password = secrets.token_urlsafe(18)
    with transaction.atomic():
        leader, _ = Group.objects.get_or_create(name=Role.LEADER.value)
        api_client, _ = Group.objects.get_or_create(name=Role.API_CLIENT.value)
        api_user, _ = User.objects.get_or_create(username=API_USERNAME, defaults={"password": make_password(None)})
        api_user.groups.add(leader, api_client)
        token, _ = Token.objects.get_or_create(user=api_user)
        page_user, _ = User.objects.get_or_create(username=PAGE_USERNAME, defaults={"password": make_password(None)})
        page_user.groups.add(leader)
        # update(), not save(): a new password or a reactivation is no change worth a history row.
        User.objects.filter(pk=api_user.pk).update(is_active=True)
        User.objects.filter(pk=page_user.pk).update(is_active=True, password=server_password_hash(password))
    AccessAttempt.objects.filter(username=PAGE_USERNAME).delete()  # a lockout left by an earlier, interrupted run
    return LoadAccounts(api_token=token.key, page_username=PAGE_USERNAME, page_password=password)


def loadtest_accounts_disable() -> None:
    """After a run: neither the token nor the password lets anyone in until the next run."""
    User.objects.filter(username__in=(API_USERNAME, PAGE_USERNAME)).update(is_active=False)


def server_password_hash(password: str) -> str:
    """The password hashed for gunicorn's settings (Django's default hasher), whatever this process's
    PASSWORD_HASHERS say: the tests' settings hash with a faster one that the server does not know."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def loadtest_sample(*, size: int = SAMPLE_SIZE) -> LoadSample:
    """Random departments and grids to filter by and tasks to open, from the database under test."""
    sample = LoadSample(
        department_ids=_random_ids(
            Department.objects.filter(is_active=True).exclude(kind=Department.Kind.SECTION), size
        ),
        grid_ids=_random_ids(Grid.objects.all(), size),
        task_ids=_random_ids(Task.objects.all(), size),
    )
    empty = [name for name, ids in asdict(sample).items() if not ids]
    if empty:
        raise LoadTestError(
            f"The database {connection.settings_dict['NAME']} has no {', '.join(empty)} for the simulated users "
            "to ask for: load data first (manage.py load_demo, or seed_scale for the city-scale set)."
        )
    return sample


def _random_ids(queryset, size: int) -> list[int]:
    return list(queryset.order_by("?").values_list("pk", flat=True)[:size])


# ---------------------------------------------------------------------------------------------
# The server


def database_url(settings_dict: dict, *, application_name: str) -> str:
    """A DATABASE_URL naming the database this process uses (under pytest, the test database), whose
    connections show ``application_name`` in pg_stat_activity."""
    auth = quote(settings_dict.get("USER") or "", safe="")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    url = f"postgres://{auth + '@' if auth else ''}{host}{port}/{quote(settings_dict['NAME'], safe='')}"
    options = {key: value for key, value in (settings_dict.get("OPTIONS") or {}).items() if isinstance(value, str)}
    return f"{url}?{urlencode({**options, 'application_name': application_name})}"


def static_root_ready(*, log_path: Path, progress: Callable[[str], None]) -> Path:
    """A STATIC_ROOT collected for the production storage (hashed names and their manifest), which the
    pages need once DEBUG is off. Collected into var/loadtest/static, again only when a static file changed:
    collecting and compressing everything costs half a minute of CPU."""
    root = Path(settings.VAR_DIR) / "loadtest" / "static"
    stamp = root / ".sources"
    fingerprint = _static_fingerprint()
    root.mkdir(parents=True, exist_ok=True)
    # Two runs at once (the test suite's workers: the load test, the page-weight check) take turns; the
    # second finds the folder ready.
    with (root.parent / "static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (root / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == fingerprint:
            return root
        progress(f"Collecting the static files into {root} (again only when one changes)...")
        env = {**_server_env(), "STATIC_ROOT": str(root)}
        command = [sys.executable, "manage.py", "collectstatic", "--no-input", "--clear", "--verbosity", "0"]
        with log_path.open("w") as log:
            done = subprocess.run(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        if done.returncode != 0:
            raise LoadTestError(f"collectstatic failed for the load test's server:\n{_tail(log_path)}")
        stamp.write_text(fingerprint)
    return root


def _static_fingerprint() -> str:
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def loopback_production_settings() -> dict[str, str]:
    """The settings that make a production server of the product on loopback: DEBUG off, a key of
    its own, and plain HTTP (loopback has no TLS: no redirect to HTTPS, cookies that travel without
    it). The load test's server and the fault drills' processes both start from these."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
    }


def cache_description() -> str:
    """Where the API throttle counts (the shared cache, ``CACHE_URL``), without its password."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        parts = urlsplit(cache["LOCATION"])
        return f"Redis {parts.hostname}:{parts.port or 6379}{parts.path}"
    return f"the database's {cache.get('LOCATION', 'django_cache')} table (CACHE_URL=redis://... moves it to Redis)"


def _server_env() -> dict[str, str]:
    return {**os.environ, **loopback_production_settings()}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn config.wsgi`` on a free loopback port, as the Procfile runs it: ``workers`` processes, each
    with ``threads`` threads (gunicorn's gthread worker, which keeps connections alive; 1: sync workers)."""

    def __init__(self, *, workers: int, static_root: Path, log_path: Path, threads: int = 1) -> None:
        self.workers = workers
        self.threads = threads
        self.static_root = static_root
        self.log_path = log_path
        self.port = free_port()
        # Names its database connections, to tell them from the others on a shared server.
        self.application_name = f"civic-loadtest-{self.port}"
        self.database_url = database_url(connection.settings_dict, application_name=self.application_name)
        self.process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **_server_env(),
            "DATABASE_URL": self.database_url,
            "STATIC_ROOT": str(self.static_root),
            "API_THROTTLE_RATE": THROTTLE_RATE,
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ]
        with self.log_path.open("w") as log:
            # A session of its own: a Ctrl-C reaches the command, whose ``finally`` stops gunicorn in order.
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_until_healthy(self, *, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadTestError(f"gunicorn stopped on start-up (exit {self.process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.host}/health/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}: {error.read()[:300].decode(errors='replace')}"
            except OSError as error:
                last = str(error)
            time.sleep(0.25)
        raise LoadTestError(f"gunicorn did not answer /health/ within {timeout:.0f} s ({last}):\n{self.log()}")

    def warm_up(self, *, token: str) -> None:
        """Two cheap requests per worker, an API list and a page, so that no worker's first request
        (URLconf, templates, translations, the database connection) is timed."""
        headers = {"Authorization": f"Token {token}"}
        for _ in range(2 * self.workers):
            for path in ("/api/v1/places/?page_size=1", "/login/", "/public/"):
                request = urllib.request.Request(f"{self.host}{path}", headers=headers)  # noqa: S310
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                        response.read()
                except urllib.error.HTTPError as error:
                    raise LoadTestError(f"{path} answered HTTP {error.code} before the load:\n{self.log()}") from None

    def stop(self) -> None:
        """Stop the master and its workers (a worker stuck in a long query included), and end the
        queries they leave running on the database server."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        # The master leads a process group of its own (start_new_session): its workers, and nothing else.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                [self.application_name],
            )

    def log(self, lines: int = 30) -> str:
        return _tail(self.log_path, lines)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Where the CPU went


class CpuMeter:
    """CPU seconds spent during a run by gunicorn, by the PostgreSQL backends serving it, by locust (a
    child this process waits for) and by everything else on the machine, as a percentage of one core
    (two cores are 200 %). Sampled while the run lasts, because a worker or a database connection
    (CONN_MAX_AGE) may end and be replaced during it. Figures it cannot read (psutil missing, a
    database on another machine) are left out."""

    def __init__(self, *, gunicorn: Gunicorn) -> None:
        self.gunicorn = gunicorn
        try:
            import psutil
        except ImportError:
            psutil = None
        self.psutil = psutil

    def start(self) -> None:
        if self.psutil is None:
            return
        self.started = self._machine()
        self.baseline = {"gunicorn": {}, "postgresql": {}}
        self.latest = {"gunicorn": {}, "postgresql": {}}
        self.sample()
        self.baseline = {group: dict(seconds) for group, seconds in self.latest.items()}

    def sample(self) -> None:
        """Note each process's CPU time so far; a process not seen before started during the run."""
        if self.psutil is None:
            return
        pids = {
            "gunicorn": _process_tree(self.psutil, self.gunicorn.process.pid),
            "postgresql": _database_backend_pids(self.gunicorn.application_name),
        }
        for group, group_pids in pids.items():
            self.latest[group].update(_processes_cpu(self.psutil, group_pids))

    def stop(self) -> None:
        if self.psutil is not None:
            self.sample()
            self.ended = self._machine()

    def seconds(self) -> dict[str, float] | None:
        """CPU seconds of gunicorn, PostgreSQL's backends serving it, locust and every other process."""
        if self.psutil is None:
            return None
        ours = {
            group: sum(seconds - self.baseline[group].get(pid, 0.0) for pid, seconds in self.latest[group].items())
            for group in ("gunicorn", "postgresql")
        }
        ours["locust"] = self.ended["children"] - self.started["children"]
        busy = self.ended["busy"] - self.started["busy"]
        ours["other processes"] = max(0.0, busy - sum(ours.values()))
        return ours

    def percent(self) -> dict[str, float] | None:
        seconds = self.seconds()
        if seconds is None:
            return None
        wall = self.ended["wall"] - self.started["wall"]
        busy = self.ended["busy"] - self.started["busy"]
        figures = {name: 100 * value / wall for name, value in seconds.items()}
        figures["idle"] = max(0.0, 100 * (os.cpu_count() or 1) - 100 * busy / wall)
        return {name: round(value, 1) for name, value in figures.items()}

    def ms_per_request(self, requests: int) -> dict[str, float] | None:
        """CPU milliseconds per request, by group: what one request costs the machine, its ceiling visible."""
        seconds = self.seconds()
        if seconds is None or not requests:
            return None
        return {name: round(1000 * value / requests, 2) for name, value in seconds.items()}

    def _machine(self) -> dict:
        system = self.psutil.cpu_times()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "wall": time.monotonic(),
            "busy": sum(getattr(system, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal")),
            "children": children.ru_utime + children.ru_stime,
        }


def _process_tree(psutil, pid: int) -> list[int]:
    try:
        root = psutil.Process(pid)
        return [root.pid, *(child.pid for child in root.children(recursive=True))]
    except psutil.Error:
        return []


def _processes_cpu(psutil, pids: list[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        seconds[pid] = times.user + times.system
    return seconds


def _database_backend_pids(application_name: str) -> list[int]:
    """The server processes serving gunicorn's connections, when the server runs on this machine."""
    if (connection.settings_dict.get("HOST") or "localhost") not in ("localhost", "127.0.0.1", "::1", ""):
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return [pid for (pid,) in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------
# Locust


def parse_api_requests(value: str) -> dict[str, int]:
    """``tasks=4,issues=4,places=2,departments=0,grids=0``: the API users' mix; names left out weigh 0."""
    weights = {}
    for item in value.split(","):
        name, equals, weight = (part.strip() for part in item.partition("="))
        if name not in API_REQUESTS or not equals or not weight.isdigit():
            raise ValueError(f"{item.strip()!r} is not NAME=WEIGHT with NAME one of {', '.join(API_REQUESTS)}")
        weights[name] = int(weight)
    if not any(weights.values()):
        raise ValueError("at least one request needs a weight above 0")
    return {name: weights.get(name, 0) for name in API_REQUESTS}


def locust_environment(
    *, accounts: LoadAccounts, sample: LoadSample, api_weight: int, page_weight: int, api_requests: dict | None
) -> dict:
    """The variables ``perf/locustfile.py`` reads."""
    requests = ",".join(f"{name}={weight}" for name, weight in api_requests.items()) if api_requests else ""
    return {
        "LOADTEST_API_REQUESTS": requests,
        "LOADTEST_API_TOKEN": accounts.api_token,
        "LOADTEST_PAGE_USERNAME": accounts.page_username,
        "LOADTEST_PAGE_PASSWORD": accounts.page_password,
        "LOADTEST_DEPARTMENT_IDS": ",".join(map(str, sample.department_ids)),
        "LOADTEST_GRID_IDS": ",".join(map(str, sample.grid_ids)),
        "LOADTEST_TASK_IDS": ",".join(map(str, sample.task_ids)),
        "LOADTEST_API_WEIGHT": str(api_weight),
        "LOADTEST_PAGE_WEIGHT": str(page_weight),
    }


def locust_run(
    *,
    scenario: Scenario,
    gunicorn: Gunicorn,
    users: int,
    duration: int,
    env: dict[str, str],
    folder: Path,
    api_requests: dict[str, int] | None = None,
) -> ScenarioResult:
    """One headless locust run of a scenario; its CSV files and log stay in ``folder``."""
    prefix = folder / scenario.name
    log_path = folder / f"{scenario.name}-locust.log"
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--host",
        gunicorn.host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *scenario.user_classes,
    ]
    started = time.monotonic()
    meter = CpuMeter(gunicorn=gunicorn)
    with log_path.open("w") as log:
        locust = subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            meter.start()
            deadline = started + duration + 120
            while locust.poll() is None:
                if time.monotonic() > deadline:
                    raise LoadTestError(f"locust did not stop within {duration + 120} s:\n{_tail(log_path)}")
                meter.sample()
                time.sleep(0.5)
            meter.stop()
        finally:
            if locust.poll() is None:
                locust.kill()
                locust.wait()
    stats_path = Path(f"{prefix}_stats.csv")
    # Locust exits with 1 when a request failed: that is a result to report, not a crash.
    if locust.returncode not in (0, 1) or not stats_path.exists():
        raise LoadTestError(f"locust failed (exit {locust.returncode}) in scenario {scenario.name}:\n{_tail(log_path)}")
    endpoints, total = read_stats(stats_path)
    result = ScenarioResult(
        name=scenario.name,
        title=scenario.title,
        users=users,
        duration_s=duration,
        total=total,
        endpoints=endpoints,
        failures=read_failures(Path(f"{prefix}_failures.csv")),
        cpu_percent=meter.percent(),
        cpu_ms_per_request=meter.ms_per_request(total.requests),
        warnings=[line[line.index("CPU usage") :] for line in _tail(log_path, 200).splitlines() if "CPU usage" in line],
        wall_s=round(time.monotonic() - started, 1),
        target=scenario.target(api_requests),
    )
    if result.target is not None:
        result.target_misses = result.target.misses(total)
    return result


def read_stats(path: Path) -> tuple[list[Figures], Figures]:
    """Locust's ``*_stats.csv``: a row per endpoint, then the ``Aggregated`` row."""
    endpoints, total = [], None
    with path.open(newline="") as stats:
        for row in csv.DictReader(stats):
            figures = Figures(
                name=row["Name"],
                method=row["Type"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                requests_per_second=float(row["Requests/s"]),
                p50_ms=_number(row["50%"]),
                p95_ms=_number(row["95%"]),
                max_ms=_number(row["Max Response Time"]),
            )
            if row["Name"] == "Aggregated":
                total = figures
            else:
                endpoints.append(figures)
    if total is None:
        raise LoadTestError(f"{path} has no Aggregated row.")
    return endpoints, total


def read_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as failures:
        return [
            {"method": row["Method"], "name": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
            for row in csv.DictReader(failures)
        ]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None  # "N/A": no request of that kind


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


# ---------------------------------------------------------------------------------------------
# The report


def loadtest_run(
    *,
    scenarios: list[Scenario],
    users: int,
    duration: int,
    workers: int,
    api_weight: int,
    threads: int = 1,
    page_weight: int,
    api_requests: dict[str, int] | None,
    progress: Callable[[str], None],
) -> "LoadReport":
    """The whole load test on the database this process uses: sample, accounts, gunicorn, one locust run
    per scenario. Whatever happens, a SIGTERM included, gunicorn is stopped and the accounts disabled."""
    sample = loadtest_sample()
    with tempfile.TemporaryDirectory(prefix="loadtest-") as folder, sigterm_as_interrupt():
        folder = Path(folder)
        static_root = static_root_ready(log_path=folder / "collectstatic.log", progress=progress)
        gunicorn = Gunicorn(workers=workers, threads=threads, static_root=static_root, log_path=folder / "gunicorn.log")
        context = {
            "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": connection.settings_dict["NAME"],
            "cores": os.cpu_count() or 1,
            "load_average_before": [round(value, 2) for value in os.getloadavg()],
            "gunicorn_workers": workers,
            "gunicorn_threads": threads,
            "users": users,
            "duration_s": duration,
            "api_weight": api_weight,
            "page_weight": page_weight,
            "api_requests": api_requests or "default",
            "api_throttle_rate": THROTTLE_RATE,
            "cache": cache_description(),
        }
        accounts = loadtest_accounts_ensure()
        env = locust_environment(
            accounts=accounts, sample=sample, api_weight=api_weight, page_weight=page_weight, api_requests=api_requests
        )
        progress(f"Starting gunicorn ({workers} workers, {threads} thread(s) each) on {gunicorn.host}...")
        try:
            gunicorn.start()
            gunicorn.wait_until_healthy()
            gunicorn.warm_up(token=accounts.api_token)
            results = []
            for scenario in scenarios:
                progress(f"Scenario {scenario.name}: {users} users for {duration} s...")
                result = locust_run(
                    scenario=scenario,
                    gunicorn=gunicorn,
                    users=users,
                    duration=duration,
                    env=env,
                    folder=folder,
                    api_requests=api_requests,
                )
                progress(f"Scenario {scenario.name} done: {result.total.requests} requests in {result.wall_s:.0f} s.")
                results.append(result)
        finally:
            gunicorn.stop()
            loadtest_accounts_disable()
    return LoadReport(context=context, results=results)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A SIGTERM (a CI time-out, ``kill``) ends the run as Ctrl-C does, through the ``finally`` that stops
    gunicorn, instead of leaving it running in its own session."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class LoadReport:
    context: dict
    results: list[ScenarioResult]

    def as_dict(self) -> dict:
        return {
            **self.context,
            "scenarios": [{**asdict(result), "target_met": result.target_met} for result in self.results],
        }

    def render(self) -> str:
        """The report as a text table per scenario."""
        context = self.context
        load = ", ".join(f"{value:.2f}" for value in context["load_average_before"])
        lines = [
            f"Load test of database {context['database']} ({context['started']}): gunicorn with "
            f"{context['gunicorn_workers']} workers of {context['gunicorn_threads']} thread(s), DEBUG off, locust on "
            f"the same machine ({context['cores']} cores).",
            f"Load average before the run: {load} (other work sharing the cores).",
            f"API throttle raised to {THROTTLE_RATE} for the run, counted in {context['cache']}; mix: "
            f"{context['api_weight']} API user(s) per {context['page_weight']} page user(s).",
        ]
        if context["api_requests"] != "default":
            mix = ", ".join(f"{name} {weight}" for name, weight in context["api_requests"].items())
            lines.append(f"API users' requests weighed by --api-requests: {mix}.")
        for result in self.results:
            lines += ["", *_render_scenario(result, cores=context["cores"])]
        return "\n".join(lines)


def _render_scenario(result: ScenarioResult, *, cores: int) -> list[str]:
    lines = [
        f"Scenario {result.name}: {result.title}, {result.users} users for {result.duration_s} s",
        f"  {'Endpoint':<44}{'Requests':>9}{'Req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'Max ms':>8}{'Failures':>9}",
    ]
    for row in [*result.endpoints, result.total]:
        name = "All requests" if row is result.total else f"{row.method} {row.name}"
        lines.append(
            f"  {name:<44}{row.requests:>9}{row.requests_per_second:>8.1f}{_ms(row.p50_ms):>8}"
            f"{_ms(row.p95_ms):>8}{_ms(row.max_ms):>8}{row.failures:>9}"
        )
    target = result.target
    if target is None:
        lines.append(
            "  Target: none for this mix (there is one for the default mixes and for --api-requests "
            "tasks=4,issues=4,places=2)."
        )
    elif result.target_misses:
        lines.append(f"  {target.text()} ({target.why}): MISSED ({'; '.join(result.target_misses)}).")
    else:
        lines.append(f"  {target.text()} ({target.why}): met.")
    if target is not None and result.users != target.users:
        lines.append(f"  (this run had {result.users} users, not the target's {target.users})")
    if result.cpu_percent:
        spent = ", ".join(f"{name} {value:.0f}" for name, value in result.cpu_percent.items())
        lines.append(f"  CPU during the run, % of one core ({cores} cores = {100 * cores} %): {spent}")
    if result.cpu_ms_per_request:
        costs = result.cpu_ms_per_request
        spent = ", ".join(f"{name} {value:.1f}" for name, value in costs.items())
        ours = sum(costs.get(name, 0.0) for name in ("gunicorn", "postgresql", "locust"))
        ceiling = f"; {cores} cores serve at most {1000 * cores / ours:.0f} req/s at that cost" if ours else ""
        lines.append(f"  CPU ms per request: {spent}{ceiling}")
    lines += [f"  Locust: {warning}" for warning in dict.fromkeys(result.warnings)]
    lines += [
        f"  Failed {failure['count']}x {failure['method']} {failure['name']}: {failure['error']}"
        for failure in result.failures[:10]
    ]
    return lines
