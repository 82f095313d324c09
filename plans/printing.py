"""The synthesis document (`services.synthesis.compose_document`, frozen as it is in `PlanSynthesis`)
adapted to the shared document shape of `core.documents` (front matter, parts, blocks `section |
paragraph | table`; docs/decisions/0006-shared-document-renderer.md). The page and the HTML file render
this shape; DOCX and PDF are the shared renderer's once it is on main (see `plans/render.py`).

Pure: a dict in, a dict out. The frozen JSON keeps its own schema, so older published versions keep
rendering whatever this adapter becomes.
"""

from __future__ import annotations


def printable(doc: dict) -> dict:
    return {
        "name": f"Báo cáo tổng hợp {doc['quarter_label']} — Số: {doc['number']}",
        "lang": "vi",
        "header": list(doc["organisation"]),
        "title": doc["title"],
        "edition": doc["subtitle"],
        "subtitle": doc["recipient"],
        "meta": [f"Số: {doc['number']}", doc["issue_date_text"], ""],
        "opening": doc["opening"],
        "parts": [
            {
                "title": f"{i}. {part['title'].upper()}",
                "blocks": [
                    {
                        "type": "section",
                        "title": f"{i}.{section['number']}. {section['title']}",
                        "id": f"muc-{section['key']}",
                        "blocks": section["blocks"],
                    }
                    for section in part["sections"]
                ],
            }
            for i, part in enumerate(doc["parts"], start=1)
        ],
        "closing": doc["closing"],
        "signature": dict(doc["signature"]),
    }
