"""Time windows in headers decide which indicator a column is; an unsure column is a question, never a
pick. Before: a month column beside the year-to-date one was stored as the year-to-date indicator and
the real year-to-date column refused as a duplicate."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.text import fold
from imports.formats import parse_workbook
from imports.formats.windows import Window, header_window
from imports.models import ImportBatch
from imports.types import Severity
from imports.workbook import read_workbook
from indicators.models import DataValue

from .xlsx_builders import AUGUST, SheetSpec, build_xlsx, insert_column, sample_sheets

D = Decimal


@pytest.mark.parametrize(
    ("header", "window"),
    [
        ("Họp không giấy qua Ecabinet (tháng 11)", Window.MONTH),
        ("Số cuộc họp 11/2023", Window.MONTH),
        ("Số cuộc họp trong kỳ", Window.MONTH),
        ("Số cuộc họp trong tháng", Window.MONTH),
        ("Số cuộc họp (từ ngày 01/11 đến 30/11)", Window.MONTH),
        ("Số cuộc họp 01/11-30/11", Window.MONTH),
        ("Số cuộc họp (từ đầu năm đến nay)", Window.YTD),
        ("Số cuộc họp lũy kế", Window.YTD),
        ("Năm 2023", Window.YTD),
        ("Số cuộc họp đến ngày 30/11/2023", Window.YTD),
        ("từ ngày 01/01/2023 đến ngày 30/9/2023", Window.YTD),
        ("Lũy kế từ năm 2022 đến ngày 30/9/2023", Window.SINCE_START),
        ("28/09/2023", Window.DAY),
        ("Riêng ngày 18/08/2023 đến ngày 04/10/2023", Window.PART),
        ("Họp không giấy qua phần mềm Ecabinet (số cuộc họp được tổ chức)", None),
    ],
)
def test_a_header_names_its_time_window(header, window):
    assert header_window(fold(header)) == window


def parsed(data, answers=None):
    results, problems, _ = parse_workbook(read_workbook(data), answers)
    return {r.sheet: r for r in results}


def ecabinet(result, code):
    return {v.unit_label: v.value for v in result.values if v.indicator == code}


def with_column(header, at=3, values=None):
    sheets = sample_sheets(AUGUST)
    column = ["", "", header] + (values or [float(i) for i in range(33)])
    return build_xlsx({"Phan mem": insert_column(sheets["Phan mem"], at, column)})


def test_a_month_column_beside_the_year_to_date_one_is_the_month_indicator():
    r = parsed(with_column("Họp không giấy qua phần mềm Ecabinet (tháng 8/2023)"))["Phan mem"]
    assert [p.code for p in r.problems] == []
    assert ecabinet(r, "SW-ECABINET")["Sở Công Thương"] == D(1)
    assert ecabinet(r, "SW-ECABINET-YTD")["Sở Công Thương"] == D(3)  # the real year-to-date column
    assert ecabinet(r, "SW-ECABINET-YTD")["VP UBND tỉnh"] == D(1067)
    assert [
        (m.column, m.indicator, m.how) for m in r.mapping if m.indicator and "ECABINET" in m.indicator
    ] == [
        (3, "SW-ECABINET-YTD", "catalogue"),
        (4, "SW-ECABINET", "catalogue"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "Số cuộc họp Ecabinet trong tháng",
        "Họp không giấy Ecabinet (từ ngày 01/8 đến 31/8)",
        "Ecabinet 01/08/2023-31/08/2023",
        "Họp không giấy qua phần mềm Ecabinet (trong kỳ báo cáo)",
    ],
)
def test_every_spelling_of_the_month_window_maps_to_the_month(header):
    r = parsed(with_column(header))["Phan mem"]
    assert [p.code for p in r.problems] == []
    assert ecabinet(r, "SW-ECABINET")["Sở Công Thương"] == D(1)
    assert ecabinet(r, "SW-ECABINET-YTD")["Sở Công Thương"] == D(3)


def test_a_header_without_window_beside_a_windowed_one_is_a_question():
    r = parsed(with_column("Họp không giấy qua phần mềm Ecabinet (số cuộc họp)"))["Phan mem"]
    (q,) = [p for p in r.problems if p.code == "column_question"]
    assert (q.severity, q.cell) == (Severity.ERROR, "D3")
    assert q.message == (
        "Cột D 'Họp không giấy qua phần mềm Ecabinet' không ghi rõ kỳ của số liệu (trong tháng hay lũy kế) "
        "trong khi cột C 'Hộp không giấy qua phần mềm Ecabinet' cùng đại lượng; chưa nhập cột này."
    )
    assert ecabinet(r, "SW-ECABINET") == {}
    assert ecabinet(r, "SW-ECABINET-YTD")["Sở Công Thương"] == D(3)
    (m,) = [m for m in r.mapping if m.column == 4]
    assert (m.indicator, m.how) == (None, "unmapped")
    assert [c["indicator"] for c in m.candidates] == ["SW-ECABINET", "SW-ECABINET-YTD"]


def test_two_columns_read_as_one_indicator_are_both_questions():
    r = parsed(with_column("Họp không giấy qua phần mềm Ecabinet (lũy kế)"))["Phan mem"]
    questions = [p for p in r.problems if p.code == "column_question"]
    assert [q.cell for q in questions] == ["C3", "D3"]
    assert questions[0].message == (
        "Cột C 'Hộp không giấy qua phần mềm Ecabinet' và cột D 'Họp không giấy qua phần mềm Ecabinet' cùng "
        "được hiểu là chỉ tiêu SW-ECABINET-YTD; chưa nhập các cột này. Hãy chỉ rõ chỉ tiêu của từng cột."
    )
    assert ecabinet(r, "SW-ECABINET-YTD") == {}  # nothing picked


# ---- through the command line: rejected naming both columns, then answered with --mapping -------


def run_cli(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_workbook", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


@pytest.mark.django_db
def test_the_cli_rejects_a_question_and_imports_with_a_mapping(catalogue, tmp_path):
    path = tmp_path / "pm.xlsx"
    path.write_bytes(with_column("Họp không giấy qua phần mềm Ecabinet (lũy kế)"))
    code, out = run_cli(str(path), "--period", "2023-08", "--json")
    result = json.loads(out)
    assert (code, result["status"]) == (1, "rejected")
    assert [e["message"] for e in result["errors"] if e["code"] == "column_question"][0].startswith(
        "Sheet 'Phan mem', dòng 3, cột 'Hộp không giấy qua phần mềm Ecabinet': Cột C 'Hộp không giấy qua "
        "phần mềm Ecabinet' và cột D 'Họp không giấy qua phần mềm Ecabinet' cùng được hiểu là chỉ tiêu "
        "SW-ECABINET-YTD"
    )
    cd = [m for m in result["mapping"] if m["column"] in ("C", "D")]
    assert cd[0]["question"] == cd[1]["question"] == result["errors"][0]["message"].split(": ", 1)[1]
    assert cd == [
        {
            "sheet": "Phan mem",
            "column": "C",
            "header": "Hộp không giấy qua phần mềm Ecabinet",
            "indicator": None,
            "how": "unmapped",
            "candidates": [{"indicator": "SW-ECABINET-YTD", "why": "tiêu đề khớp với chỉ tiêu này"}],
            "question": cd[0]["question"],
        },
        {
            "sheet": "Phan mem",
            "column": "D",
            "header": "Họp không giấy qua phần mềm Ecabinet",
            "indicator": None,
            "how": "unmapped",
            "candidates": [{"indicator": "SW-ECABINET-YTD", "why": "tiêu đề khớp với chỉ tiêu này"}],
            "question": cd[1]["question"],
        },
    ]
    assert not DataValue.objects.filter(indicator__code="SW-ECABINET-YTD").exists()
    answers = tmp_path / "mapping.json"
    answers.write_text(
        json.dumps(
            {
                "columns": [
                    {"sheet": "Phan mem", "header": "C", "indicator": "SW-ECABINET-YTD"},
                    {"sheet": "Phan mem", "header": "D", "indicator": None},
                ]
            }
        )
    )
    code, out = run_cli(str(path), "--period", "2023-08", "--json", "--mapping", str(answers))
    result = json.loads(out)
    assert (code, result["status"], result["errors"]) == (0, "committed", [])
    assert [(m["column"], m["indicator"], m["how"]) for m in result["mapping"][:4]] == [
        ("C", "SW-ECABINET-YTD", "given"),
        ("D", None, "given"),
        ("E", "SW-ESIGN-RATE", "catalogue"),
        ("F", "SW-QLVB-RATE", "catalogue"),
    ]
    stored = DataValue.objects.get(indicator__code="SW-ECABINET-YTD", unit__code="VPUBND", period="2023-08")
    assert stored.value == D(1067)
    assert ImportBatch.objects.latest("id").answers["columns"][1] == {
        "sheet": "Phan mem",
        "header": "D",
        "indicator": None,
    }


# ---- a percent column whose scale cannot be judged asks, with both readings ----------------------


def one_agency_sheet(esign, formats=None):
    rows = [
        ["Phần mềm, ứng dụng khác", "", "", ""],
        ["", "", "", ""],
        [
            "STT",
            "Đơn vị",
            "Tỷ lệ văn bản điện tử được ký số của cơ quan, đơn vị (%)",
            "Tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ (%)",
        ],
        [1, "Sở GD&ĐT", esign, "93,62%"],
    ]
    return build_xlsx({"PM": SheetSpec(rows, formats=formats or {})})


def test_one_row_of_plain_fractions_is_a_question_with_both_readings():
    r = parsed(one_agency_sheet(0.51))["PM"]
    (p,) = [p for p in r.problems if p.severity == Severity.ERROR]
    assert (p.code, p.cell) == ("ambiguous_percent_scale", "C4")
    assert p.message == (
        '"0.51" không rõ là 0,51% hay 51%: cột chỉ có 1 ô số, không có định dạng phần trăm, nên không biết '
        'cột ghi theo thang 0–1 hay 0–100. Hãy ghi rõ "0,51%" hoặc "51%".'
    )
    (v,) = [v for v in r.values if v.indicator == "SW-ESIGN-RATE"]
    assert v.value is None  # never stored as 51 %
    (email,) = [v for v in r.values if v.indicator == "SW-EMAIL-RATE"]
    assert email.value == D("93.62")


def test_a_percent_formatted_cell_or_a_whole_column_judges_the_scale():
    r = parsed(one_agency_sheet(0.51, {"C4": "0.00%"}))["PM"]
    assert [p.code for p in r.problems] == []
    assert [v.value for v in r.values if v.indicator == "SW-ESIGN-RATE"] == [D(51)]
    r = parsed(one_agency_sheet(0.0))["PM"]  # zero is zero on either scale
    assert [v.value for v in r.values if v.indicator == "SW-ESIGN-RATE"] == [D(0)]
    r = parsed(one_agency_sheet(51.0))["PM"]
    assert [v.value for v in r.values if v.indicator == "SW-ESIGN-RATE"] == [D(51)]


@pytest.mark.django_db
def test_the_cli_never_stores_an_unjudged_fraction(catalogue, tmp_path):
    path = tmp_path / "gd.xlsx"
    path.write_bytes(one_agency_sheet(0.51))
    code, out = run_cli(str(path), "--period", "2023-08", "--json")
    result = json.loads(out)
    assert (code, result["status"]) == (1, "rejected")
    assert [e["code"] for e in result["errors"]] == ["ambiguous_percent_scale"]
    assert not DataValue.objects.filter(indicator__code="SW-ESIGN-RATE").exists()
