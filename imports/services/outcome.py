"""What a batch's pages, the API and the CLI show of it: the outcome, counts as words, problems by cell."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from core.numbers import format_vn

from ..models import ImportBatch


@dataclass
class ImportOutcome:
    batch: ImportBatch | None
    status: str  # committed | rejected | dry_run | preview
    period: str
    counts: dict
    errors: list[dict]
    warnings: list[dict]
    skipped: list[dict] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    unreadable: bool = False
    mapping: dict = field(default_factory=dict)  # {"columns": [...], "units": [...]}

    def as_json(self) -> dict:
        return {
            "batch": self.batch.pk if self.batch else None,
            "status": self.status,
            "period": self.period or None,
            "counts": self.counts,
            "errors": self.errors,
            "warnings": self.warnings,
            "skipped": self.skipped,
            "sheets": self.sheets,
            "mapping": [_public(m) for m in self.mapping.get("columns", [])],
            "units": [_public(u) for u in self.mapping.get("units", [])],
        }

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 0 if self.status in ("committed", "dry_run", "preview") else 1

    def summary(self) -> str:
        c = self.counts
        label = dict(ImportBatch.Status.choices).get(self.status, self.status)
        return (
            f"{label}: {c.get('new', 0)} mới, {c.get('changed', 0)} thay đổi, {c.get('unchanged', 0)} không đổi, "
            f"{c.get('skipped', 0)} bỏ qua{dti_text(c)}; {len(self.errors)} lỗi, {len(self.warnings)} cảnh báo"
        )

    @classmethod
    def of(cls, batch: ImportBatch, *, unreadable: bool = False) -> ImportOutcome:
        status = batch.status
        if status == ImportBatch.Status.FAILED:
            status = "rejected"
        return cls(
            batch,
            status,
            batch.period,
            dict(batch.counts),
            list(batch.errors),
            list(batch.warnings),
            list(batch.skipped),
            list(batch.sheets),
            unreadable,
            dict(batch.mapping or {}),
        )


def _public(entry: dict) -> dict:
    """A mapping entry without the internal header fingerprint."""
    return {k: v for k, v in entry.items() if k != "fingerprint"}


def describe_counts(counts: dict) -> str:
    return ", ".join(
        f"{format_vn(counts.get(k, 0))} {label}"
        for k, label in (
            ("new", "mới"),
            ("changed", "thay đổi"),
            ("unchanged", "không đổi"),
            ("skipped", "bỏ qua"),
        )
    ) + dti_text(counts)


def dti_text(counts: dict) -> str:
    """The DTI scores a batch stores, beside its values: "; điểm DTI: 36 mới, 0 thay đổi, 0 không đổi"
    (a DTI workbook holds no indicator values, so "0 mới" alone hid the 36 scores stored)."""
    if not any(k.startswith("dti_") for k in counts):
        return ""
    return "; điểm DTI: " + ", ".join(
        f"{format_vn(counts.get(f'dti_{k}', 0))} {label}"
        for k, label in (("new", "mới"), ("changed", "thay đổi"), ("unchanged", "không đổi"))
    )


def group_problems_by_cell(problems: list[dict]) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for p in problems:
        out[f"{p.get('sheet')}!{p.get('cell')}"].append(p)
    return out


def problem(message: str, code: str) -> dict:
    """A problem of the whole batch (no sheet, row or cell), as batches store their errors."""
    return {
        "sheet": "",
        "row": None,
        "column": "",
        "cell": "",
        "value": "",
        "message": message,
        "code": code,
        "suggestion": None,
    }
