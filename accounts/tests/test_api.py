import pytest

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from core.tests.api import client_for

pytestmark = pytest.mark.django_db


def test_it_shows_only_the_public_fields_of_a_person():
    person = UserFactory(email="zhang@example.cn", phone="0635-1234567", title="科长")

    row = client_for(UserFactory()).get(f"/api/v1/users/{person.pk}/").json()

    assert row == {
        "id": person.pk,
        "username": person.username,
        "display_name": person.display_name,
        "department": person.department_id,
        "title": "科长",
    }


def test_it_leaves_deactivated_people_out():
    gone = UserFactory(is_active=False)

    assert client_for(UserFactory()).get(f"/api/v1/users/{gone.pk}/").status_code == 404


def test_it_filters_departments_by_kind_parent_and_search():
    bureau = DepartmentFactory(code="JSJ", name="市住建局")
    section = SectionFactory(parent=bureau, name="村镇科")
    client = client_for(UserFactory(role=Role.STAFF))

    sections = client.get("/api/v1/departments/", {"kind": Department.Kind.SECTION}).json()["results"]
    children = client.get("/api/v1/departments/", {"parent": bureau.pk}).json()["results"]
    found = client.get("/api/v1/departments/", {"q": "住建"}).json()["results"]

    assert [row["id"] for row in sections] == [row["id"] for row in children] == [section.pk]
    assert [row["id"] for row in found] == [bureau.pk]


def test_it_filters_people_by_department():
    bureau = DepartmentFactory()
    member = UserFactory(department=bureau)
    UserFactory()

    rows = client_for(member).get("/api/v1/users/", {"department": bureau.pk}).json()["results"]

    assert [row["id"] for row in rows] == [member.pk]


@pytest.mark.parametrize("url", ["/api/v1/departments/", "/api/v1/users/"])
def test_it_reads_a_list_in_the_same_number_of_queries_for_2_or_12_rows(url, queries_of):
    client = client_for(UserFactory())

    UserFactory.create_batch(2)
    few = queries_of(client, url)
    UserFactory.create_batch(10)
    assert queries_of(client, url) == few
