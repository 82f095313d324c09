"""POST /api/v1/imports/ (multipart, token): the same JSON as `import_workbook --json`.

Without `?commit=1` the batch is validated and kept for review (status `dry_run`); with it a clean
batch (or one sent with `skip_invalid`) is committed. HTTP status: 201 committed, 200 dry run,
422 rejected (errors), 400 unreadable file or bad form, 403 a viewer.

POST /api/v1/imports/<id>/undo/: undo a committed batch, as the batch page does. 200 with what was put
back; 409 when it may not be undone (an approved or submitted month, a later change, not committed),
403 a unit the caller no longer writes, 404 a batch the caller does not see.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import Role, role_of

from ..models import ImportBatch
from ..services import UndoRefused, batches_for, import_file, undo_batch
from .serializers import ImportUploadSerializer


class CanImport(permissions.BasePermission):
    message = "Chỉ cán bộ Sở TT&TT và người báo cáo của đơn vị được nhập số liệu."

    def has_permission(self, request, view):
        return role_of(request.user) in (Role.STAFF, Role.REPORTER)


@extend_schema(
    summary="Nhập số liệu từ tệp (xlsx, xlsm, xlsb, xls, ods, csv, txt): kiểm tra, hoặc ghi với ?commit=1",
    description=(
        "Gửi tệp theo kiểu multipart (trường file, kỳ period YYYY-MM nếu tệp không ghi kỳ). Không có "
        "?commit=1 thì chỉ kiểm tra và giữ lô để xem lại; có thì ghi lô sạch lỗi (hoặc bỏ qua dòng lỗi "
        "với skip_invalid). Mã trả về: 201 đã ghi, 200 chỉ kiểm tra, 422 có lỗi (kèm từng lỗi theo "
        "sheet, dòng, cột), 400 tệp không đọc được, 403 tài khoản chỉ xem. Kết quả có mapping (chỉ tiêu "
        "của từng cột và cách xác định: catalogue, saved, given, ignored, unmapped) và units; cột chưa rõ "
        "được trả lời bằng trường mapping (remember=true để lưu cho lần sau)."
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
            mapping=form.validated_data.get("mapping") or None,
            remember_mapping=form.validated_data["remember"],
        )
        code = status.HTTP_200_OK
        if outcome.unreadable:
            code = status.HTTP_400_BAD_REQUEST
        elif outcome.status == "committed":
            code = status.HTTP_201_CREATED
        elif outcome.status == "rejected":
            code = status.HTTP_422_UNPROCESSABLE_ENTITY
        return Response(outcome.as_json(), status=code)


UNDO_STATUS = {"forbidden": status.HTTP_403_FORBIDDEN}


class ImportUndoView(APIView):
    permission_classes = [permissions.IsAuthenticated, CanImport]

    @extend_schema(
        summary="Hoàn tác một lô nhập đã ghi",
        description=(
            "Đặt lại các số liệu như trước khi lô được ghi (số liệu lô tạo mới thì bị xóa). Từ chối (409) "
            "khi tháng đã duyệt hoặc đang chờ duyệt, khi số liệu đã được sửa sau lô, hoặc lô chưa ghi; "
            "403 khi người gọi không còn được nhập số liệu cho đơn vị của lô."
        ),
        tags=["Nhập số liệu"],
        request=None,
        responses=inline_serializer(
            "ImportUndoResult",
            {
                "batch": serializers.IntegerField(),
                "status": serializers.CharField(),
                "deleted": serializers.IntegerField(),
                "restored": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request, pk):
        batch = batches_for(request.user).filter(pk=pk).first()
        if batch is None:
            return Response(
                {"detail": "Không có lô nhập này.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND
            )
        try:
            result = undo_batch(batch, request.user)
        except UndoRefused as exc:
            return Response(
                {"detail": str(exc), "code": exc.code},
                status=UNDO_STATUS.get(exc.code, status.HTTP_409_CONFLICT),
            )
        return Response({"batch": batch.pk, "status": batch.status, **result})
