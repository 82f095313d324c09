"""A transposed one-unit sheet whose title names no unit takes its unit from the file's name
('So_GDDT_thang_8.xlsx'); a name naming several units, or none, is the question, never a guess."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportBatch
from imports.services import import_file
from indicators.models import DataValue

from .test_services import run_cli
from .test_table_ends import TRANSPOSED
from .xlsx_builders import build_xlsx

pytestmark = pytest.mark.django_db
D = Decimal
UNTITLED = [["Báo cáo kết quả chuyển đổi số tháng 8/2023", "", ""], *TRANSPOSED[1:]]


def stored(unit):
    return {
        v.indicator.code: v.value
        for v in DataValue.objects.filter(unit__code=unit).select_related("indicator")
    }


@pytest.mark.parametrize("filename", ["So_GDDT_thang_8.xlsx", "Sở Giáo dục và Đào tạo - T8-2023.xlsx"])
def test_a_transposed_sheet_imports_for_the_unit_its_file_name_names(catalogue, filename):
    outcome = import_file(build_xlsx({"Sheet1": UNTITLED}), period="2023-08", filename=filename)
    assert (outcome.status, outcome.errors) == ("committed", [])
    assert stored("SGDDT") == {
        "SW-ESIGN-RATE": D(90),
        "SW-EMAIL-RATE": D("97.5"),
        "SW-ECABINET-YTD": 12,
        "SW-ECABINET": 3,
    }


def test_a_file_name_naming_two_units_is_a_question(catalogue):
    outcome = import_file(
        build_xlsx({"X": UNTITLED}), period="2023-08", filename="So_GDDT_va_So_Tai_chinh.xlsx"
    )
    assert outcome.status == "rejected"
    assert [e["message"] for e in outcome.errors] == [
        "Sheet 'X': Không rõ bảng này là số liệu của đơn vị nào (tiêu đề không ghi tên đơn vị, tên tệp khớp "
        "với nhiều đơn vị: Sở Giáo dục và Đào tạo (SGDDT), Sở Tài chính (STC)); hãy ghi tên đơn vị vào tiêu "
        "đề hoặc tải lên bằng tài khoản của đơn vị."
    ]
    assert DataValue.objects.count() == 0


def test_the_title_beats_the_file_name(catalogue):
    outcome = import_file(build_xlsx({"STC": TRANSPOSED}), period="2023-08", filename="So_GDDT_thang_8.xlsx")
    assert outcome.status == "committed", outcome.errors
    assert set(stored("STC")) == {"SW-ESIGN-RATE", "SW-EMAIL-RATE", "SW-ECABINET-YTD", "SW-ECABINET"}
    assert stored("SGDDT") == {}


def test_the_web_upload_takes_the_unit_from_the_original_file_name(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload"),
            {
                "file": SimpleUploadedFile("So_GDDT_thang_8.xlsx", build_xlsx({"S": UNTITLED})),
                "period": "2023-08",
            },
        )
    batch = ImportBatch.objects.latest("id")
    assert (batch.status, batch.errors) == ("preview", [])
    assert {d["unit"] for d in batch.diff} == {"SGDDT"}


def test_a_reporter_uploading_a_file_named_for_another_unit_is_refused_not_stored_as_its_own(reporter):
    outcome = import_file(
        build_xlsx({"S": UNTITLED}), period="2023-08", filename="So_GDDT_thang_8.xlsx", user=reporter
    )
    assert outcome.status == "rejected"
    assert [e["message"] for e in outcome.errors] == [
        f"Sheet 'S', dòng {row}, cột 'C': Bạn không có quyền nhập số liệu cho đơn vị 'Sở Giáo dục và Đào tạo'"
        for row in (4, 5, 6, 7)
    ]
    assert DataValue.objects.count() == 0


def test_the_cli_takes_the_unit_from_the_files_name(catalogue, tmp_path):
    path = tmp_path / "Sở Giáo dục và Đào tạo - T8-2023.xlsx"
    path.write_bytes(build_xlsx({"S": UNTITLED}))
    code, out = run_cli(str(path), "--period", "2023-08", "--json")
    assert (code, json.loads(out)["errors"]) == (0, [])
    assert stored("SGDDT")["SW-ECABINET"] == 3
