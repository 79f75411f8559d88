"""Signing in: the form warns before the last attempt, and the lockout page says how long it lasts."""

import pytest
from django.conf import settings

from accounts.models import Role
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = UserFactory(username="lianluoyuan", role=Role.STAFF)
    user.set_password("Liucheng-huanwei-2018")
    user.save()
    return user


def sign_in(client, password: str):
    return client.post("/login/", {"username": "lianluoyuan", "password": password}, REMOTE_ADDR="10.1.2.3")


def test_it_says_how_many_attempts_are_left_before_the_lockout(client, staff):
    first = sign_in(client, "wrong").content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT - 3):
        sign_in(client, "wrong")
    before_the_last = sign_in(client, "wrong").content.decode()

    assert f"还可尝试{settings.AXES_FAILURE_LIMIT - 1}次" in first
    assert "还可尝试1次，之后此地址的登录将锁定1小时。" in before_the_last


def test_it_says_nothing_of_attempts_before_a_failure(client, staff):
    assert "还可尝试" not in client.get("/login/").content.decode()


def test_the_lockout_page_says_how_long_it_lasts(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "wrong")

    assert response.status_code == 429
    assert "锁定自最后一次登录失败起持续1小时" in response.content.decode()


def test_it_says_it_in_english_too(client, staff):
    client.cookies["django_language"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong")

    assert "1 attempt left before sign-in from this address is locked for 1 hour." in response.content.decode()
