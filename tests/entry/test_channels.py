"""A locked (approved) month refuses writes through every channel: form, import and API; the API's
workflow endpoints; the reminders with a frozen clock."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from entry.models import Reminder
from entry.services import completeness, transitions
from entry.tasks import send_reminders
from imports.services import import_file
from indicators.models import AuditEntry, DataValue, Submission
from units.models import Unit

from .conftest import PERIOD, district_rows, write

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return c


@pytest.fixture
def approved(draft, reporter, staff):
    transitions.submit(draft.unit, PERIOD, user=reporter)
    transitions.approve(draft.unit, PERIOD, user=staff)
    return draft


def long_workbook(rows):
    from tests.imports.xlsx_builders import build_xlsx

    return build_xlsx({"Du lieu": [["Chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị"], *rows]})


def test_an_approved_month_refuses_the_import(approved, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = long_workbook([["DVC-SVC-RATE", "DONGXOAI", PERIOD, 1], ["DVC-SVC-RATE", "BUDOP", PERIOD, 70]])
    outcome = import_file(io.BytesIO(data), user=staff, filename="long.xlsx")
    body = outcome.as_json()
    assert body["status"] == "rejected"
    assert [(e["cell"], e["message"]) for e in body["errors"]] == [
        (
            "D2",
            "Sheet 'Du lieu', dòng 2, cột 'Giá trị': Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã được duyệt "
            "và khóa; liên hệ Sở TT&TT để mở khóa nếu cần sửa.",
        )
    ]
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="DONGXOAI", period=PERIOD).value == 5
    )
    # With --skip-invalid the other cells go in and the locked one is listed as skipped.
    outcome = import_file(io.BytesIO(data), user=staff, filename="long.xlsx", skip_invalid=True)
    assert outcome.as_json()["status"] == "committed"
    assert outcome.as_json()["counts"]["skipped"] == 1
    assert DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="BUDOP").value == 70
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="DONGXOAI", period=PERIOD).value == 5
    )


def test_a_reporters_import_waits_for_approval(outsider, viewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = long_workbook([["DVC-SVC-RATE", "BUDOP", PERIOD, 70]])
    assert (
        import_file(io.BytesIO(data), user=outsider, filename="long.xlsx").as_json()["status"] == "committed"
    )
    assert Submission.objects.get(unit__code="BUDOP").state == "draft"
    assert not DataValue.objects.visible_to(viewer).exists()


def test_an_approved_month_refuses_the_api_with_409(approved, staff, reporter):
    body = {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": PERIOD, "value": 1}
    message = "Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã được duyệt và khóa; liên hệ Sở TT&TT để mở khóa nếu cần sửa."
    for user in (staff, reporter):
        response = api(user).post("/api/v1/values/", body, format="json")
        assert response.status_code == 409
        assert response.json() == {
            "detail": f"{message} Không có số liệu nào được ghi.",
            "code": "locked",
            "errors": [{"index": 0, "field": None, "message": message}],
        }
    response = api(staff).put(f"/api/v1/values/DVC-SVC-RATE/DONGXOAI/{PERIOD}/", {"value": 1}, format="json")
    assert response.status_code == 409
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="DONGXOAI", period=PERIOD).value == 5
    )


def test_the_workflow_over_the_api(draft, reporter, outsider, staff, viewer):
    base = f"/api/v1/submissions/DONGXOAI/{PERIOD}"
    assert api(viewer).post(f"{base}/submit/").status_code == 403
    assert api(outsider).post(f"{base}/submit/").json() == {
        "detail": "Bạn không có quyền gửi báo cáo của đơn vị 'Thành phố Đồng Xoài'.",
        "code": "permission_denied",
    }
    response = api(staff).post(f"{base}/approve/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Không thể duyệt báo cáo Thành phố Đồng Xoài tháng 8/2023: báo cáo đang ở trạng thái đang nhập.",
        "code": "conflict",
    }
    response = api(reporter).post(f"{base}/submit/")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["deadline"], response.json()["version"]) == (
        "submitted",
        "2023-09-10",
        2,
    )
    assert api(reporter).post(f"{base}/approve/").status_code == 403
    response = api(staff).post(f"{base}/return/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "comment", "message": "Hãy ghi rõ lý do trả lại báo cáo."}]
    response = api(staff).post(f"{base}/return/", {"comment": "Thiếu minh chứng"}, format="json")
    assert (response.status_code, response.json()["state"], response.json()["comment"]) == (
        200,
        "returned",
        "Thiếu minh chứng",
    )
    assert api(reporter).post(f"{base}/submit/").json()["state"] == "submitted"
    assert api(staff).post(f"{base}/approve/", {"version": 1}, format="json").json()["code"] == "stale"
    assert api(staff).post(f"{base}/approve/").json()["state"] == "approved"
    response = api(staff).post(f"{base}/unlock/", {"reason": "Chi cục Thuế điều chỉnh"}, format="json")
    assert response.json()["state"] == "unlocked"
    assert list(
        AuditEntry.objects.filter(object_type="submission", object_key=f"DONGXOAI/{PERIOD}")
        .order_by("id")
        .values_list("action", "source")
    ) == [
        ("indicators.submission.created", "form"),
        ("indicators.submission.submitted", "api"),
        ("indicators.submission.returned", "api"),
        ("indicators.submission.resubmitted", "api"),
        ("indicators.submission.approved", "api"),
        ("indicators.submission.unlocked", "api"),
    ]


def test_the_submission_list_per_period(draft, reporter, staff, viewer):
    with time_machine.travel(datetime.datetime(2023, 9, 12, 3, 0, tzinfo=datetime.UTC)):
        body = api(staff).get(f"/api/v1/submissions/?period={PERIOD}").json()
    rows = {r["unit"]: r for r in body["results"]}
    assert body["count"] == len(completeness.expected_units())
    assert {
        k: rows["DONGXOAI"][k] for k in ("state", "state_label", "deadline", "timeliness_label", "values")
    } == {
        "state": "draft",
        "state_label": "Đang nhập",
        "deadline": "2023-09-10",
        "timeliness_label": "Quá hạn, chưa gửi",
        "values": 21,
    }
    # Only the units that must send a monthly report (issue 17): 26 agencies and 11 districts.
    assert body["count"] == 37 and "BP" not in rows and "BP-UNK" not in rows
    mine = api(reporter).get(f"/api/v1/submissions/?period={PERIOD}").json()
    assert [r["unit"] for r in mine["results"]] == ["DONGXOAI"]
    assert api(viewer).get(f"/api/v1/submissions/?period={PERIOD}").status_code == 200
    bad = api(staff).get("/api/v1/submissions/?period=2023-13")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "period", "message": 'Kỳ báo cáo "2023-13" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'}
    ]
    assert APIClient().get(f"/api/v1/submissions/?period={PERIOD}").status_code == 401


def test_the_history_of_a_value_over_the_api(reporter, staff, outsider):
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "90")])
    write(staff, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "92.5")], source="api")
    url = f"/api/v1/values/DVC-SVC-RATE/DONGXOAI/{PERIOD}/history/"
    body = api(reporter).get(url).json()
    assert [(r["action"], r["user"], r["source"], r["before"], r["after"]) for r in body["results"]] == [
        ("Sửa số liệu", "staff", "API", "90", "92.5"),
        ("Tạo mới số liệu", "reporter", "biểu mẫu", None, "90"),
    ]
    assert api(outsider).get(url).status_code == 404  # another unit's draft
    assert api(staff).get(url).status_code == 200


def test_the_public_api_shows_only_published_values(draft, staff, settings):
    settings.PUBLIC_API = True
    write(staff, [("DVC-SVC-RATE", "BUDOP", PERIOD, "75.5")])
    body = APIClient().get(f"/api/v1/values/?period={PERIOD}").json()
    assert [(r["unit"], r["indicator"]) for r in body["results"]] == [("BUDOP", "DVC-SVC-RATE")]


# ------------------------------------------------------------------------------------------ reminders
@pytest.fixture
def reporters_with_mail(reporter, outsider):
    reporter.email, outsider.email = "dongxoai@binhphuoc.gov.vn", "budop@binhphuoc.gov.vn"
    reporter.save()
    outsider.save()
    return reporter, outsider


def test_reminders_go_before_the_deadline_once(reporters_with_mail, settings):
    reporter, outsider = reporters_with_mail
    write(reporter, district_rows("DONGXOAI"))
    transitions.submit(Unit.objects.get(code="DONGXOAI"), PERIOD, user=reporter)
    with time_machine.travel(
        datetime.datetime(2023, 9, 6, 0, 30, tzinfo=datetime.UTC)
    ):  # 07:30 in Bình Phước
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}  # 4 days before: not yet
    with time_machine.travel(datetime.datetime(2023, 9, 7, 0, 30, tzinfo=datetime.UTC)):
        assert send_reminders.delay().get() == {"before": 1, "overdue": 0}
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}  # idempotent
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["budop@binhphuoc.gov.vn"], "[CĐS Portal] Nhắc báo cáo số liệu tháng 8/2023: hạn 10/09/2023")
    ]
    assert (
        "Đơn vị Huyện Bù Đốp chưa gửi báo cáo số liệu chuyển đổi số tháng 8/2023; hạn gửi là ngày 10/09/2023."
        in (mail.outbox[0].body)
    )
    with time_machine.travel(datetime.datetime(2023, 9, 10, 0, 30, tzinfo=datetime.UTC)):
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}
    with time_machine.travel(datetime.datetime(2023, 9, 11, 0, 30, tzinfo=datetime.UTC)):
        assert send_reminders.delay().get() == {"before": 0, "overdue": 1}
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}
    assert mail.outbox[-1].subject == "[CĐS Portal] Quá hạn báo cáo số liệu tháng 8/2023"
    assert sorted(Reminder.objects.values_list("unit__code", "period", "kind")) == [
        ("BUDOP", PERIOD, "before"),
        ("BUDOP", PERIOD, "overdue"),
    ]


def test_reminder_days_are_a_setting(reporters_with_mail, settings):
    settings.REMINDER_DAYS_BEFORE = 5
    with time_machine.travel(datetime.datetime(2023, 9, 5, 0, 30, tzinfo=datetime.UTC)):
        assert send_reminders.delay().get() == {"before": 2, "overdue": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["budop@binhphuoc.gov.vn", "dongxoai@binhphuoc.gov.vn"]


def test_the_beat_schedule_runs_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-reporting-reminders"]
    assert entry["task"] == "entry.tasks.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})
