"""Celery tasks of the campaign app: thin, they take ids and call the reminder services.

All are idempotent (the reminder ledger's unique constraint; the delivery attempt log), so they
acknowledge late: a worker that dies mid-task has its message delivered again, harmlessly.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from campaign.reminders import (
    DELIVERY_TRIES,
    DeliveryFailed,
    reminder_deliveries_requeue,
    reminder_digest_deliver,
    reminders_send,
    reminders_send_daily,
)


@shared_task(name="campaign.tasks.send_reminders", acks_late=True)
def send_reminders(date: str | None = None) -> dict:
    """The reminder ladder of ``date`` (YYYY-MM-DD), one digest per person. Without a date, as beat
    calls it from 08:30 on through the working day: today's in Asia/Shanghai, once a day."""
    if date:
        return reminders_send(today=datetime.date.fromisoformat(date)).as_dict()
    run = reminders_send_daily()
    if run is None:
        return {"date": timezone.localdate().isoformat(), "skipped": True, "already_run": True}
    return run.as_dict()


@shared_task(name="campaign.tasks.requeue_reminder_deliveries", acks_late=True, soft_time_limit=60, time_limit=90)
def requeue_reminder_deliveries() -> int:
    """Beat runs it every few minutes: queue again the e-mails and robot posts of recent digests
    whose messages were lost (the broker was down); returns how many were queued."""
    return reminder_deliveries_requeue()


@shared_task(
    name="campaign.tasks.deliver_reminder_digest",
    acks_late=True,
    autoretry_for=(DeliveryFailed,),
    # 30 s, 1, 2, 4, 8 min (with jitter): under the broker's visibility timeout, past a robot's rate limit.
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=DELIVERY_TRIES - 1,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_reminder_digest(digest_id: int, channel: str) -> str:
    """Send a reminder digest by e-mail or to the chat robot; failures are recorded and retried."""
    attempt = reminder_digest_deliver(digest_id=digest_id, channel=channel)
    return "sent" if attempt else "nothing to do"
