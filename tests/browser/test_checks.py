"""The page walk's checks have teeth: an overflowing page, a box scrolling sideways on a phone, English
from the deny-list and an unlabeled input are each reported (tests/browser/checks.py)."""

from .checks import AXE_JS, AXE_SOURCE, OVERFLOW_JS, english_words

PAGE = """<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thử</title></head><body><main>
<div class="table-wrap" style="overflow-x:auto"><table><tr><td style="min-width:700px">Đồng Xoài</td></tr></table></div>
<p style="width:900px">Tràn</p><input name="x"></main></body></html>"""


def test_english_words_from_the_deny_list_are_found_and_codes_and_names_are_not():
    assert english_words("Giá trị: None · Submit · Aug 2023") == ["None", "Submit", "Aug"]
    assert english_words("DVC-SVC-RATE · Bình Phước Today · STTTT · Tháng 8/2023 · 1.039") == []


def test_overflow_boxes_and_axe_are_reported_on_a_phone(chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    try:
        page.set_content(PAGE)
        size = page.evaluate(OVERFLOW_JS, 375)
        page.evaluate(AXE_SOURCE)
        violations = page.evaluate(AXE_JS)
    finally:
        context.close()
    assert size["scroll"] > 376
    assert "p →908" in size["widest"]
    assert [b.split(" ")[0] for b in size["boxes"]] == ["div.table-wrap"]
    assert "label" in [v["id"] for v in violations]
