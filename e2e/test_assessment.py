"""考核 on a phone (375 px, Chinese): a leader publishes last month's results for comment (公示), a
department appeals a number (申诉), the leader upholds it with the corrected numbers, and once the window has
passed freezes the results (冻结), which then show the correction.

The data is made with the factories and the services; everything after that happens through the pages. The
page words are matched in Chinese or, until the translations are merged, in English."""

import datetime
import re

import pytest
from assessment.models import Publication
from assessment.periods import AssessmentPeriod
from assessment.tests.factories import JINNIU, scheme_with
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory, TaskFactory
from e2e.helpers import PASSWORD, sign_in, sign_out
from grids.tests.factories import PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAST_MONTH = AssessmentPeriod.containing(timezone.localdate(), "month").previous()


def words(chinese: str, english: str) -> re.Pattern:
    return re.compile(f"{re.escape(chinese)}|{re.escape(english)}")


@pytest.fixture
def month():
    """市城管局 closed one of its four cases of last month, 市住建局 three; a 金牛区-like scheme is in force."""
    campaign = CampaignFactory()
    scheme_with(JINNIU, campaign=campaign, valid_from=datetime.date(2000, 1, 1))
    UserFactory(
        username="zhao.lei", last_name="赵", first_name="磊", department=None, role=Role.LEADER, password=PASSWORD
    )
    found = datetime.datetime.combine(
        LAST_MONTH.start + datetime.timedelta(days=3), datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    for code, name, closed in (("CGJ", "市城市管理局", 1), ("QZJ", "市住房和城乡建设局", 3)):
        department = DepartmentFactory(code=code, name=name)
        TaskFactory(department=department)
        place = PlaceFactory(assigned_department=department)
        for n in range(4):
            done = n < closed
            IssueFactory(
                campaign=campaign,
                department=department,
                place=place,
                status=Issue.Status.CLOSED if done else Issue.Status.DISPATCHED,
                reported_at=found,
                dispatched_at=found,
                deadline=found + datetime.timedelta(days=90),
                submitted_at=found + datetime.timedelta(hours=3) if done else None,
                closed_at=found + datetime.timedelta(hours=4) if done else None,
            )
        if code == "CGJ":
            UserFactory(
                username="li.qiang",
                last_name="李",
                first_name="强",
                department=department,
                role=Role.STAFF,
                password=PASSWORD,
            )


def test_a_leader_publishes_a_department_appeals_the_leader_decides_and_the_results_are_frozen(page: Page, month):
    urban = page.locator("tr[data-unit='CGJ']")

    # The leader opens last month's results, computed now, and publishes them for comment.
    sign_in(page, "zhao.lei")
    page.goto(f"/assessment/?period={LAST_MONTH.key}")
    expect(urban.locator("[data-score]")).to_have_text("77.5")  # 30 × 1/4 + 20 + 20 + 20 + 10
    page.get_by_role("button", name=words("发布公示", "Publish for comment")).click()
    expect(page).to_have_url(re.compile(r"/assessment/publications/\d+/$"))
    publication = Publication.objects.get()
    sign_out(page, "赵磊")

    # 市城管局's liaison appeals its disposal rate: two more cases were handled.
    sign_in(page, "li.qiang")
    page.goto(f"/assessment/publications/{publication.pk}/")
    page.get_by_label(words("申诉的数据", "Number appealed")).select_option("disposal_rate")
    page.get_by_label(words("申诉理由", "Why it is wrong")).fill("另有两件已处置，系统未记录")
    page.get_by_role("button", name=words("提交申诉", "File the appeal")).click()
    appeal = page.locator("#appeals li[data-appeal]")
    expect(appeal).to_contain_text("李强")
    expect(appeal.locator(".badge")).to_have_text(words("待审批", "Pending"))
    sign_out(page, "李强")

    # The leader upholds it with the corrected numbers: 3 of 4.
    sign_in(page, "zhao.lei")
    page.goto(f"/assessment/publications/{publication.pk}/")
    appeal.get_by_label(words("更正后的分子", "Corrected numerator")).fill("3")
    appeal.get_by_label(words("更正后的分母", "Corrected denominator")).fill("4")
    appeal.get_by_role("button", name=words("申诉成立", "Uphold")).click()
    expect(appeal.locator(".badge")).to_have_text(words("成立", "Upheld"))

    # The appeal window passes; the leader freezes the results, and they show the correction.
    Publication.objects.filter(pk=publication.pk).update(appeal_until=timezone.now() - datetime.timedelta(minutes=1))
    page.reload()
    page.get_by_role("button", name=words("冻结结果", "Freeze the results")).click()
    expect(page.locator("#publication-title")).to_have_text(words("已冻结", "Frozen"))
    page.goto(f"/assessment/?period={LAST_MONTH.key}")
    expect(page.locator("[data-stage='frozen']")).to_be_visible()
    expect(urban.locator("[data-score]")).to_have_text("92.5")  # 30 × 3/4 + 20 + 20 + 20 + 10
