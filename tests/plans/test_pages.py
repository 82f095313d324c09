"""The plan's pages: what each shows, the form's messages next to the task they concern, evidence checks,
locks, filters, the overview's line and the admin, with the exact Vietnamese text users see."""

import datetime
import html

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import ProgressEvidence, QuarterReport, TaskProgress
from plans.services.transitions import approve, submit

from .conftest import report_all, task

FORM = "/ke-hoach/bao-cao/VPUBND/2023-Q3/"


def text(response) -> str:
    """The page with its whitespace collapsed and its entities read (&quot; → ")."""
    return html.unescape(" ".join(response.content.decode().split()))


def fields(ref, state, percent, done="", issues=""):
    pk = task(ref).pk
    return {f"t{pk}-state": state, f"t{pk}-percent": percent, f"t{pk}-done": done, f"t{pk}-issues": issues}


def test_a_wrong_row_is_named_beside_its_task_and_nothing_is_saved(client, owner, frozen):
    client.force_login(owner)
    response = client.post(
        FORM, {"action": "save", **fields("IV.2.1", "done", "100", "Xong"), **fields("IV.2.2", "done", "70")}
    )
    assert response.status_code == 200  # the page again, with the problems
    page = text(response)
    assert "Chưa lưu được: hãy sửa các lỗi ghi ở từng nhiệm vụ bên dưới." in page
    assert (
        '<span class="field-error" id="err-t{}-percent" data-field="percent">Nhiệm vụ đã hoàn thành thì tỷ lệ hoàn '
        "thành phải là 100%, không phải 70%.</span>".format(task("IV.2.2").pk) in page
    )
    assert f'name="t{task("IV.2.1").pk}-done" rows="3">Xong</textarea>' in page  # what was typed is kept
    assert not TaskProgress.objects.exists()


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(client, owner, frozen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    data = {"action": "save", **fields("IV.2.1", "in_progress", "30"),
            f"t{task('IV.2.1').pk}-files": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf")}
    response = client.post(FORM, data)
    assert response.status_code == 200  # the page again, with the problems
    assert 'Tệp "bao-cao.pdf" không phải PDF, PNG hay JPEG; chỉ nhận minh chứng dạng PDF hoặc ảnh.' in text(response)
    assert not TaskProgress.objects.exists() and not ProgressEvidence.objects.exists()
    settings.EVIDENCE_MAX_MB = 1
    data[f"t{task('IV.2.1').pk}-files"] = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 10))
    assert 'Tệp "anh.png" quá lớn (1,0 MB); tối đa 1 MB.' in text(client.post(FORM, data))


def test_evidence_is_attached_downloaded_and_removed_while_the_report_is_a_draft(client, owner, other, frozen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    client.post(FORM, {"action": "save", **fields("IV.2.1", "in_progress", "30"),
                       f"t{task('IV.2.1').pk}-files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"),
                                                        SimpleUploadedFile("b.jpg", b"\xff\xd8\xff\xe0 b")]})
    a, b = ProgressEvidence.objects.order_by("filename")
    assert (a.filename, a.content_type, b.filename, b.content_type) == ("a.pdf", "application/pdf", "b.jpg", "image/jpeg")
    download = client.get(f"/ke-hoach/minh-chung/{a.key}/")
    assert (download["Content-Type"], b"".join(download.streaming_content)) == ("application/pdf", b"%PDF-1.4 a")
    client.force_login(other)
    assert client.get(f"/ke-hoach/minh-chung/{a.key}/").status_code == 404
    client.force_login(owner)
    client.post(f"/ke-hoach/minh-chung/{b.key}/xoa/")
    assert list(ProgressEvidence.objects.values_list("filename", flat=True)) == ["a.pdf"]
    report_all(owner, "VPUBND", "2023-Q3")
    submit(owner.units.get(), "2023-Q3", user=owner)
    response = client.post(f"/ke-hoach/minh-chung/{a.key}/xoa/", follow=True)
    assert "Báo cáo quý III/2023 của Văn phòng UBND tỉnh đã gửi duyệt; chờ Sở TT&TT duyệt hoặc trả lại để sửa." in text(response)
    assert ProgressEvidence.objects.count() == 1


def test_an_approved_report_is_shown_locked_without_inputs(client, owner, staff, frozen):
    report_all(owner, "VPUBND", "2023-Q3", state="done", percent=100)
    submit(owner.units.get(), "2023-Q3", user=owner)
    approve(owner.units.get(), "2023-Q3", user=staff)
    client.force_login(owner)
    page = text(client.get(FORM))
    assert ('id="locked-message">Báo cáo quý III/2023 của Văn phòng UBND tỉnh đã được duyệt và khóa; liên hệ '
            "Sở TT&TT nếu cần trả lại để sửa.</p>") in page
    assert "<select" not in page and 'id="save-draft"' not in page
    assert '<span class="muted">Kết quả:</span> Đã làm IV.2.1</p>' in page


def test_the_form_shows_last_quarters_report(client, owner, staff):
    with time_machine.travel(datetime.date(2023, 6, 10)):
        report_all(owner, "VPUBND", "2023-Q2", percent=40, done="Quý II: kết nối 20 sở")
        submit(owner.units.get(), "2023-Q2", user=owner)
        approve(owner.units.get(), "2023-Q2", user=staff)
    with time_machine.travel(datetime.date(2023, 9, 10)):
        client.force_login(owner)
        page = text(client.get(FORM))
    assert 'id="previous-IV.2.1"> <p><strong>Quý II/2023</strong>:' in page
    assert "40% · <span class=\"badge report-approved\" data-state=\"approved\">Đã duyệt</span>" in page
    assert "Quý II: kết nối 20 sở" in page


def test_the_dashboard_filters_by_agency_state_and_pillar(client, owner, staff, viewer, frozen):
    report_all(owner, "VPUBND", "2023-Q3", state="blocked", percent=20)
    submit(owner.units.get(), "2023-Q3", user=owner)
    approve(owner.units.get(), "2023-Q3", user=staff)
    client.force_login(viewer)
    refs = lambda r: [row.task.ref for row in r.context["rows"]]  # noqa: E731
    assert refs(client.get("/ke-hoach/2023/?state=blocked")) == ["IV.2.2", "IV.2.1"]  # overdue first
    assert refs(client.get("/ke-hoach/2023/?unit=NHNN")) == ["IV.15.1", "IV.15.2", "IV.15.3"]
    assert len(refs(client.get("/ke-hoach/2023/?pillar=KTS"))) == 16
    assert refs(client.get("/ke-hoach/2023/?overdue=1")) == ["IV.2.2"]
    bad = text(client.get("/ke-hoach/2023/?pillar=XX"))
    assert 'Trụ cột "XX" không hợp lệ (cho phép: HTS, CQS, KTS, XHS).' in bad
    page = text(client.get("/ke-hoach/2023/"))
    assert ('id="plan-summary">44 nhiệm vụ được phân công: 2 gặp vướng mắc, 42 chưa có báo cáo được duyệt; '
            "1 quá hạn.</p>") in page


def test_the_dashboard_runs_a_fixed_number_of_queries(client, viewer, owner, frozen, django_assert_max_num_queries):
    report_all(owner, "VPUBND", "2023-Q3")
    client.force_login(viewer)
    with django_assert_max_num_queries(12):
        assert client.get("/ke-hoach/2023/").status_code == 200


def test_the_overview_has_a_line_on_the_plan(client, viewer, frozen):
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get("/"))
    assert (
        'id="line-plan"><a href="/ke-hoach/2023/">Kế hoạch hoạt động năm 2023 của Ban Chỉ đạo</a>: 44 nhiệm vụ '
        "được phân công: 44 chưa có báo cáo được duyệt; 1 quá hạn.</p>"
    ) in page
    assert sum("plans_plantask" in q["sql"] for q in queries.captured_queries) == 1


def test_a_task_page_shows_its_history_to_who_may_read_it(client, owner, viewer, frozen):
    report_all(owner, "VPUBND", "2023-Q3", percent=55, done="Đã kết nối 26 sở")
    client.force_login(owner)
    assert "Đã kết nối 26 sở" in text(client.get("/ke-hoach/2023/nhiem-vu/IV.2.1/"))
    client.force_login(viewer)
    page = text(client.get("/ke-hoach/2023/nhiem-vu/IV.2.1/"))
    assert "Đã kết nối 26 sở" not in page and "Chưa có báo cáo quý nào." in page
    assert "Triển khai hiệu quả hệ thống thông tin phục vụ chỉ đạo, điều hành" in page


def test_the_review_list_counts_on_time_late_and_missing(client, staff, owner, frozen):
    report_all(owner, "VPUBND", "2023-Q3")
    submit(owner.units.get(), "2023-Q3", user=owner)
    client.force_login(staff)
    page = text(client.get("/ke-hoach/duyet/2023-Q3/"))
    assert ('<li class="badge" data-timeliness="on_time">Đúng hạn: 1</li><li class="badge" '
            'data-timeliness="late">Trễ hạn: 0</li><li class="badge" data-timeliness="waiting">Chưa gửi: 14</li>'
            '<li class="badge" data-timeliness="missing">Quá hạn, chưa gửi: 0</li>') in page
    assert "hạn Sở TT&TT gửi báo cáo tổng hợp: hết ngày <strong>24/09/2023</strong>" in page


def test_a_return_without_a_comment_is_refused_on_the_page(client, staff, owner, frozen):
    report_all(owner, "VPUBND", "2023-Q3")
    submit(owner.units.get(), "2023-Q3", user=owner)
    client.force_login(staff)
    page = text(client.post("/ke-hoach/duyet/VPUBND/2023-Q3/return/", {"comment": " "}, follow=True))
    assert "Hãy ghi rõ lý do trả lại báo cáo." in page
    assert QuarterReport.objects.get().state == "submitted"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/admin/plans/plan/add/", ["Thêm kế hoạch hoạt động", "Tên kế hoạch", "Số hiệu", "Ngày ban hành", "Nhiệm vụ"]),
        ("/admin/plans/plantask/{pk}/change/", ["Thời hạn ghi trong nội dung", "truoc thang 9/2023 → 31/08/2023",
                                                "Cơ quan thực hiện", "Chỉ tiêu phục vụ"]),
    ],
)
def test_the_admin_speaks_vietnamese(client, staff, path, words):
    client.force_login(staff)
    page = text(client.get(path.format(pk=task("IV.2.2").pk)))
    for word in words:
        assert word in page


def test_a_reporter_without_tasks_is_told_so(client, reporter):
    client.force_login(reporter)  # Thành phố Đồng Xoài: no task in the plan
    assert "Đơn vị của bạn không có nhiệm vụ nào trong kế hoạch hoạt động của Ban Chỉ đạo." in text(
        client.get("/ke-hoach/bao-cao/"))
    assert client.get("/ke-hoach/bao-cao/DONGXOAI/2023-Q3/").status_code == 200  # its own, empty


def test_a_task_address_that_is_not_a_ref_is_a_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/ke-hoach/2023/nhiem-vu/IV.2.9/").status_code == 404
    assert client.get("/ke-hoach/2023/nhiem-vu/IV%002/").status_code == 404
    assert client.get("/ke-hoach/2023/nhiem-vu/IV.2.2/").status_code == 200
