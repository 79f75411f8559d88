import pytest


@pytest.mark.django_db
def test_it_creates_the_role_groups(django_user_model):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"staff", "leader", "inspector", "administrator"}
