import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Department, Role
from accounts.selectors import department_subtree_ids, departments_seen_by, departments_with_role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = Department.Kind


def test_it_reads_a_departments_whole_subtree_in_one_query():
    district = DepartmentFactory(kind=Kind.DISTRICT)
    subdistrict = DepartmentFactory(kind=Kind.SUBDISTRICT, parent=district)
    communities = DepartmentFactory.create_batch(2, kind=Kind.COMMUNITY, parent=subdistrict)
    grid_unit = DepartmentFactory(kind=Kind.COMMUNITY, parent=communities[0])
    DepartmentFactory(kind=Kind.SUBDISTRICT, parent=district)  # a sibling

    with CaptureQueriesContext(connection) as queries:
        seen = department_subtree_ids(department_id=subdistrict.pk)

    assert seen == sorted([subdistrict.pk, *(c.pk for c in communities), grid_unit.pk])
    assert len(queries.captured_queries) == 1
    assert department_subtree_ids(department_id=grid_unit.pk) == [grid_unit.pk]


def test_it_gives_a_sections_member_the_bureau_and_its_sections_once_per_request():
    bureau = DepartmentFactory()
    sections = SectionFactory.create_batch(2, parent=bureau)
    user = UserFactory(department=sections[0], role=Role.STAFF)

    assert departments_seen_by(user=user) == sorted([bureau.pk, *(s.pk for s in sections)])
    with CaptureQueriesContext(connection) as queries:
        departments_seen_by(user=user)
    assert queries.captured_queries == []


def test_it_sees_nothing_for_a_user_without_a_department():
    assert departments_seen_by(user=UserFactory(department=None)) == []


def test_it_names_the_offices_whose_people_hold_a_role():
    office = DepartmentFactory(name="聊城市创建全国文明城市工作指挥部办公室", short_name="市创城办")
    UserFactory(department=SectionFactory(parent=office, name="督查组"), role=Role.INSPECTOR)
    UserFactory(department=DepartmentFactory(name="东昌府区", kind=Kind.DISTRICT), role=Role.INSPECTOR)
    UserFactory(department=DepartmentFactory(name="离任单位"), role=Role.INSPECTOR, is_active=False)
    UserFactory(department=DepartmentFactory(name="市城管局"), role=Role.STAFF)

    assert sorted(departments_with_role(role=Role.INSPECTOR)) == ["东昌府区", "市创城办督查组"]
