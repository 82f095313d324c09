"""Importing a later year's plan (staff): upload a CSV or XLSX with the columns of
fixtures/plan_tasks.csv, see every problem (file, line, field) or a preview of what changes, confirm.

Between the preview and the confirmation the file waits in the user's session; the confirmation
validates it again against the catalogue as it is then, and writes in one transaction.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core.uploads import upload_name

from .. import catalogue
from ..forms import PlanImportForm
from .common import require_staff

SESSION_KEY = "plans.import"
MAX_BYTES = 2 * 1024 * 1024


def _parse(data: bytes, name: str):
    try:
        return catalogue.read_plan_upload(data, name), []
    except catalogue.PlanFileError as exc:
        return None, exc.errors


@login_required
def plan_import(request):
    require_staff(request.user)
    context = {"form": PlanImportForm(), "columns": catalogue.COLUMNS}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        held = request.session.get(SESSION_KEY)
        if not held:
            messages.error(request, "Không còn tệp chờ xác nhận; hãy tải tệp lên lại.")
            return redirect("plans:plan_import")
        parsed, errors = _parse(base64.b64decode(held["data"]), held["name"])
        if errors:
            context.update(errors=errors, name=held["name"])
            return render(request, "plans/plan_import.html", context)
        result = catalogue.write(parsed)
        del request.session[SESSION_KEY]
        counts = result.counts["plan_tasks"]
        messages.success(
            request,
            f"Đã nhập {held['name']}: {counts.created} nhiệm vụ mới, {counts.changed} nhiệm vụ thay đổi, "
            f"{counts.unchanged} không đổi.",
        )
        return redirect("plans:dashboard", year=parsed.years[0])
    if request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "plans/plan_import.html", context)
        upload = form.cleaned_data["file"]
        name = upload_name(upload)
        if upload.size > MAX_BYTES:
            context.update(errors=[f"{name}: tệp quá lớn (tối đa 2 MB cho một kế hoạch)"], name=name)
            return render(request, "plans/plan_import.html", context)
        data = upload.read()
        parsed, errors = _parse(data, name)
        if errors:
            context.update(errors=errors, name=name)
            return render(request, "plans/plan_import.html", context)
        request.session[SESSION_KEY] = {"name": name, "data": base64.b64encode(data).decode()}
        context.update(name=name, parsed=parsed, preview=catalogue.preview(parsed))
    return render(request, "plans/plan_import.html", context)
