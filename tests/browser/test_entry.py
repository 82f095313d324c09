"""The monthly report end to end in a real browser (Debian's Chromium) under the deployment's CSP: a
reporter on a phone (375 px) types Vietnamese numbers into the indicator cards, sees inline errors,
submits; staff approve from the month's queue on a 1366 px screen; the Ban Chỉ đạo member reads the
value on the overview on a phone. Screenshots go to test-artifacts/entry-*.png."""

import pytest

from indicators.catalogue import load_catalogue
from units.services import create_or_update_user

CSP = "script-src 'self'; object-src 'none'; base-uri 'self'"


@pytest.fixture
def live_people(transactional_db):
    load_catalogue()
    create_or_update_user("dongxoai", role="reporter", unit_codes=["DONGXOAI"], password="mat-khau-dx")
    create_or_update_user("canbo", role="staff", password="mat-khau-canbo")
    create_or_update_user("bcd", role="viewer", password="mat-khau-bcd")


def _with_csp(browser_page):
    def handle(route):
        # Redirects go back to the browser (so the address bar and form actions follow them).
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    browser_page.page.route("**/*", handle)


def _switch_user(browser_page, username, password):
    browser_page.page.context.clear_cookies()
    browser_page.login(username, password)


def _units_met(page, code):
    return page.locator(f'#province-{code} td[data-label="Đơn vị đạt"]').inner_text().strip()


def _fits(bp):
    return bp.page.evaluate("document.documentElement.scrollWidth") <= 376


def test_a_reporter_submits_on_a_phone_staff_approve_from_the_queue_and_the_overview_shows_it(
    browser_page, phone_page, live_people
):
    phone = phone_page
    _with_csp(phone)
    page = phone.page
    phone.login("dongxoai", "mat-khau-dx")

    # Pick the month on the entry home page.
    phone.goto("/nhap-so-lieu/")
    page.fill("#id_period", "2023-08")
    page.click("#pick-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/nhap-so-lieu/DONGXOAI/2023-08/")
    assert page.locator("h1").inner_text() == "Thành phố Đồng Xoài · Tháng 8/2023"
    # On a phone every indicator is a card: nothing wider than the screen.
    assert page.locator("table.entry.stacked").count() == page.locator("table.entry").count() > 0
    assert _fits(phone)

    # Vietnamese numbers; a typo gets a hint while typing and the server's message after saving.
    page.fill("#v-DONGXOAI__DVC-SVC-RATE", "92,9%")
    page.fill("#v-DONGXOAI__DVC-FILE-RATE", "12,5a")
    page.locator("#v-DONGXOAI__DVC-FILE-RATE").blur()
    hint = page.locator("#msg-DONGXOAI__DVC-FILE-RATE .js-error")
    assert hint.is_visible() and hint.inner_text() == '"12,5a" không phải là số'
    page.fill("#v-DONGXOAI__APP-BPTODAY-USERS", "1.039")
    page.click("#save-draft")
    page.wait_for_load_state("networkidle")
    assert (
        page.locator("#save-problem").inner_text().strip()
        == "Chưa lưu: hãy sửa các ô báo lỗi và xác nhận các cảnh báo."
    )
    assert (
        page.locator("#msg-DONGXOAI__DVC-FILE-RATE .field-error").inner_text() == '"12,5a" không phải là số'
    )
    assert page.locator("#v-DONGXOAI__APP-BPTODAY-USERS").input_value() == "1.039"  # what was typed is kept
    phone.screenshot("entry-inline-error")

    # Correct it, fill the rest of the month and submit.
    page.fill("#v-DONGXOAI__DVC-FILE-RATE", "45,5")
    for field in page.locator("input.vn-number").all():
        if not field.input_value():
            field.fill("12")
    page.click("#save-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text() == (
        "Đã gửi báo cáo tháng 8/2023 của Thành phố Đồng Xoài để Sở TT&TT duyệt."
    )
    assert page.locator("#submission-state .badge").first.inner_text() == "Chờ duyệt"
    assert page.locator("#row-DVC-SVC-RATE td.status").inner_text().strip() == "✓ Đạt"
    assert page.locator("#row-DVC-FILE-RATE td.status").inner_text().strip() == "✗ Không đạt"
    phone.screenshot("entry-submitted")

    # Not approved yet: the Ban Chỉ đạo does not see the draft.
    _switch_user(phone, "bcd", "mat-khau-bcd")
    phone.goto("/?period=2023-08")
    assert _units_met(page, "DVC-SVC-RATE") == "–"

    # Staff review the month from the queue on a large screen and approve it.
    _with_csp(browser_page)
    page = browser_page.page
    browser_page.login("canbo", "mat-khau-canbo")
    browser_page.goto("/nhap-so-lieu/duyet/2023-08/")
    row = page.locator('#submissions tr[data-unit="DONGXOAI"]')
    assert row.locator(".badge").inner_text() == "Chờ duyệt"
    assert row.locator("td").nth(4).inner_text() in ("Đúng hạn", "Trễ hạn")
    row.locator("a", has_text="Xem và duyệt").click()
    page.wait_for_load_state("networkidle")
    browser_page.screenshot("entry-review")
    page.click("#approve")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text() == (
        "Đã duyệt báo cáo tháng 8/2023 của Thành phố Đồng Xoài; số liệu đã khóa."
    )
    assert page.locator("#submission-state .badge").first.inner_text() == "Đã duyệt"
    history = page.locator("table.history tbody tr")
    assert history.first.locator("td").nth(2).inner_text() == "Duyệt báo cáo"

    assert browser_page.console_errors == []

    # The approved value is on the overview page for the Ban Chỉ đạo, on a phone.
    page = phone.page
    phone.goto("/?period=2023-08")
    assert _units_met(page, "DVC-SVC-RATE") == "1/1"
    # with the coverage line: one of the 37 units that must report is in the province figure
    assert page.locator("#province-DVC-SVC-RATE td").nth(1).inner_text() == "92,9%\n1/37 đơn vị đã báo cáo"
    assert _fits(phone)
    phone.screenshot("entry-overview-after-approval")
    assert phone.console_errors == []
