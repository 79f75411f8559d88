import pytest
from django.db import IntegrityError, transaction

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_duplicate_department_code():
    DepartmentFactory(code="LC-CGJ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(code="LC-CGJ", name="重复", kind=Department.Kind.BUREAU)


def test_it_rejects_a_department_that_is_its_own_parent():
    department = DepartmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.filter(pk=department.pk).update(parent=department.pk)


def test_it_rejects_a_malformed_phone_number():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(phone="call me")


def test_it_shows_chinese_names_family_name_first():
    assert UserFactory(last_name="李", first_name="保忠").display_name == "李保忠"


def test_it_knows_a_users_role():
    inspector = UserFactory(role=Role.INSPECTOR)
    assert inspector.has_role(Role.INSPECTOR)
    assert not inspector.has_role(Role.LEADER)
