"""Every page reachable from the navigation, as each persona (staff, a reporter of an agency, a
reporter of a district, a member of the Ban Chỉ đạo), on a 375 × 812 phone and a 1366 × 900 screen:
no horizontal overflow, no console errors, no English from the deny-list, no serious or critical
axe-core violation (issue 17). Screenshots: test-artifacts/screenshots/<persona>-<width>-<page>.png.

The pages are found by walking the links from the main menu (three clicks deep), one page per URL
pattern, plus a few pages a menu does not link (an import preview, a count and an amount indicator).
One seeded world serves the whole module (the pages only read), through a server of its own: the
session's `live_server` would empty the database after every test."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from cds_portal.catalogue import load_catalogue
from tests.conftest import BrowserPage

from .checks import SCREENSHOTS, check_page, links_of, nav_links, page_label, route_name
from .world import PASSWORD, PERSONAS, seed_world

WIDTHS = {375: 812, 1366: 900}
AXED: dict[int, set] = {}  # width → URL patterns axe-core has checked in this session
DEPTH = 3


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            ids = seed_world()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            yield {"url": server.url, **ids}
            server._live_server_modified_settings.disable()
            server.stop()
        finally:
            # Leave the database as the session's other tests expect it: the catalogue only.
            call_command("flush", interactive=False, verbosity=0)
            load_catalogue()


def extra_pages(persona: str, world: dict) -> dict[str, str]:
    """Pages no menu links to directly (label → path): a count and an amount indicator, an agency's
    page, the import previews and a committed batch, a month waiting in the approval queue."""
    pages = {
        "indicator-count": "/indicators/APP-BPTODAY-USERS/",
        "indicator-amount": "/indicators/TAX-NVTC-AMOUNT/",
        "unit-agency": "/units/STTTT/",
    }
    if persona in ("district", "staff"):
        pages["import-preview"] = f"/nhap-lieu/lo/{world['preview']}/"
    if persona == "district":
        pages["import-committed"] = f"/nhap-lieu/lo/{world['committed']}/"
    if persona == "agency":
        pages["import-preview"] = f"/nhap-lieu/lo/{world['agency_preview']}/"
    if persona == "staff":
        pages["review-submitted"] = "/nhap-so-lieu/duyet/DONGXOAI/2023-07/"
    return pages


def crawl(bp: BrowserPage, persona: str, width: int, world: dict) -> list:
    """Visit the extra pages, "/" and the menu, then the links they show, DEPTH deep, the first page
    of each URL pattern; every visit is checked. Returns the visits."""
    visits = []
    for label, path in extra_pages(persona, world).items():
        visits.append(check_page(bp, path, route_name(path), f"{persona}-{width}-{label}"))
    # axe runs once per URL pattern and width: staff (first, who see every control) check a page that
    # the others see with fewer links; each persona's own extra pages are always checked.
    axed = AXED.setdefault(width, set())
    seen_names = {v.name for v in visits}
    bp.goto("/")
    queue = [("/", 0)] + [(p, 1) for p in nav_links(bp.page, world["url"])]
    while queue:
        path, depth = queue.pop(0)
        name = route_name(path.split("?")[0])
        if name is None or name in seen_names:
            continue
        seen_names.add(name)
        visits.append(
            check_page(bp, path, name, f"{persona}-{width}-{page_label(name)}", axe=name not in axed)
        )
        axed.add(name)
        if depth < DEPTH:
            queue += [(link, depth + 1) for link in links_of(bp.page, world["url"])]
    return visits


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_speaks_vietnamese_and_passes_axe(chromium, world, persona, width):
    context = chromium.new_context(
        viewport={"width": width, "height": WIDTHS[width]}, locale="vi-VN", is_mobile=width < 600
    )
    bp = BrowserPage(context.new_page(), world["url"])
    try:
        bp.login(PERSONAS[persona], PASSWORD)
        visits = crawl(bp, persona, width, world)
    finally:
        context.close()
    report = [f"{v.path} ({v.name}): {p}" for v in visits for p in v.problems()]
    timing = [f"{v.path}: " + " ".join(f"{k} {s:.2f}s" for k, s in v.seconds.items()) for v in visits]
    (SCREENSHOTS / f"{persona}-{width}.txt").write_text("\n".join(report + ["", *timing]), encoding="utf-8")
    assert len(visits) >= 8, [v.path for v in visits]
    assert report == [], "\n".join(report)
