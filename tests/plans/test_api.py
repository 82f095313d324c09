"""The plan API as issue 18 specifies it: the task list and its filters, a task with its history, a
task's progress for a quarter, and the quarter report's submit / approve / return."""

import pytest

from plans.models import QuarterReport, TaskProgress

from .conftest import report_all, task

ITEM_KEYS = {"id", "year", "unit", "title", "text", "due", "indicators", "latest"}


def progress_url(ref):
    return f"/api/v1/plan-tasks/{task(ref).pk}/progress/"


def post(client, url, data):
    return client.post(url, data, format="json")


def test_the_list_gives_the_issues_fields_for_every_task_of_the_year(api_clients, frozen):
    body = api_clients["viewer"].get("/api/v1/plan-tasks/?year=2023&limit=100").json()
    assert body["count"] == 50
    assert all(set(item) == ITEM_KEYS for item in body["results"])
    vp = next(i for i in body["results"] if i["id"] == task("IV.2.2").pk)
    assert vp == {
        "id": task("IV.2.2").pk,
        "year": 2023,
        "unit": "VPUBND",
        "title": "Số hóa hồ sơ, kết quả giải quyết TTHC và chỉ tiêu dịch vụ công trực tuyến",
        "text": vp["text"],
        "due": "2023-08-31",
        "indicators": ["CQS-DVC-FILED", "CQS-FILE-ONLINE", "CQS-DIGITIZE"],
        "latest": None,
    }
    assert vp["text"].startswith("Chỉ đạo việc tổ chức triển khai số hóa hồ sơ")


def test_the_list_filters_by_unit_and_refuses_unknown_codes(api_clients, frozen):
    body = api_clients["staff"].get("/api/v1/plan-tasks/?year=2023&unit=VPUBND").json()
    assert [i["title"] for i in body["results"]] == [
        "Hệ thống thông tin chỉ đạo, điều hành và Hệ thống thông tin báo cáo",
        "Số hóa hồ sơ, kết quả giải quyết TTHC và chỉ tiêu dịch vụ công trực tuyến",
    ]
    response = api_clients["staff"].get("/api/v1/plan-tasks/?unit=KHONGCO")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "unit", "message": 'Không có đơn vị mã "KHONGCO".'}]


def test_a_bad_state_or_year_filter_is_a_400_naming_the_value(api_clients, frozen):
    response = api_clients["staff"].get("/api/v1/plan-tasks/?state=xong&year=abc")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "year", "message": "Năm phải là số (ví dụ 2023)."},
        {
            "field": "state",
            "message": 'Tình trạng "xong" không hợp lệ (cho phép: not_started, in_progress, done, blocked, none).',
        },
    ]


def test_overdue_lists_the_tasks_past_their_due_date_and_not_done(api_clients, frozen):
    body = api_clients["viewer"].get("/api/v1/plan-tasks/?year=2023&overdue=1").json()
    assert [(i["unit"], i["due"]) for i in body["results"]] == [("VPUBND", "2023-08-31")]
    assert api_clients["viewer"].get("/api/v1/plan-tasks/?year=2023&overdue=0").json()["count"] == 49


def test_a_reporter_of_the_unit_reports_progress_and_it_stays_a_draft_for_the_others(api_clients, frozen):
    response = post(
        api_clients["owner"],
        progress_url("IV.2.2"),
        {"quarter": "2023-Q3", "state": "in_progress", "percent": 40, "done": "Số hóa 70% hồ sơ", "issues": "Thiếu máy quét"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["quarter"], body["state"], body["percent"], body["approval"]) == ("2023-Q3", "in_progress", 40, "draft")
    assert (body["done"], body["issues"], body["author"]) == ("Số hóa 70% hồ sơ", "Thiếu máy quét", "vp-reporter")

    detail = api_clients["owner"].get(f"/api/v1/plan-tasks/{task('IV.2.2').pk}/").json()
    assert [(h["quarter"], h["percent"], h["approval"]) for h in detail["history"]] == [("2023-Q3", 40, "draft")]
    assert detail["latest"] is None and detail["overdue"] is True
    for persona in ("viewer", "other"):
        assert api_clients[persona].get(f"/api/v1/plan-tasks/{task('IV.2.2').pk}/").json()["history"] == []

    again = post(api_clients["staff"], progress_url("IV.2.2"), {"quarter": "2023-Q3", "state": "blocked", "percent": 40})
    assert again.status_code == 200
    assert TaskProgress.objects.get(task=task("IV.2.2")).state == "blocked"


@pytest.mark.parametrize(
    ("persona", "status", "detail"),
    [
        ("other", 403, "Bạn không có quyền báo cáo nhiệm vụ của đơn vị 'Văn phòng UBND tỉnh'."),
        ("viewer", 403, "Tài khoản chỉ có quyền xem số liệu, không được gửi hay sửa số liệu."),
        ("anonymous", 401, "Chưa xác thực: gửi kèm token (Authorization: Token …) hoặc đăng nhập."),
    ],
)
def test_nobody_else_may_report_a_units_task(api_clients, frozen, persona, status, detail):
    response = post(api_clients[persona], progress_url("IV.2.1"), {"quarter": "2023-Q3", "state": "done", "percent": 100})
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert not TaskProgress.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quarter": "2023-Q5", "state": "done", "percent": 100}, "quarter",
         'Quý "2023-Q5" không hợp lệ (định dạng YYYY-Qn, năm 2000–2100, ví dụ 2023-Q3)'),
        ({"quarter": "2024-Q1", "state": "done", "percent": 100}, "quarter", "Quý I/2024 không thuộc kế hoạch năm 2023."),
        ({"quarter": "2023-Q4", "state": "done", "percent": 100}, "quarter",
         "Chưa đến quý IV/2023: chỉ báo cáo được quý hiện tại (quý III/2023) hoặc các quý đã qua."),
        ({"quarter": "2023-Q3", "state": "xong", "percent": 100}, "state",
         'Tình trạng "xong" không hợp lệ (cho phép: not_started (Chưa triển khai), in_progress (Đang triển khai), '
         "done (Hoàn thành), blocked (Gặp vướng mắc))."),
        ({"quarter": "2023-Q3", "state": "in_progress", "percent": 150}, "percent",
         'Tỷ lệ hoàn thành "150" không hợp lệ: nhập số nguyên từ 0 đến 100.'),
        ({"quarter": "2023-Q3", "state": "in_progress", "percent": 40.5}, "percent",
         'Tỷ lệ hoàn thành "40.5" không hợp lệ: nhập số nguyên từ 0 đến 100.'),
        ({"quarter": "2023-Q3", "state": "in_progress", "percent": "bốn mươi"}, "percent",
         'Tỷ lệ hoàn thành "bốn mươi" không hợp lệ: nhập số nguyên từ 0 đến 100.'),
        ({"quarter": "2023-Q3", "state": "done", "percent": 80}, "percent",
         "Nhiệm vụ đã hoàn thành thì tỷ lệ hoàn thành phải là 100%, không phải 80%."),
        ({"quarter": "2023-Q3", "state": "in_progress"}, "percent", 'Thiếu trường "percent" (bắt buộc).'),
        ({"quarter": "2023-Q3", "state": "in_progress", "percent": 10, "done": 5}, "done",
         'Trường "done" phải là chuỗi ký tự.'),
    ],
)
def test_a_bad_quarter_state_or_percent_is_a_400_with_the_message(api_clients, frozen, data, field, message):
    response = post(api_clients["owner"], progress_url("IV.2.1"), data)
    assert response.status_code == 400
    assert response.json() == {"detail": "Dữ liệu không hợp lệ.", "code": "invalid", "errors": [{"field": field, "message": message}]}
    assert not TaskProgress.objects.exists() and not QuarterReport.objects.exists()


def test_the_quarter_report_moves_through_submit_approve_and_then_refuses_writes(api_clients, owner, frozen):
    base = "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3"
    post(api_clients["owner"], progress_url("IV.2.1"), {"quarter": "2023-Q3", "state": "done", "percent": 100})
    incomplete = post(api_clients["owner"], f"{base}/submit/", {})
    assert (incomplete.status_code, incomplete.json()) == (
        409,
        {"detail": "Chưa báo cáo đủ nhiệm vụ: còn thiếu 1 nhiệm vụ (IV.2.2).", "code": "conflict"},
    )
    post(api_clients["owner"], progress_url("IV.2.2"), {"quarter": "2023-Q3", "state": "in_progress", "percent": 60})
    submitted = post(api_clients["owner"], f"{base}/submit/", {})
    assert submitted.status_code == 200
    assert (submitted.json()["state"], submitted.json()["timeliness"], submitted.json()["deadline"]) == (
        "submitted", "on_time", "2023-09-19")

    # A reporter may not change what is under review; another agency may not approve.
    locked = post(api_clients["owner"], progress_url("IV.2.2"), {"quarter": "2023-Q3", "state": "done", "percent": 100})
    assert (locked.status_code, locked.json()["detail"]) == (
        409, "Báo cáo quý III/2023 của Văn phòng UBND tỉnh đã gửi duyệt; chờ Sở TT&TT duyệt hoặc trả lại để sửa.")
    assert post(api_clients["other"], f"{base}/approve/", {}).status_code == 403
    stale = post(api_clients["staff"], f"{base}/approve/", {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"

    approved = post(api_clients["staff"], f"{base}/approve/", {})
    assert (approved.status_code, approved.json()["state"], approved.json()["decided_by"]) == (200, "approved", "staff")
    refused = post(api_clients["staff"], progress_url("IV.2.2"), {"quarter": "2023-Q3", "state": "done", "percent": 100})
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "Báo cáo quý III/2023 của Văn phòng UBND tỉnh đã được duyệt và khóa; liên hệ Sở TT&TT nếu cần trả lại để sửa.",
    )
    item = api_clients["viewer"].get("/api/v1/plan-tasks/?unit=VPUBND").json()["results"][1]
    assert item["latest"] == {"quarter": "2023-Q3", "state": "in_progress", "percent": 60}


def test_a_return_needs_a_comment_and_reopens_the_report(api_clients, owner, frozen):
    report_all(owner, "VPUBND", "2023-Q3")
    base = "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3"
    post(api_clients["owner"], f"{base}/submit/", {})
    no_comment = post(api_clients["staff"], f"{base}/return/", {})
    assert no_comment.status_code == 400
    assert no_comment.json()["errors"] == [{"field": "comment", "message": "Hãy ghi rõ lý do trả lại báo cáo."}]
    returned = post(api_clients["staff"], f"{base}/return/", {"comment": "Bổ sung số liệu số hóa"})
    assert (returned.json()["state"], returned.json()["comment"]) == ("returned", "Bổ sung số liệu số hóa")
    again = post(api_clients["owner"], progress_url("IV.2.2"), {"quarter": "2023-Q3", "state": "in_progress", "percent": 65})
    assert again.status_code == 200


def test_the_submissions_list_is_scoped_like_the_monthly_one(api_clients, owner, frozen):
    report_all(owner, "VPUBND", "2023-Q3")
    staff = api_clients["staff"].get("/api/v1/plan-tasks/submissions/?quarter=2023-Q3").json()
    assert staff["count"] == 15
    vp = next(r for r in staff["results"] if r["unit"] == "VPUBND")
    assert (vp["state"], vp["tasks"], vp["filled"], vp["timeliness"]) == ("draft", 2, 2, "waiting")
    own = api_clients["owner"].get("/api/v1/plan-tasks/submissions/?quarter=2023-Q3").json()
    assert [r["unit"] for r in own["results"]] == ["VPUBND"]
    missing = api_clients["viewer"].get("/api/v1/plan-tasks/submissions/")
    assert (missing.status_code, missing.json()["errors"][0]["message"]) == (400, "Hãy chọn quý (YYYY-Qn, ví dụ 2023-Q3).")


def test_nul_characters_are_refused_not_stored(api_clients, owner, frozen):
    response = post(api_clients["owner"], progress_url("IV.2.1"),
                    {"quarter": "2023-Q3", "state": "in_progress", "percent": 10, "done": "a\x00b"})
    assert (response.status_code, response.json()["errors"]) == (
        400, [{"field": "done", "message": "Chứa ký tự không hợp lệ (NUL)."}])
    report_all(owner, "VPUBND", "2023-Q3")
    post(api_clients["owner"], "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3/submit/", {})
    returned = post(api_clients["staff"], "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3/return/", {"comment": "x\x00"})
    assert returned.status_code == 400
    assert api_clients["staff"].get("/api/v1/plan-tasks/?unit=%00").status_code == 400
    assert api_clients["staff"].post("/api/v1/plan-tasks/submissions/%00/2023-Q3/submit/").status_code == 404
