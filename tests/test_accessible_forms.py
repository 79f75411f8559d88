"""Forms a screen reader can follow, checked in the HTML the server sends: every field labelled, each id
once on a page (however many forms it holds), every id a label or ``aria-describedby`` names present,
and after a failed submit an error summary (an alert) linking to each field. The frame of every page:
a skip link to the main content, and a title naming the page once. The browser side (the summary takes
the focus; axe-core on every page) is in ``e2e/test_accessibility.py``."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from grids.tests.factories import GridFactory, PlaceFactory
from inspections import services
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

REFERENCES = ("for", "aria-describedby", "aria-labelledby")
CONTROLS = ("input", "select", "textarea")


class Page(HTMLParser):
    """The ids, the references to ids, the controls, the links and the alerts of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.controls: list[dict] = []
        self.labelled: set[str] = set()
        self.links: list[str] = []
        self.alerts: list[dict] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
        for name in REFERENCES:
            for ref in attributes.get(name, "").split():
                self.references.append((tag, name, ref))
        if tag == "label" and attributes.get("for"):
            self.labelled.add(attributes["for"])
        if tag in CONTROLS and attributes.get("type") not in ("hidden", "submit", "button"):
            self.controls.append(attributes)
        if tag == "a":
            self.links.append(attributes.get("href", ""))
        if attributes.get("role") == "alert":
            self.alerts.append(attributes)
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def unlabelled(self) -> list[dict]:
        return [
            control
            for control in self.controls
            if control.get("id") not in self.labelled and not control.get("aria-label")
        ]

    def dangling(self) -> list[tuple[str, str, str]]:
        return [reference for reference in self.references if reference[2] not in self.ids]

    def repeated(self) -> list[str]:
        return [id_ for id_, count in self.ids.items() if count > 1]


@pytest.fixture
def world():
    """An issue dispatched to 市城管局, whose liaison may start it, submit it, ask for more time or return it
    (four forms on one page); an inspector who files issues."""
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    staff = UserFactory(username="chengguan", department=bureau, role=Role.STAFF)
    inspector = UserFactory(username="ducha", role=Role.INSPECTOR)
    issue = services.issue_file(
        reporter=inspector,
        place=PlaceFactory(name="柳园小区", grid=GridFactory(), assigned_department=bureau),
        criterion=CriterionFactory(title="主次干道无暴露垃圾"),
        description="路边有暴露垃圾",
    )
    return {"issue": issue, "staff": staff, "inspector": inspector}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_gives_each_form_of_the_issue_page_its_own_ids_and_labels(world):
    issue = world["issue"]
    page = Page(signed_in(world["staff"]).get(f"/issues/{issue.pk}/").content.decode())

    assert page.repeated() == []
    assert page.unlabelled() == []
    assert page.dangling() == []
    # Asking for more time and returning both give a reason: each box has its own id and label.
    assert {"id_extend_reason", "id_return_reason"} <= page.labelled


def test_it_names_the_help_and_the_errors_its_fields_point_to_after_a_failed_step(world):
    issue = world["issue"]
    answer = signed_in(world["staff"]).post(f"/issues/{issue.pk}/extend/", {"new_deadline": "", "reason": ""})
    page = Page(answer.content.decode())

    described = {ref for tag, name, ref in page.references if name == "aria-describedby"}
    assert {"id_extend_new_deadline_helptext", "id_extend_new_deadline_error", "id_extend_reason_error"} <= described
    assert page.dangling() == []
    assert page.repeated() == []


def test_it_sums_up_a_failed_submit_in_an_alert_that_links_to_each_field(world):
    issue = world["issue"]
    answer = signed_in(world["staff"]).post(f"/issues/{issue.pk}/extend/", {"new_deadline": "", "reason": ""})
    page = Page(answer.content.decode())

    summaries = [alert for alert in page.alerts if "data-error-summary" in alert]
    assert len(summaries) == 1
    assert summaries[0]["tabindex"] == "-1"  # the script gives it the focus
    assert {"#id_extend_new_deadline", "#id_extend_reason"} <= set(page.links)


def test_it_labels_every_field_of_the_filing_form_the_location_too(world):
    page = Page(signed_in(world["inspector"]).get("/issues/new/").content.decode())

    assert page.unlabelled() == []
    assert {"id_latitude", "id_longitude"} <= page.labelled
    assert page.dangling() == []


def test_it_links_the_filing_forms_summary_to_the_fields_left_empty(world):
    answer = signed_in(world["inspector"]).post("/issues/new/", {"description": ""})
    page = Page(answer.content.decode())

    assert any("data-error-summary" in alert for alert in page.alerts)
    assert {"#id_grid", "#id_place", "#id_criterion", "#id_description"} <= set(page.links)
    assert page.dangling() == []


def test_it_offers_a_skip_link_to_the_main_content_first(world):
    html = signed_in(world["staff"]).get("/").content.decode()
    page = Page(html)

    assert page.links[0] == "#main"
    assert "跳到主要内容" in html
    assert page.ids["main"] == 1


def test_it_names_the_page_once_then_the_site_in_the_title(world):
    title = Page(signed_in(world["staff"]).get("/inbox/").content.decode()).title
    assert title == "消息 · 创城督办平台"


def test_it_names_the_site_once_on_a_page_without_a_title_of_its_own(world):
    request = RequestFactory().get("/")
    request.user = world["staff"]
    context = Context({"request": request, "user": world["staff"], "unread_count": 0})
    html = Template('{% extends "base.html" %}').render(context)

    assert Page(html).title == "创城督办平台"
