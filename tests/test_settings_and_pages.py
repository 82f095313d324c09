import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from units.models import Unit


def _settings_in_subprocess(env: dict, expr: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG", "SECRET_KEY")
    }
    clean.update(env)
    code = f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','cds_portal.settings'); django.setup(); from django.conf import settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=settings.BASE_DIR
    )


def test_defaults_are_sqlite_eager_tasks_vietnamese_and_saigon_time():
    out = _settings_in_subprocess(
        {}, "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE"
    )
    assert out.stdout.strip() == "django.db.backends.sqlite3 True vi Asia/Ho_Chi_Minh"


def test_postgres_and_a_broker_come_from_the_environment():
    out = _settings_in_subprocess(
        {"DATABASE_URL": "postgres://u:p@db:5432/cds", "CELERY_BROKER_URL": "redis://redis:6379/0"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER",
    )
    assert out.stdout.strip() == "django.db.backends.postgresql cds False"


def test_a_secret_key_is_required_when_debug_is_off():
    out = _settings_in_subprocess({"DEBUG": "0"}, "s.DEBUG")
    assert out.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in out.stderr
    ok = _settings_in_subprocess(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "cds.example"}, "s.DEBUG, s.ALLOWED_HOSTS"
    )
    assert ok.stdout.strip() == "False ['cds.example']"


def test_the_login_page_is_vietnamese(client, catalogue):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng nhập" in html and 'name="username"' in html and 'name="password"' in html


def test_the_home_page_needs_a_login(client, catalogue):
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/"


def test_a_wrong_password_gets_a_vietnamese_message(client, staff):
    response = client.post("/accounts/login/", {"username": "staff", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại." in response.content.decode()


@pytest.mark.parametrize("persona", ["staff", "reporter", "outsider", "viewer"])
def test_every_persona_sees_pillars_and_groups(client, personas, persona):
    client.force_login(personas[persona])
    html = client.get("/").content.decode()
    assert "64 chỉ tiêu trong danh mục" in html
    for pillar in ("Hạ tầng số", "Chính quyền số", "Kinh tế số", "Xã hội số"):
        assert pillar in html
    assert "Dịch vụ công trực tuyến" in html and "Chưa có số liệu" in html


def test_the_admin_is_for_staff_only(client, staff, viewer):
    client.force_login(viewer)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    assert "Quản trị CĐS Portal" in client.get("/admin/").content.decode()
    assert client.get("/admin/units/unit/").status_code == 200
    assert client.get("/admin/indicators/auditentry/").status_code == 200


def test_create_user_prints_the_token_last(catalogue, capsys):
    call_command("create_user", "dx", "--role", "reporter", "--unit", "DONGXOAI", "--token")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "Đã tạo người dùng dx (vai trò: reporter; đơn vị: DONGXOAI)"
    assert lines[-1] == Token.objects.get(user__username="dx").key
    assert list(Unit.objects.filter(members__username="dx").values_list("code", flat=True)) == ["DONGXOAI"]
