"""The settings that fault recovery depends on, read from the environment like the others: the broker's
visibility timeout (how soon a killed worker's task is handed out again) and how soon a reminder
delivery whose message was lost is queued again."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.CELERY_BROKER_TRANSPORT_OPTIONS, s.REMINDER_REDELIVER_AFTER_SECONDS, "
    "s.CELERY_BEAT_SCHEDULE['requeue-reminder-deliveries']['schedule'].total_seconds(), "
    "[s.DATABASES['default'].get(k) for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')]]))"
)


def start(*argv: str, **variables: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "REMINDER_"))}
    environment.pop("DATABASE_URL", None)
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 50, DEBUG="0", **variables)
    return subprocess.run(argv, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


def settings_with(**variables: str) -> list:
    result = start(sys.executable, "-c", SHOW, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_hands_out_a_dead_workers_task_after_two_hours_by_default():
    options, *_rest = settings_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    # kombu's own sweep: every 10 s, scanning on every tenth call.
    assert options == {"visibility_timeout": 7200, "unacked_restore_interval": 10, "unacked_restore_throttle": 10}


def test_it_takes_a_short_visibility_timeout_and_looks_for_lost_tasks_often_enough():
    options, *_rest = settings_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CELERY_VISIBILITY_TIMEOUT="30")

    assert options == {"visibility_timeout": 30, "unacked_restore_interval": 3, "unacked_restore_throttle": 1}


def test_it_sweeps_reminder_deliveries_every_third_of_the_redelivery_delay():
    _options, redeliver_after, sweep_every, _database = settings_with(REMINDER_REDELIVER_AFTER_SECONDS="90")

    assert (redeliver_after, sweep_every) == (90, 30)
    assert settings_with()[1:3] == [900, 300]


def test_it_keeps_postgresql_connections_and_checks_them_before_use():
    *_rest, database = settings_with(DATABASE_URL="postgres://civic@127.0.0.1:5432/civic")

    assert database == [60, True]  # a restarted server costs no request an error


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CELERY_VISIBILITY_TIMEOUT", "two hours"),
        ("CELERY_VISIBILITY_TIMEOUT", "0"),
        ("REMINDER_REDELIVER_AFTER_SECONDS", "-5"),
    ],
)
def test_it_stops_start_up_on_a_bad_value(name, value):
    result = start(sys.executable, "manage.py", "check", CELERY_BROKER_URL="redis://127.0.0.1:6379/0", **{name: value})

    assert result.returncode == 2
    assert f"Configuration error: Environment variable {name}=" in result.stderr
    assert "Traceback" not in result.stderr
