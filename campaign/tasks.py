"""Celery tasks of the campaign app: thin, they take ids and call the reminder services.

Both are idempotent (the reminder ledger's unique constraint; the delivery attempt log), so they
acknowledge late: a worker that dies mid-task has its message delivered again, harmlessly.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from campaign.reminders import DeliveryFailed, reminder_digest_deliver, reminders_send


@shared_task(name="campaign.tasks.send_reminders", acks_late=True)
def send_reminders(date: str | None = None) -> dict:
    """Beat runs it daily at 08:30: the reminder ladder of today in Asia/Shanghai (or of ``date``,
    YYYY-MM-DD), one digest per person."""
    today = datetime.date.fromisoformat(date) if date else timezone.localdate()
    return reminders_send(today=today).as_dict()


@shared_task(
    name="campaign.tasks.deliver_reminder_digest",
    acks_late=True,
    autoretry_for=(DeliveryFailed,),
    # 30 s, 1, 2, 4, 8 min (with jitter): under the broker's visibility timeout, past a robot's rate limit.
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_reminder_digest(digest_id: int, channel: str) -> str:
    """Send a reminder digest by e-mail or to the chat robot; failures are recorded and retried."""
    attempt = reminder_digest_deliver(digest_id=digest_id, channel=channel)
    return "sent" if attempt else "nothing to do"
