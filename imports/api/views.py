"""POST /api/v1/imports/ (multipart, token): the same JSON as `import_workbook --json`.

Without `?commit=1` the batch is validated and kept for review (status `dry_run`); with it a clean
batch (or one sent with `skip_invalid`) is committed. HTTP status: 201 committed, 200 dry run,
422 rejected (errors), 400 unreadable file or bad form, 403 a viewer."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import Role, role_of

from ..models import ImportBatch
from ..services import import_file
from .serializers import ImportUploadSerializer


class CanImport(permissions.BasePermission):
    message = "Chỉ cán bộ Sở TT&TT và người báo cáo của đơn vị được nhập số liệu."

    def has_permission(self, request, view):
        return role_of(request.user) in (Role.STAFF, Role.REPORTER)


@extend_schema(
    summary="Nhập số liệu từ tệp (xlsx, xls, ods, csv): kiểm tra, hoặc ghi với ?commit=1",
    description=(
        "Gửi tệp theo kiểu multipart (trường file, kỳ period YYYY-MM nếu tệp không ghi kỳ). Không có "
        "?commit=1 thì chỉ kiểm tra và giữ lô để xem lại; có thì ghi lô sạch lỗi (hoặc bỏ qua dòng lỗi "
        "với skip_invalid). Mã trả về: 201 đã ghi, 200 chỉ kiểm tra, 422 có lỗi (kèm từng lỗi theo "
        "sheet, dòng, cột), 400 tệp không đọc được, 403 tài khoản chỉ xem."
    ),
    tags=["Nhập số liệu"],
    parameters=[OpenApiParameter("commit", bool, description="1: ghi số liệu nếu lô không có lỗi")],
    request={"multipart/form-data": ImportUploadSerializer},
    responses={
        200: OpenApiResponse(description="đã kiểm tra, chưa ghi (kết quả như import_workbook --json)"),
        201: OpenApiResponse(description="đã ghi số liệu"),
        400: OpenApiResponse(description="tệp không đọc được hoặc biểu mẫu sai"),
        403: OpenApiResponse(description="tài khoản không được nhập số liệu"),
        422: OpenApiResponse(description="lô có lỗi, không ghi gì"),
    },
)
class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [permissions.IsAuthenticated, CanImport]
    serializer_class = ImportUploadSerializer

    def post(self, request):
        form = ImportUploadSerializer(data=request.data)
        if not form.is_valid():
            return Response(
                {
                    "status": "rejected",
                    "errors": [
                        {
                            "sheet": "",
                            "row": None,
                            "column": field,
                            "cell": "",
                            "value": "",
                            "message": " ".join(str(m) for m in msgs),
                        }
                        for field, msgs in form.errors.items()
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        commit = request.query_params.get("commit") in ("1", "true", "yes")
        upload = form.validated_data["file"]
        dry_run = form.validated_data["dry_run"] or not commit
        outcome = import_file(
            upload,
            period=form.validated_data.get("period") or None,
            user=request.user,
            commit=not dry_run,
            dry_run=dry_run,
            skip_invalid=form.validated_data["skip_invalid"],
            source_kind=ImportBatch.Source.API,
            filename=upload.name,
        )
        code = status.HTTP_200_OK
        if outcome.unreadable:
            code = status.HTTP_400_BAD_REQUEST
        elif outcome.status == "committed":
            code = status.HTTP_201_CREATED
        elif outcome.status == "rejected":
            code = status.HTTP_422_UNPROCESSABLE_ENTITY
        return Response(outcome.as_json(), status=code)
