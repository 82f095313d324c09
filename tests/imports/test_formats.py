"""Layouts: both samples parse with every mapped value exact; variants built in code (columns moved,
extra columns, renamed headers, glyphs, sheets renamed and reordered, unknown units) still map."""

from decimal import Decimal
from pathlib import Path

import pytest

from imports.formats import parse_workbook
from imports.types import Severity
from imports.validation import Catalogue, validate
from imports.workbook import read_workbook

from .expected_samples import EXPECTED_01, EXPECTED_08
from .xlsx_builders import (
    AUGUST,
    JANUARY,
    SheetSpec,
    build_xlsx,
    insert_column,
    move_column,
    replace_text,
    sample_sheets,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
D = Decimal


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.from_csv(FIXTURES)


def parsed(source):
    results, problems, detections = parse_workbook(read_workbook(source))
    return {r.sheet: r for r in results}, problems, detections


def table(result):
    out = {}
    for v in result.values:
        label = v.unit_label if (not v.unit_code or v.is_total) else v.unit_code
        out.setdefault(v.indicator, []).append((v.ref.cell, label, None if v.value is None else str(v.value)))
    return out


@pytest.mark.parametrize(("path", "expected"), [(JANUARY, EXPECTED_01), (AUGUST, EXPECTED_08)])
def test_every_mapped_value_of_the_samples_is_exact(path, expected):
    results, problems, _ = parsed(path)
    assert problems == []
    assert {name: table(r) for name, r in results.items()} == expected


def test_layouts_are_detected_by_content():
    _, _, det = parsed(AUGUST)
    assert [(d.sheet, d.layout) for d in det] == [
        ("DVCTT", "dvctt"),
        ("BinhPhuocToday", "app_users"),
        ("Tong dai 1022", "hotline"),
        ("Phan mem", "software_usage"),
        ("Chung thuc", "ecert"),
        ("Thanh toan truc tuyen", "tax_payments"),
        ("Tuyen truyen", "media"),
    ]
    _, _, det = parsed(JANUARY)
    assert ("To CNSCD", "cnscd_teams") in [(d.sheet, d.layout) for d in det]


def problems_of(results):
    return [(p.sheet, p.cell, p.severity, p.code) for r in results.values() for p in r.problems]


def test_january_quirks_are_reported_at_their_cells():
    results, _, _ = parsed(JANUARY)
    assert problems_of(results) == [
        ("DVCTT", "F5", Severity.WARNING, "missing_percent"),
        ("Phan mem", "D4", Severity.WARNING, "dot_decimal"),
        ("Phan mem", "D25", Severity.WARNING, "dot_decimal"),
    ]
    d4 = results["Phan mem"].problems[0]
    assert str(d4) == (
        "Sheet 'Phan mem', dòng 4, cột 'Tỷ lệ văn bản điện tử đƣợc ký số của cơ quan, đơn vị': "
        '"92.70%" dùng dấu chấm thập phân, được hiểu là 92,7%'
    )
    f5 = results["DVCTT"].problems[0]
    assert str(f5) == (
        "Sheet 'DVCTT', dòng 5, cột 'Tỷ lệ hồ sơ xử lý trực tuyến': \"98,9\" thiếu dấu %, được hiểu là 98,9%"
    )


def test_the_malformed_tax_cell_is_an_error_with_the_total_as_suggestion():
    results, _, _ = parsed(AUGUST)
    (err,) = results["Thanh toan truc tuyen"].problems
    assert (err.cell, err.severity, err.value, err.suggestion) == (
        "K9",
        Severity.ERROR,
        "2,73",
        "2.730 (theo dòng Tổng)",
    )
    assert err.as_dict()["cell"] == "K9"


def test_the_day_group_and_the_combined_total_row_map_to_nothing():
    results, _, _ = parsed(AUGUST)
    tax = results["Thanh toan truc tuyen"]
    assert {v.ref.cell[0] for v in tax.values} == set("GHIJKLMN")
    assert max(v.ref.row for v in tax.values) == 17


def test_hotline_short_window_rows_map_to_nothing():
    results, _, _ = parsed(AUGUST)
    assert [v.ref.row for v in results["Tong dai 1022"].values] == [4, 5, 6, 7, 8, 9]


def test_printed_derived_columns_are_kept():
    results, _, _ = parsed(JANUARY)
    d = {(x.ref.cell): (x.kind, x.direction, x.amount) for x in results["DVCTT"].derived}
    assert d["D7"] == ("change", "down", D("7.1"))
    assert d["G5"] == ("change", "up", D("0.9"))
    assert d["E5"] == ("status", "met", None)
    inc = {x.ref.cell: x.amount for x in results["BinhPhuocToday"].derived}
    assert inc["D6"] == D(7) and inc["D15"] == D(1336) and inc["D16"] == D(1545)


def test_validation_resolves_every_unit_and_reconciles_totals(catalogue):
    results, _, _ = parsed(AUGUST)
    v = validate(results.values(), catalogue, "2023-08")
    assert sorted(v.invalid_cells) == ["Thanh toan truc tuyen!K9"]
    assert [(p.cell, p.code) for p in v.problems] == [
        ("K9", "not_a_number"),
        ("J17", "total_mismatch"),
        ("N17", "total_mismatch"),
    ]
    j17 = v.problems[1]
    assert j17.message == (
        "Dòng Tổng in 240.724.102 nhưng tổng các đơn vị là 240.458.368 (TAX-FEE-AMOUNT); "
        "khớp nếu các ô J10, J11, J14, J15 được ghi theo nghìn đồng"
    )
    by_key = {(x.indicator, x.unit): x.value for x in v.values}
    assert by_key[("SW-ECABINET-YTD", "DONGXOAI")] == D(1381)
    assert by_key[("APP-BPTODAY-USERS", "BP-UNK")] == D(25211)
    assert by_key[("APP-BPTODAY-USERS", "BP")] == D(40387)
    assert by_key[("DVC-SVC-RATE", "BP")] == D(99)
    assert by_key[("ECERT-TOTAL", "BP")] == D(112279)
    assert by_key[("HOT-OPEN", "BP")] == D(4)
    assert by_key[("TAX-FEE-COUNT", "DONGPHU")] == D(0)
    assert all(x.period == "2023-08" for x in v.values)
    assert len(v.values) == 309


def test_january_units_all_resolve(catalogue):
    results, _, _ = parsed(JANUARY)
    v = validate(results.values(), catalogue, "2023-01")
    assert v.errors == []
    units = {x.unit for x in v.values if x.indicator == "SW-ECABINET-YTD"}
    assert len(units) == 33
    assert {x.unit for x in v.values if x.indicator.startswith("CNS-")} == {
        "DONGXOAI",
        "PHUOCLONG",
        "HONQUAN",
        "DONGPHU",
        "LOCNINH",
        "BINHLONG",
        "PHURIENG",
        "CHONTHANH",
        "BUGIAMAP",
        "BUDOP",
        "BUDANG",
        "BP",
    }


# ---- variants -------------------------------------------------------------------------------


def values_of(results, sheet, indicator):
    return {v.unit_label: v.value for v in results[sheet].values if v.indicator == indicator}


def test_sheets_renamed_and_reordered_are_still_detected():
    sheets = sample_sheets(AUGUST)
    renamed = {f"Sheet{i}": sheets[name] for i, name in enumerate(reversed(list(sheets)))}
    results, problems, det = parsed(build_xlsx(renamed))
    layouts = sorted(d.layout for d in det)
    assert layouts == sorted(
        ["dvctt", "app_users", "hotline", "software_usage", "ecert", "tax_payments", "media"]
    )


def test_columns_moved_still_map_by_header():
    sheets = sample_sheets(AUGUST)
    spec = move_column(sheets["Phan mem"], 5, 2)  # e-mail rate moved before eCabinet
    results, _, _ = parsed(build_xlsx({"PM": spec}))
    assert values_of(results, "PM", "SW-EMAIL-RATE")["Sở GD&ĐT"] == D("93.62")
    assert values_of(results, "PM", "SW-ECABINET-YTD")["UBND TP.Đồng Xoài"] == D(1381)
    assert values_of(results, "PM", "SW-ESIGN-RATE")["Sở GD&ĐT"] == D(90)  # fraction column rule
    assert {v.ref.cell[0] for v in results["PM"].values if v.indicator == "SW-EMAIL-RATE"} == {"C"}


def test_an_extra_per_window_ecabinet_column_maps_to_the_period_count():
    sheets = sample_sheets(AUGUST)
    extra = ["", "", "Họp không giấy qua phần mềm Ecabinet (trong kỳ báo cáo)"] + [
        float(i) for i in range(33)
    ]
    spec = insert_column(sheets["Phan mem"], 3, extra)
    results, _, _ = parsed(build_xlsx({"Phan mem": spec}))
    r = results["Phan mem"]
    assert values_of(results, "Phan mem", "SW-ECABINET")["Sở GTVT"] == D(2)
    assert values_of(results, "Phan mem", "SW-ECABINET-YTD")["UBND TP.Đồng Xoài"] == D(1381)
    assert [p.code for p in r.problems] == []


def test_an_unknown_column_is_a_warning_naming_it():
    sheets = sample_sheets(AUGUST)
    spec = insert_column(sheets["Phan mem"], 6, ["", "", "Số máy tính kết nối mạng"] + [1.0] * 33)
    results, _, _ = parsed(build_xlsx({"Phan mem": spec}))
    (p,) = results["Phan mem"].problems
    assert (p.severity, p.code, p.cell) == (Severity.WARNING, "unmapped_column", "G3")
    assert p.message == "Không nhận ra cột 'Số máy tính kết nối mạng'; số liệu của cột này không được nhập."


def test_a_sheet_with_a_subset_of_the_columns_imports_what_it_has():
    """Issue 15: an agency sheet with only the columns it reports is no longer refused ("Thiếu cột bắt
    buộc"): the missing column is a warning, the rest imports."""
    sheets = sample_sheets(AUGUST)
    rows = [row[:5] for row in sheets["DVCTT"].rows]  # the file-rate group is cut off
    merges = ["A3:A4", "B3:B4", "C3:E3", "A32:B32"]  # the TỔNG row's label is merged over A:B
    results, _, _ = parsed(build_xlsx({"DVCTT": SheetSpec(rows, merges)}))
    problems = [(p.severity, p.message) for p in results["DVCTT"].problems]
    assert problems == [
        (Severity.WARNING, "Sheet không có cột cho chỉ tiêu DVC-FILE-RATE; chỉ nhập các cột có trong sheet.")
    ]
    assert values_of(results, "DVCTT", "DVC-SVC-RATE")["Huyện Bù Đăng"] == D(100)


def test_legacy_glyphs_renamed_headers_and_typos():
    sheets = sample_sheets(AUGUST)
    spec = replace_text(sheets["BinhPhuocToday"], "Phước Long", "PHƢỚC LONG")
    spec = replace_text(spec, "ư", "ƣ")
    spec = replace_text(spec, "Số người dùng", "SỐ NGƢỜI SỬ DỤNG")
    spec = replace_text(spec, "Đơn vị", "TÊN ĐƠN VỊ")
    results, _, det = parsed(build_xlsx({"App": spec}))
    assert det[0].layout == "app_users"
    assert values_of(results, "App", "APP-BPTODAY-USERS")["PHƢỚC LONG"] == D(1134)
    pm = replace_text(sheets["Phan mem"], "Hộp không giấy", "Họp không giây")
    results, _, _ = parsed(build_xlsx({"PM": pm}))
    assert values_of(results, "PM", "SW-ECABINET-YTD")["VP UBND tỉnh"] == D(1067)


def test_empty_or_hash_stt_cells_do_not_matter():
    sheets = sample_sheets(JANUARY)
    spec = sheets["BinhPhuocToday"]
    rows = [["#" if c == 0 and r >= 3 else v for c, v in enumerate(row)] for r, row in enumerate(spec.rows)]
    results, _, _ = parsed(build_xlsx({"X": SheetSpec(rows, spec.merges)}))
    assert values_of(results, "X", "APP-BPTODAY-USERS")["Đồng Xoài"] == D(2960)


def test_a_new_unknown_unit_name_is_an_error_with_suggestions(catalogue):
    sheets = sample_sheets(AUGUST)
    spec = replace_text(sheets["BinhPhuocToday"], "Bù Gia Mập", "Bù Gia Mâp Mới")
    results, _, _ = parsed(build_xlsx({"App": spec}))
    v = validate(results.values(), catalogue, "2023-08")
    (err,) = v.errors
    assert (err.row, err.column, err.code) == (4, 2, "unknown_unit")
    assert str(err) == (
        "Sheet 'App', dòng 4, cột 'B': Không tìm thấy đơn vị \"Bù Gia Mâp Mới\" trong danh mục; gần giống: Huyện Bù Gia Mập, Xã Bù Gia Mập"
    )


def test_header_dates_never_change_the_period(catalogue):
    sheets = sample_sheets(AUGUST)
    spec = replace_text(sheets["Thanh toan truc tuyen"], "09/2023", "10/2023")
    results, _, _ = parsed(build_xlsx({"Thuế": spec}))
    v = validate(results.values(), catalogue, "2023-08")
    assert {x.period for x in v.values} == {"2023-08"}
    assert {x.indicator for x in v.values if x.unit == "DONGXOAI"} >= {"TAX-NVTC-COUNT", "TAX-NVTC-COUNT-YTD"}


def test_a_blank_sheet_with_some_text_is_not_detected():
    data = build_xlsx({"Ghi chú": [["Ghi chú của người gửi"], ["Không có bảng số liệu"]]})
    results, problems, det = parsed(data)
    assert results == {}
    assert [(p.sheet, p.code) for p in problems] == [("Ghi chú", "unknown_sheet")]


def test_long_format_with_codes_names_and_periods(catalogue):
    data = build_xlsx(
        {
            "Dữ liệu": [
                ["Mã chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị", "Ghi chú"],
                ["DVC-SVC-RATE", "Sở Y tế", "2023-07", "92,5%", ""],
                ["Tỷ lệ hồ sơ xử lý trực tuyến", "SYT", "07/2023", 88.0, "ước tính"],
                ["XYZ", "SYT", "2023-07", 1.0, ""],
                ["DVC-SVC-RATE", "SYT", "2023-13", 1.0, ""],
            ]
        }
    )
    results, _, det = parsed(data)
    assert det[0].layout == "long_format"
    v = validate(results.values(), catalogue, "2023-08")
    assert [(x.indicator, x.unit, x.period, x.value, x.note) for x in v.values] == [
        ("DVC-SVC-RATE", "SYT", "2023-07", D("92.5"), ""),
        ("DVC-FILE-RATE", "SYT", "2023-07", D(88), "ước tính"),
    ]
    assert [(p.cell, p.code) for p in v.errors] == [("C5", "bad_period"), ("D4", "unknown_indicator")]


# ---- KH57 results and DTI tables (no real sample exists: built from the description) ----

KH57_ROWS = [
    ["BÁO CÁO KẾT QUẢ 6 THÁNG ĐẦU NĂM 2023 THỰC HIỆN KẾ HOẠCH 57/KH-UBND"],
    [""],
    ["STT", "Chỉ tiêu", "Kết quả thực hiện", "Tử số", "Mẫu số", "Ghi chú"],
    ["1", "1. Hạ tầng số", "", "", "", ""],
    [
        "",
        "Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 70%.",
        "65,3%",
        "450.000",
        "689.000",
        "Dân số trưởng thành",
    ],
    [
        "",
        "Tỷ lệ hộ gia đình được phủ mạng Internet băng thông rộng cáp quang đạt 70%.",
        "Chỉ tiêu 70%, đạt 72,1%",
        "",
        "",
        "",
    ],
    ["2", "2. Chính quyền số", "", "", "", ""],
    [
        "",
        "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng: cấp tỉnh đạt 100%, cấp huyện 95%, cấp xã 80%",
        "95%, 92%, 70%",
        "",
        "",
        "",
    ],
    [
        "",
        "Tỷ lệ cơ quan nhà nước cung cấp dữ liệu mở đầy đủ theo danh mục đạt 50%",
        "Đang rà soát, chưa có số liệu",
        "",
        "",
        "",
    ],
]


def test_kh57_rows_match_indicators_by_text_in_any_order(catalogue):
    rows = KH57_ROWS[:3] + list(reversed(KH57_ROWS[3:]))
    results, _, det = parsed(build_xlsx({"Bảng 1": rows}))
    assert det[0].layout == "kh57_results"
    r = results["Bảng 1"]
    assert r.period_hint == "2023-06"
    got = {
        v.indicator: (v.value, v.tiers, v.numerator, v.denominator, v.note, v.target_printed)
        for v in r.values
    }
    assert got["HTS-SMARTPHONE"] == (D("65.3"), None, D(450000), D(689000), "Dân số trưởng thành", "đạt 70%")
    assert got["HTS-FTTH"][0] == D("72.1")
    assert got["CQS-WORK-ONLINE"][:2] == (D(95), {"province": D(95), "district": D(92), "commune": D(70)})
    assert got["CQS-OPENDATA"][:2] == (None, None)
    assert got["CQS-OPENDATA"][4] == "Đang rà soát, chưa có số liệu"
    v = validate(results.values(), catalogue, "2023-06")
    assert v.errors == []
    assert {(x.indicator, x.unit, x.period) for x in v.values} >= {("CQS-OPENDATA", "BP", "2023-06")}


DTI_ROWS = [
    ["KẾT QUẢ CHỈ SỐ DTI CẤP HUYỆN NĂM 2022"],
    [
        "STT",
        "Đơn vị",
        "Nhận thức số",
        "Thế chế số",
        "Hạ tầng số",
        "Nhân lực số",
        "An toàn thông tin mạng",
        "Hoạt động chính quyền số",
        "Hoạt động kinh tế số",
        "Hoạt động xã hội số",
        "Điểm trang thông tin điện tử",
        "Tổng điểm",
        "Xếp loại",
    ],
    ["", "Điểm tối đa", 60, 30, 60, 65, 45, 150, 100, 90, 100, 700, ""],
    [1, "Thành phố Đồng Xoài", 50, 25, 50, 50, 40, 120, 80, 70, 90, "575*", "Tốt"],
    [2, "Huyện Bù Đốp", 30, 15, 30, 30, 20, 80, 40, 40, 60, 340, "Khá"],
]


def test_dti_table_checks_totals_and_groups():
    results, _, det = parsed(build_xlsx({"DTI huyện": DTI_ROWS}))
    assert det[0].layout == "dti_scores"
    r = results["DTI huyện"]
    assert r.dti_year == 2022
    dx, bd = r.dti_rows
    assert (dx.level, dx.total_printed, dx.group_printed, dx.note) == (
        "district",
        D(575),
        "Tốt",
        "có chú thích (*)",
    )
    assert dx.scores["THE-CHE"] == D(25) and dx.scores["KINH-TE"] == D(80)
    assert [(p.cell, p.code, p.message) for p in r.problems] == [
        ("L5", "dti_total_mismatch", "Tổng điểm in 340 khác tổng các trụ cột 345"),
        ("M5", "dti_group_mismatch", "Xếp loại in 'Khá' nhưng 340/700 điểm là 'Yếu'"),
    ]
