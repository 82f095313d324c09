"""A sheet whose used range is huge is refused before python-calamine sizes it (issue 16 #1).

calamine holds a sheet as one dense rectangle: a 5 KB xlsx with the cells A1 and XFD1048576 asks for
512 GB and the allocator aborts the process (gunicorn worker, Celery pool process, the CLI: exit 134).
The used range is read from the sheet's own records first, never from its `<dimension>`.
"""

import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from imports.guards import SheetBounds, SheetLimits
from imports.models import ImportBatch
from imports.types import WorkbookError, column_letter
from imports.workbook import read_workbook
from indicators.models import DataValue
from tests.api.conftest import token_client

from .test_services import run_cli

XFD_MESSAGE = (
    "Sheet 'Sheet' quá lớn: vùng dữ liệu kéo dài đến ô XFD1048576 (1.048.576 dòng × 16.384 cột); giới hạn "
    "là 300.000 dòng, 1.000 cột và 5.000.000 ô một sheet. Hãy xóa các dòng, cột thừa ở cuối sheet (Ctrl+End "
    "cho thấy ô cuối cùng đang được dùng), lưu lại rồi tải lên."
)


def far_cell_workbook(*cells: str) -> bytes:
    wb = openpyxl.Workbook()
    for ref in cells:
        wb.active[ref] = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_sheet_xml(data: bytes, sheet_data: str, dimension: str | None = None) -> bytes:
    """The workbook with its first sheet's <sheetData> (and optionally <dimension>) replaced."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            body = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                text = body.decode()
                a, b = text.index("<sheetData"), text.index("</sheetData>") + len("</sheetData>")
                text = text[:a] + sheet_data + text[b:]
                if dimension is not None:
                    start = text.index("<dimension")
                    text = text[:start] + f'<dimension ref="{dimension}"/>' + text[text.index("/>", start) + 2 :]
                body = text.encode()
            z.writestr(name, body)
    return out.getvalue()


def refusal(data, **kw) -> WorkbookError:
    with pytest.raises(WorkbookError) as exc:
        read_workbook(data, **kw)
    return exc.value


@pytest.mark.parametrize("cells", [("XFD1048576",), ("A1", "XFD1048576")], ids=["only-xfd", "a1-and-xfd"])
def test_a_sheet_reaching_xfd1048576_is_refused_naming_the_sheet(cells):
    e = refusal(far_cell_workbook(*cells))
    assert (e.code, e.message) == ("sheet_too_large", XFD_MESSAGE)


def test_the_dimension_element_is_not_trusted():
    data = with_sheet_xml(
        far_cell_workbook("A1"),
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="B900000"><v>2</v></c></row>'
        "</sheetData>",
        dimension="A1:A1",
    )
    assert refusal(data).message.startswith("Sheet 'Sheet' quá lớn: vùng dữ liệu kéo dài đến ô B900000 (900.000 dòng")


def test_rows_written_out_of_order_and_cells_without_references_count():
    late_first = '<sheetData><row r="400000"><c r="A400000"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row></sheetData>'
    assert refusal(with_sheet_xml(far_cell_workbook("A1"), late_first)).code == "sheet_too_large"
    # cells without `r` take the next column: 1,200 of them in one row reach column 1,200
    wide = "<sheetData><row>" + "<c><v>1</v></c>" * 1200 + "</row></sheetData>"
    e = refusal(with_sheet_xml(far_cell_workbook("A1"), wide))
    assert "(1 dòng × 1.200 cột)" in e.message


def test_formatted_blanks_far_away_do_not_count():
    data = with_sheet_xml(
        far_cell_workbook("A1"),
        '<sheetData><row r="1"><c r="A1"><v>7</v></c><c r="XFD1" s="0"/></row></sheetData>',
    )
    assert read_workbook(data).sheets[0].rows == [[7.0]]


def test_the_limits_are_settings():
    data = far_cell_workbook("A1", "C40")
    assert read_workbook(data).sheets[0].height == 40
    e = refusal(data, limits=SheetLimits(rows=39))
    assert "giới hạn là 39 dòng, 1.000 cột" in e.message
    assert refusal(data, limits=SheetLimits(columns=2)).code == "sheet_too_large"
    assert refusal(data, limits=SheetLimits(cells=119)).code == "sheet_too_large"


def test_the_bounds_are_found_across_chunks():
    xml = (
        b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        + b"".join(b'<row r="%d"><c r="B%d"><v>1</v></c></row>' % (i, i) for i in range(2, 3000))
        + b'<row r="3000"><c r="AB3000"><v>1</v></c></row></sheetData></worksheet>'
    )
    bounds = SheetBounds()
    for k in range(0, len(xml), 997):
        bounds.feed(xml[k : k + 997])
    bounds.close()
    assert (bounds.rows, bounds.columns) == (3000, 28)


@pytest.mark.django_db
def test_web_upload_api_and_cli_refuse_it_and_store_nothing(client, staff, tmp_path, django_capture_on_commit_callbacks):
    data = far_cell_workbook("A1", "XFD1048576")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("to.xlsx", data), "period": "2023-08"})
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.message) == ("failed", XFD_MESSAGE)
    assert escape(XFD_MESSAGE) in client.get(response["Location"]).content.decode()

    api = token_client(staff)
    answer = api.post("/api/v1/imports/", {"file": SimpleUploadedFile("to.xlsx", data)}, format="multipart")
    assert answer.status_code == 400
    assert [e["message"] for e in answer.json()["errors"]] == [XFD_MESSAGE]
    assert DataValue.objects.count() == 0

    # The CLI (before the guard the process died of SIGABRT, exit 134, and so would this test run)
    path = tmp_path / "to.xlsx"
    path.write_bytes(data)
    code, out = run_cli(str(path), "--period", "2023-08", "--json")
    assert code == 2
    assert json.loads(out)["errors"][0]["message"] == XFD_MESSAGE
    assert DataValue.objects.count() == 0


def test_rows_out_of_order_without_references_keep_the_bound():
    # Cells without their reference are placed by the row tags; a later row tag with a lower number
    # must not lower the bound already found (before: the bound became 1 and 1,000 rows slipped past
    # the row limit).
    xml = (
        b'<worksheet><sheetData><row r="1000"><c t="n"><v>1</v></c><c><v>2</v></c></row>'
        b'<row r="1"><c><v>1</v></c></row></sheetData></worksheet>'
    )
    bounds = SheetBounds()
    bounds.feed(xml)
    bounds.close()
    assert (bounds.rows, bounds.columns) == (1000, 2)


@given(
    cells=st.lists(st.tuples(st.integers(1, 5000), st.integers(1, 60)), min_size=1, max_size=60),
    chunk=st.integers(7, 400),
    shuffle=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_the_bounds_match_every_reference_in_any_order_and_chunking(cells, chunk, shuffle):
    # Every cell carries its reference (the fast path); written in row order or not, fed in chunks of
    # any size, the bounds are the largest row and column of a cell with a value.
    ordered = sorted(set(cells)) if not shuffle else list(dict.fromkeys(cells))
    xml = b"<worksheet><sheetData>" + b"".join(
        b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (r, column_letter(c).encode(), r) for r, c in ordered
    ) + b"</sheetData></worksheet>"
    bounds = SheetBounds()
    for k in range(0, len(xml), chunk):
        bounds.feed(xml[k : k + chunk])
    bounds.close()
    assert (bounds.rows, bounds.columns) == (max(r for r, _ in ordered), max(c for _, c in ordered))


def test_a_prefixed_sheet_fed_in_small_pieces_keeps_its_bounds():
    # The root's namespace prefix is learnt from the chunk that holds the root, not from the first
    # piece (an XML declaration alone); before, the prefix was taken as none and no cell was seen.
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="urn:x"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        b'<x:row r="5"><x:c r="C5"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    bounds = SheetBounds()
    for k in range(0, len(xml), 5):
        bounds.feed(xml[k : k + 5])
    bounds.close()
    assert (bounds.rows, bounds.columns) == (5, 3)


@pytest.mark.parametrize("ref", ["A1x", "B2 ", "C3;D4"])
def test_a_cell_reference_that_is_not_one_is_a_corrupt_file_not_a_crash(ref):
    # The pre-read raised AttributeError on `r="A1x"` (the upload failed with a traceback); calamine
    # itself refuses such a sheet ("Expecting alphanumeric character").
    data = with_sheet_xml(
        far_cell_workbook("A1"),
        f'<sheetData><row r="1"><c r="{ref}" t="n"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row></sheetData>',
    )
    error = refusal(data)
    assert (error.code, str(error)) == (
        "corrupt",
        f"Tệp bảng tính bị hỏng (một ô có địa chỉ không hợp lệ '{ref}'). Hãy lưu lại tệp rồi tải lên.",
    )
