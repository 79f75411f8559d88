"""Every page of every role checked by axe-core (WCAG 2.0 A and AA) on a 375 px phone and a 1280 px
desktop, forms in their failed state too; a guard that no page route escapes these checks.

The people and their work are the demo's (``demo_load``); what the demo has not (a weekly report, an
import, notifications) is made with the services or the models, then everything happens in the pages."""

import re
from urllib.parse import urlsplit

import pytest
from assessment.models import Publication
from citizens.models import Report
from demo import data
from demo.services import demo_load
from django.core.files.base import ContentFile
from django.utils import timezone
from masterdata.models import ImportJob
from playwright.sync_api import Page, expect
from tests.routes import url_patterns

from accounts.models import Role, User
from accounts.services import notification_send
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.selectors import task_visible_to
from campaign.tests.factories import CampaignFactory
from e2e.a11y import AxeJourney
from e2e.helpers import PASSWORD, sign_in
from evaluation.models import Round
from grids.models import Grid
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Criterion, ExtensionRequest, Issue
from inspections.selectors import issue_visible_to
from inspections.tests.factories import CriterionFactory
from inspections.views import ACTIONS
from reports.models import WeeklyReport

# The routes each journey checks. With OUT_OF_SCOPE they must account for every route of the URL
# configuration (test_every_page_is_checked_by_axe_or_said_to_be_out_of_scope).
SIGNED_OUT_PAGES = ("login",)
STAFF_PAGES = (
    "home",
    "campaign:task_list",
    "campaign:task_detail",
    "inspections:issue_list",
    "inspections:issue_detail",
    "dashboard",
    "dashboard_department",
    "assessment:results",
    "assessment:publication",
    "accounts:inbox",
    "accounts:password_change",
    "accounts:password_change_done",
)
INSPECTOR_PAGES = (
    "home",
    "inspections:issue_create",
    "inspections:issue_list",
    "inspections:issue_detail",
    "evaluation:round_list",
    "evaluation:round_detail",
    "evaluation:sheet",
)
LEADER_PAGES = (
    "home",
    "dashboard",
    "dashboard_panel",
    "dashboard_department",
    "dashboard_grid",
    "weekly_report_list",
    "weekly_report_detail",
    "inspections:extension_list",
    "assessment:results",
    "assessment:publication",
    "assessment:changes",
    "assessment:unit",
    "assessment:cases",
    "evaluation:round_create",
    "evaluation:round_edit",
)
ADMINISTRATOR_PAGES = ("home", "masterdata:index", "masterdata:job")
# The citizens' channel: the public's pages, signed out, and the office's (an inspector here).
CITIZENS_PUBLIC_PAGES = ("citizens:report_create", "citizens:track", "citizens:public")
CITIZENS_OFFICE_PAGES = ("citizens:triage", "citizens:report_detail", "citizens:followups")

# Whole parts of the site the journeys leave out, by the start of their address.
OUT_OF_SCOPE_PARTS = {
    "admin/": "the Django admin: Django's own pages, for the few administrators, not the product's",
    "api/": "the REST API: JSON for programs (its Swagger and ReDoc pages are drf-spectacular's, for developers)",
    "open311/": "Open311 GeoReport v2: JSON and XML for programs",
}
NOT_A_PAGE = "not a page: "
OUT_OF_SCOPE = {
    "health": NOT_A_PAGE + "JSON for the load balancer",
    "favicon": NOT_A_PAGE + "an image",
    "set_language": NOT_A_PAGE + "a redirect back to the page the language was changed on",
    "logout": NOT_A_PAGE + "POST, a redirect to the sign-in page",
    "accounts:notification_open": NOT_A_PAGE + "a redirect to the page the notification links to",
    "accounts:mark_all_read": NOT_A_PAGE + "POST, a redirect to the inbox",
    "core:pending_photo_create": NOT_A_PAGE + "JSON for the photos a form sends at once",
    "core:pending_photo": NOT_A_PAGE + "an image",
    "campaign:progress_create": "POST: refused, it is the task's page with the form's errors (checked there)",
    "campaign:photo": NOT_A_PAGE + "an image",
    "campaign:photo_thumbnail": NOT_A_PAGE + "an image",
    "inspections:place_options": NOT_A_PAGE + "the <option>s htmx puts in the filing form (checked there)",
    "inspections:criterion_options": NOT_A_PAGE + "the <option>s htmx puts in the filing form (checked there)",
    "inspections:photo": NOT_A_PAGE + "an image",
    "inspections:photo_thumbnail": NOT_A_PAGE + "an image",
    "masterdata:template": NOT_A_PAGE + "a workbook",
    "masterdata:export": NOT_A_PAGE + "a workbook",
    "masterdata:job_status": NOT_A_PAGE + "JSON the import's page polls",
    "dashboard_map": NOT_A_PAGE + "JSON the dashboard's map draws",
    "dashboard_overdue_xlsx": NOT_A_PAGE + "a workbook",
    "weekly_report_build": NOT_A_PAGE + "POST, a redirect to the week's report",
    "weekly_report_status": NOT_A_PAGE + "JSON the report's page polls",
    "weekly_report_download": NOT_A_PAGE + "a workbook",
    "citizens:captcha": NOT_A_PAGE + "the picture code, an image",
    "citizens:code_request": NOT_A_PAGE + "POST, JSON: the report page asks for a text-message code",
    "citizens:place_options": NOT_A_PAGE + "the <option>s htmx puts in the report form (checked there)",
    "citizens:report_grids": NOT_A_PAGE + "JSON the report page's map draws (checked there, the map open)",
    "citizens:kept_photo": NOT_A_PAGE + "an image (the report form shows it, checked after a failed submit)",
    "citizens:duplicates": NOT_A_PAGE + "the likely duplicates htmx puts in a form (checked on the report's page)",
    "citizens:track_photo": NOT_A_PAGE + "an image",
    "citizens:report_photo": NOT_A_PAGE + "an image",
    "citizens:report_photo_thumbnail": NOT_A_PAGE + "an image",
    "citizens:public_photo": NOT_A_PAGE + "an image",
    **{
        f"citizens:{name}": "POST: a step of the office's pages, answered with a redirect or that page (checked there)"
        for name in ("report_accept", "report_reject", "report_merge", "followup_record", "review_decide", "publish")
    },
    **{
        f"assessment:{name}": "POST: a step of the assessment's pages, answered with a redirect or that page"
        for name in ("publish", "appeal_create", "appeal_decide", "freeze")
    },
    # A refused step answers with the issue's page and the step's errors: the journeys check that page
    # with every step's form open, and after failed submits (submitting, deciding an extension).
    **{f"inspections:issue_{step}": "POST: a step of the issue's page (checked there)" for step in ACTIONS},
    "evaluation_sw": NOT_A_PAGE + "the offline sheets' service worker",
    "evaluation:appeal_photo": NOT_A_PAGE + "an image",
    **{
        f"evaluation:{name}": "POST: a step of the round's page, answered with a redirect to it"
        for name in ("round_draw", "round_start", "round_close", "appeal_create", "appeal_decide")
    },
}

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_page_is_checked_by_axe_or_said_to_be_out_of_scope():
    checked = {*SIGNED_OUT_PAGES, *STAFF_PAGES, *INSPECTOR_PAGES, *LEADER_PAGES, *ADMINISTRATOR_PAGES}
    checked |= {*CITIZENS_PUBLIC_PAGES, *CITIZENS_OFFICE_PAGES}
    routes = {key for key, full, _pattern in url_patterns() if not full.startswith(tuple(OUT_OF_SCOPE_PARTS))}

    unchecked = sorted(routes - checked - set(OUT_OF_SCOPE))
    assert not unchecked, f"pages no axe journey checks (add each to one, or to OUT_OF_SCOPE with why): {unchecked}"
    assert not (checked | set(OUT_OF_SCOPE)) - routes, "routes named here that the URL configuration no longer has"
    assert not checked & set(OUT_OF_SCOPE), "a route both checked and out of scope"


@pytest.fixture
def demo():
    demo_load(today=timezone.localdate())
    for username in ("staff", "inspector", "leader", "admin"):
        user = User.objects.get(username=username)
        notification_send(recipients=[user], title="测试通知", body="请查看。", url="/")


def open_filters(page: Page) -> None:
    """Open a list's filter panel, as a user looking for something would."""
    page.locator("details.filters summary").click()
    expect(page.locator("details.filters")).to_have_attribute("open", "")


def open_all_steps(page: Page) -> None:
    """Open every folded part of the page's content (the workflow steps, the history): axe checks only
    what is rendered, and each step's form must pass with the others beside it."""
    page.locator("main details:not([open]) > summary").evaluate_all("summaries => summaries.forEach(s => s.click())")


def submit_unchecked(page: Page, button) -> None:
    """Press a form's button with the browser's own checks of required fields off, so that the server
    answers with the form's errors."""
    button.evaluate("button => { button.form.noValidate = true; }")
    button.click()


def failed_login(page: Page, username: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()


def test_signed_out_pages(page: Page, demo):
    axe = AxeJourney()
    page.goto("/login/")
    axe.check(page)
    failed_login(page, "staff")
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "after a failed attempt")
    for _attempt in range(4):
        failed_login(page, "staff")
    expect(page.get_by_role("heading", name="登录已锁定")).to_be_visible()
    axe.check(page, "locked out")
    page.goto("/nowhere/")
    axe.check(page, "not found")
    axe.assert_clean(SIGNED_OUT_PAGES)


def test_staff_pages(page: Page, demo):
    axe = AxeJourney()
    staff = User.objects.get(username="staff")
    sign_in(page, "staff", data.PASSWORD)
    axe.check(page)
    page.goto("/tasks/")
    open_filters(page)
    axe.check(page, "filters open")
    task = task_visible_to(user=staff).exclude(kind=Task.Kind.RECTIFICATION).exclude(status=Task.Status.DONE).first()
    page.goto(f"/tasks/{task.pk}/")
    open_all_steps(page)
    axe.check(page)
    submit_unchecked(page, page.get_by_role("button", name="保存进度"))
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "after a failed submit")
    page.goto("/issues/")
    open_filters(page)
    axe.check(page, "filters open")
    issue = issue_visible_to(user=staff).filter(status=Issue.Status.DISPATCHED).first()
    page.goto(f"/issues/{issue.pk}/")
    open_all_steps(page)
    axe.check(page)
    step = page.locator("#actions details.action").filter(has=page.locator("summary", has_text="提交整改结果"))
    submit_unchecked(page, step.get_by_role("button", name="提交整改结果"))
    expect(page.get_by_role("alert")).to_be_focused()
    open_all_steps(page)
    axe.check(page, "after a failed submit")
    page.goto(f"/tasks/{issue.rectification_task_id}/")
    open_all_steps(page)
    axe.check(page, "a rectification task")
    page.goto("/dashboard/")
    axe.check(page)
    page.goto(f"/dashboard/departments/{staff.department_id}/")
    axe.check(page)
    page.goto("/inbox/")
    axe.check(page)
    page.goto("/assessment/")
    axe.check(page)
    page.goto(f"/assessment/publications/{Publication.objects.order_by('-pk').first().pk}/")
    open_all_steps(page)
    axe.check(page, "with the appeal form")
    page.goto("/password/")
    submit_unchecked(page, page.get_by_role("button", name="修改密码"))
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "after a failed submit")
    page.locator("#id_old_password").fill(data.PASSWORD)
    page.locator("#id_new_password1").fill("Gulou-Square-7-2026!")
    page.locator("#id_new_password2").fill("Gulou-Square-7-2026!")
    page.get_by_role("button", name="修改密码").click()
    expect(page).to_have_url(re.compile(r"/password/done/$"))
    axe.check(page, "done")
    page.goto("/issues/999999/")
    axe.check(page, "not found")
    page.goto("/reports/weekly/")
    axe.check(page, "not allowed")
    axe.assert_clean(STAFF_PAGES)


def test_inspector_pages(page: Page, demo):
    axe = AxeJourney()
    inspector = User.objects.get(username="inspector")
    sign_in(page, "inspector", data.PASSWORD)
    axe.check(page)
    page.goto("/issues/new/")
    axe.check(page)
    submit_unchecked(page, page.get_by_role("button", name="上报问题"))
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "after a failed submit")
    page.goto("/issues/?status=submitted")
    open_filters(page)
    axe.check(page, "to verify, filters open")
    issues = issue_visible_to(user=inspector)
    for status in (Issue.Status.SUBMITTED, Issue.Status.REPORTED, Issue.Status.CLOSED):
        issue = issues.filter(status=status).first()
        page.goto(f"/issues/{issue.pk}/")
        open_all_steps(page)
        axe.check(page, status)
    page.goto(f"/tasks/{issue.rectification_task_id}/")
    axe.check(page, "a rectification task")
    page.goto("/inbox/")
    axe.check(page)
    running = Round.objects.get(status=Round.Status.IN_PROGRESS, teams__members=inspector)
    page.goto("/evaluation/")
    axe.check(page)
    page.goto(f"/evaluation/rounds/{running.pk}/")
    axe.check(page)
    point = running.points.filter(team__members=inspector).first()
    page.goto(f"/evaluation/rounds/{running.pk}/points/{point.pk}/")
    axe.check(page, "an observation sheet")
    axe.assert_clean(INSPECTOR_PAGES)


def test_leader_pages(page: Page, demo):
    axe = AxeJourney()
    sign_in(page, "leader", data.PASSWORD)
    axe.check(page)
    page.goto("/dashboard/")
    expect(page.locator(".panel-slot")).to_have_count(0)  # every panel in place once the page shows
    axe.check(page)
    page.locator("table.scoreboard tbody a").first.click()
    axe.check(page, "a department")
    page.goto("/dashboard/")
    grid = Grid.objects.order_by("code").first()
    page.goto(f"/dashboard/grids/{grid.pk}/")
    axe.check(page, "a grid")
    page.goto("/dashboard/panels/targets/")
    axe.check(page, "a panel opened on its own")
    page.goto("/reports/weekly/")
    axe.check(page)
    page.get_by_role("button", name="立即生成").click()
    expect(page).to_have_url(re.compile(r"/reports/weekly/\d+/$"))
    axe.check(page, "building")
    report = WeeklyReport.objects.get()
    WeeklyReport.objects.filter(pk=report.pk).update(
        status=WeeklyReport.Status.SUCCEEDED, progress_done=10, progress_total=10
    )
    page.reload()
    axe.check(page, "built")
    page.goto("/issues/extensions/")
    axe.check(page)
    extension = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).first()
    page.goto(f"/issues/{extension.issue_id}/")
    open_all_steps(page)
    axe.check(page, "an extension to decide")
    submit_unchecked(page, page.locator("#decide").get_by_role("button", name="不同意"))
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "refused without a reason")
    page.goto("/tasks/")
    open_filters(page)
    axe.check(page, "filters open")
    page.goto("/inbox/")
    axe.check(page)

    # The assessment: this period's results, the last one's (published for comment), a unit and its cases.
    page.goto("/assessment/")
    axe.check(page)
    page.locator("a[rel=prev]").first.click()
    axe.check(page, "the period before")
    publication = Publication.objects.order_by("-pk").first()
    page.goto(f"/assessment/publications/{publication.pk}/")
    open_all_steps(page)
    axe.check(page)
    page.goto(f"/assessment/publications/{publication.pk}/changes/")
    axe.check(page)
    page.goto(f"/assessment/?period={publication.period}")
    page.locator("a[href*='/assessment/units/']").first.click()
    axe.check(page, "a unit")
    page.goto(urlsplit(page.url).path + "cases/")
    axe.check(page, "its cases")

    # The evaluation office plans a round on its page (sent empty first), draws it, and changes it.
    page.goto("/evaluation/rounds/new/")
    axe.check(page)
    send = page.locator("[data-round-form] button[type=submit]")
    submit_unchecked(page, send)
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "sent empty")
    page.locator("#id_code").fill("LC-PC-A11Y")
    page.locator("#id_title").fill("下月模拟测评")
    page.locator("#id_campaign").select_option(index=1)
    page.locator("#id_start_date").fill("2018-05-07")
    page.locator("#id_end_date").fill("2018-05-11")
    page.locator("#id_points_per_type").fill("1")
    page.locator("#id_team-0-name").fill("第一组")
    page.locator("#id_team-0-first").select_option(index=1)
    page.locator("#id_team-0-second").select_option(index=1)  # the same inspector twice: refused
    submit_unchecked(page, send)
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "a team of one inspector twice")
    page.locator("#id_team-0-second").select_option(index=2)
    send.click()
    expect(page).to_have_url(re.compile(r"/evaluation/rounds/\d+/$"))
    page.locator("#draw-seed").fill("2018")
    page.locator(".draw-form button[type=submit]").click()
    expect(page.locator("[data-draw-summary]")).to_contain_text("2018")
    axe.check(page, "a planned round, drawn")
    page.goto(urlsplit(page.url).path + "edit/")
    axe.check(page)
    axe.assert_clean(LEADER_PAGES)


def test_administrator_pages(page: Page, demo):
    axe = AxeJourney()
    admin = User.objects.get(username="admin")
    sign_in(page, "admin", data.PASSWORD)
    axe.check(page)
    page.goto("/masterdata/")
    axe.check(page)
    submit_unchecked(page, page.get_by_role("button", name="上传并导入"))
    expect(page.get_by_role("alert")).to_be_focused()
    axe.check(page, "after a failed submit")
    job = ImportJob.objects.create(
        file=ContentFile(b"not a workbook", name="master.xlsx"),
        original_name="主数据.xlsx",
        uploaded_by=admin,
        status=ImportJob.Status.FAILED,
        errors=[{"sheet": "网格", "row": 3, "column": "编码", "message": "编码重复"}],
        error_count=1,
    )
    page.goto(f"/masterdata/jobs/{job.pk}/")
    axe.check(page, "failed")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    page.reload()
    axe.check(page, "running")
    page.goto("/inbox/")
    axe.check(page)
    axe.assert_clean(ADMINISTRATOR_PAGES)


def test_citizens_channel_pages(page: Page, demo, jpeg):
    axe = AxeJourney()
    page.goto("/report/")
    axe.check(page)
    page.locator("#id_photos").set_input_files(jpeg())
    page.locator("[data-map-open]").click()
    expect(page.locator("#report-map .leaflet-overlay-pane path").first).to_be_attached()
    page.locator("#report-map").click()
    expect(page.locator("#id_latitude")).not_to_have_value("")
    axe.check(page, "the map open, a point picked")
    submit_unchecked(page, page.get_by_role("button", name="提交", exact=True))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.locator("[data-kept-photos] li")).to_have_count(1)
    axe.check(page, "after a failed submit, its photo kept")
    answering = Report.objects.filter(status=Report.Status.ACCEPTED, issue__status=Issue.Status.CLOSED).first()
    page.goto(f"/report/{answering.tracking_code}/")
    axe.check(page, "closed, asking for the 回访")
    waiting = Report.objects.filter(status=Report.Status.PENDING).first()
    page.goto(f"/report/{waiting.tracking_code}/")
    axe.check(page, "waiting for triage")
    page.goto("/public/")
    axe.check(page)
    axe.assert_clean(CITIZENS_PUBLIC_PAGES)

    sign_in(page, "inspector", data.PASSWORD)
    page.goto("/citizens/")
    axe.check(page)
    page.goto(f"/citizens/{waiting.pk}/")
    open_all_steps(page)
    axe.check(page, "to triage, every step open")
    page.goto("/citizens/followups/")
    open_all_steps(page)
    axe.check(page)
    axe.assert_clean(CITIZENS_OFFICE_PAGES)


# ---------------------------------------------------------------------------------------------
# The keyboard alone: Tab, Shift+Tab, Enter, Space, arrows and typing; never a click.

# Whether the focused element shows it: an outline, or a ring drawn with box-shadow.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (el === document.body) { return {shown: true, onScreen: true}; }  // Tab went past the last control
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const box = el.getBoundingClientRect();
  return {
    shown: outline || style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
    what: el.outerHTML.slice(0, 120),
  };
}"""


def focus_shown(page: Page) -> None:
    """The element that has the focus shows it, on screen."""
    state = page.evaluate(FOCUS_SHOWN)
    assert state["shown"], f"no visible focus on {state['what']}"
    assert state["onScreen"], f"the focus is off screen, on {state['what']}"


def tab_to(page: Page, target, *, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (Shift+Tab backwards) until ``target`` has the focus; every control on the way must show
    its focus."""
    for _press in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus_shown(page)
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def press_on(page: Page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def keyboard_sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    expect(page.get_by_label("用户名")).to_be_focused()  # autofocus: type at once
    page.keyboard.type(username)
    tab_to(page, page.get_by_label("密码"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()


def keyboard_sign_out(page: Page, name: str) -> None:
    press_on(page, page.locator("details.menu summary", has_text=name))
    press_on(page, page.get_by_role("button", name="退出登录"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def keyboard_open_tab(page: Page, name: str, heading: str = "") -> None:
    press_on(page, page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True))
    expect(page.get_by_role("heading", name=heading or name, level=1)).to_be_visible()


def keyboard_open_issue(page: Page, code: str) -> None:
    press_on(page, page.get_by_role("link", name=re.compile(re.escape(code))))
    expect(page.locator(".page-head .code")).to_have_text(code)


def keyboard_attach(page: Page, field, path) -> None:
    """Reach the photo field and open the phone's chooser with Space."""
    tab_to(page, field)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(path)
    expect(page.locator("[data-kept-photos] li")).to_have_count(1)  # sent at once, kept with the form


def keyboard_step(page: Page, label: str):
    """Open one of the issue's workflow steps (a <details>) with Enter on its summary, unless it is open."""
    step = page.locator("#actions details.action").filter(has=page.locator("summary", has_text=label))
    if step.get_attribute("open") is None:
        press_on(page, step.locator("summary"))
        expect(step).to_have_attribute("open", "")
    return step


@pytest.fixture
def city():
    """Two departments with a liaison each, an inspector, a grid with a square whose checklist item the
    square's assigned department (市城市管理局) leads, and a campaign to file under."""
    CampaignFactory()
    urban = DepartmentFactory(name="市城市管理局")
    transport = DepartmentFactory(name="市交通运输局")
    for username, family, given, department in (
        ("li.qiang", "李", "强", urban),
        ("sun.li", "孙", "丽", transport),
    ):
        department.head = UserFactory(
            username=username,
            last_name=family,
            first_name=given,
            department=department,
            role=Role.STAFF,
            password=PASSWORD,
        )
        department.save(update_fields=["head"])
    UserFactory(
        username="wang.fang",
        last_name="王",
        first_name="芳",
        department=DepartmentFactory(name="市创城办"),
        role=Role.INSPECTOR,
        password=PASSWORD,
    )
    grid = GridFactory(code="G007", name="古楼街道第7网格")
    PlaceFactory(name="光岳楼广场", grid=grid, assigned_department=urban)
    CriterionFactory(code="CR101", title="主次干道无暴露垃圾", lead=Criterion.Lead.ASSIGNED)
    return {"urban": urban, "transport": transport}


def test_an_issue_is_filed_dispatched_rectified_and_verified_with_the_keyboard_alone(page: Page, city, jpeg):
    # The inspector files the issue. The first Tab reaches "跳到主要内容", which moves the focus into the page.
    keyboard_sign_in(page, "wang.fang")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    focus_shown(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    keyboard_open_tab(page, "上报问题")

    # Sent without a description: the error summary has the focus, and its link leads to the field.
    tab_to(page, page.get_by_label("网格"))
    page.keyboard.press("ArrowDown")  # the first grid
    expect(page.get_by_role("combobox", name="点位")).to_contain_text("光岳楼广场")
    tab_to(page, page.get_by_role("searchbox", name="测评标准"))
    page.keyboard.type("暴露垃圾")
    expect(page.get_by_role("combobox", name="测评标准").locator("option")).to_have_count(2)
    tab_to(page, page.get_by_role("combobox", name="测评标准"))
    page.keyboard.press("ArrowDown")
    press_on(page, page.get_by_role("button", name="上报问题"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("问题描述")
    page.reload()  # the answer to the POST, again: the summary has the focus again
    expect(page.get_by_role("alert")).to_be_focused()
    press_on(page, page.get_by_role("alert").get_by_role("link", name=re.compile("问题描述")))
    expect(page.get_by_label("问题描述")).to_be_focused()
    page.keyboard.type("广场东侧绿化带内有成堆的暴露垃圾")
    keyboard_attach(page, page.get_by_label("整改前照片"), jpeg("found.jpg", "#7f8c8d"))
    press_on(page, page.get_by_role("button", name="上报问题"))
    expect(page.get_by_role("status")).to_contain_text("并已派遣给市城市管理局")
    issue = Issue.objects.get()
    keyboard_sign_out(page, "王芳")

    # 市城市管理局 says it is not theirs: the reason box of the return step is its own, named by its label.
    keyboard_sign_in(page, "li.qiang")
    keyboard_open_tab(page, "问题整改")
    keyboard_open_issue(page, issue.code)
    step = keyboard_step(page, "回退：非本单位职责")
    tab_to(page, step.get_by_label("理由"))
    page.keyboard.type("该绿化带由交通运输局养护")
    press_on(page, step.get_by_role("button", name="回退：非本单位职责"))
    expect(page.get_by_role("status")).to_contain_text("问题已回退，等待重新派遣。")
    keyboard_sign_out(page, "李强")

    # The inspector dispatches it to 市交通运输局, found by typing in the department list's search box.
    keyboard_sign_in(page, "wang.fang")
    keyboard_open_tab(page, "问题")
    keyboard_open_issue(page, issue.code)
    step = keyboard_step(page, "派遣")
    tab_to(page, step.get_by_role("searchbox", name="查找部门"))
    page.keyboard.type("交通")
    tab_to(page, step.get_by_label("责任部门"))
    page.keyboard.press("ArrowDown")
    expect(step.get_by_label("责任部门").locator("option:checked")).to_have_text("市交通运输局")
    press_on(page, step.get_by_role("button", name="派遣"))
    expect(page.get_by_role("status")).to_contain_text("问题已派遣。")
    keyboard_sign_out(page, "王芳")

    # 市交通运输局 starts, rectifies and submits with a photo.
    keyboard_sign_in(page, "sun.li")
    keyboard_open_tab(page, "问题整改")
    keyboard_open_issue(page, issue.code)
    press_on(page, page.get_by_role("button", name="开始整改"))
    expect(page.get_by_role("status")).to_contain_text("已开始整改。")
    step = keyboard_step(page, "提交整改结果")
    tab_to(page, step.get_by_label("整改情况"))
    page.keyboard.type("已清理垃圾并增设两个分类垃圾桶")
    keyboard_attach(page, step.get_by_label("整改后照片"), jpeg("after.jpg", "#27ae60"))
    press_on(page, step.get_by_role("button", name="提交整改结果"))
    expect(page.get_by_role("status")).to_contain_text("整改结果已提交，等待核验。")
    keyboard_sign_out(page, "孙丽")

    # The inspector verifies it, and goes back up the page with Shift+Tab to the issue list.
    keyboard_sign_in(page, "wang.fang")
    keyboard_open_tab(page, "待核验", heading="问题")
    keyboard_open_issue(page, issue.code)
    step = keyboard_step(page, "核验通过并结案")
    tab_to(page, step.get_by_label("备注"))
    page.keyboard.type("现场复核合格")
    page.keyboard.press("Tab")
    expect(step.get_by_role("button", name="核验通过并结案")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("整改已核验，问题已结案。")
    tab_to(page, page.get_by_role("link", name="← 问题"))
    tab_to(page, page.get_by_role("link", name="跳到主要内容"), backwards=True)

    issue.refresh_from_db()
    assert issue.status == Issue.Status.CLOSED
    assert issue.department == city["transport"]
    assert issue.photos.count() == 2
