"""The dashboards in a real browser (Debian's Chromium): every page renders its charts without console
errors under a Content-Security-Policy without inline scripts, with the right number of bars and points;
sorting and filters work. Screenshots go to test-artifacts/."""

import pytest

from indicators.catalogue import load_catalogue
from tests.dashboards.seed_data import seed_august_report
from units.services import create_or_update_user

# What the Content-Security-Policy of the deployment will say about scripts.
CSP = "script-src 'self'; object-src 'none'; base-uri 'self'"
PAGES = [
    ("/?period=2023-08", "overview"),
    ("/indicators/DVC-SVC-RATE/?period=2023-08", "indicator"),
    ("/units/DONGXOAI/?period=2023-08", "unit"),
    ("/rankings/APP/?period=2023-08", "ranking"),
    ("/dti/2023/", "dti"),
]


@pytest.fixture
def live_data(transactional_db):
    load_catalogue()
    staff = create_or_update_user("canbo", role="staff", password="mat-khau-canbo")[0]
    create_or_update_user("bcd", role="viewer", password="mat-khau-bcd")
    seed_august_report(staff)


def _with_csp(browser_page):
    """Serve every page with the CSP header, as the deployment will."""

    def handle(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": CSP}
        route.fulfill(response=response, headers=headers)

    browser_page.page.route("**/*", handle)


def _drawn(page, count):
    page.wait_for_function(f"document.querySelectorAll('[data-drawn]').length >= {count}", timeout=15000)


def _bars(page, chart):
    return page.locator(f"#{chart} .barlayer .point").count()


def _points(page, chart):
    return page.locator(f"#{chart} .scatterlayer .point").count()


def test_every_page_draws_its_charts_under_the_csp(browser_page, live_data):
    _with_csp(browser_page)
    browser_page.login("bcd", "mat-khau-bcd")
    page = browser_page.page
    for path, name in PAGES:
        browser_page.goto(path)
        charts = page.locator("[data-figure]").count()
        assert charts > 0, path
        _drawn(page, charts)
        browser_page.screenshot(f"dashboard-{name}-desktop")
    assert browser_page.console_errors == []


# Every page on a 375 px phone: tests/browser/test_every_page.py (every persona, both widths).


def test_the_charts_carry_one_bar_per_unit_and_one_point_per_month(browser_page, live_data):
    browser_page.login("bcd", "mat-khau-bcd")
    page = browser_page.page
    browser_page.goto("/?period=2023-08")
    _drawn(page, 1)
    assert _bars(page, "chart-met") == 2  # the two DVC indicators with a target
    browser_page.goto("/indicators/DVC-SVC-RATE/?period=2023-08&unit=DONGXOAI&unit=CHONTHANH")
    _drawn(page, 2)
    assert _bars(page, "chart-units") == 27
    assert _points(page, "chart-units") == 27  # the target marker of every unit
    assert _points(page, "chart-trend") == 6  # province, Đồng Xoài, Chơn Thành × July, August
    assert page.locator("#chart-trend .legendtext").all_text_contents() == [
        "Toàn tỉnh",
        "Đồng Xoài",
        "Chơn Thành",
    ]
    assert "95,2%" in page.locator("#chart-units .barlayer").text_content()
    browser_page.goto("/dti/2023/")
    _drawn(page, 2)
    assert _bars(page, "chart-dti-agency") == 3 * 8
    assert _bars(page, "chart-dti-district") == 2 * 9
    browser_page.goto("/rankings/APP/?period=2023-08")
    _drawn(page, 1)
    assert _bars(page, "chart-APP-BPTODAY-USERS") == 11
    assert browser_page.console_errors == []


def test_sorting_filtering_and_downloads_work_by_clicking(browser_page, live_data):
    browser_page.login("bcd", "mat-khau-bcd")
    page = browser_page.page
    browser_page.goto("/indicators/DVC-SVC-RATE/?period=2023-08")
    units = page.locator("#units-table tbody tr td:nth-child(2)")
    assert units.count() == 27
    page.click("a[data-sort=value]")  # largest first
    page.wait_for_load_state("networkidle")
    assert "sort=-value" in page.url
    assert units.all_inner_texts()[-2:] == ["Chơn Thành", "Hớn Quản"]
    page.click("a[data-sort=value]")  # then smallest first
    page.wait_for_load_state("networkidle")
    assert units.all_inner_texts()[:2] == ["Hớn Quản", "Chơn Thành"]
    # Choosing a level submits the filter form by itself (static/js/dashboard.js).
    with page.expect_navigation():
        page.select_option("#filters select[name=level]", "district")
    assert "level=district" in page.url and "sort=value" in page.url
    assert units.count() == 11
    _drawn(page, 2)
    assert _bars(page, "chart-units") == 11
    browser_page.screenshot("dashboard-indicator-districts-sorted")
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename == "DVC-SVC-RATE_2023-08.xlsx"
    assert browser_page.console_errors == []
