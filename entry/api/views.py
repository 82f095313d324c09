"""The approval workflow over the API: submit, approve, return, unlock a unit's month; list each
unit's state and deadline for a period; the audit history of one value.

Transitions call `entry.services.transitions`; a transition not allowed from the current state answers 409
with the reason, a persona without the right 403, a missing or empty comment/reason 400.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from core.api import ApiJSONParser, ApiView, ErrorSerializer
from core.periods import parse_period
from core.roles import Role, role_of
from indicators.models import DataValue, Indicator
from units.models import Unit

from ..services import completeness, history, transitions

INDICATOR = OpenApiParameter(
    "indicator",
    str,
    OpenApiParameter.PATH,
    description="mã chỉ tiêu",
    examples=[OpenApiExample("DVC-SVC-RATE", value="DVC-SVC-RATE", summary="Tỷ lệ hồ sơ trực tuyến")],
)
UNIT = OpenApiParameter(
    "unit",
    str,
    OpenApiParameter.PATH,
    description="mã đơn vị",
    examples=[OpenApiExample("DONGXOAI", value="DONGXOAI", summary="Thành phố Đồng Xoài")],
)
PERIOD = OpenApiParameter(
    "period",
    str,
    OpenApiParameter.PATH,
    description="kỳ YYYY-MM",
    examples=[OpenApiExample("2023-08", value="2023-08", summary="Tháng 8/2023")],
)


def _period(text: str) -> str:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise exceptions.ValidationError({"period": [str(exc)]}) from None


# ------------------------------------------------------------------------------ schema (OpenAPI)
class SubmissionSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    period = serializers.CharField()
    state = serializers.CharField(
        allow_null=True, help_text="trạng thái: draft, submitted, returned, approved, unlocked"
    )
    state_label = serializers.CharField()
    deadline = serializers.DateField()
    timeliness = serializers.CharField(help_text="đúng hạn: on_time, late, waiting, missing, staff")
    timeliness_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    comment = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    values = serializers.IntegerField()


class SubmissionListSerializer(serializers.Serializer):
    period = serializers.CharField()
    count = serializers.IntegerField()
    results = SubmissionSerializer(many=True)


class TransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="phiên bản bạn đã xem; đã có thay đổi mới hơn thì trả 409"
    )
    comment = serializers.CharField(required=False, help_text="lý do trả lại báo cáo (bắt buộc khi trả lại)")
    reason = serializers.CharField(
        required=False, help_text="lý do mở khóa kỳ đã duyệt (bắt buộc khi mở khóa)"
    )


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    action = serializers.CharField()
    key = serializers.CharField()
    source = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    batch_id = serializers.IntegerField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    indicator = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    results = HistoryEntrySerializer(many=True)


def submission_item(row: completeness.UnitRow) -> dict:
    sub = row.submission
    return {
        "unit": row.unit.code,
        "unit_name": row.unit.name,
        "period": row.period,
        "state": sub.state if sub else None,
        "state_label": row.state_label,
        "deadline": row.deadline.isoformat(),
        "timeliness": row.timeliness,
        "timeliness_label": row.timeliness_label,
        "submitted_at": sub.submitted_at.isoformat() if sub and sub.submitted_at else None,
        "submitted_by": sub.submitted_by.username if sub and sub.submitted_by else None,
        "decided_at": sub.decided_at.isoformat() if sub and sub.decided_at else None,
        "decided_by": sub.decided_by.username if sub and sub.decided_by else None,
        "comment": sub.comment if sub else "",
        "version": sub.version if sub else None,
        "values": row.value_count,
    }


@extend_schema_view(
    get=extend_schema(
        summary="Tình hình gửi báo cáo của các đơn vị trong một kỳ: trạng thái, hạn, đúng hạn / trễ hạn",
        description="Người báo cáo chỉ thấy đơn vị của mình; cán bộ Sở TT&TT và người xem thấy mọi đơn vị phải báo cáo.",
        tags=["Duyệt số liệu"],
        parameters=[
            OpenApiParameter(
                "period",
                str,
                required=True,
                description="kỳ YYYY-MM",
                examples=[OpenApiExample("2023-08", value="2023-08", summary="Tháng 8/2023")],
            )
        ],
        responses=SubmissionListSerializer,
    )
)
class SubmissionListView(ApiView):
    def get(self, request):
        if "period" not in request.query_params:
            raise exceptions.ValidationError({"period": ["Hãy chọn kỳ báo cáo (YYYY-MM)."]})
        period = _period(request.query_params["period"])
        units = None  # the units that must report, and any other that sent this month (the queue's)
        if role_of(request.user) == Role.REPORTER:
            # A reporter follows its own units; the review of the others is the Sở's.
            own = set(Unit.objects.filter(members=request.user).values_list("pk", flat=True))
            units = [u for u in completeness.expected_units() if u.pk in own]
        elif role_of(request.user) is None:
            raise exceptions.NotAuthenticated()
        rows = completeness.period_overview(period, units=units)
        return Response({"period": period, "count": len(rows), "results": [submission_item(r) for r in rows]})


class TransitionView(ApiView):
    parser_classes = [ApiJSONParser, FormParser]
    verb = ""

    def post(self, request, unit, period):
        unit_obj = get_object_or_404(Unit, code=unit)
        period = _period(period)
        data = request.data if hasattr(request.data, "get") else {}
        version = data.get("version")
        try:
            version = int(version) if version not in (None, "") else None
        except (TypeError, ValueError):
            raise exceptions.ValidationError({"version": ["Phiên bản phải là số nguyên."]}) from None
        try:
            sub = self.run(request, unit_obj, period, data, version)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except transitions.StaleVersion as exc:
            return Response({"detail": exc.messages[0], "code": "stale"}, status=status.HTTP_409_CONFLICT)
        except transitions.WorkflowError as exc:
            message = exc.messages[0]
            if message.startswith("Hãy ghi rõ"):
                field = "comment" if self.verb == "return" else "reason"
                return Response(
                    {"detail": message, "code": "invalid", "errors": [{"field": field, "message": message}]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            return Response({"detail": message, "code": "conflict"}, status=status.HTTP_409_CONFLICT)
        row = next(iter(completeness.period_overview(period, units=[unit_obj])))
        return Response(submission_item(row) | {"state": sub.state})


def _transition(verb, summary, description, fn, field=None):
    def run(self, request, unit, period, data, version):
        kwargs = {"user": request.user, "version": version, "source": "api"}
        if field:
            kwargs[field] = str(data.get(field, ""))
        return fn(unit, period, **kwargs)

    view = type(
        f"Submission{verb.title()}View",
        (TransitionView,),
        {"verb": verb, "run": run},
    )
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            tags=["Duyệt số liệu"],
            parameters=[UNIT, PERIOD],
            request=TransitionSerializer,
            responses={
                200: SubmissionSerializer,
                400: ErrorSerializer,
                403: ErrorSerializer,
                409: ErrorSerializer,
            },
        )
    )(view)


SubmitView = _transition(
    "submit",
    "Gửi báo cáo của đơn vị cho kỳ (bản nháp hoặc bị trả lại → chờ duyệt)",
    "Người báo cáo của đơn vị gửi số liệu của kỳ để Sở TT&TT duyệt; từ lúc này số liệu bị khóa với họ.",
    transitions.submit,
)
ApproveView = _transition(
    "approve",
    "Duyệt báo cáo (chờ duyệt → đã duyệt, khóa số liệu)",
    "Cán bộ Sở TT&TT duyệt: số liệu của kỳ được công bố và khóa với mọi kênh ghi.",
    transitions.approve,
)
ReturnView = _transition(
    "return",
    "Trả lại báo cáo kèm ý kiến (chờ duyệt → bị trả lại)",
    "Cán bộ Sở TT&TT trả lại để đơn vị sửa; bắt buộc ghi ý kiến (comment).",
    transitions.return_submission,
    "comment",
)
UnlockView = _transition(
    "unlock",
    "Mở khóa báo cáo đã duyệt, ghi rõ lý do",
    "Cán bộ Sở TT&TT mở lại kỳ đã duyệt để sửa; bắt buộc ghi lý do (reason).",
    transitions.unlock,
    "reason",
)


@extend_schema_view(
    get=extend_schema(
        summary="Lịch sử thay đổi của một số liệu",
        description="Mọi lần ghi số liệu: ai, lúc nào, qua kênh nào, trước và sau.",
        tags=["Duyệt số liệu"],
        parameters=[INDICATOR, UNIT, PERIOD],
        responses=HistorySerializer,
    )
)
class ValueHistoryView(ApiView):
    def get(self, request, indicator, unit, period):
        get_object_or_404(Indicator, code=indicator)
        unit_obj = get_object_or_404(Unit, code=unit)
        period = _period(period)
        # The history of a value is shown to whoever may see the value (or write it, before it exists).
        visible = DataValue.objects.visible_to(request.user).filter(
            indicator__code=indicator, unit=unit_obj, period=period
        )
        writable = Unit.objects.writable_by(request.user).filter(pk=unit_obj.pk).exists()
        if not writable and not visible.exists():
            raise exceptions.NotFound()
        entries = [history.describe(e) for e in history.value_history(indicator, unit, period)]
        for e in entries:
            e["at"] = e["at"].isoformat()
        return Response({"indicator": indicator, "unit": unit, "period": period, "results": entries})
