"""The Sở TT&TT's quarterly synthesis: staff read the draft (composed from the live data) and publish it;
everyone signed in reads the published versions, as a page or a file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.periods import quarter_label

from ..deadlines import synthesis_deadline
from ..forms import PublishForm
from ..models import PlanSynthesis
from ..printing import printable
from ..render import FORMATS, render_file
from ..services import synthesis as service
from ..services.transitions import plan_of
from .common import is_staff, quarter_or_404, require_staff


def _chosen(request, quarter: str):
    """(document, version or None): ``?lan=N`` a published version, ``?lan=nhap`` the draft (staff);
    by default the newest published version, or the draft for staff when none is published."""
    plan = plan_of(quarter)
    if plan is None:
        raise Http404(f"Chưa có kế hoạch hoạt động năm {quarter[:4]}.")
    wanted = request.GET.get("lan", "")
    staff = is_staff(request.user)
    if wanted == "nhap" and staff:
        return plan, service.compose_document(plan, quarter), None
    versions = PlanSynthesis.objects.filter(quarter=quarter)
    chosen = versions.filter(version=int(wanted)).first() if wanted.isdigit() else versions.order_by("-version").first()
    if chosen is not None:
        return plan, chosen.document, chosen
    if wanted and wanted != "nhap":
        raise Http404("Không có lần phát hành này.")
    if staff:
        return plan, service.compose_document(plan, quarter), None
    return plan, None, None


@login_required
def synthesis(request, quarter):
    quarter = quarter_or_404(quarter)
    plan, document, version = _chosen(request, quarter)
    return render(
        request,
        "plans/synthesis_detail.html",
        {
            "plan": plan,
            "quarter": quarter,
            "doc": printable(document) if document else None,
            "version": version,
            "versions": PlanSynthesis.objects.filter(quarter=quarter).order_by("-version"),
            "is_staff": is_staff(request.user),
            "form": PublishForm(initial={"number": version.number if version else ""}),
            "deadline": synthesis_deadline(quarter),
            "lan": request.GET.get("lan", ""),
        },
    )


@login_required
def synthesis_download(request, quarter, fmt):
    quarter = quarter_or_404(quarter)
    plan, document, version = _chosen(request, quarter)
    if document is None:
        raise Http404("Báo cáo tổng hợp quý này chưa được phát hành.")
    name = f"bao-cao-tong-hop-ke-hoach-{quarter}" + (f"-lan-{version.version}" if version else "-ban-nhap")
    if fmt not in FORMATS:
        raise Http404("Định dạng này chưa được hỗ trợ.")
    content = render_file(document, fmt, version_id=version.pk if version else None)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def synthesis_publish(request, quarter):
    require_staff(request.user)
    quarter = quarter_or_404(quarter)
    plan = plan_of(quarter)
    if plan is None:
        raise Http404(f"Chưa có kế hoạch hoạt động năm {quarter[:4]}.")
    form = PublishForm(request.POST)
    form.is_valid()
    published = service.publish(plan, quarter, user=request.user, number=form.cleaned_data.get("number", ""))
    messages.success(
        request, f"Đã phát hành báo cáo tổng hợp {quarter_label(quarter)} (lần {published.version})."
    )
    return redirect(reverse("plans:synthesis", args=[quarter]) + f"?lan={published.version}")
