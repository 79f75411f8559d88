"""The one permission check of pages, API views and commands: the rules of ``accounts/rules.py`` and
each app's ``rules.py``, asked through Django's ``has_perm``."""

from django.core.exceptions import PermissionDenied


def require_perm(user, perm: str, obj=None) -> None:
    """Refuse (403 on a page, the error shape's 403 in the API) unless ``user`` has ``perm``, on
    ``obj`` when the rule is about one object."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied
