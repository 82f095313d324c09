import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from indicators import exports
from indicators.models import AuditEntry, DataValue, ValueChange
from indicators.services import ValueInput, record_values


@pytest.fixture
def written(staff):
    return record_values(
        [
            ValueInput("DVC-SVC-RATE", "SGTVT", "2023-01", Decimal("92.9"), raw="0.929"),
            ValueInput("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", Decimal("3403"), raw="3.403"),
            ValueInput("TAX-NVTC-AMOUNT", "DONGXOAI", "2023-08", Decimal("5144126233")),
            ValueInput(
                "CQS-WORK-ONLINE",
                "BP",
                "2023-06",
                Decimal("95"),
                raw="95%, 92%, 70%",
                tiers={"province": 95, "district": 92, "commune": 70},
            ),
        ],
        user=staff,
        source="form",
    )


def export(capsys, *args):
    call_command("export_values", *args)
    return json.loads(capsys.readouterr().out)


def test_export_prints_an_empty_list_on_an_empty_database(catalogue, capsys):
    assert export(capsys) == []


def test_values_written_through_the_service_round_trip(written, capsys):
    assert (written.created, written.changed, written.unchanged) == (4, 0, 0)
    rows = export(capsys, "--period", "2023-08")
    # The status engine adds its keys (target, status, change_text, …); these are the base contract.
    assert [{k: r[k] for k in exports.BASE_KEYS} for r in rows] == [
        {
            "indicator": "APP-BPTODAY-USERS",
            "unit": "DONGXOAI",
            "period": "2023-08",
            "value": 3403,
            "numerator": None,
            "denominator": None,
            "raw": "3.403",
            "source": "form",
            "note": "",
        },
        {
            "indicator": "TAX-NVTC-AMOUNT",
            "unit": "DONGXOAI",
            "period": "2023-08",
            "value": 5144126233,
            "numerator": None,
            "denominator": None,
            "raw": "5144126233",
            "source": "form",
            "note": "",
        },
    ]
    [row] = export(capsys, "--indicator", "DVC-SVC-RATE")
    assert (row["value"], row["raw"], row["period"]) == (92.9, "0.929", "2023-01")
    [tiered] = export(capsys, "--unit", "BP")
    assert tiered["tiers"] == {"province": 95, "district": 92, "commune": 70}


def test_export_filters_by_range_and_writes_csv_and_xlsx(written, capsys, tmp_path):
    rows = export(capsys, "--from", "2023-02", "--to", "2023-07")
    assert [(r["indicator"], r["period"]) for r in rows] == [("CQS-WORK-ONLINE", "2023-06")]
    call_command("export_values", "--format", "csv", "--output", str(tmp_path / "v.csv"))
    lines = (tmp_path / "v.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("indicator,unit,period,value,numerator,denominator,raw,source,note,")
    assert "tiers" in lines[0].split(",")
    assert any(line.startswith("DVC-SVC-RATE,SGTVT,2023-01,92.9,,,0.929,form,,") for line in lines)
    call_command("export_values", "--format", "xlsx", "--output", str(tmp_path / "v.xlsx"))
    ws = load_workbook(tmp_path / "v.xlsx").active
    assert [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))][:4] == [
        "CQS-WORK-ONLINE",
        "BP",
        "2023-06",
        95,
    ]


def test_a_second_write_of_the_same_values_changes_nothing(written, staff):
    again = record_values(
        [ValueInput("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", Decimal("3403.0"), raw="3403")],
        user=staff,
        source="form",
    )
    assert (again.created, again.changed, again.unchanged) == (0, 0, 1)
    # One change row per value of the first write; values are not AuditEntry rows any more.
    assert ValueChange.objects.count() == 4
    assert AuditEntry.objects.count() == 0


def test_every_change_is_audited_with_before_and_after(written, staff):
    record_values(
        [ValueInput("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", Decimal("3410"))], user=staff, source="api"
    )
    entry = ValueChange.objects.filter(
        indicator__code="APP-BPTODAY-USERS", unit__code="DONGXOAI", period="2023-08"
    ).first()  # the newest
    assert entry.action == "updated"
    assert entry.value_before == Decimal("3403") and entry.value_after == Decimal("3410")
    # Only what changed: numerator, denominator, tiers and note stayed as they were.
    assert (entry.numerator_before, entry.numerator_after, entry.note_before, entry.note_after) == (
        None,
        None,
        None,
        None,
    )
    assert (entry.source, entry.user) == ("api", staff)
    assert DataValue.objects.get(unit__code="DONGXOAI", indicator__code="APP-BPTODAY-USERS").value == Decimal(
        "3410"
    )


def test_audit_entries_cannot_be_edited_or_deleted(written):
    change = ValueChange.objects.first()
    change.note_after = "sửa"
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    with pytest.raises(PermissionError):
        ValueChange.objects.all().delete()
    with pytest.raises(PermissionError):
        ValueChange.objects.update(note_after="x")
    entry = AuditEntry.objects.create(action="indicators.target.updated", object_type="target", object_key="x")
    entry.note = "sửa"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(note="x")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--indicator", "NOPE"], "Không có chỉ tiêu mã: NOPE"),
        (["--unit", "XX", "--unit", "BP"], "Không có đơn vị mã: XX"),
        (["--period", "2023-13"], 'Kỳ báo cáo "2023-13" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'),
        (["--period", "08/2023"], 'Kỳ báo cáo "08/2023" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'),
        (["--from", "2023-09", "--to", "2023-01"], "Kỳ bắt đầu 2023-09 sau kỳ kết thúc 2023-01"),
    ],
)
def test_export_refuses_bad_arguments(catalogue, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("export_values", *args)
    assert str(exc.value) == message
