from rest_framework import serializers

from ..models import Unit


class UnitSerializer(serializers.ModelSerializer):
    """Một đơn vị theo mã; đơn vị cấp trên cũng theo mã (không dùng id trong cơ sở dữ liệu)."""

    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "level", "parent", "aliases", "order", "active"]
        read_only_fields = fields
