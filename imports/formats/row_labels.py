"""Label tables in the mapping: the layouts whose indicators run down the rows (`Chỉ tiêu | Số liệu`
of the hotline and media sheets, the KH57 results table, a transposed one-unit sheet) list one mapping
entry per row label, the way a unit table lists one per column:

    {"sheet", "column": the value column's letter, "row": the label's row, "header": the label as
     printed, "indicator", "how"}

A person changes a row's indicator through the same mapping as a column's: `{"columns": [{"sheet",
"header": the printed label (or the cell, 'B5'), "indicator"}]}`; a confirmed answer is saved for the
sender under the table's fingerprint and the folded label with the value column's letter, exactly as
a column's is (`row_saved_key`: the label's dates and periods replaced by tokens, a window starting
on 01/01 kept apart from any other), and applies next month to a row printed the same way but for
its dates. A mapping saved before the dated key (the exact folded label) still applies to the same
label."""

from __future__ import annotations

from dataclasses import dataclass

from core.text import fold

from ..types import (
    HOW_CATALOGUE,
    HOW_IGNORED,
    HOW_UNMAPPED,
    Answers,
    ColumnMapping,
    SheetResult,
    column_letter,
)
from .columns import fingerprint, row_saved_key, saved_key


def label_fingerprint(layout: str, headers: list[str]) -> str:
    """A label table's fingerprint: its layout and its header texts ('Chỉ tiêu', 'Số liệu')."""
    return fingerprint([layout, *headers])


@dataclass
class RowMapping:
    """Collects a label table's mapping entries and answers a row from a person's mapping."""

    result: SheetResult
    value_col: int  # 0-based
    answers: Answers | None

    def answer(self, r: int, label: str) -> tuple[str | None, str] | None:
        """(indicator or None for 'ignore', how) a person gave for row r (0-based), or None."""
        if self.answers is None:
            return None
        cell = f"{column_letter(self.value_col + 1)}{r + 1}".lower()
        return self.answers.column(
            self.result.sheet,
            self.result.fingerprint,
            [fold(label), cell],
            [row_saved_key(label, column_letter(self.value_col + 1)), saved_key(label, self.value_col + 1)],
        )

    def add(
        self,
        r: int,
        label: str,
        indicator: str | None,
        how: str = HOW_CATALOGUE,
        question: str = "",
        candidates: list[dict] | None = None,
    ) -> None:
        self.result.mapping.append(
            ColumnMapping(
                self.result.sheet,
                self.value_col + 1,
                label,
                indicator,
                how,
                candidates or [],
                question,
                fingerprint=self.result.fingerprint,
                row=r + 1,
            )
        )

    def ignored(self, r: int, label: str) -> None:
        self.add(r, label, None, HOW_IGNORED)

    def unmapped(self, r: int, label: str, question: str = "", candidates: list[dict] | None = None) -> None:
        self.add(r, label, None, HOW_UNMAPPED, question, candidates)

    def duplicate(self, r: int, message: str) -> None:
        """The row just added reads as an indicator an earlier row has: it is not imported."""
        entry = self.result.mapping[-1]
        if entry.row == r + 1:
            entry.indicator, entry.how, entry.question = None, HOW_UNMAPPED, message
