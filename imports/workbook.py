"""Open an uploaded workbook safely and read it with python-calamine.

Pure (no Django): the caller passes the limits (`settings.IMPORT_MAX_UPLOAD_BYTES` in the services).
Every refusal raises `WorkbookError` with a Vietnamese message; nothing is written anywhere.

Formats are told by content, never by the file's name (a CSV named .xls is read as CSV):
xlsx/xlsm, xlsb and ods (zip packages told apart by their members), xls (an OLE container with a
workbook stream), CSV/TXT (`delimited.py`). Order of the guards, cheapest first, all before calamine
opens anything:
1. size of the upload;
2. magic bytes: PDF, password-protected xlsx (an OLE container with `EncryptionInfo`), HTML renamed,
   anything neither a spreadsheet nor text;
3. the zip directory (declared sizes and ratios), then every member inflated in a stream with a
   running count of the real bytes (`guards.Inflater`): a member larger than declared, or a package
   over the limit, is refused while streaming;
4. each sheet's used range from its cell records (`guards.SheetBounds`, `legacy_scan`), refused over
   the row/column/cell limits with a message naming the sheet: calamine sizes a sheet as one dense
   rectangle and aborts the process when that allocation fails;
5. calamine: sheets, visibility, merged ranges, cached values.

Decisions where the issue is silent:
- Hidden and very hidden sheets are skipped with a warning naming them: their numbers were not
  reviewed by whoever sent the file, and templates often keep lookup lists there.
- A formula cell is read through its cached value; a formula without one is an error on that cell.
  The sheet XML is scanned for `<f>` without `<v>` when the sheet is small (<= 16 MB of XML) or the
  package has `xl/calcChain.xml` (Excel writes it whenever formulas exist); the 200,000-row long
  files from other systems are plain values, and scanning them would cost ~15 % of the read.
- Number formats: calamine does not expose them, so for small sheets the XML is read once more to
  learn which cells are percent-formatted (`0%`, `0.00%`): such a numeric cell is a fraction
  (1 -> 100 %). For large sheets this is unknown (None) and the column rule in `numbers.py` applies.
- Dates typed in cells come back as `datetime`; the value readers refuse them in number columns.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from .delimited import looks_like_text, read_delimited
from .guards import SheetLimits, SheetScan, check_used_range
from .legacy_scan import scan_ods, scan_xls, scan_xlsb
from .sheet_data import SheetData, WorkbookData
from .types import RowError, Severity, WorkbookError, column_letter
from .xlsx_scan import ACCEPTED, check_package, package_kind, scan_xlsx

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 512 * 1024 * 1024
DEFAULT_MAX_RATIO = 200
DEFAULT_LIMITS = SheetLimits()


# --------------------------------------------------------------------------------------------


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(data: bytes) -> str:
    """What the file is, from its content (never its name): 'zip' (xlsx, xlsm, xlsb, ods: told apart
    by their members), 'xls' (an OLE container with a workbook stream) or 'text' (CSV/TXT). Refuses
    everything else with a Vietnamese message."""
    head = data[:8]
    if not data:
        raise WorkbookError(f"Tệp rỗng (0 byte). {ACCEPTED}.", "empty_file")
    if head.startswith(b"%PDF"):
        raise WorkbookError(f"Tệp là PDF, không phải bảng tính. {ACCEPTED}.", "not_xlsx")
    if head.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                "Tệp Excel được đặt mật khẩu. Hãy gỡ mật khẩu (File › Info › Protect Workbook) rồi tải lên lại.",
                "encrypted",
            )
        return "xls"
    if head.startswith(b"PK"):
        return "zip"
    sample = data[:4096]
    lowered = sample.lower().lstrip()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in lowered[:512]:
        raise WorkbookError(
            f"Tệp là trang HTML được đổi đuôi thành Excel. {ACCEPTED}: mở bằng Excel rồi lưu lại dạng .xlsx.",
            "html",
        )
    if looks_like_text(data):
        return "text"
    raise WorkbookError(f"Không nhận ra định dạng tệp. {ACCEPTED}.", "not_xlsx")


def _pad(rows: list[list], start: tuple[int, int] | None) -> list[list]:
    if not start or start == (0, 0):
        return rows
    r0, c0 = start
    prefix = [""] * c0
    return [[] for _ in range(r0)] + [prefix + row for row in rows]


def _load(source, max_bytes: int) -> bytes:
    if isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_big(size, max_bytes)
        return path.read_bytes()
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if hasattr(source, "size") and source.size and source.size > max_bytes:
        raise _too_big(source.size, max_bytes)
    data = source.read(max_bytes + 1)
    if hasattr(source, "seek"):
        try:
            source.seek(0)
        except (OSError, ValueError):
            pass
    return data


def read_workbook(
    source,
    *,
    filename: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_ratio: int = DEFAULT_MAX_RATIO,
    limits: SheetLimits = DEFAULT_LIMITS,
) -> WorkbookData:
    """Read an upload (path, bytes or binary file object) into plain `SheetData`.

    Raises WorkbookError when the file cannot be imported at all.
    """
    if isinstance(source, str | Path):
        filename = filename or Path(source).name
    data = _load(source, max_bytes)
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    kind = detect_format(data)
    if kind == "text":
        return read_delimited(data, filename=filename, limits=limits)
    scans = _pre_read(data, kind, max_uncompressed, max_ratio)
    return _read_with_calamine(data, filename, scans, limits)


def _pre_read(data: bytes, kind: str, max_uncompressed: int, max_ratio: int) -> dict[str, SheetScan]:
    """Everything learnt of the sheets before calamine opens the file (see the module docstring)."""
    if kind == "xls":
        return scan_xls(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookError(
            f"Tệp Excel bị hỏng, không giải nén được ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt"
        ) from exc
    with zf:
        try:
            infos = check_package(zf, max_uncompressed, max_ratio)
            kind = package_kind({i.filename for i in infos})
            if kind == "xlsx":
                return scan_xlsx(data, zf, infos, max_uncompressed)
            if kind == "ods":
                return scan_ods(data, zf, infos, max_uncompressed)
            return scan_xlsb(data, zf, infos, max_uncompressed)
        except WorkbookError:
            raise
        except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, struct.error) as exc:
            raise WorkbookError(
                f"Tệp Excel bị hỏng ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt"
            ) from exc


def _open_calamine(data: bytes):
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as exc:
        text = str(exc)
        if isinstance(exc, PasswordError) or "password" in text.lower() or "encrypt" in text.lower():
            raise WorkbookError(
                "Tệp Excel được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.", "encrypted"
            ) from exc
        raise WorkbookError(f"Tệp Excel bị hỏng, không đọc được ({text}).", "corrupt") from exc
    except Exception as exc:  # a panic inside calamine surfaces as pyo3's PanicException
        raise WorkbookError(f"Tệp Excel bị hỏng, không đọc được ({exc}).", "corrupt") from exc


def _read_with_calamine(data: bytes, filename: str, scans: dict[str, SheetScan], limits) -> WorkbookData:
    wb = _open_calamine(data)
    problems: list[RowError] = []
    sheets: list[SheetData] = []
    names = []
    try:
        for index, meta in enumerate(wb.sheets_metadata):
            names.append(meta.name)
            if meta.visible != SheetVisibleEnum.Visible:
                problems.append(
                    RowError(
                        meta.name,
                        None,
                        None,
                        "",
                        "Sheet đang bị ẩn nên không được nhập; hãy bỏ ẩn nếu cần nhập số liệu của sheet này.",
                        Severity.WARNING,
                        code="hidden_sheet",
                    )
                )
                continue
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            scan = scans.get(meta.name) or scans.get(f"#{index}")
            if scan is None:  # never open a sheet whose used range is unknown: calamine would size it
                raise WorkbookError(
                    f"Tệp Excel bị hỏng: không tìm thấy dữ liệu của sheet '{meta.name}'.", "corrupt"
                )
            check_used_range(meta.name, scan.rows, scan.columns, limits)
            sheet = wb.get_sheet_by_name(meta.name)
            rows = _pad(sheet.to_python(), sheet.start)
            if scan.merged is not None:
                merged = scan.merged
            else:
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            data_sheet = SheetData(meta.name, rows, merged, True, scan.percent, scan.missing)
            if data_sheet.is_empty():
                problems.append(
                    RowError(
                        meta.name,
                        None,
                        None,
                        "",
                        "Sheet trống, bỏ qua.",
                        Severity.WARNING,
                        code="empty_sheet",
                    )
                )
                continue
            problems.extend(formula_problems(meta.name, scan.missing))
            sheets.append(data_sheet)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(f"Tệp Excel bị hỏng, không đọc được ({exc}).", "corrupt") from exc
    finally:
        try:
            wb.close()
        except Exception:  # closing twice or a half-open workbook: nothing to release
            pass
    return finish(filename, sheets, problems, names)


def formula_problems(sheet: str, missing) -> list[RowError]:
    return [
        RowError(
            sheet,
            r + 1,
            c + 1,
            "",
            f"Ô {column_letter(c + 1)}{r + 1} chứa công thức nhưng không có giá trị đã tính; "
            "hãy mở tệp bằng Excel, tính lại (F9) và lưu trước khi tải lên.",
            code="formula_without_value",
        )
        for r, c in missing
    ]


def finish(filename: str, sheets: list[SheetData], problems: list[RowError], names: list[str]) -> WorkbookData:
    if not names:
        raise WorkbookError("Tệp Excel không có sheet nào.", "no_sheets")
    if not sheets:
        raise WorkbookError("Tệp Excel không có dữ liệu: mọi sheet đều trống hoặc bị ẩn.", "no_data")
    return WorkbookData(filename, sheets, problems, names)


def _too_big(size: int, limit: int) -> WorkbookError:
    got = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    mb = f"{limit / (1024 * 1024):g}".replace(".", ",")
    return WorkbookError(f"Tệp quá lớn ({got} MB); giới hạn là {mb} MB.", "too_large")
