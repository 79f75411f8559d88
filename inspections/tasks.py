"""Celery tasks of the inspections app: thin, they call the services."""

from celery import shared_task

from inspections.clocks import clocks_recompute


@shared_task(name="inspections.tasks.recompute_clocks", acks_late=True)
def recompute_clocks() -> int:
    """Count every running clock again after the office hours or the calendar changed (many clocks: more than
    ``CLOCK_RECOMPUTE_INLINE``). Idempotent: a second run writes the same moments."""
    return clocks_recompute()
