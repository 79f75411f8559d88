"""Each demo role's home on a phone (375 px, Chinese): it says what waits for them, every tab of the
tab bar can be reached by scrolling it (a fade and an arrow say there is more), and a count opens a
list with that many rows. The dashboard's ranking keeps its sorted column in view beside the names."""

import os
import re
import shutil

import pytest
from demo import data
from demo.services import demo_load
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from e2e.helpers import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

# Each demo sign-in, their name in the top bar, and the section of the home page whose first count
# that is not zero the journey follows (an administrator's jobs are all done in the demo: the figures).
ROLES = (
    ("staff", "张涛", "home-staff"),
    ("inspector", "孙丽华", "home-inspector"),
    ("leader", "陈立新", "home-leader"),
    ("admin", "王磊", "home-figures"),
)
PAGE_SIZE = 25

# Whether a tab is on screen and on top (not under an arrow): the point at its centre is the tab.
ON_SCREEN = """tab => {
  const box = tab.getBoundingClientRect(), bar = tab.parentElement.getBoundingClientRect();
  if (box.left < bar.left - 0.5 || box.right > bar.right + 0.5) { return false; }
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return tab.contains(hit);
}"""
# Resolves once the tab bar has stopped moving (the arrow scrolls it smoothly).
SETTLED = """bar => new Promise(resolve => {
  let last = bar.scrollLeft;
  const timer = setInterval(() => {
    if (bar.scrollLeft === last) { clearInterval(timer); resolve(true); } else { last = bar.scrollLeft; }
  }, 120);
})"""


@pytest.fixture
def demo():
    demo_load(today=timezone.localdate())


def reach_every_tab(page: Page) -> list[str]:
    """Scroll the tab bar with its arrow until its end; every tab must have been on screen on the way.
    Returns the tabs' links."""
    bar = page.get_by_role("navigation", name="主导航")
    tabs = bar.get_by_role("link")
    hrefs = [tabs.nth(index).get_attribute("href") for index in range(tabs.count())]
    more = page.locator(".nav-more")
    if bar.evaluate("bar => bar.scrollWidth > bar.clientWidth + 1"):
        expect(more).to_be_visible()  # the cue: an arrow, over a fade
        expect(page.locator(".navbar")).to_have_class(re.compile(r"\bmore-after\b"))
    reached = set()
    for _step in range(len(hrefs) + 1):
        bar.evaluate(SETTLED)
        reached |= {hrefs[index] for index in range(len(hrefs)) if tabs.nth(index).evaluate(ON_SCREEN)}
        if not more.is_visible():
            break
        more.click()
    assert set(hrefs) == reached, f"never on screen: {set(hrefs) - reached}"
    return hrefs


def first_count(section: Locator) -> tuple[Locator, int]:
    """The first link of the section to a list of issues or tasks whose count is not zero, and that count."""
    lists = ("/issues/?", "/tasks/")
    links = section.locator(", ".join(f".waiting-item a[data-count][href^='{start}']" for start in lists))
    for index in range(links.count()):
        count = int(float(links.nth(index).get_attribute("data-count")))
        if count:
            return links.nth(index), count
    raise AssertionError("nothing waits in this section")


def rows_listed(page: Page) -> int:
    """The number of rows the list says it holds (共N项), checked against the rows of a single page."""
    listinfo = page.locator(".listinfo span").first
    expect(listinfo).to_be_visible()
    total = int(re.search(r"\d+", listinfo.inner_text().replace(",", "")).group())
    if total <= PAGE_SIZE:
        expect(page.locator("ul.rows > li")).to_have_count(total)
    return total


def screenshot(page: Page, tmp_path, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    path = tmp_path / name
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000
    if os.environ.get("E2E_ARTIFACTS"):  # CI keeps these as artifacts
        os.makedirs(os.environ["E2E_ARTIFACTS"], exist_ok=True)
        shutil.copy(path, os.path.join(os.environ["E2E_ARTIFACTS"], name))


def sorted_column_in_view(page: Page) -> None:
    """On the dashboard, sort the ranking by its last column: that column is on screen, right of the
    department names, which stay in view."""
    page.goto("/dashboard/")
    ranking = page.locator("table.scoreboard")
    ranking.locator("thead th").last.locator("a").click()
    expect(ranking.locator("thead th").last).not_to_have_attribute("aria-sort", "none")
    sorted_header = ranking.locator("thead th:not([aria-sort=none])")
    names = ranking.locator("thead th").first
    width = page.viewport_size["width"]
    box, name_box = sorted_header.bounding_box(), names.bounding_box()
    assert name_box["x"] >= -0.5  # the names stay
    assert box["x"] >= name_box["x"] + name_box["width"] - 0.5  # not under the names
    assert box["x"] + box["width"] <= width + 0.5  # on screen
    expect(ranking.locator("tbody tr").first.locator("td.is-sorted")).to_have_count(1)


def test_each_role_sees_its_waiting_work_and_reaches_every_tab_on_a_phone(page: Page, demo, tmp_path):
    problems = []
    page.on("pageerror", lambda error: problems.append(f"pageerror {error}"))
    for username, name, part in ROLES:
        sign_in(page, username, data.PASSWORD)
        page.goto("/")
        section = page.locator(f"section.{part}")
        expect(section).to_be_visible()
        screenshot(page, tmp_path, f"home-{username}.png")
        tabs = reach_every_tab(page)
        assert tabs[0] == "/"  # the home is the first tab for everyone

        if username == "leader":  # who must dispatch what nobody has dispatched yet
            expect(section.locator(".hint")).to_contain_text("督查员")

        link, count = first_count(section)
        link.click()
        assert rows_listed(page) == count
        if username == "inspector":
            # The way back from a rectification task leads to the inspector's own work, not all tasks.
            page.locator("ul.rows > li a").first.click()
            page.locator("main a[href^='/tasks/']").first.click()
            expect(page.locator("a.back")).to_have_attribute("href", "/")
        if username == "leader":
            sorted_column_in_view(page)
        sign_out(page, name)
    assert problems == []
