"""Reads of the inspections app, restricted to what the user may see."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.rules import can_read_everything, is_inspector
from inspections.models import Issue, IssuePhoto


def issue_visible_to(*, user: User) -> QuerySet[Issue]:
    """Issues the user may open: leaders, administrators and inspectors see all; staff those routed
    to their department (a returned issue stays visible to the department that returned it)."""
    issues = Issue.objects.all()
    if can_read_everything(user) or is_inspector(user):
        return issues
    if user.work_department_id is None:
        return issues.none()
    return issues.filter(department_id=user.work_department_id)


def issue_photo_visible_to(*, user: User) -> QuerySet[IssuePhoto]:
    """Photos of the issues the user may open (``issue_visible_to``), and no others."""
    return IssuePhoto.objects.filter(issue__in=issue_visible_to(user=user))


def issue_list(*, user: User) -> QuerySet[Issue]:
    return issue_visible_to(user=user).select_related("place", "grid", "criterion", "department", "reported_by")
