"""A person logs in and reads the home page."""

import pytest

from indicators.catalogue import load_catalogue
from units.services import create_or_update_user


@pytest.fixture
def live_catalogue(transactional_db):
    load_catalogue()
    create_or_update_user("bcd", role="viewer", password="mat-khau-bcd")


def test_a_viewer_logs_in_and_sees_the_pillars(browser_page, live_catalogue):
    browser_page.goto("/")
    assert browser_page.page.url.endswith("/accounts/login/?next=/")
    assert browser_page.page.locator("h1").inner_text() == "Đăng nhập"
    browser_page.login("bcd", "sai-mat-khau")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in browser_page.page.content()
    browser_page.login("bcd", "mat-khau-bcd")
    page = browser_page.page
    assert page.locator("h1").inner_text() == "Chuyển đổi số tỉnh Bình Phước"
    assert page.locator(".pillars section h3").all_inner_texts() == [
        "Hạ tầng số",
        "Chính quyền số",
        "Kinh tế số",
        "Xã hội số",
    ]
    assert page.locator("#group-DVC td").first.inner_text() == "Dịch vụ công trực tuyến"
    browser_page.screenshot("home-desktop")
    assert browser_page.console_errors == []


# The home page on a phone, as every persona: tests/browser/test_every_page.py.
