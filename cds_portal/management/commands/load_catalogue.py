from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cds_portal.catalogue import CatalogueError, load_catalogue

LABELS = {
    "units": "Đơn vị",
    "indicators": "Chỉ tiêu",
    "targets": "Chỉ tiêu kế hoạch",
    "dti_pillars": "Trụ cột DTI",
    "plans": "Kế hoạch hoạt động",
    "plan_tasks": "Nhiệm vụ kế hoạch",
}


class Command(BaseCommand):
    help = (
        "Nạp danh mục (đơn vị, chỉ tiêu, chỉ tiêu kế hoạch, trụ cột DTI, nhiệm vụ của kế hoạch hoạt động "
        "Ban Chỉ đạo) từ thư mục fixtures/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=None, help="Thư mục chứa các tệp CSV (mặc định: fixtures/)"
        )

    def handle(self, *args, **options):
        try:
            result = load_catalogue(options["dir"])
        except CatalogueError as exc:
            raise CommandError("Danh mục có lỗi, không có gì được ghi:\n" + "\n".join(exc.errors)) from None
        for key, counts in result.counts.items():
            self.stdout.write(f"{LABELS[key]}: {counts}")
        self.stdout.write(f"Tổng cộng: {result.created} tạo mới, {result.changed} thay đổi")
