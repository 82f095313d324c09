"""The catalogue over the API: indicators (with their targets), an indicator's series for charts, and
the targets of the plan."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ApiMixin

from ...models import Indicator, Target
from ..filtersets import IndicatorFilterSet, SeriesFilterSet, TargetFilterSet
from ..rows import as_float, filtered, values_for
from ..serializers import IndicatorDetailSerializer, IndicatorSerializer, SeriesSerializer, TargetSerializer

TAGS = ["Chỉ tiêu"]
CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="mã chỉ tiêu",
    examples=[OpenApiExample("DVC-SVC-RATE", value="DVC-SVC-RATE", summary="Tỷ lệ hồ sơ trực tuyến")],
)


@extend_schema_view(
    list=extend_schema(
        summary="Danh mục chỉ tiêu",
        description="Các chỉ tiêu của Kế hoạch 57/KH-UBND và của báo cáo tháng, lọc theo trụ cột, nhóm, kỳ báo cáo.",
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="Một chỉ tiêu theo mã, kèm các chỉ tiêu kế hoạch",
        description="Thông tin của chỉ tiêu và mọi chỉ tiêu kế hoạch (theo năm, cấp, đơn vị) áp dụng cho nó.",
        tags=TAGS,
        parameters=[CODE],
    ),
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
        description="Giá trị, chỉ tiêu và trạng thái theo kỳ của từng đơn vị, gọn cho biểu đồ.",
        tags=TAGS,
        parameters=[
            CODE,
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
            "unit__code", "period", as_float("value"), as_float("status__target_value"), "status__status"
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


@extend_schema_view(
    list=extend_schema(
        summary="Chỉ tiêu kế hoạch theo năm và cấp",
        description="Mức phải đạt của từng chỉ tiêu theo năm, theo cấp hoặc cho một đơn vị, kèm hạn hoàn thành.",
        tags=TAGS,
    )
)
class TargetViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet

    def get_queryset(self):
        return Target.objects.select_related("indicator", "unit").order_by(
            "indicator__order", "indicator__code", "year", "level", "unit__code", "effective_from", "id"
        )
