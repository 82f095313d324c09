from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans import catalogue

LABELS = {"plans": "Kế hoạch hoạt động", "plan_tasks": "Nhiệm vụ kế hoạch"}


class Command(BaseCommand):
    help = (
        "Nhập kế hoạch hoạt động của Ban Chỉ đạo từ tệp .xlsx hoặc .csv (UTF-8) có các cột của "
        "fixtures/plan_tasks.csv; kiểm tra toàn bộ tệp trước, có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp kế hoạch (.xlsx hoặc .csv)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và cho biết sẽ thay đổi gì")

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}")
        try:
            parsed = catalogue.read_plan_upload(path.read_bytes(), path.name)
        except catalogue.PlanFileError as exc:
            raise CommandError("Tệp kế hoạch có lỗi, không có gì được ghi:\n" + "\n".join(exc.errors)) from None
        result = catalogue.preview(parsed) if options["dry_run"] else catalogue.write(parsed)
        for key, counts in result.counts.items():
            self.stdout.write(f"{LABELS[key]}: {counts}")
        if result.kept:
            self.stdout.write(f"Giữ nguyên {len(result.kept)} nhiệm vụ không có trong tệp: {', '.join(result.kept)}")
        if options["dry_run"]:
            self.stdout.write("Chạy thử: chưa ghi gì.")
