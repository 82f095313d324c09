from rest_framework import serializers

from core.periods import is_period, period_message


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    period = serializers.CharField(required=False, allow_blank=True, max_length=7)
    dry_run = serializers.BooleanField(required=False, default=False)
    skip_invalid = serializers.BooleanField(required=False, default=False)

    def validate_period(self, value):
        if value and not is_period(value):
            raise serializers.ValidationError(period_message(value))
        return value
