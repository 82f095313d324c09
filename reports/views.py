"""Pages of the báo cáo chuyên đề. Every view starts from `Report.objects.visible_to(user)`; the work is
done by `reports.services`."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.numbers import format_period
from core.roles import is_staff_role
from units.models import Unit

from . import services
from .forms import NewReportForm, ReportForm, SectionFormSet
from .models import Report, ReportFile, ReportImage

ROW_ORDER_LABELS = {
    "dvc": "Bảng dịch vụ công trực tuyến",
    "app": "Bảng người dùng Bình Phước Today",
    "software": "Bảng phần mềm, ứng dụng",
    "cnscd": "Bảng tổ công nghệ số cộng đồng",
    "ecert": "Bảng chứng thực điện tử",
    "tax": "Bảng thanh toán thuế, phí trực tuyến",
}


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_role(request.user):
            raise PermissionDenied("Chỉ cán bộ Sở TT&TT được thực hiện thao tác này.")
        return view(request, *args, **kwargs)

    return wrapper


def _visible_report(request, period) -> Report:
    return get_object_or_404(Report.objects.visible_to(request.user), period=period)


@login_required
def report_list(request):
    reports = Report.objects.visible_to(request.user).annotate(version_count=Count("versions"))
    return render(
        request,
        "reports/report_list.html",
        {"reports": reports, "is_staff": is_staff_role(request.user), "form": NewReportForm()},
    )


@staff_required
@require_POST
def report_create(request):
    form = NewReportForm(request.POST)
    if form.is_valid():
        try:
            report = services.create_report(form.cleaned_data["period"], user=request.user)
        except services.ReportError as exc:
            messages.error(request, str(exc))
            return redirect("reports:report_list")
        messages.success(request, f"Đã tạo bản nháp báo cáo chuyên đề tháng {report.month_label}.")
        return redirect("reports:report_edit", period=report.period)
    for error in form.errors.get("period", []):
        messages.error(request, error)
    return redirect("reports:report_list")


@login_required
def report_detail(request, period):
    staff = is_staff_role(request.user)
    report = Report.objects.visible_to(request.user).filter(period=period).first()
    if report is None:
        if not staff:
            raise Http404("Không có báo cáo chuyên đề cho kỳ này.")
        # Staff preview a draft straight from the data before starting the report.
        document = services.compose_document(services.unsaved_report(period))
        return render(
            request,
            "reports/report_detail.html",
            {
                "report": None,
                "period": period,
                "month": format_period(period),
                "doc": document,
                "is_staff": True,
            },
        )
    versions = list(report.versions.all())
    show_draft = staff and (request.GET.get("ban-nhap") == "1" or not versions)
    version = None
    if show_draft:
        document = services.compose_document(report)
    else:
        number = request.GET.get("phien-ban")
        version = next((v for v in versions if str(v.number) == number), None) if number else None
        version = version or versions[0]
        document = version.snapshot
    files = report.files.select_related("version")
    if not staff:
        files = files.filter(version__isnull=False, state=ReportFile.State.DONE)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "period": period,
            "month": report.month_label,
            "doc": document,
            "version": version,
            "versions": versions,
            "show_draft": show_draft,
            "pending": services.pending_changes(report) if staff and versions else [],
            "files": files,
            "is_staff": staff,
        },
    )


def _unit_labels():
    labels = {}
    for code, name, short in Unit.objects.values_list("code", "name", "short_name"):
        for label in (code, name, short):
            if label:
                labels.setdefault(label.casefold(), code)
    return labels


@staff_required
def report_edit(request, period):
    report = get_object_or_404(Report, period=period)
    data = services.build_monthly_report(period, report)
    narratives = [
        block for section in data["sections"] for block in section["blocks"] if block["type"] == "narrative"
    ]
    names = dict(Unit.objects.values_list("code", "name"))
    orders = [
        {
            "key": key,
            "label": ROW_ORDER_LABELS.get(key, key),
            "text": "\n".join(f"{c} — {names.get(c, c)}" for c in codes),
        }
        for key, codes in data["row_orders"].items()
        if key in ROW_ORDER_LABELS
    ]
    form = ReportForm(request.POST or None, instance=report)
    formset = SectionFormSet(request.POST or None, instance=report, prefix="s")
    order_errors = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        narrative = {}
        for block in narratives:
            text = request.POST.get(f"narrative-{block['key']}", "").strip()
            if (
                text
                and text.splitlines() != block["generated"]
                and request.POST.get(f"reset-{block['key']}") != "1"
            ):
                narrative[block["key"]] = text
        labels, row_orders = _unit_labels(), dict(report.row_orders or {})
        for item in orders:
            text = request.POST.get(f"order-{item['key']}")
            if text is None:
                continue
            lines = [ln.split(" — ")[0] for ln in text.splitlines()]
            codes, unknown = services.parse_row_order("\n".join(lines), labels)
            if unknown:
                order_errors.append(f"{item['label']}: không có đơn vị “{'”, “'.join(unknown)}”")
            row_orders[item["key"]] = codes
        if not order_errors:
            with transaction.atomic():
                report = form.save(commit=False)
                report.narrative, report.row_orders = narrative, row_orders
                report.save()
                formset.save()
            messages.success(request, "Đã lưu bản nháp.")
            return redirect(reverse("reports:report_detail", args=[period]) + "?ban-nhap=1")
    for block in narratives:
        block["text"] = "\n".join(block["items"])
    return render(
        request,
        "reports/report_form.html",
        {
            "report": report,
            "form": form,
            "formset": formset,
            "narratives": narratives,
            "orders": orders,
            "order_errors": order_errors,
        },
    )


@staff_required
@require_POST
def report_publish(request, period):
    report = get_object_or_404(Report, period=period)
    try:
        version = services.publish_report(report, user=request.user, note=request.POST.get("note", "")[:300])
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã phát hành phiên bản {version.number}; tệp DOCX và PDF đang được tạo.")
    return redirect("reports:report_detail", period=period)


@staff_required
@require_POST
def file_request(request, period):
    report = get_object_or_404(Report, period=period)
    fmt = request.POST.get("format", "")
    version = report.latest_version if request.POST.get("draft") != "1" else None
    try:
        services.request_file(report, fmt, version=version, user=request.user)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    return redirect("reports:report_detail", period=period)


def _visible_file(request, period, file_id) -> ReportFile:
    report = _visible_report(request, period)
    rf = get_object_or_404(ReportFile.objects.select_related("report", "version"), pk=file_id, report=report)
    if not is_staff_role(request.user) and rf.version_id is None:
        raise Http404
    return rf


@login_required
def file_status(request, period, file_id):
    rf = _visible_file(request, period, file_id)
    return JsonResponse(
        {
            "id": rf.pk,
            "format": rf.format,
            "state": rf.state,
            "state_label": rf.get_state_display(),
            "progress": rf.progress,
            "message": rf.message,
            "download_url": reverse("reports:file_download", args=[period, rf.pk])
            if rf.state == "done"
            else None,
        }
    )


@login_required
def file_download(request, period, file_id):
    rf = _visible_file(request, period, file_id)
    if rf.state != ReportFile.State.DONE or not rf.file:
        raise Http404("Tệp chưa sẵn sàng.")
    return FileResponse(rf.file.open("rb"), as_attachment=True, filename=rf.download_name)


@staff_required
@require_POST
def image_upload(request):
    upload = request.FILES.get("image")
    if (
        upload is None
        or not (upload.content_type or "").startswith("image/")
        or upload.size > 5 * 1024 * 1024
    ):
        return JsonResponse({"error": "Chỉ nhận tệp ảnh (tối đa 5 MB)."}, status=400)
    image = ReportImage(image=upload, uploaded_by=request.user)
    try:
        image.full_clean()
    except Exception:  # noqa: BLE001 - any invalid image gets the same message
        return JsonResponse({"error": "Tệp không phải là ảnh hợp lệ."}, status=400)
    image.save()
    return JsonResponse({"url": image.image.url})


@login_required
def image_file(request, name):
    """An editorial image, by the name its <img> carries (`/media/reports/images/NAME`).

    Images are part of reports, so any signed-in user may load one; nothing else under MEDIA_ROOT
    is served by URL (uploaded workbooks, evidence and generated files have permission-checked views).
    """
    image = ReportImage.objects.filter(image=f"reports/images/{name}").first()
    if image is None or not image.image.storage.exists(image.image.name):
        raise Http404("Không tìm thấy ảnh.")
    return FileResponse(image.image.open("rb"), content_type=None)
