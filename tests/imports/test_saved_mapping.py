"""A mapping confirmed once is remembered: an unknown header imports after `--mapping … --remember`,
next month's file with the same header imports with how "saved" and no mapping given, and a deleted
saved mapping no longer applies."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from imports.models import SavedMapping
from indicators.models import DataValue

from .xlsx_builders import AUGUST, build_xlsx, replace_text, sample_sheets

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = "Tỷ lệ giải quyết TTHC qua mạng / Kết quả thực hiện của đơn vị"


def run_cli(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_workbook", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


def remember_with_cli(path, tmp_path, answers: dict, period: str = "2023-08"):
    """`import_workbook PATH --json --mapping answers.json --remember` as staff: (exit code, JSON)."""
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return run_cli(
        str(path), "--period", period, "--user", "staff", "--json", "--mapping", str(mapping), "--remember"
    )


def dvctt_file(tmp_path, name, *, bu_dang="Huyện Bù Đăng"):
    """The August DVCTT table with the file-rate group renamed in words the layout does not know and
    (optionally) one unit printed under a name the catalogue does not know."""
    spec = replace_text(
        sample_sheets(AUGUST)["DVCTT"], "Tỷ lệ hồ sơ xử lý trực tuyến", "Tỷ lệ giải quyết TTHC qua mạng"
    )
    spec = replace_text(spec, "Huyện Bù Đăng", bu_dang)
    path = tmp_path / name
    path.write_bytes(build_xlsx({"DVCTT": spec}))
    return path


def column(result, letter):
    (m,) = [m for m in result["mapping"] if m["column"] == letter]
    return m


def test_an_unknown_header_imports_after_a_remembered_mapping_and_next_month_uses_it(
    catalogue, staff, tmp_path
):
    first = dvctt_file(tmp_path, "dvctt-08.xlsx", bu_dang="Phòng VH huyện BĐ")
    code, result = run_cli(str(first), "--period", "2023-08", "--user", "staff", "--json", "--dry-run")
    assert column(result, "F") == {
        "sheet": "DVCTT",
        "column": "F",
        "header": HEADER,
        "indicator": None,
        "how": "unmapped",
    }
    (row,) = [u for u in result["units"] if u["row"] == 31]
    assert row == {
        "sheet": "DVCTT",
        "row": 31,
        "printed": "Phòng VH huyện BĐ",
        "unit": None,
        "how": "unmapped",
    }
    assert code == 1  # the unknown unit is an error
    code, result = remember_with_cli(
        first,
        tmp_path,
        {
            "columns": [{"sheet": "DVCTT", "header": HEADER, "indicator": "DVC-FILE-RATE"}],
            "units": [{"printed": "Phòng VH huyện BĐ", "unit": "BUDANG"}],
        },
    )
    assert (code, result["status"], result["errors"]) == (0, "committed", [])
    assert (column(result, "F")["indicator"], column(result, "F")["how"]) == ("DVC-FILE-RATE", "given")
    assert [u for u in result["units"] if u["row"] == 31][0]["how"] == "given"
    assert (
        DataValue.objects.get(indicator__code="DVC-FILE-RATE", unit__code="BUDANG", period="2023-08").value
        == 100
    )
    (saved,) = SavedMapping.objects.all()
    assert (saved.user, saved.unit, saved.sheet) == (staff, None, "DVCTT")

    # next month: the same header (its dates differ), no mapping given
    nxt = dvctt_file(tmp_path, "dvctt-09.xlsx", bu_dang="Phòng VH huyện BĐ")
    code, result = run_cli(str(nxt), "--period", "2023-09", "--user", "staff", "--json")
    assert (code, result["status"], result["errors"]) == (0, "committed", [])
    assert (column(result, "F")["indicator"], column(result, "F")["how"]) == ("DVC-FILE-RATE", "saved")
    assert [u for u in result["units"] if u["row"] == 31][0] == {
        "sheet": "DVCTT",
        "row": 31,
        "printed": "Phòng VH huyện BĐ",
        "unit": "BUDANG",
        "how": "saved",
    }
    assert DataValue.objects.filter(indicator__code="DVC-FILE-RATE", period="2023-09").count() == 27

    # another sender does not get staff's mapping; a deleted mapping no longer applies
    code, result = run_cli(str(nxt), "--period", "2023-10", "--json", "--dry-run")
    assert column(result, "F")["how"] == "unmapped"
    saved.delete()
    code, result = run_cli(str(nxt), "--period", "2023-10", "--user", "staff", "--json", "--dry-run")
    assert (code, column(result, "F")["how"]) == (1, "unmapped")


def test_a_mapping_naming_an_unknown_indicator_is_an_error(catalogue, tmp_path):
    path = dvctt_file(tmp_path, "dvctt.xlsx")
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": [{"sheet": "DVCTT", "header": "F", "indicator": "NO-SUCH"}]}))
    code, result = run_cli(str(path), "--period", "2023-08", "--json", "--mapping", str(mapping))
    assert code == 1
    assert result["errors"][0]["message"] == (
        "Sheet 'DVCTT': Ánh xạ cột 'F': không có chỉ tiêu mã NO-SUCH trong danh mục"
    )


def test_a_malformed_mapping_file_is_refused(catalogue, tmp_path):
    path = dvctt_file(tmp_path, "dvctt.xlsx")
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": [{"indicator": "DVC-FILE-RATE"}]}))
    code, result = run_cli(str(path), "--json", "--mapping", str(mapping))
    assert (code, result["errors"][0]["message"]) == (1, 'Ánh xạ: cột thứ 1 thiếu "header".')


def test_the_api_takes_the_same_mapping_field(catalogue, staff, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=staff)[0].key)
    data = dvctt_file(tmp_path, "dvctt.xlsx").read_bytes()
    url = reverse("api:import-create") + "?commit=1"
    resp = client.post(
        url, {"file": SimpleUploadedFile("d.xlsx", data), "period": "2023-08"}, format="multipart"
    )
    assert resp.status_code == 201  # the unknown group is left out, with a warning
    assert column(resp.json(), "F")["how"] == "unmapped"
    assert not DataValue.objects.filter(indicator__code="DVC-FILE-RATE").exists()
    mapping = {"columns": [{"sheet": "DVCTT", "header": HEADER, "indicator": "DVC-FILE-RATE"}]}
    resp = client.post(
        url,
        {
            "file": SimpleUploadedFile("d.xlsx", data),
            "period": "2023-08",
            "mapping": json.dumps(mapping, ensure_ascii=False),
            "remember": "true",
        },
        format="multipart",
    )
    assert resp.status_code == 201
    assert (column(resp.json(), "F")["indicator"], column(resp.json(), "F")["how"]) == (
        "DVC-FILE-RATE",
        "given",
    )
    assert DataValue.objects.filter(indicator__code="DVC-FILE-RATE", period="2023-08").count() == 27
    assert SavedMapping.objects.get().user == staff
    resp = client.post(
        url,
        {"file": SimpleUploadedFile("d.xlsx", data), "period": "2023-08", "mapping": "{oops"},
        format="multipart",
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["column"] == "mapping"


def test_a_one_column_sheet_that_imports_nothing_does_not_exit_0(catalogue, tmp_path):
    rows = [["Ứng dụng", "", ""], ["", "", ""], ["STT", "Đơn vị", "Lượt kích hoạt"], [1, "Đồng Xoài", 12.0]]
    path = tmp_path / "one.xlsx"
    path.write_bytes(build_xlsx({"App": rows}))
    code, result = run_cli(str(path), "--period", "2023-08", "--json")
    assert (code, result["status"]) == (1, "rejected")
    assert [e["message"] for e in result["errors"]] == [
        "Không có số liệu nào để nhập trong tệp này: không nhận ra cột số liệu nào (xem các cảnh báo); "
        "hãy chỉ rõ chỉ tiêu của các cột (ánh xạ cột)."
    ]


def test_a_mapping_entry_that_matches_no_column_is_a_warning(catalogue, tmp_path):
    path = dvctt_file(tmp_path, "dvctt.xlsx")
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps(
            {"columns": [{"sheet": "DVCTT", "header": "Không có cột này", "indicator": None}]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, result = run_cli(str(path), "--period", "2023-08", "--json", "--dry-run", "--mapping", str(mapping))
    assert code == 0
    assert [w["message"] for w in result["warnings"] if w["code"] == "mapping_unused"] == [
        "Sheet 'DVCTT': Ánh xạ cột 'Không có cột này' không khớp cột nào của tệp"
    ]
