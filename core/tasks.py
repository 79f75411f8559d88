import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import DatabaseError
from django.utils import timezone

from core.checks import calendar_warnings_on
from core.jobs import WORKER_HEARTBEAT
from core.pending_photos import pending_photos_purge
from core.services import heartbeat_record

logger = logging.getLogger(__name__)


@shared_task
def heartbeat() -> str:
    """Scheduled by beat, run by a worker: proves both are alive."""
    heartbeat_record(name=WORKER_HEARTBEAT)
    return "ok"


@shared_task
def purge_pending_photos() -> int:
    """Scheduled by beat: delete the photos that waited for a form longer than PENDING_PHOTO_MAX_AGE."""
    return pending_photos_purge()


@worker_ready.connect
def warn_of_unknown_calendar_years(**kwargs) -> None:
    """At a worker's start, the warning ``migrate`` gives (``core.W001``): reminders and clocks would count
    an unknown year's holidays as working days."""
    try:
        warnings = calendar_warnings_on(timezone.localdate())
    except DatabaseError:
        return
    for warning in warnings:
        logger.warning("%s %s", warning.msg, warning.hint)
