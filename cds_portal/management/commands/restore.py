from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cds_portal.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và các tệp từ một bản sao lưu (ghi đè dữ liệu hiện có)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {manifest['created_at']} ({manifest['media_files']} tệp)"
        )
