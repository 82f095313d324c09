"""Requests no page of ours can answer, refused before any view runs.

PostgreSQL refuses a NUL character (`\\x00`) in any text it is given, so a `%00` in an address or a
query parameter reached the first query as a ValueError: 500 on the indicator page
(`/indicators/%00/`), the entry form (`/nhap-so-lieu/DONG%00XOAI/2023-09/`) and any filter
(`?unit=%00`). No code, period or filter of ours can hold one, so the request is refused here, once:
404 for an address (nothing lives there), 400 naming the parameter for a query. Answers under `/api/`
are JSON like every other API error; pages are the site's Vietnamese error page (`core.errors`).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import error_page

NUL = "\x00"


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def _page(request, status: int, message: str) -> HttpResponse:
    return error_page(request, status, ValueError(message))


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            message = _("Địa chỉ chứa ký tự không hợp lệ (NUL).")
            if _api(request):
                return JsonResponse(
                    {"detail": message, "code": "not_found"},
                    status=404,
                    json_dumps_params={"ensure_ascii": False},
                )
            return _page(request, 404, message)
        names = [
            name.replace(NUL, "\\0")
            for name, values in request.GET.lists()
            if NUL in name or any(NUL in value for value in values)
        ]
        if names:
            if _api(request):
                return JsonResponse(
                    {
                        "detail": _("Dữ liệu không hợp lệ."),
                        "code": "invalid",
                        "errors": [
                            {"field": n, "message": _("Chứa ký tự không hợp lệ (NUL).")} for n in names
                        ],
                    },
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return _page(
                request,
                400,
                " ".join(_('Tham số "%(name)s" chứa ký tự không hợp lệ (NUL).') % {"name": n} for n in names),
            )
        return self.get_response(request)
