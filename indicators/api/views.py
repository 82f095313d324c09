"""The indicators API: catalogue, targets, values (read and write), series, province roll-ups,
completeness and DTI.

Every value queryset starts from `DataValue.objects.visible_to(user)` (or `published()` for anonymous
readers when PUBLIC_API=1); every write goes through `indicators.services.record_values`, the same
service the forms and the importer use, so validation, scoping and audit are the same everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

import orjson
from django import forms
from django.db.models import F, FloatField, Value
from django.db.models.functions import Cast, NullIf, Round
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.api import ApiMixin, ApiPagination, ApiView, is_public_reader
from core.numbers import Kind, read_number
from units.api.views import units_for
from units.models import Level, Unit

from .. import cache as page_cache
from ..choices import GROUP_LABELS, Measure, QualityFlag, Status
from ..models import Completeness, DataValue, DTIPillar, DTIScore, Indicator, ProvinceAggregate, Target
from ..services import PeriodLocked, RecordValuesError, ValueInput, record_values
from ..status import CompletenessSummary, flags_from_bits
from .filtersets import (
    AggregateFilterSet,
    DataValueFilterSet,
    IndicatorFilterSet,
    PeriodField,
    PeriodsField,
    SeriesFilterSet,
    TargetFilterSet,
)
from .renderers import CSVRenderer, ORJSONRenderer, XLSXRenderer
from .serializers import (
    AggregateSerializer,
    CompletenessSerializer,
    DTISerializer,
    IndicatorDetailSerializer,
    IndicatorSerializer,
    SeriesSerializer,
    TargetSerializer,
    ValueSerializer,
    ValueUpdateSerializer,
    ValueWriteSerializer,
    WriteErrorSerializer,
    WriteResultSerializer,
)


# ----------------------------------------------------------------------------------------- helpers
def values_for(request):
    """Where every value read starts: the caller's scope."""
    if is_public_reader(request):
        return DataValue.objects.published()
    return DataValue.objects.visible_to(request.user)


def filtered(filterset_class, request, queryset):
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise exceptions.ValidationError(filterset.errors)
    return filterset.qs


def _float(name, places=None):
    """A decimal column as a float for orjson. `places` rounds first to the column's own scale, as the
    ORM's Decimal converter would: on SQLite a computed column (92 - 91.1) is stored as a binary float."""
    return Cast(Round(name, places) if places is not None else name, FloatField())


# The value item: key → SQL expression. Numbers are cast to floats in SQL so that orjson encodes the
# rows as they come; "" becomes null for the comparison fields. The order is the JSON/CSV column order.
VALUE_ITEM = {
    "indicator": F("indicator__code"),
    "unit": F("unit__code"),
    "period": F("period"),
    "value": _float("value"),
    "numerator": _float("numerator"),
    "denominator": _float("denominator"),
    "raw": F("raw"),
    "source": F("source"),
    "note": F("note"),
    "target": _float("status__target_value"),
    "status": F("status__status"),
    "previous_period": NullIf("status__previous_period", Value("")),
    "previous_value": _float("status__previous_value"),
    "change": _float("status__change", 6),
    "change_text": NullIf("status__change_text", Value("")),
    "flags": F("status__flags"),
    "updated_at": F("updated_at"),
}
VALUE_KEYS = tuple(VALUE_ITEM)
VALUE_EXPRESSIONS = tuple(VALUE_ITEM.values())
FLAGS_AT = VALUE_KEYS.index("flags")
# Stable order on the unique index (indicator, unit, period): cheap for deep pages too.
VALUE_ORDER = ("indicator_id", "unit_id", "period")

# The values list's known query parameters: only answers to these are cached.
VALUE_PARAMETERS = {*DataValueFilterSet.base_filters, "limit", "offset", "format"}

# Every combination of flag bits → its list, so a row costs one dict lookup, not a function call.
FLAG_LISTS = {None: [], **{bits: flags_from_bits(bits) for bits in range(1 << len(QualityFlag))}}


def value_rows(queryset) -> list[dict]:
    """Value items from `.values_list()` rows: what `.values()` builds, under the API's key names
    (which `.values()` refuses because `indicator`/`unit` are model fields), flags as a list."""
    keys, at, flags = VALUE_KEYS, FLAGS_AT, FLAG_LISTS
    out = []
    append = out.append
    for row in queryset.values_list(*VALUE_EXPRESSIONS):
        item = dict(zip(keys, row, strict=True))
        item["flags"] = flags[row[at]]
        append(item)
    return out


def value_item(request, indicator: str, unit: str, period: str) -> dict | None:
    rows = value_rows(values_for(request).filter(indicator__code=indicator, unit__code=unit, period=period))
    return rows[0] if rows else None


# -------------------------------------------------------------------------------------- catalogue
@extend_schema_view(
    list=extend_schema(summary="Danh mục chỉ tiêu", tags=["Chỉ tiêu"]),
    retrieve=extend_schema(summary="Một chỉ tiêu theo mã, kèm các chỉ tiêu kế hoạch", tags=["Chỉ tiêu"]),
)
class IndicatorViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = IndicatorFilterSet
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        qs = Indicator.objects.select_related("owner").order_by("order", "code")
        if self.action == "retrieve":
            qs = qs.prefetch_related("targets__unit", "targets__indicator")
        return qs

    def get_serializer_class(self):
        return IndicatorDetailSerializer if self.action == "retrieve" else IndicatorSerializer

    @extend_schema(
        summary="Chuỗi số liệu của một chỉ tiêu cho biểu đồ (một mảng cho mỗi đơn vị)",
        tags=["Chỉ tiêu"],
        parameters=[
            OpenApiParameter("unit", str, many=True, description="mã đơn vị, lặp lại được"),
            OpenApiParameter("from", str, description="từ kỳ YYYY-MM"),
            OpenApiParameter("to", str, description="đến kỳ YYYY-MM"),
        ],
        responses=SeriesSerializer,
        filters=False,
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def series(self, request, code=None):
        indicator = get_object_or_404(Indicator, code=code)
        qs = filtered(SeriesFilterSet, request, values_for(request).filter(indicator=indicator))
        rows = qs.order_by("unit__order", "unit__code", "period").values_list(
            "unit__code", "period", _float("value"), _float("status__target_value"), "status__status"
        )
        lines: dict[str, dict] = {}
        for unit, period, value, target, state in rows:
            line = lines.get(unit)
            if line is None:
                line = lines[unit] = {
                    "unit": unit,
                    "periods": [],
                    "values": [],
                    "targets": [],
                    "statuses": [],
                }
            line["periods"].append(period)
            line["values"].append(value)
            line["targets"].append(target)
            line["statuses"].append(state)
        return Response(
            {"indicator": indicator.code, "measure": indicator.measure, "series": list(lines.values())}
        )


@extend_schema_view(list=extend_schema(summary="Chỉ tiêu kế hoạch theo năm và cấp", tags=["Chỉ tiêu"]))
class TargetViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet

    def get_queryset(self):
        return Target.objects.select_related("indicator", "unit").order_by(
            "indicator__order", "indicator__code", "year", "level", "unit__code", "effective_from", "id"
        )


# ----------------------------------------------------------------------------------------- values
VALUE_LIST_PARAMETERS = [
    OpenApiParameter("indicator", str, many=True, description="mã chỉ tiêu, lặp lại được"),
    OpenApiParameter("unit", str, many=True, description="mã đơn vị, lặp lại được"),
    OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("pillar", str, enum=["HTS", "CQS", "KTS", "XHS"]),
    OpenApiParameter("group", str, enum=list(GROUP_LABELS)),
    OpenApiParameter("period", str, many=True, description="kỳ YYYY-MM, lặp lại được"),
    OpenApiParameter("from", str, description="từ kỳ YYYY-MM"),
    OpenApiParameter("to", str, description="đến kỳ YYYY-MM"),
    OpenApiParameter("status", str, enum=Status.values),
    OpenApiParameter("flag", str, enum=QualityFlag.values),
    OpenApiParameter("limit", int),
    OpenApiParameter("offset", int),
    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
]

ALLOWED_KEYS = {"indicator", "unit", "period", "value", "numerator", "denominator", "raw", "note", "tiers"}
NUMBER_FIELDS = ("value", "numerator", "denominator")
KIND_OF_MEASURE = {Measure.PERCENT: "percent", Measure.COUNT: "count", Measure.AMOUNT_VND: "amount"}


def _item_error(index, field, message):
    return {"index": index, "field": field, "message": message}


def invalid(errors: list[dict]) -> Response:
    return Response(
        {"detail": "Dữ liệu không hợp lệ.", "code": "invalid", "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class ItemParser:
    """Checks the JSON shape of each pushed value and reads its numbers, collecting every problem.

    JSON numbers are taken as they are (percentages on 0–100). Text numbers ("1.039", "92,9%") are read
    by the intake's Vietnamese reader when it is installed, as the importer reads cells, else refused.
    """

    def __init__(self, items: list):
        self.items = items
        codes = {
            i["indicator"]
            for i in items
            if isinstance(i, dict) and isinstance(i.get("indicator"), str) and "\x00" not in i["indicator"]
        }
        self.measures = dict(Indicator.objects.filter(code__in=codes).values_list("code", "measure"))
        self.errors: list[dict] = []
        self.warnings: list[dict] = []

    def number(self, index, item, field):
        raw = item.get(field)
        if raw is None:
            return None, ""
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.errors.append(_item_error(index, field, f"Giá trị {field} phải là số."))
            return None, ""
        if isinstance(raw, int | float):
            return Decimal(str(raw)), ""
        if "\x00" in raw:
            self.errors.append(_item_error(index, field, "Chứa ký tự không hợp lệ (NUL)."))
            return None, ""
        measure = self.measures.get(item.get("indicator"))
        kind = KIND_OF_MEASURE.get(measure, "number") if field == "value" else "number"
        reading = read_number(raw, Kind(kind))
        if reading.error:
            self.errors.append(_item_error(index, field, _sentence(reading.error)))
            return None, raw
        for warning in reading.warnings:
            self.warnings.append(_item_error(index, field, _sentence(warning)))
        return reading.value, raw

    def parse(self) -> list[tuple[int, ValueInput]]:
        """(index, input) of every item that has codes and a period; the others are errors already."""
        out = []
        for index, item in enumerate(self.items):
            if not isinstance(item, dict):
                self.errors.append(_item_error(index, None, "Mỗi mục phải là một đối tượng JSON."))
                continue
            for key in sorted(set(item) - ALLOWED_KEYS):
                self.errors.append(_item_error(index, key, f'Trường "{key}" không được hỗ trợ.'))
            usable = True
            for key in ("indicator", "unit", "period"):
                if key not in item:
                    self.errors.append(_item_error(index, key, "Thiếu trường bắt buộc."))
                    usable = False
                elif not isinstance(item[key], str):
                    self.errors.append(_item_error(index, key, "Phải là chuỗi."))
                    usable = False
                elif "\x00" in item[key]:  # PostgreSQL refuses NUL characters in text
                    self.errors.append(_item_error(index, key, "Chứa ký tự không hợp lệ (NUL)."))
                    usable = False
            if "value" not in item:
                self.errors.append(
                    _item_error(index, "value", "Thiếu trường bắt buộc (null nếu chưa có số liệu).")
                )
            numbers, raw_texts = {}, []
            for field in NUMBER_FIELDS:
                numbers[field], raw = self.number(index, item, field)
                if raw and field == "value":
                    raw_texts.append(raw)
            for key in ("raw", "note"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    self.errors.append(_item_error(index, key, "Phải là chuỗi."))
                elif isinstance(item.get(key), str) and "\x00" in item[key]:
                    self.errors.append(_item_error(index, key, "Chứa ký tự không hợp lệ (NUL)."))
                    usable = False
            tiers = item.get("tiers")
            if tiers is not None and not (
                isinstance(tiers, dict)
                and all(
                    k in Level.values and isinstance(v, int | float) and not isinstance(v, bool)
                    for k, v in tiers.items()
                )
            ):
                self.errors.append(
                    _item_error(index, "tiers", 'Phải là đối tượng {cấp: số}, ví dụ {"province": 95}.')
                )
                tiers = None
            if not usable:
                continue
            raw = item.get("raw") if isinstance(item.get("raw"), str) else ""
            note = item.get("note") if isinstance(item.get("note"), str) else ""
            out.append(
                (
                    index,
                    ValueInput(
                        indicator=item["indicator"],
                        unit=item["unit"],
                        period=item["period"],
                        value=numbers["value"],
                        numerator=numbers["numerator"],
                        denominator=numbers["denominator"],
                        tiers=tiers or None,
                        raw=raw or (raw_texts[0] if raw_texts else ""),
                        note=note,
                    ),
                )
            )
        return out


def write_values(request, items: list, *, dry_run: bool):
    """Validate every item (shape, numbers, then the service's own checks) and write all or nothing."""
    parser = ItemParser(items)
    parsed = parser.parse()
    inputs = [value_input for _, value_input in parsed]
    errors = list(parser.errors)
    result, forbidden, locked = None, False, False
    try:
        # With shape errors already found the service still checks the rest (codes, scope, periods)
        # so the caller gets every problem at once, but it writes nothing.
        result = record_values(inputs, user=request.user, source="api", dry_run=dry_run or bool(errors))
    except RecordValuesError as exc:
        errors.extend(_item_error(parsed[e.index][0], e.field, _sentence(e.message)) for e in exc.items)
        forbidden = all(e.code == "forbidden" for e in exc.items) and not parser.errors
        # Approved (locked) periods: 409 with the reason (indicators.workflow.locked_keys).
        locked = isinstance(exc, PeriodLocked) and not parser.errors
    if errors:
        errors.sort(key=lambda e: (e["index"], NUMBER_FIELDS_ORDER.get(e["field"], 99)))
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
    door = [_item_error(parsed[w.index][0], w.field, w.message) for w in result.warnings]
    return result, parser.warnings + door


NUMBER_FIELDS_ORDER = {
    name: i
    for i, name in enumerate(
        ("indicator", "unit", "period", "value", "numerator", "denominator", "raw", "note", "tiers", None)
    )
}


@extend_schema_view(
    get=extend_schema(
        summary="Số liệu (lọc theo chỉ tiêu, đơn vị, cấp, trụ cột, nhóm, kỳ, trạng thái, cảnh báo)",
        tags=["Số liệu"],
        parameters=VALUE_LIST_PARAMETERS,
        responses=ValueSerializer(many=True),
    ),
    post=extend_schema(
        summary="Gửi số liệu: một đối tượng hoặc một danh sách; tất cả hoặc không",
        tags=["Số liệu"],
        parameters=[OpenApiParameter("dry_run", bool, description="1: chỉ kiểm tra, không ghi")],
        request=ValueWriteSerializer(many=True),
        responses={
            200: WriteResultSerializer,
            201: WriteResultSerializer,
            400: WriteErrorSerializer,
            403: WriteErrorSerializer,
        },
    ),
)
class ValueListView(ApiView):
    renderer_classes = [ORJSONRenderer, CSVRenderer, XLSXRenderer]
    parser_classes = [JSONParser]

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
        items = request.data
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not items:
            return invalid([_item_error(None, None, "Gửi một đối tượng hoặc một danh sách số liệu (JSON).")])
        limit = ApiPagination().max_limit
        if len(items) > limit:
            return invalid([_item_error(None, None, f"Mỗi lần gửi tối đa {limit} số liệu.")])
        dry_run = request.query_params.get("dry_run", "") in ("1", "true", "yes")
        result, warnings = write_values(request, items, dry_run=dry_run)
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


@extend_schema_view(
    get=extend_schema(summary="Một số liệu", tags=["Số liệu"], responses=ValueSerializer),
    put=extend_schema(
        summary="Ghi một số liệu (tạo mới hoặc thay thế)",
        tags=["Số liệu"],
        request=ValueUpdateSerializer,
        responses={200: ValueSerializer, 201: ValueSerializer, 400: WriteErrorSerializer},
    ),
    patch=extend_schema(
        summary="Sửa một phần số liệu đã có",
        tags=["Số liệu"],
        request=ValueUpdateSerializer,
        responses={200: ValueSerializer, 400: WriteErrorSerializer},
    ),
)
class ValueDetailView(ApiView):
    renderer_classes = [ORJSONRenderer]
    parser_classes = [JSONParser]

    def get(self, request, indicator, unit, period):
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
            return invalid([_item_error(0, None, "Gửi một đối tượng JSON.")])
        for key, expected in (("indicator", indicator), ("unit", unit), ("period", period)):
            if key in body and body[key] != expected:
                return invalid([_item_error(0, key, f'Khác với địa chỉ ("{expected}").')])
        item = {k: v for k, v in body.items() if k not in ("indicator", "unit", "period")}
        existing = (
            DataValue.objects.writable_by(request.user)
            .filter(indicator__code=indicator, unit=unit_obj, period=period)
            .first()
        )
        if partial:
            if existing is None:
                raise exceptions.NotFound("Chưa có số liệu này; dùng PUT để tạo mới.")
            current = {
                "value": existing.value,
                "numerator": existing.numerator,
                "denominator": existing.denominator,
                "raw": existing.raw,
                "note": existing.note,
                "tiers": existing.tiers,
            }
            current = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in current.items()}
            if "value" in item and "raw" not in item:
                current["raw"] = ""  # a new value gets a new raw text
            item = {**current, **item}
        item.update(indicator=indicator, unit=unit, period=period)
        result, _warnings = write_values(request, [item], dry_run=False)
        if result is None:
            return _warnings
        created = result.created == 1
        return Response(
            {**value_item(request, indicator, unit, period), "warnings": _warnings},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# ------------------------------------------------------------------------------ computed results
@extend_schema_view(
    get=extend_schema(
        summary="Tổng hợp toàn tỉnh: tổng tính được bên cạnh tổng in trong báo cáo",
        tags=["Kết quả"],
        parameters=[
            OpenApiParameter("indicator", str, many=True),
            OpenApiParameter("period", str, many=True),
            OpenApiParameter("from", str),
            OpenApiParameter("to", str),
            OpenApiParameter("mismatch", bool),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses=AggregateSerializer(many=True),
    )
)
class AggregateListView(ApiView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request):
        qs = filtered(AggregateFilterSet, request, ProvinceAggregate.objects.all()).order_by(
            "indicator__order", "indicator__code", "period"
        )
        keys = (
            "indicator",
            "period",
            "aggregation",
            "computed",
            "printed",
            "unit_count",
            "mismatch",
            "message",
        )
        exprs = (
            "indicator__code",
            "period",
            "indicator__aggregation",
            _float("computed", 6),
            _float("printed"),
            "unit_count",
            "mismatch",
            "message",
        )
        paginator = ApiPagination()
        rows = paginator.paginate_rows(
            lambda start, stop: [dict(zip(keys, r, strict=True)) for r in qs[start:stop].values_list(*exprs)],
            qs.count,
            request,
        )
        return Response(paginator.envelope(rows))


@extend_schema_view(
    get=extend_schema(
        summary="Tình hình báo cáo theo kỳ và nhóm chỉ tiêu: phải báo cáo, đã báo cáo, trễ hạn, chưa báo cáo",
        tags=["Kết quả"],
        parameters=[
            OpenApiParameter("period", str, many=True),
            OpenApiParameter("group", str, enum=list(GROUP_LABELS)),
            OpenApiParameter("from", str),
            OpenApiParameter("to", str),
        ],
        responses=CompletenessSerializer(many=True),
    )
)
class CompletenessView(ApiView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request):
        params = request.query_params
        errors = {}
        qs = Completeness.objects.all()
        try:
            periods = PeriodsField(required=False).clean(params.getlist("period"))
            if periods:
                qs = qs.filter(period__in=periods)
            for name, lookup in (("from", "gte"), ("to", "lte")):
                value = PeriodField(required=False).clean(params.get(name))
                if value:
                    qs = qs.filter(**{f"period__{lookup}": value})
        except forms.ValidationError as exc:
            errors["period"] = exc.messages
        group = params.get("group")
        if group:
            if group not in GROUP_LABELS:
                errors["group"] = [f'Nhóm "{group}" không hợp lệ ({", ".join(GROUP_LABELS)}).']
            qs = qs.filter(group=group)
        if errors:
            raise exceptions.ValidationError(errors)
        today = timezone.localdate()
        buckets: dict[tuple[str, str], dict] = {}
        rows = qs.order_by("period", "group", "unit__order", "unit__code").values_list(
            "period", "group", "unit__code", "due_on", "reported_on"
        )
        for period, grp, unit, due_on, reported_on in rows:
            b = buckets.get((period, grp))
            if b is None:
                b = buckets[(period, grp)] = {
                    "due_on": due_on,
                    "expected": 0,
                    "reported": 0,
                    "late": [],
                    "missing": [],
                }
            b["expected"] += 1
            if reported_on is not None:
                b["reported"] += 1
                if reported_on > due_on:
                    b["late"].append(unit)
            elif due_on < today:
                b["missing"].append(unit)
        order = {code: i for i, code in enumerate(GROUP_LABELS)}
        out = []
        for (period, grp), b in sorted(
            buckets.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99), kv[0][1])
        ):
            summary = CompletenessSummary(b["expected"], b["reported"], len(b["late"]), len(b["missing"]))
            out.append(
                {
                    "period": period,
                    "group": grp,
                    "group_label": str(GROUP_LABELS.get(grp, grp)),
                    "due_on": b["due_on"].isoformat() if b["due_on"] else None,
                    "expected": summary.expected,
                    "reported": summary.reported,
                    "late": summary.late,
                    "missing": summary.missing,
                    "rate": None if summary.rate is None else float(summary.rate),
                    "late_units": b["late"],
                    "missing_units": b["missing"],
                }
            )
        return Response(out)


# DTI groups by share of the maximum points (the thresholds the DTI tables print: Tốt ≥ 80 %, Khá ≥ 65 %,
# Trung bình ≥ 50 %, Yếu below). Kept beside the one reader that needs it until a pure `dti` module exists.
DTI_GROUPS = ((Decimal(80), "Tốt"), (Decimal(65), "Khá"), (Decimal(50), "Trung bình"), (Decimal(0), "Yếu"))


def dti_group(percent: Decimal | None) -> str | None:
    if percent is None:
        return None
    return next((label for floor, label in DTI_GROUPS if percent >= floor), "Yếu")


@extend_schema_view(
    get=extend_schema(
        summary="Chỉ số DTI: điểm từng trụ cột, tổng, % điểm tối đa, nhóm, thứ hạng",
        tags=["Kết quả"],
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("level", str, enum=["agency", "district"]),
        ],
        responses=DTISerializer(many=True),
    )
)
class DTIView(ApiView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request):
        params = request.query_params
        qs = DTIScore.objects.filter(unit__in=units_for(request))
        errors = {}
        year = params.get("year")
        if year:
            if not year.isdigit() or not 1900 <= int(year) <= 2999:
                errors["year"] = [f'Năm "{year}" không hợp lệ.']
            else:
                qs = qs.filter(year=int(year))
        level = params.get("level")
        if level:
            if level not in Level.values:
                errors["level"] = [f'Cấp "{level}" không hợp lệ ({", ".join(Level.values)}).']
            qs = qs.filter(unit__level=level)
        if errors:
            raise exceptions.ValidationError(errors)
        pillars = defaultdict(list)
        for p in DTIPillar.objects.order_by("level", "order"):
            pillars[p.level].append(p)
        max_of_level = {lvl: sum((p.max_points for p in ps), Decimal(0)) for lvl, ps in pillars.items()}
        entries: dict[tuple[int, str], dict] = {}
        rows = qs.order_by("year", "unit__order", "unit__code", "pillar__order").values_list(
            "year", "unit__code", "unit__level", "pillar__code", "pillar__name", "pillar__max_points", "score"
        )
        for yr, unit, lvl, pcode, pname, pmax, score in rows:
            e = entries.get((yr, unit))
            if e is None:
                e = entries[(yr, unit)] = {
                    "unit": unit,
                    "year": yr,
                    "level": lvl,
                    "pillars": [],
                    "total": Decimal(0),
                }
            e["pillars"].append(
                {"pillar": pcode, "name": pname, "score": float(score), "max_points": float(pmax)}
            )
            e["total"] += score
        out = []
        for e in entries.values():
            max_points = max_of_level.get(e["level"], Decimal(0))
            percent = (
                (e["total"] / max_points * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
                if max_points
                else None
            )
            e.update(
                max_points=float(max_points),
                percent=None if percent is None else float(percent),
                group=dti_group(percent),
            )
            out.append(e)
        # Rank within (year, level) by total, highest first; equal totals share a rank (1, 2, 2, 4).
        ranked = sorted(out, key=lambda e: (e["year"], e["level"], -e["total"], e["unit"]))
        for _key, group in groupby(ranked, key=lambda e: (e["year"], e["level"])):
            rank, last = 0, None
            for position, e in enumerate(group, start=1):
                if e["total"] != last:
                    rank, last = position, e["total"]
                e["rank"] = rank
        for e in ranked:
            e["total"] = float(e["total"])
        return Response(ranked)
