"""The document dict (see `core.documents`) checked and laid out for the templates: plain text split into
paragraphs, table rows as cells with their spans and alignment, rich text sanitised. Pure: no I/O."""

from __future__ import annotations

from .assets import DocumentError
from .sanitize import clean_html

BLOCK_TYPES = ("section", "paragraph", "list", "table", "html")


def lines(text) -> list[str]:
    """Plain text as paragraphs: every line the writer ended with Enter is a paragraph of its own."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def row_cells(table: dict, row: dict) -> list[dict]:
    """[{text, colspan, align}] for one body row; a heading row spans the whole table."""
    aligns = table.get("align") or []
    spans = row.get("spans") or [1] * len(row["cells"])
    out, col = [], 0
    for text, span in zip(row["cells"], spans, strict=False):
        out.append({"text": text, "colspan": span, "align": aligns[col] if col < len(aligns) else "left"})
        col += span
    if row.get("heading") and out:
        out[0]["colspan"] = len(table["columns"])
        out[0]["align"] = "left"
    return out


def row_class(row: dict) -> str:
    return " ".join(name for name in ("total", "heading", "subheader") if row.get(name))


def block(b: dict) -> dict:
    kind = b.get("type")
    if kind not in BLOCK_TYPES:
        raise DocumentError(f"Khối nội dung “{kind}” không được hỗ trợ.")
    if kind == "section":
        return {**b, "blocks": [block(x) for x in b.get("blocks", [])]}
    if kind == "paragraph":
        return {**b, "lines": lines(b.get("text"))}
    if kind == "list":
        return {**b, "intro_lines": lines(b.get("intro")), "items": [i for item in b["items"] for i in lines(item)]}
    if kind == "html":
        return {**b, "html": clean_html(b.get("html"))}
    return {
        **b,
        "body": [
            {"key": r.get("key", ""), "class": row_class(r), "cells": row_cells(b, r)} for r in b["rows"]
        ],
    }


def prepare(document: dict) -> dict:
    if not document.get("title"):
        raise DocumentError("Tài liệu thiếu tiêu đề.")
    meta = list(document.get("meta") or [])
    return {
        **document,
        "lang": document.get("lang") or "vi",
        "name": document.get("name") or document["title"],
        "meta": (meta + ["", "", ""])[:3] if meta else [],
        "opening_lines": lines(document.get("opening")),
        "closing_lines": lines(document.get("closing")),
        "parts": [
            {**p, "blocks": [block(b) for b in p.get("blocks", [])]} for p in document.get("parts", [])
        ],
        "signature": document.get("signature") or {},
    }
