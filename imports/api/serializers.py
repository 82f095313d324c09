from rest_framework import serializers

from core.periods import is_period, period_message


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

    def validate_period(self, value):
        if value and not is_period(value):
            raise serializers.ValidationError(period_message(value))
        return value
