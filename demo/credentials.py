"""Sign-ins of a demo loaded where others can reach it (``DEBUG`` off): no published password."""

import secrets

from django.db import transaction

from accounts.models import User
from demo import data


@transaction.atomic
def demo_passwords_randomize() -> dict[str, str]:
    """Give each of the four named demo sign-ins a fresh random password and return them, to be shown
    once; every other demo account keeps no usable password until an administrator sets one.

    The demo's published password (``data.PASSWORD``) is in the README: on a server others can reach,
    it would open every demo account."""
    named = [person.username for person in data.LOGINS]
    passwords = {}
    for user in User.objects.filter(username__in=named).order_by("username"):
        passwords[user.username] = secrets.token_urlsafe(12)
        user.set_password(passwords[user.username])
        user.save(update_fields=["password"])
    others = list(User.objects.filter(username__in=data.usernames()).exclude(username__in=named))
    for user in others:
        user.set_unusable_password()
    User.objects.bulk_update(others, ["password"])
    return passwords
