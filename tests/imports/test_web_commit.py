"""Confirming a batch on the web page: the request marks it COMMITTING and enqueues the commit task; the
task is idempotent (a redelivered message writes nothing twice) and ends every expected failure as a
batch state with a Vietnamese message. The same through a real worker killed mid-commit:
tests/faults/test_worker_killed.py."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from imports import services, tasks
from imports.models import ImportBatch
from imports.services import DB_FAILURE_MESSAGE, STUCK_COMMIT_MESSAGE, create_preview, start_commit
from imports.tasks import commit_batch_task, release_stuck_commits
from indicators.models import AuditEntry, DataValue, Submission, ValueChange
from units.models import Unit

from .xlsx_builders import JANUARY, build_xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ["indicator", "unit", "period", "value", "note"],
    ["APP-BPTODAY-USERS", "DONGXOAI", "2024-01", 1039, ""],
    ["APP-BPTODAY-USERS", "BUDOP", "2024-01", 512, ""],
    ["APP-BPTODAY-USERS", "LOCNINH", "2024-01", 77, ""],
]
EXPECTED = {("DONGXOAI", Decimal(1039)), ("BUDOP", Decimal(512)), ("LOCNINH", Decimal(77))}


def previewed(user, rows=ROWS) -> ImportBatch:
    batch = create_preview(
        SimpleUploadedFile("so-lieu.xlsx", build_xlsx({"so-lieu": rows})), period=None, user=user
    )
    assert (batch.status, batch.errors) == ("preview", [])
    return batch


def stored():
    return set(
        DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").values_list("unit__code", "value")
    )


def audit_of(batch):
    """The batch's audit entries and its values' change rows, as (action, key)."""
    entries = list(AuditEntry.objects.filter(batch_id=batch.pk).values_list("action", "object_key"))
    changes = [
        (f"indicators.value.{action}", f"{i}/{u}/{p}")
        for action, i, u, p in ValueChange.objects.filter(batch_id=batch.pk).values_list(
            "action", "indicator__code", "unit__code", "period"
        )
    ]
    return sorted(entries + changes)


def test_confirming_marks_the_batch_committing_and_enqueues_one_commit_for_a_double_click(
    client, staff, django_capture_on_commit_callbacks
):
    batch = previewed(staff)
    client.force_login(staff)
    url = reverse("imports:batch_commit", args=[batch.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(url, follow=True)
        second = client.post(url, follow=True)
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == "committing" and batch.commit_requested_at is not None
    assert [str(m) for m in first.context["messages"]] == [f"Đang nhập lô #{batch.pk}…"]
    assert [str(m) for m in second.context["messages"]] == [f"Đang nhập lô #{batch.pk}…"]
    page = second.content.decode()
    assert 'data-status="committing"' in page
    assert "Đang nhập… Trang sẽ tự tải lại khi ghi xong số liệu." in page
    assert "Xác nhận nhập số liệu" not in page and "Cập nhật xem trước" not in page
    status = client.get(reverse("imports:batch_status", args=[batch.pk])).json()
    assert status == {"id": batch.pk, "status": "committing", "progress": 100, "status_label": "Đang nhập"}
    assert stored() == set()

    callbacks[0]()  # the transaction committed: the task is enqueued (and runs eagerly here)
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert stored() == EXPECTED
    assert client.get(reverse("imports:batch_status", args=[batch.pk])).json()["status_label"] == "Đã nhập"


def test_a_batch_with_errors_or_already_committed_is_refused_with_a_message(
    client, staff, django_capture_on_commit_callbacks
):
    bad = create_preview(
        SimpleUploadedFile(
            "loi.xlsx",
            build_xlsx({"so-lieu": [*ROWS, ["APP-BPTODAY-USERS", "BUDANG", "2024-01", "12,5a", ""]]}),
        ),
        period=None,
        user=staff,
    )
    assert [e["cell"] for e in bad.errors] == ["D5"]
    client.force_login(staff)
    with django_capture_on_commit_callbacks() as callbacks:
        resp = client.post(reverse("imports:batch_commit", args=[bad.pk]), follow=True)
    assert callbacks == []
    assert [str(m) for m in resp.context["messages"]] == [
        f"Lô #{bad.pk} còn 1 lỗi: hãy sửa hoặc loại trừ các ô lỗi trước khi nhập."
    ]
    assert ImportBatch.objects.get(pk=bad.pk).status == "preview"

    done = previewed(staff)
    done.status = ImportBatch.Status.COMMITTED
    done.save()
    with django_capture_on_commit_callbacks() as callbacks:
        resp = client.post(reverse("imports:batch_commit", args=[done.pk]), follow=True)
    assert callbacks == []
    assert [str(m) for m in resp.context["messages"]] == [f"Lô #{done.pk} không ở trạng thái chờ xác nhận."]


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_commit_runs_in_the_request_and_the_page_shows_it_committed(client, staff):
    client.force_login(staff)
    resp = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "preview"
    resp = client.post(reverse("imports:batch_commit", args=[batch.pk]), follow=True)
    assert resp.redirect_chain == [(reverse("imports:batch_detail", args=[batch.pk]), 302)]
    assert [str(m) for m in resp.context["messages"]] == [
        f"Đã nhập lô #{batch.pk}: Đã nhập: 269 mới, 0 thay đổi, 0 không đổi, 0 bỏ qua; 0 lỗi, 3 cảnh báo"
    ]
    assert 'data-status="committed"' in resp.content.decode()
    assert DataValue.objects.count() == 269


def test_the_task_commits_once_however_often_it_is_delivered(staff):
    batch = previewed(staff)
    assert start_commit(batch) is True
    assert start_commit(batch) is False  # the second click starts nothing
    assert commit_batch_task(batch.pk, staff.pk) == "committed"
    batch.refresh_from_db()
    first = (batch.status, batch.committed_at, batch.counts, audit_of(batch))
    assert batch.counts == {"new": 3, "changed": 0, "unchanged": 0, "skipped": 0}
    assert audit_of(batch) == [
        ("imports.batch.committed", str(batch.pk)),
        *sorted(
            ("indicators.value.created", f"APP-BPTODAY-USERS/{unit}/2024-01")
            for unit in ("BUDOP", "DONGXOAI", "LOCNINH")
        ),
    ]

    assert commit_batch_task(batch.pk, staff.pk) == "committed"  # redelivered
    batch.refresh_from_db()
    assert (batch.status, batch.committed_at, batch.counts, audit_of(batch)) == first
    assert stored() == EXPECTED


@pytest.mark.parametrize("status", ["preview", "undone", "failed", "rejected"])
def test_the_task_leaves_a_batch_that_is_not_committing_alone(staff, status):
    batch = previewed(staff)
    ImportBatch.objects.filter(pk=batch.pk).update(status=status)
    assert commit_batch_task(batch.pk, staff.pk) == status
    assert ImportBatch.objects.get(pk=batch.pk).status == status
    assert stored() == set() and audit_of(batch) == []
    assert commit_batch_task(987654, staff.pk) == "missing"


def test_errors_found_at_commit_send_the_batch_back_to_preview_with_a_message(client, staff):
    batch = previewed(staff)
    start_commit(batch)
    # Between the preview and the worker, staff approved Đồng Xoài's January: that cell is now locked.
    Submission.objects.create(
        unit=Unit.objects.get(code="DONGXOAI"),
        period="2024-01",
        state="approved",
        deadline=datetime.date(2024, 2, 10),
    )
    assert commit_batch_task(batch.pk, staff.pk) == "preview"
    batch.refresh_from_db()
    assert batch.message == f"Lô #{batch.pk} còn 1 lỗi: hãy sửa hoặc loại trừ các ô lỗi trước khi nhập."
    assert [(e["cell"], e["code"]) for e in batch.errors] == [("D2", "period_locked")]
    assert stored() == set() and audit_of(batch) == []
    client.force_login(staff)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert batch.message in page

    # Excluding the locked cell answers the message; confirming again commits the two others.
    services.update_preview(batch, user=staff, exclusions=["so-lieu!D2"])
    assert (batch.status, batch.message, batch.errors) == ("preview", "", [])
    start_commit(batch)
    assert commit_batch_task(batch.pk, staff.pk) == "committed"
    assert stored() == EXPECTED - {("DONGXOAI", Decimal(1039))}


def test_a_commit_confirmed_by_a_user_deleted_since_writes_nothing(staff, reporter):
    batch = previewed(staff)
    start_commit(batch)
    gone = reporter.pk
    reporter.delete()
    assert commit_batch_task(batch.pk, gone) == "preview"
    batch.refresh_from_db()
    assert batch.message == f"Lô #{batch.pk} còn 3 lỗi: hãy sửa hoặc loại trừ các ô lỗi trước khi nhập."
    assert {e["code"] for e in batch.errors} == {"forbidden_unit"}
    assert stored() == set() and audit_of(batch) == []


def test_a_missing_or_unreadable_file_at_commit_fails_the_batch(staff):
    gone = previewed(staff)
    start_commit(gone)
    gone.file.storage.delete(gone.file.name)
    assert commit_batch_task(gone.pk, staff.pk) == "failed"
    gone.refresh_from_db()
    assert gone.message == "Tệp của lô nhập không còn trên máy chủ."

    broken = previewed(staff)
    start_commit(broken)
    with broken.file.storage.open(broken.file.name, "wb") as fh:
        fh.write(b"%PDF-1.4 not a workbook")
    assert commit_batch_task(broken.pk, staff.pk) == "failed"
    broken.refresh_from_db()
    assert broken.message == (
        "Tệp là PDF, không phải bảng tính. Chỉ nhận bảng tính Excel (.xlsx, .xlsm, .xlsb, .xls), OpenDocument "
        "(.ods) hoặc văn bản CSV/TXT (phân cách bằng dấu phẩy, chấm phẩy hoặc tab)."
    )
    assert stored() == set()


class _Retry(Exception):
    pass


def test_a_lost_database_connection_is_retried_by_the_worker_and_then_fails_the_batch(staff, monkeypatch):
    batch = previewed(staff)
    start_commit(batch)
    calls, retries = [], []

    def down(batch_id, user):
        calls.append(batch_id)
        raise OperationalError("server closed the connection unexpectedly")

    def retry(exc, countdown):
        retries.append((str(exc), countdown))
        return _Retry()

    monkeypatch.setattr(tasks, "finish_commit", down)
    monkeypatch.setattr(commit_batch_task, "retry", retry)
    for attempt in range(3):  # as a worker runs it: retried with backoff, the batch still committing
        commit_batch_task.push_request(id=f"attempt-{attempt}", retries=attempt, is_eager=False)
        try:
            with pytest.raises(_Retry):
                commit_batch_task.run(batch.pk, staff.pk)
        finally:
            commit_batch_task.pop_request()
        assert ImportBatch.objects.get(pk=batch.pk).status == "committing"
    assert retries == [("server closed the connection unexpectedly", c) for c in (1, 2, 4)]

    commit_batch_task.push_request(id="attempt-3", retries=3, is_eager=False)
    try:
        assert commit_batch_task.run(batch.pk, staff.pk) == "failed"  # the last one gives up
    finally:
        commit_batch_task.pop_request()
    batch.refresh_from_db()
    assert (len(calls), batch.status, batch.message) == (4, "failed", DB_FAILURE_MESSAGE)
    assert [e["message"] for e in batch.errors] == [DB_FAILURE_MESSAGE]
    assert stored() == set() and audit_of(batch) == []


def test_run_eagerly_a_lost_database_connection_fails_the_batch_at_once(staff, monkeypatch):
    batch = previewed(staff)
    start_commit(batch)

    def down(batch_id, user):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(tasks, "finish_commit", down)
    assert commit_batch_task.apply(args=[batch.pk, staff.pk]).get() == "failed"
    batch.refresh_from_db()
    assert (batch.status, batch.message) == ("failed", DB_FAILURE_MESSAGE)


def test_a_batch_stuck_committing_past_the_visibility_timeout_goes_back_to_its_user(staff, settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    stuck, recent = previewed(staff), previewed(staff)
    start_commit(stuck)
    start_commit(recent)
    now = timezone.now()
    ImportBatch.objects.filter(pk=stuck.pk).update(commit_requested_at=now - timedelta(minutes=76))
    ImportBatch.objects.filter(pk=recent.pk).update(commit_requested_at=now - timedelta(minutes=74))
    assert tasks.STUCK_COMMIT_MARGIN == timedelta(minutes=15)
    assert release_stuck_commits() == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.message) == ("preview", STUCK_COMMIT_MESSAGE)
    assert STUCK_COMMIT_MESSAGE == (
        "Việc nhập lô này bị gián đoạn, chưa có số liệu nào được ghi. "
        "Hãy bấm “Xác nhận nhập số liệu” lần nữa."
    )
    assert ImportBatch.objects.get(pk=recent.pk).status == "committing"
    # The lost message arriving late finds the batch handed back and writes nothing.
    assert commit_batch_task(stuck.pk, staff.pk) == "preview"
    assert stored() == set()


def test_the_beat_schedule_releases_stuck_commits_every_10_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["release-stuck-import-commits"]
    assert entry["task"] == "imports.tasks.release_stuck_commits"
    assert entry["schedule"].minute == set(range(0, 60, 10))


def test_an_upload_whose_analysis_loses_the_database_fails_with_a_message_not_a_500(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    """Run eagerly (no broker: the upload request waits for the analysis), a lost connection fails the
    batch at once with a Vietnamese message; the page answers, it does not crash."""

    def down(batch, *, user, data=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "refresh_preview", down)
    client.force_login(staff)
    upload = SimpleUploadedFile("so-lieu.xlsx", build_xlsx({"so-lieu": ROWS}))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"file": upload, "period": ""})
    assert response.status_code == 302
    batch = ImportBatch.objects.get(filename="so-lieu.xlsx")
    assert (batch.status, batch.message) == ("failed", services.ANALYSIS_DB_FAILURE_MESSAGE)
    assert batch.message == (
        "Mất kết nối cơ sở dữ liệu trong khi đọc tệp: chưa có số liệu nào được ghi. Vui lòng tải tệp lên lại."
    )
    page = client.get(response.url)
    assert page.status_code == 200 and batch.message in page.content.decode()
    assert stored() == set()


def test_a_worker_retries_an_analysis_that_lost_the_database_then_fails_the_batch(staff, monkeypatch):
    batch = previewed(staff)
    retries = []

    def down(batch, *, user, data=None):
        raise OperationalError("server closed the connection unexpectedly")

    def retry(exc, countdown):
        retries.append(countdown)
        return _Retry()

    monkeypatch.setattr(tasks, "refresh_preview", down)
    monkeypatch.setattr(tasks.analyse_batch, "retry", retry)
    for attempt in range(3):
        tasks.analyse_batch.push_request(id=f"a-{attempt}", retries=attempt, is_eager=False)
        try:
            with pytest.raises(_Retry):
                tasks.analyse_batch.run(batch.pk, staff.pk)
        finally:
            tasks.analyse_batch.pop_request()
    tasks.analyse_batch.push_request(id="a-3", retries=3, is_eager=False)
    try:
        assert tasks.analyse_batch.run(batch.pk, staff.pk) == "failed"
    finally:
        tasks.analyse_batch.pop_request()
    assert retries == [1, 2, 4]
    batch.refresh_from_db()
    assert (batch.status, batch.message) == ("failed", services.ANALYSIS_DB_FAILURE_MESSAGE)
