"""The page-weight check behind ``manage.py pageweight``: each role's pages loaded on a phone network,
from the development server ``make run`` starts and from production's gunicorn.

``pageweight_run`` starts each server from its Procfile's ``web`` line on a free loopback port
(``Server``), signs in an account per role (``pageweight_accounts_ensure``), finds the role's pages (its
navigation and the first detail page of each kind linked from there), loads every page in a fresh browser
context (cold cache) throttled through the Chrome DevTools Protocol, and returns a ``WeightReport``."""

import datetime
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import Role, User
from perf.loadtest import (
    database_url,
    free_port,
    loopback_production_settings,
    server_password_hash,
    sigterm_as_interrupt,
    static_root_ready,
)

KB = 1000  # kilobytes as DevTools counts them


class PageWeightError(Exception):
    """The measurement cannot run or could not finish; the message says why and what to do."""


@dataclass(frozen=True)
class Network:
    """The phone network and phone CPU every page is loaded on (Lighthouse's "slow 4G" mobile profile)."""

    latency_ms: int = 150
    download_kbit_s: int = 1600
    upload_kbit_s: int = 750
    cpu_slowdown: int = 4

    def describe(self) -> str:
        return (
            f"{self.latency_ms} ms latency, {self.download_kbit_s / 1000:g} Mbit/s down, "
            f"{self.upload_kbit_s} kbit/s up, CPU {self.cpu_slowdown}x slower"
        )


PHONE_NETWORK = Network()


@dataclass(frozen=True)
class Budget:
    """What a page may weigh (transferred, headers included) and, where it draws charts, how soon."""

    transferred_kb: float
    drawn_s: float | None = None

    def describe(self) -> str:
        text = f"<= {self.transferred_kb:g} kB"
        return f"{text}, drawn <= {self.drawn_s:g} s" if self.drawn_s is not None else text


DASHBOARD_PATH = "/dashboard/"
DASHBOARD_BUDGET = Budget(transferred_kb=400, drawn_s=3)
PAGE_BUDGET = Budget(transferred_kb=100)


def budget_for(path: str) -> Budget:
    return DASHBOARD_BUDGET if urlsplit(path).path == DASHBOARD_PATH else PAGE_BUDGET


@dataclass(frozen=True)
class Mode:
    """A way the product is served: which Procfile starts its web server, and with which settings."""

    name: str
    title: str
    procfile: str


MODES = {
    "dev": Mode("dev", "make run: the development server of Procfile.dev, DEBUG on", "Procfile.dev"),
    "production": Mode(
        "production", "production: gunicorn of Procfile, DEBUG off, collected and compressed static", "Procfile"
    ),
}
ROLES = (Role.LEADER, Role.INSPECTOR, Role.STAFF, Role.ADMINISTRATOR)
ACCOUNT_PREFIX = "pageweight-"
ANONYMOUS = "anonymous"
SIGN_IN_PATH = "/login/"
# The anonymous visitor's pages: the sign-in page and the public's, the report page again with its map open.
ANONYMOUS_PAGES = (SIGN_IN_PATH, "/report/", "/report/#map", "/public/")
# A page measured once it is loaded and then opened further (its address's fragment): the button pressed and
# what is there once the opened part is drawn. The report page loads its map only when asked to.
OPENED = {"map": ("[data-map-open]", "#report-map .leaflet-overlay-pane path")}
# Pages of a role beyond its navigation: the first link of each kind found on its navigation's pages.
DETAIL_PAGES = (
    re.compile(r"^/tasks/\d+/$"),
    re.compile(r"^/issues/\d+/$"),
    re.compile(r"^/dashboard/departments/\d+/$"),
    re.compile(r"^/dashboard/grids/\d+/$"),
    re.compile(r"^/reports/weekly/\d+/$"),
)
# Django's admin and the API's documentation are not the product's pages; the others are not pages.
NOT_PAGES = ("/admin/", "/api/", "/logout/", "/i18n/", "/static/")
PHONE = {"viewport": {"width": 375, "height": 800}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# Set in every page before its own scripts run: the moment its charts (``.chart`` holding a canvas or an svg)
# and its map (``#grid-map`` with a shape drawn, or marked empty) were first seen in a frame; the first
# contentful paint, if later, counts instead (``_drawn_s``).
DRAWN_PROBE = """
(() => {
  const seen = {};
  window.__pageweightDrawn = seen;
  function check() {
    const now = performance.now();
    const charts = document.querySelectorAll(".chart");
    if (!seen.charts && charts.length && [...charts].every((chart) => chart.querySelector("canvas, svg"))) {
      seen.charts = now;
    }
    const map = document.getElementById("grid-map") || document.getElementById("report-map");
    const shape = map && map.querySelector(".leaflet-interactive, .leaflet-overlay-pane path");
    if (!seen.map && map && (shape || map.classList.contains("is-empty"))) {
      seen.map = now;
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""
DRAWN_DONE = """() => {
  const seen = window.__pageweightDrawn || {};
  const charts = document.querySelector(".chart") === null || seen.charts !== undefined;
  const map = document.getElementById("grid-map") === null || seen.map !== undefined;
  return charts && map;
}"""


@dataclass
class PageFigures:
    """One page loaded once, cold, on the phone network."""

    mode: str
    role: str
    path: str
    status: int
    transferred_bytes: int
    raw_bytes: int
    requests: int
    load_s: float
    charts_s: float | None
    map_s: float | None
    target: str
    misses: list[str] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)  # each request: its path, transferred and raw bytes

    @property
    def met(self) -> bool:
        return not self.misses


@dataclass(frozen=True)
class Account:
    role: str
    username: str
    password: str
    department: str


# ---------------------------------------------------------------------------------------------
# The accounts


def pageweight_accounts_ensure(roles: tuple[Role, ...] = ROLES) -> list[Account]:
    """An account per role (``pageweight-leader`` ...), made on the first run and reused after, in the
    department of the role's first active member, with a password new on every run. Roles nobody holds are
    left out. They stay active only while a run lasts (``pageweight_accounts_disable``)."""
    accounts = []
    with transaction.atomic():
        for role in roles:
            model = (
                User.objects.filter(is_active=True, groups__name=role.value)
                .exclude(username__startswith=ACCOUNT_PREFIX)
                .select_related("department")
                .order_by("is_superuser", "pk")
                .first()
            )
            if model is None:
                continue
            group, _ = Group.objects.get_or_create(name=role.value)
            username = f"{ACCOUNT_PREFIX}{role.value}"
            user, _ = User.objects.get_or_create(username=username, defaults={"password": make_password(None)})
            user.groups.set([group])
            password = secrets.token_urlsafe(18)
            # update(), not save(): a new password or a reactivation is no change worth a history row.
            User.objects.filter(pk=user.pk).update(
                is_active=True,
                is_staff=False,
                is_superuser=False,
                department=model.department,
                password=server_password_hash(password),
            )
            accounts.append(Account(role.value, username, password, str(model.department or "")))
        AccessAttempt.objects.filter(username__startswith=ACCOUNT_PREFIX).delete()
    return accounts


def pageweight_accounts_disable() -> None:
    """After a run: the accounts' passwords let nobody in until the next run."""
    User.objects.filter(username__startswith=ACCOUNT_PREFIX).update(is_active=False)


# ---------------------------------------------------------------------------------------------
# The servers


def server_database_url() -> str:
    """A DATABASE_URL for the servers: the database this process uses, which must be one they can open."""
    if connection.vendor == "postgresql":
        return database_url(connection.settings_dict, application_name="civic-pageweight")
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            raise PageWeightError("The database is SQLite in memory, which a server cannot open: use a file.")
        return f"sqlite:///{Path(connection.settings_dict['NAME']).resolve()}"
    raise PageWeightError(f"The page-weight check runs on PostgreSQL or SQLite, not {connection.vendor}.")


_ADDRESS = re.compile(r"^[\w.\-]+:\d+$")


def procfile_web_command(procfile: Path, *, port: int) -> list[str]:
    """The ``web`` line of a Procfile as a command listening on 127.0.0.1:``port``, with this Python."""
    lines = [line.partition(":") for line in procfile.read_text().splitlines() if not line.startswith("#")]
    web = next((shlex.split(command) for name, colon, command in lines if name.strip() == "web" and colon), None)
    if not web:
        raise PageWeightError(f"{procfile.name} has no web: line to start a server from.")
    if not any(_ADDRESS.match(word) for word in web):
        raise PageWeightError(f"{procfile.name}'s web line names no HOST:PORT to replace: {shlex.join(web)}")
    words = [f"127.0.0.1:{port}" if _ADDRESS.match(word) else word for word in web]
    program, *arguments = words
    if program == "python":
        command = [sys.executable, *arguments]
    elif program in ("gunicorn", "uvicorn", "daphne"):
        command = [sys.executable, "-m", program, *arguments]
    else:
        command = words
    # The development server's autoreloader would watch the files in a process of its own; nothing changes here.
    if "runserver" in command and "--noreload" not in command:
        command.append("--noreload")
    return command


class Server:
    """The product's web server in one mode, on a free loopback port, on the database this process uses."""

    def __init__(self, *, mode: Mode, database: str, static_root: Path | None, log_path: Path) -> None:
        self.mode = mode
        self.port = free_port()
        self.command = procfile_web_command(Path(settings.BASE_DIR) / mode.procfile, port=self.port)
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database}
        if mode.name == "production":
            environment |= {**loopback_production_settings(), "STATIC_ROOT": str(static_root)}
        else:
            environment["DEBUG"] = "1"
        self.environment = environment
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60) -> None:
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                self.command,
                cwd=settings.BASE_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PageWeightError(f"The {self.mode.name} server stopped on start-up:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.host}{SIGN_IN_PATH}", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        self._warm_up()
                        return
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}"
            except OSError as error:
                last = str(error)
            time.sleep(0.25)
        raise PageWeightError(f"The {self.mode.name} server did not answer in {timeout:.0f} s ({last}):\n{self.log()}")

    def _warm_up(self) -> None:
        """A few requests first, so that no worker's first one (imports, templates, translations) is timed."""
        for _ in range(8):
            with urllib.request.urlopen(f"{self.host}{SIGN_IN_PATH}", timeout=30) as response:  # noqa: S310
                response.read()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# ---------------------------------------------------------------------------------------------
# The browser


def chromium_executable() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise PageWeightError("Chromium is not installed: apt-get install chromium (or set CHROMIUM=/path).")
    return path


def sign_in(browser, *, host: str, account: Account | None) -> dict | None:
    """The cookies of a signed-in session (``None`` for the anonymous visitor), signed in through the form."""
    if account is None:
        return None
    context = browser.new_context(base_url=host, **PHONE)
    try:
        page = context.new_page()
        page.goto(SIGN_IN_PATH)
        page.fill("input[name=username]", account.username)
        page.fill("input[name=password]", account.password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        if urlsplit(page.url).path == SIGN_IN_PATH:
            raise PageWeightError(f"{account.username} could not sign in on {host}.")
        return context.storage_state()
    finally:
        context.close()


def role_pages(browser, *, host: str, state: dict | None, details: bool = True) -> list[str]:
    """The pages a role reaches: its navigation's, then the first detail page of each kind they link to."""
    if state is None:
        return list(ANONYMOUS_PAGES)
    context = browser.new_context(base_url=host, storage_state=state, **PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        nav = page.eval_on_selector_all("nav.mainnav a[href]", "links => links.map(link => link.getAttribute('href'))")
        pages = list(dict.fromkeys(href for href in nav if _is_page(href)))
        found: dict[re.Pattern, str] = {}
        for path in pages if details else []:
            page.goto(path, wait_until="networkidle")
            links = page.eval_on_selector_all("main a[href]", "links => links.map(link => link.getAttribute('href'))")
            for href in links:
                for pattern in DETAIL_PAGES:
                    if pattern not in found and href.startswith("/") and pattern.match(urlsplit(href).path):
                        found[pattern] = href
        return pages + [found[pattern] for pattern in DETAIL_PAGES if pattern in found]
    finally:
        context.close()


def _is_page(href: str) -> bool:
    return href.startswith("/") and not href.startswith(NOT_PAGES) and not urlsplit(href).path.endswith(".xlsx")


def measure_page(
    browser, *, host: str, mode: str, role: str, path: str, state: dict | None, network: Network
) -> PageFigures:
    """Load ``path`` once in a fresh context (an empty cache) on the phone network and CPU, wait until its
    charts and map are drawn and the network is quiet (a path ending ``#map``: then open its map and wait
    until it is drawn), and count what came over the wire."""
    context = browser.new_context(base_url=host, storage_state=state, **PHONE)
    context.set_default_timeout(120_000)
    context.add_init_script(DRAWN_PROBE)
    requests: dict[str, dict] = {}

    def sent(event: dict) -> None:
        url = event["request"]["url"]
        if not url.startswith("data:"):
            requests.setdefault(event["requestId"], {"url": urlsplit(url).path, "encoded": 0, "raw": 0})

    def received(event: dict) -> None:
        if event["requestId"] in requests:
            requests[event["requestId"]]["raw"] += event["dataLength"]

    def finished(event: dict) -> None:
        if event["requestId"] in requests:
            requests[event["requestId"]]["encoded"] = event["encodedDataLength"]

    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.dataReceived", received)
        cdp.on("Network.loadingFinished", finished)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": network.latency_ms,
                "downloadThroughput": network.download_kbit_s * 1000 / 8,
                "uploadThroughput": network.upload_kbit_s * 1000 / 8,
                "connectionType": "cellular4g",
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": network.cpu_slowdown})
        response = page.goto(path, wait_until="load")
        status = response.status if response else 0
        page.wait_for_function(DRAWN_DONE, polling=100, timeout=60_000)
        page.wait_for_load_state("networkidle")
        opened = OPENED.get(urlsplit(path).fragment)
        if opened is not None:  # opened as soon as the page is quiet: its map_s counts from the page's start
            opener, drawn = opened
            page.click(opener)
            page.wait_for_selector(drawn, state="attached", timeout=60_000)
            page.wait_for_timeout(500)  # a request the drawing may still make
        timing = page.evaluate(
            """() => ({
              load: performance.getEntriesByType("navigation")[0].loadEventEnd,
              paint: (performance.getEntriesByName("first-contentful-paint")[0] || {startTime: 0}).startTime,
              drawn: window.__pageweightDrawn || {},
              signIn: location.pathname,
            })"""
        )
    finally:
        context.close()
    if status != 200 or (path != SIGN_IN_PATH and timing["signIn"] == SIGN_IN_PATH):
        raise PageWeightError(f"{host}{path} answered {status} for {role} (at {timing['signIn']}).")
    drawn = timing["drawn"]
    budget = budget_for(path)
    figures = PageFigures(
        mode=mode,
        role=role,
        path=path,
        status=status,
        transferred_bytes=sum(request["encoded"] for request in requests.values()),
        raw_bytes=sum(request["raw"] for request in requests.values()),
        requests=len(requests),
        load_s=round(timing["load"] / 1000, 2),
        charts_s=_drawn_s(drawn, "charts", timing["paint"]),
        map_s=_drawn_s(drawn, "map", timing["paint"]),
        target=budget.describe(),
        resources=sorted(requests.values(), key=lambda request: -request["encoded"]),
    )
    if figures.transferred_bytes > budget.transferred_kb * KB:
        figures.misses.append(f"{figures.transferred_bytes / KB:.0f} kB > {budget.transferred_kb:g}")
    if budget.drawn_s is not None:
        for name, seconds in (("charts", figures.charts_s), ("map", figures.map_s)):
            if seconds is not None and seconds > budget.drawn_s:
                figures.misses.append(f"{name} drawn after {seconds:.1f} s > {budget.drawn_s:g}")
    return figures


def _drawn_s(drawn: dict, what: str, first_paint_ms: float) -> float | None:
    """When ``what`` was drawn: the first frame it was there in, or the page's first paint if that came later
    (a frame may be laid out before the styles let the browser paint it)."""
    if what not in drawn:
        return None
    return round(max(drawn[what], first_paint_ms) / 1000, 2)


# ---------------------------------------------------------------------------------------------
# The run


def pageweight_run(
    *,
    modes: list[Mode],
    roles: tuple[Role, ...] = ROLES,
    anonymous: bool = True,
    only: list[str] | None = None,
    network: Network = PHONE_NETWORK,
    progress: Callable[[str], None],
) -> "WeightReport":
    """Measure every page of each role (and the sign-in page, for the anonymous visitor) in each mode.
    ``only`` keeps the pages whose path (without the query) is one of those given. Whatever happens, the
    servers are stopped and the accounts disabled."""
    from playwright.sync_api import sync_playwright

    database = server_database_url()
    chromium = chromium_executable()
    context = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "network": asdict(network),
        "cores": os.cpu_count() or 1,
        "load_average_before": [round(value, 2) for value in os.getloadavg()],
    }
    pages: list[PageFigures] = []
    # The database is read and written before and after the browser runs: Playwright's event loop would make
    # Django refuse its synchronous queries.
    accounts = pageweight_accounts_ensure(roles)
    context["accounts"] = {account.role: account.department for account in accounts}
    visitors: list[tuple[str, Account | None]] = [(account.role, account) for account in accounts]
    if anonymous:
        visitors.insert(0, (ANONYMOUS, None))
    try:
        with tempfile.TemporaryDirectory(prefix="pageweight-") as folder, sigterm_as_interrupt():
            folder = Path(folder)
            static_root = None
            if any(mode.name == "production" for mode in modes):
                static_root = static_root_ready(log_path=folder / "collectstatic.log", progress=progress)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    for mode in modes:
                        server = Server(mode=mode, database=database, static_root=static_root, log_path=folder / "log")
                        progress(f"{mode.name}: {shlex.join(server.command[1:])} ({mode.procfile})...")
                        try:
                            server.start()
                            pages += _measure_mode(
                                browser, server=server, visitors=visitors, only=only, network=network, progress=progress
                            )
                        finally:
                            server.stop()
                finally:
                    browser.close()
    finally:
        pageweight_accounts_disable()
    return WeightReport(context=context, modes=modes, pages=pages)


def _measure_mode(
    browser,
    *,
    server: Server,
    visitors: list[tuple[str, Account | None]],
    only: list[str] | None,
    network: Network,
    progress: Callable[[str], None],
) -> list[PageFigures]:
    pages = []
    for role, account in visitors:
        state = sign_in(browser, host=server.host, account=account)
        details = not only or any(pattern.match(path) for pattern in DETAIL_PAGES for path in only)
        for path in role_pages(browser, host=server.host, state=state, details=details):
            if only and urlsplit(path).path not in only:
                continue
            figures = measure_page(
                browser, host=server.host, mode=server.mode.name, role=role, path=path, state=state, network=network
            )
            progress(f"{server.mode.name} {role} {path}: {figures.transferred_bytes / KB:.0f} kB")
            pages.append(figures)
    return pages


@dataclass
class WeightReport:
    context: dict
    modes: list[Mode]
    pages: list[PageFigures]

    @property
    def misses(self) -> list[PageFigures]:
        return [page for page in self.pages if not page.met]

    def as_dict(self) -> dict:
        return {
            **self.context,
            "modes": {mode.name: mode.title for mode in self.modes},
            "budgets": {"dashboard": asdict(DASHBOARD_BUDGET), "other pages": asdict(PAGE_BUDGET)},
            "pages": [
                {
                    **asdict(page),
                    "transferred_kb": round(page.transferred_bytes / KB, 1),
                    "raw_kb": round(page.raw_bytes / KB, 1),
                    "met": page.met,
                }
                for page in self.pages
            ],
            "all_met": not self.misses,
        }

    def render(self) -> str:
        network = Network(**self.context["network"])
        load = ", ".join(f"{value:.2f}" for value in self.context["load_average_before"])
        lines = [
            f"Page weight on a phone network ({network.describe()}), each page loaded once with an empty cache "
            "in a 375 px Chromium; kB = 1000 bytes, transferred = over the wire, headers included.",
            f"Database {self.context['database']}; {self.context['cores']} cores, load average before: {load}.",
        ]
        header = (
            f"  {'Role':<14}{'Page':<46}{'Transferred kB':>15}{'Raw kB':>8}{'Requests':>9}{'Load s':>8}"
            f"{'Charts s':>9}{'Map s':>7}  {'Target':<26}Met"
        )
        for mode in self.modes:
            rows = [page for page in self.pages if page.mode == mode.name]
            lines += ["", f"{mode.title}:", header]
            for page in rows:
                met = "yes" if page.met else f"NO: {'; '.join(page.misses)}"
                lines.append(
                    f"  {page.role:<14}{page.path:<46}{page.transferred_bytes / KB:>15.1f}{page.raw_bytes / KB:>8.1f}"
                    f"{page.requests:>9}{page.load_s:>8.2f}{_seconds(page.charts_s):>9}{_seconds(page.map_s):>7}"
                    f"  {page.target:<26}{met}"
                )
        misses = self.misses
        lines += [
            "",
            f"All {len(self.pages)} page loads met their targets."
            if not misses
            else f"{len(misses)} of {len(self.pages)} page loads MISSED their targets.",
        ]
        return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
