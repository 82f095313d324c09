"""The layouts the importer reads, and the registry that tells which layout a sheet is.

Detection is by content only (headers, labels, titles), never by the sheet's name or position:
senders rename and reorder sheets. Every module has `LAYOUT`, `TITLE` (Vietnamese, for pages),
`detect(sheet) -> int` (0 = not this layout; higher = more evidence) and `parse(sheet) -> SheetResult`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from ..types import RowError, Severity, SheetResult
from ..workbook import SheetData, WorkbookData
from . import (
    app_users,
    cnscd_teams,
    dti_scores,
    dvctt,
    ecert,
    entry_template,
    hotline,
    kh57_results,
    long_format,
    media,
    software_usage,
    tax_payments,
)

# Order breaks ties: the more specific layouts first.
LAYOUTS: list[ModuleType] = [
    entry_template,
    long_format,
    dti_scores,
    kh57_results,
    tax_payments,
    dvctt,
    app_users,
    software_usage,
    cnscd_teams,
    ecert,
    hotline,
    media,
]
BY_NAME = {m.LAYOUT: m for m in LAYOUTS}


@dataclass
class Detection:
    sheet: str
    layout: str | None
    title: str
    score: int


def detect_layout(sheet: SheetData) -> tuple[ModuleType | None, int]:
    best, best_score = None, 0
    for module in LAYOUTS:
        try:
            score = int(module.detect(sheet) or 0)
        except (IndexError, ValueError, TypeError, KeyError):
            score = 0  # a malformed sheet is not this layout; it never stops detection
        if score > best_score:
            best, best_score = module, score
    return best, best_score


def parse_workbook(workbook: WorkbookData) -> tuple[list[SheetResult], list[RowError], list[Detection]]:
    """Detect and parse every sheet. Returns (results, workbook-level problems, detections)."""
    results: list[SheetResult] = []
    problems: list[RowError] = list(workbook.problems)
    detections: list[Detection] = []
    for sheet in workbook.sheets:
        module, score = detect_layout(sheet)
        if module is None:
            detections.append(Detection(sheet.name, None, "", 0))
            problems.append(
                RowError(
                    sheet.name,
                    None,
                    None,
                    "",
                    "Không nhận ra bảng số liệu trong sheet này; sheet không được nhập.",
                    Severity.WARNING,
                    code="unknown_sheet",
                )
            )
            continue
        detections.append(Detection(sheet.name, module.LAYOUT, module.TITLE, score))
        results.append(module.parse(sheet))
    return results, problems, detections
