"""Evidence is never lost, tried on a phone (375 px, Chinese): a photo attached to a form that comes back
with an error is kept and shown again, the phone shrinks it before sending it, and progress that goes
backwards is refused without a note and marked with one."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import ProgressReport
from campaign.tests.factories import CampaignFactory, PledgeFactory, TargetFactory, TaskFactory
from core.models import PendingPhoto
from e2e.helpers import PASSWORD, image_loaded, sign_in, sign_out
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Criterion, Issue
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    """An inspector, a bureau's liaison with a task at 42 %, and a grid with a place to file at."""
    campaign = CampaignFactory()
    bureau = DepartmentFactory(name="市住房和城乡建设局")
    staff = UserFactory(
        username="zhao.min", last_name="赵", first_name="敏", department=bureau, role=Role.STAFF, password=PASSWORD
    )
    UserFactory(
        username="wang.fang",
        last_name="王",
        first_name="芳",
        department=DepartmentFactory(name="市创城办"),
        role=Role.INSPECTOR,
        password=PASSWORD,
    )
    grid = GridFactory(code="G001", name="古楼街道第1网格")
    place = PlaceFactory(name="楼西小区", grid=grid, assigned_department=bureau)
    CriterionFactory(
        code="CR201", title="楼道堆物", lead=Criterion.Lead.ASSIGNED, category="小区管理", default_department=bureau
    )
    target = TargetFactory(pledge=PledgeFactory(campaign=campaign, department=bureau), name="老旧小区改造", unit="个")
    task = TaskFactory(
        campaign=campaign,
        title="楼西片区老旧小区外墙保温改造",
        department=bureau,
        accountable=staff,
        target=target,
        percent=42,
    )
    with translation.override("zh-hans"):
        place_label = f"{place.name}（{place.get_kind_display()}）"
    return {"grid": grid, "place_label": place_label, "task": task}


# Notes the size of every photo the page sends, as the server receives it (the browser does not show
# a request's file body to the test).
SENT_PHOTO_SIZES = """
window.sentPhotoSizes = [];
const originalFetch = window.fetch;
window.fetch = function (url, options) {
  const photo = options && options.body instanceof FormData ? options.body.get("photo") : null;
  const noted = photo
    ? createImageBitmap(photo).then((bitmap) => window.sentPhotoSizes.push([bitmap.width, bitmap.height]))
    : Promise.resolve();
  return noted.then(() => originalFetch.apply(this, arguments));
};
"""


def test_a_photo_survives_a_form_error_and_progress_going_back_needs_a_note(page: Page, city, jpeg):
    grid, task = city["grid"], city["task"]

    # The inspector files an issue with a photo straight from the camera (3200 × 2400) and forgets the description.
    page.add_init_script(SENT_PHOTO_SIZES)
    sign_in(page, "wang.fang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="上报问题").click()
    page.get_by_label("网格").select_option(label=f"{grid.code} {grid.name}")
    place_select = page.get_by_role("combobox", name="点位")
    expect(place_select).to_contain_text("楼西小区")
    place_select.select_option(label=city["place_label"])
    criterion_select = page.get_by_role("combobox", name="测评标准")
    criterion_select.select_option(criterion_select.locator("option", has_text="楼道堆物").get_attribute("value"))
    page.get_by_label("整改前照片").set_input_files(jpeg("camera.jpg", "#8e44ad", size=(3200, 2400)))
    # The phone sent it at once, shrunk to the longest side the server keeps.
    expect(page.get_by_role("img", name="已选照片")).to_have_count(1)
    assert page.evaluate("window.sentPhotoSizes") == [[2560, 1920]]
    page.get_by_role("button", name="上报问题").click()

    # The form comes back with the error, and with the photo's thumbnail: nothing to take again.
    expect(page.locator(".field.has-error")).to_contain_text("问题描述")
    expect(page.locator(".field.has-error")).to_contain_text("该字段是必填项。")
    expect(page).to_have_url(re.compile(r"/issues/new/$"))
    kept = page.get_by_role("img", name="已选照片")
    expect(kept).to_have_count(1)
    image_loaded(page, kept)
    expect(page.get_by_role("checkbox", name="保留这张照片")).to_be_checked()
    assert not Issue.objects.exists()

    page.get_by_label("问题描述").fill("三单元楼道堆放纸箱和旧家具，堵塞通道")
    page.get_by_role("button", name="上报问题").click()
    expect(page).to_have_url(re.compile(r"/issues/\d+/$"))
    image_loaded(page, page.get_by_role("img", name="整改前照片"))
    issue = Issue.objects.get()
    assert issue.photos.count() == 1
    assert not PendingPhoto.objects.exists()
    sign_out(page, "王芳")

    # The bureau's liaison reports progress that goes back from 42 % to 10 %: first without a word.
    sign_in(page, "zhao.min")
    page.goto(f"/tasks/{task.pk}/")
    form = page.locator("#report")
    form.get_by_label("完成百分比").fill("10")
    form.get_by_role("button", name="保存进度").click()
    expect(page.locator("#report .form-errors")).to_contain_text("完成百分比从42%退回到10%：请在备注中说明原因。")
    assert not ProgressReport.objects.filter(task=task).exists()

    # With the reason in the note it is saved, and the timeline marks it.
    form = page.locator("#report")
    form.get_by_label("备注", exact=True).fill("外墙保温层脱落，拆除重做")
    form.get_by_role("button", name="保存进度").click()
    expect(page.get_by_role("status")).to_contain_text("进度已保存。")
    entry = page.locator("#timeline li").filter(has_text="外墙保温层脱落，拆除重做")
    expect(entry).to_contain_text("进度回退：42% → 10%")
    assert ProgressReport.objects.get(task=task).went_back

    # A link to a part of the page (the task's target) lands just below the sticky header, not under it.
    page.goto("about:blank")
    page.goto(f"/tasks/{task.pk}/#target")
    expect(page.locator("#target").get_by_role("heading", name="目标")).to_be_in_viewport()
    page.wait_for_function(
        """() => {
            const header = document.querySelector(".topbar").getBoundingClientRect().bottom;
            const top = document.querySelector("#target").getBoundingClientRect().top;
            return header <= top && top <= header + 48;
        }""",
        timeout=5_000,
    )
