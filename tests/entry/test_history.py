"""The history of a value and of a unit's month, read from the change log (plus the workflow and the
evidence entries of the audit log), on the pages and the API."""

from decimal import Decimal as D

from django.urls import reverse

from entry.services import transitions
from imports.services import import_file, undo_batch
from indicators.services import ValueInput, record_values
from tests.api.conftest import token_client
from tests.entry.conftest import district_rows, write
from tests.imports.xlsx_builders import build_xlsx
from units.models import Unit

PERIOD = "2023-08"


def history(user, key="DVC-SVC-RATE/DONGXOAI/2023-08"):
    response = token_client(user).get(f"/api/v1/values/{key}/history/")
    assert response.status_code == 200
    return [
        {k: e[k] for k in ("user", "action", "source", "before", "after", "note", "batch_id")}
        for e in response.json()["results"]
    ]


def test_a_values_history_shows_each_channel_and_the_undo_newest_first(reporter, staff):
    record_values([ValueInput("DVC-SVC-RATE", "DONGXOAI", PERIOD, D("90"))], user=reporter, source="form")
    record_values([ValueInput("DVC-SVC-RATE", "DONGXOAI", PERIOD, D("91.5"))], user=staff, source="api")
    workbook = build_xlsx(
        {
            "so-lieu": [
                ["indicator", "unit", "period", "value", "note"],
                ["DVC-SVC-RATE", "DONGXOAI", PERIOD, 95, ""],
            ]
        }
    )
    batch = import_file(workbook, user=staff, filename="b.xlsx").batch
    undo_batch(batch, staff)
    assert history(reporter) == [
        {
            "user": "staff",
            "action": "Hoàn tác lô nhập số liệu",
            "source": "hoàn tác",
            "before": "95",
            "after": "91.5",
            "note": f"Hoàn tác lô #{batch.pk}",
            "batch_id": batch.pk,
        },
        {
            "user": "staff",
            "action": "Sửa số liệu",
            "source": "nhập Excel",
            "before": "91.5",
            "after": "95",
            "note": "",
            "batch_id": batch.pk,
        },
        {
            "user": "staff",
            "action": "Sửa số liệu",
            "source": "API",
            "before": "90",
            "after": "91.5",
            "note": "",
            "batch_id": None,
        },
        {
            "user": "reporter",
            "action": "Tạo mới số liệu",
            "source": "biểu mẫu",
            "before": None,
            "after": "90",
            "note": "",
            "batch_id": None,
        },
    ]
    client = token_client(None)
    client.force_login(reporter)
    page = client.get(
        reverse("entry:value_history", args=["DVC-SVC-RATE", "DONGXOAI", PERIOD])
    ).content.decode()
    assert (
        "Hoàn tác lô nhập số liệu" in page
        and f"Hoàn tác lô #{batch.pk}" in page
        and "Tạo mới số liệu" in page
    )


def test_a_units_month_mixes_value_changes_with_the_workflow(reporter, staff):
    write(reporter, district_rows("DONGXOAI"))
    unit = Unit.objects.get(code="DONGXOAI")
    transitions.submit(unit, PERIOD, user=reporter)
    transitions.approve(unit, PERIOD, user=staff)
    client = token_client(None)
    client.force_login(staff)
    response = client.get(reverse("entry:review_detail", args=["DONGXOAI", PERIOD]))
    rows = [(h["action"], h["key"]) for h in response.context["history"]]
    # Newest first: the approval, the submission, the draft the reporter's write opened, its values.
    assert rows[:3] == [
        ("Duyệt báo cáo", f"DONGXOAI/{PERIOD}"),
        ("Gửi duyệt báo cáo", f"DONGXOAI/{PERIOD}"),
        ("Tạo mới báo cáo", f"DONGXOAI/{PERIOD}"),
    ]
    assert sorted(rows[3:]) == sorted(
        ("Tạo mới số liệu", f"{code}/DONGXOAI/{PERIOD}") for code, *_ in district_rows("DONGXOAI")
    )


def test_the_history_page_prints_vietnamese_numbers(client, reporter, staff):
    """Issue 17: the audit lists printed 92.9 and 1420; the page prints 92,9% and 1.420 (the API keeps
    the numbers)."""
    record_values([ValueInput("DVC-SVC-RATE", "DONGXOAI", PERIOD, D("92.9"))], user=staff, source="api")
    record_values([ValueInput("DVC-SVC-RATE", "DONGXOAI", PERIOD, D("93.15"))], user=staff, source="api")
    record_values([ValueInput("APP-BPTODAY-USERS", "DONGXOAI", PERIOD, D("1420"))], user=staff, source="api")
    client.force_login(staff)
    html = client.get(reverse("entry:value_history", args=["DVC-SVC-RATE", "DONGXOAI", PERIOD])).content.decode()
    assert "<td>92,9%</td><td>93,15%</td>" in html and "92.9" not in html
    html = client.get(reverse("entry:review_detail", args=["DONGXOAI", PERIOD])).content.decode()
    assert "<td>–</td><td>1.420</td>" in html and ">1420<" not in html
    assert history(staff)[0]["before"] == "92.9"
