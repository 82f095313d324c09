"""The plan over the API: its tasks with their latest approved report, a task with the history the caller
may read, an agency's progress on a task for a quarter, and the quarter report's submit / approve /
return as in the monthly API.

Reads: every signed-in user (PUBLIC_API=1: anonymous readers too), approved reports only beyond one's
own units. Writes: a reporter of the task's unit or staff (anyone else 403); a bad quarter, state or
percent 400 with a Vietnamese message; an approved (or, for a reporter, submitted) quarter 409.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from core.api import ApiView, is_public_reader
from core.periods import PeriodError, parse_quarter
from core.roles import Role, role_of
from units.models import Unit

from ..filtersets import STATE_CHOICES, PlanTaskFilterSet
from ..models import TaskProgress
from ..rules import is_overdue
from ..services import completeness, progress, transitions
from ..services import status as plan_status
from ..services.transitions import plan_of
from . import serializers as s

TAG = "Kế hoạch Ban Chỉ đạo"


def _visible_progress(request):
    if is_public_reader(request):
        return TaskProgress.objects.published()
    return TaskProgress.objects.visible_to(request.user)


def _conflict(exc: transitions.WorkflowError) -> Response:
    code = "stale" if isinstance(exc, transitions.StaleVersion) else "conflict"
    return Response({"detail": exc.messages[0], "code": code}, status=status.HTTP_409_CONFLICT)


def _quarter(raw) -> str:
    try:
        return parse_quarter(raw)
    except PeriodError as exc:
        raise exceptions.ValidationError({"quarter": [str(exc)]}) from None


def _version(data) -> int | None:
    version = data.get("version")
    if version in (None, ""):
        return None
    if isinstance(version, bool) or not str(version).isdigit():
        raise exceptions.ValidationError({"version": ["Phiên bản phải là số nguyên."]})
    return int(version)


@extend_schema_view(
    get=extend_schema(
        operation_id="plan_tasks_list",
        summary="Danh sách nhiệm vụ của kế hoạch hoạt động Ban Chỉ đạo, kèm báo cáo quý gần nhất đã duyệt",
        tags=[TAG],
        parameters=[
            OpenApiParameter("year", int, description="năm của kế hoạch, ví dụ 2023"),
            OpenApiParameter("unit", str, description="mã cơ quan thực hiện, ví dụ VPUBND"),
            OpenApiParameter("state", str, enum=[v for v, _l in STATE_CHOICES],
                             description="tình trạng theo báo cáo đã duyệt gần nhất (none: chưa có)"),
            OpenApiParameter("overdue", str, enum=["1", "0"], description="1: chỉ nhiệm vụ quá hạn chưa hoàn thành"),
            OpenApiParameter("pillar", str, enum=["HTS", "CQS", "KTS", "XHS"], description="trụ cột"),
            OpenApiParameter("kind", str, enum=["committee", "assigned"], description="mục III hay mục IV"),
        ],
        responses=s.PlanTaskPageSerializer,
    )
)
class PlanTaskListView(ApiView):
    def get(self, request):
        tasks = PlanTaskFilterSet(
            request.query_params, queryset=plan_status.tasks_queryset(), today=timezone.localdate()
        )
        if not tasks.is_valid():
            raise exceptions.ValidationError(tasks.errors)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tasks.qs, request, view=self)
        return Response(paginator.envelope([s.task_item(t) for t in page]))


@extend_schema_view(
    get=extend_schema(operation_id="plan_tasks_retrieve", summary="Một nhiệm vụ và lịch sử báo cáo quý của nhiệm vụ", tags=[TAG],
                      responses={200: s.PlanTaskDetailSerializer, 404: s.PlanErrorSerializer})
)
class PlanTaskDetailView(ApiView):
    def get(self, request, pk):
        task = get_object_or_404(plan_status.tasks_queryset(), pk=pk)
        history = plan_status.history(task, _visible_progress(request))
        return Response(
            s.task_item(task)
            | {
                "ref": task.ref,
                "section": task.section,
                "kind": task.kind,
                "pillar": task.pillar,
                "unit_name": task.unit.name,
                "overdue": is_overdue(task.due, task.latest_state, timezone.localdate()),
                "history": [s.progress_item(p) for p in history],
            }
        )


REQUIRED = ("quarter", "state", "percent")


@extend_schema_view(
    post=extend_schema(
        operation_id="plan_tasks_progress_create",
        summary="Báo cáo tiến độ một nhiệm vụ trong một quý (cơ quan thực hiện hoặc Sở TT&TT)",
        tags=[TAG],
        request=s.PlanProgressInputSerializer,
        responses={200: s.PlanProgressAnswerSerializer, 201: s.PlanProgressAnswerSerializer, 400: s.PlanErrorSerializer,
                   403: s.PlanErrorSerializer, 404: s.PlanErrorSerializer, 409: s.PlanErrorSerializer},
    )
)
class PlanTaskProgressView(ApiView):
    parser_classes = [JSONParser, FormParser]

    def post(self, request, pk):
        task = get_object_or_404(plan_status.tasks_queryset(), pk=pk)
        try:
            transitions.check_writer(request.user, task.unit)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        data = request.data if hasattr(request.data, "get") else {}
        missing = {name: [f'Thiếu trường "{name}" (bắt buộc).'] for name in REQUIRED if data.get(name) in (None, "")}
        wrong = {
            name: [f'Trường "{name}" phải là chuỗi ký tự.']
            for name in ("done", "issues")
            if data.get(name) is not None and not isinstance(data.get(name), str)
        }
        if missing or wrong:
            raise exceptions.ValidationError(missing | wrong)
        version = _version(data)
        before = TaskProgress.objects.filter(task=task, quarter=str(data["quarter"]).strip().upper()).exists()
        item = progress.ProgressInput(
            task, data["state"], data["percent"], data.get("done") or "", data.get("issues") or ""
        )
        try:
            result = progress.save_progress(
                task.unit, str(data["quarter"]), [item], user=request.user, source="api", version=version
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except progress.ProgressInvalid as exc:
            raise exceptions.ValidationError(
                {name: [message] for fields in exc.problems.values() for name, message in fields.items()}
            ) from None
        except transitions.WorkflowError as exc:
            return _conflict(exc)
        saved = TaskProgress.objects.select_related("report", "author").prefetch_related("evidence").get(
            task=task, quarter=result.report.quarter
        )
        body = s.progress_item(saved) | {"task": task.pk, "report_version": result.report.version}
        return Response(body, status=status.HTTP_200_OK if before else status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="plan_submissions_list",
        summary="Tình hình gửi báo cáo quý của các cơ quan: trạng thái, hạn, đúng hạn / trễ hạn",
        tags=[TAG],
        parameters=[OpenApiParameter("quarter", str, required=True, description="YYYY-Qn, ví dụ 2023-Q3")],
        responses={200: s.PlanReportListSerializer, 400: s.PlanErrorSerializer},
    )
)
class ReportListView(ApiView):
    def get(self, request):
        if "quarter" not in request.query_params:
            raise exceptions.ValidationError({"quarter": ["Hãy chọn quý (YYYY-Qn, ví dụ 2023-Q3)."]})
        quarter = _quarter(request.query_params["quarter"])
        if role_of(request.user) is None and not is_public_reader(request):
            raise exceptions.NotAuthenticated()
        plan = plan_of(quarter)
        if plan is None:
            return Response({"quarter": quarter, "count": 0, "results": []})
        units = completeness.reporting_units(plan)
        if role_of(request.user) == Role.REPORTER:
            # A reporter follows its own agencies; the review of the others is the Sở's.
            own = set(Unit.objects.filter(members=request.user).values_list("pk", flat=True))
            units = [u for u in units if u.pk in own]
        rows = completeness.quarter_overview(plan, quarter, units=units)
        return Response({"quarter": quarter, "count": len(rows), "results": [s.report_item(r) for r in rows]})


class TransitionView(ApiView):
    parser_classes = [JSONParser, FormParser]
    verb = ""

    def post(self, request, unit, quarter):
        unit_obj = get_object_or_404(Unit, code=unit)
        quarter = _quarter(quarter)
        data = request.data if hasattr(request.data, "get") else {}
        version = _version(data)
        try:
            self.run(request, unit_obj, quarter, data, version)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except transitions.WorkflowError as exc:
            return _conflict(exc)
        except DjangoValidationError as exc:  # a return without its comment
            raise exceptions.ValidationError(exc.message_dict) from None
        plan = plan_of(quarter)
        row = completeness.quarter_overview(plan, quarter, units=[unit_obj])[0]
        return Response(s.report_item(row))


def _transition(verb, summary, fn, field=None):
    def run(self, request, unit, quarter, data, version):
        kwargs = {"user": request.user, "version": version, "source": "api"}
        if field:
            kwargs[field] = str(data.get(field, "") or "")
        return fn(unit, quarter, **kwargs)

    view = type(f"PlanReport{verb.title()}View", (TransitionView,), {"verb": verb, "run": run})
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"plan_submissions_{verb}",
            summary=summary,
            tags=[TAG],
            request=s.PlanTransitionSerializer,
            responses={200: s.PlanReportSerializer, 400: s.PlanErrorSerializer, 403: s.PlanErrorSerializer,
                       404: s.PlanErrorSerializer, 409: s.PlanErrorSerializer},
        )
    )(view)


SubmitView = _transition(
    "submit", "Gửi báo cáo quý của cơ quan (đang nhập hoặc bị trả lại → chờ duyệt)", transitions.submit
)
ApproveView = _transition("approve", "Duyệt báo cáo quý (chờ duyệt → đã duyệt, khóa báo cáo)", transitions.approve)
ReturnView = _transition(
    "return", "Trả lại báo cáo quý kèm ý kiến (chờ duyệt hoặc đã duyệt → bị trả lại)", transitions.return_report,
    "comment",
)
