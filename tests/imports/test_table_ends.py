"""A table ends where its data ends: footnotes, signature and approval blocks, the place and date line
are skipped with one informational line, never read as data. Before: each of their cells was an error
and the whole file was rejected."""

from decimal import Decimal

import pytest

from imports.formats import parse_workbook
from imports.formats.header_groups import implied_groups
from imports.formats.table_ends import end_of_table
from imports.services import import_file
from imports.sheet_data import SheetData
from imports.types import Severity
from imports.workbook import read_workbook
from indicators.models import DataValue

from .xlsx_builders import AUGUST, JANUARY, SheetSpec, build_xlsx, sample_sheets

D = Decimal

FOOTER = [
    [],
    ["", "Ghi chú: * Số liệu trích xuất từ hệ thống ngày 30/9/2023", "", ""],
    ["", "Nguồn: Trung tâm IOC", "", ""],
    ["", "Bình Phước, ngày 05 tháng 10 năm 2023", "", ""],
    ["", "Người lập biểu", "", "KT. GIÁM ĐỐC"],
    ["", "", "", "PHÓ GIÁM ĐỐC"],
    ["", "", "", "(Đã ký)"],
    ["", "Nguyễn Văn A", "", "Trần Thị B"],
    ["", "Nơi nhận:", "", ""],
    ["", "- Như trên;", "", ""],
]


def with_footer(spec: SheetSpec) -> SheetSpec:
    width = max(len(r) for r in spec.rows)
    rows = [list(r) + [""] * (width - len(r)) for r in spec.rows]
    rows += [(list(f) + [""] * width)[:width] for f in FOOTER]
    return SheetSpec(rows, list(spec.merges))


def parsed(sheets):
    results, _problems, _ = parse_workbook(read_workbook(build_xlsx(sheets)))
    return {r.sheet: r for r in results}


@pytest.mark.parametrize("sheet", ["BinhPhuocToday", "Phan mem", "DVCTT", "Tong dai 1022", "Tuyen truyen"])
def test_footnotes_and_signatures_under_a_table_are_skipped_with_one_line(sheet):
    original = parsed({sheet: sample_sheets(AUGUST)[sheet]})[sheet]
    variant = parsed({sheet: with_footer(sample_sheets(AUGUST)[sheet])})[sheet]
    assert [(v.indicator, v.ref.cell, v.value) for v in variant.values] == [
        (v.indicator, v.ref.cell, v.value) for v in original.values
    ]
    extra = [p for p in variant.problems if p not in original.problems]
    assert [(p.severity, p.code) for p in extra] == [(Severity.WARNING, "after_table")]
    end = len(sample_sheets(AUGUST)[sheet].rows) + 2
    assert extra[0].message == (
        f"Bảng số liệu kết thúc ở dòng {end - 1}; từ dòng {end} (ghi chú, chữ ký, ngày tháng) không phải số "
        "liệu và không được nhập."
    )


@pytest.mark.django_db
def test_a_whole_workbook_with_footers_imports_exactly(catalogue):
    sheets = {name: with_footer(spec) for name, spec in sample_sheets(JANUARY).items()}
    outcome = import_file(build_xlsx(sheets), period="2023-01", filename="t1.xlsx")
    assert outcome.status == "committed", outcome.errors
    assert outcome.counts["new"] == 269
    assert {w["code"] for w in outcome.warnings} >= {"after_table"}
    assert DataValue.objects.get(indicator__code="APP-BPTODAY-USERS", unit__code="BP").value == D(24575)


def test_the_end_of_a_table_is_found_by_content():
    class Ctx:
        def __init__(self, sheet):
            self.sheet, self.lines = sheet, []

        def warn(self, *args, **kw):
            self.lines.append(kw["code"])

    rows = [["STT", "Đơn vị", "Số"], [1, "Đồng Xoài", 3.0], ["", "", ""], ["", "Thủ trưởng đơn vị", ""]]
    (sheet,) = read_workbook(build_xlsx({"S": rows})).sheets
    ctx = Ctx(sheet)
    assert end_of_table(ctx, 1, sheet.height) == 3
    assert ctx.lines == ["after_table"]


def test_a_sentence_over_the_label_column_and_an_empty_chi_tieu_column_still_import():
    """Before: "Không nhận ra bảng số liệu trong sheet này", nothing imported."""
    spec = sample_sheets(AUGUST)["Phan mem"]
    rows = [list(r) for r in spec.rows]
    rows[2][1] = "Các sở, ban, ngành, UBND các huyện, thị xã, thành phố (theo Kế hoạch 57/KH-UBND)"
    rows = [r[:2] + [("Chỉ tiêu" if i == 2 else "")] + r[2:] for i, r in enumerate(rows)]
    variant = parsed({"Phan mem": SheetSpec(rows, [])})["Phan mem"]
    original = parsed({"Phan mem": sample_sheets(AUGUST)["Phan mem"]})["Phan mem"]
    assert variant.layout == "software_usage"
    shift = {"C": "D", "D": "E", "E": "F", "F": "G"}
    assert [(v.indicator, v.ref.cell, v.value) for v in variant.values] == [
        (v.indicator, shift[v.ref.cell[0]] + v.ref.cell[1:], v.value) for v in original.values
    ]
    assert [p.code for p in variant.problems] == [p.code for p in original.problems]
    assert [(m.header, m.how) for m in variant.mapping][0] == ("Chỉ tiêu", "ignored")


TRANSPOSED = [
    ["Báo cáo kết quả chuyển đổi số tháng 8/2023 của Sở Tài chính", "", ""],
    ["", "", ""],
    ["STT", "Nội dung", "Kết quả"],
    [1, "Tỷ lệ văn bản điện tử được ký số", "90%"],
    [2, "Tỷ lệ sử dụng thư điện tử công vụ", "97,5%"],
    [3, "Số cuộc họp không giấy từ đầu năm", 12],
    [4, "Số cuộc họp không giấy trong tháng", 3],
    ["", "Người lập biểu", ""],
]


@pytest.mark.django_db
def test_a_transposed_one_unit_sheet_imports_for_the_unit_its_title_names(catalogue):
    outcome = import_file(build_xlsx({"STC": TRANSPOSED}), period="2023-08", filename="stc.xlsx")
    assert outcome.status == "committed", outcome.errors
    stored = {
        v.indicator.code: v.value
        for v in DataValue.objects.filter(unit__code="STC").select_related("indicator")
    }
    assert stored == {
        "SW-ESIGN-RATE": D(90),
        "SW-EMAIL-RATE": D("97.5"),
        "SW-ECABINET-YTD": 12,
        "SW-ECABINET": 3,
    }
    assert outcome.sheets[0]["layout"] == "transposed"


@pytest.mark.django_db
def test_a_transposed_sheet_without_a_unit_asks(catalogue):
    rows = [["Báo cáo kết quả chuyển đổi số tháng 8/2023", "", ""], *TRANSPOSED[1:]]
    outcome = import_file(build_xlsx({"X": rows}), period="2023-08", filename="x.xlsx")
    assert outcome.status == "rejected"
    assert [e["message"] for e in outcome.errors] == [
        "Sheet 'X': Không rõ bảng này là số liệu của đơn vị nào (tiêu đề không ghi tên đơn vị); hãy ghi tên "
        "đơn vị vào tiêu đề hoặc tải lên bằng tài khoản của đơn vị."
    ]


def test_a_header_group_without_its_merge_continues_over_its_columns_within_its_parent():
    rows = [
        ["TT", "Đơn vị", "09/2023", "", "", "Năm 2023", "", "Ghi chú"],
        ["", "", "NVTC", "", "Phí", "", "", ""],
        ["", "", "Số GD", "Số tiền", "Số GD", "Số GD", "Số tiền", ""],
    ]
    # G2 is under 'Năm 2023', whose own second level starts empty (F2): no group of '09/2023' reaches it;
    # H1 'Ghi chú' has nothing below it and ends the year group
    assert implied_groups(SheetData("T", rows), 0, 2, 2) == {
        (0, 3): "09/2023",
        (0, 4): "09/2023",
        (0, 6): "Năm 2023",
        (1, 3): "NVTC",
    }
    merged = SheetData("T", rows, merged=[(0, 2, 0, 3)])
    assert implied_groups(merged, 0, 2, 2) == {}  # a workbook's merges say where its groups end
