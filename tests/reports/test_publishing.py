"""Publishing freezes the report; a new version lists what changed; editorial HTML is sanitised; files are
rendered by the task."""

import io
from decimal import Decimal

import pytest
from docx import Document

from indicators.services import ValueInput, record_values
from reports.models import Report, ReportFile, ReportSection
from reports.services import ReportError, document_for_period, publish_report

from .helpers import row, tables

pytestmark = pytest.mark.django_db


def correct(staff, capture, *rows):
    with capture(execute=True):
        record_values([ValueInput(*r) for r in rows], user=staff, source="form")


def test_a_published_report_is_unchanged_after_the_values_change_and_a_new_version_shows_the_difference(
    august_report, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        v1 = publish_report(august_report, user=staff)
    assert (v1.number, v1.changes) == (1, [])
    correct(
        staff, django_capture_on_commit_callbacks, ("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal("85"))
    )

    shown = document_for_period("2023-08")
    assert shown.version == v1
    assert row(tables(shown.document)["dvc"], "DONGXOAI")["cells"][5:7] == ["82,1%", "Giảm 11,2%"]

    with django_capture_on_commit_callbacks(execute=True):
        v2 = publish_report(Report.objects.get(pk=august_report.pk), user=staff, note="Đồng Xoài sửa số liệu")
    assert v2.number == 2
    where = "1. Dịch vụ công trực tuyến › Thành phố Đồng Xoài › Tỷ lệ hồ sơ xử lý trực tuyến (đến thời điểm báo cáo 30/9/2023) – "
    changes = {c["where"]: (c["before"], c["after"]) for c in v2.changes}
    assert changes[where + "Kết quả thực hiện của đơn vị"] == ("82,1%", "85%")
    assert changes[where + "So với báo cáo chuyên đề tháng 7/2023"] == ("Giảm 11,2%", "Giảm 8,3%")
    assert "1. Dịch vụ công trực tuyến › nhận xét" in changes
    assert row(tables(document_for_period("2023-08").document)["dvc"], "DONGXOAI")["cells"][5] == "85%"
    # Version 1 is still there as published.
    assert row(tables(v1.snapshot)["dvc"], "DONGXOAI")["cells"][5] == "82,1%"


def test_publishing_again_without_changes_is_refused(
    august_report, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_report(august_report, user=staff)
    with pytest.raises(ReportError, match="Không có thay đổi nào so với phiên bản đã phát hành."):
        publish_report(august_report, user=staff)


def test_publishing_renders_the_docx_and_pdf_through_the_task(
    august_report, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = publish_report(august_report, user=staff)
    files = {f.format: f for f in ReportFile.objects.filter(version=version)}
    assert {k: (f.state, f.progress) for k, f in files.items()} == {
        "docx": ("done", 100),
        "pdf": ("done", 100),
    }
    assert files["pdf"].file.name == "reports/2023-08/bao-cao-chuyen-de-2023-08-v1.pdf"
    with files["docx"].file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    assert any(t.cell(0, 2).text.startswith("Tỷ lệ DVCTT") for t in doc.tables)


def test_editorial_html_is_cleaned_of_scripts_handlers_and_javascript_links(august_report):
    section = ReportSection.objects.create(
        report=august_report,
        title="Góc chia sẻ",
        order=0,
        body=(
            '<h3 onmouseover="steal()">1. “90 NGÀY, ĐÊM” TĂNG TỐC</h3><script>alert("x")</script>'
            '<p onclick="x()">Tài khoản <strong>định danh</strong> <a href="javascript:alert(1)">xem</a> '
            '<a href="https://cds.binhphuoc.gov.vn">CĐS</a></p>'
            '<figure><img src="/media/reports/images/a.png" onerror="x()"><figcaption>Ảnh</figcaption></figure>'
            '<iframe src="https://evil.example"></iframe><style>p{}</style>'
        ),
    )
    section.refresh_from_db()
    assert section.body == (
        "<h3>1. “90 NGÀY, ĐÊM” TĂNG TỐC</h3>"
        '<p>Tài khoản <strong>định danh</strong> <a rel="noopener noreferrer">xem</a> '
        '<a href="https://cds.binhphuoc.gov.vn" rel="noopener noreferrer">CĐS</a></p>'
        '<figure><img src="/media/reports/images/a.png"><figcaption>Ảnh</figcaption></figure>'
    )


def test_a_new_report_starts_from_the_previous_ones_structure(august_report, staff):
    from reports.services import create_report

    ReportSection.objects.filter(report=august_report, kind="editorial").first().delete()
    august_report.sections.filter(kind="editorial").update(body="<p>x</p>")
    september = create_report("2023-09", user=staff)
    assert [(s.kind, s.title, s.body) for s in september.sections.all()] == [
        (s.kind, s.title, "") for s in august_report.sections.all()
    ]
    assert september.number == "09/BC-STTTT"
    assert str(september.data_date) == "2023-10-31"
    assert september.row_orders["dvc"][:3] == ["SGDDT", "SCT", "SGTVT"]


def test_the_staffs_narrative_edit_replaces_the_draft(august_report):
    august_report.narrative = {"dvc": "+ Các đơn vị duy trì tỷ lệ cao.\n+ Đồng Xoài cần cải thiện."}
    august_report.save()
    shown = document_for_period("2023-08").document
    block = next(
        b
        for p in shown["parts"]
        if p["kind"] == "data"
        for s in p["sections"]
        for b in s["blocks"]
        if b.get("key") == "dvc" and b["type"] == "narrative"
    )
    assert block["items"] == ["+ Các đơn vị duy trì tỷ lệ cao.", "+ Đồng Xoài cần cải thiện."]
    assert block["edited"] is True


def test_a_unit_month_under_revision_by_its_reporter_stays_out_of_the_report(
    august_report, reporter, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_values(
            [ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal("85"))], user=reporter, source="form"
        )
    shown = document_for_period("2023-08")
    # The reporter's edit reopened Đồng Xoài's August as a draft: none of its figures are official
    # until Sở TT&TT approves them, so the report shows none (not the draft's 85%).
    dongxoai = row(tables(shown.document)["dvc"], "DONGXOAI")["cells"]
    assert dongxoai[5:7] == ["–", "–"]
    assert "85%" not in dongxoai
