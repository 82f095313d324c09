"""Documents rendered as HTML, DOCX and PDF alike, for any app (the báo cáo chuyên đề, the quarterly plan
synthesis). Depends on no app of ours: an app composes a document dict, freezes it if it publishes
it, and hands it to `render_fragment` / `render_html` / `render_docx` / `render_pdf`
(`core.documents.html`, `.docx`, `.pdf`). Decision record: docs/decisions/0006-shared-document-renderer.md.

The input shape (JSON-serialisable; every text is already formatted, numbers through `core.numbers`):

    {
      "name": "Báo cáo chuyên đề tháng 8/2023 — Số: 08/BC-STTTT",  # <title>, DOCX title (optional)
      "lang": "vi",                                                # optional, default "vi"
      "header": ["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", …],                # lines above the title, bold
      "title": "BÁO CÁO CHUYÊN ĐỀ",                                # required
      "edition": "Tháng 8/2023",                                   # bold line under the title
      "subtitle": "Tài liệu tham khảo phục vụ Ban Chỉ đạo …",      # italic line
      "meta": ["Số: 08/BC-STTTT", "Ngày 30/9/2023", "LƯU HÀNH NỘI BỘ"],  # left, centre, right
      "opening": "…",                  # plain text; each line is a paragraph
      "parts": [{"title": "CHUYỂN ĐỔI SỐ QUA CÁC CON SỐ", "blocks": [block, …]}, …],
      "closing": "…",                  # plain text, italic
      "signature": {"organisation": "…", "title": "…", "name": "…"},
    }

A block is one of:

    {"type": "section", "title": "1. Dịch vụ công trực tuyến", "id": "muc-dvc", "blocks": [block, …]}
    {"type": "paragraph", "text": "…"}                    # each line of the text is a paragraph
    {"type": "list", "intro": "Từ bảng trên cho thấy:" | None, "items": ["+ …", …]}
    {"type": "html", "html": "<h3>…</h3><p>…</p><figure><img src=/media/…></figure>"}  # rich text,
                                                          # sanitised (`core.documents.sanitize`)
    {"type": "table", "key": "dvc",
     "header": [[{"text": "STT", "colspan": 1, "rowspan": 2}, …], …],   # merged header rows
     "columns": ["STT", "Đơn vị", …],                   # one flat label per column
     "align": ["center", "left", "right", …], "widths": [5, 22, …], "small": False,
     "rows": [{"key": "DONGXOAI", "cells": ["17", "Thành phố Đồng Xoài", "100%", …],
               "spans": [1, 1, …], "total": False, "heading": False, "subheader": False}, …]}

Images: `render_docx` and `render_pdf` take `images={"/media/reports/images/": folder}`; an `<img>`
elsewhere (another folder, the network, `file:`) is left out. Fonts: the Liberation Serif files in
`static/fonts` (SIL OFL), through `@font-face` in the PDF and embedded in the DOCX.
"""
