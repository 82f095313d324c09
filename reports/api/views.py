"""`/api/v1/reports/`: the monthly reports a client may read, with their versions and files."""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import Role, role_of

from ..models import Report, ReportFile, ReportVersion


def _report_row(request, report: Report) -> dict:
    staff = role_of(request.user) == Role.STAFF
    versions = sorted(report.versions.all(), key=lambda v: v.number)
    files = [
        {
            "format": f.format,
            "version": f.version.number if f.version_id else None,
            "size": f.size,
            "url": request.build_absolute_uri(reverse("reports:file_download", args=[report.period, f.pk])),
        }
        for f in report.files.all()
        if f.state == ReportFile.State.DONE and f.file and (staff or f.version_id)
    ]
    return {
        "period": report.period,
        "number": report.number,
        "status": report.status,
        "issue_date": report.issue_date.isoformat(),
        "data_date": report.data_date.isoformat(),
        "versions": [
            {"number": v.number, "published_at": v.published_at.isoformat(), "note": v.note} for v in versions
        ],
        "page": request.build_absolute_uri(reverse("reports:report_detail", args=[report.period])),
        "files": files,
    }


class ReportVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="số phiên bản")
    published_at = serializers.DateTimeField(help_text="thời điểm phát hành")
    note = serializers.CharField(help_text="ghi chú phát hành")


class ReportFileSerializer(serializers.Serializer):
    format = serializers.CharField(help_text="docx hoặc pdf")
    version = serializers.IntegerField(allow_null=True, help_text="phiên bản; null là bản nháp")
    size = serializers.IntegerField(help_text="dung lượng (byte)")
    url = serializers.URLField(help_text="địa chỉ tải về")


class ReportSerializer(serializers.Serializer):
    """Một báo cáo chuyên đề tháng."""

    period = serializers.CharField(help_text="kỳ YYYY-MM")
    number = serializers.CharField(help_text="số báo cáo")
    status = serializers.CharField(help_text="trạng thái (nháp, đã phát hành)")
    issue_date = serializers.DateField(help_text="ngày ban hành")
    data_date = serializers.DateField(help_text="số liệu tính đến ngày")
    versions = ReportVersionSerializer(many=True)
    page = serializers.URLField(help_text="trang xem báo cáo")
    files = ReportFileSerializer(many=True)


class ReportListView(APIView):
    # Staff see drafts too; viewers and reporters see published reports only.

    @extend_schema(
        summary="Các báo cáo chuyên đề (phiên bản, tệp DOCX/PDF tải về)",
        description="Cán bộ Sở TT&TT thấy cả bản nháp; các tài khoản khác chỉ thấy báo cáo đã phát hành.",
        tags=["Báo cáo"],
        responses=ReportSerializer(many=True),
    )
    def get(self, request):
        reports = (
            Report.objects.visible_to(request.user)
            .order_by("-period")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ReportVersion.objects.only("id", "report_id", "number", "published_at", "note"),
                ),
                Prefetch(
                    "files", queryset=ReportFile.objects.select_related("version").order_by("-created_at")
                ),
            )
        )
        return Response([_report_row(request, r) for r in reports])
