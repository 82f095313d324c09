"""What the status engine computed, over the API: the province roll-ups beside the printed totals, and
the reporting completeness per period and group."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.response import Response

from core.api import PAGE_PARAMETERS, ApiPagination, ApiView

from ...choices import GROUP_LABELS, Aggregation
from ...coverage import Coverage
from ...models import Completeness, ProvinceAggregate
from ...status import CompletenessSummary
from ..filtersets import AggregateFilterSet, PeriodField, PeriodsField
from ..renderers import ORJSONRenderer
from ..rows import as_float, filtered
from ..serializers import AggregatePageSerializer, CompletenessSerializer

TAGS = ["Kết quả"]
AGGREGATE_KEYS = (
    "indicator",
    "period",
    "aggregation",
    "computed",
    "printed",
    "unit_count",
    "covered",
    "expected",
    "mismatch",
    "message",
)
AGGREGATE_EXPRESSIONS = (
    "indicator__code",
    "period",
    "indicator__aggregation",
    as_float("computed", 6),
    as_float("printed"),
    "unit_count",
    "covered",
    "expected",
    "mismatch",
    "message",
)


def _with_coverage(row: dict) -> dict:
    """`partial`: fewer units in the roll-up than must report; `coverage`: their share (0-1), null when
    unknown; a partial sum is not the province total, so `province_total` is null then (it is the
    printed total, or the complete roll-up)."""
    covered, expected = row["covered"], row["expected"]
    row["partial"] = covered < expected
    row["coverage"] = round(covered / expected, 4) if expected else None
    withheld = row["partial"] and row["aggregation"] == Aggregation.SUM
    row["coverage_text"] = Coverage(covered, expected).text if expected else ""
    row["province_total"] = (
        row["printed"] if row["printed"] is not None else (None if withheld else row["computed"])
    )
    return row


@extend_schema_view(
    get=extend_schema(
        summary="Tổng hợp toàn tỉnh: tổng tính được bên cạnh tổng in trong báo cáo",
        description="Tổng toàn tỉnh tính từ số liệu đã công bố của các đơn vị, đặt cạnh số tỉnh in trong báo cáo; "
        "lệch quá mức làm tròn thì mismatch = true kèm lời giải thích. covered/expected: số đơn vị phải báo cáo "
        "đã có trong tổng / số đơn vị phải báo cáo; partial = true khi chưa đủ. province_total là số toàn tỉnh "
        "dùng được: số tỉnh in, hoặc tổng tính được, nhưng không bao giờ là tổng cộng dồn của một tháng chưa đủ "
        "đơn vị (khi đó null).",
        tags=TAGS,
        parameters=[
            OpenApiParameter("indicator", str, many=True, description="mã chỉ tiêu, lặp lại được"),
            OpenApiParameter("period", str, many=True, description="kỳ YYYY-MM, lặp lại được"),
            OpenApiParameter("from", str, description="từ kỳ YYYY-MM"),
            OpenApiParameter("to", str, description="đến kỳ YYYY-MM"),
            OpenApiParameter("mismatch", bool, description="chỉ các tổng lệch với số in"),
            *PAGE_PARAMETERS,
        ],
        responses=AggregatePageSerializer,
    )
)
class AggregateListView(ApiView):
    renderer_classes = [ORJSONRenderer]

    def get(self, request):
        qs = filtered(AggregateFilterSet, request, ProvinceAggregate.objects.all()).order_by(
            "indicator__order", "indicator__code", "period"
        )
        paginator = ApiPagination()
        rows = paginator.paginate_rows(
            lambda start, stop: [
                _with_coverage(dict(zip(AGGREGATE_KEYS, r, strict=True)))
                for r in qs[start:stop].values_list(*AGGREGATE_EXPRESSIONS)
            ],
            qs.count,
            request,
        )
        return Response(paginator.envelope(rows))


@extend_schema_view(
    get=extend_schema(
        summary="Tình hình báo cáo theo kỳ và nhóm chỉ tiêu: phải báo cáo, đã báo cáo, trễ hạn, chưa báo cáo",
        description="Với mỗi kỳ và nhóm: hạn báo cáo, số đơn vị phải báo cáo, đã báo cáo, trễ hạn, chưa báo cáo "
        "và danh sách mã các đơn vị trễ hoặc chưa báo cáo.",
        tags=TAGS,
        parameters=[
            OpenApiParameter("period", str, many=True, description="kỳ YYYY-MM, lặp lại được"),
            OpenApiParameter("group", str, enum=list(GROUP_LABELS), description="nhóm chỉ tiêu"),
            OpenApiParameter("from", str, description="từ kỳ YYYY-MM"),
            OpenApiParameter("to", str, description="đến kỳ YYYY-MM"),
        ],
        responses=CompletenessSerializer(many=True),
    )
)
class CompletenessView(ApiView):
    renderer_classes = [ORJSONRenderer]
    pagination_class = None  # one answer, not pages

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
        return Response(completeness_rows(qs))


def completeness_rows(qs) -> list[dict]:
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
    return out
