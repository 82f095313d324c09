"""The preview page shows each column → indicator and each unknown row label → unit with how it was
decided; staff change a column's indicator or ignore it, see the values update, confirm, and the
confirmed choice is saved for the sender."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportBatch, SavedMapping
from indicators.models import DataValue

from .xlsx_builders import AUGUST, build_xlsx, insert_column, sample_sheets

pytestmark = pytest.mark.django_db


def upload(client, data):
    resp = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("pm.xlsx", data), "period": "2023-08"}
    )
    assert resp.status_code == 302
    return ImportBatch.objects.latest("id")


def test_staff_answer_a_question_on_the_preview_and_the_answer_is_remembered(
    client, staff, django_capture_on_commit_callbacks
):
    column = ["", "", "Họp không giấy qua phần mềm Ecabinet (lũy kế)"] + [float(i) for i in range(33)]
    data = build_xlsx({"Phan mem": insert_column(sample_sheets(AUGUST)["Phan mem"], 3, column)})
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(client, data)
    batch.refresh_from_db()
    assert (batch.status, batch.can_commit) == ("preview", False)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Cột và đơn vị" in page
    assert "cùng được hiểu là chỉ tiêu SW-ECABINET-YTD" in page
    assert 'name="map:Phan mem|D"' in page
    assert '<span class="badge badge-unmapped">chưa rõ</span>' in page

    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("imports:batch_update", args=[batch.pk]),
            {"period": "2023-08", "map:Phan mem|C": "SW-ECABINET-YTD", "map:Phan mem|D": "__ignore__"},
        )
    assert resp.status_code == 302
    batch.refresh_from_db()
    assert batch.errors == [] and batch.can_commit
    cols = {m["column"]: (m["indicator"], m["how"]) for m in batch.mapping["columns"]}
    assert cols["C"] == ("SW-ECABINET-YTD", "given") and cols["D"] == (None, "given")
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert '<option value="__ignore__" selected>' in page
    assert "do bạn chọn" in page
    assert "SW-ECABINET-YTD" in page and "1.067" in page  # the value VP UBND tỉnh will get

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert DataValue.objects.get(indicator__code="SW-ECABINET-YTD", unit__code="VPUBND").value == 1067
    (saved,) = SavedMapping.objects.all()
    assert saved.user == staff
    assert sorted((c["header"], c["indicator"]) for c in saved.columns) == [
        ("Họp không giấy qua phần mềm Ecabinet", None),
        ("Hộp không giấy qua phần mềm Ecabinet", "SW-ECABINET-YTD"),
    ]

    # the next upload of the same header is read with the saved answers
    with django_capture_on_commit_callbacks(execute=True):
        nxt = upload(client, data)
    nxt.refresh_from_db()
    assert nxt.errors == []
    assert {m["column"]: m["how"] for m in nxt.mapping["columns"]}["C"] == "saved"
