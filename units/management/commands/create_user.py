from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from core.roles import Role
from units.services import create_or_update_user


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật người dùng với vai trò và đơn vị."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", action="append", default=[], help="Mã đơn vị (lặp lại được)")
        parser.add_argument("--password")
        parser.add_argument("--email", default="")
        parser.add_argument("--token", action="store_true", help="In mã API (token) ở dòng cuối")

    def handle(self, *args, **o):
        try:
            user, created = create_or_update_user(
                o["username"], role=o["role"], unit_codes=o["unit"], password=o["password"], email=o["email"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        units = ", ".join(sorted(user.units.values_list("code", flat=True))) or "—"
        verb = "Đã tạo" if created else "Đã cập nhật"
        self.stdout.write(f"{verb} người dùng {user.username} (vai trò: {o['role']}; đơn vị: {units})")
        if o["token"]:
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(token.key)
