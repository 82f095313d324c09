"""Serializers of the indicators API.

The catalogue (indicators, targets) is small and goes through ModelSerializers. The values have their
own contract (`contract.ValueSerializer`); the rest here describe answers built from `.values_list()`
rows (results, DTI, write results and errors) for the OpenAPI schema.
"""

from rest_framework import serializers

from ..models import Indicator, Target
from .contract import ValueSerializer


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    value = serializers.FloatField(read_only=True)
    value_max = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Target
        fields = [
            "indicator",
            "year",
            "level",
            "unit",
            "comparator",
            "value",
            "value_max",
            "effective_from",
            "deadline",
            "source_text",
        ]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    group_label = serializers.CharField(read_only=True)
    reported_by = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "pillar",
            "group",
            "group_label",
            "measure",
            "periodicity",
            "reported_by",
            "aggregation",
            "direction",
            "cumulative",
            "owner",
            "source",
            "order",
        ]
        read_only_fields = fields


class IndicatorDetailSerializer(IndicatorSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "targets"]
        read_only_fields = fields


class ItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class WriteResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    keys = serializers.ListField(child=serializers.CharField())
    warnings = ItemErrorSerializer(many=True)


class WriteErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ItemErrorSerializer(many=True)


def page_of(item_serializer, name: str):
    """The envelope of a paged list (`count`, `next`, `previous`, `results`) around ``item_serializer``."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="tổng số mục"),
            "next": serializers.URLField(allow_null=True, help_text="địa chỉ trang sau"),
            "previous": serializers.URLField(allow_null=True, help_text="địa chỉ trang trước"),
            "results": item_serializer(many=True),
            "__module__": __name__,
        },
    )


ValuePageSerializer = page_of(ValueSerializer, "ValuePageSerializer")


class SeriesLineSerializer(serializers.Serializer):
    unit = serializers.CharField()
    periods = serializers.ListField(child=serializers.CharField())
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))
    targets = serializers.ListField(child=serializers.FloatField(allow_null=True))
    statuses = serializers.ListField(child=serializers.CharField(allow_null=True))


class SeriesSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    measure = serializers.CharField()
    series = SeriesLineSerializer(many=True)


class AggregateSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    period = serializers.CharField()
    aggregation = serializers.CharField()
    computed = serializers.FloatField(allow_null=True)
    printed = serializers.FloatField(allow_null=True)
    unit_count = serializers.IntegerField()
    covered = serializers.IntegerField(help_text="số đơn vị phải báo cáo đã có số liệu đã công bố trong tổng")
    expected = serializers.IntegerField(
        help_text="số đơn vị phải báo cáo chỉ tiêu trong kỳ (0: chưa xác định)"
    )
    partial = serializers.BooleanField(help_text="true khi covered < expected: số toàn tỉnh chưa đủ đơn vị")
    coverage = serializers.FloatField(allow_null=True, help_text="covered / expected (0–1)")
    coverage_text = serializers.CharField(help_text='ví dụ "1/37 đơn vị đã báo cáo"')
    province_total = serializers.FloatField(
        allow_null=True,
        help_text="số toàn tỉnh: số tỉnh in, hoặc tổng tính được; null khi là tổng cộng dồn của kỳ chưa đủ đơn vị",
    )
    mismatch = serializers.BooleanField()
    message = serializers.CharField()


AggregatePageSerializer = page_of(AggregateSerializer, "AggregatePageSerializer")


class CompletenessSerializer(serializers.Serializer):
    period = serializers.CharField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    expected = serializers.IntegerField()
    reported = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    late_units = serializers.ListField(child=serializers.CharField())
    missing_units = serializers.ListField(child=serializers.CharField())


class DTIPillarScoreSerializer(serializers.Serializer):
    pillar = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    max_points = serializers.FloatField()


class DTISerializer(serializers.Serializer):
    unit = serializers.CharField()
    year = serializers.IntegerField()
    level = serializers.CharField()
    pillars = DTIPillarScoreSerializer(many=True)
    total = serializers.FloatField()
    max_points = serializers.FloatField()
    percent = serializers.FloatField(allow_null=True)
    group = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField()
