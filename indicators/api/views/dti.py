"""The DTI scores over the API: each pillar's score, the total, the share of the maximum, the group and
the rank within the year and level (the pure rules of `indicators.dti`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.response import Response

from core.api import ApiView
from core.periods import MAX_YEAR, MIN_YEAR
from units.api.views import units_for
from units.models import Level

from ...dti import group_of, percent_of
from ...models import DTIPillar, DTIScore
from ..renderers import ORJSONRenderer
from ..serializers import DTISerializer


@extend_schema_view(
    get=extend_schema(
        summary="Chỉ số DTI: điểm từng trụ cột, tổng, % điểm tối đa, nhóm, thứ hạng",
        description="Điểm DTI của các sở, ngành và huyện: từng trụ cột, tổng, tỷ lệ so với điểm tối đa, nhóm "
        "(Tốt, Khá, Trung bình, Yếu) và thứ hạng trong năm và cấp (bằng điểm thì cùng hạng).",
        tags=["Kết quả"],
        parameters=[
            OpenApiParameter("year", int, description=f"năm đánh giá ({MIN_YEAR}–{MAX_YEAR})"),
            OpenApiParameter("level", str, enum=["agency", "district"], description="cấp đơn vị"),
        ],
        responses=DTISerializer(many=True),
    )
)
class DTIView(ApiView):
    renderer_classes = [ORJSONRenderer]
    pagination_class = None  # one answer, not pages

    def get(self, request):
        params = request.query_params
        qs = DTIScore.objects.filter(unit__in=units_for(request))
        errors = {}
        year = params.get("year")
        if year:
            if not (year.isascii() and year.isdigit()) or not MIN_YEAR <= int(year) <= MAX_YEAR:
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
        return Response(dti_rows(qs))


def dti_rows(qs) -> list[dict]:
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
        percent = percent_of(e["total"], max_points) if max_points else None
        e.update(
            max_points=float(max_points),
            percent=None if percent is None else float(percent),
            group=None if percent is None else group_of(percent),
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
    return ranked
