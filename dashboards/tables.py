"""The indicator table as a file: the downloads of the indicator page (XLSX for Excel, CSV for other systems)."""

from __future__ import annotations

from indicators import exports
from indicators.choices import QualityFlag, Status
from units.models import Level

TABLE_COLUMNS = (
    "Mã đơn vị",
    "Đơn vị",
    "Cấp",
    "Kỳ",
    "Giá trị",
    "Chỉ tiêu",
    "Trạng thái",
    "% so với chỉ tiêu",
    "Kỳ so sánh",
    "Giá trị kỳ so sánh",
    "So với kỳ trước",
    "Cảnh báo",
)


def table_records(rows: list[dict]) -> list[list]:
    """The indicator table as the downloads write it: numbers stay numbers, words are Vietnamese."""

    def num(d):
        if d is None:
            return None
        return int(d) if d == d.to_integral_value() else float(d)

    out = []
    for r in rows:
        out.append(
            [
                r["unit_code"],
                r["unit_name"],
                str(Level(r["unit_level"]).label),
                r["period"],
                num(r["value"]),
                num(r["target"]),
                str(Status(r["status"]).label) if r["status"] else "",
                num(r["progress"]),
                r["previous_period"] or "",
                num(r["previous_value"]),
                r["change_text"] or "",
                "; ".join(str(QualityFlag(f).label) for f in r["flags"]),
            ]
        )
    return out


def indicator_table_file(indicator: dict, rows: list[dict], fmt: str) -> tuple[bytes, str]:
    """XLSX (numbers as numbers, for Excel) or CSV (UTF-8 with BOM, dot decimals, for other systems),
    through the one writer that keeps every text a text (`indicators.exports`)."""
    records = table_records(rows)
    if fmt == "csv":
        return exports.write_csv(list(TABLE_COLUMNS), records), "text/csv; charset=utf-8"
    content = exports.write_xlsx(
        list(TABLE_COLUMNS),
        records,
        sheet=indicator["code"],
        title=f"{indicator['code']} — {indicator['name']}",
    )
    return content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
