"""The plan's pages in a real browser (Debian's Chromium) under the deployment's CSP: every page as every
persona fits a 375 px phone without horizontal scrolling and logs no console error; a reporter fills
the quarterly report on a phone, submits, staff approve, the dashboard shows it. Screenshots go to
test-artifacts/plans-*.png."""

import pytest

from cds_portal.catalogue import load_catalogue
from plans.models import PlanTask
from plans.services import progress, synthesis, transitions
from units.services import create_or_update_user

CSP = "script-src 'self'; object-src 'none'; base-uri 'self'"
PASSWORD = "mat-khau-thu"
PAGES = {
    "canbo": ["/ke-hoach/2023/", "/ke-hoach/2023/nhiem-vu/IV.2.2/", "/ke-hoach/bao-cao/", "/ke-hoach/bao-cao/SYT/2023-Q3/",
              "/ke-hoach/duyet/2023-Q3/", "/ke-hoach/duyet/SYT/2023-Q3/", "/ke-hoach/tong-hop/2023-Q3/", "/ke-hoach/nhap/",
              "/"],
    "vpubnd": ["/ke-hoach/bao-cao/", "/ke-hoach/bao-cao/VPUBND/2023-Q3/", "/ke-hoach/2023/"],
    "soyte": ["/ke-hoach/bao-cao/SYT/2023-Q3/", "/ke-hoach/2023/nhiem-vu/IV.4.5/"],
    "bcd": ["/ke-hoach/2023/", "/ke-hoach/tong-hop/2023-Q3/", "/ke-hoach/2023/nhiem-vu/IV.2.2/"],
}
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def live_plan(transactional_db):
    load_catalogue()
    staff = create_or_update_user("canbo", role="staff", password=PASSWORD)[0]
    create_or_update_user("vpubnd", role="reporter", unit_codes=["VPUBND"], password=PASSWORD)
    soyte = create_or_update_user("soyte", role="reporter", unit_codes=["SYT"], password=PASSWORD)[0]
    create_or_update_user("bcd", role="viewer", password=PASSWORD)
    tasks = list(PlanTask.objects.select_related("plan", "unit").filter(unit__code="SYT").order_by("order"))
    items = [progress.ProgressInput(t, "in_progress", 40 + 5 * n, f"Kết quả {t.ref}: đã triển khai tại 9 bệnh viện.",
                                    "Người dân chưa quen dùng ứng dụng; đề xuất tăng tuyên truyền." if n == 2 else "")
             for n, t in enumerate(tasks)]
    progress.save_progress(tasks[0].unit, "2023-Q3", items, user=soyte)
    transitions.submit(tasks[0].unit, "2023-Q3", user=soyte)
    transitions.approve(tasks[0].unit, "2023-Q3", user=staff)
    synthesis.publish(tasks[0].plan, "2023-Q3", user=staff, number="215/BC-STTTT")


def _with_csp(browser_page):
    def handle(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    browser_page.page.route("**/*", handle)


def _visit_all(page_fixture, size):
    _with_csp(page_fixture)
    for user, paths in PAGES.items():
        page_fixture.page.context.clear_cookies()
        page_fixture.login(user, PASSWORD)
        for path in paths:
            response = page_fixture.goto(path)
            assert response.status == 200, (user, path)
            width = page_fixture.page.evaluate("document.documentElement.scrollWidth")
            viewport = page_fixture.page.evaluate("document.documentElement.clientWidth")
            assert width <= viewport, (user, path, page_fixture.page.evaluate(WIDEST))
            name = path.strip("/").replace("/", "-") or "tong-quan"
            page_fixture.screenshot(f"plans-{size}-{user}-{name}")
    assert page_fixture.console_errors == []


def test_every_plan_page_fits_a_phone_for_every_persona(phone_page, live_plan):
    _visit_all(phone_page, "375")


def test_every_plan_page_renders_on_a_desktop_for_every_persona(browser_page, live_plan):
    browser_page.page.set_viewport_size({"width": 1366, "height": 900})
    _visit_all(browser_page, "1366")


def test_a_reporter_reports_on_a_phone_and_staff_approve(phone_page, live_plan):
    _with_csp(phone_page)
    page = phone_page.page
    phone_page.login("vpubnd", PASSWORD)
    phone_page.goto("/ke-hoach/bao-cao/VPUBND/2023-Q3/")
    first, second = (PlanTask.objects.get(ref=ref).pk for ref in ("IV.2.1", "IV.2.2"))
    page.select_option(f"select[name=t{first}-state]", "done")
    page.fill(f"input[name=t{first}-percent]", "100")
    page.fill(f"textarea[name=t{first}-done]", "Tỷ lệ báo cáo trực tuyến đạt 56%.")
    page.select_option(f"select[name=t{second}-state]", "done")
    page.fill(f"input[name=t{second}-percent]", "90")
    page.click("#save-submit")
    page.wait_for_load_state("networkidle")
    error = page.locator(f"#err-t{second}-percent")
    assert error.inner_text() == "Nhiệm vụ đã hoàn thành thì tỷ lệ hoàn thành phải là 100%, không phải 90%."
    assert page.locator(f"textarea[name=t{first}-done]").input_value() == "Tỷ lệ báo cáo trực tuyến đạt 56%."
    phone_page.screenshot("plans-375-vpubnd-form-error")
    page.select_option(f"select[name=t{second}-state]", "blocked")
    page.click("#save-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages").inner_text() == "Đã gửi báo cáo quý III/2023 của Văn phòng UBND tỉnh để Sở TT&TT duyệt."
    assert page.locator("#report-state [data-state]").inner_text() == "Chờ duyệt"
    assert page.locator("#report-state .overdue").inner_text() == "Trễ hạn"  # 2023-Q3 was due on 19/09/2023

    page.context.clear_cookies()
    phone_page.login("canbo", PASSWORD)
    phone_page.goto("/ke-hoach/duyet/VPUBND/2023-Q3/")
    page.click("#approve")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages").inner_text() == "Đã duyệt báo cáo quý III/2023 của Văn phòng UBND tỉnh."
    phone_page.goto("/ke-hoach/2023/?unit=VPUBND")
    states = page.locator("#task-list tbody tr [data-state]").all_inner_texts()
    assert states == ["Gặp vướng mắc", "Hoàn thành"]  # IV.2.2 is overdue (due 31/08/2023): first
    phone_page.screenshot("plans-375-canbo-dashboard-after")
    assert phone_page.console_errors == []
