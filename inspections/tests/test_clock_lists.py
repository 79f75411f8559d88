"""The lights in the lists, pages and API: a ``clock`` object on issues and tasks, a ``light`` filter read
from the stored moments, a light in every row and on every detail page, counts by light on the inbox
and the dashboard, and the clocks of a page of issues read without a query per row."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory, TaskFactory
from core.tests.api import client_for
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.models import Criterion, Issue
from inspections.tests.factories import CriterionFactory, IssueFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2018, 3, 12, 10, 30, tzinfo=SHANGHAI)  # a Monday morning


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def city(monkeypatch):
    """Four issues of one bureau, one in each light at ``NOW``, and a pledged task due soon."""
    moment = {"at": at("2018-03-09 16:00")}
    monkeypatch.setattr(timezone, "now", lambda: moment["at"])
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    bureau.head = UserFactory(department=bureau, role=Role.STAFF)
    bureau.save()
    inspector = UserFactory(role=Role.INSPECTOR, department=None)
    leader = UserFactory(role=Role.LEADER, department=None)
    place = PlaceFactory(assigned_department=bureau)

    def file(limit: str, when: str) -> Issue:
        moment["at"] = at(when)
        criterion = CriterionFactory(lead=Criterion.Lead.ASSIGNED, rectify_limit=limit)
        return services.issue_file(reporter=inspector, place=place, criterion=criterion, description="暴露垃圾")

    issues = {
        "yellow": file("4h", "2018-03-09 16:00"),  # due Monday 11:00, yellow from 10:12
        "green": file("3d", "2018-03-09 16:00"),
        "red": file("2h", "2018-03-08 09:00"),
    }
    suspended = issues["suspended"] = file("4h", "2018-03-09 09:00")
    asked = services.suspension_request(issue=suspended, actor=bureau.head, reason="等待法院判决")
    services.suspension_decide(suspension=asked, actor=leader, approve=True)
    moment["at"] = NOW
    return {"bureau": bureau, "staff": bureau.head, "leader": leader, "inspector": inspector, "issues": issues}


def codes(rows) -> set[str]:
    return {row["code"] if isinstance(row, dict) else row.code for row in rows}


def test_the_api_answers_each_issues_clock_and_filters_by_light(city):
    client = client_for(city["leader"])
    rows = {row["code"]: row for row in client.get("/api/v1/issues/").json()["results"]}

    for light, issue in city["issues"].items():
        assert rows[issue.code]["clock"]["state"] == light, light
        assert rows[issue.code]["clock"]["stage"] == "rectify"
        listed = client.get("/api/v1/issues/", {"light": light}).json()["results"]
        assert codes(listed) == {issue.code}, light
    assert rows[city["issues"]["yellow"].code]["clock"]["remaining_working_minutes"] == 30
    assert rows[city["issues"]["red"].code]["clock"]["remaining_working_minutes"] < 0
    assert rows[city["issues"]["yellow"].code]["source"] == "inspection"


def test_the_api_answers_each_tasks_clock_and_filters_by_light(city):
    client = client_for(city["leader"])
    tasks = client.get("/api/v1/tasks/", {"kind": "rectification"}).json()["results"]
    assert {row["clock"]["state"] for row in tasks} == {"green", "yellow", "red", "suspended"}
    red = client.get("/api/v1/tasks/", {"light": "red"}).json()["results"]
    assert [row["code"] for row in red] == [city["issues"]["red"].rectification_task.code]
    assert red[0]["is_overdue"] is True


def test_a_light_the_api_does_not_know_is_refused_in_chinese(city):
    client = client_for(city["leader"])
    for url in ("/api/v1/issues/", "/api/v1/tasks/"):
        response = client.get(url, {"light": "purple"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400
        assert "purple" in response.content.decode()
        assert "选择一个有效的选项" in response.content.decode()


def test_the_schema_documents_the_clock_and_the_light_filter(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for name in ("Issue", "Task"):
        clock = schema["components"]["schemas"][name]["properties"]["clock"]
        assert clock.get("nullable") or "oneOf" in clock or "allOf" in clock, clock
    assert set(schema["components"]["schemas"]["Clock"]["properties"]) == {
        "stage",
        "state",
        "due_at",
        "remaining_working_minutes",
    }
    for path in ("/api/v1/issues/", "/api/v1/tasks/"):
        parameters = {parameter["name"]: parameter for parameter in schema["paths"][path]["get"]["parameters"]}
        assert parameters["light"]["schema"]["enum"] == ["green", "red", "suspended", "yellow"]


def test_the_issue_list_filters_by_light_and_shows_one_in_every_row(client, city):
    client.force_login(city["leader"])
    page = client.get("/issues/").content.decode()
    assert sorted(re.findall(r'data-light="(\w+)"', page)) == ["green", "red", "suspended", "yellow"]
    for light, issue in city["issues"].items():
        listed = client.get("/issues/", {"light": light}).context["issues"]
        assert codes(listed) == {issue.code}, light


def test_bad_input_to_the_issue_list_is_told_in_chinese_and_narrows_nothing(client, city):
    client.force_login(city["leader"])
    response = client.get("/issues/", {"light": "purple", "source": "rumour"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert codes(response.context["issues"]) == {issue.code for issue in city["issues"].values()}
    warning = " ".join(str(message) for message in response.context["messages"])
    assert "部分筛选条件无法识别，已忽略" in warning
    assert "purple" in warning
    assert "rumour" in warning


def test_an_issues_page_shows_its_clock_and_suspensions(client, city):
    client.force_login(city["staff"])
    suspended = city["issues"]["suspended"]
    page = client.get(f"/issues/{suspended.pk}/").content.decode()
    assert 'data-light="suspended"' in page
    assert 'id="suspensions"' in page
    assert "等待法院判决" in page
    assert set(client.get(f"/issues/{suspended.pk}/").context["actions"]) >= {"resume"}
    red = client.get(f"/issues/{city['issues']['red'].pk}/").content.decode()
    assert 'data-light="red"' in red


def test_the_inbox_and_the_dashboard_count_the_lights(client, city):
    client.force_login(city["leader"])
    inbox = client.get("/inbox/").content.decode()
    for light in ("green", "yellow", "red", "suspended"):
        assert re.search(rf'data-light="{light}">[^<]*<span class="n" data-count="1">', inbox), light
    assert 'hx-get="/dashboard/panels/lights/' in client.get("/dashboard/").content.decode()
    lights = client.get("/dashboard/panels/lights/", headers={"HX-Request": "true"})  # once the dashboard shows
    assert lights.status_code == 200
    row = re.search(
        rf'data-department="{city["bureau"].pk}"><th scope="row">市城管局</th>(.*?)</tr>', lights.content.decode()
    )
    assert re.findall(r">(\d+)</a>", row.group(1)) == ["1", "1", "1", "1"]


def test_a_leader_suspends_from_the_issues_page_and_releases_it(client, city):
    yellow = city["issues"]["yellow"]
    client.force_login(city["staff"])
    asked = client.post(f"/issues/{yellow.pk}/suspend/", {"reason": "需协调铁路部门"})
    assert asked.status_code == 302
    client.force_login(city["leader"])
    decided = client.post(f"/issues/{yellow.pk}/decide-suspension/", {"decision": "approve", "note": "同意"})
    assert decided.status_code == 302
    assert Issue.objects.get(pk=yellow.pk).clock_suspended_at == NOW
    released = client.post(f"/issues/{yellow.pk}/resume/", {})
    assert released.status_code == 302
    assert Issue.objects.get(pk=yellow.pk).clock_suspended_at is None


def spread_issues(count: int, bureau, start: int) -> None:
    """``count`` issues in the department's hands, due over months apart: a page's clocks span the calendar."""
    criterion = CriterionFactory(lead=Criterion.Lead.ASSIGNED)
    for number in range(start, start + count):
        deadline = NOW + datetime.timedelta(days=number * 5 - 100)
        IssueFactory(
            criterion=criterion,
            department=bureau,
            status=Issue.Status.RECTIFYING,
            reported_at=deadline - datetime.timedelta(days=60),
            dispatched_at=deadline - datetime.timedelta(days=59),
            deadline=deadline,
        )
        TaskFactory(department=bureau, due_date=(deadline + datetime.timedelta(days=number)).date())


@pytest.mark.parametrize("url", ["/api/v1/issues/?page_size=50", "/api/v1/tasks/?page_size=50", "/issues/", "/tasks/"])
def test_the_clocks_of_a_page_add_no_query_per_row(client, monkeypatch, url, queries_of):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    CampaignFactory()
    bureau = DepartmentFactory()
    leader = UserFactory(role=Role.LEADER, department=None)
    api = url.startswith("/api/")
    reader = client_for(leader) if api else client
    if not api:
        client.force_login(leader)

    def queries(count: int, start: int) -> int:
        spread_issues(count, bureau, start)
        if api:
            assert all(row["clock"] is not None for row in reader.get(url).json()["results"])
        return queries_of(reader, url)  # the API throttle's count in the cache left out

    few = queries(3, 0)
    many = queries(47, 3)  # 50 rows, due from three months before to four months after
    assert many == few


def test_a_deadline_is_near_when_its_clock_is_yellow_not_by_a_count_of_days(client, city):
    # The green issue is due on Wednesday, two working days away, with most of its limit still to use: its
    # deadline is not flagged; the yellow one, due this morning with 30 office minutes left, is.
    client.force_login(city["leader"])
    page = client.get("/issues/").content.decode()
    rows = page.split('<li class="row')[1:]
    green, yellow = (next(row for row in rows if city["issues"][light].code in row) for light in ("green", "yellow"))
    assert 'class="due"' in green
    assert "due soon" not in green
    assert "due soon" in yellow
