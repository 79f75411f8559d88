"""``manage.py seed_scale [--tasks N] [--issues N] [--progress N] [--seed N] [--today YYYY-MM-DD]
[--overdue-share F] [--reset] [--force]``: city-scale synthetic data for the benchmark."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ApplicationError
from perf.seeding import (
    DEFAULT_ISSUES,
    DEFAULT_OVERDUE_SHARE,
    DEFAULT_PROGRESS,
    DEFAULT_SEED,
    DEFAULT_TASKS,
    PASSWORD,
    TableWritten,
    scale_seed,
)


class Command(BaseCommand):
    help = (
        "Seed a province-sized synthetic city (鲁西市) with exactly the tasks, issues and progress reports asked "
        "for, for the benchmark. Synthetic rows are coded SC- (users sc-); the demo is never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tasks", type=int, default=DEFAULT_TASKS, help="Tasks (default %(default)s).")
        parser.add_argument("--issues", type=int, default=DEFAULT_ISSUES, help="Issues (default %(default)s).")
        parser.add_argument(
            "--progress", type=int, default=DEFAULT_PROGRESS, help="Progress reports (default %(default)s)."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Date the data as if today were YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--overdue-share",
            type=float,
            default=DEFAULT_OVERDUE_SHARE,
            help="Share of the tasks that are open and overdue today (default %(default)s).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete the synthetic data of an earlier run first.")
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            # Synthetic rows and a reset by code prefix have no place on a production database.
            raise CommandError("seed_scale writes synthetic data; with DEBUG off it also needs --force.")
        started = time.monotonic()
        try:
            counts = scale_seed(
                tasks=options["tasks"],
                issues=options["issues"],
                progress=options["progress"],
                seed=options["seed"],
                today=options["today"],
                overdue_share=options["overdue_share"],
                reset=options["reset"],
                report=self._report,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s:"))
        for label, count in counts.items():
            self.stdout.write(f"  {label:<20} {count:>12,}")
        self.stdout.write(f"Sign in as sc-leader, sc-admin or sc-inspector-001; password: {PASSWORD}")

    def _report(self, table: TableWritten) -> None:
        rate = f"{table.rows_per_second:>12,.0f} rows/s" if table.rows and table.seconds > 0.001 else ""
        self.stdout.write(f"  {table.label:<36} {table.rows:>10,} rows {table.seconds:>8.2f} s {rate}".rstrip())
