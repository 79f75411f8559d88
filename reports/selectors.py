"""Read-side queries for leaders: every figure is computed by the database."""

import datetime

from django.db.models import Count, Q, Sum

from campaign.models import Task
from inspections.models import Issue


def campaign_overview(*, today: datetime.date) -> dict:
    """Headline counts of tasks and issues, two queries whatever the size of the city."""
    open_task = ~Q(status__in=Task.CLOSED_STATUSES)
    tasks = Task.objects.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Task.Status.DONE)),
        open=Count("pk", filter=open_task),
        overdue=Count("pk", filter=open_task & Q(due_date__lt=today)),
    )
    issues = Issue.objects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=Issue.Status.CLOSED)),
        closed=Count("pk", filter=Q(status=Issue.Status.CLOSED)),
        points=Sum("points"),
    )
    return {"tasks": tasks, "issues": issues}
