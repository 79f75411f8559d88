"""The admin speaks Chinese where a reviewer looks first: the sections of the login lockouts and the
API tokens, the role groups, the greeting (the full name, family name first) and the labels' colons."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        UserFactory(username="wanglei", last_name="王", first_name="磊", is_staff=True, is_superuser=True)
    )
    return client


def test_it_names_the_lockout_and_token_sections_in_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "登录锁定" in page
    assert "接口令牌" in page
    assert ">Axes<" not in page
    assert "Auth Token" not in page


def test_it_greets_with_the_full_name(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "<strong>王磊</strong>" in page


def test_it_shows_the_role_groups_by_their_roles(admin_client):
    groups = admin_client.get(reverse("admin:auth_group_changelist")).content.decode()
    staff = Group.objects.get(name=Role.STAFF)
    one = admin_client.get(reverse("admin:auth_group_change", args=[staff.pk])).content.decode()
    person = admin_client.get(reverse("admin:accounts_user_change", args=[UserFactory().pk])).content.decode()
    people = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert all(name in groups for name in ("部门联络员", "领导", "督查员", "管理员", "接口客户端"))
    assert "部门联络员" in one
    assert f'<option value="{staff.pk}">部门联络员</option>' in person
    assert "?role=leader" in people


def test_it_puts_a_chinese_colon_after_the_admin_s_labels(admin_client):
    page = admin_client.get(reverse("admin:accounts_user_add")).content.decode()

    assert "用户名：</label>" in page
    assert "用户名:</label>" not in page
