"""``manage.py pageweight``: a real run on the dashboard in both modes, and how it starts its servers."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from perf.pageweight import DASHBOARD_BUDGET, KB, PageWeightError, procfile_web_command, server_database_url

BASE_DIR = Path(settings.BASE_DIR)


def run(command: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def chromium() -> None:
    if os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("REQUIRE_SERVICES=1 but Debian's chromium is not installed")
    pytest.skip("needs Debian's chromium for browser tests")


def test_it_measures_the_dashboard_from_both_servers_within_its_budget(tmp_path, chromium):
    # The servers run in processes of their own: the demo goes into a database file they can open.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        done = run(command, env, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    report_path = tmp_path / "weight.json"

    done = run(
        ["pageweight", "--role", "leader", "--only", "/dashboard/", "--json", str(report_path)], env, timeout=600
    )

    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(report_path.read_text())
    pages = {page["mode"]: page for page in report["pages"]}
    assert set(pages) == {"dev", "production"}
    for page in pages.values():
        assert (page["role"], page["path"], page["status"]) == ("leader", "/dashboard/", 200)
        # Compressed in both modes: what came over the wire is a fraction of the files' size.
        assert page["transferred_bytes"] <= DASHBOARD_BUDGET.transferred_kb * KB
        assert page["transferred_bytes"] < page["raw_bytes"] / 2
        assert page["requests"] >= 5
        # The charts (a panel fetched once the page shows) and the map were drawn; times depend on the machine.
        assert page["charts_s"] > 0
        assert page["map_s"] > 0
        assert page["load_s"] > 0
        assert {resource["url"] for resource in page["resources"]} >= {"/dashboard/", "/dashboard/map/"}
    assert report["network"] == {"latency_ms": 150, "download_kbit_s": 1600, "upload_kbit_s": 750, "cpu_slowdown": 4}
    text = done.stdout
    assert "Transferred kB" in text
    assert "make run: the development server of Procfile.dev, DEBUG on:" in text
    assert "production: gunicorn of Procfile, DEBUG off" in text
    assert "<= 400 kB, drawn <= 3 s" in text


def test_it_starts_each_server_as_its_procfile_says_on_a_port_of_its_own(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "# comment: web: nothing\n"
        "web: gunicorn config.wsgi --bind 0.0.0.0:8000 --workers 3\n"
        "worker: celery -A config worker\n"
    )
    assert procfile_web_command(procfile, port=4321) == [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        "127.0.0.1:4321",
        "--workers",
        "3",
    ]
    procfile.write_text("web: python manage.py runserver 127.0.0.1:8000\n")
    assert procfile_web_command(procfile, port=4321) == [
        sys.executable,
        "manage.py",
        "runserver",
        "127.0.0.1:4321",
        "--noreload",
    ]
    procfile.write_text("web: python manage.py runserver\n")
    with pytest.raises(PageWeightError, match="names no HOST:PORT to replace"):
        procfile_web_command(procfile, port=4321)
    procfile.write_text("worker: celery -A config worker\n")
    with pytest.raises(PageWeightError, match="has no web: line"):
        procfile_web_command(procfile, port=4321)


@pytest.mark.django_db
def test_it_hands_its_servers_the_database_it_uses_or_says_why_it_cannot():
    if connection.vendor == "postgresql":
        url = server_database_url()
        assert url.startswith("postgres://")
        assert f"/{connection.settings_dict['NAME']}?" in url
        assert "application_name=civic-pageweight" in url
    else:  # the test suite's SQLite lives in memory, where no server can open it
        with pytest.raises(PageWeightError, match="SQLite in memory"):
            server_database_url()
        with pytest.raises(CommandError, match="SQLite in memory"):
            call_command("pageweight", "--mode", "dev")
