"""``manage.py loadtest``: the load test, headless locust against gunicorn on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civic_scale python manage.py loadtest --json load.json

Makes its two accounts (``loadtest-api`` with a token, ``loadtest-page``), starts gunicorn on a free
loopback port with DEBUG off, runs locust for each scenario, stops gunicorn and prints requests per second,
p50, p95 and failures per scenario and endpoint, the CPU milliseconds a request cost gunicorn, PostgreSQL and
locust, and each scenario's target (``perf.loadtest``: 16 users on the API's lists, at least 100 requests/s
with p95 at most 300 ms; the default mixes, twice what they reached before; anonymous readers of the
cached ``/public/``, at least 200 requests/s with p95 at most 150 ms) and whether it was met.
"""

import argparse
import importlib.util
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from perf.loadtest import SCENARIOS, LoadTestError, loadtest_run, parse_api_requests


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number


def _api_requests(value: str) -> dict[str, int]:
    try:
        return parse_api_requests(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class Command(BaseCommand):
    help = (
        "Load-test gunicorn on PostgreSQL with headless locust (API users, pages and API mixed, readers of "
        "/public/) and print requests/s, p50, p95, failures and CPU ms per request against each scenario's target."
    )

    def add_arguments(self, parser) -> None:
        cores = os.cpu_count() or 1
        positive = {"type": _positive, "metavar": "N"}
        parser.add_argument("--users", **positive, default=16, help="Simulated users at once (default 16).")
        parser.add_argument(
            "--duration",
            type=_positive,
            metavar="SECONDS",
            default=60,
            help="How long each scenario runs (default 60).",
        )
        parser.add_argument(
            "--workers",
            **positive,
            default=2 * cores + 1,
            help=f"gunicorn workers (default 2 x cores + 1 = {2 * cores + 1}).",
        )
        parser.add_argument(
            "--threads",
            **positive,
            default=1,
            help="Threads per gunicorn worker (default 1: sync workers; more: gthread, connections kept alive).",
        )
        parser.add_argument(
            "--scenario",
            choices=[*SCENARIOS, "all"],
            default="all",
            help="api: API users only (a target); mix: page and API users; public: anonymous readers of the cached "
            "/public/ (a target of its own); all: the three (default).",
        )
        parser.add_argument("--api-weight", **positive, default=3, help="API users' share of mix (default 3).")
        parser.add_argument("--page-weight", **positive, default=1, help="Page users' share of mix (default 1).")
        parser.add_argument(
            "--api-requests",
            type=_api_requests,
            metavar="NAME=N,...",
            help="The API users' mix, e.g. tasks=4,issues=4,places=2 to leave the scoreboards out "
            "(default tasks=4,issues=4,places=2,departments=1,grids=1).",
        )
        parser.add_argument("--json", type=Path, metavar="FILE", help="Also write the report to FILE as JSON.")

    def handle(self, *args, **options) -> None:
        # Everything that can be refused is checked before anything is written or started.
        if connection.vendor != "postgresql":
            raise CommandError(
                f"The load test needs PostgreSQL, as production runs on, but DATABASE_URL names {connection.vendor}: "
                "set DATABASE_URL=postgres://user@host:5432/dbname."
            )
        if importlib.util.find_spec("locust") is None:
            raise CommandError("locust is not installed: pip install -r requirements-dev.txt")
        json_path: Path | None = options["json"]
        if json_path is not None and not json_path.parent.is_dir():
            raise CommandError(f"--json {json_path}: the folder {json_path.parent} does not exist.")
        scenarios = list(SCENARIOS.values()) if options["scenario"] == "all" else [SCENARIOS[options["scenario"]]]

        try:
            report = loadtest_run(
                scenarios=scenarios,
                users=options["users"],
                duration=options["duration"],
                workers=options["workers"],
                threads=options["threads"],
                api_weight=options["api_weight"],
                page_weight=options["page_weight"],
                api_requests=options["api_requests"],
                progress=self.stderr.write,
            )
        except LoadTestError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            raise CommandError("Interrupted: gunicorn and locust were stopped; nothing was reported.") from None
        self.stdout.write(report.render())
        if json_path is not None:
            json_path.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
            self.stdout.write(f"\nReport written to {json_path}.")
