from django.utils import timezone

from core.models import Heartbeat


def heartbeat_record(*, name: str) -> Heartbeat:
    """Store that the process ``name`` is alive now."""
    beat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
    return beat
