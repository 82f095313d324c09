"""The values over the API: the list (JSON, CSV, XLSX), one value by its codes, and the writes.

Reads go through the fast path (`indicators.api.rows`); writes are read by the values contract
(`indicators.api.contract.ValueSerializer`) and written by `indicators.services.record_values`, the door
the forms and the importer use too, so validation, scoping, locks and the audit are the same everywhere.
"""

from __future__ import annotations

import orjson
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.api import (
    PAGE_PARAMETERS,
    ApiJSONParser,
    ApiPagination,
    ApiView,
    ErrorSerializer,
    check_preconditions,
    etag_of,
    is_public_reader,
)
from core.periods import is_period, period_message
from units.models import Level, Unit

from ... import cache as page_cache
from ...choices import GROUP_LABELS, QualityFlag, Status
from ...models import DataValue, Indicator
from ...services import PeriodLocked, RecordValuesError, lock_periods, record_values
from ..contract import ValueAtAddressSerializer, ValueSerializer, item_error
from ..filtersets import DataValueFilterSet
from ..projection import projected
from ..renderers import CSVRenderer, ORJSONRenderer, XLSXRenderer
from ..rows import VALUE_ORDER, filtered, value_item, value_rows, values_for
from ..serializers import ValuePageSerializer, WriteErrorSerializer, WriteResultSerializer

TAGS = ["Số liệu"]

VALUE_LIST_PARAMETERS = [
    OpenApiParameter("indicator", str, many=True, description="mã chỉ tiêu, lặp lại được"),
    OpenApiParameter("unit", str, many=True, description="mã đơn vị, lặp lại được"),
    OpenApiParameter("level", str, enum=Level.values, description="cấp đơn vị"),
    OpenApiParameter("pillar", str, enum=["HTS", "CQS", "KTS", "XHS"], description="trụ cột"),
    OpenApiParameter("group", str, enum=list(GROUP_LABELS), description="nhóm chỉ tiêu"),
    OpenApiParameter("period", str, many=True, description="kỳ YYYY-MM, lặp lại được"),
    OpenApiParameter("from", str, description="từ kỳ YYYY-MM"),
    OpenApiParameter("to", str, description="đến kỳ YYYY-MM"),
    OpenApiParameter("status", str, enum=Status.values, description="trạng thái"),
    OpenApiParameter("flag", str, enum=QualityFlag.values, description="cảnh báo chất lượng"),
    *PAGE_PARAMETERS,
    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"], description="định dạng kết quả"),
]
ADDRESS = [
    OpenApiParameter(
        "indicator",
        str,
        OpenApiParameter.PATH,
        description="mã chỉ tiêu",
        examples=[OpenApiExample("DVC-SVC-RATE", value="DVC-SVC-RATE", summary="Tỷ lệ hồ sơ trực tuyến")],
    ),
    OpenApiParameter(
        "unit",
        str,
        OpenApiParameter.PATH,
        description="mã đơn vị",
        examples=[OpenApiExample("DONGXOAI", value="DONGXOAI", summary="Thành phố Đồng Xoài")],
    ),
    OpenApiParameter(
        "period",
        str,
        OpenApiParameter.PATH,
        description="kỳ YYYY-MM",
        examples=[OpenApiExample("2023-08", value="2023-08", summary="Tháng 8/2023")],
    ),
]
PRECONDITIONS = [
    OpenApiParameter(
        "If-Match",
        str,
        OpenApiParameter.HEADER,
        description="ETag của số liệu khi bạn tải về; khác với hiện tại thì trả 412, không ghi gì",
    ),
    OpenApiParameter(
        "If-None-Match", str, OpenApiParameter.HEADER, description='"*": chỉ tạo mới, đã có thì trả 412'
    ),
]
PRECONDITION_FAILED = OpenApiResponse(
    ErrorSerializer, description="số liệu đã thay đổi (If-Match không khớp)"
)

# The values list's known query parameters: only answers to these are cached.
VALUE_PARAMETERS = {*DataValueFilterSet.base_filters, "limit", "offset", "format"}
FIELD_ORDER = {
    name: i
    for i, name in enumerate(
        ("indicator", "unit", "period", "value", "numerator", "denominator", "raw", "note", "tiers", None)
    )
}
CHANGED = (
    "Số liệu đã được thay đổi sau khi bạn tải về (ETag không khớp); không có số liệu nào được ghi. "
    "Hãy tải lại số liệu rồi gửi lại."
)
MISSING = "Chưa có số liệu này (If-Match không khớp); không có số liệu nào được ghi."
EXISTS = "Số liệu này đã có (If-None-Match: *); không có số liệu nào được ghi."


def invalid(errors: list[dict]) -> Response:
    return Response(
        {"detail": "Dữ liệu không hợp lệ.", "code": "invalid", "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_values(request, data, *, dry_run: bool):
    """Read the push with the contract, then let the service check the rest and write all or nothing.

    Returns (RecordResult, warnings) or (None, the error Response)."""
    reading = ValueSerializer(many=True, context={"request": request}).read(
        data, max_items=ApiPagination().max_limit
    )
    if reading.body_error:
        return None, invalid([item_error(None, None, reading.body_error)])
    inputs = [value_input for _, value_input in reading.inputs]
    errors = list(reading.errors)
    result, forbidden, locked = None, False, False
    try:
        # With shape errors already found the service still checks the rest (codes, scope, periods)
        # so the caller gets every problem at once, but it writes nothing.
        result = record_values(inputs, user=request.user, source="api", dry_run=dry_run or bool(errors))
    except RecordValuesError as exc:
        errors.extend(
            item_error(reading.inputs[e.index][0], e.field, _sentence(e.message)) for e in exc.items
        )
        forbidden = all(e.code == "forbidden" for e in exc.items) and not reading.errors
        # Approved (locked) periods: 409 with the reason (indicators.publication.locked_keys).
        locked = isinstance(exc, PeriodLocked) and not reading.errors
    if errors:
        errors.sort(key=lambda e: (e["index"], FIELD_ORDER.get(e["field"], 99)))
        if result is None and locked:
            code, http = "locked", status.HTTP_409_CONFLICT
            detail = f"{errors[0]['message']} Không có số liệu nào được ghi."
        elif result is None and forbidden:
            code, http = "permission_denied", status.HTTP_403_FORBIDDEN
            detail = "Bạn không có quyền nhập số liệu cho đơn vị này; không có số liệu nào được ghi."
        else:
            code, http = "invalid", status.HTTP_400_BAD_REQUEST
            detail = f"Dữ liệu không hợp lệ ({len(errors)} lỗi); không có số liệu nào được ghi."
        return None, Response({"detail": detail, "code": code, "errors": errors}, status=http)
    # The door's warnings (check_value: a percent above 100, a cumulative drop) after the reader's.
    door = [item_error(reading.inputs[w.index][0], w.field, w.message) for w in result.warnings]
    return result, reading.warnings + door


@extend_schema_view(
    get=extend_schema(
        operation_id="values_list",
        summary="Số liệu (lọc theo chỉ tiêu, đơn vị, cấp, trụ cột, nhóm, kỳ, trạng thái, cảnh báo)",
        description=(
            "Mỗi số liệu kèm kết quả bộ máy trạng thái (chỉ tiêu, đạt/không đạt, so với kỳ trước, cảnh "
            "báo). Trả JSON theo trang, hoặc tệp CSV/XLSX với ?format=csv|xlsx."
        ),
        tags=TAGS,
        parameters=VALUE_LIST_PARAMETERS,
        responses=ValuePageSerializer,
    ),
    post=extend_schema(
        operation_id="values_create",
        summary="Gửi số liệu: một đối tượng hoặc một danh sách; tất cả hoặc không",
        description=(
            "Mọi lỗi của mọi mục được trả về cùng lúc (mục, trường, thông báo); có lỗi thì không ghi gì. "
            "Kỳ đã duyệt bị khóa: 409."
        ),
        tags=TAGS,
        parameters=[OpenApiParameter("dry_run", bool, description="1: chỉ kiểm tra, không ghi")],
        request=ValueSerializer(many=True),
        responses={
            200: WriteResultSerializer,
            201: WriteResultSerializer,
            400: WriteErrorSerializer,
            403: WriteErrorSerializer,
            409: WriteErrorSerializer,
        },
    ),
)
class ValueListView(ApiView):
    renderer_classes = [ORJSONRenderer, CSVRenderer, XLSXRenderer]
    parser_classes = [ApiJSONParser]

    def get(self, request):
        fmt = request.accepted_renderer.format
        if fmt == "json":
            # The JSON answer is cached per visibility scope and data version (indicators.cache).
            scope = page_cache.PUBLISHED if is_public_reader(request) else page_cache.scope_of(request.user)
            if not set(request.query_params) <= VALUE_PARAMETERS:
                scope = None  # unknown parameters: answered, not cached (made-up queries must not fill it)
            body, self.last_modified = page_cache.get_or_build(
                scope, ("api:values", request.build_absolute_uri()), lambda: self._json(request)
            )
            return Response(orjson.Fragment(body))
        # CSV / XLSX: a file holds every matching row up to the largest page unless ?limit= says otherwise.
        paginator, rows, self.last_modified = self._page(request, default_limit=ApiPagination().max_limit)
        headers = {
            "Content-Disposition": f'attachment; filename="so-lieu.{fmt}"',
            "X-Total-Count": str(paginator.count),
        }
        next_link = paginator.get_next_link()
        if next_link:
            headers["Link"] = f'<{next_link}>; rel="next"'
        return Response(rows, headers=headers)

    def _page(self, request, default_limit=None):
        """The page of value items the request asks for: (paginator, rows, newest `updated_at`)."""
        qs = filtered(DataValueFilterSet, request, values_for(request)).order_by(*VALUE_ORDER)
        paginator = ApiPagination()
        rows = paginator.paginate_rows(
            lambda start, stop: value_rows(qs[start:stop]), qs.count, request, default_limit=default_limit
        )
        return paginator, rows, max((row["updated_at"] for row in rows), default=None)

    def _json(self, request) -> tuple[bytes, object]:
        """The JSON page as bytes, and the newest `updated_at` of its rows (Last-Modified)."""
        paginator, rows, last_modified = self._page(request)
        return ORJSONRenderer().render(paginator.envelope(rows)), last_modified

    def post(self, request):
        dry_run = request.query_params.get("dry_run", "") in ("1", "true", "yes")
        result, warnings = write_values(request, request.data, dry_run=dry_run)
        if result is None:
            return warnings  # the error response
        body = {
            "dry_run": dry_run,
            "created": result.created,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "keys": result.keys,
            "warnings": warnings,
        }
        return Response(
            body, status=status.HTTP_201_CREATED if result.created and not dry_run else status.HTTP_200_OK
        )


WRITE_DESCRIPTION = (
    "Trả về số liệu sau khi ghi, với trạng thái, chỉ tiêu và so sánh kỳ trước tính ngay theo quy tắc của "
    "bộ máy trạng thái, kèm ETag mới. Gửi If-Match với ETag đã tải về để không ghi đè thay đổi của người khác."
)
WRITE_RESPONSES = {
    200: ValueSerializer,
    201: ValueSerializer,
    400: WriteErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: WriteErrorSerializer,
    412: PRECONDITION_FAILED,
}


@extend_schema_view(
    get=extend_schema(
        operation_id="values_retrieve",
        summary="Một số liệu",
        description="Số liệu theo mã chỉ tiêu, mã đơn vị và kỳ, kèm ETag (dùng cho If-None-Match và If-Match).",
        tags=TAGS,
        parameters=ADDRESS,
        responses=ValueSerializer,
    ),
    put=extend_schema(
        operation_id="values_update",
        summary="Ghi một số liệu (tạo mới hoặc thay thế)",
        description=WRITE_DESCRIPTION,
        tags=TAGS,
        parameters=ADDRESS + PRECONDITIONS,
        request=ValueAtAddressSerializer,
        responses=WRITE_RESPONSES,
    ),
    patch=extend_schema(
        operation_id="values_partial_update",
        summary="Sửa một phần số liệu đã có",
        description="Chỉ các trường gửi lên được thay đổi. " + WRITE_DESCRIPTION,
        tags=TAGS,
        parameters=ADDRESS + PRECONDITIONS,
        request=ValueAtAddressSerializer(partial=True),
        responses=WRITE_RESPONSES,
    ),
)
class ValueDetailView(ApiView):
    renderer_classes = [ORJSONRenderer]
    parser_classes = [ApiJSONParser]

    def get(self, request, indicator, unit, period):
        if not is_period(period):
            raise exceptions.ValidationError({"period": [period_message(period)]})
        item = value_item(request, indicator, unit, period)
        if item is None:
            raise exceptions.NotFound()
        self.last_modified = item["updated_at"]
        return Response(item)

    def put(self, request, indicator, unit, period):
        return self._write(request, indicator, unit, period, partial=False)

    def patch(self, request, indicator, unit, period):
        return self._write(request, indicator, unit, period, partial=True)

    def _write(self, request, indicator, unit, period, *, partial):
        get_object_or_404(Indicator, code=indicator)
        unit_obj = get_object_or_404(Unit, code=unit)
        if not Unit.objects.writable_by(request.user).filter(pk=unit_obj.pk).exists():
            raise exceptions.PermissionDenied(
                f"Bạn không có quyền nhập số liệu cho đơn vị '{unit_obj.name}'."
            )
        body = request.data
        if not isinstance(body, dict):
            return invalid([item_error(0, None, "Gửi một đối tượng JSON.")])
        for key, expected in (("indicator", indicator), ("unit", unit), ("period", period)):
            if key in body and body[key] != expected:
                return invalid([item_error(0, key, f'Khác với địa chỉ ("{expected}").')])
        item = {k: v for k, v in body.items() if k not in ("indicator", "unit", "period")}
        with transaction.atomic():
            # The door's own period lock, taken first: the precondition and the PATCH merge read what
            # no other writer can change before this write commits (and in the door's lock order).
            if is_period(period):
                lock_periods([period])
            current = value_item(request, indicator, unit, period)
            check_preconditions(
                request,
                etag_of(ORJSONRenderer().render(current)) if current is not None else None,
                changed=CHANGED,
                missing=MISSING,
                exists=EXISTS,
            )
            if partial:
                item = self._merged(request, item, indicator, unit_obj, period)
            item.update(indicator=indicator, unit=unit, period=period)
            result, answer = write_values(request, [item], dry_run=False)
            if result is None:
                return answer
            written = projected(value_item(request, indicator, unit, period))
        # The answer is the value as it now is, plus what a person should look at (`warnings`, empty
        # when none); its ETag is the value's own, the one a GET of it gives (If-Match chains writes).
        response = Response(
            {**written, "warnings": answer},
            status=status.HTTP_201_CREATED if result.created == 1 else status.HTTP_200_OK,
        )
        response["ETag"] = etag_of(ORJSONRenderer().render(written))
        return response

    @staticmethod
    def _merged(request, item, indicator, unit_obj, period) -> dict:
        """A PATCH is the stored value with the fields sent replaced."""
        existing = (
            DataValue.objects.writable_by(request.user)
            .filter(indicator__code=indicator, unit=unit_obj, period=period)
            .first()
        )
        if existing is None:
            if not is_period(period):
                return item  # the contract and the door say what is wrong with the address
            raise exceptions.NotFound("Chưa có số liệu này; dùng PUT để tạo mới.")
        current = {
            name: getattr(existing, name)
            for name in ("value", "numerator", "denominator", "raw", "note", "tiers")
        }
        if "value" in item and "raw" not in item:
            current["raw"] = ""  # a new value gets a new raw text
        return {**current, **item}
