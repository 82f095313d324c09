"""What the browser suite checks on every page: no horizontal overflow, no console errors, no English
from a deny-list, axe-core with no serious or critical violation; and the crawl that finds the pages
reachable from the navigation. Shared by tests/browser/test_every_page.py and the job tests."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
SHOT_MAX_HEIGHT = 6000
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# Routes that answer a file, JSON or a form post, or are not ours to judge (the Django admin and the
# API docs are third-party screens with their own languages).
NOT_PAGES = {
    "admin",
    "logout",
    "healthz",
    "report_image",
    "dashboards:indicator_download",
    "imports:entry_template",
    "imports:batch_status",
    "entry:evidence_download",
    "plans:evidence_download",
    "plans:synthesis_download",
    "reports:file_download",
    "reports:file_status",
}
NOT_PAGE_PREFIXES = ("/admin/", "/api/", "/static/", "/media/")

# English a Vietnamese user should never read: words of Django, DRF, Plotly and our own templates'
# fallbacks (a Python None, a month axis in English). Whole words, case-sensitive, so indicator codes
# (DVC-SVC-RATE) and proper names (Bình Phước Today) are not caught.
DENY_WORDS = [
    "None",
    "True",
    "False",
    "null",
    "undefined",
    "NaN",
    "Infinity",
    "Traceback",
    "Forbidden",
    "Not Found",
    "Server Error",
    "Bad Request",
    "Page not found",
    "Submit",
    "Save",
    "Cancel",
    "Delete",
    "Search",
    "Loading",
    "Next",
    "Previous",
    "Back",
    "Login",
    "Log in",
    "Log out",
    "Logout",
    "Password",
    "Username",
    "Sign in",
    "Upload",
    "Download",
    "Approve",
    "Reject",
    "Draft",
    "Pending",
    "Approved",
    "Submitted",
    "Province",
    "Indicator",
    "Period",
    "Target",
    "Month",
    "Year",
    "Quarter",
    "Status",
    "This field",
    "is required",
    "Enter a valid",
    "Ensure this",
    "Select a valid",
    "No data",
    "Error",
    "Warning",
    "Choose",
    "Filter",
    "Total",
    "Overview",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Sunday",
]
DENY = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in DENY_WORDS) + r")(?![\w-])")

TEXT_JS = """() => {
  const parts = [document.title, document.body.innerText];
  document.querySelectorAll('svg text').forEach(t => parts.push(t.textContent));
  document.querySelectorAll('[title],[placeholder],[aria-label],[alt],input[type=submit],input[type=button]')
    .forEach(e => ['title', 'placeholder', 'aria-label', 'alt', 'value'].forEach(a => {
      if (e.hasAttribute(a) && (a !== 'value' || e.type === 'submit' || e.type === 'button')) parts.push(e.getAttribute(a));
    }));
  return parts.join('\\n');
}"""

# Against the width the test set, not window.innerWidth: a phone browser widens its visual viewport to
# a page that overflows, so innerWidth would grow with the page.
OVERFLOW_JS = """(width) => {
  const scroll = document.documentElement.scrollWidth;
  const label = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  // Only a phone is judged for boxes that scroll sideways; only an overflowing page is searched for
  // its widest elements (both walk every element: a 150-unit table makes that cost seconds).
  const boxes = width >= 600 ? [] : Array.from(document.querySelectorAll('body *'))
    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
    .filter(e => !e.closest('[data-overflow-ok]'))
    .map(e => label(e) + ' ' + e.scrollWidth + '/' + e.clientWidth + ' px');
  const widest = scroll <= width + 1 ? [] : Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.parentElement.closest('[data-overflow-ok]'))
    .slice(0, 6)
    .map(e => label(e) + ' →' + Math.round(e.getBoundingClientRect().right));
  return {scroll, inner: width, boxes, widest};
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.split('\\n').slice(-1)[0].trim() : '')),
    count: v.nodes.length,
  }));
}"""

CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll('[data-figure]')).every(e => e.hasAttribute('data-drawn'))"""


def route_name(path: str) -> str | None:
    """The URL pattern's name of a path of ours, or None when it is not a page to visit."""
    if path.startswith(NOT_PAGE_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    return None if name in NOT_PAGES else name


def page_label(name: str) -> str:
    return name.replace(":", "-").replace("_", "-")


@dataclass
class Visit:
    """The problems one page showed; empty lists are a pass."""

    path: str
    name: str
    status: int
    overflow: str = ""
    scrolling: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    def problems(self) -> list[str]:
        out = []
        if self.status >= 400:
            out.append(f"HTTP {self.status}")
        if self.overflow:
            out.append(f"tràn ngang: {self.overflow}")
        out += [f"cuộn ngang trong khung: {b}" for b in self.scrolling]
        out += [f"console: {c}" for c in self.console]
        if self.english:
            out.append(f"tiếng Anh: {sorted(set(self.english))}")
        out += [f"axe {v['impact']} {v['id']} ({v['count']}): {v['help']} {v['nodes']}" for v in self.axe]
        return out


def english_words(text: str) -> list[str]:
    return DENY.findall(text)


def check_page(bp, path: str, name: str, shot: str, *, axe: bool = True) -> Visit:
    """Open `path` in the BrowserPage `bp`, wait for its charts, run every check, save a screenshot."""
    page = bp.page
    bp.console_errors.clear()
    t0 = time.perf_counter()
    response = bp.goto(path)
    page.wait_for_load_state("load")
    if page.locator("[data-figure]").count():
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=15000)
    visit = Visit(path=path, name=name, status=response.status if response else 0)
    t1 = time.perf_counter()
    size = page.evaluate(OVERFLOW_JS, page.viewport_size["width"])
    if size["scroll"] > size["inner"] + 1:
        visit.overflow = f"{size['scroll']} px > {size['inner']} px: {', '.join(size['widest'])}"
    # On a phone a table scrolling sideways inside its box hides its columns as surely as an
    # overflowing page; on a large screen a wide spreadsheet-like table may scroll in its box.
    visit.scrolling = size["boxes"]
    visit.english = english_words(page.evaluate(TEXT_JS))
    if axe:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        visit.axe = page.evaluate(AXE_JS)
    t2 = time.perf_counter()
    visit.console = list(bp.console_errors)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    # The whole page, up to SHOT_MAX_HEIGHT (a 150-unit table form would take seconds to encode).
    height = page.evaluate("document.documentElement.scrollHeight")
    viewport = page.viewport_size
    if height <= SHOT_MAX_HEIGHT:
        page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    else:
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": SHOT_MAX_HEIGHT}
        page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True, clip=clip)
    visit.seconds = {"load": t1 - t0, "checks": t2 - t1, "shot": time.perf_counter() - t2}
    return visit


def links_of(page, base_url: str) -> list[str]:
    """Same-site links of the page (path and query), in document order."""
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if not href.startswith(base_url) or not parts.path:
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def nav_links(page, base_url: str) -> list[str]:
    hrefs = page.evaluate(
        "() => Array.from(document.querySelectorAll('header nav a[href]')).map(a => a.href)"
    )
    return [urlsplit(h).path for h in hrefs if h.startswith(base_url)]
