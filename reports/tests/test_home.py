"""The home page: what waits for each role (待办), every count a link to a list with that many rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import TaskFactory
from core.models import BackgroundJob, Heartbeat
from inspections.models import ExtensionRequest, Issue, Suspension
from inspections.tests.factories import InspectionFactory, IssueFactory
from masterdata.models import ImportJob
from reports.models import WeeklyReport

pytestmark = pytest.mark.django_db

Status = Issue.Status
DAY = datetime.timedelta(days=1)


def home(client, user) -> dict:
    """The user's home page, as ``{section key: {link: count}}`` (a figure without a list under ``""``)."""
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {section.key: {item.url: item.count for item in section.items} for section in response.context["sections"]}


def rows_behind(client, url: str) -> int:
    """How many rows the list at ``url`` holds, as its page counts them."""
    response = client.get(url)
    assert response.status_code == 200, url
    if "page" in response.context:
        return response.context["page"].paginator.count
    return len(response.context["jobs"])  # the master-data page lists its imports without pages


def assert_every_count_opens_as_many_rows(client, sections: dict) -> None:
    checked = 0
    for links in sections.values():
        for url, count in links.items():
            if url:
                assert rows_behind(client, url) == count, url
                checked += 1
    assert checked


def issue(department=None, status: str = Status.REPORTED, **fields) -> Issue:
    now = timezone.now()
    if status != Status.REPORTED:
        fields.setdefault("dispatched_at", now - DAY)
        fields.setdefault("deadline", now + 3 * DAY)
        fields.setdefault("reported_at", now - 2 * DAY)
    if status == Status.CLOSED:
        fields.setdefault("closed_at", now)
    if status == Status.SUBMITTED:
        fields.setdefault("submitted_at", now)
    return IssueFactory(department=department, status=status, **fields)


# ---------------------------------------------------------------------------------------------
# Department staff


@pytest.fixture
def bureau():
    """A bureau whose liaison sits in one of its sections, with work in every state; another
    bureau's work beside it."""
    today = timezone.localdate()
    bureau = DepartmentFactory(name="聊城市城市管理局", short_name="市城管局")
    staff = UserFactory(department=SectionFactory(parent=bureau, name="市容环境卫生科"), role=Role.STAFF)
    TaskFactory(department=bureau, due_date=today - 3 * DAY)
    TaskFactory(department=bureau, due_date=today + DAY)
    TaskFactory(department=bureau, due_date=today + 30 * DAY)
    TaskFactory(department=bureau, due_date=today - DAY, status=Task.Status.DONE, completed_at=timezone.now())
    issue(bureau, Status.DISPATCHED, points=Decimal(2))
    issue(bureau, Status.RECTIFYING)
    issue(bureau, Status.RECTIFYING, rework_count=1)
    issue(bureau, Status.SUBMITTED)
    issue(bureau, Status.CLOSED)
    housing = DepartmentFactory(name="聊城市住房和城乡建设局")
    TaskFactory.create_batch(2, department=housing, due_date=today - 3 * DAY)
    issue(housing, Status.DISPATCHED)
    issue(housing, Status.RECTIFYING, rework_count=2)
    return staff


def test_it_shows_staff_what_waits_for_their_department(client, bureau):
    sections = home(client, bureau)

    assert sections["staff"] == {
        "/tasks/?due=overdue": 1,
        "/tasks/?due=soon": 1,
        "/issues/?status=dispatched": 1,
        "/issues/?status=rectifying&reworked=no": 1,
        "/issues/?status=rectifying&reworked=yes": 1,
    }
    assert_every_count_opens_as_many_rows(client, sections)


def test_it_shows_staff_their_own_departments_totals_not_the_citys(client, bureau):
    figures = home(client, bureau)["figures"]

    assert figures["/tasks/"] == 4  # not the city's six
    assert figures["/tasks/?status=done"] == 1
    assert figures["/issues/"] == 5  # not the city's seven
    assert figures["/issues/?status=closed"] == 1
    assert figures[""] == Decimal(6)  # points lost: 2 + four issues of 1
    page = client.get("/").content.decode()
    assert "聊城市城市管理局" in page
    assert f'href="/dashboard/departments/{bureau.department.parent_id}/"' in page


# ---------------------------------------------------------------------------------------------
# Inspectors


@pytest.fixture
def inspector():
    inspector = UserFactory(role=Role.INSPECTOR)
    department = DepartmentFactory()
    now = timezone.now()
    # The longest waiting is someone else's: the inspector's own still come first.
    issue(department, Status.SUBMITTED, submitted_at=now - 3 * DAY)
    issue(department, Status.SUBMITTED, reported_by=inspector, submitted_at=now - DAY)
    issue(department, Status.SUBMITTED, inspection=InspectionFactory(leader=inspector), submitted_at=now)
    issue(None, Status.REPORTED)
    issue(department, Status.RETURNED)
    issue(department, Status.CLOSED, reported_by=inspector)
    return inspector


def test_it_shows_inspectors_the_rectifications_to_verify_their_own_first(client, inspector):
    sections = home(client, inspector)

    assert sections["inspector"] == {
        "/issues/?status=submitted": 3,
        "/issues/?status=submitted&mine=on": 2,
        "/issues/?status=reported": 1,
        "/issues/?status=returned": 1,
    }
    assert "figures" not in sections  # no task list to open
    next_up = client.get("/").context["sections"][0].issues
    assert [item.is_mine for item in next_up] == [True, True, False]
    assert_every_count_opens_as_many_rows(client, sections)


def test_it_leads_an_inspector_back_from_a_task_to_their_own_work(client, inspector):
    rectification = TaskFactory(kind=Task.Kind.RECTIFICATION)
    client.force_login(inspector)

    page = client.get(f"/tasks/{rectification.pk}/").content.decode()

    back = page.split('class="back"')[1].split("</a>")[0]
    assert 'href="/"' in back
    assert "我的工作" not in back


# ---------------------------------------------------------------------------------------------
# Leaders


@pytest.fixture
def leader():
    leader = UserFactory(role=Role.LEADER)
    office = DepartmentFactory(name="聊城市创建全国文明城市工作指挥部办公室", short_name="市创城办")
    UserFactory(department=SectionFactory(parent=office, name="督查组"), role=Role.INSPECTOR)
    UserFactory(department=DepartmentFactory(name="已停用的督查单位"), role=Role.INSPECTOR, is_active=False)
    department = DepartmentFactory()
    now, today = timezone.now(), timezone.localdate()
    issue(None, Status.REPORTED)
    issue(None, Status.REPORTED)
    issue(department, Status.RETURNED)
    late = issue(department, Status.RECTIFYING, deadline=now - DAY)
    issue(department, Status.SUBMITTED, deadline=now - DAY)  # waits on the inspectors: not late
    request = {"issue": late, "requested_by": UserFactory(), "reason": "雨天", "requested_deadline": now + 5 * DAY}
    ExtensionRequest.objects.create(**request)
    ExtensionRequest.objects.create(
        **request, status=ExtensionRequest.Status.REFUSED, decided_by=leader, decided_at=now, decision_note="不予延期"
    )
    asked = {"issue": late, "requested_by": request["requested_by"], "reason": "雨季无法施工"}
    Suspension.objects.create(**asked, status=Suspension.Status.REFUSED, decided_by=leader, decided_at=now)
    Suspension.objects.create(**asked)  # the one waiting
    TaskFactory(department=department, due_date=today - 2 * DAY)
    TaskFactory(department=department, due_date=today - 2 * DAY, status=Task.Status.DONE, completed_at=now)
    return leader


def test_it_shows_leaders_decisions_undispatched_issues_and_who_dispatches_them(client, leader):
    sections = home(client, leader)

    assert sections["leader"] == {
        "/issues/extensions/": 1,
        "/issues/?suspension=pending": 1,
        "/issues/?status=reported": 2,
        "/issues/?status=returned": 1,
        "/tasks/?due=overdue": 1,
        "/issues/?overdue=yes": 1,
    }
    page = client.get("/").content.decode()
    assert "督查员" in page
    assert "市创城办督查组" in page  # the office whose inspectors dispatch
    assert "已停用的督查单位" not in page
    assert_every_count_opens_as_many_rows(client, sections)


def test_it_tells_leaders_when_nobody_may_dispatch(client):
    issue(None, Status.REPORTED)
    client.force_login(UserFactory(role=Role.LEADER))
    leader = client.get("/", HTTP_ACCEPT_LANGUAGE="en").context["sections"][0]
    dispatch = next(item for item in leader.items if item.hint)
    assert dispatch.hint.startswith("Inspectors dispatch them, and nobody holds the inspector role yet")


# ---------------------------------------------------------------------------------------------
# Administrators


def job(model, status: str, *, age: datetime.timedelta = datetime.timedelta(0), **fields) -> BackgroundJob:
    """A job of ``model`` in ``status``, last changed ``age`` ago."""
    if model is WeeklyReport:
        week = WeeklyReport.objects.count()
        row = WeeklyReport.objects.create(
            week_start=datetime.date(2018, 3, 12) + datetime.timedelta(weeks=week), status=status, **fields
        )
    else:
        row = ImportJob.objects.create(
            uploaded_by=UserFactory(), original_name="主数据.xlsx", file="a.xlsx", status=status, **fields
        )
    model.objects.filter(pk=row.pk).update(updated=timezone.now() - age)
    return row


@pytest.fixture
def administrator():
    Waiting = BackgroundJob.Status
    hours, days = datetime.timedelta(hours=3), datetime.timedelta(days=10)
    job(ImportJob, Waiting.PENDING)
    job(ImportJob, Waiting.RUNNING, age=hours)  # stuck: no task runs that long
    job(ImportJob, Waiting.FAILED)
    job(ImportJob, Waiting.FAILED, age=days)  # long ago
    job(ImportJob, Waiting.SUCCEEDED)
    job(WeeklyReport, Waiting.FAILED)
    job(WeeklyReport, Waiting.RUNNING, age=hours)
    job(WeeklyReport, Waiting.SUCCEEDED)
    return UserFactory(role=Role.ADMINISTRATOR)


def test_it_shows_administrators_imports_and_reports_waiting_stuck_or_failed(client, administrator):
    sections = home(client, administrator)

    assert sections["administrator"] == {
        "/masterdata/?state=waiting": 1,
        "/masterdata/?state=stuck": 1,
        "/masterdata/?state=failed": 1,
        "/reports/weekly/?state=waiting": 0,
        "/reports/weekly/?state=stuck": 1,
        "/reports/weekly/?state=failed": 1,
    }
    assert_every_count_opens_as_many_rows(client, sections)


def test_it_tells_administrators_when_no_worker_answers(client, administrator):
    client.force_login(administrator)

    def alerts() -> list[str]:
        return client.get("/").context["sections"][0].alerts

    assert len(alerts()) == 1  # never heard of

    Heartbeat.objects.create(name="worker", beat_at=timezone.now() - datetime.timedelta(minutes=2))
    assert alerts() == []

    Heartbeat.objects.filter(name="worker").update(beat_at=timezone.now() - datetime.timedelta(hours=1))
    assert len(alerts()) == 1


def test_it_tells_an_empty_installation_what_to_do_without_offering_the_demo(admin_client):
    page = admin_client.get("/").content.decode()
    assert "load_demo" not in page  # invented data has no place on a production installation
    assert "基础数据" in page


def test_it_tells_a_user_without_a_role_that_nothing_waits(client):
    client.force_login(UserFactory())
    assert client.get("/").context["sections"] == []


def test_every_roles_tab_bar_leads_home(client):
    for role in (Role.STAFF, Role.INSPECTOR, Role.LEADER, Role.ADMINISTRATOR):
        client.force_login(UserFactory(role=role))
        nav = client.get("/inbox/").content.decode().split('class="mainnav"')[1].split("</nav>")[0]
        assert nav.split("<a ")[1].startswith('href="/"')  # the first tab, whatever the role


# ---------------------------------------------------------------------------------------------
# A fixed number of queries, whatever the rows


def more_rows(department: Department, inspector) -> None:
    today = timezone.localdate()
    TaskFactory.create_batch(3, department=department, due_date=today - 3 * DAY)
    TaskFactory.create_batch(2, department=department, due_date=today + DAY)
    for status in (Status.DISPATCHED, Status.RECTIFYING, Status.SUBMITTED, Status.RETURNED, Status.REPORTED):
        issue(department if status != Status.REPORTED else None, status, reported_by=inspector)
    late = issue(department, Status.RECTIFYING, deadline=timezone.now() - DAY, rework_count=1)
    ExtensionRequest.objects.create(
        issue=late, requested_by=UserFactory(), reason="雨天", requested_deadline=timezone.now() + 5 * DAY
    )
    job(ImportJob, BackgroundJob.Status.FAILED)
    job(WeeklyReport, BackgroundJob.Status.FAILED)
    UserFactory(department=SectionFactory(parent=department), role=Role.INSPECTOR)
    DepartmentFactory(parent=department, kind=Department.Kind.COMMUNITY)


@pytest.mark.parametrize("role", [Role.STAFF, Role.INSPECTOR, Role.LEADER, Role.ADMINISTRATOR])
def test_its_query_count_does_not_grow_with_the_rows(client, queries_of, role):
    department = DepartmentFactory(kind=Department.Kind.SUBDISTRICT)
    user = UserFactory(department=department, role=role)
    more_rows(department, user)
    before = home(client, user)
    few = queries_of(client, "/")
    for _ in range(3):
        more_rows(department, user)
    assert queries_of(client, "/") == few
    after = home(client, user)
    key = {Role.ADMINISTRATOR: "administrator"}.get(role, str(role))
    assert sum(after[key].values()) == 4 * sum(before[key].values()) > 0  # every row counted, in as many queries
