from django.core.management.base import BaseCommand, CommandError

from core.periods import parse_period
from indicators import engine
from indicators.choices import Status


class Command(BaseCommand):
    help = "Tính lại trạng thái (đạt/không đạt, thay đổi so với kỳ trước, cảnh báo, tổng hợp toàn tỉnh)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Tính lại các số liệu từ kỳ YYYY-MM trở đi")
        parser.add_argument("--all", action="store_true", help="Tính lại toàn bộ")

    def handle(self, *args, **options):
        if bool(options["period"]) == bool(options["all"]):
            raise CommandError("Chọn một trong hai: --period YYYY-MM hoặc --all")
        if options["all"]:
            result = engine.recompute_all()
        else:
            try:
                period = parse_period(options["period"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            result = engine.recompute_period(period)
        counts = ", ".join(
            f"{Status(code).label}: {count}" for code, count in sorted(result.statuses.items())
        )
        self.stdout.write(f"Đã tính trạng thái cho {result.values} số liệu ({counts or 'không có'})")
        self.stdout.write(
            f"Tổng hợp toàn tỉnh: {result.aggregates} (không khớp với tổng in trong báo cáo: {result.mismatches})"
        )
        self.stdout.write(f"Đơn vị phải báo cáo được ghi nhận thêm: {result.completeness}")
