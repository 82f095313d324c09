"""A workbook as plain data: what every reader (calamine's formats, CSV/TXT) hands to the layouts."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.numbers import raw_text

from .types import RowError


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
