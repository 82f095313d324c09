"""What the write door refuses at commit (a value the preview could not know was refused) ends as a
batch state naming the cell, never as a 500 or a failed-database message; nothing is written."""

from django.urls import reverse

from imports.services import import_file
from indicators.models import DataValue, ValueChange
from tests.api.conftest import token_client

from .xlsx_builders import build_xlsx

TOO_LARGE = '"10000000000000000000" quá lớn: tối đa 18 chữ số trước dấu thập phân'


def workbook():
    return build_xlsx(
        {
            "so-lieu": [
                ["indicator", "unit", "period", "value", "note"],
                ["APP-BPTODAY-USERS", "BUDOP", "2023-08", 1039, ""],
                ["APP-BPTODAY-USERS", "DONGXOAI", "2023-08", 1e19, ""],
            ]
        }
    )


def test_a_one_shot_import_the_door_refuses_is_rejected_with_the_cell(staff):
    outcome = import_file(workbook(), user=staff, filename="a.xlsx")
    batch = outcome.batch
    assert outcome.status == "rejected"
    assert batch.message == (
        f"Không nhập được lô #{batch.pk}: Sheet 'so-lieu', dòng 3, cột 'value': {TOO_LARGE}. "
        "Chưa có số liệu nào được ghi."
    )
    assert [(e["cell"], e["message"], e["code"]) for e in outcome.errors] == [
        ("D3", f"Sheet 'so-lieu', dòng 3, cột 'value': {TOO_LARGE}", "too_large")
    ]
    assert DataValue.objects.count() == ValueChange.objects.count() == 0


def test_a_web_commit_the_door_refuses_goes_back_to_the_preview_and_the_cell_can_be_left_out(
    staff, django_capture_on_commit_callbacks
):
    batch = import_file(workbook(), user=staff, commit=False, filename="a.xlsx").batch
    client = token_client(None)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "preview"
    assert batch.message.startswith(f"Không nhập được lô #{batch.pk}: Sheet 'so-lieu', dòng 3, cột 'value'")
    assert [e["cell"] for e in batch.errors] == ["D3"]
    assert DataValue.objects.count() == 0
    client.post(reverse("imports:batch_update", args=[batch.pk]), {"exclude": "so-lieu!D3", "period": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.counts["new"]) == ("committed", 1)
    assert list(DataValue.objects.values_list("unit__code", "value")) == [("BUDOP", 1039)]
