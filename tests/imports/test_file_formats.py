"""Every spreadsheet format goes through the same reading, detection, validation, preview and commit
(issue 15 "Formats"): .xlsx/.xlsm, .xls and .ods through python-calamine, .csv/.txt through
`imports.delimited` (encoding and delimiter detected); the format is told by the content, never by the
name. The .xls and .ods files are written from the samples by LibreOffice (`soffice --headless
--convert-to`, Debian's libreoffice-calc): skipped without it, failed with REQUIRE_SERVICES=1.

Not covered end to end here: .xlsb (LibreOffice cannot write it, and no writer is packaged; its record
walker is tested on hand-made records, and the pre-read was checked by hand against python-calamine's
own `tests/data/base.xlsb`: the same used ranges as calamine, and refused once a row header says 1048575).
"""

import csv
import io
import json
import shutil
import struct
import subprocess
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.delimited import detect_encoding, read_delimited
from imports.guards import SheetLimits
from imports.legacy_scan import _records
from imports.models import ImportBatch
from imports.types import WorkbookError
from imports.workbook import read_workbook
from indicators.models import DataValue
from tests.api.conftest import token_client
from tests.conftest import need_service

from .expected_samples import EXPECTED_01, EXPECTED_08
from .test_formats import parsed, table
from .test_services import run_cli
from .xlsx_builders import AUGUST, JANUARY

SAMPLES = {"01": (JANUARY, EXPECTED_01), "08": (AUGUST, EXPECTED_08)}


def convert(source: Path, target_format: str, outdir: Path) -> Path:
    need_service("LibreOffice (soffice)", shutil.which("soffice") is not None)
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{outdir}/profile",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return outdir


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The samples as .xls, .ods and one CSV per sheet (UTF-8, comma), written once per module."""
    out = tmp_path_factory.mktemp("converted")
    for month, (path, _expected) in SAMPLES.items():
        convert(path, "xls", out)
        convert(path, "ods", out)
        convert(
            path,
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            out / f"csv{month}",
        )
    return out


@pytest.mark.parametrize("month", ["01", "08"])
@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_the_samples_read_exactly_from_xls_and_ods(converted, month, ext):
    _path, expected = SAMPLES[month]
    results, problems, _ = parsed(converted / f"bao-cao-2023-{month}.{ext}")
    assert problems == []
    assert {name: table(r) for name, r in results.items()} == expected


def stored():
    return sorted(
        DataValue.objects.values_list(
            "indicator__code", "unit__code", "period", "value", "numerator", "denominator"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_the_cli_commits_the_same_values_from_xls_and_ods_as_from_xlsx(converted, catalogue, ext):
    # --skip-invalid: the August sample has one malformed tax cell (K9), left out of every format alike
    assert run_cli(str(AUGUST), "--period", "2023-08", "--skip-invalid", "--json")[0] == 0
    from_xlsx = stored()
    assert len(from_xlsx) > 300
    DataValue.objects.all().delete()
    code, out = run_cli(
        str(converted / f"bao-cao-2023-08.{ext}"), "--period", "2023-08", "--skip-invalid", "--json"
    )
    assert code == 0, out
    assert stored() == from_xlsx


def test_an_xlsm_is_read_as_the_workbook_it_is(tmp_path):
    path = tmp_path / "bao-cao.xlsm"
    path.write_bytes(AUGUST.read_bytes())
    results, problems, _ = parsed(path)
    assert problems == [] and {name: table(r) for name, r in results.items()} == EXPECTED_08


# ---- CSV / TXT --------------------------------------------------------------------------------------

# Every sheet of the August sample, DVCTT and the tax table included: a CSV has no merges, so their
# header groups (printed once over the group's first column) and DVCTT's `TỔNG` (printed in the STT
# column, merged over both in the workbook) are found by `formats/header_groups.py` and
# `labels.total_left_of`.
CSV_SHEETS = [
    "BinhPhuocToday",
    "Chung thuc",
    "DVCTT",
    "Phan mem",
    "Thanh toan truc tuyen",
    "Tong dai 1022",
    "Tuyen truyen",
]


def cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes Vietnamese: base letters with their vowel marks precomposed where
    the code page has them, tone marks as combining characters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and mark in "\u0302\u0306\u031b":
                base = composed
                marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def rewritten(path: Path, delimiter: str, encoding: str) -> bytes:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    if encoding == "cp1258":
        return cp1258(text)
    if encoding == "utf-16-le-nobom":
        return text.encode("utf-16-le")
    return text.encode(encoding)


@pytest.mark.parametrize("sheet", CSV_SHEETS)
@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8-sig"), ("\t", "utf-16"), (";", "cp1258"), (",", "utf-16-le-nobom")],
    ids=["comma-utf8", "semicolon-utf8-bom", "tab-utf16", "semicolon-cp1258", "comma-utf16le-no-bom"],
)
def test_csv_sheets_read_exactly_in_every_encoding_and_delimiter(
    converted, sheet, delimiter, encoding, tmp_path
):
    data = rewritten(converted / "csv08" / f"bao-cao-2023-08-{sheet}.csv", delimiter, encoding)
    path = tmp_path / f"{sheet}.xls"  # a CSV named .xls is read as what it is
    path.write_bytes(data)
    results, problems, _ = parsed(path)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert [table(r) for r in results.values()] == [EXPECTED_08[sheet]]


@pytest.mark.django_db
def test_the_cli_commits_the_same_dvctt_and_tax_values_from_csv_as_from_xlsx(converted, catalogue):
    def stored_of(prefixes):
        return [v for v in stored() if v[0].startswith(prefixes)]

    assert run_cli(str(AUGUST), "--period", "2023-08", "--skip-invalid", "--json")[0] == 0
    from_xlsx = stored_of(("DVC-", "TAX-"))
    # 27 units and TỔNG × 2 rates, TỔNG printing no file rate; 11 districts and Tổng × 8, K9 unreadable
    assert (len([v for v in from_xlsx if v[0].startswith("DVC-")]), len(from_xlsx)) == (55, 55 + 8 * 12 - 1)
    assert ("DVC-SVC-RATE", "BP", "2023-08", Decimal("99.0000"), None, None) in from_xlsx  # the printed TỔNG
    DataValue.objects.all().delete()
    for sheet in ("DVCTT", "Thanh toan truc tuyen"):
        path = converted / "csv08" / f"bao-cao-2023-08-{sheet}.csv"
        code, out = run_cli(str(path), "--period", "2023-08", "--skip-invalid", "--json")
        out = json.loads(out)
        assert (code, out["status"]) == (0, "committed"), out["errors"]
    assert stored_of(("DVC-", "TAX-")) == from_xlsx


def one_header_row(path: Path, top: int, bottom: int) -> bytes:
    """The CSV with its header rows top..bottom (0-based) written as one row, each column's levels joined
    by " / " as the importer prints them ("09/2023 / NVTC / Số GD"): how a sender without merged cells
    writes a grouped header."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    levels = [list(r) for r in rows[top : bottom + 1]]
    for level in levels:
        for c in range(3, len(level)):
            level[c] = level[c] or level[c - 1]  # these two tables' groups: each runs to the next title
    header = [
        " / ".join(dict.fromkeys(lv[c].strip() for lv in levels if lv[c].strip()))
        for c in range(len(levels[0]))
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows([*rows[:top], header, *rows[bottom + 1 :]])
    return buf.getvalue().encode("utf-8")


@pytest.mark.django_db
def test_dvctt_and_the_tax_table_with_one_header_row_commit_the_xlsx_values(converted, catalogue, tmp_path):
    assert run_cli(str(AUGUST), "--period", "2023-08", "--skip-invalid", "--json")[0] == 0
    from_xlsx = [v for v in stored() if v[0].startswith(("DVC-", "TAX-"))]
    DataValue.objects.all().delete()
    for sheet, top, bottom in (("DVCTT", 2, 3), ("Thanh toan truc tuyen", 2, 4)):
        path = tmp_path / f"{sheet}.csv"
        path.write_bytes(one_header_row(converted / "csv08" / f"bao-cao-2023-08-{sheet}.csv", top, bottom))
        code, out = run_cli(str(path), "--period", "2023-08", "--skip-invalid", "--json")
        out = json.loads(out)
        assert (code, out["status"]) == (0, "committed"), out["errors"]
        assert [w for w in out["warnings"] if w["code"] == "unmapped_column"] == []
    assert [v for v in stored() if v[0].startswith(("DVC-", "TAX-"))] == from_xlsx


def test_the_encoding_is_detected():
    text = "Đơn vị;Số người dùng\nThành phố Đồng Xoài;2960\nHuyện Bù Đốp;1.183\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(text.encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-16")) == "utf-16"
    assert detect_encoding(cp1258(text)) == "cp1258"
    sheet = read_delimited(cp1258(text), filename="don-vi.csv").sheets[0]
    assert sheet.rows == [
        ["Đơn vị", "Số người dùng"],
        ["Thành phố Đồng Xoài", "2960"],
        ["Huyện Bù Đốp", "1.183"],
    ]


def test_a_csv_over_the_row_limit_is_refused():
    data = ("Đơn vị,Số\n" + "Sở Y tế,1\n" * 50).encode()
    with pytest.raises(WorkbookError) as exc:
        read_workbook(data, filename="y-te.csv", limits=SheetLimits(rows=40))
    assert exc.value.code == "sheet_too_large"
    assert exc.value.message.startswith(
        "Sheet 'y-te' quá lớn: vùng dữ liệu kéo dài đến ô B41 (41 dòng × 2 cột)"
    )


# ---- the guards cover each format -------------------------------------------------------------------


def test_an_ods_sheet_reaching_the_last_row_is_refused_before_calamine(converted, tmp_path):
    src = zipfile.ZipFile(converted / "bao-cao-2023-08.ods")
    far = (
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
        "</table:table-cell></table:table-row></table:table>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "content.xml":
                body = body.replace(b"</table:table>", far.encode(), 1)
            z.writestr(
                info.filename,
                body,
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED,
            )
    with pytest.raises(WorkbookError) as exc:
        read_workbook(out.getvalue())
    assert exc.value.code == "sheet_too_large"
    # LibreOffice writes the empty rows down to 1,048,576 as one repeated row; the cell after them counts
    assert exc.value.message.startswith(
        "Sheet 'DVCTT' quá lớn: vùng dữ liệu kéo dài đến ô H2096577 (2.096.577 dòng"
    )


def test_an_xls_sheet_reaching_iv65536_is_refused_before_calamine(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Rộng"
    wb.active["A1"], wb.active["IV65536"] = 1, 2
    wb.save(tmp_path / "rong.xlsx")
    convert(tmp_path / "rong.xlsx", "xls", tmp_path)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(tmp_path / "rong.xls")
    assert exc.value.code == "sheet_too_large"
    assert exc.value.message.startswith(
        "Sheet 'Rộng' quá lớn: vùng dữ liệu kéo dài đến ô IV65536 (65.536 dòng × 256 cột)"
    )


def test_xlsb_records_are_walked_across_chunks():
    def record(typ: int, body: bytes) -> bytes:
        head = bytes([typ & 0x7F | (0x80 if typ > 0x7F else 0)]) + (bytes([typ >> 7]) if typ > 0x7F else b"")
        size, out = len(body), b""
        while True:
            out += bytes([size & 0x7F | (0x80 if size > 0x7F else 0)])
            size >>= 7
            if not size:
                break
        return head + out + body

    stream = (
        record(0, struct.pack("<I", 7) + b"\x00" * 20)
        + record(5, struct.pack("<I", 3) + b"\x00" * 12)
        + record(156, b"x" * 300)
    )
    chunks = [stream[k : k + 5] for k in range(0, len(stream), 5)]
    assert [(t, len(b)) for t, b in _records(chunks)] == [(0, 24), (5, 16), (156, 300)]


def test_a_ods_value_reads_as_decimal_exactly(converted):
    wb = read_workbook(converted / "bao-cao-2023-08.ods")
    dvctt = wb.sheets[0]
    assert dvctt.is_percent(4, 5) is True  # percent cells are known for .ods too
    assert Decimal(str(dvctt.raw(4, 5))) == Decimal("1")


@pytest.mark.django_db
def test_the_upload_page_offers_every_format(client, staff):
    client.force_login(staff)
    page = client.get("/nhap-lieu/").content.decode()
    assert 'accept=".xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.txt,' in page
    assert "Excel (.xlsx, .xlsm, .xlsb, .xls), OpenDocument (.ods) hoặc CSV/TXT" in page


@pytest.mark.django_db
def test_the_api_takes_an_ods_and_a_csv_named_xls(converted, staff):
    api = token_client(staff)
    ods = (converted / "bao-cao-2023-08.ods").read_bytes()
    answer = api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("t8.ods", ods), "period": "2023-08"},
        format="multipart",
    )
    assert answer.status_code == 422  # the August sample's one malformed tax cell, as from the xlsx
    assert [e["cell"] for e in answer.json()["errors"]] == ["K9"]
    csv_bytes = rewritten(converted / "csv08" / "bao-cao-2023-08-BinhPhuocToday.csv", ";", "cp1258")
    answer = api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("dung-nhat.xls", csv_bytes), "period": "2023-08"},
        format="multipart",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "dry_run"
    assert answer.json()["counts"]["new"] == len(EXPECTED_08["BinhPhuocToday"]["APP-BPTODAY-USERS"])


@pytest.mark.django_db
@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_the_web_page_previews_and_commits_an_xls_and_an_ods(
    converted, client, staff, ext, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    data = (converted / f"bao-cao-2023-08.{ext}").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/nhap-lieu/", {"file": SimpleUploadedFile(f"t8.{ext}", data), "period": "2023-08"})
    batch = ImportBatch.objects.get()
    assert (batch.status, [e["cell"] for e in batch.errors]) == ("preview", ["K9"])  # as from the xlsx
    client.post(
        f"/nhap-lieu/lo/{batch.pk}/sua/", {"exclude": "Thanh toan truc tuyen!K9", "period": "2023-08"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/nhap-lieu/lo/{batch.pk}/xac-nhan/")
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert DataValue.objects.count() == 309
