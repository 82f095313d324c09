"""The layouts the importer reads, and the registry that tells which layout a sheet is.

Detection is by content only (headers, labels, titles), never by the sheet's name or position:
senders rename and reorder sheets. Every module has `LAYOUT`, `TITLE` (Vietnamese, for pages),
`detect(sheet) -> int` (0 = not this layout; higher = more evidence) and `parse(sheet) -> SheetResult`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from ..types import Answers, RowError, Severity, SheetResult
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
    transposed,
    wide_format,
)
from .base import fold

# Order breaks ties: the more specific layouts first.
LAYOUTS: list[ModuleType] = [
    entry_template,
    long_format,
    wide_format,
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


def parse_workbook(
    workbook: WorkbookData, answers: Answers | None = None
) -> tuple[list[SheetResult], list[RowError], list[Detection]]:
    """Detect and parse every sheet. Returns (results, workbook-level problems, detections).
    `answers`: a person's column and unit mapping (given now or saved earlier), beating the layouts'."""
    results: list[SheetResult] = []
    problems: list[RowError] = list(workbook.problems)
    detections: list[Detection] = []
    for sheet in workbook.sheets:
        module, score = detect_layout(sheet)
        if module is None:
            score = transposed.detect(sheet, answers)
            module = transposed if score else None
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
        results.append(module.parse(sheet, answers))
    return results, problems, detections


_REPORT_MONTH = re.compile(r"(?:bao cao|so lieu|ky bao cao)[^|]{0,30}?thang (\d{1,2}) (?:nam )?(\d{4})")


def propose_period(workbook: WorkbookData, results: list[SheetResult]) -> str | None:
    """A period named unambiguously by the workbook: the layouts' hints (entry template, KH57
    report), else a heading such as "Báo cáo … tháng 8/2023" — but never a comparison
    ("So với báo cáo chuyên đề tháng 12/2022") nor a date in a column header. None if several."""
    hints = {r.period_hint for r in results if r.period_hint}
    if len(hints) == 1:
        return hints.pop()
    if hints:
        return None
    found = set()
    for sheet in workbook.sheets:
        for r in range(min(2, sheet.height)):
            text = fold(sheet.raw(r, 0))
            for m in _REPORT_MONTH.finditer(text):
                start = m.start()
                if "so voi" in text[max(0, start - 12) : start + 1]:
                    continue
                month, year = int(m.group(1)), int(m.group(2))
                if 1 <= month <= 12:
                    found.add(f"{year:04d}-{month:02d}")
    return found.pop() if len(found) == 1 else None
