"""Open an uploaded workbook safely and read it with python-calamine.

Pure (no Django): the caller passes the limits (`settings.IMPORT_MAX_UPLOAD_BYTES` in the services).
Every refusal raises `WorkbookError` with a Vietnamese message; nothing is written anywhere.

Order of the guards, cheapest first, all before calamine parses anything:
1. size of the upload;
2. magic bytes: PDF, legacy .xls / password-protected xlsx (both are OLE containers: an
   `EncryptionInfo` stream means encrypted), HTML or CSV/text renamed, anything not a zip;
3. the zip directory: corrupt zip, not a spreadsheet package (.docx, .ods, .xlsb), zip bomb (total
   uncompressed size and per-member compression ratio, read from the directory before inflating);
4. calamine: sheets, visibility, merged ranges, cached values.

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
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from core.numbers import raw_text

from .types import RowError, Severity, column_letter

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 512 * 1024 * 1024
DEFAULT_MAX_RATIO = 200
SMALL_SHEET_XML = 16 * 1024 * 1024
ACCEPTED = "Chỉ nhận tệp Excel .xlsx (Excel 2007 trở lên)"


class WorkbookError(Exception):
    """The file cannot be read at all. `message` is Vietnamese; `code` is machine-readable."""

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class SheetData:
    """One sheet as plain data. Rows/columns are 0-based here; messages add 1.

    `rows[r][c]` is what calamine returned ('' for empty, float for numbers, str, bool, datetime).
    `merged` holds (first_row, first_col, last_row, last_col), inclusive.
    """

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    visible: bool = True
    percent_cells: frozenset[tuple[int, int]] | None = None  # None: number formats unknown
    formula_without_value: list[tuple[int, int]] = field(default_factory=list)
    _anchor: dict[tuple[int, int], tuple[int, int]] | None = field(default=None, repr=False)
    _width: int | None = field(default=None, repr=False)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        if self._width is None:
            # calamine returns rectangular rows; padding (`_pad`) keeps them so
            self._width = max((len(r) for r in self.rows), default=0)
        return self._width

    def raw(self, r: int, c: int):
        """The stored value of a cell, '' outside the data."""
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (r, c), or (r, c) itself."""
        if self._anchor is None:
            amap: dict[tuple[int, int], tuple[int, int]] = {}
            for r0, c0, r1, c1 in self.merged:
                for rr in range(r0, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        amap[(rr, cc)] = (r0, c0)
            self._anchor = amap
        return self._anchor.get((r, c), (r, c))

    def value(self, r: int, c: int):
        """The cell's value with merged ranges resolved (every cell of a range shows its top-left)."""
        return self.raw(*self.anchor(r, c))

    def text(self, r: int, c: int) -> str:
        """The resolved cell as text (numbers and dates as a user would read them), stripped."""
        return raw_text(self.value(r, c)).strip()

    def merged_span(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        for rng in self.merged:
            if rng[0] <= r <= rng[2] and rng[1] <= c <= rng[3]:
                return rng
        return None

    def is_percent(self, r: int, c: int) -> bool | None:
        """True if the cell has a percent number format; None when formats are unknown."""
        if self.percent_cells is None:
            return None
        return (r, c) in self.percent_cells

    def is_empty(self) -> bool:
        return not any(v not in ("", None) for row in self.rows for v in row)


@dataclass
class WorkbookData:
    filename: str
    sheets: list[SheetData]  # the visible, non-empty sheets, in workbook order
    problems: list[RowError] = field(default_factory=list)  # warnings (hidden/empty sheets), formula errors
    sheet_names: list[str] = field(default_factory=list)  # every sheet, as the sender named them


# --------------------------------------------------------------------------------------------


def _sniff(data: bytes) -> None:
    head = data[:8]
    if not data:
        raise WorkbookError(f"Tệp rỗng (0 byte). {ACCEPTED}.", "empty_file")
    if head.startswith(b"%PDF"):
        raise WorkbookError(f"Tệp là PDF, không phải bảng tính. {ACCEPTED}.", "not_xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                "Tệp Excel được đặt mật khẩu. Hãy gỡ mật khẩu (File › Info › Protect Workbook) rồi tải lên lại.",
                "encrypted",
            )
        raise WorkbookError(
            f"Tệp là định dạng Excel cũ (.xls, Excel 97–2003). {ACCEPTED}: "
            "mở tệp và chọn File › Save As › Excel Workbook (*.xlsx).",
            "legacy_xls",
        )
    if head.startswith(b"PK"):
        return
    sample = data[:4096]
    lowered = sample.lower().lstrip()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in lowered[:512]:
        raise WorkbookError(
            f"Tệp là trang HTML được đổi đuôi thành Excel. {ACCEPTED}: mở bằng Excel rồi lưu lại dạng .xlsx.",
            "html",
        )
    try:
        text = sample.decode("utf-8")
        is_text = True
    except UnicodeDecodeError:
        text = sample.decode("latin-1")
        is_text = sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / max(len(text), 1) > 0.95
    if is_text:
        if any(sep in text for sep in (",", ";", "\t")) and "\n" in text or text.count(",") >= 2:
            raise WorkbookError(
                f"Tệp là CSV/văn bản, không phải bảng tính Excel. {ACCEPTED} "
                "(hoặc dùng mẫu nhập liệu dạng dài trong tệp .xlsx).",
                "csv",
            )
        raise WorkbookError(f"Tệp là văn bản, không phải bảng tính Excel. {ACCEPTED}.", "not_xlsx")
    raise WorkbookError(f"Không nhận ra định dạng tệp. {ACCEPTED}.", "not_xlsx")


def _check_zip(zf: zipfile.ZipFile, max_uncompressed: int, max_ratio: int) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names:
        raise WorkbookError(f"Tệp là bảng tính OpenDocument (.ods). {ACCEPTED}.", "ods")
    if "xl/workbook.bin" in names:
        raise WorkbookError(f"Tệp là Excel nhị phân (.xlsb). {ACCEPTED}.", "xlsb")
    if "xl/workbook.xml" not in names:
        kind = (
            "Word (.docx)"
            if "word/document.xml" in names
            else "PowerPoint (.pptx)"
            if "ppt/presentation.xml" in names
            else "nén ZIP"
        )
        raise WorkbookError(f"Tệp là {kind}, không phải bảng tính Excel. {ACCEPTED}.", "not_xlsx")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise WorkbookError(
                f"Tệp bị từ chối: phần '{info.filename}' giải nén ra {info.file_size:,} byte từ "
                f"{info.compress_size:,} byte (tỷ lệ nén bất thường, có thể là tệp 'bom nén').",
                "zip_bomb",
            )
    if total > max_uncompressed:
        raise WorkbookError(
            f"Tệp bị từ chối: nội dung giải nén {total:,} byte vượt giới hạn {max_uncompressed:,} byte.",
            "zip_bomb",
        )
    return infos


# ---- sheet XML: relationships, formats, formulas --------------------------------------------

_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'(\w+(?::\w+)?)="([^"]*)"')
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*?)(?:/>|>)")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_V = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_REF = re.compile(rb"([A-Z]+)(\d+)")
_PERCENT_BUILTIN = {9, 10}


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip path of its XML."""
    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _REL.findall(rels):
        a = _attrs(tag)
        target = a.get(b"Target", b"").decode()
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[a.get(b"Id", b"")] = target
    out = {}
    for tag in _SHEET.findall(wb):
        a = _attrs(tag)
        name = a.get(b"name", b"").decode("utf-8")
        name = (
            name.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&apos;", "'")
        )
        if a.get(b"id") in targets:
            out[name] = targets[a[b"id"]]
    return out


def _percent_styles(zf: zipfile.ZipFile) -> set[bytes]:
    """Style indexes (`s="…"` of a cell) whose number format shows a percent."""
    try:
        styles = zf.read("xl/styles.xml")
    except KeyError:
        return set()
    percent_fmt = set(_PERCENT_BUILTIN)
    for tag in _NUMFMT.findall(styles):
        a = _attrs(tag)
        code = a.get(b"formatCode", b"")
        if b"%" in code.replace(b"\\%", b"").replace(b'"%"', b"") or b"%" in code:
            try:
                percent_fmt.add(int(a.get(b"numFmtId", b"-1")))
            except ValueError:
                pass
    m = _CELLXFS.search(styles)
    if not m:
        return set()
    out = set()
    for i, attrs in enumerate(_XF.findall(m.group(1))):
        a = _attrs(attrs)
        try:
            if int(a.get(b"numFmtId", b"0")) in percent_fmt:
                out.add(str(i).encode())
        except ValueError:
            pass
    return out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _scan_sheet_xml(xml: bytes, percent_styles: set[bytes], want_formats: bool):
    """(percent cells, formula cells without a cached value), 0-based."""
    percent: set[tuple[int, int]] = set()
    missing: list[tuple[int, int]] = []
    has_formula = _HAS_F.search(xml) is not None
    if not has_formula and not (want_formats and percent_styles):
        return (frozenset() if want_formats else None), missing
    for m in _CELL.finditer(xml):
        attrs, body = m.group(1), m.group(3) or b""
        a = None
        if want_formats and percent_styles and b" s=" in attrs:
            a = _attrs(attrs)
            if a.get(b"s") in percent_styles:
                ref = _REF.match(a.get(b"r", b""))
                if ref:
                    percent.add((int(ref.group(2)) - 1, _col_index(ref.group(1))))
        if has_formula and _HAS_F.search(body) and not _V.search(body):
            a = a or _attrs(attrs)
            ref = _REF.match(a.get(b"r", b""))
            if ref:
                missing.append((int(ref.group(2)) - 1, _col_index(ref.group(1))))
    return (frozenset(percent) if want_formats else None), missing


# --------------------------------------------------------------------------------------------


def _pad(rows: list[list], start: tuple[int, int] | None) -> list[list]:
    if not start or start == (0, 0):
        return rows
    r0, c0 = start
    prefix = [""] * c0
    return [[] for _ in range(r0)] + [prefix + row for row in rows]


def read_workbook(
    source,
    *,
    filename: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_ratio: int = DEFAULT_MAX_RATIO,
) -> WorkbookData:
    """Read an upload (path, bytes or binary file object) into plain `SheetData`.

    Raises WorkbookError when the file cannot be imported at all.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        filename = filename or path.name
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_big(size, max_bytes)
        data = path.read_bytes()
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        if hasattr(source, "size") and source.size and source.size > max_bytes:
            raise _too_big(source.size, max_bytes)
        data = source.read(max_bytes + 1)
        if hasattr(source, "seek"):
            try:
                source.seek(0)
            except (OSError, ValueError):
                pass
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    _sniff(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookError(
            f"Tệp Excel bị hỏng, không giải nén được ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt"
        ) from exc
    with zf:
        infos = _check_zip(zf, max_uncompressed, max_ratio)
        sizes = {i.filename: i.file_size for i in infos}
        try:
            paths = _sheet_paths(zf)
            has_calc_chain = "xl/calcChain.xml" in sizes
            pstyles = _percent_styles(zf)
            xml_scan: dict[str, tuple] = {}
            for name, path in paths.items():
                size = sizes.get(path, 0)
                small = size <= SMALL_SHEET_XML
                if small or has_calc_chain:
                    xml_scan[name] = _scan_sheet_xml(zf.read(path), pstyles, want_formats=small)
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
            raise WorkbookError(
                f"Tệp Excel bị hỏng ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt"
            ) from exc
        except Exception as exc:  # zlib.error and friends from a damaged member
            raise WorkbookError(
                f"Tệp Excel bị hỏng ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt"
            ) from exc

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as exc:
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise WorkbookError(
                "Tệp Excel được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.", "encrypted"
            ) from exc
        raise WorkbookError(f"Tệp Excel bị hỏng, không đọc được ({text}).", "corrupt") from exc
    except Exception as exc:  # calamine raises its own XmlError/ZipError/PasswordError subclasses
        name = type(exc).__name__
        if name == "PasswordError":
            raise WorkbookError(
                "Tệp Excel được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.", "encrypted"
            ) from exc
        raise WorkbookError(f"Tệp Excel bị hỏng, không đọc được ({exc}).", "corrupt") from exc

    problems: list[RowError] = []
    sheets: list[SheetData] = []
    names = []
    try:
        metas = wb.sheets_metadata
        for meta in metas:
            names.append(meta.name)
            visible = meta.visible == SheetVisibleEnum.Visible
            if not visible:
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
            sheet = wb.get_sheet_by_name(meta.name)
            rows = _pad(sheet.to_python(), sheet.start)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            percent, missing = xml_scan.get(meta.name, (None, []))
            data_sheet = SheetData(meta.name, rows, merged, True, percent, missing)
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
            for r, c in missing:
                problems.append(
                    RowError(
                        meta.name,
                        r + 1,
                        c + 1,
                        "",
                        f"Ô {column_letter(c + 1)}{r + 1} chứa công thức nhưng không có giá trị đã tính; "
                        "hãy mở tệp bằng Excel, tính lại (F9) và lưu trước khi tải lên.",
                        code="formula_without_value",
                    )
                )
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
    if not names:
        raise WorkbookError("Tệp Excel không có sheet nào.", "no_sheets")
    if not sheets:
        raise WorkbookError("Tệp Excel không có dữ liệu: mọi sheet đều trống hoặc bị ẩn.", "no_data")
    return WorkbookData(filename, sheets, problems, names)


def _too_big(size: int, limit: int) -> WorkbookError:
    got = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    mb = f"{limit / (1024 * 1024):g}".replace(".", ",")
    return WorkbookError(f"Tệp quá lớn ({got} MB); giới hạn là {mb} MB.", "too_large")
