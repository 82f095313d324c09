"""The mapping section of the preview in a real browser, on a phone: a question is shown with its
candidates, the page does not scroll sideways, a choice is made and the preview updates. Screenshots
in test-artifacts/import-mapping-question.png and import-mapping-answered.png."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.services import create_preview

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
