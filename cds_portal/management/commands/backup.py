from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cds_portal.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp đã lưu vào một tệp .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="Tệp sao lưu (.tar.gz)")

    def handle(self, *args, **options):
        try:
            manifest = create_backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Đã sao lưu cơ sở dữ liệu ({manifest['engine']}) và {manifest['media_files']} tệp vào {options['output']}"
        )
