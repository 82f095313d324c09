"""A variant generator: the two samples rewritten the way real senders rewrite them.

Each operation takes {sheet name: SheetSpec} and returns a new dict plus what it did (`Change`), so the
property can tell an intended difference (a column an agency left out, a month column added) from a
wrong one. Operations:
- `rephrase`: headers written with the vocabulary's other phrasings and abbreviations;
- `respell_windows`: time windows spelled differently ("từ đầu năm đến nay" → "lũy kế từ đầu năm" …);
- `add_month_column`: a month column beside the year-to-date eCabinet column;
- `sentence_label_header`: the label column's header replaced by a sentence;
- `footer`: footnotes, a place and date line and a signature block appended;
- `agency_subset`: one agency's subset of columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .xlsx_builders import SheetSpec, insert_column, replace_text

REPHRASINGS = [
    # (as the samples print it, as another sender prints it)
    ("thư điện tử công vụ", "TĐT công vụ"),
    ("Tỷ lệ CB, CC, VC", "Tỷ lệ CBCCVC"),
    ("Hệ thống QLVB&HSCV", "hệ thống quản lý văn bản và hồ sơ công việc"),
    ("Tỷ lệ hồ sơ xử lý trực tuyến", "Tỷ lệ HS xử lý trực tuyến"),
    ("Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến", "Tỷ lệ dịch vụ công trực tuyến có phát sinh HS trực tuyến"),
    ("Số người dùng", "SỐ NGƯỜI SỬ DỤNG"),
    ("Số GD", "Số giao dịch"),
    ("NVTC", "Nghĩa vụ tài chính"),
]

WINDOW_SPELLINGS = [
    ("(từ đầu năm đến nay)", ["(lũy kế từ đầu năm)", "(lũy kế)", "(tính từ đầu năm)", "(từ 01/01 đến nay)"]),
    ("09/2023", ["Tháng 09/2023", "Trong tháng 9/2023", "01/09/2023 - 30/09/2023"]),
    ("Năm 2023", ["Lũy kế năm 2023", "Từ đầu năm 2023", "Từ 01/01/2023 đến 28/09/2023"]),
]

MONTH_HEADERS = [
    "Họp không giấy qua phần mềm Ecabinet (tháng 8/2023)",
    "Số cuộc họp Ecabinet trong tháng",
    "Họp không giấy Ecabinet (từ ngày 01/8 đến 31/8)",
    "Ecabinet trong kỳ báo cáo",
]

SENTENCES = [
    "Các sở, ban, ngành, UBND các huyện, thị xã, thành phố (theo Kế hoạch 57/KH-UBND)",
    "Cơ quan, đơn vị thực hiện báo cáo số liệu tháng",
]

FOOTER = [
    [],
    ["", "Ghi chú: * Số liệu trích xuất từ hệ thống"],
    ["", "Nguồn: Trung tâm IOC tỉnh"],
    ["", "Bình Phước, ngày 05 tháng 10 năm 2023"],
    ["", "Người lập biểu", "", "KT. GIÁM ĐỐC"],
    ["", "", "", "(Đã ký)"],
    ["", "Nguyễn Văn A", "", "Trần Thị B"],
]


@dataclass
class Change:
    """What the variant changed that the property must allow."""

    dropped_sheets: set[str] = field(default_factory=set)  # sheets whose sender left whole columns out
    added_columns: set[tuple[str, str]] = field(default_factory=set)  # (sheet, indicator) of added columns
    labels: list[str] = field(default_factory=list)


def rephrase(sheets: dict[str, SheetSpec], pick: int, change: Change):
    old, new = REPHRASINGS[pick % len(REPHRASINGS)]
    change.labels.append(f"rephrase {old!r}")
    return {name: _replace_header(spec, old, new) for name, spec in sheets.items()}


def respell_windows(sheets: dict[str, SheetSpec], pick: int, change: Change):
    old, spellings = WINDOW_SPELLINGS[pick % len(WINDOW_SPELLINGS)]
    new = spellings[(pick // len(WINDOW_SPELLINGS)) % len(spellings)]
    change.labels.append(f"window {old!r} -> {new!r}")
    whole = not old.startswith("(")  # a group header cell ('09/2023'), not part of '28/09/2023'
    return {name: _replace_header(spec, old, new, whole=whole) for name, spec in sheets.items()}


def add_month_column(sheets: dict[str, SheetSpec], pick: int, change: Change):
    if "Phan mem" not in sheets:
        return sheets
    header = MONTH_HEADERS[pick % len(MONTH_HEADERS)]
    spec = sheets["Phan mem"]
    values = [float((i * 7 + pick) % 40) for i in range(len(spec.rows) - 3)]
    change.labels.append(f"month column {header!r}")
    change.added_columns.add(("Phan mem", "SW-ECABINET"))
    return {**sheets, "Phan mem": insert_column(spec, 3, ["", "", header, *values])}


def sentence_label_header(sheets: dict[str, SheetSpec], pick: int, change: Change):
    sentence = SENTENCES[pick % len(SENTENCES)]
    out = {}
    for name, spec in sheets.items():
        if name in ("Phan mem", "BinhPhuocToday"):
            rows = [list(r) for r in spec.rows]
            rows[2][1] = sentence
            spec = SheetSpec(rows, list(spec.merges), dict(spec.formats))
            change.labels.append(f"sentence label header in {name}")
        out[name] = spec
    return out


def footer(sheets: dict[str, SheetSpec], pick: int, change: Change):
    out = {}
    for name, spec in sheets.items():
        width = max(len(r) for r in spec.rows)
        rows = [list(r) + [""] * (width - len(r)) for r in spec.rows]
        rows += [(list(f) + [""] * width)[:width] for f in FOOTER[: 2 + pick % (len(FOOTER) - 1)]]
        out[name] = SheetSpec(rows, list(spec.merges), dict(spec.formats))
    change.labels.append("footer")
    return out


def agency_subset(sheets: dict[str, SheetSpec], pick: int, change: Change):
    """One agency reports only some columns: Phan mem without the e-mail rate, or DVCTT without the
    file-rate group."""
    if pick % 2 == 0 and "Phan mem" in sheets:
        spec = sheets["Phan mem"]
        rows = [list(r)[:-1] for r in spec.rows]
        change.dropped_sheets.add("Phan mem")
        change.labels.append("Phan mem without column F")
        return {**sheets, "Phan mem": SheetSpec(rows, list(spec.merges), dict(spec.formats))}
    if "DVCTT" in sheets:
        spec = sheets["DVCTT"]
        rows = [list(r)[:5] for r in spec.rows]
        change.dropped_sheets.add("DVCTT")
        change.labels.append("DVCTT without the file-rate group")
        merges = [
            m for m in spec.merges if all(part.rstrip("0123456789") in "ABCDE" for part in m.split(":"))
        ]
        return {**sheets, "DVCTT": SheetSpec(rows, merges, dict(spec.formats))}
    return sheets


OPERATIONS = [rephrase, respell_windows, add_month_column, sentence_label_header, footer, agency_subset]


def _replace_header(spec: SheetSpec, old: str, new: str, *, whole: bool = False) -> SheetSpec:
    """Replace text in the header rows only (the first five rows), never in the data; `whole`: only
    cells that are exactly `old`."""

    def swap(v, i):
        if not isinstance(v, str) or i >= 5:
            return v
        if whole:
            return new if v.strip() == old else v
        return v.replace(old, new)

    rows = [[swap(v, i) for v in row] for i, row in enumerate(spec.rows)]
    return SheetSpec(rows, list(spec.merges), dict(spec.formats), spec.hidden)


def variant(
    sheets: dict[str, SheetSpec], steps: list[tuple[int, int]]
) -> tuple[dict[str, SheetSpec], Change]:
    """Apply `steps` ((operation index, pick) pairs) in order."""
    change = Change()
    for op, pick in steps:
        sheets = OPERATIONS[op % len(OPERATIONS)](sheets, pick, change)
    return sheets, change


__all__ = ["OPERATIONS", "Change", "replace_text", "variant"]
