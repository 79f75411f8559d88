"""``python manage.py rollups --check | --rebuild``: compare the kept rollups with a recount from the base
tables, or rebuild them."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.rollups import rollup_differences, rollups_rebuild, rollups_registered

SHOWN = 20  # differences printed per rollup


class Command(BaseCommand):
    help = (
        "Check the rollups the dashboard reads (tasks by day and department, issues by day, department and grid, "
        "the quantity reported toward each target) against a recount from the base tables, exiting 1 on any "
        "difference; or rebuild them all in one transaction."
    )

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="compare every rollup with its recount")
        action.add_argument("--rebuild", action="store_true", help="replace every rollup by its recount")

    def handle(self, *args, check: bool, rebuild: bool, **options) -> None:
        if rebuild:
            started = time.perf_counter()
            counts = rollups_rebuild()
            for name, rows in counts.items():
                self.stdout.write(f"{name}: {rows} rows")
            self.stdout.write(f"Rebuilt in {time.perf_counter() - started:.2f} s.")
            return
        differing = 0
        for rollup in rollups_registered():
            found = list(rollup_differences(rollup))
            differing += len(found)
            self.stdout.write(f"{rollup.name}: {'ok' if not found else f'{len(found)} rows differ'}")
            for difference in found[:SHOWN]:
                self.stdout.write(f"  {difference}")
            if len(found) > SHOWN:
                self.stdout.write(f"  … and {len(found) - SHOWN} more")
        if differing:
            raise CommandError(f"{differing} rollup rows differ from their recount; run rollups --rebuild.")
        self.stdout.write("Every rollup matches its recount.")
