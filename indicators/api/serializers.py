"""Serializers of the indicators API.

The catalogue (indicators, targets) is small and goes through ModelSerializers. The value list does
not: it is built from `.values_list()` rows (see views.py), and `ValueSerializer` only describes its
items for the OpenAPI schema. Writes are validated item by item in views.py and by
`indicators.services.record_values`; `ValueWriteSerializer` documents their shape.
"""

from rest_framework import serializers

from ..choices import QualityFlag, Status
from ..models import Indicator, Target


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
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
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
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


class ValueSerializer(serializers.Serializer):
    """One stored value with what the status engine computed for it (schema only)."""

    indicator = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField(help_text="YYYY-MM")
    value = serializers.FloatField(allow_null=True, help_text="tỷ lệ theo thang 0–100")
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    raw = serializers.CharField()
    source = serializers.CharField()
    note = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    previous_period = serializers.CharField(allow_null=True)
    previous_value = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    change_text = serializers.CharField(allow_null=True, help_text='"Tăng 0,9%", "Giảm 7,1%", "Bằng"')
    flags = serializers.ListField(child=serializers.ChoiceField(choices=QualityFlag.choices))
    updated_at = serializers.DateTimeField()


class ValueWriteSerializer(serializers.Serializer):
    """One value to write (schema only; POST accepts one object or a list of them)."""

    indicator = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField(help_text="YYYY-MM")
    value = serializers.FloatField(allow_null=True, help_text="số JSON; tỷ lệ theo thang 0–100")
    numerator = serializers.FloatField(required=False, allow_null=True)
    denominator = serializers.FloatField(required=False, allow_null=True)
    raw = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    tiers = serializers.DictField(child=serializers.FloatField(), required=False, allow_null=True)


class ValueUpdateSerializer(serializers.Serializer):
    """The value fields of PUT/PATCH values/{indicator}/{unit}/{period}/ (schema only)."""

    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(required=False, allow_null=True)
    denominator = serializers.FloatField(required=False, allow_null=True)
    raw = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    tiers = serializers.DictField(child=serializers.FloatField(), required=False, allow_null=True)


class ItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField()
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
    mismatch = serializers.BooleanField()
    message = serializers.CharField()


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
