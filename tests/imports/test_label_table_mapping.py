"""Label tables (indicators down the rows: `Chỉ tiêu | Số liệu`, KH57, a transposed one-unit sheet)
are in the mapping too: one entry per row label, {sheet, column: the value column, row, header: the
label as printed, indicator, how}. A person changes a row's indicator with the same mapping as a
column's (`header` = the printed label, or the value cell 'B7'), and a remembered answer applies next
month with how "saved". Column tables keep their entries' shape (no `row`)."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from imports.models import ImportBatch, SavedMapping
from indicators.models import DataValue

from .test_formats import KH57_ROWS
from .test_saved_mapping import remember_with_cli, run_cli
from .test_table_ends import TRANSPOSED
from .xlsx_builders import AUGUST, build_xlsx, sample_sheets

pytestmark = pytest.mark.django_db
D = Decimal
HOTLINE = "Tong dai 1022"
SPAM = "Tin rác – từ ngày 01/01/2023 đến ngày 04/10/2023"


def hotline_file(tmp_path, name="hotline.xlsx"):
    sheets = sample_sheets(AUGUST)
    path = tmp_path / name
    path.write_bytes(build_xlsx({HOTLINE: sheets[HOTLINE], "Tuyen truyen": sheets["Tuyen truyen"]}))
    return path


def test_the_json_mapping_lists_each_row_label_of_a_label_table(catalogue, tmp_path):
    code, result = run_cli(str(hotline_file(tmp_path)), "--period", "2023-08", "--json", "--dry-run")
    assert (code, result["errors"]) == (0, [])
    rows = [(m["sheet"], m["column"], m["row"], m["indicator"], m["how"]) for m in result["mapping"]]
    assert rows == [
        (HOTLINE, "B", 4, "HOT-RECEIVED", "catalogue"),
        (HOTLINE, "B", 5, "HOT-DONE", "catalogue"),
        (HOTLINE, "B", 6, "HOT-OPEN", "catalogue"),
        (HOTLINE, "B", 7, "HOT-SPAM", "catalogue"),
        (HOTLINE, "B", 8, "HOT-LATE-STAFF", "catalogue"),
        (HOTLINE, "B", 9, "HOT-LATE-LEAD", "catalogue"),
        *((HOTLINE, "B", r, None, "ignored") for r in range(10, 16)),  # the short reporting window
        ("Tuyen truyen", "B", 4, "MEDIA-POSTS-YTD", "catalogue"),
        ("Tuyen truyen", "B", 5, "MEDIA-POSTS-CUM", "catalogue"),
    ]
    assert result["mapping"][3] == {
        "sheet": HOTLINE,
        "column": "B",
        "row": 7,
        "header": SPAM,
        "indicator": "HOT-SPAM",
        "how": "catalogue",
    }


def test_column_tables_keep_their_entry_shape(catalogue, tmp_path):
    path = tmp_path / "pm.xlsx"
    path.write_bytes(build_xlsx({"Phan mem": sample_sheets(AUGUST)["Phan mem"]}))
    _code, result = run_cli(str(path), "--period", "2023-08", "--json", "--dry-run")
    assert result["mapping"][0] == {
        "sheet": "Phan mem",
        "column": "C",
        "header": "Hộp không giấy qua phần mềm Ecabinet",
        "indicator": "SW-ECABINET-YTD",
        "how": "catalogue",
    }
    assert all("row" not in m for m in result["mapping"])


def test_a_row_label_is_ignored_or_changed_through_the_mapping(catalogue, tmp_path):
    path = hotline_file(tmp_path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "columns": [
                    {"sheet": HOTLINE, "header": SPAM, "indicator": None},
                    {"sheet": HOTLINE, "header": "B13", "indicator": "HOT-SPAM"},
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, result = run_cli(str(path), "--period", "2023-08", "--json", "--mapping", str(mapping))
    assert (code, result["status"], result["errors"], result["warnings"]) == (0, "committed", [], [])
    by_row = {m["row"]: (m["indicator"], m["how"]) for m in result["mapping"] if m["sheet"] == HOTLINE}
    assert (by_row[7], by_row[13]) == ((None, "given"), ("HOT-SPAM", "given"))
    spam = DataValue.objects.get(indicator__code="HOT-SPAM", unit__code="BP", period="2023-08")
    assert spam.value == 0  # row 13's figure, not row 7's 52
    assert DataValue.objects.get(indicator__code="HOT-RECEIVED", period="2023-08").value == 2095


UNKNOWN = "Chỉ số K1 của đơn vị"


def transposed_file(tmp_path, name):
    rows = [list(r) for r in TRANSPOSED]
    rows[3][1] = UNKNOWN  # was "Tỷ lệ văn bản điện tử được ký số"
    path = tmp_path / name
    path.write_bytes(build_xlsx({"STC": rows}))
    return path


def test_an_unknown_row_label_imports_after_a_remembered_mapping_and_next_month_uses_it(
    catalogue, staff, tmp_path
):
    first = transposed_file(tmp_path, "stc-08.xlsx")
    code, result = run_cli(str(first), "--period", "2023-08", "--user", "staff", "--json", "--dry-run")
    assert result["mapping"][0] == {
        "sheet": "STC",
        "column": "C",
        "row": 4,
        "header": UNKNOWN,
        "indicator": None,
        "how": "unmapped",
    }
    assert [w["message"] for w in result["warnings"]] == [
        f"Sheet 'STC', dòng 4, cột 'B': Không nhận ra chỉ tiêu '{UNKNOWN}'; không nhập dòng này.",
    ]
    code, result = remember_with_cli(
        first, tmp_path, {"columns": [{"sheet": "STC", "header": UNKNOWN, "indicator": "SW-ESIGN-RATE"}]}
    )
    assert (code, result["status"], result["errors"]) == (0, "committed", [])
    assert (result["mapping"][0]["indicator"], result["mapping"][0]["how"]) == ("SW-ESIGN-RATE", "given")
    assert (
        DataValue.objects.get(indicator__code="SW-ESIGN-RATE", unit__code="STC", period="2023-08").value == 90
    )
    (saved,) = SavedMapping.objects.all()
    assert [(c["header"], c["indicator"]) for c in saved.columns] == [(UNKNOWN, "SW-ESIGN-RATE")]

    nxt = transposed_file(tmp_path, "stc-09.xlsx")
    code, result = run_cli(str(nxt), "--period", "2023-09", "--user", "staff", "--json")
    assert (code, result["status"], result["errors"], result["warnings"]) == (0, "committed", [], [])
    assert result["mapping"][0] == {
        "sheet": "STC",
        "column": "C",
        "row": 4,
        "header": UNKNOWN,
        "indicator": "SW-ESIGN-RATE",
        "how": "saved",
    }
    assert (
        DataValue.objects.get(indicator__code="SW-ESIGN-RATE", unit__code="STC", period="2023-09").value == 90
    )


def test_the_preview_page_lets_staff_change_a_row_labels_indicator(
    client, staff, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(staff)
    data = hotline_file(tmp_path).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload"), {"file": SimpleUploadedFile("h.xlsx", data), "period": "2023-08"}
        )
    batch = ImportBatch.objects.latest("id")
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert f'name="map:{HOTLINE}|B7"' in page
    assert "Chỉ tiêu của dòng 7" in page
    assert "Bỏ qua dòng này" in page and "Bỏ qua cột này" not in page  # a row, not a column
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:batch_update", args=[batch.pk]),
            {"period": "2023-08", f"map:{HOTLINE}|B7": "__ignore__"},
        )
    batch.refresh_from_db()
    by_row = {m["row"]: (m["indicator"], m["how"]) for m in batch.mapping["columns"] if m["sheet"] == HOTLINE}
    assert by_row[7] == (None, "given")
    assert "HOT-SPAM" not in {d["indicator"] for d in batch.diff}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert not DataValue.objects.filter(indicator__code="HOT-SPAM").exists()
    (saved,) = SavedMapping.objects.all()
    assert [(c["key"], c["indicator"]) for c in saved.columns] == [
        ("tin rac tu ngay [year-start] den ngay [date]@b", None)  # the dates as tokens
    ]


def test_the_api_lists_row_labels_and_takes_their_mapping(catalogue, staff, tmp_path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=staff)[0].key)
    data = hotline_file(tmp_path).read_bytes()
    mapping = {"columns": [{"sheet": HOTLINE, "header": SPAM, "indicator": None}]}
    resp = client.post(
        reverse("api:import-create") + "?commit=1",
        {
            "file": SimpleUploadedFile("h.xlsx", data),
            "period": "2023-08",
            "mapping": json.dumps(mapping, ensure_ascii=False),
        },
        format="multipart",
    )
    assert resp.status_code == 201
    (spam,) = [m for m in resp.json()["mapping"] if m.get("row") == 7]
    assert spam == {
        "sheet": HOTLINE,
        "column": "B",
        "row": 7,
        "header": SPAM,
        "indicator": None,
        "how": "given",
    }
    assert not DataValue.objects.filter(indicator__code="HOT-SPAM").exists()
    assert DataValue.objects.get(indicator__code="HOT-DONE", period="2023-08").value == 2032


def test_the_kh57_table_lists_its_rows_and_a_row_can_be_ignored(catalogue, tmp_path):
    path = tmp_path / "kh57.xlsx"
    path.write_bytes(build_xlsx({"Bảng 1": KH57_ROWS}))
    _code, result = run_cli(str(path), "--json", "--dry-run")
    assert [(m["column"], m["row"], m["indicator"], m["how"]) for m in result["mapping"]] == [
        ("C", 5, "HTS-SMARTPHONE", "catalogue"),
        ("C", 6, "HTS-FTTH", "catalogue"),
        ("C", 8, "CQS-WORK-ONLINE", "catalogue"),
        ("C", 9, "CQS-OPENDATA", "catalogue"),
    ]
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": [{"sheet": "Bảng 1", "header": "C6", "indicator": None}]}))
    code, result = run_cli(str(path), "--json", "--mapping", str(mapping))
    assert (code, result["status"], result["period"], result["errors"]) == (0, "committed", "2023-06", [])
    assert [m["how"] for m in result["mapping"]] == ["catalogue", "given", "catalogue", "catalogue"]
    assert not DataValue.objects.filter(indicator__code="HTS-FTTH").exists()
    assert DataValue.objects.get(indicator__code="HTS-SMARTPHONE", period="2023-06").value == D("65.3")
