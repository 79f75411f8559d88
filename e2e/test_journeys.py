"""The two journeys of filing and rectifying, tried in the browser as a new user would on a phone (375 px, Chinese).

The data is made with the factories; everything after that happens through the pages: signing
in, following the navigation, filling the forms, attaching photos taken with the "camera".
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Target
from campaign.tests.factories import CampaignFactory, PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from e2e.helpers import PASSWORD, image_loaded, sign_in, sign_out
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Criterion, Issue, IssueEvent
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db(transaction=True)


# ---------------------------------------------------------------------------------------------
# 1. Staff logs progress with a photo and sees the target move


@pytest.fixture
def task_with_target():
    """A bureau's task that counts toward one of its pledge's targets, 10 of 104 done so far."""
    campaign = CampaignFactory()
    bureau = DepartmentFactory(name="市住房和城乡建设局")
    staff = UserFactory(
        username="zhao.min", last_name="赵", first_name="敏", department=bureau, role=Role.STAFF, password=PASSWORD
    )
    bureau.head = staff
    bureau.save(update_fields=["head"])
    target = TargetFactory(
        pledge=PledgeFactory(campaign=campaign, department=bureau),
        name="老旧小区改造",
        unit="个",
        target_value=104,
    )
    grid = GridFactory(name="古楼街道第1网格")
    place = PlaceFactory(name="柳园小区", grid=grid, assigned_department=bureau)
    task = TaskFactory(
        campaign=campaign,
        title="柳园片区老旧小区改造",
        department=bureau,
        accountable=staff,
        target=target,
    )
    task.places.set([place])
    task.grids.set([grid])
    ProgressReportFactory(task=task, author=staff, percent=20, quantity=10, note="首批10个小区已开工")
    # Another bureau's task, which the staff must not see in their list.
    TaskFactory(campaign=campaign, title="背街小巷路灯维修")
    return task


def test_staff_logs_progress_with_a_photo_and_sees_the_target_move(page: Page, task_with_target, jpeg):
    task = task_with_target
    photo = jpeg("site.jpg")

    sign_in(page, "zhao.min")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的工作").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("柳园片区老旧小区改造"))).to_be_visible()
    expect(page.get_by_text("背街小巷路灯维修")).to_have_count(0)

    page.get_by_role("link", name=re.compile("柳园片区老旧小区改造")).click()
    expect(page.get_by_role("heading", name="柳园片区老旧小区改造")).to_be_visible()
    target_card = page.locator("#target")
    expect(target_card.get_by_role("heading", name="目标")).to_be_visible()
    expect(target_card).to_contain_text("老旧小区改造")
    current_value = target_card.locator("[data-current-value]")
    expect(current_value).to_have_text("10")

    form = page.locator("#report")
    expect(form.get_by_role("heading", name="填报进度")).to_be_visible()
    form.get_by_label("完成百分比").fill("40")
    form.get_by_label("数量（个）").fill("12")
    form.get_by_label("备注", exact=True).fill("柳园小区外墙保温和雨污分流完工")
    form.get_by_label("照片", exact=True).set_input_files(photo)
    form.get_by_role("button", name="保存进度").click()

    # htmx swaps the task in place: the message, the moved target and the new timeline entry.
    expect(page.get_by_role("status")).to_contain_text("进度已保存。")
    expect(current_value).to_have_text("22")
    entry = page.locator("#timeline li").filter(has_text="柳园小区外墙保温和雨污分流完工")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("完成40%")
    expect(entry).to_contain_text("+12 个")
    expect(entry).to_contain_text("赵敏")
    thumbnail = entry.get_by_role("img", name="进度照片")
    expect(thumbnail).to_have_count(1)
    image_loaded(page, thumbnail)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    # The timeline shows the thumbnail; the full photo is one tap away.
    full_photo = thumbnail.locator("xpath=ancestor::a[1]").get_attribute("href")
    assert thumbnail.get_attribute("src") != full_photo
    assert page.request.get(full_photo).headers["content-type"] == "image/jpeg"

    # The figures are the server's, not a trick of the page: they survive a reload.
    page.reload()
    expect(page.locator("#target [data-current-value]")).to_have_text("22")
    expect(page.locator(".progress.big").first).to_contain_text("40%")

    target = Target.objects.with_current_value().get(pk=task.target_id)
    assert target.current_value == Decimal(22)
    task.refresh_from_db()
    assert task.percent == 40
    assert task.status == task.Status.IN_PROGRESS
    report = task.progress_reports.first()
    assert report.quantity == 12
    assert report.photos.count() == 1


# ---------------------------------------------------------------------------------------------
# 2. An issue's round trip: filed → the right department → submitted → sent back → verified


@pytest.fixture
def city():
    """A grid with two places, a checklist of two items, two departments and the people."""
    CampaignFactory()
    urban = DepartmentFactory(name="市城市管理局")
    transport = DepartmentFactory(name="市交通运输局")
    staff = UserFactory(
        username="li.qiang", last_name="李", first_name="强", department=urban, role=Role.STAFF, password=PASSWORD
    )
    urban.head = staff
    urban.save(update_fields=["head"])
    other_staff = UserFactory(
        username="sun.li", last_name="孙", first_name="丽", department=transport, role=Role.STAFF, password=PASSWORD
    )
    transport.head = other_staff
    transport.save(update_fields=["head"])
    inspector = UserFactory(
        username="wang.fang",
        last_name="王",
        first_name="芳",
        department=DepartmentFactory(name="市创城办"),
        role=Role.INSPECTOR,
        password=PASSWORD,
    )
    grid = GridFactory(code="G007", name="古楼街道第7网格")
    PlaceFactory(name="柳园小区", grid=grid, assigned_department=transport)
    square = PlaceFactory(name="光岳楼广场", grid=grid, assigned_department=urban)
    PlaceFactory(name="东关大街", grid=GridFactory(code="G008", name="新区街道第8网格"), assigned_department=transport)
    # Assigned (帮包): the place's assigned department leads, not the criterion's own (交通运输局).
    garbage = CriterionFactory(
        code="CR101",
        category="市容环境",
        title="主次干道无暴露垃圾",
        points=Decimal("0.5"),
        lead=Criterion.Lead.ASSIGNED,
        default_department=transport,
    )
    CriterionFactory(code="CR102", category="公益广告", title="公益广告数量充足", default_department=transport)
    return {"grid": grid, "place": square, "criterion": garbage, "department": urban, "inspector": inspector}


def open_issue(page: Page, code: str) -> None:
    """From the issue list of the navigation, open the issue by its code."""
    link = page.get_by_role("link", name=re.compile(re.escape(code)))
    expect(link).to_be_visible()
    link.click()
    expect(page.locator(".page-head .code")).to_have_text(code)


def action(page: Page, label: str):
    """One of the workflow steps on the issue page (a <details> opened by its summary)."""
    return page.locator("#actions details.action").filter(has=page.locator("summary", has_text=label))


def submit_rectification(page: Page, note: str, photo) -> None:
    step = action(page, "提交整改结果")
    expect(step).to_have_attribute("open", "")
    step.get_by_label("整改情况").fill(note)
    step.get_by_label("整改后照片").set_input_files(photo)
    step.get_by_role("button", name="提交整改结果").click()
    expect(page.get_by_role("status")).to_contain_text("整改结果已提交，等待核验。")
    expect(page.locator(".page-head .badge")).to_have_text(re.compile("待核"))


def test_a_grid_chosen_before_the_scripts_arrive_still_brings_its_places(page: Page, city):
    """On a slow network the inspector may pick the grid before htmx has loaded; the places come anyway."""
    sign_in(page, "wang.fang")
    held = []
    page.route("**/htmx.min.js", lambda route: held.append(route))  # the script stays "on the network" until released
    page.goto("/issues/new/", wait_until="commit")
    page.get_by_label("网格").select_option(label=f"{city['grid'].code} {city['grid'].name}")
    expect(page.get_by_role("combobox", name="点位")).not_to_contain_text("柳园小区")
    for _ in range(150):  # the browser asked for the script while parsing <head>; wait for the ask
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()
    expect(page.get_by_role("combobox", name="点位")).to_contain_text("柳园小区")


def test_issue_round_trip_with_one_rework(page: Page, city, jpeg):
    grid, place = city["grid"], city["place"]

    # The inspector files the issue on site.
    sign_in(page, "wang.fang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="上报问题").click()
    expect(page.get_by_role("heading", name="上报问题")).to_be_visible()
    place_select = page.get_by_role("combobox", name="点位")
    criterion_select = page.get_by_role("combobox", name="测评标准")

    page.get_by_label("网格").select_option(label=f"{grid.code} {grid.name}")
    expect(place_select).to_contain_text("柳园小区")  # the grid's places arrived
    page.get_by_role("searchbox", name="点位").fill("光岳")
    expect(place_select).not_to_contain_text("柳园小区")  # the search narrowed them
    with translation.override("zh-hans"):
        place_label = f"{place.name}（{place.get_kind_display()}）"
    place_select.select_option(label=place_label)

    page.get_by_role("searchbox", name="测评标准").fill("暴露垃圾")
    expect(criterion_select).not_to_contain_text("公益广告数量充足")
    criterion_option = criterion_select.locator("option", has_text="主次干道无暴露垃圾")
    criterion_select.select_option(criterion_option.get_attribute("value"))
    expect(criterion_select.locator("option:checked")).to_contain_text("CR101 主次干道无暴露垃圾")

    page.get_by_label("问题描述").fill("广场东侧绿化带内有成堆的暴露垃圾")
    page.get_by_label("整改前照片").set_input_files(jpeg("found.jpg", "#7f8c8d"))
    page.get_by_role("button", name="上报问题").click()

    expect(page).to_have_url(re.compile(r"/issues/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("并已派遣给市城市管理局")
    issue = Issue.objects.get()
    expect(page.locator(".page-head .code")).to_have_text(issue.code)
    expect(page.locator(".page-head .badge")).to_have_text("已派遣")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("市城市管理局")
    expect(facts).to_contain_text("扣0.5分")
    image_loaded(page, page.get_by_role("img", name="整改前照片"))
    sign_out(page, "王芳")

    # Staff of that department find it in their list, start, and submit the rectification.
    sign_in(page, "li.qiang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="问题整改").click()
    expect(page.get_by_role("heading", name="问题整改")).to_be_visible()
    expect(page.locator("ul.rows li")).to_have_count(1)
    open_issue(page, issue.code)
    page.get_by_role("button", name="开始整改").click()
    expect(page.get_by_role("status")).to_contain_text("已开始整改。")
    expect(page.locator(".page-head .badge")).to_have_text("整改中")
    submit_rectification(page, "已清理垃圾并增设两个分类垃圾桶", jpeg("after-1.jpg", "#27ae60"))
    image_loaded(page, page.get_by_role("img", name="整改后照片").first)
    sign_out(page, "李强")

    # The inspector is not satisfied and sends it back: rework counted.
    sign_in(page, "wang.fang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待核验").click()
    open_issue(page, issue.code)
    send_back = action(page, "退回重新整改")
    send_back.locator("summary").click()
    send_back.get_by_label("理由").fill("绿化带内仍有垃圾残留")
    send_back.get_by_role("button", name="退回重新整改").click()
    expect(page.get_by_role("status")).to_contain_text("整改结果已退回责任部门。")
    expect(page.locator(".page-head .badge")).to_have_text("整改中")
    expect(facts).to_contain_text("退回1次")
    sign_out(page, "王芳")

    # Staff see the send-back, rectify again and submit again.
    sign_in(page, "li.qiang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="问题整改").click()
    expect(page.locator("ul.rows li").filter(has_text=issue.code)).to_contain_text("退回1次")
    open_issue(page, issue.code)
    expect(page.locator("#events")).to_contain_text("绿化带内仍有垃圾残留")
    submit_rectification(page, "绿化带已彻底清理，安排专人每日巡查", jpeg("after-2.jpg", "#2ecc71"))
    sign_out(page, "李强")

    # The inspector verifies: closed, with one rework on record.
    sign_in(page, "wang.fang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待核验").click()
    open_issue(page, issue.code)
    verify = action(page, "核验通过并结案")
    verify.get_by_label("备注").fill("现场复核合格")
    verify.get_by_role("button", name="核验通过并结案").click()
    expect(page.get_by_role("status")).to_contain_text("整改已核验，问题已结案。")
    expect(page.locator(".page-head .badge")).to_have_text("已结案")
    expect(facts).to_contain_text("退回1次")
    expect(page.locator("#actions")).to_have_count(0)  # nothing left to do
    expect(page.get_by_role("img", name="整改后照片")).to_have_count(2)

    issue.refresh_from_db()
    assert issue.status == Issue.Status.CLOSED
    assert issue.rework_count == 1
    assert issue.department == city["department"]
    assert issue.closed_at is not None
    assert issue.rectification_task.status == issue.rectification_task.Status.DONE
    assert list(issue.events.order_by("created", "pk").values_list("action", flat=True)) == [
        IssueEvent.Action.FILED,
        IssueEvent.Action.DISPATCHED,
        IssueEvent.Action.STARTED,
        IssueEvent.Action.SUBMITTED,
        IssueEvent.Action.SENT_BACK,
        IssueEvent.Action.SUBMITTED,
        IssueEvent.Action.VERIFIED,
    ]
    assert issue.photos.filter(stage="rectified").count() == 2
