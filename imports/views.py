"""Pages of the intake: upload, preview (errors by cell, corrections, exclusions), confirm, undo,
history, and the per-unit entry template. Logic lives in services; views only route."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.numbers import Kind, read_number
from core.queue import enqueue
from core.roles import Role, role_of
from indicators.models import Indicator
from units.models import Unit

from . import services
from .blank_workbook import build_entry_template
from .forms import TemplateForm, UploadForm
from .models import ImportBatch
from .services.mappings import mapping_by_sheet, merge_answers, remember_batch
from .tasks import analyse_batch, commit_batch_task


def _can_upload(user) -> bool:
    return role_of(user) in (Role.STAFF, Role.REPORTER)


def _batch(user, pk) -> ImportBatch:
    batch = services.batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("Không có lô nhập này")
    return batch


@login_required
def upload(request):
    if not _can_upload(request.user):
        raise PermissionDenied("Chỉ cán bộ Sở TT&TT và người báo cáo của đơn vị được nhập số liệu.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.receive_upload(
            form.cleaned_data["file"], period=form.cleaned_data["period"] or None, user=request.user
        )
        if batch.status == ImportBatch.Status.PENDING:
            user_id = request.user.pk
            transaction.on_commit(lambda: enqueue(analyse_batch, batch.pk, user_id))
        return redirect("imports:batch_detail", pk=batch.pk)
    return render(
        request,
        "imports/importbatch_upload.html",
        {
            "form": form,
            "template_form": TemplateForm(),
            "batches": services.batches_for(request.user)[:20],
            "units": Unit.objects.writable_by(request.user).order_by("order", "code"),
        },
    )


@login_required
def history(request):
    return render(
        request, "imports/importbatch_list.html", {"batches": services.batches_for(request.user)[:200]}
    )


@login_required
def batch_detail(request, pk):
    batch = _batch(request.user, pk)
    errors_by_cell = services.group_problems_by_cell(batch.errors)
    return render(
        request,
        "imports/importbatch_detail.html",
        {
            "batch": batch,
            "errors_by_cell": errors_by_cell,
            "excluded": set(batch.exclusions),
            "counts_text": services.describe_counts(batch.counts or {}),
            "preview_sheets": services.preview_rows(batch),
            "mapping_sheets": mapping_by_sheet(batch.mapping or {}),
            "indicator_choices": Indicator.objects.order_by("order", "code").values_list("code", "name"),
            "unit_choices": Unit.objects.writable_by(request.user)
            .order_by("order", "code")
            .values_list("code", "name"),
            "undo": services.undo_plan(batch) if batch.can_undo else None,
        },
    )


@login_required
def batch_status(request, pk):
    batch = _batch(request.user, pk)
    return JsonResponse(
        {
            "id": batch.pk,
            "status": batch.status,
            "progress": batch.progress,
            "status_label": batch.get_status_display(),
        }
    )


@login_required
@require_POST
def batch_update(request, pk):
    batch = _batch(request.user, pk)
    if batch.status not in (ImportBatch.Status.PREVIEW, ImportBatch.Status.REJECTED):
        messages.error(request, "Lô nhập này không còn sửa được.")
        return redirect("imports:batch_detail", pk=pk)
    corrections = dict(batch.corrections)
    bad = []
    for key, value in request.POST.items():
        if key.startswith("fix:") and value.strip():
            reading = read_number(value.strip(), Kind.NUMBER)
            if reading.value is None:
                bad.append(f"{key[4:]}: {reading.error or 'không phải là số'}")
            else:
                corrections[key[4:]] = str(reading.value)
    exclusions = request.POST.getlist("exclude")
    period = request.POST.get("period")
    # the mapping: "map:<sheet>|<letter>" → indicator code, ignore, or "" (as read); "unit:<printed>"
    columns = [
        (*key[4:].rsplit("|", 1), value)
        for key, value in request.POST.items()
        if key.startswith("map:") and "|" in key
    ]
    units = [(key[5:], value) for key, value in request.POST.items() if key.startswith("unit:")]
    answers = merge_answers(batch.answers, columns, units) if (columns or units) else None
    if bad:
        messages.error(request, "Không đọc được giá trị sửa: " + "; ".join(bad))
    services.update_preview(
        batch,
        user=request.user,
        period=period if period is not None else None,
        corrections=corrections,
        exclusions=exclusions,
        answers=answers,
    )
    return redirect("imports:batch_detail", pk=pk)


@login_required
@require_POST
def batch_commit(request, pk):
    """Mark the batch COMMITTING and let a worker write it; the batch page polls until it is done.
    (With no broker the task runs right here, so the redirect shows the committed batch.)"""
    batch = _batch(request.user, pk)
    try:
        started = services.start_commit(batch)
    except services.ImportError_ as exc:
        messages.error(request, str(exc))
        return redirect("imports:batch_detail", pk=pk)
    if started:
        remember_batch(batch, request.user)  # the confirmed mapping applies to this sender's next files
        user_id = request.user.pk
        transaction.on_commit(lambda: enqueue(commit_batch_task, batch.pk, user_id))
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.COMMITTED:
        messages.success(request, f"Đã nhập lô #{batch.pk}: {services.ImportOutcome.of(batch).summary()}")
    elif batch.status == ImportBatch.Status.COMMITTING:
        messages.info(request, f"Đang nhập lô #{batch.pk}…")
    return redirect("imports:batch_detail", pk=pk)


@login_required
@require_POST
def batch_undo(request, pk):
    batch = _batch(request.user, pk)
    try:
        result = services.undo_batch(batch, request.user)
    except services.ImportError_ as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Đã hoàn tác lô #{batch.pk}: xóa {result['deleted']}, khôi phục {result['restored']} số liệu.",
        )
    return redirect("imports:batch_detail", pk=pk)


@login_required
def entry_template(request):
    form = TemplateForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, "Hãy chọn đơn vị và kỳ báo cáo (YYYY-MM).")
        return redirect("imports:upload")
    unit = Unit.objects.writable_by(request.user).filter(code=form.cleaned_data["unit"]).first()
    if unit is None:
        raise PermissionDenied("Bạn không có quyền nhập số liệu cho đơn vị này.")
    data = build_entry_template(unit, form.cleaned_data["period"])
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="mau-nhap-lieu-{unit.code}-{form.cleaned_data["period"]}.xlsx"'
    )
    return response
