"""``python manage.py build_weekly_report [--week YYYY-Www] [--output FILE]``: the weekly accountability workbook."""

import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import ApplicationError
from reports.services import iso_week_start, weekly_report_build, weekly_report_default_week, weekly_report_week
from reports.workbook import week_label, weekly_workbook_write


class Command(BaseCommand):
    help = (
        "Build the weekly accountability workbook (问责周报) of a week and store it for leaders to download; "
        "with --output, write it to a file instead. Building a week again replaces its workbook."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--week",
            help="The ISO week, YYYY-Www (e.g. 2018-W09); default: last week, as the Monday-morning build does.",
        )
        parser.add_argument("--output", type=Path, help="Write the workbook to this .xlsx file; store nothing.")

    def handle(self, *args, week: str | None = None, output: Path | None = None, **options) -> None:
        # Everything is checked before anything is written.
        try:
            week_start = iso_week_start(week) if week is not None else None
            week_start = weekly_report_week(
                week_start=week_start or weekly_report_default_week(today=timezone.localdate())
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a folder: the workbook cannot be written there.")

        started = time.monotonic()
        if output is None:
            report = weekly_report_build(week_start=week_start)
            rows, size, where = report.progress_total, report.file_size, f"weekly report #{report.pk}"
        else:
            rows, size, where = self._write(output, week_start)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{week_label(week_start)}: {rows} rows, {size / 1024:.1f} KiB in {elapsed:.1f} s → {where}"
            )
        )

    def _write(self, output: Path, week_start) -> tuple[int, int, str]:
        """Write next to ``output`` and move it into place at the end: a failed build leaves no file."""
        descriptor, partial = tempfile.mkstemp(suffix=".xlsx.part", dir=output.parent)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                facts = weekly_workbook_write(stream, week_start=week_start)
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return facts.total_rows, output.stat().st_size, str(output)
