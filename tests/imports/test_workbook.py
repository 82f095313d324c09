import io
import zipfile

import pytest

from imports.types import Severity
from imports.workbook import WorkbookError, read_workbook

from .xlsx_builders import AUGUST, SheetSpec, build_xlsx


def refused(data, **kw) -> WorkbookError:
    with pytest.raises(WorkbookError) as exc:
        read_workbook(data, **kw)
    return exc.value


def test_it_reads_a_sample_with_merges_and_percent_formats():
    wb = read_workbook(AUGUST)
    assert wb.sheet_names == [
        "DVCTT",
        "BinhPhuocToday",
        "Tong dai 1022",
        "Phan mem",
        "Chung thuc",
        "Thanh toan truc tuyen",
        "Tuyen truyen",
    ]
    dvctt = wb.sheets[0]
    assert dvctt.value(3, 1) == "Đơn vị"  # B4 is inside the merged B3:B4
    assert dvctt.is_percent(4, 5) is True  # F5 is formatted 0%
    assert dvctt.is_percent(4, 2) is False
    assert wb.problems == []


def test_it_refuses_a_pdf_renamed():
    e = refused(b"%PDF-1.7 fake")
    assert e.code == "not_xlsx"
    assert e.message == (
        "Tệp là PDF, không phải bảng tính. Chỉ nhận bảng tính Excel (.xlsx, .xlsm, .xlsb, .xls), OpenDocument "
        "(.ods) hoặc văn bản CSV/TXT (phân cách bằng dấu phẩy, chấm phẩy hoặc tab)."
    )


def test_a_csv_is_read_as_one_sheet_of_text_cells():
    wb = read_workbook("STT,Đơn vị,Số người dùng\n1,Đồng Xoài,2960\n".encode(), filename="so-lieu.xls")
    (sheet,) = wb.sheets
    assert (sheet.name, sheet.rows) == ("so-lieu", [["STT", "Đơn vị", "Số người dùng"], ["1", "Đồng Xoài", "2960"]])


def test_a_broken_ole_file_is_refused_as_a_damaged_xls():
    e = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "Workbook".encode("utf-16-le"))
    assert e.code == "corrupt"
    assert e.message.startswith("Tệp .xls bị hỏng")


def test_it_refuses_a_password_protected_workbook():
    e = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le"))
    assert e.code == "encrypted"
    assert "mật khẩu" in e.message


def test_it_refuses_a_corrupt_zip():
    data = AUGUST.read_bytes()[:3000]
    e = refused(data)
    assert e.code == "corrupt"
    assert e.message.startswith("Tệp Excel bị hỏng")


def test_it_refuses_a_zip_bomb_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    e = refused(buf.getvalue())
    assert e.code == "zip_bomb"
    assert "bom nén" in e.message


def test_it_refuses_too_much_uncompressed_data():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"x" * 4000)
    e = refused(buf.getvalue(), max_uncompressed=1000)
    assert e.code == "zip_bomb"


def test_it_refuses_a_file_over_the_size_limit():
    e = refused(AUGUST.read_bytes(), max_bytes=1024)
    assert e.code == "too_large"
    assert e.message == "Tệp quá lớn (0,0 MB); giới hạn là 0,000976562 MB."


def test_it_refuses_a_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert refused(buf.getvalue()).message.startswith("Tệp là Word (.docx)")


def test_it_refuses_a_workbook_with_only_empty_sheets():
    e = refused(build_xlsx({"Trống": [[]], "Cũng trống": [[""]]}))
    assert e.code == "no_data"
    assert e.message == "Tệp Excel không có dữ liệu: mọi sheet đều trống hoặc bị ẩn."


def test_hidden_sheets_are_skipped_with_a_warning():
    data = build_xlsx({"Hiện": [["Chỉ tiêu", "Số liệu"]], "Ẩn": SheetSpec([["x"]], hidden=True)})
    wb = read_workbook(data)
    assert [s.name for s in wb.sheets] == ["Hiện"]
    (p,) = wb.problems
    assert (p.sheet, p.severity, p.code) == ("Ẩn", Severity.WARNING, "hidden_sheet")


def test_a_formula_without_cached_value_is_an_error_on_its_cell():
    data = build_xlsx({"S": SheetSpec([["Đơn vị", "Số"], ["Sở Y tế", 5]], formulas={"B3": "=B2*2"})})
    wb = read_workbook(data)
    (p,) = wb.problems
    assert (p.row, p.column, p.cell, p.code, p.severity) == (
        3,
        2,
        "B3",
        "formula_without_value",
        Severity.ERROR,
    )
    assert str(p).startswith("Sheet 'S', dòng 3, cột 'B': Ô B3 chứa công thức nhưng không có giá trị đã tính")


def test_merged_cells_resolve_to_their_top_left_value():
    data = build_xlsx({"S": SheetSpec([["Nhóm", "", ""], ["a", "b", "c"]], merges=["A1:C1"])})
    sheet = read_workbook(data).sheets[0]
    assert [sheet.value(0, c) for c in range(3)] == ["Nhóm", "Nhóm", "Nhóm"]
    assert sheet.raw(0, 1) == ""


def test_percent_formats_are_known_for_small_sheets():
    data = build_xlsx({"S": SheetSpec([["x", 0.5, 0.5]], formats={"B1": "0.00%"})})
    sheet = read_workbook(data).sheets[0]
    assert sheet.is_percent(0, 1) is True
    assert sheet.is_percent(0, 2) is False


def test_dates_come_back_as_dates():
    import datetime

    data = build_xlsx({"S": [["Kỳ", datetime.datetime(2023, 8, 1)]]})
    assert read_workbook(data).sheets[0].raw(0, 1) == datetime.date(2023, 8, 1)
