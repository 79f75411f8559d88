"""``python manage.py send_reminders [--date YYYY-MM-DD]``: run the reminder ladder now."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from campaign.models import Reminder
from campaign.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminders owed today (due soon, overdue, escalations) as one digest per person. "
        "Each task, step and person is reminded once ever, so running it again sends nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Run as if today were this date (YYYY-MM-DD); default: today in Asia/Shanghai.",
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        run = reminders_send(today=date or timezone.localdate())
        if run.skipped:
            self.stdout.write(f"{run.date:%Y-%m-%d} is not a working day: no reminders sent.")
            return
        self.stdout.write(f"{run.date:%Y-%m-%d}: {run.digests} digests, {run.reminders} reminders sent.")
        for step, label in Reminder.Step.choices:
            self.stdout.write(f"  {step:<17} {run.by_step.get(step, 0):>6}  ({label})")
