"""The mapping section of the preview in a real browser, on a phone: a question is shown with its
candidates, the page does not scroll sideways, a choice is made and the preview updates. Screenshots
in test-artifacts/import-mapping-question.png and import-mapping-answered.png."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.services import create_preview
from tests.conftest import BrowserPage

from .xlsx_builders import AUGUST, build_xlsx, insert_column, sample_sheets


@pytest.mark.django_db(transaction=True)
def test_a_question_is_answered_on_a_phone(phone_page, staff):
    column = ["", "", "Họp không giấy qua phần mềm Ecabinet (lũy kế)"] + [float(i) for i in range(33)]
    data = build_xlsx({"Phan mem": insert_column(sample_sheets(AUGUST)["Phan mem"], 3, column)})
    batch = create_preview(SimpleUploadedFile("pm.xlsx", data), period="2023-08", user=staff)
    page = phone_page.page
    phone_page.login("staff", "pw-staff")
    phone_page.goto(f"/nhap-lieu/lo/{batch.pk}/")
    assert page.locator("#mapping").is_visible()
    assert page.locator(".mapping-unmapped").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot("import-mapping-question")
    page.select_option('select[name="map:Phan mem|C"]', "SW-ECABINET-YTD")
    page.select_option('select[name="map:Phan mem|D"]', "__ignore__")
    page.click("#preview-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".mapping-unmapped").count() == 0
    assert page.locator(".badge-given").count() == 2
    assert page.get_by_role("button", name="Xác nhận nhập số liệu").is_visible()
    phone_page.screenshot("import-mapping-answered")
    assert phone_page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_label_tables_row_is_ignored_on_a_phone(phone_page, staff):
    """Screenshot: test-artifacts/import-mapping-label-rows.png (the hotline's row labels, long as they
    are, inside the phone's width)."""
    data = build_xlsx({"Tong dai 1022": sample_sheets(AUGUST)["Tong dai 1022"]})
    batch = create_preview(SimpleUploadedFile("h.xlsx", data), period="2023-08", user=staff)
    page = phone_page.page
    phone_page.login("staff", "pw-staff")
    phone_page.goto(f"/nhap-lieu/lo/{batch.pk}/")
    rows = page.locator("#mapping .mapping-table tbody tr")
    assert rows.count() == 12
    assert rows.nth(3).locator("td").first.inner_text() == "B7"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.select_option('select[name="map:Tong dai 1022|B7"]', "__ignore__")
    page.click("#preview-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".badge-given").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot("import-mapping-label-rows")
    assert phone_page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_label_rows_fit_a_desktop_too(chromium, live_server, staff):
    """Screenshot: test-artifacts/import-mapping-label-rows-1366.png — the same table as columns."""
    data = build_xlsx({"Tong dai 1022": sample_sheets(AUGUST)["Tong dai 1022"]})
    batch = create_preview(SimpleUploadedFile("h.xlsx", data), period="2023-08", user=staff)
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    try:
        desk = BrowserPage(context.new_page(), live_server.url)
        desk.login("staff", "pw-staff")
        desk.goto(f"/nhap-lieu/lo/{batch.pk}/")
        rows = desk.page.locator("#mapping .mapping-table tbody tr")
        assert rows.count() == 12
        assert rows.nth(3).locator("td").nth(1).inner_text().startswith("Tin rác")
        assert "Bỏ qua dòng này" in rows.nth(3).locator("select").inner_text()
        assert desk.page.evaluate("document.documentElement.scrollWidth") <= 1366
        desk.screenshot("import-mapping-label-rows-1366")
        assert desk.console_errors == []
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1366])
def test_a_reporter_answers_its_own_files_question(chromium, live_server, reporter, width):
    """Screenshots: test-artifacts/import-mapping-reporter-375.png and -1366.png — an agency's own row
    with a header in words the layout does not know, as the reporter of that unit sees it."""
    from .test_mapping_page_senders import own_row_file

    batch = create_preview(
        SimpleUploadedFile("dongxoai.xlsx", own_row_file("Thành phố Đồng Xoài")),
        period="2023-08",
        user=reporter,
    )
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    try:
        view = BrowserPage(context.new_page(), live_server.url)
        view.login("reporter", "pw-reporter")
        view.goto(f"/nhap-lieu/lo/{batch.pk}/")
        page = view.page
        # F holds the renamed group's value; G and H compare it with the report and the national target
        assert page.locator("#mapping .mapping-unmapped").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # the raw texts wrap (618 px before)
        page.select_option('select[name="map:DVCTT|F"]', "DVC-FILE-RATE")
        page.click("#preview-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("#mapping .mapping-unmapped").count() == 2
        assert page.locator("#mapping .badge-given").count() == 1
        assert "82,1%" in page.locator("body").inner_text()
        assert page.get_by_role("button", name="Xác nhận nhập số liệu").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        view.screenshot(f"import-mapping-reporter-{width}")
        assert view.console_errors == []
    finally:
        context.close()
