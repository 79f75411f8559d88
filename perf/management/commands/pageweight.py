"""``manage.py pageweight``: each role's pages on a phone network, from ``make run``'s server and production's.

    DEBUG=1 python manage.py pageweight --json weight.json
    DEBUG=1 python manage.py pageweight --mode production --role leader --only /dashboard/

Starts the development server of Procfile.dev and gunicorn of Procfile (DEBUG off) on free loopback ports,
signs in an account per role (``pageweight-leader`` ...), loads each page in Chromium with an empty cache on
the phone network (150 ms, 1.6 Mbit/s down, CPU 4x slower), and prints what each transferred, its raw size,
requests, load time and when its charts and map were drawn, against its budget.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from perf.loadtest import LoadTestError
from perf.pageweight import ANONYMOUS, MODES, ROLES, PageWeightError, pageweight_run

VISITORS = (ANONYMOUS, *(role.value for role in ROLES))


class Command(BaseCommand):
    help = (
        "Load each role's pages in Chromium on a phone network, from the development server and from gunicorn "
        "with DEBUG off, and print what they transfer and how soon the dashboard is drawn, against their budgets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mode", choices=[*MODES, "both"], default="both", help="dev (make run), production or both (default)."
        )
        parser.add_argument(
            "--role",
            action="append",
            choices=VISITORS,
            help=f"Measure this role's pages (repeatable; default all: {', '.join(VISITORS)}).",
        )
        parser.add_argument(
            "--only",
            action="append",
            metavar="PATH",
            help="Measure only the page at PATH, e.g. /dashboard/ (repeatable).",
        )
        parser.add_argument("--json", type=Path, metavar="FILE", help="Also write the report to FILE as JSON.")

    def handle(self, *args, **options) -> None:
        json_path: Path | None = options["json"]
        if json_path is not None and not json_path.parent.is_dir():
            raise CommandError(f"--json {json_path}: the folder {json_path.parent} does not exist.")
        visitors = options["role"] or VISITORS
        modes = list(MODES.values()) if options["mode"] == "both" else [MODES[options["mode"]]]
        try:
            report = pageweight_run(
                modes=modes,
                roles=tuple(role for role in ROLES if role.value in visitors),
                anonymous=ANONYMOUS in visitors,
                only=options["only"],
                progress=self.stderr.write,
            )
        except (PageWeightError, LoadTestError) as error:  # the latter: collecting the static files failed
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the servers were stopped; nothing was reported.") from None
        if not report.pages:
            raise CommandError("No page was measured: is there a user in each role, and does --only name a page?")
        self.stdout.write(report.render())
        if json_path is not None:
            json_path.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"\nReport written to {json_path}.")
