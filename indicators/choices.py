"""Enumerations of the catalogue and of computed statuses, with the Vietnamese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Pillar(models.TextChoices):
    HTS = "HTS", _("Hạ tầng số")
    CQS = "CQS", _("Chính quyền số")
    KTS = "KTS", _("Kinh tế số")
    XHS = "XHS", _("Xã hội số")


class Measure(models.TextChoices):
    PERCENT = "percent", _("Tỷ lệ (%)")
    COUNT = "count", _("Số lượng")
    AMOUNT_VND = "amount_vnd", _("Số tiền (đồng)")


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    ANNUAL = "annual", _("Hằng năm")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Tổng")
    MEAN = "mean", _("Trung bình các đơn vị")
    RATIO_OF_SUMS = "ratio_of_sums", _("Tỷ lệ của tổng tử số trên tổng mẫu số")
    NONE = "none", _("Không tổng hợp")


class Direction(models.TextChoices):
    UP = "up", _("Càng cao càng tốt")
    DOWN = "down", _("Càng thấp càng tốt")


class Cumulative(models.TextChoices):
    NONE = "", _("Không lũy kế")
    YEAR_TO_DATE = "ytd", _("Lũy kế từ đầu năm")
    SINCE_START = "since_start", _("Lũy kế từ khi bắt đầu")


class Comparator(models.TextChoices):
    GTE = ">=", _("đạt từ")
    GT = ">", _("đạt trên")
    LTE = "<=", _("không quá")
    LT = "<", _("dưới")
    RANGE = "range", _("trong khoảng")


class Source(models.TextChoices):
    IMPORT = "import", _("Nhập từ Excel")
    FORM = "form", _("Nhập qua biểu mẫu")
    API = "api", _("Gửi qua API")
    # An import batch undone: its values recorded back as they were before it.
    UNDO = "undo", _("Hoàn tác lô nhập")


class Status(models.TextChoices):
    MET = "met", _("Đạt")
    NOT_MET = "not_met", _("Không đạt")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    NO_TARGET = "no_target", _("Chưa có chỉ tiêu")
    NO_DATA = "no_data", _("Chưa có số liệu")


# Indicator groups as the catalogue names them, in the order the monthly report prints them.
GROUP_LABELS = {
    "KH57": _("Chỉ tiêu Kế hoạch 57/KH-UBND"),
    "DVC": _("Dịch vụ công trực tuyến"),
    "APP": _("Ứng dụng Bình Phước Today"),
    "HOTLINE": _("Tổng đài 1022"),
    "SOFTWARE": _("Phần mềm, ứng dụng dùng chung"),
    "CNSCD": _("Tổ công nghệ số cộng đồng"),
    "ECERT": _("Chứng thực điện tử"),
    "TAX": _("Thanh toán thuế, phí trực tuyến"),
    "MEDIA": _("Tuyên truyền về CĐS"),
}


class QualityFlag(models.TextChoices):
    """Data-quality flags computed by the status engine (order = bit order in ValueStatus.flags)."""

    PERCENT_OUT_OF_RANGE = "percent_out_of_range", _("Tỷ lệ nằm ngoài khoảng 0–100%")
    NEGATIVE = "negative", _("Số lượng âm")
    CUMULATIVE_DROP = "cumulative_drop", _("Số lũy kế giảm so với kỳ trước")
    OUTLIER = "outlier", _("Bất thường so với số liệu các kỳ trước của đơn vị")
    TOTAL_MISMATCH = "total_mismatch", _("Tổng in trong báo cáo khác tổng tính từ các đơn vị")
    RATIO_MISMATCH = "ratio_mismatch", _("Tử số, mẫu số không khớp với tỷ lệ in trong báo cáo")
