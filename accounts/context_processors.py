"""What every page's frame needs to know about the signed-in user: the role-dependent navigation
and the bell's unread count (one COUNT query; nothing at all for anonymous visitors)."""

from accounts.models import Notification
from accounts.rules import is_administrator, is_department_staff, is_inspector, is_leader


def frame(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    administrator = is_administrator(user)
    return {
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "roles": {
            "staff": administrator or is_department_staff(user),
            "inspector": administrator or is_inspector(user),
            "leader": administrator or is_leader(user),
            "administrator": administrator,
        },
    }
