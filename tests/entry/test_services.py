"""The workflow services: transitions with exact states and audit rows, locks on every channel,
visibility of drafts per persona, deadlines and completeness."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from entry.services import completeness, transitions
from indicators import deadlines
from indicators.models import AuditEntry, DataValue, Submission
from indicators.services import PeriodLocked, RecordValuesError
from units.models import Unit

from .conftest import PERIOD, district_rows, write

pytestmark = pytest.mark.django_db


def audit_trail(key):
    return list(
        AuditEntry.objects.filter(object_type="submission", object_key=key)
        .order_by("id")
        .values_list("action", "before", "after", "user__username", "note")
    )


def test_a_reporters_write_creates_a_draft_and_a_staff_write_does_not(reporter, staff):
    write(staff, [("DVC-SVC-RATE", "BUDOP", PERIOD, "75.5")])
    assert not Submission.objects.filter(unit__code="BUDOP").exists()
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "92")])
    sub = Submission.objects.get(unit__code="DONGXOAI", period=PERIOD)
    assert (sub.state, sub.deadline, sub.version) == ("draft", datetime.date(2023, 9, 10), 1)
    assert audit_trail("DONGXOAI/2023-08") == [
        (
            "indicators.submission.created",
            None,
            {"state": "draft", "version": 1, "comment": ""},
            "reporter",
            "",
        )
    ]
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "93")])
    sub.refresh_from_db()
    assert (sub.state, sub.version) == ("draft", 2)


def test_the_full_cycle_submit_return_resubmit_approve_unlock(draft, reporter, staff):
    unit = draft.unit
    with time_machine.travel(datetime.datetime(2023, 9, 8, 9, 0, tzinfo=datetime.UTC)):
        sub = transitions.submit(unit, PERIOD, user=reporter, version=draft.version)
    assert (sub.state, sub.submitted_by, sub.is_late) == ("submitted", reporter, False)
    sub = transitions.return_submission(unit, PERIOD, user=staff, comment="Thiếu số liệu thuế")
    assert (sub.state, sub.comment, sub.decided_by) == ("returned", "Thiếu số liệu thuế", staff)
    write(reporter, [("TAX-NVTC-COUNT", "DONGXOAI", PERIOD, "12")])
    assert Submission.objects.get(pk=sub.pk).state == "returned"
    with time_machine.travel(datetime.datetime(2023, 9, 12, 9, 0, tzinfo=datetime.UTC)):
        sub = transitions.submit(unit, PERIOD, user=reporter)  # a returned report is resubmitted
    assert (sub.state, sub.is_late) == ("submitted", True)
    sub = transitions.approve(unit, PERIOD, user=staff)
    assert (sub.state, sub.comment) == ("approved", "")
    sub = transitions.unlock(unit, PERIOD, user=staff, reason="Sửa số liệu thuế theo Chi cục Thuế")
    assert sub.state == "unlocked"
    trail = audit_trail("DONGXOAI/2023-08")
    assert [(a, (b or {}).get("state"), c["state"], u, n) for a, b, c, u, n in trail] == [
        ("indicators.submission.created", None, "draft", "reporter", ""),
        ("indicators.submission.submitted", "draft", "submitted", "reporter", ""),
        ("indicators.submission.returned", "submitted", "returned", "staff", "Thiếu số liệu thuế"),
        ("indicators.submission.resubmitted", "returned", "submitted", "reporter", ""),
        ("indicators.submission.approved", "submitted", "approved", "staff", ""),
        (
            "indicators.submission.unlocked",
            "approved",
            "unlocked",
            "staff",
            "Sửa số liệu thuế theo Chi cục Thuế",
        ),
    ]
    # A reporter's write after the unlock puts the month back to draft: it needs approval again.
    write(reporter, [("TAX-NVTC-COUNT", "DONGXOAI", PERIOD, "13")])
    assert Submission.objects.get(pk=sub.pk).state == "draft"
    assert audit_trail("DONGXOAI/2023-08")[-1][0] == "indicators.submission.reopened"


def test_transitions_refuse_the_wrong_state_and_persona(draft, reporter, outsider, staff, viewer):
    unit = draft.unit
    with pytest.raises(transitions.WorkflowError) as exc:
        transitions.approve(unit, PERIOD, user=staff)
    assert exc.value.messages == [
        "Không thể duyệt báo cáo Thành phố Đồng Xoài tháng 8/2023: báo cáo đang ở trạng thái đang nhập."
    ]
    with pytest.raises(PermissionDenied) as denied:
        transitions.submit(unit, PERIOD, user=outsider)
    assert str(denied.value) == "Bạn không có quyền gửi báo cáo của đơn vị 'Thành phố Đồng Xoài'."
    with pytest.raises(PermissionDenied):
        transitions.submit(unit, PERIOD, user=viewer)
    transitions.submit(unit, PERIOD, user=reporter)
    with pytest.raises(PermissionDenied) as denied:
        transitions.approve(unit, PERIOD, user=reporter)
    assert str(denied.value) == "Chỉ cán bộ Sở TT&TT được duyệt, trả lại hoặc mở khóa báo cáo."
    with pytest.raises(transitions.WorkflowError) as exc:
        transitions.return_submission(unit, PERIOD, user=staff, comment="  ")
    assert exc.value.messages == ["Hãy ghi rõ lý do trả lại báo cáo."]
    with pytest.raises(transitions.StaleVersion) as stale:
        transitions.approve(unit, PERIOD, user=staff, version=1)
    assert stale.value.messages == [
        "Báo cáo Thành phố Đồng Xoài tháng 8/2023 đã thay đổi (bạn đang xem phiên bản 1, "
        "hiện tại là phiên bản 2); hãy tải lại trang."
    ]
    assert Submission.objects.get(pk=draft.pk).state == "submitted"


def test_an_incomplete_month_cannot_be_submitted(reporter):
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "92")])
    unit = Unit.objects.get(code="DONGXOAI")
    with pytest.raises(transitions.WorkflowError) as exc:
        transitions.submit(unit, PERIOD, user=reporter)
    assert exc.value.messages[0].startswith("Chưa nhập đủ số liệu: còn thiếu 20 chỉ tiêu (DVC-FILE-RATE, ")
    assert Submission.objects.get(unit=unit).state == "draft"


def test_an_approved_month_refuses_every_write_through_the_service(draft, reporter, staff):
    transitions.submit(draft.unit, PERIOD, user=reporter)
    # While waiting for approval the reporter cannot change what was sent; staff can correct it.
    with pytest.raises(PeriodLocked) as exc:
        write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "1")])
    assert exc.value.messages == [
        "Mục 1: Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã gửi duyệt; chờ Sở TT&TT duyệt hoặc trả lại để sửa."
    ]
    transitions.approve(draft.unit, PERIOD, user=staff)
    for user in (reporter, staff):
        with pytest.raises(PeriodLocked) as exc:
            write(user, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "1")])
        assert exc.value.items[0].message == (
            "Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã được duyệt và khóa; "
            "liên hệ Sở TT&TT để mở khóa nếu cần sửa."
        )
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="DONGXOAI", period=PERIOD).value == 5
    )
    # Other months of the same unit are not locked.
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", "2023-09", "1")])
    # A mix of a locked key and another problem is a plain validation error (400), not a lock (409).
    with pytest.raises(RecordValuesError) as exc:
        write(staff, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "1"), ("NOPE", "DONGXOAI", PERIOD, "1")])
    assert not isinstance(exc.value, PeriodLocked)


def visible_units(user):
    return sorted(
        set(DataValue.objects.visible_to(user).filter(period=PERIOD).values_list("unit__code", flat=True))
    )


def test_drafts_are_seen_by_staff_and_their_unit_only(
    draft, staff, reporter, outsider, viewer, django_assert_num_queries
):
    write(staff, [("DVC-SVC-RATE", "BUDOP", PERIOD, "75.5")])
    assert visible_units(staff) == ["BUDOP", "DONGXOAI"]
    assert visible_units(reporter) == ["BUDOP", "DONGXOAI"]
    assert visible_units(outsider) == ["BUDOP"]
    assert visible_units(viewer) == ["BUDOP"]
    assert list(DataValue.objects.published().filter(period=PERIOD).values_list("unit__code", flat=True)) == [
        "BUDOP"
    ]
    flags = dict(
        DataValue.objects.with_draft_flag().filter(period=PERIOD).values_list("unit__code", "is_draft")
    )
    assert flags == {"BUDOP": False, "DONGXOAI": True}
    with django_assert_num_queries(2):  # the role (groups) and the values: one query with EXISTS
        viewer._cds_role = False
        list(DataValue.objects.visible_to(viewer))
    transitions.submit(draft.unit, PERIOD, user=reporter)
    assert visible_units(viewer) == ["BUDOP"]
    transitions.approve(draft.unit, PERIOD, user=staff)
    assert visible_units(viewer) == ["BUDOP", "DONGXOAI"]
    assert visible_units(outsider) == ["BUDOP", "DONGXOAI"]
    transitions.unlock(draft.unit, PERIOD, user=staff, reason="Sửa")
    assert visible_units(viewer) == ["BUDOP", "DONGXOAI"]  # unlocking does not un-publish


@pytest.mark.parametrize(
    "group, period, deadline",
    [
        ("DVC", "2023-08", datetime.date(2023, 9, 10)),
        ("DVC", "2023-12", datetime.date(2024, 1, 10)),
        ("KH57", "2023-04", datetime.date(2023, 6, 19)),  # before the 20th of the quarter's last month
        ("KH57", "2023-06", datetime.date(2023, 6, 19)),
        ("KH57", "2023-12", datetime.date(2023, 12, 19)),
    ],
)
def test_deadlines_per_group(group, period, deadline):
    assert deadlines.deadline_for(group, period) == deadline


def test_the_deadline_day_is_a_setting(settings):
    settings.REPORTING_DEADLINE_DAY = 15
    assert deadlines.deadline_for("DVC", "2023-08") == datetime.date(2023, 9, 15)


def test_completeness_says_who_submitted_on_time_late_or_not_at_all(reporter, outsider, staff, catalogue):
    write(reporter, district_rows("DONGXOAI"))
    write(outsider, district_rows("BUDOP"))
    write(
        staff,
        [("DVC-SVC-RATE", "BUPHANG", PERIOD, "80")] if Unit.objects.filter(code="BUPHANG").exists() else [],
    )
    with time_machine.travel(datetime.datetime(2023, 9, 9, 3, 0, tzinfo=datetime.UTC)):
        transitions.submit(Unit.objects.get(code="DONGXOAI"), PERIOD, user=reporter)
    with time_machine.travel(datetime.datetime(2023, 9, 11, 3, 0, tzinfo=datetime.UTC)):
        transitions.submit(Unit.objects.get(code="BUDOP"), PERIOD, user=outsider)
    rows = {r.unit.code: r for r in completeness.period_overview(PERIOD, today=datetime.date(2023, 9, 12))}
    assert rows["DONGXOAI"].timeliness_label == "Đúng hạn"
    assert rows["BUDOP"].timeliness_label == "Trễ hạn"
    assert rows["DONGXOAI"].state_label == "Chờ duyệt"
    missing = [r for r in rows.values() if r.timeliness == completeness.Timeliness.MISSING]
    assert missing and all(r.timeliness_label == "Quá hạn, chưa gửi" for r in missing)
    early = {r.unit.code: r for r in completeness.period_overview(PERIOD, today=datetime.date(2023, 9, 5))}
    assert early["DONGXOAI"].timeliness_label == "Đúng hạn"
    assert {r.timeliness_label for c, r in early.items() if c not in ("DONGXOAI", "BUDOP")} <= {
        "Chưa gửi",
        "Sở TT&TT đã nhập",
    }


def test_the_demo_has_a_reporter_draft_seen_by_staff_not_by_the_viewer(settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=__import__("io").StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    draft = DataValue.objects.filter(unit__code="DONGXOAI", period="2023-09")
    assert Submission.objects.get(unit__code="DONGXOAI", period="2023-09").state == "draft"
    assert draft.filter(pk__in=DataValue.objects.visible_to(users["canbo"])).count() == 2
    assert draft.filter(pk__in=DataValue.objects.visible_to(users["bcd"])).count() == 0
    assert DataValue.objects.visible_to(users["bcd"]).filter(period="2023-08").exists()
