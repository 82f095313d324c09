"""The plumbing every `/api/v1/` view of ours shares: who may call
(`ApiPermission`: token or session; anonymous read-only only with `PUBLIC_API=1`), throttling per
token (`ApiThrottle`), limit/offset pages with `next` links (`ApiPagination`), JSON bodies read
safely (`ApiJSONParser`), JSON errors with Vietnamese messages (`api_exception_handler`), `ETag` /
`Last-Modified` with 304 and `If-Match` preconditions (`ApiView`, `check_preconditions`).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser, get_encoding
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView, exception_handler

from .roles import may_write


# --------------------------------------------------------------------------------------- access
def public_api() -> bool:
    return getattr(settings, "PUBLIC_API", False)


def is_public_reader(request) -> bool:
    """An anonymous caller allowed to read because the deployment opened the API (PUBLIC_API=1)."""
    return not request.user.is_authenticated and public_api() and request.method in SAFE_METHODS


class ApiPermission(BasePermission):
    """Reads: any signed-in user (each queryset then narrows what it sees), or anyone with
    PUBLIC_API=1. Writes: staff and reporters; which units they may write is the service's call."""

    message = "Bạn không có quyền thực hiện thao tác này."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return bool(request.user.is_authenticated or public_api())
        if not request.user.is_authenticated:
            return False
        if not may_write(request.user):
            self.message = _("Tài khoản chỉ có quyền xem số liệu, không được gửi hay sửa số liệu.")
            return False
        return True


logger = logging.getLogger(__name__)


class ApiThrottle(SimpleRateThrottle):
    """One budget per API token (a DRF token belongs to one user, so per user), per IP when anonymous.

    The rate is read on every request (`API_THROTTLE_RATE`, default 10000/hour) so that a deployment
    and the tests can change it without re-importing this module.
    """

    scope = "api"

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", "10000/hour")

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - the shared cache (Redis) is down: serve rather than fail
            logger.warning("API throttle: cache unavailable, request not counted", exc_info=True)
            return True

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# The farthest a page may start. More rows than any table of ours will hold, and far below the 64-bit
# integers both databases take: `?offset=99999999999999999999` was a numeric overflow (500).
MAX_OFFSET = 1_000_000_000
OFFSET_MESSAGE = 'Vị trí bắt đầu "offset" phải là số nguyên từ 0 đến 1.000.000.000.'
LIMIT_MESSAGE = 'Số mục mỗi trang "limit" phải là số nguyên dương.'
_DIGITS = re.compile(r"[0-9]+")


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=`, `count`, `next` and `previous` links; the largest page is a setting.

    A limit above the largest page is cut to it (as DRF does); a limit or offset that is not a whole
    number, or an offset past `MAX_OFFSET`, is a 400 naming the parameter (DRF silently read 0)."""

    limit_query_description = "Số mục mỗi trang (mặc định 100, tối đa theo cấu hình API_MAX_PAGE_SIZE)"
    offset_query_description = "Bỏ qua bao nhiêu mục đầu (0 đến 1.000.000.000)"

    @property
    def max_limit(self):
        return getattr(settings, "API_MAX_PAGE_SIZE", 10000)

    def get_limit(self, request):
        text = request.query_params.get(self.limit_query_param, "")
        if text == "":
            return self.default_limit
        if not _DIGITS.fullmatch(text) or int(text[:19]) == 0:
            raise exceptions.ValidationError({self.limit_query_param: [LIMIT_MESSAGE]})
        return min(int(text[:19]), self.max_limit) if self.max_limit else int(text[:19])

    def get_offset(self, request):
        text = request.query_params.get(self.offset_query_param, "")
        if text == "":
            return 0
        if not _DIGITS.fullmatch(text) or len(text) > 10 or int(text) > MAX_OFFSET:
            raise exceptions.ValidationError({self.offset_query_param: [OFFSET_MESSAGE]})
        return int(text)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters[0]["schema"] = {"type": "integer", "minimum": 1}
        parameters[1]["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return parameters

    def paginate_rows(self, fetch, count, request, default_limit=None):
        """Page through rows without a separate COUNT when the first page holds everything.

        ``fetch(offset, stop)`` returns the rows in [offset, stop); ``count()`` counts them all. One
        more row than the page is fetched: if the first page is not full, its length is the count.
        """
        self.request = request
        self.limit = (
            self.get_limit(request) if default_limit is None else self._limit_or(request, default_limit)
        )
        self.offset = self.get_offset(request)
        rows = list(fetch(self.offset, self.offset + self.limit + 1))
        if len(rows) <= self.limit and (self.offset == 0 or rows):
            self.count = self.offset + len(rows)
        else:
            self.count = count()
        return rows[: self.limit]

    def _limit_or(self, request, default_limit):
        if request.query_params.get(self.limit_query_param, "") != "":
            return self.get_limit(request)
        return min(default_limit, self.max_limit)

    def envelope(self, results) -> dict:
        return {
            "count": self.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }


# The page parameters of the views that page by hand (`paginate_rows`), documented as the paginator's.
PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1}, description=ApiPagination.limit_query_description
    ),
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        description=ApiPagination.offset_query_description,
    ),
]


# ------------------------------------------------------------------------------------ JSON bodies
MAX_JSON_DEPTH = 64


class BodyError(exceptions.ParseError):
    """A body that is JSON but that no view of ours can take; its message says why (Vietnamese)."""


def _lone_surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"\\u{ord(exc.object[exc.start]):04x}"
    return None


def check_json_tree(data) -> None:
    """Refuse what a parsed JSON document may hold and the database may not: nesting deeper than
    `MAX_JSON_DEPTH` and lone UTF-16 surrogates (`"\\ud800"`: PostgreSQL cannot store them). Walked
    without recursion, so the check itself cannot overflow the stack."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BodyError(
                    _("Dữ liệu JSON lồng nhau quá sâu (tối đa %(n)d cấp).") % {"n": MAX_JSON_DEPTH}
                )
            children = node.items() if isinstance(node, dict) else ((None, v) for v in node)
            for key, value in children:
                if isinstance(key, str) and (bad := _lone_surrogate(key)):
                    raise BodyError(_surrogate_message(bad))
                stack.append((value, depth + 1))
        elif isinstance(node, str) and (bad := _lone_surrogate(node)):
            raise BodyError(_surrogate_message(bad))


def _surrogate_message(bad: str) -> str:
    return _("Dữ liệu gửi lên chứa ký tự không hợp lệ: nửa cặp UTF-16 (%(char)s) đứng riêng.") % {"char": bad}


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


class ApiJSONParser(JSONParser):
    """JSON bodies as our views read them.

    JSON fractions are read as `Decimal`, so `92.9` stays 92.9 and `1e400` is a number too large, not
    `inf`; NaN and Infinity are refused (strict JSON). A document nested too deep (a 100,000-deep list
    overflowed the parser's recursion: 500) or holding a lone surrogate is a 400 with the reason.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            data = json.load(
                codecs.getreader(encoding)(stream), parse_float=Decimal, parse_constant=_refuse_constant
            )
        except RecursionError:
            raise BodyError(
                _("Dữ liệu JSON lồng nhau quá sâu (tối đa %(n)d cấp).") % {"n": MAX_JSON_DEPTH}
            ) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        check_json_tree(data)
        return data


# ---------------------------------------------------------------------------------------- errors
def _method_message(exc):
    return _("Phương thức %(method)s không được hỗ trợ ở địa chỉ này.") % {"method": exc.args[0]}


def _throttled_message(exc):
    if exc.wait is None:
        return _("Gửi quá nhiều yêu cầu; vui lòng thử lại sau.")
    return _("Gửi quá nhiều yêu cầu; vui lòng thử lại sau %(wait)d giây.") % {"wait": int(exc.wait)}


MESSAGES = {
    exceptions.NotAuthenticated: lambda exc: _(
        "Chưa xác thực: gửi kèm token (Authorization: Token …) hoặc đăng nhập."
    ),
    exceptions.AuthenticationFailed: lambda exc: _("Token hoặc thông tin đăng nhập không hợp lệ."),
    exceptions.NotFound: lambda exc: _("Không tìm thấy."),
    exceptions.MethodNotAllowed: _method_message,
    exceptions.NotAcceptable: lambda exc: _("Định dạng yêu cầu không được hỗ trợ (json, csv, xlsx)."),
    exceptions.UnsupportedMediaType: lambda exc: _(
        "Chỉ nhận dữ liệu dạng JSON (Content-Type: application/json)."
    ),
    BodyError: lambda exc: str(exc.detail),
    exceptions.ParseError: lambda exc: _("Dữ liệu gửi lên không phải JSON hợp lệ."),
    exceptions.Throttled: _throttled_message,
}


def error_items(detail, field=None) -> list[dict]:
    """DRF/django-filter error details ({"period": ["…"]}) as [{"field": "period", "message": "…"}]."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            out.extend(error_items(value, None if key in ("non_field_errors", "__all__") else key))
        return out
    if isinstance(detail, list):
        out = []
        for value in detail:
            out.extend(error_items(value, field))
        return out
    return [{"field": field, "message": str(detail)}]


def api_exception_handler(exc, context):
    """Every error as JSON: {"detail": "…", "code": "…"}; validation errors add "errors": [...]."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict) and "errors" in detail and "detail" in detail:
            data = detail  # already shaped by the view (per-item write errors)
        else:
            data = {"detail": _("Dữ liệu không hợp lệ."), "code": "invalid", "errors": error_items(detail)}
    elif isinstance(exc, exceptions.PermissionDenied):
        message = str(exc.detail)
        if message == str(exceptions.PermissionDenied.default_detail):
            message = _("Bạn không có quyền thực hiện thao tác này.")
        data = {"detail": message, "code": "permission_denied"}
    else:
        message_of = next((m for cls, m in MESSAGES.items() if isinstance(exc, cls)), None)
        detail = getattr(exc, "detail", None)
        if isinstance(exc, exceptions.NotFound) and str(detail) != str(exc.default_detail):
            message = str(detail)  # a message the view wrote itself (already Vietnamese)
        elif message_of is not None:
            message = message_of(exc)
        else:
            message = str(detail or exc)
        data = {"detail": message, "code": getattr(exc, "default_code", "error")}
    response.data = data
    return response


def api_not_found(request, *args, **kwargs):
    """Unknown addresses under /api/v1/ answer in JSON too, not with the HTML 404 page."""
    return JsonResponse(
        {"detail": "Không tìm thấy địa chỉ này trong API.", "code": "not_found"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


# --------------------------------------------------------------------------- ETag and preconditions
def etag_of(content: bytes) -> str:
    """A strong ETag: a digest of the body, so it changes with anything shown."""
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


class ErrorSerializer(serializers.Serializer):
    """Một lỗi: thông báo và mã lỗi."""

    detail = serializers.CharField(help_text="thông báo lỗi")
    code = serializers.CharField(help_text="mã lỗi")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def check_preconditions(
    request, current_etag: str | None, *, changed: str, missing: str, exists: str
) -> None:
    """`If-Match` / `If-None-Match` of a write against the resource's current ETag (None: it does not
    exist), as RFC 9110 §13.1 says: If-Match needs a strong match or `*` on an existing resource;
    `If-None-Match: *` means "create only". The messages say what failed."""
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        tags = parse_etags(if_match)
        if current_etag is None:
            raise PreconditionFailed(missing)
        if "*" not in tags and current_etag not in tags:
            raise PreconditionFailed(changed)
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and current_etag is not None:
        tags = parse_etags(if_none_match)
        if "*" in tags or current_etag in tags:
            raise PreconditionFailed(exists)


# ------------------------------------------------------------------------------------- OpenAPI
class TokenScheme(OpenApiAuthenticationExtension):
    """The token header in the API docs, described in Vietnamese (drf-spectacular's own is English)."""

    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token của tài khoản, gửi kèm tiền tố "Token": `Authorization: Token <khóa>`.',
        }


# ----------------------------------------------------------------------------------------- views
class ApiMixin:
    # What every API view of ours shares: access, throttling, errors, ETag / Last-Modified. (A comment,
    # not a docstring: drf-spectacular would print a docstring as every operation's description.)

    permission_classes = [ApiPermission]
    throttle_classes = [ApiThrottle]
    parser_classes = [ApiJSONParser, FormParser, MultiPartParser]
    pagination_class = ApiPagination
    # Set by a view when it knows when its data last changed (e.g. max(updated_at) of the rows).
    last_modified = None

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses NUL characters in text: a code holding one matches nothing.
        if any("\x00" in str(value) for value in kwargs.values()):
            raise exceptions.NotFound()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not isinstance(response, Response):
            return response
        if response.status_code >= 400:
            # Errors are JSON whatever ?format= asked for (a CSV of an error helps nobody).
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
            response.renderer_context = self.get_renderer_context()
            return response
        if request.method in ("PUT", "PATCH") and response.status_code in (200, 201):
            # The answer to a write is the resource as it now is: its ETag goes with it (If-Match),
            # unless the view set the resource's own (its answer then carries more than the resource).
            response.render()
            if not response.has_header("ETag"):
                response["ETag"] = etag_of(response.content)
            return response
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        # The ETag is a digest of the body, so it changes with anything shown (values, statuses
        # recomputed later, targets); Last-Modified only tracks the values' own updated_at.
        etag = etag_of(response.content)
        response["ETag"] = etag
        last_modified = None
        if self.last_modified is not None:
            last_modified = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


class ApiView(ApiMixin, APIView):
    pass
