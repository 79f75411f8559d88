"""The API's token authentication (``core.authentication``): DRF's answers, the user's roles read with the
token in one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.authentication import token_user
from core.tests.api import client_for

pytestmark = pytest.mark.django_db


def test_it_reads_the_token_its_user_and_the_users_roles_in_one_statement():
    leader = UserFactory(role=Role.LEADER)
    leader.groups.add(*UserFactory(role=Role.INSPECTOR).groups.all())
    key = Token.objects.create(user=leader).key

    with CaptureQueriesContext(connection) as queries:
        user, token = token_user(key)
        roles, name, last_login = user.role_names, user.display_name, user.last_login

    assert len(queries) == 1
    assert (user.pk, token.key, token.user is user) == (leader.pk, key, True)
    assert roles == {Role.LEADER, Role.INSPECTOR}
    assert name == leader.display_name
    assert last_login is None
    assert token.created == Token.objects.get(key=key).created


def test_a_user_without_a_role_has_none():
    user, _token = token_user(Token.objects.create(user=UserFactory()).key)

    assert user.role_names == frozenset()


@pytest.mark.parametrize(
    ("case", "drfs_words"), [("unknown key", "Invalid token."), ("inactive user", "User inactive or deleted.")]
)
def test_it_refuses_as_drf_does(case, drfs_words):
    user = UserFactory(role=Role.LEADER)
    client = client_for(user)
    if case == "unknown key":
        Token.objects.filter(user=user).delete()
    else:
        user.is_active = False
        user.save()

    response = client.get("/api/v1/campaigns/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    with translation.override(response["Content-Language"]):
        assert response.json()["message"] == gettext(drfs_words)  # DRF's own message, in DRF's catalogue


def test_a_signed_in_page_reads_the_user_the_department_and_the_roles_in_one_statement(client):
    from accounts.backends import UserBackend

    leader = UserFactory(role=Role.LEADER)
    leader.groups.add(*UserFactory(role=Role.INSPECTOR).groups.all())

    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(str(leader.pk))
        roles, department = user.role_names, user.department

    assert len(queries) == 1
    assert roles == {Role.LEADER, Role.INSPECTOR} == leader.role_names
    assert department == leader.department
    assert UserBackend().get_user(str(UserFactory().pk)).role_names == frozenset()
