"""CSV and TXT uploads as one sheet of text cells. Pure (no Django).

- Encoding: a byte-order mark decides (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8; otherwise
  charset-normalizer chooses among UTF-16 and the Windows code pages, Windows-1258 (Vietnamese) first
  when it reads the bytes as well as Windows-1252 does. Text is NFC-normalised (Windows-1258 spells
  tones as combining marks).
- Delimiter: a first line `sep=;` (Excel's) decides; otherwise the one of `;`, tab and `,` that splits
  the first lines into the same number (> 1) of fields most often (ties: `;`, tab, `,`: a Vietnamese
  Excel writes `;` because the comma is its decimal mark).
- Every cell is text, exactly as a cell typed as text in a workbook: the layouts' number readers
  (Vietnamese grouping, percent signs) read it.
- The sheet is named after the file (without extension); the used-range limits apply while reading.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from .guards import SheetLimits, check_used_range
from .sheet_data import SheetData, WorkbookData
from .types import WorkbookError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = (";", "\t", ",")


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in every other byte of its ASCII characters."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(data: bytes) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    sample = data[:65536]
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=["utf_16", "cp1258", "cp1252", "cp1250", "latin_1"]).best()
    name = (best.encoding if best else "cp1258").lower()
    if name in ("cp1252", "latin_1", "cp1250"):
        try:
            data.decode("cp1258")
            return "cp1258"
        except UnicodeDecodeError:
            return name
    return name


def looks_like_text(data: bytes) -> bool:
    """Text (CSV/TXT) in any of the encodings above, not a binary file."""
    sample = data[:4096]
    if any(sample.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(sample):
        return True
    if b"\x00" in sample:
        return False
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample)
    if "\ufffd" in text:
        text = sample.decode("cp1258", "replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / max(len(text), 1) > 0.95


def _delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for delim in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        counts = [n for n in counts if n > 1]
        if not counts:
            continue
        most = max(set(counts), key=counts.count)
        score = counts.count(most)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_delimited(data: bytes, *, filename: str = "", limits: SheetLimits | None = None) -> WorkbookData:
    limits = limits or SheetLimits()
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise WorkbookError(
            "Không đọc được tệp văn bản: bảng mã không rõ. Hãy lưu tệp CSV dạng UTF-8 rồi tải lên.", "encoding"
        ) from exc
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    lines = text.splitlines()
    delimiter = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter = lines[0].strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    delimiter = delimiter or _delimiter(lines[:50])
    name = Path(filename).stem or "CSV"
    rows: list[list] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell.strip() for cell in row])
            width = max(width, len(row))
            if len(rows) > limits.rows or width > limits.columns or len(rows) * width > limits.cells:
                check_used_range(name, len(rows), width, limits)
    except csv.Error as exc:
        raise WorkbookError(f"Tệp CSV bị hỏng, dòng {len(rows) + 1}: {exc}.", "corrupt") from exc
    while rows and not any(rows[-1]):
        rows.pop()
    rows = [row + [""] * (width - len(row)) for row in rows]
    sheet = SheetData(name, rows, [], True, None, [])
    if sheet.is_empty():
        raise WorkbookError("Tệp không có dữ liệu: tệp văn bản trống.", "no_data")
    return WorkbookData(filename, [sheet], [], [name])
