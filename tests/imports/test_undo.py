"""Undo is a writer like any other: through the write door, with the approval lock, the user's current
units and the change log (issue 16 #2 and #10, issue 14's "undo is record these previous values")."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from entry.services import transitions
from imports.models import ImportBatch
from imports.services import UndoRefused, import_file, undo_batch
from indicators import deadlines
from indicators.models import DataValue, Submission, ValueChange
from indicators.services import ValueInput, record_values
from tests.api.conftest import token_client
from tests.change_log import chain_breaks, keyed
from units.models import Unit

from .xlsx_builders import build_xlsx

PERIOD = "2023-08"
APPROVED = (
    "Không thể hoàn tác lô #{pk}: Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã được duyệt và khóa; "
    "liên hệ Sở TT&TT để mở khóa nếu cần sửa."
)
SUBMITTED = (
    "Không thể hoàn tác lô #{pk}: Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã gửi duyệt; "
    "chờ Sở TT&TT duyệt hoặc trả lại để sửa."
)


def long_workbook(rows) -> bytes:
    return build_xlsx(
        {"so-lieu": [["indicator", "unit", "period", "value", "note"], *[[*r, ""] for r in rows]]}
    )


def required(unit="DONGXOAI"):
    u = Unit.objects.get(code=unit)
    return [i.code for i in deadlines.required_indicators(deadlines.indicators_for(u))]


def stored(unit="DONGXOAI"):
    return dict(
        DataValue.objects.filter(unit__code=unit, period=PERIOD).values_list("indicator__code", "value")
    )


@pytest.fixture
def reporters_batch(reporter):
    """Đồng Xoài's whole August imported by its reporter (every required indicator, so it can be submitted)."""
    outcome = import_file(
        long_workbook([(code, "DONGXOAI", PERIOD, 5) for code in required()]),
        user=reporter,
        filename="dx.xlsx",
    )
    assert outcome.status == "committed", outcome.errors[:3]
    return outcome.batch


def undo_on_the_page(user, batch):
    client = token_client(None)
    client.force_login(user)
    response = client.post(reverse("imports:batch_undo", args=[batch.pk]))
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_reporters_undo_of_an_approved_month_is_refused_on_the_page_and_writes_nothing(
    reporters_batch, reporter, staff
):
    unit = Unit.objects.get(code="DONGXOAI")
    transitions.submit(unit, PERIOD, user=reporter)
    transitions.approve(unit, PERIOD, user=staff)
    before = stored()
    changes = ValueChange.objects.count()

    assert undo_on_the_page(reporter, reporters_batch) == [APPROVED.format(pk=reporters_batch.pk)]

    assert stored() == before and len(before) == len(required())
    assert ValueChange.objects.count() == changes
    assert Submission.objects.get(unit=unit, period=PERIOD).state == "approved"
    reporters_batch.refresh_from_db()
    assert reporters_batch.status == ImportBatch.Status.COMMITTED


def test_an_approved_month_refuses_every_undo_channel_with_the_same_message(reporters_batch, reporter, staff):
    unit = Unit.objects.get(code="DONGXOAI")
    transitions.submit(unit, PERIOD, user=reporter)
    transitions.approve(unit, PERIOD, user=staff)
    message = APPROVED.format(pk=reporters_batch.pk)
    for user in (reporter, staff):  # approved locks staff too
        response = token_client(user).post(f"/api/v1/imports/{reporters_batch.pk}/undo/")
        assert (response.status_code, response.json()) == (409, {"detail": message, "code": "locked"})
        with pytest.raises(UndoRefused, match="đã được duyệt và khóa"):
            undo_batch(reporters_batch, user)
    assert len(stored()) == len(required())
    assert Submission.objects.get(unit=unit, period=PERIOD).state == "approved"


def test_a_submitted_month_refuses_the_reporters_undo_and_allows_the_staffs(reporters_batch, reporter, staff):
    unit = Unit.objects.get(code="DONGXOAI")
    transitions.submit(unit, PERIOD, user=reporter)
    assert undo_on_the_page(reporter, reporters_batch) == [SUBMITTED.format(pk=reporters_batch.pk)]
    assert len(stored()) == len(required())
    # Staff may still correct a month waiting for their review, undo included.
    assert undo_batch(reporters_batch, staff) == {"deleted": len(required()), "restored": 0}
    assert stored() == {}
    assert chain_breaks() == []


def test_a_reporter_removed_from_the_unit_can_no_longer_undo_its_old_batch(reporters_batch, reporter):
    Unit.objects.get(code="DONGXOAI").members.remove(reporter)
    Unit.objects.get(code="BUDOP").members.add(reporter)
    message = (
        f"Không thể hoàn tác lô #{reporters_batch.pk}: bạn không còn quyền nhập số liệu cho đơn vị "
        "'Thành phố Đồng Xoài'."
    )
    assert undo_on_the_page(reporter, reporters_batch) == [message]
    response = token_client(reporter).post(f"/api/v1/imports/{reporters_batch.pk}/undo/")
    assert (response.status_code, response.json()) == (403, {"detail": message, "code": "forbidden"})
    assert len(stored()) == len(required())
    reporters_batch.refresh_from_db()
    assert reporters_batch.status == ImportBatch.Status.COMMITTED


def test_a_reporter_removed_from_the_unit_can_no_longer_commit_its_previewed_batch(
    reporter, django_capture_on_commit_callbacks
):
    outcome = import_file(
        long_workbook([("APP-BPTODAY-USERS", "DONGXOAI", PERIOD, 3403)]),
        user=reporter,
        commit=False,
        filename="dx.xlsx",
    )
    batch = outcome.batch
    Unit.objects.get(code="DONGXOAI").members.remove(reporter)
    client = token_client(None)
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.message) == (
        "preview",
        f"Lô #{batch.pk} còn 1 lỗi: hãy sửa hoặc loại trừ các ô lỗi trước khi nhập.",
    )
    assert batch.errors[0]["message"] == (
        "Sheet 'so-lieu', dòng 2, cột 'B': Bạn không có quyền nhập số liệu cho đơn vị 'Thành phố Đồng Xoài'"
    )
    assert DataValue.objects.count() == 0


def test_undo_puts_back_the_previous_numerator_denominator_and_note(staff):
    record_values(
        [
            ValueInput(
                "DVC-SVC-RATE", "BUDOP", PERIOD, D("90"), numerator=D("900"), denominator=D("1000"), note="x"
            )
        ],
        user=staff,
        source="form",
    )
    batch = import_file(
        long_workbook([("DVC-SVC-RATE", "BUDOP", PERIOD, 95)]), user=staff, filename="b.xlsx"
    ).batch
    dv = DataValue.objects.get()
    assert (dv.value, dv.numerator, dv.denominator, dv.note, dv.source) == (D("95"), None, None, "", "import")

    assert undo_batch(batch, staff) == {"deleted": 0, "restored": 1}

    dv = DataValue.objects.get()
    assert (dv.value, dv.numerator, dv.denominator, dv.note, dv.source, dv.batch_id) == (
        D("90"),
        D("900"),
        D("1000"),
        "x",
        "undo",
        batch.pk,
    )
    assert keyed() == [
        ("DVC-SVC-RATE", "BUDOP", PERIOD, "created", None, D("90"), "form"),
        ("DVC-SVC-RATE", "BUDOP", PERIOD, "updated", D("90"), D("95"), "import"),
        ("DVC-SVC-RATE", "BUDOP", PERIOD, "updated", D("95"), D("90"), "undo"),
    ]
    undo = ValueChange.objects.first()
    assert (
        undo.numerator_before,
        undo.numerator_after,
        undo.note_before,
        undo.note_after,
        undo.batch_id,
    ) == (
        None,
        D("900"),
        "",
        "x",
        batch.pk,
    )
    assert chain_breaks() == []


def test_undo_is_refused_after_a_later_form_write_and_allowed_after_a_later_batch_was_undone(staff):
    rows = [("APP-BPTODAY-USERS", "BUDOP", PERIOD, 100)]
    first = import_file(long_workbook(rows), user=staff, filename="a.xlsx").batch
    second = import_file(long_workbook([(*rows[0][:3], 200)]), user=staff, filename="b.xlsx").batch
    with pytest.raises(UndoRefused) as refused:
        undo_batch(first, staff)
    assert str(refused.value) == (
        f"Không thể hoàn tác lô #{first.pk}: 1 số liệu đã được thay đổi sau đó (APP-BPTODAY-USERS/BUDOP/2023-08…)."
    )
    assert undo_batch(second, staff) == {"deleted": 0, "restored": 1}
    assert undo_batch(first, staff) == {"deleted": 1, "restored": 0}
    assert DataValue.objects.count() == 0
    third = import_file(long_workbook(rows), user=staff, filename="c.xlsx").batch
    record_values([ValueInput(*rows[0][:3], D("150"))], user=staff, source="form")
    with pytest.raises(UndoRefused, match="1 số liệu đã được thay đổi sau đó"):
        undo_batch(third, staff)
    assert chain_breaks() == []


def test_undo_of_a_large_batch_goes_through_the_bulk_path_and_keeps_the_chain(staff):
    # 10 districts x 120 months = 1,200 values: above BULK_MIN (COPY on PostgreSQL).
    districts = list(
        Unit.objects.filter(level="district").order_by("code").values_list("code", flat=True)[:10]
    )
    months = [f"{y}-{m:02d}" for y in range(2010, 2020) for m in range(1, 13)]
    rows = [
        ("APP-BPTODAY-USERS", u, p, 1000 + k)
        for k, (u, p) in enumerate((u, p) for u in districts for p in months)
    ]
    first = import_file(long_workbook(rows), user=staff, filename="a.xlsx")
    assert first.counts["new"] == 1200
    second = import_file(
        long_workbook([(*r[:3], r[3] + 1) if k % 2 else r for k, r in enumerate(rows)]),
        user=staff,
        filename="b.xlsx",
    )
    assert (second.counts["new"], second.counts["changed"], second.counts["unchanged"]) == (0, 600, 600)
    assert undo_batch(second.batch, staff) == {"deleted": 0, "restored": 600}
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [D(r[3]) for r in rows]
    assert undo_batch(first.batch, staff) == {"deleted": 1200, "restored": 0}
    assert DataValue.objects.count() == 0
    assert ValueChange.objects.count() == 1200 + 600 + 600 + 1200
    assert chain_breaks() == []
