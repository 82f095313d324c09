"""The synthesis document (`services.synthesis.compose_document`, frozen as it is in `PlanSynthesis`)
adapted to the shared document shape of `core.documents` (front matter, parts, blocks `section |
paragraph | table`; docs/decisions/0006-shared-document-renderer.md): the files are the shared
renderer's (`plans/render.py`), the page shows the same dict with a phone-first template of its own
(tables stacked into labelled rows on a 375 px screen).

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
