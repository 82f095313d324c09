"""Guards that run before python-calamine sees a file. Pure (no Django): the caller passes the limits.

python-calamine materialises a sheet as one dense rectangle when it is opened (`get_sheet_by_name`),
whatever the cells hold: a 5 KB xlsx with the cells A1 and XFD1048576 asks for 1,048,576 × 16,384 cells
(512 GB) and the Rust allocator aborts the process (gunicorn worker, Celery pool process, the CLI: exit
134), which no `except` can catch. Two guards keep that from happening:

- `Inflater` inflates every zip member itself, in a stream, counting the real uncompressed bytes (not the
  sizes the zip directory declares, which an attacker writes): a member that inflates past its declared
  size, or a package past the limit, is refused while streaming, so memory stays bounded by one chunk
  (plus a small sheet's XML, kept for the format scan, which is itself bounded by its verified size).
  calamine then only reads members whose real size we have checked.
- `SheetBounds` finds a sheet's used range from its XML cell references in the same stream (the
  `<dimension>` element is not trusted: calamine does not use it either), and `check_used_range`
  refuses a sheet over the row, column or cell limits with a Vietnamese message naming it.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from core.numbers import format_vn

from .types import WorkbookError, column_letter

CHUNK = 1 << 20  # inflated bytes handed on at a time
_INPUT = 1 << 16  # compressed bytes fed to zlib at a time

DEFAULT_MAX_ROWS = 300_000
DEFAULT_MAX_COLUMNS = 1_000
DEFAULT_MAX_CELLS = 5_000_000


@dataclass(frozen=True)
class SheetLimits:
    """The largest used range a sheet may have (rows and columns counted from A1, as the importer pads
    every sheet to A1). `cells` bounds rows × columns: what calamine allocates (~32 bytes a cell)."""

    rows: int = DEFAULT_MAX_ROWS
    columns: int = DEFAULT_MAX_COLUMNS
    cells: int = DEFAULT_MAX_CELLS


@dataclass
class SheetScan:
    """What the pre-read learnt of one sheet: its used range (1-based last row and column), and where
    known its percent-formatted cells, formulas without a cached value and merged ranges."""

    rows: int
    columns: int
    percent: frozenset[tuple[int, int]] | None = None
    missing: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] | None = None


def check_used_range(sheet: str, rows: int, columns: int, limits: SheetLimits) -> None:
    """Refuse a sheet whose used range (1-based last row and column) exceeds the limits."""
    if rows <= limits.rows and columns <= limits.columns and rows * columns <= limits.cells:
        return
    raise WorkbookError(
        f"Sheet '{sheet}' quá lớn: vùng dữ liệu kéo dài đến ô {column_letter(columns)}{rows} "
        f"({format_vn(rows)} dòng × {format_vn(columns)} cột); giới hạn là {format_vn(limits.rows)} dòng, "
        f"{format_vn(limits.columns)} cột và {format_vn(limits.cells)} ô một sheet. Hãy xóa các dòng, cột "
        "thừa ở cuối sheet (Ctrl+End cho thấy ô cuối cùng đang được dùng), lưu lại rồi tải lên.",
        "sheet_too_large",
    )


# ---- inflating zip members with a running byte count ------------------------------------------------


def _bomb(message: str) -> WorkbookError:
    return WorkbookError(f"Tệp bị từ chối: {message} (có thể là tệp 'bom nén').", "zip_bomb")


def _corrupt(detail: str) -> WorkbookError:
    return WorkbookError(f"Tệp bảng tính bị hỏng ({detail}). Hãy lưu lại tệp rồi tải lên.", "corrupt")


class Inflater:
    """Inflates the members of one zip package (held in memory as `data`) in a stream, with a running
    count of the real uncompressed bytes across the package."""

    def __init__(self, data: bytes, limit: int):
        self.data, self.limit, self.used = data, limit, 0

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        data = self.data
        if info.flag_bits & 0x1:
            raise WorkbookError(
                "Tệp bảng tính được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.", "encrypted"
            )
        off = info.header_offset
        if data[off : off + 4] != b"PK\x03\x04":
            raise _corrupt(f"phần '{info.filename}' không có tiêu đề")
        name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
        pos = off + 30 + name_len + extra_len
        produced, crc = 0, 0
        if info.compress_type == zipfile.ZIP_STORED:
            source: Iterator[bytes] = (
                data[p : min(p + CHUNK, pos + info.compress_size)]
                for p in range(pos, pos + info.compress_size, CHUNK)
            )
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            source = self._inflate(info, pos)
        else:
            raise _corrupt(f"phần '{info.filename}' nén theo kiểu không hỗ trợ ({info.compress_type})")
        for out in source:
            produced += len(out)
            self.used += len(out)
            if produced > info.file_size:
                raise _bomb(
                    f"phần '{info.filename}' giải nén ra nhiều hơn {format_vn(info.file_size)} byte mà tệp "
                    "khai báo"
                )
            if self.used > self.limit:
                raise _bomb(f"nội dung giải nén vượt giới hạn {format_vn(self.limit)} byte")
            crc = zlib.crc32(out, crc)
            yield out
        if produced != info.file_size or crc != info.CRC:
            raise _corrupt(f"phần '{info.filename}' sai kích thước hoặc mã kiểm tra")

    def _inflate(self, info: zipfile.ZipInfo, pos: int) -> Iterator[bytes]:
        data, end = self.data, len(self.data)
        d = zlib.decompressobj(-15)
        pending = b""
        try:
            while not d.eof:
                if not pending:
                    if pos >= end:
                        raise _corrupt(f"phần '{info.filename}' bị cắt cụt")
                    pending, pos = data[pos : pos + _INPUT], pos + _INPUT
                out = d.decompress(pending, CHUNK)  # at most CHUNK bytes: memory stays bounded
                pending = d.unconsumed_tail
                if out:
                    yield out
        except zlib.error as exc:
            raise _corrupt(f"phần '{info.filename}': {exc}") from exc

    def read(self, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(info))

    def drain(self, info: zipfile.ZipInfo) -> None:
        for _ in self.chunks(info):
            pass


# ---- the used range of an xlsx sheet, from its XML in a stream --------------------------------------


def _greater_number(n: int) -> str:
    """A regex matching a decimal number (leading zeros allowed) greater than n."""
    s = str(n)
    alts = [rf"[1-9]\d{{{len(s)},}}"]
    for i, ch in enumerate(s):
        if ch != "9":
            alts.append(rf"{s[:i]}[{int(ch) + 1}-9]\d{{{len(s) - i - 1}}}")
    return "0*(?:" + "|".join(alts) + ")"


def _greater_letters(n: int) -> str:
    """A regex matching column letters whose (1-based) index is greater than n."""
    s = column_letter(n) if n > 0 else ""
    alts = [rf"[A-Z]{{{len(s) + 1},}}"]
    for i, ch in enumerate(s):
        if ch != "Z":
            alts.append(rf"{s[:i]}[{chr(ord(ch) + 1)}-Z][A-Z]{{{len(s) - i - 1}}}")
    return "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=256)
def _suspect(prefix: bytes, rows: int, columns: int) -> re.Pattern:
    """A cell tag the fast path cannot pass: one whose first attribute is not its reference `r` (or
    that has none: the exact walk is needed), or whose reference lies after the given last row or
    last column. The pattern starts with a literal (`<c`), which the regex engine looks for as a
    substring, so one search visits each cell tag once and fails fast on ordinary cells."""
    return re.compile(
        b"<"
        + re.escape(prefix)
        + rb'c(?:(?! r=")(?=[\s>/])| r="(?:'
        + _greater_letters(columns).encode()
        + rb"\d|[A-Z]{1,3}"
        + _greater_number(rows).encode()
        + b'"))'
    )


_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_REF_VALUE = re.compile(rb'r="([A-Z]*)(\d+)"')
_ALL_REFS = re.compile(rb'\br="([A-Z]{0,3})(\d+)"')


def _ref_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _valueless(buf: bytes, at: int) -> bool:
    """The tag holding position `at` closes itself (`<c r="XFD9" s="3"/>`: a formatted blank, which
    calamine leaves out of the used range)."""
    end = buf.find(b">", at)
    return end > 0 and buf[end - 1 : end] == b"/"


# ---- the fast path's proof, vectorised (numpy) ----------------------------------------------------
# Each `<c` of a chunk is read as two little-endian 64-bit words from an unaligned view of the chunk
# (no copy): bytes 0-7 (`<c r="A` and the column's second letter or first digit) and, from byte 7 or 8,
# the row's digits and the closing quote, checked and compared byte-wise (SWAR) for all cells at once.

_HEAD = int.from_bytes(b'<c r="', "little")  # bytes 0-5 of a cell tag with its reference first
_HEAD_MASK = (1 << 48) - 1
_ONES = 0x0101010101010101
_TAG_END = np.zeros(256, bool)  # what may follow `<c` in a cell tag: `[\s>/]` of `_suspect`
_TAG_END[list(b" \t\n\r\x0b\x0c>/")] = True
_WINDOW = 16  # bytes of a cell tag the vectorised check reads


def _row_key(row: int) -> int:
    """A row number as the vectorised check compares rows: its decimal digits, one a byte, big-endian."""
    return int.from_bytes(bytes(int(d) for d in str(row)), "big")


def _proven_clear(buf: bytes, n: int, rows: int, columns: int) -> bool:
    r"""True when `_suspect(b"", rows, columns)` is proven to find nothing in `buf[:n]`: every `<c` followed
    by `[\s>/]` is `<c r="` then one or two letters at most `columns`, 1 to 7 digits at most `rows` and
    `"`. False when that is not proven (a suspect, 3 letters, 8 digits, anything unusual): the caller
    then runs the regex. Cells starting in the last 15 bytes are left to the regex itself."""
    if n < 64 or columns <= 0 or rows <= 0:
        return False
    if _suspect(b"", rows, columns).search(buf, n - _WINDOW + 1, n):
        return False
    a = np.frombuffer(buf, np.uint8, n)
    # `<c` as a little-endian 16-bit word, at even then at odd offsets, wholly in buf[: n - 14] (so
    # that the 16 bytes from each lie within buf)
    span = n - _WINDOW + 2
    p = np.concatenate(
        (
            np.flatnonzero(a[: span & ~1].view("<u2") == 0x633C) * 2,
            np.flatnonzero(a[1 : 1 + ((span - 1) & ~1)].view("<u2") == 0x633C) * 2 + 1,
        )
    )
    if not len(p):
        return True
    words = np.ndarray((n - 7,), "<u8", buf, 0, (1,))  # the 8 bytes from each offset, unaligned
    w = words[p]
    head = (w & _HEAD_MASK) == _HEAD
    if not head.all():
        other = p[~head]  # `<col`, `<cfRule`, ... are no cells; `<c t="s" r="A1">` is a suspect
        if _TAG_END[a[other + 2]].any():
            return False
        p, w = p[head], w[head]
        if not len(p):
            return True
    first = (w >> 48) & 0xFF
    second = w >> 56
    if (first - 65 >= 26).any():  # unsigned: below `A` wraps round
        return False
    two = second - 65 < 26
    if two.any():
        if columns < 27:
            return False
        hi = int(((first << 8) | second)[two].max())
        if ((hi >> 8) - 64) * 26 + (hi & 0xFF) - 64 > columns:
            return False
        digits = words[p + 7 + two]
    else:
        if int(first.max()) - 64 > columns:
            return False
        digits = words[p + 7]
    x = digits ^ (0x30 * _ONES)  # a digit's byte becomes 0-9
    stop = (((x & (0x7F * _ONES)) + 0x76 * _ONES) | x) & (0x80 * _ONES)  # the high bit of each non-digit
    if (stop & 0x80).any() or not stop.all():  # no digit, or 8 (no quote in the word)
        return False
    unit = (stop & (~stop + 1)) >> 7  # 1 << 8k: byte k, the first after the row's k digits
    if ((digits & (unit * 0xFF)) != unit * 0x22).any():
        return False
    if rows >= 10_000_000:
        return True
    # right-aligned as 8 digits (leading zeros in front) then read big-endian: ordered as the rows
    key = ((x & (unit - 1)) << (64 - np.bitwise_count(unit - 1).astype(np.uint64))).byteswap()
    return int(key.max()) <= _row_key(rows)


class SheetBounds:
    """Feed a sheet's XML in chunks; `rows` and `columns` are then the 1-based last row and column of
    its used range as calamine would see it (a sound upper bound).

    Fast path (every cell tag carries its `r` reference first, as Excel, LibreOffice, openpyxl and
    XlsxWriter write them): the last cell of a chunk gives the running row bound, then one regex
    search looks for a cell tag without its reference or with a reference beyond the running bounds
    (rows written out of order, a wider row); it fails fast on ordinary cells, so a chunk is scanned
    once by the regex engine and never cell by cell in Python. Otherwise the chunk's tags are walked
    the way calamine places them (a row or cell without `r` takes the next position).

    Before that regex, a sheet without a namespace prefix tries `_proven_clear`, which proves with numpy
    that the regex would find nothing (the common case; some 1-2 ns a byte, where the regex takes some
    200 ns a cell tag); when it cannot, the regex runs as if it had not been tried, so the bounds are
    the same either way, for any chunking. `vectorised=False` leaves the proof out; `proven` counts
    the chunks it passed."""

    def __init__(self, vectorised: bool = True):
        self.vectorised = vectorised
        self.proven = 0
        self.rows = self.columns = 0
        self._tail = b""
        self._prefix: bytes | None = None
        self._row = 0  # the position of the last row or cell seen, for tags without a reference
        self._col = 0

    def feed(self, chunk: bytes) -> None:
        buf = self._tail + chunk
        cut = buf.rfind(b"<")
        if 0 <= cut and len(buf) - cut < 4096:  # keep an unfinished tag for the next chunk
            end, self._tail = cut, buf[cut:]
        else:
            end, self._tail = len(buf), b""
        if end:
            self._scan(buf, end)  # buf[:end], not copied unless the regex has to run

    def close(self) -> None:
        if self._tail:
            self._scan(self._tail)
            self._tail = b""

    def _scan(self, buf: bytes, end: int | None = None) -> None:
        """Scan buf[:end] (all of buf by default)."""
        end = len(buf) if end is None else end
        if self._prefix is None:  # the root's namespace prefix, once a chunk holds the root
            m = _ROOT.search(buf, 0, end)
            if m:
                self._prefix = m.group(1) or b""
        p = self._prefix or b""
        cell_tag = b"<" + p + b'c r="'
        # rows come in order: the last cell's row bounds the chunk's (and places the next chunk's
        # cells without a reference, should there be any)
        last = buf.rfind(cell_tag, 0, end)
        tail = _REF_VALUE.match(buf, last + len(cell_tag) - 3, end) if last >= 0 else None
        if tail:
            self.rows = max(self.rows, int(tail.group(2)))
        pos, steps = 0, 0
        # proven clear: the regex below would find no suspect
        clear = self.vectorised and not p and _proven_clear(buf, end, self.rows, self.columns)
        self.proven += clear
        if not clear and end < len(buf):
            buf = buf[:end]
        while not clear and (m := _suspect(p, self.rows, self.columns).search(buf, pos)):
            pos = m.end()
            if not buf.startswith(cell_tag, m.start()):  # a cell without its reference first
                self._walk(buf, p)
                return
            if _valueless(buf, pos):
                continue
            ref = _REF_VALUE.match(buf, m.start() + len(cell_tag) - 3)
            if ref is None:  # `r="A1x"`: calamine refuses the sheet; say so before it opens
                at = m.start() + len(cell_tag)
                text = buf[at : at + 24].split(b'"', 1)[0].decode("utf-8", "replace")
                raise _corrupt(f"một ô có địa chỉ không hợp lệ '{text}'")
            self.rows, self.columns = max(self.rows, int(ref.group(2))), max(self.columns, _ref_index(ref.group(1)))
            steps += 1
            if steps > 16:  # references rising all along the chunk: take them all at once
                for r in _ALL_REFS.finditer(buf, pos):
                    if not _valueless(buf, r.end()):
                        self.rows = max(self.rows, int(r.group(2)))
                        self.columns = max(self.columns, _ref_index(r.group(1)))
                break
        if tail:
            self._row, self._col = int(tail.group(2)), _ref_index(tail.group(1))

    def _walk(self, buf: bytes, p: bytes) -> None:
        tag = re.compile(rb"<(" + re.escape(p) + rb"(?:row|c))(?=[\s>/])([^>]*)")
        for m in tag.finditer(buf):
            attrs = m.group(2)
            ref = _ALL_REFS.search(b" " + attrs)
            if m.group(1).endswith(b"row"):
                # the running maximum is kept apart from the current row: rows out of order must
                # not lower the bound
                self._row = int(ref.group(2)) if ref else self._row + 1
                self.rows = max(self.rows, self._row)
                self._col = 0
                continue
            if attrs.endswith(b"/"):
                if ref:
                    self._col = _ref_index(ref.group(1)) or self._col
                else:
                    self._col += 1
                continue
            if ref:
                self._col = _ref_index(ref.group(1)) or self._col + 1
                self.rows = max(self.rows, int(ref.group(2)))
            else:
                self._col += 1
            self.columns = max(self.columns, self._col)
