"""python manage.py build_report YYYY-MM --format html|docx|pdf --output FILE

Renders the month's báo cáo chuyên đề: the latest published snapshot when the report was published,
otherwise a draft generated from the stored data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.numbers import format_number, format_period
from core.periods import PeriodError, parse_period
from reports import services


class Command(BaseCommand):
    help = "Xuất báo cáo chuyên đề của một tháng ra HTML, DOCX hoặc PDF."

    def add_arguments(self, parser):
        parser.add_argument("period", help="Kỳ báo cáo, dạng YYYY-MM")
        parser.add_argument("--format", choices=["html", "docx", "pdf"], default="pdf")
        parser.add_argument("--output", help="Tệp ghi ra (mặc định bao-cao-chuyen-de-YYYY-MM.<định dạng>)")

    def handle(self, *args, period, format, output, **options):
        try:
            period = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        rendered = services.document_for_period(period)
        data = services.render_bytes(rendered.document, format)
        path = Path(output or f"bao-cao-chuyen-de-{period}.{format}")
        path.write_bytes(data)
        sections = sum(len(p["sections"]) for p in rendered.document["parts"] if p["kind"] == "data")
        self.stdout.write(
            f"Báo cáo chuyên đề tháng {format_period(period)} ({rendered.label}, số {rendered.document['number']}, "
            f"{sections} mục số liệu): đã ghi {format_number(len(data))} byte ra {path}"
        )
