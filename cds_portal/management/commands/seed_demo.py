"""Demo users for each role, the catalogue and the two sample workbooks, so a new app is not empty."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from imports.services import import_file
from indicators.deadlines import deadline_for
from indicators.services import ValueInput, record_values
from units.services import create_or_update_user

DEMO_PASSWORD = "cds-demo-2023"
DEMO_USERS = [
    # username, role, units, what they are
    ("canbo", "staff", [], "cán bộ Sở TT&TT (toàn quyền, phê duyệt)"),
    ("dongxoai", "reporter", ["DONGXOAI"], "người báo cáo của Thành phố Đồng Xoài"),
    ("sotttt", "reporter", ["STTTT"], "người báo cáo của Sở TT&TT"),
    ("bcd", "viewer", [], "thành viên Ban Chỉ đạo (chỉ xem)"),
]
SAMPLES = [("bao-cao-2023-01.xlsx", "2023-01"), ("bao-cao-2023-08.xlsx", "2023-08")]


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: danh mục, người dùng mẫu cho từng vai trò và số liệu của hai báo cáo mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--no-samples", action="store_true", help="Không nhập hai tệp Excel mẫu")

    def handle(self, *args, **options):
        call_command("load_catalogue", stdout=self.stdout)
        for username, role, units, _label in DEMO_USERS:
            create_or_update_user(username, role=role, unit_codes=units, password=DEMO_PASSWORD)
        if not options["no_samples"]:
            self._import_samples()
            self._reporter_draft()
        self.stdout.write("")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, _role, _units, label in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {label}")

    def _import_samples(self):
        """The two archived months, recorded as reported the day before their deadline (08:00): the
        sources do not say when each unit sent its table, and a demo whose every unit is "Trễ hạn"
        (years after 2023) shows nothing of the completeness pages. A demo convention, not data: no
        number is changed or added."""
        folder = Path(settings.BASE_DIR) / "fixtures" / "samples"
        for name, period in SAMPLES:
            day = deadline_for("", period) - datetime.timedelta(days=1)
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))
            result = import_file(
                folder / name, period=period, user=None, commit=True, skip_invalid=True, recorded_at=at
            )
            self.stdout.write(f"{name}: {result.summary()} (ghi nhận ngày {day:%d/%m/%Y})")

    def _reporter_draft(self):
        """One month typed by Đồng Xoài's reporter and not yet submitted: staff see it (marked as a
        draft), the Ban Chỉ đạo does not, until it is submitted and approved (issue 7)."""
        user = get_user_model().objects.get(username="dongxoai")
        record_values(
            [
                ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-09", Decimal("93.1"), raw="93,1%"),
                ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-09", Decimal("88.4"), raw="88,4%"),
            ],
            user=user,
            source="form",
        )
        self.stdout.write("Bản nháp tháng 9/2023 của Thành phố Đồng Xoài (chưa gửi duyệt).")
