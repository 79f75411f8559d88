from celery import shared_task
from django.conf import settings

from citizens.services import followups_invite


@shared_task
def invite_followups() -> int:
    """Scheduled by beat: text the reporters whose cases closed, once, asking for the 回访."""
    return followups_invite(base_url=settings.CITIZEN_PUBLIC_URL)
