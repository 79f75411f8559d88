"""``manage.py loadtest``: a short real run against gunicorn on the test database, and its refusals."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import User
from demo.services import demo_load
from perf.loadtest import API_REQUESTS

API_LISTS = set(API_REQUESTS.values())
PAGES_AFTER_SIGN_IN = {"/login/ [sign in]", "/tasks/", "/issues/", "/dashboard/", "/tasks/<id>/"}


@pytest.mark.services
# gunicorn's workers read the demo through connections of their own: the data must be committed.
@pytest.mark.django_db(transaction=True)
def test_it_runs_every_scenario_on_postgresql_and_reports_every_endpoint(tmp_path):
    demo_load()
    report_path = tmp_path / "load.json"
    out = io.StringIO()

    call_command(
        "loadtest",
        *("--users", "2", "--duration", "5", "--workers", "2", "--json", str(report_path)),
        stdout=out,
        stderr=io.StringIO(),
    )

    report = json.loads(report_path.read_text())
    api, mix, public = report["scenarios"]
    assert (api["name"], mix["name"], public["name"]) == ("api", "mix", "public")
    for scenario in (api, mix, public):
        assert scenario["total"]["requests"] > 0
        assert scenario["total"]["failures"] == 0, scenario["failures"]
    assert {row["name"] for row in api["endpoints"] if row["requests"]} == API_LISTS
    assert {row["name"] for row in mix["endpoints"] if row["requests"]} >= API_LISTS | PAGES_AFTER_SIGN_IN
    assert [row["name"] for row in public["endpoints"]] == ["/public/"]  # anonymous: no sign-in, no token
    # Where the CPU went: gunicorn's workers and the database connections serving them did the work.
    assert api["cpu_percent"]["gunicorn"] > 0
    assert api["cpu_percent"]["postgresql"] > 0
    # Each scenario is judged against its target, and the printed table says so with what a request cost.
    assert api["target_met"] in (True, False)
    assert mix["target_met"] in (True, False)
    assert public["target_met"] in (True, False)
    assert public["target"]["requests_per_second"] == 200
    assert public["target"]["p95_ms"] == 150
    for scenario in (api, mix):
        costs = scenario["cpu_ms_per_request"]
        assert costs["gunicorn"] > 0
        assert {"postgresql", "locust", "other processes"} <= set(costs)
    assert report["cache"]
    text = out.getvalue()
    assert "Target at 16 users: >= 54 req/s, 0 failures" in text
    assert "CPU ms per request: gunicorn" in text
    assert "Target at 16 users: >= 200 req/s, p95 <= 150 ms, 0 failures" in text
    assert "GET /api/v1/scoreboards/grids/" in text
    assert "POST /login/ [sign in]" in text
    # The run's accounts let nobody in once it is over.
    accounts = User.objects.filter(username__in=["loadtest-api", "loadtest-page"])
    assert accounts.count() == 2
    assert not accounts.filter(is_active=True).exists()


def test_it_refuses_to_run_without_postgresql_and_touches_nothing(tmp_path):
    database = tmp_path / "db.sqlite3"
    report_path = tmp_path / "load.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
    }

    done = subprocess.run(
        [sys.executable, "manage.py", "loadtest", "--duration", "1", "--json", str(report_path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "The load test needs PostgreSQL" in done.stderr
    assert "DATABASE_URL=postgres://" in done.stderr
    assert not database.exists()
    assert not report_path.exists()


def test_it_refuses_a_run_without_users():
    with pytest.raises(CommandError, match="--users: '0' must be at least 1"):
        call_command("loadtest", "--users", "0")


def test_it_refuses_an_api_mix_that_names_no_endpoint():
    with pytest.raises(CommandError, match="'tickets=2' is not NAME=WEIGHT with NAME one of tasks, issues"):
        call_command("loadtest", "--api-requests", "tasks=4,tickets=2")
    with pytest.raises(CommandError, match="at least one request needs a weight above 0"):
        call_command("loadtest", "--api-requests", "tasks=0")


def test_each_scenario_is_held_to_its_own_target():
    from perf.loadtest import API_DEFAULT_TARGET, LISTS_TARGET, MIX_TARGET, SCENARIOS, Figures, parse_api_requests

    lists = parse_api_requests("tasks=4,issues=4,places=2")
    assert SCENARIOS["api"].target(lists) is LISTS_TARGET
    assert SCENARIOS["api"].target(None) is API_DEFAULT_TARGET
    assert SCENARIOS["mix"].target(None) is MIX_TARGET
    assert SCENARIOS["api"].target(parse_api_requests("tasks=1")) is None

    def run(per_second: float, p95: float, failures: int = 0) -> Figures:
        return Figures("Aggregated", "", 6000, failures, per_second, p95 / 2, p95, 2 * p95)

    assert LISTS_TARGET.misses(run(100.0, 300)) == []
    assert LISTS_TARGET.misses(run(99.4, 310, failures=2)) == ["99 req/s < 100", "p95 310 ms > 300", "2 failures"]
    assert API_DEFAULT_TARGET.misses(run(54.0, 5000)) == []  # no percentile asked
