"""The xlsx/xlsm package before calamine reads it: the zip directory checks, every member inflated
through `guards.Inflater` (real sizes, running limit), each sheet's used range (`guards.SheetBounds`),
its percent-formatted cells and its formulas without a cached value. Pure (no Django)."""

from __future__ import annotations

import re
import zipfile

from .guards import Inflater, SheetBounds, SheetScan
from .types import WorkbookError

SMALL_SHEET_XML = 16 * 1024 * 1024


ACCEPTED = (
    "Chỉ nhận bảng tính Excel (.xlsx, .xlsm, .xlsb, .xls), OpenDocument (.ods) hoặc văn bản CSV/TXT "
    "(phân cách bằng dấu phẩy, chấm phẩy hoặc tab)"
)


def check_package(zf: zipfile.ZipFile, max_uncompressed: int, max_ratio: int) -> list[zipfile.ZipInfo]:
    """The zip directory, before anything is inflated: declared sizes and ratios (a first, cheap look;
    the real sizes are checked while inflating)."""
    infos = zf.infolist()
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


def package_kind(names: set[str]) -> str:
    """'xlsx' (also .xlsm), 'xlsb' or 'ods' from a zip's member names; refuses other zips."""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names and "content.xml" in names:
        return "ods"
    kind = (
        "Word (.docx)"
        if "word/document.xml" in names
        else "PowerPoint (.pptx)"
        if "ppt/presentation.xml" in names
        else "văn bản OpenDocument"
        if "content.xml" in names
        else "nén ZIP"
    )
    raise WorkbookError(f"Tệp là {kind}, không phải bảng tính. {ACCEPTED}.", "not_xlsx")


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


def _sheet_paths(wb: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name -> zip path of its XML."""
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


def _percent_styles(styles: bytes) -> set[bytes]:
    """Style indexes (`s="…"` of a cell) whose number format shows a percent."""
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




def scan_xlsx(
    data: bytes, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], max_uncompressed: int
) -> dict[str, SheetScan]:
    """Inflate every member once, in a stream (`Inflater`), and scan each sheet: its used range, and
    for small sheets (or when the package has a calcChain) its percent cells and formulas without a
    cached value. Sheet name -> SheetScan. calamine reads the package only after this."""
    inflater = Inflater(data, max_uncompressed)
    by_name = {i.filename: i for i in infos}

    def small(name: str) -> bytes:
        info = by_name.get(name)
        return inflater.read(info) if info is not None else b""

    wb, rels, styles = small("xl/workbook.xml"), small("xl/_rels/workbook.xml.rels"), small("xl/styles.xml")
    done = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
    paths = _sheet_paths(wb, rels)
    has_calc_chain = "xl/calcChain.xml" in by_name
    pstyles = _percent_styles(styles) if styles else set()
    out: dict[str, SheetScan] = {}
    for name, path in paths.items():
        info = by_name.get(path)
        if info is None or path in done:
            continue
        done.add(path)
        bounds, keep = SheetBounds(), info.file_size <= SMALL_SHEET_XML or has_calc_chain
        parts = []
        for chunk in inflater.chunks(info):
            bounds.feed(chunk)
            if keep:
                parts.append(chunk)
        bounds.close()
        scan = SheetScan(bounds.rows, bounds.columns)
        if keep:
            scan.percent, scan.missing = _scan_sheet_xml(
                b"".join(parts), pstyles, want_formats=info.file_size <= SMALL_SHEET_XML
            )
        out[name] = scan
    for info in infos:  # every other member calamine may read (shared strings above all)
        if info.filename not in done and not info.is_dir():
            inflater.drain(info)
    return out
