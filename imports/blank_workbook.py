"""The per-unit entry template: a workbook for one unit and one period listing the indicators that
unit reports, last period's values, and data validation on the cells to fill. Agencies fill it and
upload it back; `imports/formats/entry_template.py` reads it (by its headers, like any layout).

openpyxl is used here only to write."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import DataValue, Indicator

MEASURE_LABEL = {"percent": "%", "count": "số lượng", "amount_vnd": "đồng"}
TITLE_PREFIX = "MẪU NHẬP SỐ LIỆU"


def indicators_for(unit) -> list[Indicator]:
    return [
        i
        for i in Indicator.objects.filter(periodicity="monthly").order_by("order", "code")
        if unit.level in (i.reported_by or [])
    ]


def build_entry_template(unit, period: str) -> bytes:
    indicators = indicators_for(unit)
    previous: dict[int, tuple[str, object]] = {}
    for ind_id, per, value in (
        DataValue.objects.filter(unit=unit, indicator__in=indicators, period__lt=period)
        .order_by("indicator_id", "-period")
        .values_list("indicator_id", "period", "value")
    ):
        previous.setdefault(ind_id, (per, value))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Nhap lieu"
    ws["A1"] = f"{TITLE_PREFIX} — {unit.name} ({unit.code}) — kỳ {period}"
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells("A1:G1")
    ws["A2"] = (
        "Điền cột 'Số liệu kỳ này'; tỷ lệ ghi theo thang 0–100 (ví dụ 92,5). Không sửa cột mã chỉ tiêu."
    )
    ws.merge_cells("A2:G2")
    headers = [
        "STT",
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Kỳ trước",
        f"Số liệu kỳ {period}",
        "Ghi chú",
    ]
    ws.append(headers)
    for c in range(1, 8):
        cell = ws.cell(3, c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    percent_dv = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Tỷ lệ phải là số từ 0 đến 100",
    )
    count_dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Phải là số không âm",
    )
    ws.add_data_validation(percent_dv)
    ws.add_data_validation(count_dv)
    for n, ind in enumerate(indicators, start=1):
        prev = previous.get(ind.id)
        prev_text = ""
        if prev is not None and prev[1] is not None:
            prev_text = f"{format(prev[1].normalize(), 'f')} ({prev[0]})"
        ws.append([n, ind.code, ind.name, MEASURE_LABEL.get(ind.measure, ind.measure), prev_text, None, None])
        (percent_dv if ind.measure == "percent" else count_dv).add(f"F{n + 3}")
    for col, width in zip("ABCDEFG", (5, 22, 60, 11, 16, 16, 30), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
