"""``python manage.py bench [--only NAME[,NAME]] [--repeat N] [--places N] [--json FILE] [--compare-rss FILE]``:
the benchmark on the current database (how each figure is taken: README, "Performance")."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from perf.bench import (
    DEFAULT_PLACES,
    DEFAULT_REPEAT,
    MEASUREMENTS,
    BenchError,
    Entry,
    bench_counts,
    bench_run,
    workbook_rss_compare,
)

COLUMNS = (("name", 27), ("median ms", 11), ("floor ms", 10), ("ratio", 7), ("queries", 8), ("ref ms", 10))


class Command(BaseCommand):
    help = (
        "Measure the API lists, the dashboard, the weekly workbook, the reminders and the master-data import "
        "on the current database and print a table against their targets. Changes nothing: what it writes is "
        "rolled back or deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", help=f"comma-separated measurements to run (default: all): {', '.join(MEASUREMENTS)}"
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=DEFAULT_REPEAT,
            help=f"timed repeats, medians reported (default {DEFAULT_REPEAT}; workbook, reminders, import: at most 3)",
        )
        parser.add_argument(
            "--places",
            type=int,
            default=DEFAULT_PLACES,
            help=f"places in the imported workbook (default {DEFAULT_PLACES})",
        )
        parser.add_argument("--json", type=Path, dest="json_path", help="also write the entries to this JSON file")
        parser.add_argument(
            "--compare-rss",
            type=Path,
            metavar="FILE",
            help="the JSON of a run on a smaller data set: adds workbook_rss, the workbook's memory growth since",
        )

    def handle(
        self,
        *args,
        only: str | None,
        repeat: int,
        places: int,
        json_path: Path | None,
        compare_rss: Path | None,
        **options,
    ) -> None:
        names = [name.strip() for name in only.split(",") if name.strip()] if only is not None else None
        if names is not None and not names:
            raise CommandError("--only names no measurement.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        if places < 1:
            raise CommandError("--places must be at least 1.")
        if json_path is not None and not json_path.parent.is_dir():
            raise CommandError(f"{json_path.parent} is not a folder: the JSON cannot be written there.")
        other = self._read_other(compare_rss, names) if compare_rss is not None else None

        counts = bench_counts()
        self._header(counts, repeat)
        try:
            entries = bench_run(
                names=names,
                repeat=repeat,
                places=places,
                progress=lambda name: self.stderr.write(f"measuring {name}…"),
            )
            if other is not None:
                workbook = next(entry for entry in entries if entry.name == "workbook")
                entries.append(workbook_rss_compare(workbook=workbook.as_dict(), other=other))
        except BenchError as error:
            raise CommandError(str(error)) from error

        self._table(entries)
        if json_path is not None:
            document = {
                "generated_at": timezone.now().isoformat(),
                "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
                "debug": settings.DEBUG,
                "repeat": repeat,
                "cpus": os.cpu_count(),
                "counts": counts,
                "entries": [entry.as_dict() for entry in entries],
            }
            json_path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"Written to {json_path}")

    def _read_other(self, path: Path, names: list[str] | None) -> dict:
        if names is not None and "workbook" not in names:
            raise CommandError("--compare-rss needs the workbook measurement: add workbook to --only.")
        try:
            other = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        except ValueError as exc:
            raise CommandError(f"{path} is not a bench JSON file: {exc}") from None
        if not isinstance(other, dict) or not isinstance(other.get("entries"), list):
            raise CommandError(f"{path} is not a bench JSON file: it has no entries.")
        return other

    def _header(self, counts: dict[str, int], repeat: int) -> None:
        figures = ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in counts.items())
        self.stdout.write(f"Database {connection.vendor} {connection.settings_dict['NAME']}: {figures}")
        self.stdout.write(f"Repeats: {repeat} (heavy entries at most 3); {os.cpu_count()} CPUs")
        if settings.DEBUG:
            self.stdout.write(self.style.WARNING("DEBUG is on: the numbers include Django's debug overhead."))

    def _table(self, entries: list[Entry]) -> None:
        self.stdout.write("")
        self.stdout.write(" ".join(title.ljust(width) for title, width in COLUMNS) + " met  target")
        for entry in entries:
            cells = (
                entry.name,
                _number(entry.median_ms),
                _number(entry.floor_ms),
                "" if entry.ratio is None else f"{entry.ratio:.1f}×",
                "" if entry.queries is None else str(entry.queries),
                _number(entry.reference_ms),
            )
            met = {True: "yes", False: "NO", None: "–"}[entry.met]
            line = " ".join(cell.ljust(width) for cell, (_title, width) in zip(cells, COLUMNS, strict=True))
            style = self.style.ERROR if entry.met is False else (lambda text: text)
            self.stdout.write(style(f"{line} {met.ljust(4)} {entry.target}"))
            details = entry.as_dict()
            shown = {key: value for key, value in details.items() if key not in _MAIN_KEYS}
            if shown:
                self.stdout.write("    " + ", ".join(f"{key}={_short(value)}" for key, value in shown.items()))


_MAIN_KEYS = {"name", "median_ms", "floor_ms", "ratio", "queries", "reference_ms", "target", "met"}


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}"


def _short(value, limit: int = 100) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
