"""Stored uploads: generated file names, the original name kept as data (issue 16 #12), and a batch
whose stored file is gone ends failed with a Vietnamese message instead of staying pending (#15)."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportBatch
from imports.services import kept_name, start_commit, stored_name
from imports.tasks import analyse_batch, commit_batch_task
from indicators.models import DataValue
from tests.api.conftest import token_client

from .xlsx_builders import JANUARY

pytestmark = pytest.mark.django_db

# 85 Vietnamese letters (3 bytes each in UTF-8: more than the 255 bytes a file name may have on Linux
# file systems) and 250 ASCII ones (255 bytes once the storage adds its suffix to a name in use).
VIETNAMESE = "Bữữ" + "ữ" * 82 + ".xlsx"
ASCII = "bao-cao-" + "x" * 237 + ".xlsx"


@pytest.mark.parametrize("name", [VIETNAMESE, ASCII], ids=["vietnamese", "ascii"])
def test_an_upload_with_a_very_long_name_is_stored_and_analysed(
    client, staff, name, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    # Twice: a corrected file sent again under the same name (the storage would add a suffix).
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("imports:upload"),
                {"file": SimpleUploadedFile(name, JANUARY.read_bytes()), "period": "2023-01"},
            )
        assert response.status_code == 302
    first, second = ImportBatch.objects.order_by("pk")
    for batch in (first, second):
        assert (batch.status, batch.filename, batch.counts["new"]) == ("preview", name, 269)
        assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", Path(batch.file.name).name)
        assert batch.file.read() == JANUARY.read_bytes()
    assert first.file.name != second.file.name
    page = client.get(reverse("imports:batch_detail", args=[second.pk])).content.decode()
    assert name in page


@pytest.mark.parametrize("name", [VIETNAMESE, ASCII], ids=["vietnamese", "ascii"])
def test_the_api_takes_a_very_long_file_name(staff, name):
    response = token_client(staff).post(
        reverse("api:import-create") + "?commit=1",
        {"file": SimpleUploadedFile(name, JANUARY.read_bytes()), "period": "2023-01"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    batch = ImportBatch.objects.get()
    assert (batch.filename, batch.status) == (name, "committed")
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", Path(batch.file.name).name)
    assert DataValue.objects.count() == 269


def test_stored_names_are_generated_and_keep_only_a_plain_extension():
    assert kept_name("a" * 300 + ".xlsx") == "a" * 250 + ".xlsx"
    assert kept_name(VIETNAMESE) == VIETNAMESE
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", stored_name("Báo cáo.XLSX"))
    assert re.fullmatch(r"[0-9a-f]{32}\.ods", stored_name("a.b.ods"))
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name("không có đuôi"))
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name("x.tệp"))
    assert re.fullmatch(r"[0-9a-f]{32}", stored_name("../../etc/passwd"))
    assert stored_name("a.xlsx") != stored_name("a.xlsx")


MISSING = "Tệp của lô nhập không còn trên máy chủ."


def test_a_batch_whose_file_is_gone_before_its_analysis_ends_failed_not_pending(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False):  # the analysis has not run yet
        client.post(
            reverse("imports:upload"),
            {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
        )
    batch = ImportBatch.objects.get()
    assert batch.status == "pending"
    batch.file.storage.delete(batch.file.name)  # lost: a cleaned-up disk, a restore without media

    assert analyse_batch(batch.pk, staff.pk) == "failed"

    batch.refresh_from_db()
    assert (batch.status, batch.message) == ("failed", MISSING)
    assert [e["message"] for e in batch.errors] == [MISSING]
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert MISSING in page


def test_a_batch_whose_file_is_gone_before_its_commit_ends_failed(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload"),
            {"file": SimpleUploadedFile("t1.xlsx", JANUARY.read_bytes()), "period": "2023-01"},
        )
    batch = ImportBatch.objects.get()
    assert batch.status == "preview"
    batch.file.storage.delete(batch.file.name)
    assert start_commit(batch) is True
    assert commit_batch_task(batch.pk, staff.pk) == "failed"
    batch.refresh_from_db()
    assert (batch.status, batch.message) == ("failed", MISSING)
    assert DataValue.objects.count() == 0
