import errno
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from core.periods import PeriodError, parse_period
from indicators import exports
from indicators.models import DataValue, Indicator
from units.models import Unit


def period_arg(text: str) -> str:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise CommandError(str(exc)) from None


def write_file(path: str, data: bytes) -> None:
    """Write the export to ``path``; a place that cannot be written is a Vietnamese CommandError (the
    operator sees one line, not a traceback)."""
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {path}: {_reason(path, exc)}.") from None


def _reason(path: str, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return f"thư mục {os.path.dirname(os.path.abspath(path))} không tồn tại"
    if exc.errno == errno.EISDIR:
        return "đây là một thư mục, không phải tệp"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "không có quyền ghi"
    if exc.errno == errno.ENOSPC:
        return "ổ đĩa đã đầy"
    return exc.strerror or str(exc)


class Command(BaseCommand):
    help = "Xuất số liệu đã lưu (JSON, CSV hoặc XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="Kỳ YYYY-MM (lặp lại được)")
        parser.add_argument("--from", dest="start", help="Từ kỳ YYYY-MM")
        parser.add_argument("--to", dest="end", help="Đến kỳ YYYY-MM")
        parser.add_argument("--indicator", action="append", default=[], help="Mã chỉ tiêu (lặp lại được)")
        parser.add_argument("--unit", action="append", default=[], help="Mã đơn vị (lặp lại được)")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", help="Tệp kết quả (mặc định: stdout)")

    def handle(self, *args, **o):
        periods = [period_arg(p) for p in o["period"]]
        start = period_arg(o["start"]) if o["start"] else None
        end = period_arg(o["end"]) if o["end"] else None
        if start and end and start > end:
            raise CommandError(f"Kỳ bắt đầu {start} sau kỳ kết thúc {end}")
        unknown = sorted(
            set(o["indicator"])
            - set(Indicator.objects.filter(code__in=o["indicator"]).values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(f"Không có chỉ tiêu mã: {', '.join(unknown)}")
        unknown = sorted(
            set(o["unit"]) - set(Unit.objects.filter(code__in=o["unit"]).values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(f"Không có đơn vị mã: {', '.join(unknown)}")
        qs = DataValue.objects.between(start, end)
        if periods:
            qs = qs.for_period(*periods)
        if o["indicator"]:
            qs = qs.filter(indicator__code__in=o["indicator"])
        if o["unit"]:
            qs = qs.filter(unit__code__in=o["unit"])
        rows = exports.export_rows(qs)
        data = {"json": exports.to_json, "csv": exports.to_csv, "xlsx": exports.to_xlsx}[o["format"]](rows)
        if o["output"]:
            write_file(o["output"], data)
            self.stderr.write(f"Đã xuất {len(rows)} số liệu vào {o['output']}")
        elif o["format"] == "xlsx":
            sys.stdout.buffer.write(data)
        else:
            text = data.decode("utf-8-sig") if o["format"] == "csv" else data.decode()
            self.stdout.write(text)
