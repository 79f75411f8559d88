"""A parent unit sees its sub-units' work (a 街道 its 社区, a bureau its 科室), on the pages, in the
API and in the figures, and never its parent's or a sibling's; seeing is not acting."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import TaskFactory
from core.tests.api import client_for
from inspections.models import Issue
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db

Kind = Department.Kind
LATE = datetime.timedelta(days=3)


def unit(name: str, kind: str, parent: Department | None = None) -> Department:
    return DepartmentFactory(name=name, kind=kind, parent=parent)


@pytest.fixture
def tree():
    """古楼街道 with two 社区, a sibling 街道, and an overdue task and a dispatched issue in each."""
    district = unit("东昌府区", Kind.DISTRICT)
    gulou = unit("古楼街道", Kind.SUBDISTRICT, district)
    louxi = unit("楼西社区", Kind.COMMUNITY, gulou)
    dongguan = unit("东关社区", Kind.COMMUNITY, gulou)
    liuyuan = unit("柳园街道", Kind.SUBDISTRICT, district)
    work = {}
    for department in (district, gulou, louxi, dongguan, liuyuan):
        task = TaskFactory(
            department=department, title=f"{department.name}的任务", due_date=timezone.localdate() - LATE
        )
        issue = IssueFactory(
            department=department,
            status=Issue.Status.DISPATCHED,
            dispatched_at=timezone.now(),
            deadline=timezone.now() + LATE,
        )
        work[department.name] = (task, issue)
    people = {
        department.name: UserFactory(department=department, role=Role.STAFF) for department in (gulou, louxi, liuyuan)
    }
    return work, people


def task_titles(client) -> set[str]:
    return {task.title for task in client.get("/tasks/").context["page"].object_list}


def test_a_subdistrict_sees_its_communities_work_on_the_pages(client, tree):
    work, people = tree
    client.force_login(people["古楼街道"])

    assert task_titles(client) == {"古楼街道的任务", "楼西社区的任务", "东关社区的任务"}
    issues = {issue.department.name for issue in client.get("/issues/").context["page"].object_list}
    assert issues == {"古楼街道", "楼西社区", "东关社区"}
    task, issue = work["楼西社区"]
    assert client.get(f"/tasks/{task.pk}/").status_code == 200
    assert client.get(f"/issues/{issue.pk}/").status_code == 200
    for name in ("东昌府区", "柳园街道"):  # not the parent's, not a sibling's
        task, issue = work[name]
        assert client.get(f"/tasks/{task.pk}/").status_code == 404
        assert client.get(f"/issues/{issue.pk}/").status_code == 404

    client.force_login(people["楼西社区"])  # a community sees only its own, not its 街道's
    assert task_titles(client) == {"楼西社区的任务"}


def test_a_subdistrict_narrows_its_lists_to_one_of_its_units(client, tree):
    work, people = tree
    louxi = work["楼西社区"][0].department
    UserFactory(department=louxi, last_name="楼西", first_name="联络员")
    client.force_login(people["古楼街道"])

    issues = client.get("/issues/", {"department": louxi.pk})
    choices = {str(label) for _value, label in issues.context["filterset"].form.fields["department"].choices}
    assert choices == {"全部", "古楼街道", "楼西社区", "东关社区"}
    assert {issue.department_id for issue in issues.context["page"].object_list} == {louxi.pk}
    people_choices = client.get("/tasks/").context["filterset"].form.fields["accountable"].queryset
    assert "楼西" in {person.last_name for person in people_choices}


def test_a_subdistrict_sees_its_communities_work_in_the_api(tree):
    work, people = tree
    api = client_for(people["古楼街道"])

    tasks = {row["id"] for row in api.get("/api/v1/tasks/").json()["results"]}
    issues = {row["id"] for row in api.get("/api/v1/issues/").json()["results"]}

    expected = ("古楼街道", "楼西社区", "东关社区")
    assert tasks == {work[name][0].pk for name in expected}
    assert issues == {work[name][1].pk for name in expected}
    assert api.get(f"/api/v1/tasks/{work['柳园街道'][0].pk}/").status_code == 404


def test_a_subdistrict_reads_its_communities_figures(client, tree):
    work, people = tree
    client.force_login(people["古楼街道"])

    ranking = {row["name"] for row in client.get("/dashboard/").context["scoreboard"]}
    assert ranking == {"古楼街道", "楼西社区", "东关社区"}
    louxi = work["楼西社区"][0].department
    assert client.get(f"/dashboard/departments/{louxi.pk}/").status_code == 200
    assert client.get(f"/dashboard/departments/{work['柳园街道'][0].department_id}/").status_code == 403
    rows = client_for(people["古楼街道"]).get("/api/v1/scoreboards/departments/").json()["results"]
    assert {row["name"] for row in rows} == ranking

    book = load_workbook(io.BytesIO(client.get("/dashboard/overdue.xlsx").content), read_only=True)
    cells = {cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row}
    assert {"楼西社区的任务", "东关社区的任务", "古楼街道的任务"} <= cells
    assert "柳园街道的任务" not in cells


def test_a_subdistrict_sees_but_does_not_rectify_its_communities_issues(tree):
    work, people = tree
    user, issue = people["古楼街道"], work["楼西社区"][1]
    assert user.has_perm("inspections.read_issue", issue)
    assert not user.has_perm("inspections.start_issue", issue)
    assert user.has_perm("inspections.start_issue", work["古楼街道"][1])


def test_its_list_queries_do_not_grow_with_the_tree(client, tree, queries_of):
    work, people = tree
    client.force_login(people["古楼街道"])
    few = {url: queries_of(client, url) for url in ("/tasks/", "/issues/", "/dashboard/", "/")}

    parent = work["楼西社区"][0].department
    for level in range(3):  # a deeper tree: 网格 under 社区 under 网格...
        parent = unit(f"第{level}层", Kind.COMMUNITY, parent)
        TaskFactory(department=parent, due_date=timezone.localdate() - LATE)

    assert {url: queries_of(client, url) for url in few} == few
    assert len(client.get("/tasks/").context["page"].object_list) == 6
