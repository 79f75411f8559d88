from celery import shared_task

from core.jobs import WORKER_HEARTBEAT
from core.pending_photos import pending_photos_purge
from core.services import heartbeat_record


@shared_task
def heartbeat() -> str:
    """Scheduled by beat, run by a worker: proves both are alive."""
    heartbeat_record(name=WORKER_HEARTBEAT)
    return "ok"


@shared_task
def purge_pending_photos() -> int:
    """Scheduled by beat: delete the photos that waited for a form longer than PENDING_PHOTO_MAX_AGE."""
    return pending_photos_purge()
