import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_check_deploy_is_clean_with_production_settings():
    # (DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "cds.binhphuoc.gov.vn"}
    )
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "System check identified no issues (0 silenced)."


def test_pages_carry_the_security_headers(client, catalogue):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offenders == []


def test_five_wrong_passwords_lock_the_login_with_a_vietnamese_message(client, staff):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "staff", "password": "sai"})
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "staff", "password": "sai"})
    assert response.status_code == 429
    assert "Tài khoản này đã đăng nhập sai quá nhiều lần nên bị tạm khóa" in response.content.decode()
    # Locked: even the right password is refused now.
    response = client.post("/accounts/login/", {"username": "staff", "password": "pw-staff"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_right_password_logs_in_and_resets_the_count(client, staff):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "staff", "password": "sai"})
    response = client.post("/accounts/login/", {"username": "staff", "password": "pw-staff"})
    assert response.status_code == 302
    client.logout()
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "staff", "password": "sai"})
        assert response.status_code == 200
