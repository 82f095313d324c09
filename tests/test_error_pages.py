"""Error pages are Vietnamese, inside the site layout, with the reason and a way back (issue 17)."""

import pytest
from django.test import Client
from django.urls import path

from core import errors


def _page(response):
    return response.content.decode()


def test_a_viewer_on_the_entry_page_gets_the_reason_in_vietnamese_inside_the_layout(client, viewer, settings):
    settings.DEBUG = True
    client.force_login(viewer)
    response = client.get("/nhap-so-lieu/")
    html = _page(response)
    assert response.status_code == 403
    assert "<h1>Không có quyền truy cập</h1>" in html
    assert "Tài khoản chỉ có quyền xem số liệu." in html
    assert 'href="/">Về trang tổng quan</a>' in html
    assert '<header class="topbar">' in html and "Tổng quan</a>" in html  # the menu is there
    assert "Forbidden" not in html


def test_a_reporter_on_the_approval_queue_is_told_why(client, reporter, settings):
    settings.DEBUG = True
    client.force_login(reporter)
    response = client.get("/nhap-so-lieu/duyet/")
    assert response.status_code == 403
    assert "Chỉ cán bộ Sở TT&amp;TT được dùng trang này." in _page(response)


def test_an_unpublished_report_is_a_vietnamese_404_even_with_debug_on(client, viewer, settings):
    settings.DEBUG = True
    client.force_login(viewer)
    response = client.get("/bao-cao/2030-01/")
    html = _page(response)
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert "Báo cáo chuyên đề tháng 1/2030 chưa được phát hành." in html
    assert '<a href="/bao-cao/">← Về danh sách báo cáo chuyên đề</a>' in html
    assert "Django" not in html and "URLconf" not in html


def test_an_unknown_address_is_a_vietnamese_404_when_deployed(client, viewer, settings):
    settings.DEBUG = False
    client.force_login(viewer)
    response = client.get("/khong-co-trang-nay/")
    html = _page(response)
    assert response.status_code == 404
    assert "Trang bạn tìm không có hoặc đã được chuyển đi." in html
    assert "Resolver404" not in html and "Not Found" not in html


def test_the_api_keeps_its_json_errors(client, viewer):
    client.force_login(viewer)
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy địa chỉ này trong API.", "code": "not_found"}


def _boom(request):
    raise RuntimeError("the database is on fire")


urlpatterns = [path("boom/", _boom)]
handler500 = "core.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_vietnamese_page_that_needs_nothing_to_render(settings, db):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    html = _page(response)
    assert response.status_code == 500
    assert "<h1>Lỗi máy chủ</h1>" in html
    assert "lỗi đã được ghi lại" in html and 'href="/">Về trang tổng quan</a>' in html
    assert errors.TITLES[500] == "Lỗi máy chủ"
