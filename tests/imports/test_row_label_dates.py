"""A person's answer for a label table's row is saved under the label with its dates as tokens
(`windows.label_key`): the hotline prints its date windows in every label and they move every month,
so an answer confirmed in August applies in September. A window starting on 01/01 (the year to date)
keeps its own key apart from the short reporting window's, and a label with other words is another
row. A mapping saved before (keyed by the exact label) still applies to the same label."""

from decimal import Decimal

import pytest

from core.text import fold
from imports.formats.hotline import LAYOUT
from imports.formats.row_labels import label_fingerprint
from imports.formats.windows import label_key
from imports.models import SavedMapping
from indicators.models import DataValue

from .test_label_table_mapping import HOTLINE
from .test_saved_mapping import remember_with_cli, run_cli
from .xlsx_builders import AUGUST, build_xlsx, sample_sheets

pytestmark = pytest.mark.django_db

NEW = "Tin nhắn không hợp lệ"  # the sender's new phrasing of 'Tin rác'
YTD_AUG, SHORT_AUG = "từ ngày 01/01/2023 đến ngày 04/10/2023", "từ ngày 18/08/2023 đến ngày 04/10/2023"
YTD_SEP, SHORT_SEP = "từ ngày 01/01/2023 đến ngày 03/11/2023", "từ ngày 17/09/2023 đến ngày 03/11/2023"


def hotline_file(tmp_path, name, labels: dict[int, str], moved: bool = False):
    """The August hotline sheet with row labels replaced ({1-based row: label}) and, with `moved`, every
    date window moved to September's."""
    spec = sample_sheets(AUGUST)[HOTLINE]
    rows = [list(r) for r in spec.rows]
    for r, label in labels.items():
        rows[r - 1][0] = label
    if moved:
        for row in rows:
            row[0] = str(row[0]).replace("18/08/2023", "17/09/2023").replace("04/10/2023", "03/11/2023")
    path = tmp_path / name
    path.write_bytes(build_xlsx({HOTLINE: rows}))
    return path


def remember_august(tmp_path):
    """August: rows 7 and 13 printed in the new phrasing; the person maps row 7 (the year to date) to
    HOT-SPAM and the product remembers it."""
    august = hotline_file(tmp_path, "h-08.xlsx", {7: f"{NEW} – {YTD_AUG}", 13: f"{NEW} – {SHORT_AUG}"})
    answer = {"sheet": HOTLINE, "header": f"{NEW} – {YTD_AUG}", "indicator": "HOT-SPAM"}
    code, result = remember_with_cli(august, tmp_path, {"columns": [answer]})
    assert (code, result["status"], result["errors"]) == (0, "committed", [])
    by_row = {m["row"]: (m["indicator"], m["how"]) for m in result["mapping"]}
    assert (by_row[7], by_row[13]) == (("HOT-SPAM", "given"), (None, "ignored"))
    (saved,) = SavedMapping.objects.all()
    assert [(c["key"], c["header"], c["indicator"]) for c in saved.columns] == [
        ("tin nhan khong hop le tu ngay [year-start] den ngay [date]@b", f"{NEW} – {YTD_AUG}", "HOT-SPAM")
    ]


def by_row(result):
    return {m["row"]: (m["header"], m["indicator"], m["how"]) for m in result["mapping"]}


def test_a_remembered_row_answer_applies_next_month_when_only_the_dates_moved(catalogue, staff, tmp_path):
    remember_august(tmp_path)
    september = hotline_file(
        tmp_path, "h-09.xlsx", {7: f"{NEW} – {YTD_AUG}", 13: f"{NEW} – {SHORT_AUG}"}, True
    )
    code, result = run_cli(str(september), "--period", "2023-09", "--user", "staff", "--json")
    assert (code, result["status"], result["errors"]) == (0, "committed", [])
    assert by_row(result)[7] == (f"{NEW} – {YTD_SEP}", "HOT-SPAM", "saved")
    value = DataValue.objects.get(indicator__code="HOT-SPAM", unit__code="BP", period="2023-09")
    assert value.value == Decimal(52)


def test_the_year_to_date_rows_answer_does_not_apply_to_the_short_window_row(catalogue, staff, tmp_path):
    remember_august(tmp_path)
    september = hotline_file(
        tmp_path, "h-09.xlsx", {7: f"{NEW} – {YTD_AUG}", 13: f"{NEW} – {SHORT_AUG}"}, True
    )
    code, result = run_cli(str(september), "--period", "2023-09", "--user", "staff", "--json", "--dry-run")
    assert (code, result["errors"]) == (0, [])
    rows = by_row(result)
    assert (rows[7], rows[13]) == (
        (f"{NEW} – {YTD_SEP}", "HOT-SPAM", "saved"),
        (f"{NEW} – {SHORT_SEP}", None, "ignored"),
    )


def test_a_label_with_other_words_does_not_take_the_remembered_answer(catalogue, staff, tmp_path):
    remember_august(tmp_path)
    other = f"{NEW} bị trả lại – {YTD_AUG}"
    september = hotline_file(tmp_path, "h-09.xlsx", {7: f"{NEW} – {YTD_AUG}", 8: other}, True)
    code, result = run_cli(str(september), "--period", "2023-09", "--user", "staff", "--json", "--dry-run")
    assert (code, result["errors"]) == (0, [])
    rows = by_row(result)
    moved_other = other.replace("04/10/2023", "03/11/2023")
    assert (rows[7], rows[8]) == (
        (f"{NEW} – {YTD_SEP}", "HOT-SPAM", "saved"),
        (moved_other, None, "unmapped"),
    )
    assert [w["message"] for w in result["warnings"]] == [
        f"Sheet '{HOTLINE}', dòng 8, cột 'Chỉ tiêu': Không nhận ra chỉ tiêu '{moved_other}'; không nhập dòng này."
    ]


def test_a_mapping_saved_under_the_exact_label_still_applies_to_the_same_label(catalogue, staff, tmp_path):
    label = f"{NEW} – {YTD_AUG}"
    SavedMapping.objects.create(
        user=staff,
        fingerprint=label_fingerprint(LAYOUT, ["Chỉ tiêu", "Số liệu"]),
        sheet=HOTLINE,
        columns=[{"key": f"{fold(label)}@b", "header": label, "indicator": "HOT-SPAM"}],
    )
    august = hotline_file(tmp_path, "h-08.xlsx", {7: label})
    code, result = run_cli(str(august), "--period", "2023-08", "--user", "staff", "--json", "--dry-run")
    assert (code, result["errors"]) == (0, [])
    assert by_row(result)[7] == (label, "HOT-SPAM", "saved")


@pytest.mark.parametrize(
    "label, key",
    [
        (
            "Tổng số phản ánh tiếp nhận từ 01/01/2023 đến 18/08/2023",
            "tong so phan anh tiep nhan tu [year-start] den [date]",
        ),
        ("Riêng từ ngày 11/08 đến 18/08/2023", "rieng tu ngay [date] den [date]"),
        ("Riêng ngày 18/08/2023 đến ngày 04/10/2023", "rieng ngay [date] den ngay [date]"),
        (
            "Quá hạn xử lý (cấp lãnh đạo 48 giờ hành chính) – từ ngày 01/01/2023 đến ngày 04/10/2023",
            "qua han xu ly cap lanh dao 48 gio hanh chinh tu ngay [year-start] den ngay [date]",
        ),
        ("Số tin tháng 8/2023", "so tin thang [month]"),
        ("Số tin 08/2023", "so tin [month]"),
        ("Số tin tháng 8", "so tin thang [month]"),
        ("Lũy kế năm 2023", "luy ke nam [year]"),
        ("Số tin 01/11-30/11/2023", "so tin [date] [date]"),
        ("Tính đến ngày 30/11/2023", "tinh den ngay [date]"),
        ("Tin rác", "tin rac"),
    ],
)
def test_a_labels_dates_become_tokens(label, key):
    assert label_key(fold(label)) == key
