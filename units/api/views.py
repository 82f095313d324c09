"""The units API: the catalogue of units, readable by every signed-in user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from core.api import ApiMixin, is_public_reader

from ..models import Unit
from .filtersets import UnitFilterSet
from .serializers import UnitSerializer


def units_for(request):
    """The units a caller sees: the catalogue is public to signed-in users and, with PUBLIC_API=1,
    to anonymous readers."""
    if is_public_reader(request):
        return Unit.objects.all()
    return Unit.objects.visible_to(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách đơn vị",
        description="Các sở, ban, ngành, huyện, xã trong danh mục, lọc theo cấp và đơn vị cấp trên.",
        tags=["Đơn vị"],
    ),
    retrieve=extend_schema(
        summary="Một đơn vị theo mã",
        description="Tên, tên viết tắt, cấp, đơn vị cấp trên và các tên gọi khác của đơn vị.",
        tags=["Đơn vị"],
    ),
)
class UnitViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return units_for(self.request).select_related("parent").order_by("order", "code")
