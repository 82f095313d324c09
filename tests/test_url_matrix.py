"""Every URL pattern × every persona: the status each one gets.

The test walks the URL resolver, so a new URL without an expectation here fails the suite. The Django
admin is checked through its index and one changelist per model instead of every admin route.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image
from rest_framework.authtoken.models import Token

from entry.models import EvidenceFile
from imports.services import import_file
from indicators.models import DTIPillar, DTIScore, Indicator
from indicators.services import ValueInput, record_values
from reports.images import store_image
from reports.models import ReportFile
from reports.services import create_report, publish_report
from tests.imports.xlsx_builders import build_xlsx
from tests.plans.test_persona_matrix import EXPECTED as PLAN_EXPECTED

PERSONAS = ("staff", "reporter", "outsider", "viewer", "anonymous")

# name → (path, method, {persona: status}). A tuple of five statuses is in PERSONAS order.
# 302 for anonymous pages = sent to the login page; 401 for anonymous API calls.
EXPECTED = {
    "home": ("/", "GET", (200, 200, 200, 200, 302)),
    "healthz": ("/healthz", "GET", (200, 200, 200, 200, 200)),
    "login": ("/accounts/login/", "GET", (200, 200, 200, 200, 200)),
    "logout": ("/accounts/logout/", "POST", (302, 302, 302, 302, 302)),
    "password_change": ("/accounts/mat-khau/", "GET", (200, 200, 200, 200, 302)),
    "password_change_done": ("/accounts/mat-khau/da-doi/", "GET", (200, 200, 200, 200, 302)),
    "dashboards:indicator_detail": ("/indicators/DVC-SVC-RATE/", "GET", (200, 200, 200, 200, 302)),
    "dashboards:indicator_download": (
        "/indicators/DVC-SVC-RATE/tai-ve.csv",
        "GET",
        (200, 200, 200, 200, 302),
    ),
    "dashboards:unit_detail": ("/units/DONGXOAI/", "GET", (200, 200, 200, 200, 302)),
    "dashboards:group_ranking": ("/rankings/DVC/", "GET", (200, 200, 200, 200, 302)),
    "dashboards:dti_latest": ("/dti/", "GET", (200, 200, 200, 200, 302)),
    "dashboards:dti_ranking": ("/dti/2023/", "GET", (200, 200, 200, 200, 302)),
    "imports:upload": ("/nhap-lieu/", "GET", (200, 200, 200, 403, 302)),
    # A viewer uploads nothing, so its history is an empty list.
    "imports:history": ("/nhap-lieu/lich-su/", "GET", (200, 200, 200, 200, 302)),
    "imports:entry_template": (
        "/nhap-lieu/mau-nhap-lieu/?unit=DONGXOAI&period=2023-09",
        "GET",
        (200, 200, 403, 403, 302),
    ),
    # Another user's batch does not exist for you (404), whoever you are, except for staff.
    "imports:batch_detail": ("/nhap-lieu/lo/{batch}/", "GET", (200, 200, 404, 404, 302)),
    "imports:batch_status": ("/nhap-lieu/lo/{batch}/trang-thai/", "GET", (200, 200, 404, 404, 302)),
    "imports:batch_update": ("/nhap-lieu/lo/{batch}/sua/", "POST", (302, 302, 404, 404, 302)),
    "imports:batch_commit": ("/nhap-lieu/lo/{batch}/xac-nhan/", "POST", (302, 302, 404, 404, 302)),
    "imports:batch_undo": ("/nhap-lieu/lo/{batch}/hoan-tac/", "POST", (302, 302, 404, 404, 302)),
    "entry:home": ("/nhap-so-lieu/", "GET", (200, 200, 200, 403, 302)),
    "entry:review_list": ("/nhap-so-lieu/duyet/", "GET", (200, 403, 403, 403, 302)),
    "entry:review_period": ("/nhap-so-lieu/duyet/2023-09/", "GET", (200, 403, 403, 403, 302)),
    "entry:review_detail": ("/nhap-so-lieu/duyet/DONGXOAI/2023-09/", "GET", (200, 403, 403, 403, 302)),
    "entry:decide": ("/nhap-so-lieu/duyet/DONGXOAI/2023-09/approve/", "POST", (302, 403, 403, 403, 302)),
    "entry:table_form": ("/nhap-so-lieu/bang/DVC/2023-09/", "GET", (200, 403, 403, 403, 302)),
    "entry:value_history": (
        "/nhap-so-lieu/lich-su/DVC-SVC-RATE/DONGXOAI/2023-09/",
        "GET",
        (200, 200, 404, 404, 302),
    ),
    "entry:evidence_download": ("/nhap-so-lieu/minh-chung/{evidence}/", "GET", (200, 200, 404, 404, 302)),
    "entry:unit_form": ("/nhap-so-lieu/DONGXOAI/2023-09/", "GET", (200, 200, 403, 403, 302)),
    "entry:upload_evidence": (
        "/nhap-so-lieu/DONGXOAI/2023-09/minh-chung/DVC-SVC-RATE/",
        "POST",
        (302, 302, 403, 403, 302),
    ),
    "reports:report_list": ("/bao-cao/", "GET", (200, 200, 200, 200, 302)),
    "reports:report_create": ("/bao-cao/tao/", "POST", (302, 403, 403, 403, 302)),
    "reports:image_upload": ("/bao-cao/anh/", "POST", (400, 403, 403, 403, 302)),
    "reports:report_detail": ("/bao-cao/2023-08/", "GET", (200, 200, 200, 200, 302)),
    "reports:report_edit": ("/bao-cao/2023-08/sua/", "GET", (200, 403, 403, 403, 302)),
    "reports:report_publish": ("/bao-cao/2023-08/phat-hanh/", "POST", (302, 403, 403, 403, 302)),
    "reports:file_request": ("/bao-cao/2023-08/tep/", "POST", (302, 403, 403, 403, 302)),
    "reports:file_status": ("/bao-cao/2023-08/tep/{file}/", "GET", (200, 200, 200, 200, 302)),
    "reports:file_download": ("/bao-cao/2023-08/tep/{file}/tai-ve/", "GET", (200, 200, 200, 200, 302)),
    "report_image": ("/media/reports/images/{image}", "GET", (200, 200, 200, 200, 302)),
    "api:unit-list": ("/api/v1/units/", "GET", (200, 200, 200, 200, 401)),
    "api:unit-detail": ("/api/v1/units/DONGXOAI/", "GET", (200, 200, 200, 200, 401)),
    "api:submission-list": ("/api/v1/submissions/?period=2023-09", "GET", (200, 200, 200, 200, 401)),
    "api:submission-submit": (
        "/api/v1/submissions/DONGXOAI/2023-09/submit/",
        "POST",
        # 409: Đồng Xoài's September draft is not complete (every monthly indicator needs a value).
        (409, 409, 403, 403, 401),
    ),
    "api:submission-approve": (
        "/api/v1/submissions/DONGXOAI/2023-09/approve/",
        "POST",
        (409, 403, 403, 403, 401),
    ),
    "api:submission-return": (
        "/api/v1/submissions/DONGXOAI/2023-09/return/",
        "POST",
        (400, 403, 403, 403, 401),
    ),
    "api:submission-unlock": (
        "/api/v1/submissions/DONGXOAI/2023-09/unlock/",
        "POST",
        (400, 403, 403, 403, 401),
    ),
    "api:value-history": (
        "/api/v1/values/DVC-SVC-RATE/DONGXOAI/2023-09/history/",
        "GET",
        (200, 200, 404, 404, 401),
    ),
    "api:indicator-list": ("/api/v1/indicators/", "GET", (200, 200, 200, 200, 401)),
    "api:indicator-detail": ("/api/v1/indicators/DVC-SVC-RATE/", "GET", (200, 200, 200, 200, 401)),
    "api:indicator-series": ("/api/v1/indicators/DVC-SVC-RATE/series/", "GET", (200, 200, 200, 200, 401)),
    "api:target-list": ("/api/v1/targets/", "GET", (200, 200, 200, 200, 401)),
    "api:value-list": ("/api/v1/values/", "GET", (200, 200, 200, 200, 401)),
    "api:value-detail": ("/api/v1/values/DVC-SVC-RATE/DONGXOAI/2023-09/", "GET", (200, 200, 404, 404, 401)),
    "api:aggregate-list": ("/api/v1/aggregates/", "GET", (200, 200, 200, 200, 401)),
    "api:completeness": ("/api/v1/completeness/?period=2023-08", "GET", (200, 200, 200, 200, 401)),
    "api:dti": ("/api/v1/dti/?year=2023", "GET", (200, 200, 200, 200, 401)),
    "api:import-create": ("/api/v1/imports/", "POST", (400, 400, 400, 403, 401)),
    # The reporter's batch is a preview: nothing to undo (409); another reporter does not see it.
    "api:import-undo": ("/api/v1/imports/{batch}/undo/", "POST", (409, 409, 404, 403, 401)),
    "api:report-list": ("/api/v1/reports/", "GET", (200, 200, 200, 200, 401)),
    "api:schema": ("/api/v1/schema/", "GET", (200, 200, 200, 200, 200)),
    "api:docs": ("/api/v1/docs/", "GET", (200, 200, 200, 200, 200)),
    "api:": ("/api/v1/khong-co/", "GET", (404, 404, 404, 404, 404)),
}

ADMIN = [
    "/admin/",
    "/admin/units/unit/",
    "/admin/indicators/indicator/",
    "/admin/indicators/target/",
    "/admin/indicators/datavalue/",
    "/admin/indicators/auditentry/",
    "/admin/indicators/valuechange/",
    "/admin/indicators/dtipillar/",
    "/admin/indicators/dtiscore/",
    "/admin/reports/report/",
]


def url_names():
    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                yield from walk(p.url_patterns, ns + (p.namespace + ":" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                yield ns + (p.name or "")

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_has_an_expectation_for_every_persona():
    # The plan's routes have their own matrix with the plan's personas (tests/plans/test_persona_matrix.py).
    assert sorted(EXPECTED | PLAN_EXPECTED) == url_names()


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def world(personas, settings, tmp_path, django_capture_on_commit_callbacks):
    """Published August values, Đồng Xoài's September draft with evidence, a reporter's import batch,
    the published August report with a file, an editorial image and DTI scores."""
    settings.MEDIA_ROOT = tmp_path
    staff, reporter = personas["staff"], personas["reporter"]
    with django_capture_on_commit_callbacks(execute=True):
        record_values(
            [ValueInput("DVC-SVC-RATE", u, "2023-08", Decimal("95")) for u in ("DONGXOAI", "BUDOP")],
            user=staff,
            source="form",
        )
        record_values(
            [ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-09", Decimal("97"))], user=reporter, source="form"
        )
        report = create_report("2023-08", user=staff)
        publish_report(report, user=staff)
    evidence = EvidenceFile(
        indicator=Indicator.objects.get(code="DVC-SVC-RATE"),
        unit=reporter.units.get(),
        period="2023-09",
        filename="a.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=reporter,
    )
    evidence.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    image = store_image(SimpleUploadedFile("hinh.png", _png(), "image/png"), user=staff)
    pillar = DTIPillar.objects.get(level="district", code="NHAN-THUC")
    DTIScore.objects.create(unit=reporter.units.get(), year=2023, pillar=pillar, score=Decimal("50"))
    workbook = build_xlsx(
        {
            "so-lieu": [
                ["indicator", "unit", "period", "value", "note"],
                ["DVC-SVC-RATE", "DONGXOAI", "2023-10", 91, ""],
            ]
        }
    )
    batch = import_file(workbook, user=reporter, commit=False, filename="dx.xlsx").batch
    rf = ReportFile.objects.filter(report=report, state="done").first()
    return {"batch": batch.pk, "evidence": evidence.key, "file": rf.pk, "image": image.image.name.rsplit("/", 1)[1]}


def _request(client, persona_user, method, path):
    client.logout()
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    if persona_user is not None:
        if path.startswith("/api/"):
            client.defaults["HTTP_AUTHORIZATION"] = (
                "Token " + Token.objects.get_or_create(user=persona_user)[0].key
            )
        else:
            client.force_login(persona_user)
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/") and path != "/api/v1/imports/":  # the upload is multipart
        return client.post(path, {}, content_type="application/json")
    return client.post(path, {})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_persona_gets_the_expected_status(client, personas, world, name):
    template, method, statuses = EXPECTED[name]
    path = template.format(**world)
    got = {}
    for persona in PERSONAS:
        response = _request(client, personas.get(persona), method, path)
        got[persona] = response.status_code
    assert got == dict(zip(PERSONAS, statuses, strict=True)), f"{method} {path}"


@pytest.mark.parametrize("path", ADMIN)
def test_the_admin_is_for_staff_only(client, personas, path):
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(personas[persona])
        status = client.get(path).status_code
        assert status == (200 if persona == "staff" else 302), (persona, path)
