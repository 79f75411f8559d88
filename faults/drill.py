"""The machinery of the fault drills: private servers on loopback ports, the product's processes run
as a production installation runs them, and waiting with a deadline.

Nothing here touches the machine's own PostgreSQL (5432) or Redis (6379): every server is started on a
free port, in a folder of its own, and stopped (or killed) when the drill ends.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any

import psycopg2

from perf.loadtest import free_port, loopback_production_settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# The file e-mail backend separates the messages of one file with this line.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class DrillError(AssertionError):
    """A drill's precondition or wait failed; the message says what was expected."""


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.2) -> Any:
    """Call ``condition`` until it returns something true, and return that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise DrillError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _run(argv: list[str], *, timeout: float, env: dict | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run(  # noqa: S603 -- argv built here, never from input
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise DrillError(f"{' '.join(argv[:3])} ... exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# Processes -------------------------------------------------------------------------------------


class Process:
    """A process started by a drill, in a process group of its own so that its children die with it."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log: Path) -> None:
        self.name, self.argv, self.log = name, argv, log
        with log.open("ab") as output:
            self.popen = subprocess.Popen(  # noqa: S603 -- argv built by the drills
                argv, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_for_output(self, pattern: str, *, timeout: float) -> None:
        """Wait until the log says ``pattern`` (a regular expression); fail early if the process exits."""

        def seen() -> bool:
            if not self.alive:
                raise DrillError(f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}")
            return re.search(pattern, self.output()) is not None

        wait_for(seen, timeout=timeout, what=f"{self.name} to log {pattern!r}")

    def children(self) -> list[int]:
        """The process ids of its direct children (gunicorn's workers, Celery's pool)."""
        found = []
        for task in Path(f"/proc/{self.pid}/task").glob("*"):
            children = task / "children"
            if children.exists():
                found.extend(int(pid) for pid in children.read_text().split())
        return sorted(found)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group: the process and everything it started."""
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            self.popen.wait(timeout=10)

    def stop(self, *, grace: float = 10) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; the group is killed either way, so no child is left."""
        if self.alive:
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill(signal.SIGKILL)


class Processes:
    """Every process a drill starts; ``stop_all`` ends them, the last started first."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        self.started: list[Process] = []

    def start(self, name: str, argv: list[str], *, env: dict) -> Process:
        process = Process(name, argv, env=env, log=self.log_dir / f"{name}.log")
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()

    def report(self) -> str:
        return "\n\n".join(f"--- {process.name} (pid {process.pid}) ---\n{process.tail()}" for process in self.started)


# Private servers -------------------------------------------------------------------------------


class RedisServer:
    """``redis-server`` on a loopback port, keeping nothing on disk: a restart starts empty."""

    def __init__(self, processes: Processes, folder: Path) -> None:
        if shutil.which("redis-server") is None:
            raise DrillError("redis-server is not installed (apt-get install redis-server)")
        self.processes, self.folder, self.port = processes, folder, free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.process: Process | None = None
        self.starts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.starts += 1
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.folder)]
        self.process = self.processes.start(f"redis-{self.starts}", argv, env=dict(os.environ))
        self.process.wait_for_output(r"Ready to accept connections", timeout=20)

    def stop(self) -> None:
        """Stop it as an operator would (SIGTERM); with nothing saved, its queues are gone."""
        if self.process is not None:
            self.process.stop()
            self.process = None


class PostgresCluster:
    """A throw-away PostgreSQL 15 cluster (initdb + pg_ctl) on a loopback port, trust authentication.

    PostgreSQL refuses to run as root: then its folder belongs to ``postgres`` and its tools run as that user."""

    def __init__(self) -> None:
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).exists():
                raise DrillError(f"{PG_BIN / tool} is missing (apt-get install postgresql-15)")
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres", group="postgres")

    def _as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def init(self) -> None:
        argv = [str(PG_BIN / "initdb"), "-D", str(self.data), "--auth=trust", "--username=postgres"]
        argv += ["--encoding=UTF8", "--locale=C.UTF-8"]
        _run(self._as_owner(argv), timeout=60)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
            # A drill's data is thrown away: no need to wait for the disk.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        argv = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "-o", options]
        _run(self._as_owner([*argv, "start"]), timeout=45)

    def stop(self, mode: str = "fast") -> None:
        """``fast`` is a clean restart's stop: sessions are ended, open transactions rolled back."""
        argv = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "30", "-m", mode, "stop"]
        _run(self._as_owner(argv), timeout=45)

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except (DrillError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        connection.autocommit = True
        return connection

    def execute(self, sql: str, database: str = "postgres") -> None:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def query(self, sql: str, database: str, params: tuple = ()) -> list[tuple]:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()


# The product -----------------------------------------------------------------------------------


def product_environment(*, database_url: str, redis: RedisServer, folder: Path, static_root: Path, **extra) -> dict:
    """The environment of every product process, as deploy/production.env.example sets it (DEBUG off),
    except that it speaks plain HTTP on loopback. Nothing is inherited that could point elsewhere."""
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(folder)),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        **loopback_production_settings(),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis.url(0),
        "CELERY_RESULT_BACKEND": redis.url(1),
        "EMAIL_URL": f"file://{folder / 'mail'}",
        "VAR_DIR": str(folder / "var"),
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "INFO",
    }
    env.update({name: str(value) for name, value in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    """``python manage.py ...`` with the product's environment; its standard output."""
    return _run([str(BIN / "python"), "manage.py", *args], env=env, timeout=timeout)


def seed(env: dict, scenario: str, *, timeout: float = 180, **options) -> dict:
    """Load a scenario's data (faults/seed.py) into the drill's database; what it made, as a dict."""
    output = _run([str(BIN / "python"), "-m", "faults.seed", scenario, json.dumps(options)], env=env, timeout=timeout)
    return json.loads(output.strip().splitlines()[-1])


def start_web(processes: Processes, env: dict, *, workers: int = 2) -> tuple[Process, str]:
    """gunicorn as the Procfile runs it, on a free loopback port; the process and its base URL."""
    port = free_port()
    argv = [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    argv += ["--timeout", "30", "--graceful-timeout", "5", "--access-logfile", "-"]
    web = processes.start("web", argv, env=env)
    web.wait_for_output(r"Booting worker", timeout=30)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(f"{base}/health/"), timeout=30, what="gunicorn to answer /health/")
    return web, base


def _answers(url: str) -> bool:
    import requests

    try:
        requests.get(url, timeout=5)
    except requests.RequestException:
        return False
    return True


def start_worker(processes: Processes, env: dict, name: str, *, concurrency: int = 2) -> Process:
    """``celery -A config worker`` (prefork, as in production), ready to take tasks."""
    argv = [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", f"--concurrency={concurrency}"]
    argv += [f"--hostname={name}@%h", "--without-mingle", "--without-gossip"]
    worker = processes.start(name, argv, env=env)
    worker.wait_for_output(r"ready\.", timeout=60)
    return worker


def start_beat(processes: Processes, env: dict) -> Process:
    """``celery -A config beat``: the one scheduler, its schedule file in the drill's VAR_DIR."""
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    beat = processes.start("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"], env=env)
    beat.wait_for_output(r"beat: Starting", timeout=60)
    return beat


def sent_mail(folder: Path) -> list[dict]:
    """The messages that Django's file e-mail backend wrote into ``folder``: recipients and subject."""
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                message = message_from_bytes(chunk.strip() + b"\n")
                messages.append({"to": message["To"], "subject": message["Subject"]})
    return messages
