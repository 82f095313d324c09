"""The batch page (issue 17): the preview shows the values that will be stored — changed ones as
before → after — with the indicator's and unit's names and Vietnamese numbers, and every error and
warning at its cell; undo sits behind a confirmation that says what it will put back."""

import html as html_lib
import re
from decimal import Decimal

from django.urls import reverse

from imports.services import create_preview, import_file, preview_rows, undo_plan
from indicators.services import ValueInput, record_values

from .xlsx_builders import build_xlsx


def workbook(rows) -> bytes:
    return build_xlsx({"so-lieu": [["chỉ tiêu", "đơn vị", "kỳ", "giá trị", "ghi chú"], *rows]})


def text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_preview_lists_new_and_changed_values_with_errors_and_warnings_at_their_cells(client, reporter):
    record_values(
        [ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-08", Decimal("92.9"), raw="92,9%")],
        user=reporter,
        source="form",
    )
    batch = create_preview(
        workbook(
            [
                ["DVC-SVC-RATE", "DONGXOAI", "2023-08", "95,5%", ""],
                ["DVC-FILE-RATE", "DONGXOAI", "2023-08", "12,5a", ""],
                ["APP-BPTODAY-USERS", "DONGXOAI", "2023-08", "1.039", ""],
                ["DVC-FILE-RATE", "DONGXOAI", "2023-09", "150%", ""],
            ]
        ),
        period=None,
        user=reporter,
    )
    [sheet] = preview_rows(batch)
    assert [(r.cell, r.kind, r.before, r.after) for r in sheet.rows] == [
        ("D2", "changed", Decimal("92.9"), Decimal("95.5")),
        ("D3", "error", None, None),
        ("D4", "new", None, Decimal("1039")),
        ("D5", "new", None, Decimal("150")),
    ]
    assert [e["message"] for e in sheet.rows[1].errors] == [
        "Sheet 'so-lieu', dòng 3, cột 'giá trị': \"12,5a\" không phải là số"
    ]
    assert [w["message"] for w in sheet.rows[3].warnings] == [
        "Sheet 'so-lieu', dòng 5, cột 'giá trị': Tỷ lệ 150% lớn hơn 100%; hãy xác nhận nếu đúng"
    ]

    client.force_login(reporter)
    page = text(client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode())
    assert "Số liệu sẽ ghi" in page
    assert "D2 Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến DVC-SVC-RATE · Thành phố Đồng Xoài Tháng 8/2023 92,9% → 95,5%" in page
    assert "D4 Số người sử dụng ứng dụng Bình Phước Today (lũy kế) APP-BPTODAY-USERS · Thành phố Đồng Xoài Tháng 8/2023 1.039 mới" in page
    assert "D3 Ô không đọc được “12,5a” Sheet 'so-lieu', dòng 3, cột 'giá trị': \"12,5a\" không phải là số Sửa thành" in page
    assert "150% mới Sheet 'so-lieu', dòng 5, cột 'giá trị': Tỷ lệ 150% lớn hơn 100%; hãy xác nhận nếu đúng" in page


def test_undo_asks_for_confirmation_and_says_what_it_will_put_back(client, reporter):
    record_values(
        [ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-06", Decimal("90"), raw="90%")],
        user=reporter,
        source="form",
    )
    batch = import_file(
        workbook(
            [
                ["DVC-SVC-RATE", "DONGXOAI", "2023-06", "91,5%", ""],
                ["APP-BPTODAY-USERS", "DONGXOAI", "2023-06", "1.020", ""],
            ]
        ),
        user=reporter,
        filename="t6.xlsx",
    ).batch
    plan = undo_plan(batch)
    assert (plan.deleted, plan.restored) == (1, 1)
    assert [(i.indicator.code, i.created, i.before, i.after) for i in plan.items] == [
        ("DVC-SVC-RATE", False, Decimal("90"), Decimal("91.5")),
        ("APP-BPTODAY-USERS", True, None, Decimal("1020")),
    ]
    client.force_login(reporter)
    html = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    page = text(html)
    assert '<details class="card undo" id="undo">' in html  # the undo button is behind the disclosure
    assert (
        f"Hoàn tác sẽ đưa số liệu về như trước khi nhập lô #{batch.pk}: xóa 1 số liệu lô này tạo mới, "
        "khôi phục 1 số liệu về giá trị trước đó." in page
    )
    assert "Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến DVC-SVC-RATE · Thành phố Đồng Xoài Tháng 6/2023 91,5% 90%" in page
    assert "1.020 xóa (chưa có số liệu)" in page
    assert f"Xác nhận hoàn tác lô #{batch.pk}" in page
