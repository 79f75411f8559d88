from celery import shared_task

from core.services import heartbeat_record


@shared_task
def heartbeat() -> str:
    """Scheduled by beat, run by a worker: proves both are alive."""
    heartbeat_record(name="worker")
    return "ok"
