"""Vietnamese error pages inside the site layout, with the reason and a way back.

`FriendlyErrorsMiddleware` answers a view's `Http404` and `PermissionDenied` with these pages in every
mode (with DEBUG=1 Django would show its English debug page, and a 403 was a bare "403 Forbidden"
whose Vietnamese reason went only to the log). The `handler*` views serve what happens outside a view
(an address no URL matches, a server error) when DEBUG=0. API addresses keep their JSON errors
(`core.api`).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("core.errors")

TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    500: "Lỗi máy chủ",
}
DEFAULT_REASONS = {
    400: "Địa chỉ hoặc dữ liệu gửi lên không hợp lệ.",
    403: "Tài khoản của bạn không được xem hoặc làm việc này.",
    404: "Trang bạn tìm không có hoặc đã được chuyển đi.",
}


class PageNotFound(Http404):
    """A 404 with a way back that fits the page (e.g. the list the reader came from)."""

    def __init__(self, message: str, *, back_url: str = "", back_label: str = ""):
        super().__init__(message)
        self.back_url, self.back_label = back_url, back_label


def _reason(exception, status: int) -> str:
    """The exception's own Vietnamese message, when a service or view gave one."""
    text = str(exception.args[0]) if exception is not None and getattr(exception, "args", None) else ""
    # Django's resolver 404 carries a dict of debug details, not a sentence for users.
    if not text or text.startswith("{") or "Resolver404" in text:
        return DEFAULT_REASONS[status]
    return text


def error_page(request, status: int, exception=None):
    return render(
        request,
        "errors/error.html",
        {
            "status": status,
            "title": TITLES[status],
            "reason": _reason(exception, status),
            "back_url": getattr(exception, "back_url", ""),
            "back_label": getattr(exception, "back_label", ""),
        },
        status=status,
    )


def bad_request(request, exception=None):
    return error_page(request, 400, exception)


def permission_denied(request, exception=None):
    return error_page(request, 403, exception)


def page_not_found(request, exception=None):
    return error_page(request, 404, exception)


def server_error(request):
    # No request context: whatever failed (the database, a template) must not fail this page too.
    return _plain(loader.get_template("errors/500.html").render({"title": TITLES[500]}), 500)


def _plain(html: str, status: int):
    return HttpResponseServerError(html, status=status)


class FriendlyErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            logger.info("403 %s %s: %s", request.method, request.path, exception)
            return permission_denied(request, exception)
        return None
