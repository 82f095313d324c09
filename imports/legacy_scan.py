"""The pre-read of .ods, .xls and .xlsb files: each sheet's used range from its cell records, before
calamine opens (and sizes) the sheet; for .ods also merged ranges, percent cells and formulas without a
cached value (calamine gives no merged ranges for .ods). Pure (no Django).

python-calamine 0.9.1 offers no dimensions before materialising: `CalamineSheet.height/width/start/end/
total_height/total_width` exist only on a sheet `get_sheet_by_name` has already built as a dense
rectangle, which is the allocation that aborts the process. So every format gets a cheap scan of its own:
- .ods: `content.xml` through an incremental XML parser (rows/columns-repeated expanded as counts only);
- .xls: the BIFF records of the OLE `Workbook` stream (cell records carry row and column; FILEPASS
  means a password);
- .xlsb: the BIFF12 records of each sheet part (BrtRowHdr gives the row, a cell record its column).
"""

from __future__ import annotations

import re
import struct
import zipfile
from xml.etree.ElementTree import ParseError, XMLPullParser

import olefile

from .guards import Inflater, SheetScan
from .types import WorkbookError

ENCRYPTED = "Tệp bảng tính được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại."

# ---- OpenDocument --------------------------------------------------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CELLS = (_T + "table-cell", _T + "covered-table-cell")
_PERCENT_CAP = 200_000


def _int(value, default: int = 1) -> int:
    try:
        return max(int(value), 0) if value is not None else default
    except ValueError:
        return default


def scan_ods(data: bytes, zf: zipfile.ZipFile, infos, max_uncompressed: int) -> dict[str, SheetScan]:
    inflater = Inflater(data, max_uncompressed)
    by_name = {i.filename: i for i in infos}
    manifest = by_name.get("META-INF/manifest.xml")
    if manifest is not None and b"encryption-data" in inflater.read(manifest):
        raise WorkbookError(ENCRYPTED, "encrypted")
    mimetype = inflater.read(by_name["mimetype"]).strip()
    if mimetype != b"application/vnd.oasis.opendocument.spreadsheet":
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        raise WorkbookError(
            f"Tệp là tài liệu OpenDocument ({kind}), không phải bảng tính.", "not_xlsx"
        )
    out: dict[str, SheetScan] = {}
    parser = XMLPullParser(events=("start", "end"))
    state = _OdsState(out)
    try:
        for chunk in inflater.chunks(by_name["content.xml"]):
            parser.feed(chunk)
            for event, elem in parser.read_events():
                state.event(event, elem)
        parser.close()
        for event, elem in parser.read_events():
            state.event(event, elem)
    except ParseError as exc:
        raise WorkbookError(f"Tệp .ods bị hỏng ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt") from exc
    for info in infos:
        if info.filename not in ("META-INF/manifest.xml", "mimetype", "content.xml") and not info.is_dir():
            inflater.drain(info)
    return out


class _OdsState:
    def __init__(self, out: dict[str, SheetScan]):
        self.out = out
        self.scan: SheetScan | None = None
        self.row = self.col = 0
        self.row_repeat = 1
        self.row_has_content = False

    def event(self, event: str, elem) -> None:
        tag = elem.tag
        if event == "start":
            if tag == _T + "table":
                self.scan = SheetScan(0, 0, frozenset(), [], [])
                self._percent: set[tuple[int, int]] = set()
                self.out[elem.get(_T + "name", "")] = self.scan
                self.row = 0
            elif tag == _T + "table-row" and self.scan is not None:
                self.row_repeat = _int(elem.get(_T + "number-rows-repeated"))
                self.col, self.row_has_content = 0, False
            return
        scan = self.scan
        if scan is None:
            return
        if tag in _CELLS:
            repeat = _int(elem.get(_T + "number-columns-repeated"))
            kind = elem.get(_O + "value-type")
            content = kind is not None or len(elem) > 0
            if content:
                self.row_has_content = True
                scan.columns = max(scan.columns, self.col + repeat)
                if kind == "percentage" and len(self._percent) < _PERCENT_CAP:
                    self._percent.update((self.row, c) for c in range(self.col, self.col + min(repeat, 1000)))
            if elem.get(_T + "formula") is not None and kind is None:
                scan.missing.append((self.row, self.col))
            cs, rs = _int(elem.get(_T + "number-columns-spanned")), _int(elem.get(_T + "number-rows-spanned"))
            if (cs > 1 or rs > 1) and tag == _T + "table-cell":
                scan.merged.append((self.row, self.col, self.row + rs - 1, self.col + cs - 1))
            self.col += repeat
            elem.clear()
        elif tag == _T + "table-row":
            if self.row_has_content:
                scan.rows = max(scan.rows, self.row + self.row_repeat)
            self.row += self.row_repeat
            elem.clear()
        elif tag == _T + "table":
            scan.percent = frozenset(self._percent)
            self.scan = None
            elem.clear()


# ---- legacy Excel (BIFF5/BIFF8 in an OLE container) -----------------------------------------------

_XLS_CELLS = {0x0203, 0x00FD, 0x027E, 0x0006, 0x0204, 0x0205, 0x00D6, 0x0201}
_XLS_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column


def scan_xls(data: bytes) -> dict[str, SheetScan]:
    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, struct.error) as exc:
        raise WorkbookError(f"Tệp .xls bị hỏng ({exc}). Hãy lưu lại tệp rồi tải lên.", "corrupt") from exc
    with ole:
        stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream is None:
            raise WorkbookError(
                "Tệp là tài liệu Office cũ (Word/PowerPoint), không phải bảng tính Excel.", "not_xlsx"
            )
        book = ole.openstream(stream).read()
    sheets: dict[int, str] = {}  # BOF offset -> sheet name
    order: list[str] = []
    out: dict[str, SheetScan] = {}
    current: SheetScan | None = None
    pos, end = 0, len(book)
    while pos + 4 <= end:
        typ, size = struct.unpack_from("<HH", book, pos)
        body = pos + 4
        if typ == 0x0809:  # BOF
            name = sheets.get(pos)
            current = None
            if name is not None:
                current = out.setdefault(name, SheetScan(0, 0))
        elif typ == 0x002F:
            raise WorkbookError(ENCRYPTED, "encrypted")
        elif typ == 0x0085 and size >= 8:  # BOUNDSHEET
            offset = struct.unpack_from("<I", book, body)[0]
            cch, flags = book[body + 6], book[body + 7]
            if stream == "Workbook":
                raw = book[body + 8 : body + 8 + cch * (2 if flags & 1 else 1)]
                name = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            else:
                name = book[body + 7 : body + 7 + cch].decode("cp1252", "replace")
            sheets[offset] = name
            order.append(name)
        elif current is not None and size >= 4:
            if typ in _XLS_CELLS:
                row, col = struct.unpack_from("<HH", book, body)
                if typ != 0x0201:  # a BLANK holds no value
                    current.rows, current.columns = max(current.rows, row + 1), max(current.columns, col + 1)
            elif typ in _XLS_MULTI and size >= 6:
                row = struct.unpack_from("<H", book, body)[0]
                last = struct.unpack_from("<H", book, body + size - 2)[0]
                if typ == 0x00BD:
                    current.rows, current.columns = max(current.rows, row + 1), max(current.columns, last + 1)
        pos = body + size
    for index, name in enumerate(order):  # calamine may decode a BIFF5 name differently: by position too
        out.setdefault(name, SheetScan(0, 0))
        out[f"#{index}"] = out[name]
    return out


# ---- Excel binary (.xlsb) ---------------------------------------------------------------------------

_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*\bId="([^"]*)"[^>]*\bTarget="([^"]*)"')
_REL2 = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*\bTarget="([^"]*)"[^>]*\bId="([^"]*)"')
_XLSB_CELLS = set(range(2, 12)) | {62}  # BrtCellRk … BrtFmlaError, BrtCellRString (not the blanks)
_XLSB_SHORT = set(range(13, 19))  # BrtShort*: the column follows the previous cell's


def _records(chunks):
    """(type, body) of each BIFF12 record of a stream of chunks."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        pos, n = 0, len(buf)
        while True:
            start = pos
            if pos >= n:
                break
            b = buf[pos]
            pos += 1
            typ = b & 0x7F
            if b & 0x80:
                if pos >= n:
                    pos = start
                    break
                typ |= (buf[pos] & 0x7F) << 7
                pos += 1
            size, shift, ok = 0, 0, False
            for _ in range(4):
                if pos >= n:
                    break
                b = buf[pos]
                pos += 1
                size |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    ok = True
                    break
            if not ok or pos + size > n:
                if size > 16 * 1024 * 1024:
                    raise WorkbookError("Tệp .xlsb bị hỏng (bản ghi quá lớn).", "corrupt")
                pos = start
                break
            yield typ, buf[pos : pos + size]
            pos += size
        buf = buf[pos:]


def _wide(body: bytes, pos: int) -> tuple[str, int]:
    (cch,) = struct.unpack_from("<I", body, pos)
    if cch == 0xFFFFFFFF:
        return "", pos + 4
    return body[pos + 4 : pos + 4 + 2 * cch].decode("utf-16-le", "replace"), pos + 4 + 2 * cch


def scan_xlsb(data: bytes, zf: zipfile.ZipFile, infos, max_uncompressed: int) -> dict[str, SheetScan]:
    inflater = Inflater(data, max_uncompressed)
    by_name = {i.filename: i for i in infos}
    rels_info = by_name.get("xl/_rels/workbook.bin.rels")
    rels = inflater.read(rels_info) if rels_info else b""
    targets = {i.decode(): t.decode() for i, t in _REL.findall(rels)}
    targets.update({i.decode(): t.decode() for t, i in _REL2.findall(rels)})
    paths: dict[str, str] = {}
    for typ, body in _records(inflater.chunks(by_name["xl/workbook.bin"])):
        if typ == 156 and len(body) >= 12:  # BrtBundleSh: state, tab id, relationship id, name
            rel, pos = _wide(body, 8)
            name, _pos = _wide(body, pos)
            target = targets.get(rel, "")
            paths[name] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    done = {"xl/_rels/workbook.bin.rels", "xl/workbook.bin"}
    out: dict[str, SheetScan] = {}
    for name, path in paths.items():
        info = by_name.get(path)
        if info is None or path in done:
            continue
        done.add(path)
        scan, row, col = SheetScan(0, 0), 0, -1
        for typ, body in _records(inflater.chunks(info)):
            if typ == 0 and len(body) >= 4:  # BrtRowHdr
                row, col = struct.unpack_from("<I", body)[0], -1
            elif typ in _XLSB_CELLS and len(body) >= 4:
                col = struct.unpack_from("<I", body)[0]
                scan.rows, scan.columns = max(scan.rows, row + 1), max(scan.columns, col + 1)
            elif typ in _XLSB_SHORT:
                col += 1
                scan.rows, scan.columns = max(scan.rows, row + 1), max(scan.columns, col + 1)
            elif typ in (1, 12):  # blanks hold no value but move the column on
                col = struct.unpack_from("<I", body)[0] if typ == 1 and len(body) >= 4 else col + 1
        out[name] = scan
    for info in infos:
        if info.filename not in done and not info.is_dir():
            inflater.drain(info)
    return out
