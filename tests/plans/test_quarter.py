"""A quarter end to end on frozen dates: two agencies report through the page, one of them late; staff
approve one and return the other; the synthesis counts them right and its tables equal the stored data
cell by cell; publishing freezes it; the overdue list follows the frozen date."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from indicators.models import DataValue
from indicators.services import ValueInput, record_values
from plans.models import PlanSynthesis, QuarterReport, TaskProgress
from plans.printing import printable
from plans.render import render_html
from plans.services import synthesis
from plans.services.transitions import plan_of

from .conftest import task, token_client

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(day, hour=10):
    return time_machine.travel(datetime.datetime(2023, 9, day, hour, tzinfo=TZ), tick=False)


def fill(client, unit, tasks, action="save", files=None):
    data = {"action": action}
    for ref, (state, percent, done, issues) in tasks.items():
        pk = task(ref).pk
        data |= {f"t{pk}-state": state, f"t{pk}-percent": percent, f"t{pk}-done": done, f"t{pk}-issues": issues}
    for ref, upload in (files or {}).items():
        data[f"t{task(ref).pk}-files"] = upload
    return client.post(f"/ke-hoach/bao-cao/{unit}/2023-Q3/", data)


VP = {
    "IV.2.1": ("done", "100", "Tỷ lệ báo cáo trực tuyến đạt 56%.", ""),
    "IV.2.2": ("blocked", "70", "Số hóa 70% hồ sơ; DVCTT phát sinh hồ sơ 82%.", "Thiếu máy quét ở cấp xã; đề xuất bố trí kinh phí."),
}
YT = {
    "IV.4.1": ("in_progress", "65", "Hồ sơ sức khỏe điện tử tại 9 bệnh viện.", ""),
    "IV.4.2": ("in_progress", "50", "Thanh toán không dùng tiền mặt tại 20 cơ sở.", ""),
    "IV.4.3": ("not_started", "0", "", "Chờ hướng dẫn của Bộ Y tế."),
    "IV.4.4": ("in_progress", "70", "Nền tảng tiêm chủng tại mọi trạm.", ""),
    "IV.4.5": ("in_progress", "38", "38% người dân có hồ sơ sức khỏe điện tử.", ""),
}


@pytest.fixture
def quarter(client, plan_personas, settings, tmp_path, django_capture_on_commit_callbacks):
    """Văn phòng UBND tỉnh reports on 15/09 (on time), Sở Y tế on 21/09 (late: the last day is 19/09);
    on 22/09 staff approve the first and return the second. A province value of CQS-DVC-FILED (June)."""
    settings.MEDIA_ROOT = tmp_path
    staff, owner, other = plan_personas["staff"], plan_personas["owner"], plan_personas["other"]
    with django_capture_on_commit_callbacks(execute=True):
        record_values([ValueInput("CQS-DVC-FILED", "BP", "2023-06", Decimal("82.5"))], user=staff, source="form")
    with at(12):
        client.force_login(owner)
        response = fill(client, "VPUBND", VP, files={"IV.2.1": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n")})
        assert response.status_code == 302
    with at(15):
        client.force_login(owner)  # a session lasts a working day
        response = fill(client, "VPUBND", VP, action="submit")
        assert response.url == "/ke-hoach/bao-cao/VPUBND/2023-Q3/"
    with at(21):
        client.force_login(other)
        assert fill(client, "SYT", YT, action="submit").url == "/ke-hoach/bao-cao/SYT/2023-Q3/"
    with at(22):
        client.force_login(staff)
        assert client.post("/ke-hoach/duyet/VPUBND/2023-Q3/approve/").status_code == 302
        client.post("/ke-hoach/duyet/SYT/2023-Q3/return/", {"comment": "Bổ sung số liệu khám chữa bệnh từ xa"})
    return plan_personas


def test_the_reports_end_in_the_states_staff_gave_them(quarter):
    vp, yt = QuarterReport.objects.get(unit__code="VPUBND"), QuarterReport.objects.get(unit__code="SYT")
    assert (vp.state, vp.is_late, vp.decided_by.username) == ("approved", False, "staff")
    assert (yt.state, yt.is_late, yt.comment) == ("returned", True, "Bổ sung số liệu khám chữa bệnh từ xa")
    assert TaskProgress.objects.get(task=task("IV.2.1")).evidence.get().filename == "bien-ban.pdf"


def test_the_synthesis_counts_them_right(quarter):
    with at(22, 15):
        doc = synthesis.compose_document(plan_of("2023-Q3"), "2023-Q3")
    assert doc["counts"]["units"] == {"on_time": 1, "late": 1, "waiting": 0, "missing": 13, "total": 15}
    assert doc["counts"]["tasks"] == {
        "not_started": 0, "in_progress": 0, "done": 1, "blocked": 1, "none": 42, "overdue": 1, "total": 44,
    }
    assert doc["opening"] == (
        "Trong quý III/2023, 1/15 cơ quan đã báo cáo đúng hạn, 1 cơ quan báo cáo trễ hạn, 13 cơ quan chưa gửi "
        "báo cáo; 0/44 nhiệm vụ được phân công đang triển khai, 1 hoàn thành, 1 gặp vướng mắc, 42 chưa có báo "
        "cáo được duyệt; 1 nhiệm vụ chậm so với kế hoạch (đã quá thời hạn mà chưa hoàn thành). Về hoạt động "
        "của Ban Chỉ đạo, 0/6 hoạt động đã hoàn thành, 0 đang triển khai."
    )


def _table(doc, key):
    for part in doc["parts"]:
        for section in part["sections"]:
            for block in section["blocks"]:
                if block.get("key") == key:
                    return block
    raise KeyError(key)


def test_the_report_tables_equal_the_stored_data_cell_by_cell(quarter):
    with at(22, 15):
        doc = synthesis.compose_document(plan_of("2023-Q3"), "2023-Q3")
    reports = {r["key"]: r["cells"] for r in _table(doc, "reports")["rows"]}
    assert reports["VPUBND"] == ["2", "Văn phòng UBND tỉnh", "2", "2", "Đã duyệt", "15/09/2023", "Đúng hạn"]
    assert reports["SYT"] == ["4", "Sở Y tế", "5", "5", "Bị trả lại", "21/09/2023", "Trễ hạn"]
    assert reports["CAT"] == ["3", "Công an tỉnh", "4", "0", "Chưa có báo cáo", "–", "Quá hạn, chưa gửi"]

    # Each approved task row, cell by cell against the stored report.
    rows = {r["key"]: r["cells"] for r in _table(doc, "tasks-VPUBND")["rows"]}
    assert list(rows) == ["IV.2.2", "IV.2.1"]  # the overdue and blocked task first
    for ref in rows:
        t, p = task(ref), TaskProgress.objects.get(task__ref=ref, quarter="2023-Q3")
        state = p.get_state_display() + ("; quá hạn" if ref == "IV.2.2" else "")
        expected_due = t.due.strftime("%d/%m/%Y") if t.due else "–"
        assert rows[ref][:8] == [t.ref, t.title, expected_due, state, f"{p.percent}%", p.done, p.issues or "–",
                                 rows[ref][7]]
    # The status engine's own judgement: June's 82,5% against "90% before 09/2023" is still in progress.
    assert rows["IV.2.2"][7] == (
        "CQS-DVC-FILED: 82,5% (tháng 6/2023, đang thực hiện); CQS-FILE-ONLINE: chưa có số liệu; "
        "CQS-DIGITIZE: chưa có số liệu"
    )
    assert DataValue.objects.get(indicator__code="CQS-DVC-FILED", unit__code="BP").status.status == "in_progress"
    # The returned report of Sở Y tế is not the Ban Chỉ đạo's to read yet.
    assert {r["cells"][3] for r in _table(doc, "tasks-SYT")["rows"]} == {"Chưa có báo cáo được duyệt"}
    late = {r["key"]: r["cells"] for r in _table(doc, "late")["rows"]}
    assert list(late) == ["IV.2.2"]
    counts = {r["key"]: r["cells"] for r in _table(doc, "counts")["rows"]}
    assert counts["VPUBND"] == ["Văn phòng UBND tỉnh", "2", "1", "0", "1", "0", "0", "1"]
    assert counts["total"] == ["Tổng cộng", "44", "1", "0", "1", "0", "42", "1"]


def test_publishing_freezes_the_synthesis(quarter, client):
    staff, owner = quarter["staff"], quarter["owner"]
    with at(23):
        published = synthesis.publish(plan_of("2023-Q3"), "2023-Q3", user=staff, number="215/BC-STTTT")
        html = render_html(published.document)
    assert "Số: 215/BC-STTTT" in html and "Bình Phước, ngày 23 tháng 9 năm 2023" in html
    assert "1/15 cơ quan đã báo cáo đúng hạn" in html
    # Later: staff return the approved report, the agency marks IV.2.2 done and it is approved again.
    with at(26):
        client.force_login(staff)
        client.post("/ke-hoach/duyet/VPUBND/2023-Q3/return/", {"comment": "Cập nhật kết quả số hóa"})
        client.force_login(owner)
        fill(client, "VPUBND", {**VP, "IV.2.2": ("done", "100", "Hoàn thành số hóa.", "")}, action="submit")
        client.force_login(staff)
        client.post("/ke-hoach/duyet/VPUBND/2023-Q3/approve/")
        draft = synthesis.compose_document(plan_of("2023-Q3"), "2023-Q3")
    assert draft["counts"]["tasks"]["done"] == 2
    frozen = PlanSynthesis.objects.get(pk=published.pk)
    assert frozen.document["counts"]["tasks"]["done"] == 1
    client.force_login(quarter["viewer"])
    page = client.get("/ke-hoach/tong-hop/2023-Q3/").content.decode()
    assert "0/44 nhiệm vụ được phân công đang triển khai, 1 hoàn thành, 1 gặp vướng mắc" in page
    download = client.get("/ke-hoach/tong-hop/2023-Q3/tai-ve.html")
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao-tong-hop-ke-hoach-2023-Q3-lan-1.html"'
    assert download.content.decode() == html


def test_the_overdue_list_follows_the_frozen_date(quarter):
    api = token_client(quarter["viewer"])
    with at(22):
        assert [i["unit"] for i in api.get("/api/v1/plan-tasks/?overdue=1").json()["results"]] == ["VPUBND"]
    with time_machine.travel(datetime.datetime(2023, 8, 31, 23, 30, tzinfo=TZ), tick=False):
        assert api.get("/api/v1/plan-tasks/?overdue=1").json()["results"] == []  # the due day itself
    with time_machine.travel(datetime.datetime(2023, 9, 1, 0, 30, tzinfo=TZ), tick=False):
        assert api.get("/api/v1/plan-tasks/?overdue=1").json()["count"] == 1


def test_the_document_is_in_the_shared_renderers_shape(quarter):
    """The shape of core.documents (docs/decisions/0006): front matter, parts, blocks section | paragraph |
    table, tables with columns, header rows and body rows of cells."""
    with at(22, 15):
        doc = printable(synthesis.compose_document(plan_of("2023-Q3"), "2023-Q3"))
    assert {"name", "header", "title", "edition", "subtitle", "meta", "opening", "parts", "closing", "signature"} <= set(doc)
    assert doc["meta"] == ["Số: …/BC-STTTT", "Bình Phước, ngày 22 tháng 9 năm 2023", ""]
    assert [p["title"] for p in doc["parts"]] == [
        "1. TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN",
        "2. NHIỆM VỤ QUÁ HẠN HOẶC GẶP VƯỚNG MẮC",
        "3. KẾT QUẢ THỰC HIỆN NHIỆM VỤ ĐƯỢC PHÂN CÔNG",
        "4. HOẠT ĐỘNG CỦA BAN CHỈ ĐẠO",
    ]
    sections = [s for p in doc["parts"] for s in p["blocks"]]
    assert {s["type"] for s in sections} == {"section"}
    assert sections[0]["title"] == "1.1. Các cơ quan gửi báo cáo (hạn gửi: trước ngày 20/09/2023)"
    assert [s["title"] for s in doc["parts"][2]["blocks"]][:3] == [
        "3.1. Sở Thông tin và Truyền thông", "3.2. Văn phòng UBND tỉnh", "3.3. Công an tỉnh"]
    for s in sections:
        for b in s["blocks"]:
            assert b["type"] in ("paragraph", "table")
            if b["type"] == "table":
                assert len(b["header"][0]) == len(b["columns"]) == len(b["align"])
                assert all(len(r["cells"]) == len(b["columns"]) for r in b["rows"])


def test_the_published_synthesis_renders_as_docx_and_pdf_with_the_same_tables(quarter, client, tmp_path):
    with at(23):
        published = synthesis.publish(plan_of("2023-Q3"), "2023-Q3", user=quarter["staff"], number="215/BC-STTTT")
    client.force_login(quarter["viewer"])
    docx = client.get("/ke-hoach/tong-hop/2023-Q3/tai-ve.docx")
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(docx.content))
    assert published.document["opening"] in [p.text for p in document.paragraphs]
    # The Văn phòng UBND tỉnh table of the DOCX, cell by cell, is the frozen document's.
    frozen = {r["key"]: r["cells"] for r in _table(published.document, "tasks-VPUBND")["rows"]}
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    vp = next(t for t in tables if len(t) > 2 and t[1][0] == "IV.2.2" and t[2][0] == "IV.2.1")
    assert vp[1:] == [frozen["IV.2.2"], frozen["IV.2.1"]]

    pdf = client.get("/ke-hoach/tong-hop/2023-Q3/tai-ve.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    (tmp_path / "s.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "Số: 215/BC-STTTT" in flat and "1/15 cơ quan đã báo cáo đúng hạn" in flat
    assert "3.2. Văn phòng UBND tỉnh" in flat
