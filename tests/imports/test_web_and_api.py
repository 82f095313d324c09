"""The upload page, preview, confirm and the API, with every persona."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from imports.models import ImportBatch
from indicators.models import DataValue

from .xlsx_builders import AUGUST, JANUARY

pytestmark = pytest.mark.django_db


def test_the_upload_page_previews_and_commits(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    assert client.get(reverse("imports:upload")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("imports:upload"),
            {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
        )
    batch = ImportBatch.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("imports:batch_detail", args=[batch.pk])
    page = client.get(resp["Location"]).content.decode()
    assert "Chờ xác nhận" in page and "92.70%" in page and "Xác nhận nhập số liệu" in page
    with django_capture_on_commit_callbacks(execute=True):  # the commit task, enqueued on commit
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    assert DataValue.objects.count() == 269
    assert client.get(reverse("imports:history")).status_code == 200


def test_errors_are_shown_by_cell_and_block_the_commit(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload"),
            {"file": SimpleUploadedFile("t8.xlsx", AUGUST.read_bytes()), "period": "2023-08"},
        )
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Thanh toan truc tuyen!K9" in page and "Gợi ý: 2.730 (theo dòng Tổng)" in page
    assert "Xác nhận nhập số liệu" not in page
    client.post(reverse("imports:batch_commit", args=[batch.pk]))
    assert DataValue.objects.count() == 0
    client.post(
        reverse("imports:batch_update", args=[batch.pk]),
        {"exclude": "Thanh toan truc tuyen!K9", "period": "2023-08"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    assert DataValue.objects.count() == 309


def test_bad_files_get_a_vietnamese_message_not_a_500(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("imports:upload"),
            {"file": SimpleUploadedFile("x.xlsx", bytes(range(256)) * 4), "period": "2023-08"},
        )
    batch = ImportBatch.objects.get()
    page = client.get(resp["Location"]).content.decode()
    assert batch.status == "failed", page
    assert "Không nhận ra định dạng tệp. Chỉ nhận bảng tính Excel (.xlsx, .xlsm, .xlsb, .xls)" in page


@pytest.mark.parametrize(
    ("persona", "status"), [("staff", 200), ("reporter", 200), ("outsider", 200), ("viewer", 403)]
)
def test_who_may_open_the_upload_page(client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("imports:upload")).status_code == status


def test_batches_of_others_are_hidden_from_reporters(client, personas):
    client.force_login(personas["reporter"])
    client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
    )
    batch = ImportBatch.objects.get()
    client.force_login(personas["outsider"])
    assert client.get(reverse("imports:batch_detail", args=[batch.pk])).status_code == 404
    client.force_login(personas["staff"])
    assert client.get(reverse("imports:batch_detail", args=[batch.pk])).status_code == 200


def test_entry_template_download_is_limited_to_writable_units(client, personas):
    client.force_login(personas["reporter"])
    ok = client.get(reverse("imports:entry_template"), {"unit": "DONGXOAI", "period": "2023-09"})
    assert ok.status_code == 200 and ok["Content-Type"].startswith("application/vnd.openxml")
    assert (
        client.get(reverse("imports:entry_template"), {"unit": "BUDOP", "period": "2023-09"}).status_code
        == 403
    )


def api_client(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return c


def test_api_returns_the_cli_json_and_commits_with_commit_1(personas):
    c = api_client(personas["staff"])
    url = reverse("api:import-create")
    resp = c.post(
        url,
        {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
        format="multipart",
    )
    assert resp.status_code == 200
    assert resp.json()["status"] == "dry_run"
    assert DataValue.objects.count() == 0
    resp = c.post(
        url + "?commit=1",
        {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
        format="multipart",
    )
    assert resp.status_code == 201
    body = resp.json()
    assert body["status"] == "committed" and body["counts"] == {
        "new": 269,
        "changed": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    resp = c.post(
        url + "?commit=1",
        {"file": SimpleUploadedFile("t8.xlsx", AUGUST.read_bytes()), "period": "2023-08"},
        format="multipart",
    )
    assert resp.status_code == 422 and resp.json()["errors"][0]["cell"] == "K9"
    resp = c.post(
        url, {"file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4"), "period": "2023-08"}, format="multipart"
    )
    assert resp.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"), [("staff", 201), ("reporter", 422), ("outsider", 422), ("viewer", 403)]
)
def test_api_scoping_for_every_persona(personas, persona, status):
    c = api_client(personas[persona])
    resp = c.post(
        reverse("api:import-create") + "?commit=1",
        {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
        format="multipart",
    )
    assert resp.status_code == status
    if persona in ("reporter", "outsider"):
        assert any(e["code"] == "forbidden_unit" for e in resp.json()["errors"])


def test_api_needs_a_token(catalogue):
    assert APIClient().post(reverse("api:import-create")).status_code in (401, 403)
