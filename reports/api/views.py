"""`/api/v1/reports/`: the monthly reports a client may read, with their versions and files."""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
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


class ReportListView(APIView):
    """Staff see drafts too; viewers and reporters see published reports only."""

    @extend_schema(summary="Các báo cáo chuyên đề (phiên bản, tệp DOCX/PDF tải về)", responses={200: dict})
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
