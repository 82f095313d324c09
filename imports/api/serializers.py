import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.periods import is_period, period_message

from ..services.mappings import MappingError, read_mapping


@extend_schema_field(OpenApiTypes.STR)  # JSON text in the multipart form (an object in JSON bodies)
class MappingField(serializers.Field):
    """The column and unit mapping, as JSON text (a multipart form field) or an object."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            if not data.strip():
                return {}
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise serializers.ValidationError(f"Ánh xạ không phải JSON hợp lệ: {exc}") from None
        try:
            return read_mapping(data)
        except MappingError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value


class ImportUploadSerializer(serializers.Serializer):
    """Tệp gửi lên để nhập số liệu."""

    file = serializers.FileField(
        help_text="tệp bảng tính: xlsx, xlsm, xlsb, xls, ods, hoặc csv/txt (UTF-8, UTF-16, Windows-1258; "
        "phân cách bằng dấu phẩy, chấm phẩy hoặc tab); định dạng được nhận theo nội dung tệp"
    )
    period = serializers.CharField(
        required=False, allow_blank=True, max_length=7, help_text="kỳ YYYY-MM khi tệp không ghi kỳ"
    )
    dry_run = serializers.BooleanField(required=False, default=False, help_text="chỉ kiểm tra, không ghi")
    skip_invalid = serializers.BooleanField(
        required=False, default=False, help_text="ghi các dòng đúng, bỏ qua dòng lỗi"
    )

    mapping = MappingField(
        required=False,
        help_text=(
            'ánh xạ JSON {"columns": [{"sheet", "header", "indicator"}], "units": [{"printed", "unit"}]}: '
            "chỉ tiêu của từng cột (null: bỏ qua cột), đơn vị của từng dòng"
        ),
    )
    remember = serializers.BooleanField(
        required=False, default=False, help_text="lưu ánh xạ cho các lần nhập sau của người gửi"
    )

    def validate_period(self, value):
        if value and not is_period(value):
            raise serializers.ValidationError(period_message(value))
        return value
