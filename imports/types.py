"""Plain data passed between the parse, validate, preview and commit steps of the importer.

Nothing here touches the database, pandas or openpyxl: `parse()` of every layout in
`imports/formats/` returns these objects, and the services in `imports/services.py` take them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class WorkbookError(Exception):
    """The file cannot be read at all. `message` is Vietnamese; `code` is machine-readable."""

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.message = message
        self.code = code


def column_letter(column: int) -> str:
    """1 → 'A', 27 → 'AA'."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class CellRef(NamedTuple):
    """Where a value was printed. Rows and columns are 1-based, as Excel shows them.

    A named tuple rather than a frozen dataclass: one is built per value written (200,000 for a
    long file) and a frozen dataclass's `__init__` costs ~4x a tuple's."""

    sheet: str
    row: int
    column: int
    header: str = ""  # the column's header text as printed (merged header levels joined by " / ")

    @property
    def cell(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass
class RowError:
    """One problem found in a workbook, with the place it was found.

    `message` is the Vietnamese text without the location; `str()` adds it:
    Sheet 'DVCTT', dòng 14, cột 'Tỷ lệ hồ sơ xử lý trực tuyến': "12,5a" không phải là số
    """

    sheet: str
    row: int | None
    column: int | None
    value: str
    message: str
    severity: Severity = Severity.ERROR
    header: str = ""
    code: str = ""  # machine-readable kind, e.g. "not_a_number", "unknown_unit", "total_mismatch"
    suggestion: str | None = None  # e.g. "2.730 (theo dòng Tổng)"; never applied automatically

    @property
    def cell(self) -> str:
        if self.row is None or self.column is None:
            return ""
        return f"{column_letter(self.column)}{self.row}"

    def location(self) -> str:
        parts = [f"Sheet '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column is not None:
            parts.append(f"cột '{self.header or column_letter(self.column)}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.header or (column_letter(self.column) if self.column else ""),
            "cell": self.cell,
            "value": self.value,
            "message": str(self),
            "code": self.code,
            "suggestion": self.suggestion,
        }


@dataclass
class ParsedValue:
    """One number read from a workbook, not yet matched against the catalogue or the database.

    `unit_label` is the unit name exactly as printed; `unit_code` is set instead when the layout
    itself names the unit (a total row is the province, `BP`; the hotline sheet is the province).
    """

    indicator: str  # catalogue code, e.g. "DVC-SVC-RATE"
    ref: CellRef
    raw: str  # the cell as printed, e.g. "92,90%" or "0.929" for a numeric cell
    value: Decimal | None  # None when the cell could not be read (then an error names the cell)
    unit_label: str = ""
    unit_code: str | None = None
    is_total: bool = False  # a printed total row (`Tổng`): the province's printed value
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    tiers: dict[str, Decimal] | None = None  # tiered KH57 cell: {"province": 95, "district": 92, ...}
    note: str = ""
    flags: list[str] = field(default_factory=list)  # e.g. ["dot_decimal"], ["no_transaction"]
    # Added by the intake: a layout that carries its own period per row (long format, entry
    # template) sets it; otherwise the import's period applies. `indicator_is_label` means
    # `indicator` holds a printed name or code still to be resolved against the catalogue.
    period: str | None = None
    indicator_is_label: bool = False
    target_printed: str = ""  # KH57: the target as the row prints it ("đạt 70%")
    level_hint: str | None = None  # the unit level the layout expects (helps unit matching)
    unit_column: int | None = None  # 1-based column of the printed unit name, for messages


@dataclass
class PrintedDerived:
    """A derived figure the sender printed (change, status, increment): kept to check the engine."""

    indicator: str
    kind: str  # "change" | "status" | "increment"
    ref: CellRef
    raw: str
    unit_label: str = ""
    unit_code: str | None = None
    is_total: bool = False
    direction: str | None = None  # "up" | "down" | "same" for changes; "met" | "not_met" for statuses
    amount: Decimal | None = None


@dataclass
class DTIRow:
    """One unit's row in a DTI ranking table."""

    ref: CellRef
    unit_label: str
    level: str  # "agency" | "district"
    scores: dict[str, Decimal]  # pillar code → points
    total_printed: Decimal | None = None
    group_printed: str = ""
    rank_printed: int | None = None
    note: str = ""


@dataclass(slots=True)
class CellBlock:
    """The plain numeric cells of a long or wide sheet, one tuple per cell instead of one
    `ParsedValue` (with its `CellRef`) each: the 200,000-row files other systems send would
    otherwise cost ~1 KB and several object constructions per cell.

    Each item is `(row, column, indicator, unit_label, period, value, raw, note)`: 1-based row and
    column (the cell reference is computed from them for messages), the indicator as printed (a
    code or name, resolved against the catalogue), the unit as printed, the row's own period or
    None (the import's period applies), a Decimal, the cell as printed, the row's note. Only cells
    read without any error, warning or flag go here; every other cell stays a `ParsedValue`.
    """

    sheet: str
    headers: dict[int, str]  # 1-based column → header text as printed
    unit_column: int  # 1-based column of the printed unit names
    items: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)

    def parsed_values(self):
        """The items as ParsedValue objects (for callers that want the general shape)."""
        for row, col, ind, unit, period, value, raw, note in self.items:
            yield ParsedValue(
                ind,
                CellRef(self.sheet, row, col, self.headers.get(col, "")),
                raw,
                value,
                unit_label=unit,
                note=note,
                period=period,
                indicator_is_label=True,
                unit_column=self.unit_column,
            )


@dataclass
class SheetResult:
    """What one layout module made of one sheet."""

    sheet: str
    layout: str  # the module's LAYOUT name, e.g. "dvctt"
    values: list[ParsedValue] = field(default_factory=list)
    derived: list[PrintedDerived] = field(default_factory=list)
    dti_rows: list[DTIRow] = field(default_factory=list)
    dti_year: int | None = None
    problems: list[RowError] = field(default_factory=list)
    period_hint: str | None = None  # "YYYY-MM" when the sheet's heading names the period unambiguously
    block: CellBlock | None = None  # long/wide layouts: their plain numeric cells, as tuples
    mapping: list[ColumnMapping] = field(default_factory=list)  # unit tables: every column's reading
    unit_rows: list[UnitRow] = field(default_factory=list)  # unit tables: every unit row's label
    fingerprint: str = ""  # unit tables: the header's fingerprint (saved mappings key on it)

    def all_values(self):
        """Every parsed value, the block's included (materialised as ParsedValue)."""
        yield from self.values
        if self.block is not None:
            yield from self.block.parsed_values()


# ---- the column and unit mapping: what each column and row label was taken to be, and why ------

HOW_CATALOGUE, HOW_SAVED, HOW_GIVEN, HOW_IGNORED, HOW_UNMAPPED = (
    "catalogue",
    "saved",
    "given",
    "ignored",
    "unmapped",
)


@dataclass
class ColumnMapping:
    """One column of a sheet and the indicator it was taken to be (None: not imported); in a label
    table (indicators down the rows, `imports/formats/row_labels.py`) one row label and its value cell.

    `how`: 'catalogue' (the layout and the catalogue's vocabulary), 'saved' (a mapping confirmed
    earlier by the same sender for this header), 'given' (this import's mapping), 'ignored' (a column
    that maps to nothing on purpose: printed derived figures, a one-day window, a column the user
    ignored) or 'unmapped' (nothing matched well enough, or the match was ambiguous: then `question`
    says why and `candidates` lists what it could be)."""

    sheet: str
    column: int  # 1-based
    header: str
    indicator: str | None
    how: str
    candidates: list[dict] = field(default_factory=list)  # [{"indicator": code, "why": "…"}]
    question: str = ""
    fingerprint: str = ""
    row: int | None = None  # a label table's row (1-based): `header` is then the row's printed label

    def as_dict(self) -> dict:
        out = {"sheet": self.sheet, "column": column_letter(self.column)}
        if self.row is not None:
            out["row"] = self.row
        out |= {"header": self.header, "indicator": self.indicator, "how": self.how}
        if self.candidates or self.question:
            out["candidates"] = self.candidates
            out["question"] = self.question
        return out


@dataclass
class UnitRow:
    """One printed row label of a unit table and the unit given for it by a mapping (if any)."""

    sheet: str
    row: int  # 1-based
    printed: str
    unit: str | None = None
    how: str = ""  # set when a mapping gave the unit: 'given' | 'saved'
    level: str | None = None
    is_total: bool = False


@dataclass
class Answers:
    """A person's answers to the mapping questions, from this import (`given`) or confirmed earlier
    (`saved`). Columns are matched by sheet and folded header (or column letter), saved ones by the
    sheet's header fingerprint and folded header; units by folded printed label."""

    columns: dict[tuple[str, str], str | None] = field(default_factory=dict)
    saved_columns: dict[tuple[str, str], str | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    saved_units: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # indicator code → core.numbers.Kind value
    # The catalogue's side, carried along: each indicator's header phrasings (an
    # `imports.vocabulary.Vocabulary`) and time window ("" month, "ytd", "since_start").
    vocabulary: object | None = None
    windows: dict[str, str] = field(default_factory=dict)
    # For a one-unit sheet: a unit code from a printed name (None if no unit matches), and the
    # uploader's only unit (None for staff, the system or a reporter of several units).
    find_unit: object | None = None
    default_unit: str | None = None
    # The unit the file's name names ('So_GDDT_thang_8.xlsx'; `UnitIndex.match_file_name`), None if
    # it names none or several; `file_units` lists the several ("Sở A (SA), Sở B (SB)") for the question.
    file_unit: str | None = None
    file_units: str = ""

    def column(
        self, sheet: str, fingerprint: str, keys: list[str], saved_keys: list[str] | tuple[str, ...] = ()
    ) -> tuple[str | None, str] | None:
        """(indicator or None for 'ignore', how) for a column known by any of `keys`, or None. A saved
        answer is keyed by the header and the column's letter (`saved_keys`, 'hop khong giay@c': two
        columns may fold to the same header text), tried in order: a label row's dated key first,
        then the exact label an older saved mapping used."""
        for key in keys:
            for s in (sheet, "*"):
                if (s, key) in self.columns:
                    return self.columns[(s, key)], HOW_GIVEN
        for saved_key in saved_keys:
            if (fingerprint, saved_key) in self.saved_columns:
                return self.saved_columns[(fingerprint, saved_key)], HOW_SAVED
        return None

    def unit(self, folded_label: str) -> tuple[str, str] | None:
        if folded_label in self.units:
            return self.units[folded_label], HOW_GIVEN
        if folded_label in self.saved_units:
            return self.saved_units[folded_label], HOW_SAVED
        return None
