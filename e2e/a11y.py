"""Accessibility checks for the browser tests: axe-core (vendored under ``e2e/vendor``) run on a page as
it stands, on a 375 px phone and on a 1280 px desktop, and which routes the checks have covered."""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# WCAG 2.0 A and AA (GB/T 37668-2019 follows WCAG 2.0 AA), and axe's best practices that cost nothing
# to keep: one main landmark, one level-one heading, all content inside landmarks.
RULE_TAGS = ["wcag2a", "wcag2aa"]
BEST_PRACTICE_RULES = ["landmark-one-main", "page-has-heading-one", "region", "landmark-unique", "heading-order"]

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

RUN_AXE = """async ([tags, rules]) => {
  const options = {resultTypes: ["violations"]};
  const tagged = await axe.run(document, {...options, runOnly: {type: "tag", values: tags}});
  const picked = await axe.run(document, {...options, runOnly: {type: "rule", values: rules}});
  return [...tagged.violations, ...picked.violations].map(rule => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    nodes: rule.nodes.map(node => ({target: node.target.join(" "), html: node.html, summary: node.failureSummary})),
  }));
}"""

# What axe leaves out, checked the same way and reported as its violations are: ids used twice on a page
# (several forms), references (for, aria-describedby…) to ids that do not exist, placeholders and
# disabled buttons below 4.5:1 (axe skips both), and a <title> that does not name the page once before
# the site's name.
RUN_OWN_CHECKS = r"""() => {
  const found = [];
  const report = (id, help, elements) => {
    if (elements.length) {
      found.push({id, impact: "serious", help, nodes: elements.map(([el, note]) => ({
        target: el.id ? "#" + el.id : el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : ""),
        html: el.outerHTML.slice(0, 300), summary: note}))});
    }
  };
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

  const byId = {};
  document.querySelectorAll("[id]").forEach(el => { (byId[el.id] = byId[el.id] || []).push(el); });
  report("own-duplicate-id", "Ids must be unique on the page",
    Object.values(byId).filter(els => els.length > 1).map(els => [els[1], `${els.length} elements`]));

  const refs = [];
  for (const attribute of ["for", "aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"]) {
    document.querySelectorAll(`[${attribute}]`).forEach(el => {
      const missing = el.getAttribute(attribute).split(/\s+/).filter(id => id && !document.getElementById(id));
      if (missing.length) { refs.push([el, `${attribute} names no element: ${missing.join(" ")}`]); }
    });
  }
  report("own-missing-idref", "References must name elements of the page", refs);

  const rgba = text => (text.match(/[\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      layers.push(rgba(style.backgroundColor).map((c, i) => i === 3 ? c * Number(style.opacity) : c));
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
  };
  const luminance = c => c.slice(0, 3).map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const contrast = (el, colour) => {
    const bg = background(el);
    return ratio(over(rgba(colour), bg), bg);
  };
  const faint = [];
  document.querySelectorAll("input[placeholder], textarea[placeholder]").forEach(el => {
    const value = shown(el) && contrast(el, getComputedStyle(el, "::placeholder").color);
    if (value && value < 4.5) { faint.push([el, `placeholder ${value.toFixed(2)}:1`]); }
  });
  document.querySelectorAll("button").forEach(el => {
    if (!shown(el)) { return; }
    const was = el.disabled;
    el.disabled = true;
    const value = contrast(el, getComputedStyle(el).color);
    el.disabled = was;
    if (value < 4.5) { faint.push([el, `disabled ${value.toFixed(2)}:1`]); }
  });
  report("own-color-contrast", "Placeholders and disabled buttons must have a contrast of 4.5:1", faint);

  const site = (document.querySelector(".brand") || {}).textContent || "";
  const title = document.title;
  const named = site && title.endsWith(" · " + site.trim()) && title.split(site.trim()).length === 2;
  report("own-document-title", "The title names the page once, then the site", named ? [] : [[document.head, title]]);
  return found;
}"""


def route_of(url: str) -> str:
    """The namespaced name of the route a page's address resolves to (``inspections:issue_detail``)."""
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return "(no route)"


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations. The script is evaluated through
    the DevTools protocol, which the page's Content-Security-Policy does not govern: the page itself
    stays exactly as its users get it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;true")
    return [*page.evaluate(RUN_AXE, [RULE_TAGS, BEST_PRACTICE_RULES]), *page.evaluate(RUN_OWN_CHECKS)]


@dataclass
class AxeJourney:
    """The pages a journey checked and what axe found on them. ``check`` every page on both viewports as
    the journey goes; ``assert_clean`` at its end lists every violation, page by page."""

    checked: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def check(self, page: Page, what: str = "") -> None:
        """Check the page on the phone and on the desktop (the media queries apply in between), and
        leave it at the size it had."""
        page.wait_for_load_state("load")
        size = page.viewport_size
        route = route_of(page.url)
        self.checked.add(route)
        for name, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            page.wait_for_timeout(50)  # one frame for the layout (and app.js's resize handlers)
            for rule in axe_violations(page):
                self.problems.append(self._describe(rule, f"{urlsplit(page.url).path} {what} ({name})".strip()))
        page.set_viewport_size(size)

    @staticmethod
    def _describe(rule: dict, where: str) -> str:
        lines = [f"{where}: {rule['id']} [{rule['impact']}] {rule['help']}"]
        for node in rule["nodes"][:6]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            if rule["id"] in ("color-contrast", "own-color-contrast", "own-missing-idref", "own-duplicate-id"):
                lines.append(f"      {node['summary'].splitlines()[-1].strip()[:160]}")
        if len(rule["nodes"]) > 6:
            lines.append(f"    … and {len(rule['nodes']) - 6} more")
        return "\n".join(lines)

    def assert_clean(self, routes: tuple[str, ...] = ()) -> None:
        """No violation anywhere; and every route of ``routes`` was checked on the way."""
        missed = sorted(set(routes) - self.checked)
        assert not missed, f"the journey never checked {missed}"
        assert not self.problems, f"{len(self.problems)} axe-core violations:\n" + "\n".join(self.problems)
