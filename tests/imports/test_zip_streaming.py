"""Zip members that lie about their size are stopped while streaming (issue 16 #7).

Before: the zip directory's declared sizes were checked and calamine then inflated the member whole; a
1.8 MB upload whose sheet declared a modest size but inflated to 726 MB peaked at 1.5 GB before "Bad
CRC". Now every member is inflated by `imports.guards.Inflater` in chunks with a running count of the
real bytes, so it is refused as soon as it passes its declared size, with memory bounded by a chunk.
"""

import io
import struct
import tracemalloc
import zipfile

import pytest

from imports.types import WorkbookError
from imports.workbook import read_workbook

from .xlsx_builders import build_xlsx

REAL = 60 * 1024 * 1024  # inflated size of the lying sheet
DECLARED = 2 * 1024 * 1024


def lying_workbook(declared: int = DECLARED) -> bytes:
    """A workbook whose first sheet inflates to REAL bytes while both zip headers declare `declared`."""
    base = zipfile.ZipFile(io.BytesIO(build_xlsx({"S": [["Đơn vị", "Số"], ["Sở Y tế", 5]]})))
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    body = b"<worksheet><sheetData>" + row * (REAL // len(row)) + b"</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in base.namelist():
            z.writestr(name, body if name == "xl/worksheets/sheet1.xml" else base.read(name))
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header: uncompressed size
    name = info.filename.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # the central directory entry of that member
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, declared)
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def test_a_member_inflating_past_its_declared_size_is_refused_while_streaming():
    data = lying_workbook()
    assert len(data) < 1024 * 1024  # a small upload …
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError) as exc:
            read_workbook(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.code == "zip_bomb"
    assert exc.value.message == (
        "Tệp bị từ chối: phần 'xl/worksheets/sheet1.xml' giải nén ra nhiều hơn 2.097.152 byte mà tệp khai "
        "báo (có thể là tệp 'bom nén')."
    )
    # … whose 60 MB never sit in memory: at most the declared size kept for the format scan, plus a chunk
    assert peak < DECLARED + 4 * 1024 * 1024, peak


def test_the_real_bytes_of_the_whole_package_are_counted_against_the_limit():
    data = build_xlsx({"S": [["Đơn vị", "Số"]] + [["Sở Y tế", k] for k in range(3000)]})
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert read_workbook(data, max_uncompressed=declared).sheets[0].height == 3001
    with pytest.raises(WorkbookError) as exc:
        read_workbook(data, max_uncompressed=declared - 1)
    assert exc.value.code == "zip_bomb"


def test_a_member_shorter_than_declared_is_a_damaged_file():
    data = bytearray(build_xlsx({"S": [["Đơn vị", "Số"], ["Sở Y tế", 5]]}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == info.filename.encode():
            struct.pack_into("<I", data, pos + 24, info.file_size + 10)
        pos = data.find(b"PK\x01\x02", pos + 4)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(bytes(data))
    assert exc.value.code == "corrupt"
    assert "phần 'xl/worksheets/sheet1.xml' sai kích thước hoặc mã kiểm tra" in exc.value.message
