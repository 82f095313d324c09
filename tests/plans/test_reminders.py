"""Reminders to member agencies that have not submitted their quarterly report: before the deadline
and the day after it, once each, like the monthly ones; and the task once through a real worker."""

import datetime
import time

import pytest
import time_machine
from django.core import mail

from plans.models import PlanReminder
from plans.services.transitions import submit
from plans.tasks import send_reminders
from tests.indicators.test_worker_status import worker  # noqa: F401  (a real Celery worker)
from units.services import create_or_update_user

from .conftest import report_all


def morning(month, day):  # 07:35 in Bình Phước, when the beat runs
    return time_machine.travel(datetime.datetime(2023, month, day, 0, 35, tzinfo=datetime.UTC), tick=False)


def test_reminders_go_before_the_deadline_and_after_it_once_each(owner, other):
    with morning(9, 12):
        report_all(owner, "VPUBND", "2023-Q3")
        submit(owner.units.get(), "2023-Q3", user=owner)
    with morning(9, 15):  # the last day on time is 19/09: four days before, not yet
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}
    with morning(9, 16):
        assert send_reminders.delay().get() == {"before": 1, "overdue": 0}
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}  # idempotent
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["yt@binhphuoc.gov.vn"], "[CĐS Portal] Nhắc báo cáo tiến độ nhiệm vụ quý III/2023: hạn 19/09/2023")
    ]
    assert (
        "Sở Y tế chưa gửi báo cáo tiến độ thực hiện nhiệm vụ được giao tại Kế hoạch hoạt động của Ban Chỉ đạo về "
        "chuyển đổi số tỉnh, quý III/2023 (đã nhập 0/5 nhiệm vụ); hạn gửi là ngày 19/09/2023." in mail.outbox[0].body
    )
    with morning(9, 19):
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}
    with morning(9, 20):
        assert send_reminders.delay().get() == {"before": 0, "overdue": 1}
    assert mail.outbox[-1].subject == "[CĐS Portal] Quá hạn báo cáo tiến độ nhiệm vụ quý III/2023"
    with morning(10, 5):  # past the catch-up week: the next quarter's deadline is far, nothing to send
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}
    assert sorted(PlanReminder.objects.values_list("unit__code", "quarter", "kind")) == [
        ("SYT", "2023-Q3", "before"),
        ("SYT", "2023-Q3", "overdue"),
    ]


def test_the_report_day_and_reminder_days_are_settings(owner, other, settings):
    settings.PLAN_REPORT_DAY = 25  # due before the 25th: the last day on time is the 24th
    settings.REMINDER_DAYS_BEFORE = 1
    with morning(9, 22):
        assert send_reminders.delay().get() == {"before": 0, "overdue": 0}
    with morning(9, 23):
        assert send_reminders.delay().get() == {"before": 2, "overdue": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["vp@binhphuoc.gov.vn", "yt@binhphuoc.gov.vn"]
    assert all("hạn 24/09/2023" in m.subject for m in mail.outbox)


def test_the_beat_schedule_runs_the_plan_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-plan-reminders"]
    assert entry["task"] == "plans.tasks.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {35})


@pytest.mark.services
def test_a_real_worker_sends_the_reminders_once(worker, catalogue):  # noqa: F811
    create_or_update_user("vp-mail", role="reporter", unit_codes=["VPUBND"], email="vp@binhphuoc.gov.vn")
    send_reminders.delay("2023-09-16")
    send_reminders.delay("2023-09-16")  # the second run finds the log row and sends nothing
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not PlanReminder.objects.exists():
        time.sleep(0.05)
    time.sleep(1)  # let the second task finish too
    assert list(PlanReminder.objects.values_list("unit__code", "quarter", "kind", "recipients")) == [
        ("VPUBND", "2023-Q3", "before", ["vp@binhphuoc.gov.vn"])
    ]
