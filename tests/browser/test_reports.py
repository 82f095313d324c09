"""The report editor in a real browser (Debian's Chromium) under the deployment's CSP: staff type an
editorial section with Enter between lines and every line stays a paragraph (issue 17); the report page
fits a phone. Screenshots go to test-artifacts/reports-*.png."""

from decimal import Decimal

import pytest

from indicators import engine
from indicators.catalogue import load_catalogue
from indicators.services import ValueInput, record_values
from reports.models import Report, ReportSection
from reports.services import create_report, publish_report
from units.services import create_or_update_user

CSP = "script-src 'self'; object-src 'none'; base-uri 'self'"
LINES = [
    "Tỷ lệ hồ sơ xử lý trực tuyến toàn tỉnh đạt 92,9%.",
    "Đã triển khai Tổ công nghệ số cộng đồng tại 111/111 xã.",
    "Các địa phương tiếp tục rà soát số liệu.",
]


@pytest.fixture
def report_world(transactional_db):
    load_catalogue()
    staff, _ = create_or_update_user("canbo", role="staff", password="mat-khau-canbo")
    create_or_update_user("bcd", role="viewer", password="mat-khau-bcd")
    record_values(
        [
            ValueInput("DVC-SVC-RATE", u, "2023-08", Decimal(v))
            for u, v in (("DONGXOAI", "92.9"), ("BUDOP", "100"))
        ],
        user=staff,
        source="form",
    )
    engine.recompute_all()
    return create_report("2023-08", user=staff)


def _with_csp(browser_page):
    def handle(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    browser_page.page.route("**/*", handle)


def test_enter_in_the_editor_keeps_each_line_a_paragraph(browser_page, report_world):
    _with_csp(browser_page)
    page = browser_page.page
    browser_page.login("canbo", "mat-khau-canbo")
    browser_page.goto("/bao-cao/2023-08/sua/")
    assert page.locator('label[for="narrative-dvc"]').inner_text() == "1. Dịch vụ công trực tuyến"
    area = page.locator(".editor-area").first
    area.click()
    for n, line in enumerate(LINES):
        if n:
            page.keyboard.press("Enter")
        page.keyboard.type(line)
    browser_page.screenshot("reports-editor-1280")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text() == "Đã lưu bản nháp."
    section = ReportSection.objects.filter(report=report_world, kind="editorial").order_by("order").first()
    assert section.body == "".join(f"<p>{line}</p>" for line in LINES)
    assert page.locator(".doc-rich p").all_inner_texts() == LINES
    assert browser_page.console_errors == []


@pytest.mark.parametrize("width", [375, 1366])
def test_the_published_report_page_fits_the_screen(chromium, live_server, report_world, width):
    publish_report(Report.objects.get(pk=report_world.pk))
    context = chromium.new_context(
        viewport={"width": width, "height": 812}, locale="vi-VN", is_mobile=width < 400
    )
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "bcd")
    page.fill("#id_password", "mat-khau-bcd")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/bao-cao/2023-08/")
    assert page.locator("h1.doc-title").inner_text() == "BÁO CÁO CHUYÊN ĐỀ"
    overflow = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"test-artifacts/reports-detail-{width}.png", full_page=True)
    family = page.evaluate("getComputedStyle(document.querySelector('.report-sheet')).fontFamily")
    context.close()
    assert overflow <= width + 1
    assert family.startswith('"CDS Liberation Serif"')
