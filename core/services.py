from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from core.models import Heartbeat


def heartbeat_record(*, name: str) -> Heartbeat:
    """Store that the process ``name`` is alive now."""
    beat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
    return beat


def enqueue(task, *args, **kwargs) -> str | None:
    """Queue ``task(*args, **kwargs)`` for a worker; with the broker unreachable, return its error
    (as text) instead of raising it, for the caller to record: the caller has usually committed, and
    its own row (a job, a report, a delivery) says what became of the work.

    No Celery result is kept, since those rows are what anyone reads: sending then needs only the
    broker, not a subscription to the result backend, which fails when the backend is down."""
    try:
        task.apply_async(args, kwargs, ignore_result=True)
    except BrokerUnavailable as exc:
        return str(exc) or exc.__class__.__name__
    return None
