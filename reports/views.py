"""Pages of the báo cáo chuyên đề. Every view starts from `Report.objects.visible_to(user)`; the work is
done by `reports.services` (workflow), `reports.document` (composing), `reports.printing` (printing) and
`reports.images` (editorial images)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import PageNotFound
from core.numbers import format_period
from core.roles import is_staff_role
from units.models import Unit

from . import services
from .forms import NewReportForm, ReportForm, SectionFormSet
from .images import ImageRejected, store_image
from .models import IMAGE_FOLDER, Report, ReportFile, ReportImage
from .printing import page_fragment
from .sections import narrative_label, table_labels


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_role(request.user):
            raise PermissionDenied("Chỉ cán bộ Sở TT&TT được thực hiện thao tác này.")
        return view(request, *args, **kwargs)

    return wrapper


def _not_published(period: str) -> PageNotFound:
    """A Vietnamese 404 inside the site's layout, whatever DEBUG says (core.errors): a reader asking for a
    report that is not published yet gets the reason and a way back, not Django's debug page."""
    return PageNotFound(
        unpublished(period), back_url=reverse("reports:report_list"), back_label="← Về danh sách báo cáo chuyên đề"
    )


def unpublished(period: str) -> str:
    return f"Báo cáo chuyên đề tháng {format_period(period)} chưa được phát hành."


def _visible_report(request, period) -> Report:
    report = Report.objects.visible_to(request.user).filter(period=period).first()
    if report is None:
        raise _not_published(period)
    return report


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
    if report is None and not staff:
        raise _not_published(period)
    context = {"report": report, "period": period, "month": format_period(period), "is_staff": staff}
    if report is None:
        # Staff preview a draft straight from the data before starting the report.
        shown = services.compose_document(services.unsaved_report(period))
        return render(request, "reports/report_detail.html", {**context, "doc": shown, "doc_html": page_fragment(shown)})
    versions = list(report.versions.all())
    show_draft = staff and (request.GET.get("ban-nhap") == "1" or not versions)
    version = None
    if show_draft:
        shown = services.compose_document(report)
    else:
        number = request.GET.get("phien-ban")
        version = next((v for v in versions if str(v.number) == number), None) if number else None
        version = version or versions[0]
        shown = version.snapshot
    files = report.files.select_related("version")
    if not staff:
        files = files.filter(version__isnull=False, state=ReportFile.State.DONE)
    context.update(
        {
            "doc": shown,
            "doc_html": page_fragment(shown),
            "version": version,
            "versions": versions,
            "show_draft": show_draft,
            "pending": services.pending_changes(report) if staff and versions else [],
            "files": files,
        }
    )
    return render(request, "reports/report_detail.html", context)


def _unit_labels():
    labels = {}
    for code, name, short in Unit.objects.values_list("code", "name", "short_name"):
        for label in (code, name, short):
            if label:
                labels.setdefault(label.casefold(), code)
    return labels


def _commentary_boxes(sections: list[dict]) -> list[dict]:
    """The draft commentary of each section, labelled with the section's printed title."""
    return [
        {**block, "label": narrative_label(section, block["key"]), "text": "\n".join(block["items"])}
        for section in sections
        for block in section["blocks"]
        if block["type"] == "narrative"
    ]


@staff_required
def report_edit(request, period):
    report = Report.objects.filter(period=period).first()
    if report is None:
        raise PageNotFound(f"Chưa có báo cáo chuyên đề tháng {format_period(period)} để soạn.")
    data = services.build_monthly_report(period, report)
    narratives = _commentary_boxes(data["sections"])
    names = dict(Unit.objects.values_list("code", "name"))
    tables = table_labels()
    orders = [
        {"key": key, "label": tables[key], "text": "\n".join(f"{c} — {names.get(c, c)}" for c in codes)}
        for key, codes in data["row_orders"].items()
        if key in tables
    ]
    form = ReportForm(request.POST or None, instance=report)
    formset = SectionFormSet(request.POST or None, instance=report, prefix="s")
    order_errors = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        narrative = {}
        for block in narratives:
            text = request.POST.get(f"narrative-{block['key']}", "").strip()
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if lines and lines != block["generated"] and request.POST.get(f"reset-{block['key']}") != "1":
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
    rf = ReportFile.objects.select_related("report", "version").filter(pk=file_id, report=report).first()
    if rf is None or (not is_staff_role(request.user) and rf.version_id is None):
        raise PageNotFound("Không có tệp này.")
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
            "download_url": reverse("reports:file_download", args=[period, rf.pk]) if rf.state == "done" else None,
        }
    )


@login_required
def file_download(request, period, file_id):
    rf = _visible_file(request, period, file_id)
    if rf.state != ReportFile.State.DONE or not rf.file:
        raise PageNotFound("Tệp chưa sẵn sàng.")
    return FileResponse(rf.file.open("rb"), as_attachment=True, filename=rf.download_name)


@staff_required
@require_POST
def image_upload(request):
    try:
        image = store_image(request.FILES.get("image"), user=request.user)
    except ImageRejected as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"url": image.image.url, "name": image.original_name})


@login_required
def image_file(request, name):
    """An editorial image, by the name its <img> carries (`/media/reports/images/NAME`).

    Images are part of reports, so any signed-in user may load one; nothing else under MEDIA_ROOT is
    served by URL (uploaded workbooks, evidence and generated files have permission-checked views).
    A verified image is answered with its own fixed type (never one guessed from the name); a file
    stored before images were verified is only ever a download (`application/octet-stream`)."""
    image = ReportImage.objects.filter(image=f"{IMAGE_FOLDER}/{name}").first()
    if image is None or not image.image.storage.exists(image.image.name):
        raise PageNotFound("Không tìm thấy ảnh.")
    if image.verified:
        response = FileResponse(image.image.open("rb"), content_type=image.content_type)
        response["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        response = FileResponse(
            image.image.open("rb"), content_type="application/octet-stream", as_attachment=True, filename=name
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
