"""The audit trail: every write through the pages or the API leaves a record of who made it
and when, and the changed object's page shows that record. Generated from the URL configuration, as
``test_permission_matrix.py`` is.

``test_every_write_route_has_an_entry`` asks every route which write methods (POST, PUT, PATCH,
DELETE) it accepts: those a signed-in superuser is not refused with 405 (sent with an empty body and
placeholder URL arguments, so that nothing is written). Each such route needs an entry in ``AUDITED``
or in ``NO_AUDIT_OBJECT``, and an ``AUDITED`` route must accept POST alone, the method its entry uses.

Size: 47 routes with an audit entry (33 pages, 13 REST API routes and Open311's requests) and 10 routes
explicitly without one, each with its reason (``NO_AUDIT_OBJECT``); the Django admin is out of scope
(``OUT_OF_SCOPE``): it keeps its own ``LogEntry`` and django-simple-history's admin history.

For each ``AUDITED`` route, ``test_a_write_leaves_a_record_shown_on_its_object_s_page`` makes the write
as a user allowed to (pages with a session, the API with the user's token, Open311 with the user's
api_key), runs the Celery work it queues as a worker would (outside any request), and then checks
each record the entry names: (a) the records of the changed object made during the write exist and
every one names the acting user (``history_user`` of django-simple-history, or the author field of an
append-only record: ``ProgressReport.author``, ``IssueEvent.actor``, ``ExtensionRequest.requested_by``
and ``decided_by``, ``ImportJob.uploaded_by``, ``WeeklyReport.requested_by``) at a time within the
test; (b) the object's page, read by an auditor, shows that user's display name and the record's time
together in one entry of the part of the page that lists those records. What the world held before
the write is moved a day back, so that only the write's own records can be today's entries.

Where each object's records are shown (its page in this product):

- task: ``/tasks/<id>/``, the change history and the progress timeline;
- issue: ``/issues/<id>/``, the change history, how the issue moved (its events), its extension
  requests and its suspensions; the rectification task of an issue is a task like any other;
- master-data import job: ``/masterdata/jobs/<id>/``, who uploaded it and when;
- grid: ``/dashboard/grids/<id>/``, the only page of one grid in the product, read by the leaders and
  administrators who answer for it and import it (the admin's history page would need ``is_staff``,
  which the product's administrator role does not give); places are rows of their grid's page and
  have no page of their own, so their changes are listed in their grid's history, named;
- department: ``/dashboard/departments/<id>/``, its own page, read by its staff, leaders and
  administrators;
- person: no page in the product (people are managed by import and in the admin), so the admin's
  history page ``/admin/accounts/user/<id>/history/`` of django-simple-history;
- weekly report: ``/reports/weekly/<id>/``, who asked for it and when its build started;
- citizen report: ``/citizens/<id>/``, who triaged it (受理, 不予受理, 并单) and when, who recorded a 回访 by
  phone or reviewed a 不满意, and who published its issue;
- publication of assessment results: ``/assessment/publications/<id>/``, who published and froze them and
  when, and each appeal with who filed and who decided it and when;
- mock evaluation round: ``/evaluation/rounds/<id>/``, its record: who planned, drew, started and closed it,
  who submitted each sheet, and who filed and decided each appeal, and when.
"""

import datetime
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Model, QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from accounts.models import Department, Role, User
from accounts.tests.factories import DepartmentFactory, UserFactory
from assessment.models import Appeal, Publication
from assessment.periods import AssessmentPeriod
from assessment.services import appeal_file, results_publish
from campaign.models import ProgressReport, Target, Task
from campaign.tests.factories import CampaignFactory, TaskFactory
from citizens.models import Followup, PublicCategory, PublicIssue, Report
from core.images import photos_prepare
from core.tests.factories import photo_upload
from grids.models import Grid, Place
from grids.tests.factories import GridFactory, PlaceFactory
from inspections import services
from inspections.models import Criterion, ExtensionRequest, Issue, IssueEvent, Suspension
from inspections.tests.factories import CriterionFactory
from masterdata.models import ImportJob
from masterdata.services import masterdata_export
from masterdata.tasks import import_masterdata_file
from reports.models import WeeklyReport
from reports.services import weekly_report_default_week
from reports.tasks import build_weekly_report
from reports.workbook import week_label
from tests.routes import url_patterns

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------------------------------------
# The world a write is made in


@dataclass
class World:
    bureau: Department  # the department of the task and of the issue
    subdistrict: Department
    staff: User  # of the bureau
    inspector: User
    leader: User
    administrator: User
    auditor: User  # a superuser with the admin: reads every page the records are shown on
    grid: Grid
    place: Place
    criterion: Criterion
    task: Task
    issue: Issue
    extension: ExtensionRequest | None = None
    suspension: Suspension | None = None


def build_world(issue_state: str) -> World:
    """A bureau with a task and an issue, the issue brought to ``issue_state`` through the services,
    everything then moved a day back."""
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    subdistrict = DepartmentFactory(code="GL", name="古楼街道", kind=Department.Kind.SUBDISTRICT)
    staff = UserFactory(username="zhangli", last_name="张", first_name="丽", department=bureau, role=Role.STAFF)
    inspector = UserFactory(username="liming", last_name="李", first_name="明", department=None, role=Role.INSPECTOR)
    leader = UserFactory(username="rongzhi", last_name="荣", first_name="志", department=None, role=Role.LEADER)
    administrator = UserFactory(
        username="zhaoguan", last_name="赵", first_name="管", department=None, role=Role.ADMINISTRATOR
    )
    auditor = UserFactory(
        username="shenji", last_name="审", first_name="计", department=None, is_staff=True, is_superuser=True
    )
    campaign = CampaignFactory()
    grid = GridFactory(code="G01", name="古楼第1网格", subdistrict=subdistrict, leader=leader)
    grid.departments.set([bureau])
    place = PlaceFactory(code="P001", name="柳园小区", grid=grid, assigned_department=bureau)
    criterion = CriterionFactory(code="CS-01", title="主次干道无暴露垃圾", lead=Criterion.Lead.ASSIGNED)
    task = TaskFactory(code="RW-001", campaign=campaign, department=bureau, accountable=staff)
    issue = services.issue_file(
        reporter=inspector, place=place, criterion=criterion, description="路边有暴露垃圾", dispatch=False
    )
    world = World(
        bureau=bureau,
        subdistrict=subdistrict,
        staff=staff,
        inspector=inspector,
        leader=leader,
        administrator=administrator,
        auditor=auditor,
        grid=grid,
        place=place,
        criterion=criterion,
        task=task,
        issue=issue,
    )
    if issue_state != "reported":
        services.issue_dispatch(issue=issue, actor=inspector)
    if issue_state in ("extension requested", "submitted"):  # a submitted issue's request still waits
        world.extension = services.extension_request(
            issue=issue, actor=staff, reason="需采购设备", new_deadline=timezone.localdate(_later_deadline(world))
        )
    if issue_state == "submitted":
        photos = photos_prepare([photo_upload()])
        services.issue_submit(issue=issue, actor=staff, note="已清理", photos=photos)
    if issue_state in ("suspension requested", "suspended"):
        world.suspension = services.suspension_request(issue=issue, actor=staff, reason="等待法院判决")
    if issue_state == "suspended":
        services.suspension_decide(suspension=world.suspension, actor=leader, approve=True)
    world.issue = Issue.objects.get(pk=issue.pk)
    _move_a_day_back()
    return world


def _move_a_day_back() -> None:
    """What the world held before the write happened the day before: only the write's own records
    can then be today's entries on a page."""
    day = datetime.timedelta(days=1)
    for model in (Department, User, Grid, Place, Criterion, Target, Task, Issue):
        model.history.update(history_date=F("history_date") - day)
    for model in (ProgressReport, IssueEvent, ExtensionRequest, Suspension):
        model.objects.update(created=F("created") - day)


def _later_deadline(world: World) -> datetime.datetime:
    issue = Issue.objects.get(pk=world.issue.pk)
    return issue.deadline + datetime.timedelta(days=5)  # within the limit: twice the 3 working days to rectify


# ---------------------------------------------------------------------------------------------
# The table: how to write, and which records the write must leave where


@dataclass(frozen=True)
class Shown:
    """Records a write must leave on one object, and where that object's page shows them."""

    what: str
    records: Callable[[World], QuerySet]  # the object's records of this kind
    user: str  # the field naming who made a record
    time: str  # the field holding when
    page: Callable[[World], str]
    section: str  # the id of the part of the page that lists the records
    time_format: str = "Y-m-d H:i"
    mark: str = ""  # more text the entry shows, where a page lists the records of several objects


@dataclass(frozen=True)
class Write:
    """How to make a route's write as a user allowed to, and the records it must leave."""

    actor: str  # the World attribute of who writes
    via: str  # "page" (a session), "api" (a token) or "open311" (an api_key)
    url: Callable[[World], str]
    leaves: tuple[Shown, ...]
    data: Callable[[World], dict] = field(default=lambda world: {})
    issue_state: str = "dispatched"  # how far the world's issue has gone before the write
    ok: int = 0  # the status of success; 0: 302 for a page, 200 for the API
    then: Callable[[World], None] | None = None  # the Celery work the write queued, run for its user
    prepare: Callable[[World], None] | None = None  # what the world must hold besides the issue, made before


def _new_issue(world: World) -> Issue:
    return Issue.objects.exclude(pk=world.issue.pk).get()


def _the_issue(world: World) -> Issue:
    return Issue.objects.get(pk=world.issue.pk)


def _issue_page(issue: Callable[[World], Issue]) -> Callable[[World], str]:
    return lambda world: reverse("inspections:issue_detail", args=[issue(world).pk])


def _task_page(task: Callable[[World], Task]) -> Callable[[World], str]:
    return lambda world: reverse("campaign:task_detail", args=[task(world).pk])


def _rectification_task(issue: Callable[[World], Issue]) -> Callable[[World], Task]:
    return lambda world: issue(world).rectification_task


def history(what: str, obj: Callable[[World], Model], page: Callable[[World], str], *, mark: str = "") -> Shown:
    """django-simple-history records of ``obj``, listed in the page's change history."""

    def records(world: World) -> QuerySet:
        return obj(world).history.all()

    return Shown(what, records, "history_user", "history_date", page, "history", mark=mark)


def issue_step(*, task: bool = True, issue: Callable[[World], Issue] = _the_issue) -> tuple[Shown, ...]:
    """What a step of an issue's workflow leaves: the issue's history and event, and its
    rectification task's history."""
    page = _issue_page(issue)
    shown = (
        history("issue", issue, page),
        Shown("issue event", lambda world: issue(world).events.all(), "actor", "created", page, "events"),
    )
    if task:
        shown += (history("rectification task", _rectification_task(issue), _task_page(_rectification_task(issue))),)
    return shown


EXTENSION_REQUESTED = Shown(
    "extension request",
    lambda world: world.issue.extension_requests.all(),
    "requested_by",
    "created",
    _issue_page(_the_issue),
    "extensions",
)
EXTENSION_DECIDED = Shown(
    "extension decision",
    lambda world: world.issue.extension_requests.all(),
    "decided_by",
    "decided_at",
    _issue_page(_the_issue),
    "extensions",
)
EXTENSION_STEP = (EXTENSION_REQUESTED, issue_step(task=False)[1])


def _suspension_shown(what: str, user: str, time: str) -> Shown:
    """A suspension's record (asked, decided, released), listed with the issue's suspensions."""
    return Shown(what, lambda world: world.issue.suspensions.all(), user, time, _issue_page(_the_issue), "suspensions")


SUSPENSION_REQUESTED = _suspension_shown("suspension request", "requested_by", "created")
SUSPENSION_DECIDED = _suspension_shown("suspension decision", "decided_by", "decided_at")
SUSPENSION_RELEASED = _suspension_shown("suspension release", "released_by", "released_at")
# Asking records an event; deciding and releasing move the issue's clock too, recorded in its history.
SUSPENSION_STEP = (SUSPENSION_REQUESTED, issue_step(task=False)[1])

THE_TASK = (
    history("task", lambda world: world.task, _task_page(lambda world: world.task)),
    Shown(
        "progress report",
        lambda world: world.task.progress_reports.all(),
        "author",
        "created",
        _task_page(lambda world: world.task),
        "timeline",
    ),
)


def _photo() -> SimpleUploadedFile:
    return photo_upload("after.jpg")


def _new_issue_data(world: World) -> dict:
    return {"place": world.place.pk, "criterion": world.criterion.pk, "description": "楼道墙面有小广告"}


def _deadline_data(world: World) -> dict:
    return {"new_deadline": timezone.localdate(_later_deadline(world)).isoformat(), "reason": "需采购设备"}


# --- The master-data import: the upload, then the import run for the uploader by a worker ----


def _workbook(world: World) -> SimpleUploadedFile:
    """The current master data, exported, with a department renamed and given a new head, a new
    section, a person renamed and a new one, and the grid and its place renamed."""
    buffer = io.BytesIO()
    masterdata_export(stream=buffer)
    buffer.seek(0)
    workbook = load_workbook(buffer)
    for name in list(workbook.sheetnames):
        if name not in ("部门", "人员", "网格", "点位"):
            del workbook[name]
    _edit(workbook["部门"], "编码", "CGJ", {"名称": "市城市管理局", "负责人用户名": "xinren"})
    _append(workbook["部门"], {"编码": "CGJ-ZF", "名称": "执法科", "类型": "科室", "上级部门编码": "CGJ"})
    _edit(workbook["人员"], "用户名", "zhangli", {"职务": "科员"})
    _append(workbook["人员"], {"用户名": "xinren", "姓": "钱", "名": "新", "部门编码": "CGJ", "角色": "部门联络员"})
    _edit(workbook["网格"], "编码", "G01", {"名称": "古楼一网格"})
    _edit(workbook["点位"], "编码", "P001", {"名称": "柳园北小区"})
    saved = io.BytesIO()
    workbook.save(saved)
    return SimpleUploadedFile("主数据.xlsx", saved.getvalue(), content_type=XLSX)


def _edit(worksheet, key: str, value: str, changes: dict) -> None:
    headers = [cell.value for cell in worksheet[1]]
    for row in worksheet.iter_rows(min_row=2):
        if row[headers.index(key)].value == value:
            for header, new in changes.items():
                row[headers.index(header)].value = new
            return
    raise AssertionError(f"no row with {key}={value}")


def _append(worksheet, values: dict) -> None:
    worksheet.append([values.get(cell.value) for cell in worksheet[1]])


def _run_import(world: World) -> None:
    assert import_masterdata_file.run(ImportJob.objects.get().pk) == "succeeded"


def _department(code: str) -> Callable[[World], Department]:
    return lambda world: Department.objects.get(code=code)


def _person(username: str) -> Callable[[World], User]:
    return lambda world: User.objects.get(username=username)


def _department_page(code: str) -> Callable[[World], str]:
    return lambda world: reverse("dashboard_department", args=[_department(code)(world).pk])


def _person_page(username: str) -> Callable[[World], str]:
    return lambda world: reverse("admin:accounts_user_history", args=[_person(username)(world).pk])


def _grid_page(world: World) -> str:
    return reverse("dashboard_grid", args=[world.grid.pk])


def _person_history(username: str) -> Shown:
    return Shown(
        f"person {username}",
        lambda world: _person(username)(world).history.all(),
        "history_user",
        "history_date",
        _person_page(username),
        "change-history",
        time_format="DATETIME_FORMAT",  # the admin's
    )


MASTER_DATA = (
    Shown(
        "import job",
        lambda world: ImportJob.objects.all(),
        "uploaded_by",
        "created",
        lambda world: reverse("masterdata:job", args=[ImportJob.objects.get().pk]),
        "uploaded",
    ),
    history("grid", lambda world: world.grid, _grid_page, mark="古楼一网格"),  # the new name
    history("place", lambda world: world.place, _grid_page, mark="柳园北小区"),  # its name, and the new one
    history("department", _department("CGJ"), _department_page("CGJ")),  # renamed, and a new head
    history("new department", _department("CGJ-ZF"), _department_page("CGJ-ZF")),
    _person_history("zhangli"),
    _person_history("xinren"),
)


# --- The weekly report: the request, then the build run for the leader by a worker ----------


def _run_build(world: World) -> None:
    build_weekly_report.run(report_id=WeeklyReport.objects.get().pk, send=False)


WEEKLY_REPORT = (
    Shown(
        "weekly report",
        lambda world: WeeklyReport.objects.all(),
        "requested_by",
        "started_at",
        lambda world: reverse("weekly_report_detail", args=[WeeklyReport.objects.get().pk]),
        "build",
    ),
)


# --- 考核: last month's results published (公示), appealed (申诉), decided, frozen -------------------


def _last_month() -> AssessmentPeriod:
    return AssessmentPeriod.containing(timezone.localdate(), "month").previous()


def _published(world: World, *, days_ago: int = 0) -> Publication:
    """Results published ``days_ago`` days ago (of the month before, then closed), for the bureau to appeal."""
    now = timezone.now() - datetime.timedelta(days=days_ago)
    period = AssessmentPeriod.containing(timezone.localdate(now), "month").previous()
    return results_publish(period=period, actor=world.leader, now=now)


def _appealed(world: World) -> None:
    publication = _published(world)
    appeal_file(
        publication=publication,
        department=world.bureau,
        indicator="points_lost",
        reason="一件不属本局",
        actor=world.staff,
        now=timezone.now(),
    )


def _publication_page(world: World) -> str:
    return reverse("assessment:publication", args=[Publication.objects.get().pk])


def _publication_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[Publication.objects.get().pk])


PUBLISHED = Shown(
    "publication",
    lambda world: Publication.objects.all(),
    "published_by",
    "published_at",
    _publication_page,
    "publication",
)
FROZEN = Shown(
    "freezing", lambda world: Publication.objects.all(), "frozen_by", "frozen_at", _publication_page, "publication"
)
APPEALED = Shown("appeal", lambda world: Appeal.objects.all(), "filed_by", "created", _publication_page, "appeals")
APPEAL_DECIDED = Shown(
    "appeal decision", lambda world: Appeal.objects.all(), "decided_by", "decided_at", _publication_page, "appeals"
)


# The citizens' channel: each step of the office is recorded on its row and listed on the report's page.
def _report(world: World) -> Report:
    return Report.objects.get()


def _report_page(world: World) -> str:
    return reverse("citizens:report_detail", args=[_report(world).pk])


def _pending_report(world: World) -> None:
    category = PublicCategory.objects.create(name="垃圾", criterion=world.criterion)
    Report.objects.create(
        category=category, description="路口垃圾", latitude="36.45", longitude="115.98", grid=world.grid
    )


def _closed_with_a_report(world: World, *, answer: str | None = None) -> None:
    """World's issue closed, a report merged onto it, and the reporter's answer when given."""
    Issue.objects.filter(pk=world.issue.pk).update(status=Issue.Status.CLOSED, closed_at=timezone.now())
    category = PublicCategory.objects.create(name="垃圾", criterion=world.criterion)
    report = Report.objects.create(
        category=category,
        description="路口垃圾",
        latitude="36.45",
        longitude="115.98",
        grid=world.grid,
        status=Report.Status.MERGED,
        issue=world.issue,
        phone="13800000001",
    )
    if answer:
        Followup.objects.create(
            report=report,
            issue=world.issue,
            department=world.bureau,
            answer=answer,
            channel=Followup.Channel.PAGE,
            review=Followup.Review.PENDING,
        )


TRIAGED = Shown("triage", lambda world: Report.objects.all(), "triaged_by", "triaged_at", _report_page, "triage-record")
FOLLOWUP_RECORDED = Shown(
    "回访 by phone", lambda world: Followup.objects.all(), "recorded_by", "created", _report_page, "followups"
)
FOLLOWUP_REVIEWED = Shown(
    "review of 不满意", lambda world: Followup.objects.all(), "reviewed_by", "reviewed_at", _report_page, "followups"
)
MADE_PUBLIC = Shown(
    "publication", lambda world: PublicIssue.objects.all(), "marked_by", "created", _report_page, "publications"
)


def _api(name: str, *, pk: Callable[[World], int] = lambda world: world.issue.pk) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[pk(world)])


def _page(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.issue.pk])


# The mock evaluation: a round at the world's place, observed by the world's inspector, failures charged to the bureau.


def _round(world: World, status: str = "planned"):
    """A round over today at the world's place (a 主次干道 with two standards), its team the world's inspector."""
    from evaluation import services as evaluation
    from evaluation.models import ObservationPoint
    from evaluation.tests.factories import PointTypeFactory, StandardFactory

    road = PointTypeFactory(code="ZCGD", name="主次干道")
    for _ in range(2):
        StandardFactory(point_types=[road], criterion=world.criterion)
    ObservationPoint.objects.create(place=world.place, point_type=road)
    today = timezone.localdate()
    round_ = evaluation.round_create(
        code="PC-1",
        title="本月模拟测评",
        campaign=world.task.campaign,
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        points_per_type=1,
        teams=[("第一组", [world.inspector, _partner()])],
    )
    if status != "planned":
        evaluation.round_sample(round_=round_, seed=1)
    if status in ("in_progress", "closed"):
        evaluation.round_start(round_=round_)
    round_.refresh_from_db()
    return round_


def _partner() -> User:
    """The world's inspector's partner on a team of the mock evaluation."""
    return User.objects.filter(username="wangqiang").first() or UserFactory(
        username="wangqiang", last_name="王", first_name="强", department=None, role=Role.INSPECTOR
    )


def _the_round():
    from evaluation.models import Round

    return Round.objects.get()


def _round_page(world: World) -> str:
    return reverse("evaluation:round_detail", args=[_the_round().pk])


def _round_step(name: str) -> Callable[[World], str]:
    return lambda world: reverse(f"evaluation:round_{name}", args=[_the_round().pk])


def _round_form(world: World, *, title: str = "下月模拟测评", code: str | None = "PC-2") -> dict:
    """The round's page form: one team, the world's inspector and his partner."""
    today = timezone.localdate()
    data = {
        "title": title,
        "campaign": world.task.campaign_id,
        "start_date": (today + datetime.timedelta(days=3)).isoformat(),
        "end_date": (today + datetime.timedelta(days=7)).isoformat(),
        "points_per_type": 1,
        "exclude_rounds": 0,
        "team-TOTAL_FORMS": 1,
        "team-INITIAL_FORMS": 0 if code else 1,
        "team-0-name": "第一组",
        "team-0-first": world.inspector.pk,
        "team-0-second": _partner().pk,
    }
    return data | ({"code": code} if code else {})


def _sheet_url(world: World) -> str:
    point = _the_round().points.get()
    return reverse("evaluation:sheet", args=[point.round_id, point.pk])


def _sheet_data(world: World) -> dict:
    from evaluation.models import Standard

    return {"key": "6f1c2d3e-4b5a-4c6d-8e7f-000000000001"} | {
        f"result-{standard.pk}": "pass" for standard in Standard.objects.all()
    }


def _failed(world: World) -> None:
    """A closed round in which the bureau failed a standard at the world's place."""
    from evaluation import services as evaluation
    from evaluation.models import Standard

    round_ = _round(world, "in_progress")
    standards = list(Standard.objects.order_by("pk"))
    photo = tuple(photos_prepare([photo_upload()]))
    answers = {
        standards[0].pk: evaluation.Answer("fail", "路面有垃圾", photo),
        standards[1].pk: evaluation.Answer("pass"),
    }
    evaluation.sheet_submit(
        round_point=round_.points.get(),
        actor=world.inspector,
        answers=answers,
        idempotency_key="6f1c2d3e-4b5a-4c6d-8e7f-000000000002",
    )
    evaluation.round_close(round_=round_)


def _evaluation_appealed(world: World) -> None:
    from evaluation import services as evaluation
    from evaluation.models import Observation

    _failed(world)
    evaluation.appeal_file(observation=Observation.objects.get(result="fail"), actor=world.staff, reason="已清理")


def _failed_observation():
    from evaluation.models import Observation

    return Observation.objects.get(result="fail")


def _evaluation_appeal():
    from evaluation.models import Appeal as EvaluationAppeal

    return EvaluationAppeal.objects.get()


def _round_history(world: World) -> QuerySet:
    return _the_round().history.all()


def _sheets(world: World) -> QuerySet:
    from evaluation.models import Sheet

    return Sheet.objects.all()


def _evaluation_appeals(world: World) -> QuerySet:
    from evaluation.models import Appeal as EvaluationAppeal

    return EvaluationAppeal.objects.all()


ROUND_CHANGED = Shown("round", _round_history, "history_user", "history_date", _round_page, "round-record")
SHEET_SUBMITTED = Shown("sheet", _sheets, "observed_by", "submitted_at", _round_page, "round-record")
EVALUATION_APPEALED = Shown("appeal", _evaluation_appeals, "filed_by", "created", _round_page, "round-record")
EVALUATION_APPEAL_DECIDED = Shown(
    "appeal decision", _evaluation_appeals, "decided_by", "decided_at", _round_page, "round-record"
)


AUDITED: dict[str, Write] = {
    # --- Pages ----------------------------------------------------------------------------------
    "campaign:progress_create": Write(
        "staff",
        "page",
        lambda world: reverse("campaign:progress_create", args=[world.task.pk]),
        THE_TASK,
        data=lambda world: {"percent": 40, "note": "已完成四成"},
    ),
    "inspections:issue_create": Write(
        "inspector",
        "page",
        lambda world: reverse("inspections:issue_create"),
        issue_step(issue=_new_issue),
        data=lambda world: {**_new_issue_data(world), "grid": world.grid.pk, "photos": [_photo()]},
    ),
    "inspections:issue_dispatch": Write(
        "inspector",
        "page",
        _page("inspections:issue_dispatch"),
        issue_step(),
        data=lambda world: {"department": world.bureau.pk, "note": "请尽快整改"},
        issue_state="reported",
    ),
    "inspections:issue_start": Write("staff", "page", _page("inspections:issue_start"), issue_step()),
    "inspections:issue_submit": Write(
        "staff",
        "page",
        _page("inspections:issue_submit"),
        issue_step(),
        data=lambda world: {"note": "已清理完毕", "photos": [_photo()]},
    ),
    "inspections:issue_extend": Write(
        "staff", "page", _page("inspections:issue_extend"), EXTENSION_STEP, data=_deadline_data
    ),
    "inspections:issue_return": Write(
        "staff",
        "page",
        _page("inspections:issue_return"),
        (*issue_step(), EXTENSION_DECIDED),  # the waiting request is refused by the return
        data=lambda world: {"reason": "属交通局"},
        issue_state="extension requested",
    ),
    "inspections:issue_verify": Write(
        "inspector",
        "page",
        _page("inspections:issue_verify"),
        (*issue_step(), EXTENSION_DECIDED),  # the waiting request is refused by the closing
        data=lambda world: {"note": "现场核验合格"},
        issue_state="submitted",
    ),
    "inspections:issue_send_back": Write(
        "inspector",
        "page",
        _page("inspections:issue_send_back"),
        issue_step(),
        data=lambda world: {"reason": "仍有残留垃圾"},
        issue_state="submitted",
    ),
    "inspections:issue_decide": Write(
        "leader",
        "page",
        _page("inspections:issue_decide"),
        (EXTENSION_DECIDED, *issue_step()),
        data=lambda world: {"request_id": world.extension.pk, "decision": "approve", "note": "同意"},
        issue_state="extension requested",
    ),
    "inspections:issue_suspend": Write(
        "staff",
        "page",
        _page("inspections:issue_suspend"),
        SUSPENSION_STEP,
        data=lambda world: {"reason": "等待法院判决"},
    ),
    "inspections:issue_decide_suspension": Write(
        "leader",
        "page",
        _page("inspections:issue_decide_suspension"),
        (SUSPENSION_DECIDED, *issue_step(task=False)),
        data=lambda world: {"decision": "approve", "note": "同意挂起"},
        issue_state="suspension requested",
    ),
    "inspections:issue_resume": Write(
        "staff",
        "page",
        _page("inspections:issue_resume"),
        (SUSPENSION_RELEASED, *issue_step(task=False)),
        issue_state="suspended",
    ),
    "masterdata:index": Write(
        "administrator",
        "page",
        lambda world: reverse("masterdata:index"),
        MASTER_DATA,
        data=lambda world: {"file": _workbook(world)},
        then=_run_import,
    ),
    "weekly_report_build": Write(
        "leader",
        "page",
        lambda world: reverse("weekly_report_build"),
        WEEKLY_REPORT,
        data=lambda world: {"week": week_label(weekly_report_default_week(today=timezone.localdate()))},
        then=_run_build,
    ),
    "assessment:publish": Write(
        "leader",
        "page",
        lambda world: reverse("assessment:publish"),
        (PUBLISHED,),
        data=lambda world: {"period": _last_month().key},
    ),
    "assessment:appeal_create": Write(
        "staff",
        "page",
        _publication_url("assessment:appeal_create"),
        (APPEALED,),
        data=lambda world: {"indicator": "points_lost", "reason": "一件不属本局"},
        prepare=_published,
    ),
    "assessment:appeal_decide": Write(
        "leader",
        "page",
        lambda world: reverse("assessment:appeal_decide", args=[Appeal.objects.get().pk]),
        (APPEAL_DECIDED,),
        data=lambda world: {
            f"appeal-{Appeal.objects.get().pk}-decision": "reject",
            f"appeal-{Appeal.objects.get().pk}-note": "经核实属本局",
        },
        prepare=_appealed,
    ),
    "evaluation:sheet": Write(
        "inspector",
        "page",
        _sheet_url,
        (SHEET_SUBMITTED,),
        data=_sheet_data,
        prepare=lambda w: _round(w, "in_progress"),
    ),
    "evaluation:round_create": Write(
        "leader",
        "page",
        lambda world: reverse("evaluation:round_create"),
        (ROUND_CHANGED,),
        data=_round_form,
        prepare=lambda world: _partner(),
    ),
    "evaluation:round_edit": Write(
        "leader",
        "page",
        lambda world: reverse("evaluation:round_edit", args=[_the_round().pk]),
        (ROUND_CHANGED,),
        data=lambda world: _round_form(world, title="本月模拟测评（调整）", code=None),
        prepare=_round,
    ),
    "evaluation:round_draw": Write("leader", "page", _round_step("draw"), (ROUND_CHANGED,), prepare=_round),
    "evaluation:round_start": Write(
        "leader", "page", _round_step("start"), (ROUND_CHANGED,), prepare=lambda w: _round(w, "drawn")
    ),
    "evaluation:round_close": Write(
        "leader", "page", _round_step("close"), (ROUND_CHANGED,), prepare=lambda w: _round(w, "in_progress")
    ),
    "evaluation:appeal_create": Write(
        "staff",
        "page",
        lambda world: reverse("evaluation:appeal_create", args=[_failed_observation().pk]),
        (EVALUATION_APPEALED,),
        data=lambda world: {"reason": "该处已于测评前清理"},
        prepare=_failed,
    ),
    "evaluation:appeal_decide": Write(
        "leader",
        "page",
        lambda world: reverse("evaluation:appeal_decide", args=[_evaluation_appeal().pk]),
        (EVALUATION_APPEAL_DECIDED,),
        data=lambda world: {"decision": "reject", "note": "照片清楚"},
        prepare=_evaluation_appealed,
    ),
    "assessment:freeze": Write(
        "leader",
        "page",
        _publication_url("assessment:freeze"),
        (FROZEN,),
        prepare=lambda world: _published(world, days_ago=20),  # its appeal window long closed
    ),
    # --- The citizens' channel: the office's steps ------------------------------------------------
    "citizens:report_accept": Write(
        "inspector",
        "page",
        lambda world: reverse("citizens:report_accept", args=[_report(world).pk]),
        (TRIAGED, *issue_step(issue=_new_issue)),
        data=lambda world: {"place": world.place.pk},
        prepare=_pending_report,
    ),
    "citizens:report_reject": Write(
        "inspector",
        "page",
        lambda world: reverse("citizens:report_reject", args=[_report(world).pk]),
        (TRIAGED,),
        data=lambda world: {"reason": "不属于城市管理范围"},
        prepare=_pending_report,
    ),
    "citizens:report_merge": Write(
        "inspector",
        "page",
        lambda world: reverse("citizens:report_merge", args=[_report(world).pk]),
        (TRIAGED,),
        data=lambda world: {"issue": world.issue.code},
        prepare=_pending_report,
    ),
    "citizens:followup_record": Write(
        "inspector",
        "page",
        lambda world: reverse("citizens:followup_record", args=[_report(world).pk]),
        (FOLLOWUP_RECORDED,),
        data=lambda world: {"answer": "fairly"},
        prepare=_closed_with_a_report,
    ),
    "citizens:review_decide": Write(
        "leader",
        "page",
        lambda world: reverse("citizens:review_decide", args=[Followup.objects.get().pk]),
        (FOLLOWUP_REVIEWED,),
        data=lambda world: {"decision": "explain", "note": "已安排每日保洁"},
        prepare=lambda world: _closed_with_a_report(world, answer="unsatisfied"),
    ),
    "citizens:publish": Write(
        "leader",
        "page",
        lambda world: reverse("citizens:publish", args=[world.issue.pk]),
        (MADE_PUBLIC,),
        prepare=_closed_with_a_report,
    ),
    # --- REST API, with a token -----------------------------------------------------------------
    "api:task-report-progress": Write(
        "staff",
        "api",
        _api("api:task-report-progress", pk=lambda world: world.task.pk),
        THE_TASK,
        data=lambda world: {"percent": 40, "note": "已完成四成"},
        ok=201,
    ),
    "api:issue-list": Write(
        "inspector",
        "api",
        lambda world: reverse("api:issue-list"),
        issue_step(issue=_new_issue),
        data=_new_issue_data,
        ok=201,
    ),
    "api:issue-dispatch-issue": Write(
        "inspector",
        "api",
        _api("api:issue-dispatch-issue"),
        issue_step(),
        data=lambda world: {"department": world.bureau.pk, "note": "请尽快整改"},
        issue_state="reported",
    ),
    "api:issue-start": Write("staff", "api", _api("api:issue-start"), issue_step()),
    "api:issue-submit": Write(
        "staff",
        "api",
        _api("api:issue-submit"),
        issue_step(),
        data=lambda world: {"note": "已清理完毕", "photos": [_photo()]},
    ),
    "api:issue-return-issue": Write(
        "staff",
        "api",
        _api("api:issue-return-issue"),
        (*issue_step(), EXTENSION_DECIDED),
        data=lambda world: {"reason": "属交通局"},
        issue_state="extension requested",
    ),
    "api:issue-request-extension": Write(
        "staff", "api", _api("api:issue-request-extension"), EXTENSION_STEP, data=_deadline_data, ok=201
    ),
    "api:issue-verify": Write(
        "inspector",
        "api",
        _api("api:issue-verify"),
        (*issue_step(), EXTENSION_DECIDED),
        data=lambda world: {"note": "现场核验合格"},
        issue_state="submitted",
    ),
    "api:issue-send-back": Write(
        "inspector",
        "api",
        _api("api:issue-send-back"),
        issue_step(),
        data=lambda world: {"reason": "仍有残留垃圾"},
        issue_state="submitted",
    ),
    "api:extensionrequest-decide": Write(
        "leader",
        "api",
        _api("api:extensionrequest-decide", pk=lambda world: world.extension.pk),
        (EXTENSION_DECIDED, *issue_step()),
        data=lambda world: {"approve": "true", "note": "同意"},
        issue_state="extension requested",
    ),
    "api:issue-request-suspension": Write(
        "staff",
        "api",
        _api("api:issue-request-suspension"),
        SUSPENSION_STEP,
        data=lambda world: {"reason": "等待法院判决"},
        ok=201,
    ),
    "api:suspension-decide": Write(
        "leader",
        "api",
        _api("api:suspension-decide", pk=lambda world: world.suspension.pk),
        (SUSPENSION_DECIDED, *issue_step(task=False)),
        data=lambda world: {"approve": "true", "note": "同意挂起"},
        issue_state="suspension requested",
    ),
    "api:suspension-release": Write(
        "staff",
        "api",
        _api("api:suspension-release", pk=lambda world: world.suspension.pk),
        (SUSPENSION_RELEASED, *issue_step(task=False)),
        issue_state="suspended",
    ),
    # --- Open311, with an api_key ---------------------------------------------------------------
    "open311:requests": Write(
        "inspector",
        "open311",
        lambda world: reverse("open311:requests", kwargs={"fmt": "json"}),
        issue_step(issue=_new_issue),
        data=lambda world: {
            "service_code": world.criterion.code,
            "address_id": world.place.code,
            "description": "井盖缺失",
        },
        ok=201,
    ),
}

# Routes that accept a write but change no object of the product: why, in one line each.
NO_AUDIT_OBJECT: dict[str, str] = {
    "login": "Signing in starts a session (django-axes logs the attempts); no object of the product changes.",
    "logout": "Signing out ends the session; no object of the product changes.",
    "set_language": "Chooses the language of the pages for the session (a cookie); nothing is stored.",
    "accounts:mark_all_read": "Marks the user's own notifications read: the inbox's state, not an audited object.",
    "accounts:password_change": "The password is a secret the history leaves out by design (User history excludes it).",
    "api:not-found": "Any address under /api/v1/ that names no endpoint: a 404 for every method, nothing written.",
    "citizens:report_create": (
        "A citizen's report, anonymous by design: the report itself (its time, channel and tracking code) is the "
        "record, on its page for the office; the office's steps on it are audited."
    ),
    "citizens:code_request": "Sends a one-time code by text message; only the shared cache's counters change.",
    "citizens:track": (
        "The reporter's 回访 answer, anonymous by design: the answer with its time and channel is the record, "
        "on the report's page."
    ),
    "core:pending_photo_create": (
        "A photo kept for its uploader until its form is saved; the issue or report it then joins records who "
        "attached it, and an unused one expires."
    ),
}

# Left out of the walk: the Django admin (/admin/) keeps its own LogEntry and django-simple-history's
# admin history of every change made there (and is_staff guards it, see reports/tests/test_admin.py).
OUT_OF_SCOPE = ("admin/",)


# ---------------------------------------------------------------------------------------------
# The write routes, from the resolver


def _placeholder(name: str) -> str:
    # An id (or token) no object has (nothing is found, so nothing is written), and a format the routes take.
    return {"fmt": "json", "token": "00000000-0000-0000-0000-000000000000"}.get(name, "999999")


def write_routes(client: Client) -> dict[str, set[str]]:
    """Every route (the admin left out) that accepts a write method → the write methods it accepts."""
    superuser = UserFactory(username="probe", is_staff=True, is_superuser=True)
    found = {}
    for name, full, pattern in url_patterns():
        if full.startswith(OUT_OF_SCOPE):
            continue
        kwargs = {key: _placeholder(key) for key in pattern.pattern.regex.groupindex}
        url = reverse(name, kwargs=kwargs)
        accepted = set()
        for method in WRITE_METHODS:
            client.force_login(superuser)  # again: logging out is one of the writes
            if client.generic(method, url).status_code != 405:
                accepted.add(method)
        if accepted:
            found[name] = accepted
    return found


def test_every_write_route_has_an_entry(client):
    found = write_routes(client)

    assert sorted(set(found) - set(AUDITED) - set(NO_AUDIT_OBJECT)) == [], "write routes without an entry"
    assert sorted(set(AUDITED) & set(NO_AUDIT_OBJECT)) == [], "routes both audited and not"
    assert sorted((set(AUDITED) | set(NO_AUDIT_OBJECT)) - set(found)) == [], "entries of routes that take no write"
    for route in AUDITED:  # each audited route takes only the POST its entry makes
        assert found[route] == {"POST"}, f"{route} accepts {sorted(found[route])}: audit each"
    assert (len(AUDITED), len(NO_AUDIT_OBJECT)) == (47, 10)  # the size the docstring states


# ---------------------------------------------------------------------------------------------
# Every audited write


def _client_for(write: Write, world: World) -> tuple[Client, dict, dict]:
    """A client signed in as the writer (the page's way, the API's or Open311's), the data to send
    and the headers."""
    actor = getattr(world, write.actor)
    client, data, headers = Client(), write.data(world), {}
    if write.via == "page":
        client.force_login(actor)
    elif write.via == "api":
        headers["Authorization"] = f"Token {Token.objects.create(user=actor).key}"
    else:
        data["api_key"] = Token.objects.create(user=actor).key
    return client, data, headers


def section_entries(page: str, section: str) -> list[str]:
    """The text of each entry (list item or table row) of the page's element with id ``section``."""
    match = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(section)}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"the page has no #{section}"
    return [" ".join(html.unescape(strip_tags(part)).split()) for part in re.split(r"</(?:li|tr)>", match.group(2))]


@pytest.mark.parametrize("route", list(AUDITED))
def test_a_write_leaves_a_record_shown_on_its_object_s_page(route):
    write = AUDITED[route]
    world = build_world(write.issue_state)
    if write.prepare is not None:
        write.prepare(world)
    actor = getattr(world, write.actor)
    client, data, headers = _client_for(write, world)

    started = timezone.now()
    response = client.post(write.url(world), data, headers=headers)
    ok = write.ok or {"page": 302, "api": 200}[write.via]
    assert response.status_code == ok, response.content.decode()[:2000]
    if ok == 302:
        assert not response["Location"].startswith(reverse("login"))
    if write.then is not None:
        write.then(world)
    ended = timezone.now()

    reader = Client()
    reader.force_login(world.auditor)
    for shown in write.leaves:
        records = list(shown.records(world).filter(**{f"{shown.time}__gte": started}).select_related(shown.user))
        assert records, f"the write left no {shown.what} record"
        for record in records:
            assert getattr(record, shown.user) == actor, f"a {shown.what} record names {getattr(record, shown.user)}"
            assert started <= getattr(record, shown.time) <= ended
        newest = max(records, key=lambda record: getattr(record, shown.time))
        page = reader.get(shown.page(world))
        assert page.status_code == 200, (shown.what, shown.page(world))
        with translation.override("zh-hans"):
            when = formats.date_format(timezone.localtime(getattr(newest, shown.time)), shown.time_format)
        entries = section_entries(page.content.decode(), shown.section)
        assert any(actor.display_name in entry and when in entry and shown.mark in entry for entry in entries), (
            f"{shown.page(world)}#{shown.section} does not show {actor.display_name} at {when} for the {shown.what}",
            entries,
        )
