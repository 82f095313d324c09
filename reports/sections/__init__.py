"""The sections of the báo cáo's data part ("Chuyển đổi số qua các con số"), one module per section, and the
registry that gives their order.

Every module declares `KEY`, `TITLE` (Vietnamese, as printed), `build(ctx) -> dict | None` (None when
the month has no data for it: the section is not printed and the next one takes its number) and
`SECTION`, the `Section` that the registry lists and that names its commentary boxes and its tables
for the editor. Mirrors `imports/formats/`, one module per sheet layout.
"""

from __future__ import annotations

from . import cnscd, dti, dvc, ecert, kh57, media, software, tax  # noqa: I001 (the registry's modules)
from .base import Context, Section
from .data import PeriodData

SECTIONS: tuple[Section, ...] = (
    dvc.SECTION,
    software.SECTION,
    cnscd.SECTION,
    ecert.SECTION,
    tax.SECTION,
    media.SECTION,
    kh57.SECTION,
    dti.SECTION,
)
BY_KEY = {s.key: s for s in SECTIONS}


def narrative_label(section: dict, key: str) -> str:
    """The label of a commentary box in the editor: the section's number and title as printed, and what
    the box comments on when the section has more than one ("2. Kết quả sử dụng phần mềm, ứng dụng —
    Ứng dụng “Bình Phước Today”")."""
    label = f"{section['number']}. {section['title']}"
    declared = BY_KEY.get(section["key"])
    what = declared.narratives.get(key) if declared is not None else None
    return f"{label} — {what}" if what else label


def table_labels() -> dict[str, str]:
    """The tables whose unit order staff may set, by table key."""
    return {key: label for s in SECTIONS for key, label in s.tables.items()}


def build_data_sections(ctx: Context) -> list[dict]:
    ctx.data = ctx.data or PeriodData(ctx.period)
    sections = []
    for declared in SECTIONS:
        section = declared.build(ctx)
        if section is not None:
            section["number"] = len(sections) + 1
            sections.append(section)
    for agg in ctx.data.aggregates.values():
        if agg.mismatch:
            ctx.warnings.append(f"{agg.indicator.name}: {agg.message}")
    return sections


__all__ = ["SECTIONS", "Context", "PeriodData", "Section", "build_data_sections", "narrative_label", "table_labels"]
