"""``python manage.py deadline START LIMIT``: when a clock started at START with LIMIT runs out."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.working_time import Limit, office_working_time


class Command(BaseCommand):
    help = (
        "Print when a time limit started at a moment runs out, in ISO 8601 with its offset, on the stored office "
        "hours and the official calendar. LIMIT: 90m or 4h (office time), 3d (working days, to the close of "
        'office hours), 24nh (natural hours). E.g. deadline "2018-02-14 16:00" 4h'
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("start", help='the moment the clock starts, local time, e.g. "2018-02-14 16:00"')
        parser.add_argument("limit", help="the time limit: 90m, 4h, 3d or 24nh")

    def handle(self, *args, start: str, limit: str, **options) -> None:
        try:
            moment = datetime.datetime.fromisoformat(start.strip())
        except ValueError:
            raise CommandError(f'{start!r} is not a moment: write e.g. "2018-02-14 16:00"') from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        try:
            parsed = Limit.parse(limit)
            due = office_working_time().add(moment, parsed)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(timezone.localtime(due, timezone.get_default_timezone()).isoformat())
