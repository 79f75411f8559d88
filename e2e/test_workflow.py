"""A rectification's way as its department, an inspector and a leader live it on a phone (375 px,
Chinese): the task follows its issue, nobody is late for someone else's wait, an extension is refused
with a reason the department sees, and the dispatch form says whom the routing rule picks and why.

The data is made with the factories and the services; everything after that happens through the pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from e2e.helpers import PASSWORD, sign_in, sign_out
from grids.models import Place
from grids.tests.factories import GridFactory, PlaceFactory
from inspections import services
from inspections.models import Criterion, ExtensionRequest, Issue
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    """市城管局 with its liaison, an inspector, a leader; a finding at 光岳楼广场 dispatched to 市城管局,
    and one at a school waiting to be dispatched, whose checklist item the district education bureau owns."""
    CampaignFactory()
    urban = DepartmentFactory(code="CGJ", name="市城市管理局")
    staff = UserFactory(
        username="li.qiang", last_name="李", first_name="强", department=urban, role=Role.STAFF, password=PASSWORD
    )
    urban.head = staff
    urban.save(update_fields=["head"])
    inspector = UserFactory(
        username="wang.fang",
        last_name="王",
        first_name="芳",
        department=DepartmentFactory(code="CCB", name="市创城办"),
        role=Role.INSPECTOR,
        password=PASSWORD,
    )
    UserFactory(
        username="zhao.lei", last_name="赵", first_name="磊", department=None, role=Role.LEADER, password=PASSWORD
    )
    district = DepartmentFactory(code="DCF", name="东昌府区", kind=Department.Kind.DISTRICT)
    education = DepartmentFactory(code="DCF-JT", name="区教育和体育局", parent=district)
    DepartmentFactory(code="DCF-GL", name="古楼街道", kind=Department.Kind.SUBDISTRICT, parent=district)
    grid = GridFactory(code="G007", name="古楼街道第7网格")

    garbage = CriterionFactory(
        code="CR101",
        title="主次干道无暴露垃圾",
        points=Decimal("0.5"),
        rectify_limit="3d",
        lead=Criterion.Lead.ASSIGNED,
    )
    issue = services.issue_file(
        reporter=inspector,
        place=PlaceFactory(name="光岳楼广场", grid=grid, assigned_department=urban),
        criterion=garbage,
        description="广场东侧绿化带内有成堆的暴露垃圾",
    )
    hawkers = CriterionFactory(
        code="CR128", title="校园周边流动摊贩", lead=Criterion.Lead.OWNER, default_department=education
    )
    school = services.issue_file(
        reporter=inspector,
        place=PlaceFactory(name="东昌府区实验小学", kind=Place.Kind.SCHOOL, grid=grid, assigned_department=urban),
        criterion=hawkers,
        description="放学时段校门口有流动摊贩",
        dispatch=False,
    )
    return {"issue": issue, "task": issue.rectification_task, "school": school, "education": education}


def a_week_passes(issue: Issue) -> None:
    """A week on: the deadline passed while the rectification, handed in before it, waited for the inspector."""
    week = datetime.timedelta(days=7)
    issue = Issue.objects.get(pk=issue.pk)
    deadline = issue.deadline - week
    Issue.objects.filter(pk=issue.pk).update(
        reported_at=issue.reported_at - week,
        dispatched_at=issue.dispatched_at - week,
        submitted_at=issue.submitted_at - week,
        deadline=deadline,
    )
    Task.objects.filter(pk=issue.rectification_task_id).update(
        start_date=timezone.localdate(issue.dispatched_at - week), due_date=timezone.localdate(deadline)
    )
    assert deadline < timezone.now()


def test_a_rectification_waits_for_verification_without_being_late_and_its_extension_is_refused_with_a_reason(
    page: Page, city, jpeg
):
    issue, task = city["issue"], city["task"]
    row = page.locator("ul.rows li").filter(has_text=task.code)

    # Staff open the rectification task from 我的工作: it shows its issue's state and steps, no progress form.
    sign_in(page, "li.qiang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的工作").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    row.get_by_role("link").click()
    panel = page.locator("#issue")
    expect(panel.locator("[data-issue-status]")).to_have_text("已派遣")
    expect(page.locator("#report")).to_have_count(0)

    # They submit the rectification there, before the deadline, and come back to the task.
    step = page.locator("#actions details.action").filter(has=page.locator("summary", has_text="提交整改结果"))
    step.get_by_label("整改情况").fill("已清理垃圾并增设两个分类垃圾桶")
    step.get_by_label("整改后照片").set_input_files(jpeg("after.jpg", "#27ae60"))
    step.get_by_role("button", name="提交整改结果").click()
    expect(page.get_by_role("status")).to_contain_text("整改结果已提交，等待核验。")
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    expect(page.locator(".page-head .badge")).to_have_text("待核验")
    expect(panel.locator("[data-issue-status]")).to_have_text("待核验")

    # The deadline passes while the inspectors have yet to look: in 我的工作 the task waits, it is not late.
    a_week_passes(issue)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的工作").click()
    expect(row.locator(".badge")).to_have_text("待核验")
    expect(row).not_to_have_class(re.compile("is-overdue"))
    expect(row).not_to_contain_text("逾期")
    page.goto("/tasks/?overdue=yes")
    expect(page.locator("ul.rows li").filter(has_text=task.code)).to_have_count(0)
    sign_out(page, "李强")

    # The inspector is not satisfied and sends it back.
    sign_in(page, "wang.fang")
    page.goto(f"/issues/{issue.pk}/")
    send_back = page.locator("#actions details.action").filter(has=page.locator("summary", has_text="退回重新整改"))
    send_back.locator("summary").click()
    send_back.get_by_label("理由").fill("绿化带内仍有垃圾残留")
    send_back.get_by_role("button", name="退回重新整改").click()
    expect(page.get_by_role("status")).to_contain_text("整改结果已退回责任部门。")
    expect(page.locator(".page-head .badge")).to_have_text("整改中")

    # The dispatch form of the school's finding says whom the rule picks and why, in a grouped, searchable list.
    page.goto(f"/issues/{city['school'].pk}/")
    dispatch = page.locator("#actions details.action").filter(has=page.locator("summary", has_text="派遣"))
    dispatch.locator("summary").click()
    expect(dispatch.locator("[data-route]")).to_contain_text("区教育和体育局")
    departments = dispatch.get_by_label("责任部门")
    expect(departments.locator("optgroup")).to_have_count(3)  # 市直部门, 区直部门, 街道: no 社区 here
    urban_option = departments.locator("option", has_text=re.compile(r"^市城市管理局$"))
    education_option = departments.locator("option", has_text=re.compile(r"^区教育和体育局$"))
    expect(urban_option).not_to_have_attribute("hidden", "")
    dispatch.locator("input[data-filter-options]").fill("教育")
    expect(urban_option).to_have_attribute("hidden", "")
    expect(education_option).not_to_have_attribute("hidden", "")
    dispatch.get_by_role("button", name="派遣").click()
    expect(page.get_by_role("status")).to_contain_text("问题已派遣。")
    assert Issue.objects.get(pk=city["school"].pk).department == city["education"]
    sign_out(page, "王芳")

    # Sent back, the department has a new rectification clock from the return; it asks for more time still.
    sign_in(page, "li.qiang")
    page.goto(f"/tasks/{task.pk}/")
    extend = page.locator("#actions details.action").filter(has=page.locator("summary", has_text="申请延期"))
    extend.locator("summary").click()
    issue.refresh_from_db()
    assert issue.deadline > timezone.now()
    asked = timezone.localdate(issue.deadline) + datetime.timedelta(days=2)
    extend.get_by_label("新的整改时限").fill(asked.isoformat())
    extend.get_by_label("延期理由").fill("需协调园林部门补植绿化")
    extend.get_by_role("button", name="申请延期").click()
    expect(page.get_by_role("status")).to_contain_text("延期申请已提交，等待领导审批。")
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    sign_out(page, "李强")

    # The leader cannot refuse without a reason; with one, the refusal stands.
    sign_in(page, "zhao.lei")
    page.goto("/issues/extensions/")
    page.locator("ul.rows li").filter(has_text=issue.code).get_by_role("link").first.click()
    decide = page.locator("#decide")
    decide.get_by_role("button", name="不同意").click()
    expect(page.locator("#decide .errors, #decide .error, #decide [role=alert]").first).to_be_visible()
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.PENDING
    page.locator("#decide textarea[name=note]").fill("可调配其他人员，按期完成")
    page.locator("#decide").get_by_role("button", name="不同意").click()
    expect(page.get_by_role("status")).to_contain_text("延期申请已审批。")
    sign_out(page, "赵磊")

    # The department sees the refusal and its reason on the task it works from.
    sign_in(page, "li.qiang")
    page.goto(f"/tasks/{task.pk}/")
    expect(page.locator("#issue [data-decision]")).to_contain_text("未同意")
    expect(page.locator("#issue [data-decision]")).to_contain_text("可调配其他人员，按期完成")
    assert ExtensionRequest.objects.get().decision_note == "可调配其他人员，按期完成"
