"""Accounts: the login lockout behind the reverse proxy, and changing one's password."""

import pytest
from django.test import Client

LOCKED = "Tài khoản này đã đăng nhập sai quá nhiều lần nên bị tạm khóa"


def _login(client, password, *, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": "staff", "password": password}, **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ("10.0.0.2",)


def test_behind_the_proxy_five_wrong_passwords_lock_only_the_address_they_came_from(behind_proxy, staff):
    attacker, colleague = Client(), Client()
    for _ in range(5):
        response = _login(attacker, "sai", remote="10.0.0.2", forwarded="203.0.113.5")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # The same proxy forwards a colleague at another address: not locked out.
    response = _login(colleague, "pw-staff", remote="10.0.0.2", forwarded="198.51.100.7")
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(staff.pk)
    # The attacker's own address stays locked, even with the right password.
    assert _login(attacker, "pw-staff", remote="10.0.0.2", forwarded="203.0.113.5").status_code == 429


def test_an_address_a_client_wrote_into_x_forwarded_for_is_not_believed(behind_proxy, staff):
    attacker = Client()
    # The client prepends made-up addresses; the proxy appends the real one (203.0.113.5).
    for n in range(5):
        response = _login(attacker, "sai", remote="10.0.0.2", forwarded=f"192.0.2.{n}, 203.0.113.5")
    assert response.status_code == 429
    # A request that did not come through the proxy keeps its own address, whatever it claims.
    for _ in range(5):
        response = _login(Client(), "sai", remote="203.0.113.77", forwarded="198.51.100.7")
    assert response.status_code == 429
    assert _login(Client(), "pw-staff", remote="10.0.0.2", forwarded="198.51.100.7").status_code == 302


def test_without_a_proxy_the_remote_address_is_the_client(settings, staff):
    settings.BEHIND_PROXY = False
    for _ in range(5):
        _login(Client(), "sai", remote="10.0.0.2", forwarded="203.0.113.5")
    # Every attempt came from 10.0.0.2 (the header is ignored), so that address is locked.
    assert _login(Client(), "pw-staff", remote="10.0.0.2", forwarded="198.51.100.7").status_code == 429


def test_a_reporter_changes_the_password_and_other_sessions_end(reporter):
    here, elsewhere = Client(), Client()
    here.force_login(reporter)
    elsewhere.force_login(reporter)
    page = here.get("/accounts/mat-khau/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Đổi mật khẩu</h1>" in html and 'name="old_password"' in html

    wrong = here.post(
        "/accounts/mat-khau/",
        {"old_password": "sai", "new_password1": "Binh-Phuoc-2024", "new_password2": "Binh-Phuoc-2024"},
    )
    assert wrong.status_code == 200
    assert "Mật khẩu cũ không chính xác. Hãy nhập lại lần nữa" in wrong.content.decode()

    done = here.post(
        "/accounts/mat-khau/",
        {"old_password": "pw-reporter", "new_password1": "Binh-Phuoc-2024", "new_password2": "Binh-Phuoc-2024"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/mat-khau/da-doi/"
    assert "Đã đổi mật khẩu" in here.get("/accounts/mat-khau/da-doi/").content.decode()
    reporter.refresh_from_db()
    assert reporter.check_password("Binh-Phuoc-2024")
    # This session goes on; the one on the other device has ended.
    assert here.get("/nhap-so-lieu/").status_code == 200
    assert elsewhere.get("/nhap-so-lieu/")["Location"].startswith("/accounts/login/")


def test_the_password_page_needs_a_login(client):
    response = client.get("/accounts/mat-khau/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
