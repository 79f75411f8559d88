"""Writes of the accounts app."""

from collections.abc import Iterable

from django.utils import timezone

from accounts.models import Department, Notification, Role, User


def notification_send(*, recipients: Iterable[User], title: str, body: str = "", url: str = "") -> int:
    """Put one message in each recipient's inbox (each person once); return how many were sent."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(recipient=user, title=title[:200], body=body, url=url) for user in unique.values()
    )
    return len(unique)


def department_contacts(*, department: Department) -> list[User]:
    """Who hears about new work for a department: its head and its staff, sections included."""
    people = list(
        User.objects.filter(is_active=True, groups__name=Role.STAFF)
        .filter(department__in=Department.objects.filter(pk=department.pk) | department.children.all())
        .distinct()
    )
    if department.head_id and all(person.pk != department.head_id for person in people):
        people.append(department.head)
    return people


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; return how many changed.

    A conditional UPDATE: marking the same message twice changes nothing the second time."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
