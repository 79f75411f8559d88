"""The permission matrix: every page and API route, generated from the URL configuration, for every
role and method, against the expected access written down in ``MATRIX`` below.

Size: 135 routes × 6 roles (anonymous, staff of department A, staff of department B, inspector,
leader, API token) × the methods listed per route: GET and POST for every route, plus PUT, PATCH,
DELETE or OPTIONS on 8 routes (10 more route-methods) — 280 route-methods × 6 roles = 1,680 cases,
each its own test id (``route-role-METHOD``).

``test_every_route_has_an_entry`` walks the resolver: a route added without an entry here (or an
entry whose route is gone) fails it. Only the Django admin (its own ``is_staff`` gate, tested in
``reports/tests/test_admin.py``) and static file serving are left out; nothing under media is served
as a file (photos go through their views, which are in the matrix).

Outcomes: ``o`` ok (2xx, or a redirect anywhere but the login page; for a write, 400/409 too: the
request was let through and refused on its content), ``l`` login (302 to /login/, or 401 for the
API and Open311), ``f`` forbidden (403), ``h`` hidden (404), ``n`` not allowed (405). A refused
request must change nothing: the main tables' row counts and the task's, issue's and extension
request's state are compared before and after.

How each role authenticates: the people sign in (a session; the API accepts it too), the API token
role is a user of the ``api_client`` group without a department, sending ``Authorization: Token``
(pages ignore it: they answer as to an anonymous visitor). Open311 knows only ``api_key``: every
signed-in role sends its own user's key there (so the key's reach is the user's, as on the pages).
The task, issue, extension request and suspension, and their photos, belong to department A: staff of
department B get 404.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Department, Notification, Role, User
from accounts.tests.factories import DepartmentFactory
from assessment.models import Appeal, Publication
from assessment.periods import AssessmentPeriod
from assessment.services import results_publish
from campaign.models import ProgressPhoto, ProgressReport, Task
from campaign.tests.factories import CampaignFactory, PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from citizens.abuse import captcha_new
from citizens.models import Followup, PublicPhoto, Report, ReportPhoto
from citizens.tests.factories import CityGridFactory, PublicCategoryFactory
from core.models import PendingPhoto
from core.pending_photos import form_grant, pending_holder
from core.tests.factories import jpeg_bytes
from evaluation.tests.factories import evaluation_world
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import ExtensionRequest, Issue, IssueEvent, IssuePhoto, Suspension
from inspections.tests.factories import CriterionFactory, InspectionFactory, IssueFactory
from masterdata.models import ImportJob
from reports.models import WeeklyReport
from tests.routes import url_patterns

ROLES = ("anonymous", "staff_a", "staff_b", "inspector", "leader", "token")
OUTCOMES = {"o": "ok", "l": "login", "f": "forbidden", "h": "hidden", "n": "not_allowed"}

# Route (its name, namespaced) → method → one outcome letter per role, in the order of ROLES:
#                 anonymous, staff_a, staff_b, inspector, leader, token
EVERYONE, NOBODY_405 = "oooooo", "nnnnnn"
SIGNED_IN, PAGE_405 = "looool", "lnnnnl"  # pages: the token is no session, so it is sent to sign in
API_READ, API_405 = "looooo", "lnnnnn"  # API: 401 without credentials, then the read-only viewsets
DEPT_A_PAGE, DEPT_A_API = "lohool", "lohooh"  # department A's task or issue: staff B and the token see 404
OFFICE_PAGE = "lffool"  # the campaign office's citizen-report pages: departments never see a reporter

MATRIX: dict[str, dict[str, str]] = {
    # --- Public and account pages ---------------------------------------------------------------
    "health": {"GET": EVERYONE, "POST": NOBODY_405},
    "favicon": {"GET": EVERYONE, "POST": NOBODY_405},
    "evaluation_sw": {"GET": EVERYONE, "POST": NOBODY_405},  # the offline sheets' service worker
    "set_language": {"GET": EVERYONE, "POST": EVERYONE},
    "login": {"GET": EVERYONE, "POST": EVERYONE},  # signed in: redirected home; anonymous: the form
    # Logging out answers with a redirect to the login page: that is its success, for everyone.
    "logout": {"GET": NOBODY_405, "POST": "llllll"},
    "accounts:inbox": {"GET": SIGNED_IN, "POST": PAGE_405},
    "accounts:notification_open": {"GET": SIGNED_IN, "POST": PAGE_405},  # the user's own notification
    "accounts:mark_all_read": {"GET": PAGE_405, "POST": SIGNED_IN},
    "accounts:password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts:password_change_done": {"GET": SIGNED_IN, "POST": PAGE_405},
    # Photos sent at once from a form, kept for their uploader (the inspector's) until the form is saved.
    "core:pending_photo_create": {"GET": PAGE_405, "POST": SIGNED_IN},
    "core:pending_photo": {"GET": "lhhohl", "POST": PAGE_405},
    "home": {"GET": SIGNED_IN, "POST": PAGE_405},
    # --- Tasks ----------------------------------------------------------------------------------
    "campaign:task_list": {"GET": SIGNED_IN, "POST": PAGE_405},
    "campaign:task_detail": {"GET": DEPT_A_PAGE, "POST": PAGE_405, "PUT": PAGE_405},
    "campaign:progress_create": {"GET": PAGE_405, "POST": "lohffl"},
    "campaign:photo": {"GET": DEPT_A_PAGE, "POST": PAGE_405},  # a progress photo of department A's task
    "campaign:photo_thumbnail": {"GET": DEPT_A_PAGE, "POST": PAGE_405},
    # --- Issues ---------------------------------------------------------------------------------
    "inspections:issue_list": {"GET": SIGNED_IN, "POST": PAGE_405},
    "inspections:issue_create": {"GET": "lffofl", "POST": "lffofl", "PUT": PAGE_405},
    "inspections:place_options": {"GET": "lffofl", "POST": PAGE_405},
    "inspections:criterion_options": {"GET": "lffofl", "POST": PAGE_405},
    "inspections:extension_list": {"GET": "lfffol", "POST": PAGE_405},
    "inspections:issue_detail": {"GET": DEPT_A_PAGE, "POST": PAGE_405},
    "inspections:photo": {"GET": DEPT_A_PAGE, "POST": PAGE_405},  # a photo of department A's issue
    "inspections:photo_thumbnail": {"GET": DEPT_A_PAGE, "POST": PAGE_405},
    "inspections:issue_dispatch": {"GET": PAGE_405, "POST": "lfhofl"},
    "inspections:issue_start": {"GET": PAGE_405, "POST": "lohffl", "DELETE": PAGE_405},
    "inspections:issue_submit": {"GET": PAGE_405, "POST": "lohffl"},
    "inspections:issue_extend": {"GET": PAGE_405, "POST": "lohffl"},
    "inspections:issue_return": {"GET": PAGE_405, "POST": "lohffl"},
    "inspections:issue_verify": {"GET": PAGE_405, "POST": "lfhofl"},
    "inspections:issue_send_back": {"GET": PAGE_405, "POST": "lfhofl"},
    "inspections:issue_decide": {"GET": PAGE_405, "POST": "lfhfol"},
    # A suspension (挂起): asked for by the department, decided by a leader, released by either.
    "inspections:issue_suspend": {"GET": PAGE_405, "POST": "lohffl"},
    "inspections:issue_decide_suspension": {"GET": PAGE_405, "POST": "lfhfol"},
    "inspections:issue_resume": {"GET": PAGE_405, "POST": "lohfol"},
    # --- Master data: administrators only (none of these roles), checked before the method ------
    "masterdata:index": {"GET": "lffffl", "POST": "lffffl", "PUT": "lffffl"},
    "masterdata:template": {"GET": "lffffl", "POST": "lffffl"},
    "masterdata:export": {"GET": "lffffl", "POST": "lffffl"},
    "masterdata:job": {"GET": "lffffl", "POST": "lffffl"},
    "masterdata:job_status": {"GET": "lffffl", "POST": "lffffl"},
    # --- Leaders' figures -----------------------------------------------------------------------
    "dashboard": {"GET": "loofol", "POST": PAGE_405},
    "dashboard_map": {"GET": "lfffol", "POST": PAGE_405},
    "dashboard_panel": {"GET": "lfffol", "POST": PAGE_405},  # a city-wide panel (the targets)
    "dashboard_department": {"GET": "loffol", "POST": PAGE_405},  # department A's page
    "dashboard_grid": {"GET": "lfffol", "POST": PAGE_405},
    "dashboard_overdue_xlsx": {"GET": "loofol", "POST": PAGE_405},
    "weekly_report_list": {"GET": "lfffol", "POST": PAGE_405},
    "weekly_report_build": {"GET": PAGE_405, "POST": "lfffol"},
    "weekly_report_detail": {"GET": "lfffol", "POST": PAGE_405},
    "weekly_report_status": {"GET": "lfffol", "POST": PAGE_405},
    "weekly_report_download": {"GET": "lfffol", "POST": PAGE_405},
    # --- 考核: results, 公示, 申诉, 冻结 ------------------------------------------------------------
    "assessment:results": {"GET": "loofol", "POST": PAGE_405},
    "assessment:unit": {"GET": "loffol", "POST": PAGE_405},  # department A's result
    "assessment:cases": {"GET": "loffol", "POST": PAGE_405},
    "assessment:publish": {"GET": PAGE_405, "POST": "lfffol"},
    "assessment:publication": {"GET": "loofol", "POST": PAGE_405},
    "assessment:appeal_create": {"GET": PAGE_405, "POST": "looffl"},  # a department's staff, for their own
    "assessment:appeal_decide": {"GET": PAGE_405, "POST": "lfffol"},
    "assessment:freeze": {"GET": PAGE_405, "POST": "lfffol"},
    "assessment:changes": {"GET": "lfffol", "POST": PAGE_405},
    # --- Mock evaluation: the round is in progress, the sheet the inspector's team's ---------------
    "evaluation:round_list": {"GET": SIGNED_IN, "POST": PAGE_405},
    "evaluation:round_create": {"GET": "lfffol", "POST": "lfffol"},  # the evaluation office's
    "evaluation:round_detail": {"GET": "lhhool", "POST": PAGE_405},
    "evaluation:round_edit": {"GET": "lhhfol", "POST": "lhhfol"},  # a round in progress: refused with a message
    "evaluation:sheet": {"GET": "lhhofl", "POST": "lhhofl"},
    "evaluation:round_draw": {"GET": PAGE_405, "POST": "lhhfol"},
    "evaluation:round_start": {"GET": PAGE_405, "POST": "lhhfol"},
    "evaluation:round_close": {"GET": PAGE_405, "POST": "lhhfol"},
    "evaluation:appeal_create": {"GET": PAGE_405, "POST": "lhhffl"},
    "evaluation:appeal_decide": {"GET": PAGE_405, "POST": "lfhfol"},
    "evaluation:appeal_photo": {"GET": "lohool", "POST": PAGE_405},  # a photo of department A's appeal
    # --- REST API: reference data every signed-in caller reads ----------------------------------
    "api:department-list": {"GET": API_READ, "POST": API_405},
    "api:department-detail": {"GET": API_READ, "POST": API_405},
    "api:user-list": {"GET": API_READ, "POST": API_405},
    "api:user-detail": {"GET": API_READ, "POST": API_405},
    "api:grid-list": {"GET": API_READ, "POST": API_405},
    "api:grid-detail": {"GET": API_READ, "POST": API_405},
    "api:place-list": {"GET": API_READ, "POST": API_405},
    "api:place-detail": {"GET": API_READ, "POST": API_405},
    "api:campaign-list": {"GET": API_READ, "POST": API_405},
    "api:campaign-detail": {"GET": API_READ, "POST": API_405},
    "api:pledge-list": {"GET": API_READ, "POST": API_405},
    "api:pledge-detail": {"GET": API_READ, "POST": API_405},
    "api:target-list": {"GET": API_READ, "POST": API_405},
    "api:target-detail": {"GET": API_READ, "POST": API_405},
    "api:criterion-list": {"GET": API_READ, "POST": API_405},
    "api:criterion-detail": {"GET": API_READ, "POST": API_405},
    "api:inspection-list": {"GET": API_READ, "POST": API_405},
    "api:inspection-detail": {"GET": API_READ, "POST": API_405},
    # --- REST API: department work --------------------------------------------------------------
    "api:task-list": {"GET": API_READ, "POST": API_405, "DELETE": API_405},
    "api:task-detail": {"GET": DEPT_A_API, "POST": API_405, "OPTIONS": API_READ},
    "api:task-report-progress": {"GET": API_405, "POST": "lohffh"},
    "api:progressreport-list": {"GET": API_READ, "POST": API_405},
    "api:progressreport-detail": {"GET": DEPT_A_API, "POST": API_405},
    "api:issue-list": {"GET": API_READ, "POST": "lffoff"},
    "api:issue-detail": {"GET": DEPT_A_API, "POST": API_405, "PUT": API_405, "PATCH": API_405, "DELETE": API_405},
    "api:issue-dispatch-issue": {"GET": API_405, "POST": "lfhofh"},
    "api:issue-start": {"GET": API_405, "POST": "lohffh"},
    "api:issue-submit": {"GET": API_405, "POST": "lohffh"},
    "api:issue-return-issue": {"GET": API_405, "POST": "lohffh"},
    "api:issue-request-extension": {"GET": API_405, "POST": "lohffh"},
    "api:issue-verify": {"GET": API_405, "POST": "lfhofh"},
    "api:issue-send-back": {"GET": API_405, "POST": "lfhofh"},
    "api:extensionrequest-list": {"GET": API_READ, "POST": API_405},
    "api:extensionrequest-detail": {"GET": DEPT_A_API, "POST": API_405},
    "api:extensionrequest-decide": {"GET": API_405, "POST": "lfhfoh"},
    "api:issue-request-suspension": {"GET": API_405, "POST": "lohffh"},
    "api:suspension-list": {"GET": API_READ, "POST": API_405},
    "api:suspension-detail": {"GET": DEPT_A_API, "POST": API_405},
    "api:suspension-decide": {"GET": API_405, "POST": "lfhfoh"},
    "api:suspension-release": {"GET": API_405, "POST": "lohfoh"},
    "api:scoreboard-departments": {"GET": "loofof", "POST": API_405},
    "api:scoreboard-grids": {"GET": "lfffof", "POST": API_405},
    "api:assessment-results": {"GET": "loofof", "POST": API_405},
    # Mock evaluation: a round in progress is blind to departments (404) until it closes.
    "api:evaluation-round-list": {"GET": API_READ, "POST": API_405},
    "api:evaluation-round-detail": {"GET": "lhhooh", "POST": API_405},
    "api:evaluation-round-scores": {"GET": "lhhooh", "POST": API_405},
    "api:evaluation-observation-list": {"GET": API_READ, "POST": API_405},
    "api:evaluation-observation-detail": {"GET": "lhhooh", "POST": API_405},
    # The schema and its documentation are public (drf-spectacular's default SERVE_PERMISSIONS).
    "api:schema": {"GET": EVERYONE, "POST": NOBODY_405},
    "api:docs": {"GET": EVERYONE, "POST": NOBODY_405},
    "api:redoc": {"GET": EVERYONE, "POST": NOBODY_405},
    "api:not-found": {"GET": "hhhhhh", "POST": "hhhhhh"},
    # --- Open311 GeoReport v2: the checklist and the public issues are read without an api_key; a staff
    # key reads what its user may; posting needs a key (department A's issue is not public) --------------
    "open311:services": {"GET": EVERYONE, "POST": NOBODY_405},
    "open311:service": {"GET": EVERYONE, "POST": NOBODY_405},
    "open311:requests": {"GET": EVERYONE, "POST": "lffoff", "PUT": NOBODY_405},
    "open311:request": {"GET": "hohooh", "POST": NOBODY_405},
    "open311:token": {"GET": EVERYONE, "POST": NOBODY_405},  # a posted report's token
    # --- Citizens (随手拍): the public pages are everyone's; triage, 回访 and review are the office's ----------
    "citizens:report_create": {"GET": EVERYONE, "POST": EVERYONE},
    "citizens:code_request": {"GET": NOBODY_405, "POST": EVERYONE},  # refused on its content without a phone
    "citizens:place_options": {"GET": EVERYONE, "POST": NOBODY_405},  # places to pick as the location
    "citizens:report_grids": {"GET": EVERYONE, "POST": NOBODY_405},  # the map's grids: names and boundaries
    # A photo kept for an anonymous report form: whoever holds its grant on its device (here: no device cookie).
    "citizens:kept_photo": {"GET": EVERYONE, "POST": NOBODY_405},
    "citizens:captcha": {"GET": EVERYONE, "POST": NOBODY_405},
    "citizens:track": {"GET": EVERYONE, "POST": EVERYONE},  # whoever holds the tracking code
    "citizens:track_photo": {"GET": "hhhhhh", "POST": NOBODY_405},  # none until the case is closed
    "citizens:public": {"GET": EVERYONE, "POST": NOBODY_405},
    "citizens:public_photo": {"GET": EVERYONE, "POST": NOBODY_405},
    "citizens:triage": {"GET": OFFICE_PAGE, "POST": PAGE_405},
    "citizens:duplicates": {"GET": "lffofl", "POST": PAGE_405},  # for inspectors filing an issue
    "citizens:followups": {"GET": OFFICE_PAGE, "POST": PAGE_405},
    "citizens:review_decide": {"GET": PAGE_405, "POST": OFFICE_PAGE},
    "citizens:report_detail": {"GET": OFFICE_PAGE, "POST": PAGE_405},
    "citizens:report_accept": {"GET": PAGE_405, "POST": OFFICE_PAGE},
    "citizens:report_reject": {"GET": PAGE_405, "POST": OFFICE_PAGE},
    "citizens:report_merge": {"GET": PAGE_405, "POST": OFFICE_PAGE},
    "citizens:followup_record": {"GET": PAGE_405, "POST": OFFICE_PAGE},
    "citizens:report_photo": {"GET": OFFICE_PAGE, "POST": PAGE_405},
    "citizens:report_photo_thumbnail": {"GET": OFFICE_PAGE, "POST": PAGE_405},
    "citizens:publish": {"GET": PAGE_405, "POST": OFFICE_PAGE},
}

# URL arguments: route → {kwarg: attribute of the fixture's ``World``}. Others take none.
KWARGS: dict[str, dict[str, str]] = {
    "accounts:notification_open": {"pk": "notification"},
    "core:pending_photo": {"token": "pending_photo.token"},
    "campaign:task_detail": {"pk": "task"},
    "campaign:progress_create": {"pk": "task"},
    "campaign:photo": {"pk": "progress_photo"},
    "campaign:photo_thumbnail": {"pk": "progress_photo"},
    "inspections:issue_detail": {"pk": "issue"},
    "inspections:photo": {"pk": "issue_photo"},
    "inspections:photo_thumbnail": {"pk": "issue_photo"},
    **{f"inspections:issue_{name}": {"pk": "issue"} for name in ("dispatch", "start", "submit", "extend")},
    **{f"inspections:issue_{name}": {"pk": "issue"} for name in ("return", "verify", "send_back", "decide")},
    **{f"inspections:issue_{name}": {"pk": "issue"} for name in ("suspend", "decide_suspension", "resume")},
    "masterdata:job": {"pk": "import_job"},
    "masterdata:job_status": {"pk": "import_job"},
    "dashboard_department": {"pk": "department_a"},
    "dashboard_grid": {"pk": "grid"},
    "dashboard_panel": {"name": "=targets"},
    **{f"weekly_report_{name}": {"pk": "weekly_report"} for name in ("detail", "status", "download")},
    "assessment:unit": {"level": "=department", "pk": "department_a"},
    "assessment:cases": {"level": "=department", "pk": "department_a"},
    **{f"assessment:{name}": {"pk": "publication"} for name in ("publication", "appeal_create", "freeze", "changes")},
    "assessment:appeal_decide": {"pk": "appeal"},
    "api:department-detail": {"pk": "department_a"},
    "api:user-detail": {"pk": "staff_a"},
    "api:grid-detail": {"pk": "grid"},
    "api:place-detail": {"pk": "place"},
    "api:campaign-detail": {"pk": "campaign"},
    "api:pledge-detail": {"pk": "pledge"},
    "api:target-detail": {"pk": "target"},
    "api:criterion-detail": {"pk": "criterion"},
    "api:inspection-detail": {"pk": "inspection"},
    "api:task-detail": {"pk": "task"},
    "api:task-report-progress": {"pk": "task"},
    "api:progressreport-detail": {"pk": "progress_report"},
    **{
        f"api:issue-{name}": {"pk": "issue"}
        for name in (
            "detail",
            "dispatch-issue",
            "start",
            "submit",
            "return-issue",
            "request-extension",
            "request-suspension",
        )
    },
    "api:issue-verify": {"pk": "issue"},
    "api:issue-send-back": {"pk": "issue"},
    "api:extensionrequest-detail": {"pk": "extension"},
    "api:extensionrequest-decide": {"pk": "extension"},
    **{f"api:suspension-{name}": {"pk": "suspension"} for name in ("detail", "decide", "release")},
    "evaluation:round_detail": {"pk": "evaluation.round"},
    "evaluation:round_edit": {"pk": "evaluation.round"},
    "evaluation:sheet": {"round_pk": "evaluation.round", "pk": "evaluation.point"},
    **{f"evaluation:round_{step}": {"pk": "evaluation.round"} for step in ("draw", "start", "close")},
    "evaluation:appeal_create": {"pk": "evaluation.observation"},
    "evaluation:appeal_decide": {"pk": "evaluation.appeal"},
    "evaluation:appeal_photo": {"pk": "evaluation.appeal_photo"},
    **{f"api:evaluation-round-{name}": {"pk": "evaluation.round"} for name in ("detail", "scores")},
    "api:evaluation-observation-detail": {"pk": "evaluation.observation"},
    "open311:services": {"fmt": "=json"},
    "open311:service": {"fmt": "=json", "service_code": "criterion.code"},
    "open311:requests": {"fmt": "=json"},
    "open311:request": {"fmt": "=json", "service_request_id": "issue.code"},
    "open311:token": {"fmt": "=json", "token": "report.tracking_code"},
    "citizens:captcha": {"key": "captcha_key"},
    "citizens:kept_photo": {"grant": "kept_grant", "token": "kept_photo.token"},
    "citizens:track": {"code": "report.tracking_code"},
    "citizens:track_photo": {"code": "report.tracking_code", "pk": "issue_photo"},
    "citizens:public_photo": {"token": "public_photo.token"},
    "citizens:review_decide": {"pk": "followup"},
    **{f"citizens:report_{name}": {"pk": "report"} for name in ("detail", "accept", "reject", "merge")},
    "citizens:followup_record": {"pk": "report"},
    "citizens:report_photo": {"pk": "report_photo"},
    "citizens:report_photo_thumbnail": {"pk": "report_photo"},
    "citizens:publish": {"pk": "issue"},
}
FIXED_URLS = {"api:not-found": "/api/v1/no-such-endpoint/"}


# ---------------------------------------------------------------------------------------------
# The routes


def routes() -> dict[str, str]:
    """Every route: its name (or, unnamed, its full pattern) → its full pattern. Left out: the
    Django admin (its own is_staff gate and tests) and static file serving."""
    found = {}
    for key, full, _pattern in url_patterns():
        if full.startswith(("admin/", "static/")):
            continue
        found[key] = full
    return found


def test_every_route_has_an_entry():
    found = routes()
    assert sorted(set(found) - set(MATRIX)) == [], "routes without an entry in MATRIX"
    assert sorted(set(MATRIX) - set(found)) == [], "MATRIX entries for routes that no longer exist"
    for route, methods in MATRIX.items():
        for method, letters in methods.items():
            assert len(letters) == len(ROLES), (route, method)
            assert set(letters) <= set(OUTCOMES), (route, method)


def test_every_route_with_arguments_has_them():
    for route, full in routes().items():
        if ("<" in full or "(?P<" in full) and route not in FIXED_URLS:
            assert route in KWARGS, route


CASES = [
    pytest.param(route, role, method, OUTCOMES[letters[index]], id=f"{route}-{role}-{method}")
    for route, methods in MATRIX.items()
    for method, letters in methods.items()
    for index, role in enumerate(ROLES)
]


# ---------------------------------------------------------------------------------------------
# The data


@dataclass
class World:
    department_a: Department
    department_b: Department
    staff_a: User
    staff_b: User
    inspector: User
    leader: User
    token_user: User
    campaign: object
    pledge: object
    target: object
    grid: object
    place: object
    criterion: object
    inspection: object
    task: Task
    progress_report: ProgressReport
    progress_photo: ProgressPhoto
    issue: Issue
    issue_photo: IssuePhoto
    extension: ExtensionRequest
    suspension: Suspension
    import_job: ImportJob
    weekly_report: WeeklyReport
    pending_photo: PendingPhoto
    notification: Notification | None = None
    publication: Publication | None = None  # last month's results, published for comment
    appeal: Appeal | None = None  # department A's, waiting for a decision
    report: Report | None = None  # a citizen report waiting for triage, with a photo
    report_photo: ReportPhoto | None = None
    followup: Followup | None = None  # 不满意 on a closed citizen case, waiting for review
    public_photo: PublicPhoto | None = None
    kept_photo: PendingPhoto | None = None  # kept for an anonymous report form (no device cookie)
    kept_grant: str = ""  # that form's grant

    @property
    def captcha_key(self) -> str:
        """A fresh picture code (the cache is emptied before every test)."""
        return captcha_new()

    evaluation: object = None  # a mock evaluation round in progress (evaluation.tests.factories)


def _user(username: str, role: str, department=None) -> User:
    user = User.objects.create(username=username, last_name="张", first_name=username, department=department)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """The data, built once for the module inside a transaction that is rolled back at its end;
    each test runs in a savepoint inside it (pytest-django's ``db``), so what one test changes, the
    next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db) -> World:
    return _module_world


def _jpeg(name: str) -> ContentFile:
    return ContentFile(jpeg_bytes(), name=name)


def _build_world() -> World:
    department_a = DepartmentFactory(code="CGJ", name="市城管局")
    department_b = DepartmentFactory(code="JTJ", name="市交通局")
    staff_a = _user("staff_a", Role.STAFF, department_a)
    staff_b = _user("staff_b", Role.STAFF, department_b)
    inspector = _user("inspector", Role.INSPECTOR)
    leader = _user("leader", Role.LEADER)
    token_user = _user("token", Role.API_CLIENT)
    campaign = CampaignFactory()
    pledge = PledgeFactory(campaign=campaign, department=department_a)
    grid = GridFactory(subdistrict=department_b, leader=leader)
    place = PlaceFactory(grid=grid, assigned_department=department_a, territorial_unit=department_b)
    criterion = CriterionFactory(default_department=department_a)
    task = TaskFactory(campaign=campaign, department=department_a, accountable=staff_a)
    now = timezone.now()
    issue = IssueFactory(
        campaign=campaign,
        place=place,
        criterion=criterion,
        reported_by=inspector,
        department=department_a,
        status=Issue.Status.DISPATCHED,
        deadline=now + datetime.timedelta(days=3),
    )
    progress_report = ProgressReportFactory(task=task, author=staff_a)
    last_month = AssessmentPeriod.containing(timezone.localdate(now), "month").previous()
    publication = results_publish(period=last_month, actor=leader, now=now)
    appeal = Appeal.objects.create(
        publication=publication,
        department=department_a,
        indicator="points_lost",
        reason="两件不属本局",
        filed_by=staff_a,
    )
    citizens = _citizens_world(campaign=campaign, criterion=criterion, department=department_a, leader=leader)
    return World(
        **citizens,
        department_a=department_a,
        department_b=department_b,
        staff_a=staff_a,
        staff_b=staff_b,
        inspector=inspector,
        leader=leader,
        token_user=token_user,
        campaign=campaign,
        pledge=pledge,
        target=TargetFactory(pledge=pledge),
        grid=grid,
        place=place,
        criterion=criterion,
        inspection=InspectionFactory(campaign=campaign),
        task=task,
        progress_report=progress_report,
        progress_photo=ProgressPhoto.objects.create(
            report=progress_report, image=_jpeg("site.jpg"), thumbnail=_jpeg("site-small.jpg")
        ),
        issue=issue,
        issue_photo=IssuePhoto.objects.create(
            issue=issue, image=_jpeg("found.jpg"), thumbnail=_jpeg("found-small.jpg"), uploaded_by=inspector
        ),
        extension=ExtensionRequest.objects.create(
            issue=issue, requested_by=staff_a, reason="材料未到", requested_deadline=now + datetime.timedelta(days=9)
        ),
        suspension=Suspension.objects.create(issue=issue, requested_by=staff_a, reason="等待法院判决"),
        import_job=ImportJob.objects.create(uploaded_by=leader, original_name="a.xlsx", file="imports/a.xlsx"),
        weekly_report=WeeklyReport.objects.create(
            week_start=datetime.date(2026, 1, 5),
            status=WeeklyReport.Status.SUCCEEDED,
            file=ContentFile(b"PK\x03\x04 not really a workbook", name="weekly.xlsx"),
        ),
        pending_photo=PendingPhoto.objects.create(
            uploaded_by=inspector, image=_jpeg("chosen.jpg"), thumbnail=_jpeg("chosen-small.jpg")
        ),
        publication=publication,
        appeal=appeal,
        evaluation=evaluation_world(
            campaign=campaign, place=place, criterion=criterion, inspector=inspector, department=department_a
        ),
    )


def _citizens_world(*, campaign, criterion, department, leader) -> dict:
    category = PublicCategoryFactory(criterion=criterion)
    grid = CityGridFactory(subdistrict=department)
    report = Report.objects.create(
        category=category, description="路口垃圾", latitude="36.45", longitude="115.98", grid=grid
    )
    closed = IssueFactory(
        campaign=campaign,
        criterion=criterion,
        department=department,
        reported_by=leader,
        status=Issue.Status.CLOSED,
        closed_at=timezone.now(),
        source=Issue.Source.CITIZEN,
    )
    merged = Report.objects.create(
        category=category,
        description="同一处垃圾",
        latitude="36.45",
        longitude="115.98",
        grid=grid,
        status=Report.Status.MERGED,
        issue=closed,
        phone="13800000009",
    )
    followup = Followup.objects.create(
        report=merged,
        issue=closed,
        department=department,
        answer=Followup.Answer.UNSATISFIED,
        channel=Followup.Channel.PAGE,
        review=Followup.Review.PENDING,
    )
    kept_for = "matrix-form"  # a report form's submission key
    return {
        "kept_photo": PendingPhoto.objects.create(
            **pending_holder(form_key=f"{kept_for}:"), image=_jpeg("k.jpg"), thumbnail=_jpeg("k-small.jpg")
        ),
        "kept_grant": form_grant(kept_for),
        "report": report,
        "report_photo": ReportPhoto.objects.create(report=report, image=_jpeg("r.jpg"), thumbnail=_jpeg("r-small.jpg")),
        "followup": followup,
        "public_photo": PublicPhoto.objects.create(
            issue=closed, image=_jpeg("p.jpg"), source="test", approved_by=leader
        ),
    }


def snapshot(world: World) -> dict:
    """What a refused request must leave as it was."""
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Task,
            Issue,
            IssueEvent,
            ProgressReport,
            Notification,
            ExtensionRequest,
            Suspension,
            WeeklyReport,
            ImportJob,
            User,
            Token,
            Publication,
            Appeal,
            Report,
            Followup,
        )
    }
    issue = Issue.objects.values("status", "department_id", "deadline", "updated").get(pk=world.issue.pk)
    task = Task.objects.values("status", "updated").get(pk=world.task.pk)
    extension = ExtensionRequest.objects.values("status", "updated").get(pk=world.extension.pk)
    suspension = Suspension.objects.values("status", "updated").get(pk=world.suspension.pk)
    publication = Publication.objects.values("status", "updated").get(pk=world.publication.pk)
    appeal = Appeal.objects.values("status", "updated").get(pk=world.appeal.pk)
    return {
        **counts,
        "issue": issue,
        "task": task,
        "extension": extension,
        "suspension": suspension,
        "publication": publication,
        "appeal": appeal,
    }


def _resolve(world: World, path: str):
    value = world
    for part in path.split("."):
        value = getattr(value, part)
    return getattr(value, "pk", value)


def url_for(world: World, route: str) -> str:
    if route in FIXED_URLS:
        return FIXED_URLS[route]
    kwargs = {
        name: source[1:] if source.startswith("=") else _resolve(world, source)
        for name, source in KWARGS.get(route, {}).items()
    }
    return reverse(route, kwargs=kwargs)


def outcome(response, method: str) -> str:
    status = response.status_code
    if status == 401:
        return "login"
    if 300 <= status < 400:
        return "login" if response["Location"].startswith(reverse("login")) else "ok"
    if 200 <= status < 300:
        return "ok"
    if status in (400, 409) and method not in ("GET", "HEAD", "OPTIONS"):
        return "ok"  # let through, then refused on the body's content
    return {403: "forbidden", 404: "hidden", 405: "not_allowed"}.get(status, f"unexpected {status}")


# ---------------------------------------------------------------------------------------------
# The matrix


@pytest.mark.parametrize(("route", "role", "method", "expected"), CASES)
def test_access(client, world, route, role, method, expected):
    user = {
        "anonymous": None,
        "staff_a": world.staff_a,
        "staff_b": world.staff_b,
        "inspector": world.inspector,
        "leader": world.leader,
        "token": world.token_user,
    }[role]
    headers = {}
    params = {}
    if role == "token":
        headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    elif user is not None:
        client.force_login(user)
    if user is not None:
        world.notification = Notification.objects.create(recipient=user, title="新的整改任务")
        if route.startswith("open311:"):
            params["api_key"] = Token.objects.get_or_create(user=user)[0].key
    else:
        world.notification = Notification.objects.create(recipient=world.staff_a, title="新的整改任务")
    url = url_for(world, route)

    before = snapshot(world)
    if method == "GET":
        response = client.get(url, params, headers=headers)
    elif method == "POST":
        response = client.post(url, params, headers=headers)
    else:
        query = f"?api_key={params['api_key']}" if params else ""
        response = client.generic(method, url + query, headers=headers)

    assert outcome(response, method) == expected, (response.status_code, response.get("Location"))
    if expected != "ok":
        assert snapshot(world) == before, "a refused request changed something"


def test_a_notification_of_another_user_is_hidden(client, world):
    other = Notification.objects.create(recipient=world.staff_b, title="别人的通知")
    client.force_login(world.staff_a)
    assert client.get(reverse("accounts:notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
