"""Django's model backend, reading the signed-in user together with their department and roles in one
statement: every page's frame names the department and the rules ask for both, so this saves two queries
on every request."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from accounts.models import Role, User

# Per role, whether the user is in its group: a subquery each, read with the user.
_ROLES = {f"_in_role_{role.value}": role.value for role in Role}


def _in_group(name: str) -> Exists:
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=name))


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("department")
            .annotate(**{alias: _in_group(name) for alias, name in _ROLES.items()})
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user.__dict__["role_names"] = frozenset(name for alias, name in _ROLES.items() if getattr(user, alias))
        return user
