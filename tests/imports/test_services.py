"""The flow through the database: CLI contract, preview counts, commit, re-import, undo, scoping."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from imports.blank_workbook import build_entry_template
from imports.models import ImportBatch
from imports.services import commit_batch, create_preview, import_file, undo_batch, update_preview
from indicators.models import AuditEntry, DataValue
from units.models import Unit

from .xlsx_builders import AUGUST, JANUARY

pytestmark = pytest.mark.django_db
D = Decimal


def run_cli(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_workbook", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def value(indicator, unit, period):
    return DataValue.objects.get(indicator__code=indicator, unit__code=unit, period=period).value


def test_cli_imports_january_and_a_second_run_changes_nothing(catalogue):
    code, out = run_cli(str(JANUARY), "--period", "2023-01", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["status"] == "committed"
    assert data["period"] == "2023-01"
    assert data["counts"] == {"new": 269, "changed": 0, "unchanged": 0, "skipped": 0}
    assert data["errors"] == []
    assert [(w["sheet"], w["cell"]) for w in data["warnings"]] == [
        ("DVCTT", "F5"),
        ("Phan mem", "D4"),
        ("Phan mem", "D25"),
    ]
    assert set(data["warnings"][0]) >= {"sheet", "row", "column", "cell", "value", "message"}
    assert value("DVC-SVC-RATE", "SGTVT", "2023-01") == D("92.9")
    assert value("DVC-FILE-RATE", "SGDDT", "2023-01") == D("98.9")
    assert value("SW-ESIGN-RATE", "SGDDT", "2023-01") == D("92.7")
    assert value("SW-ECABINET-YTD", "DONGXOAI", "2023-01") == D(1039)
    assert value("APP-BPTODAY-USERS", "BP", "2023-01") == D(24575)
    assert value("HOT-RECEIVED", "BP", "2023-01") == D(1515)
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="SGTVT", period="2023-01").raw
        == "0.929"
    )
    code, out = run_cli(str(JANUARY), "--period", "2023-01", "--json")
    assert code == 0
    assert json.loads(out)["counts"] == {"new": 0, "changed": 0, "unchanged": 269, "skipped": 0}


def test_cli_rejects_august_and_writes_nothing(catalogue):
    code, out = run_cli(str(AUGUST), "--period", "2023-08", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["status"] == "rejected"
    (err,) = data["errors"]
    assert (err["sheet"], err["row"], err["cell"], err["value"]) == ("Thanh toan truc tuyen", 9, "K9", "2,73")
    assert err["suggestion"] == "2.730 (theo dòng Tổng)"
    assert DataValue.objects.filter(period="2023-08").count() == 0
    assert ImportBatch.objects.get(pk=data["batch"]).status == "rejected"


def test_cli_skip_invalid_commits_the_rest_and_lists_the_skipped_cell(catalogue):
    code, out = run_cli(str(AUGUST), "--period", "2023-08", "--skip-invalid", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["counts"] == {"new": 309, "changed": 0, "unchanged": 0, "skipped": 1}
    assert data["skipped"] == [{"sheet": "Thanh toan truc tuyen", "cell": "K9"}]
    assert [w["code"] for w in data["warnings"]] == ["total_mismatch", "total_mismatch"]
    assert not DataValue.objects.filter(indicator__code="TAX-NVTC-COUNT-YTD", unit__code="BUDANG").exists()
    assert value("TAX-NVTC-COUNT-YTD", "BP", "2023-08") == D(22378)
    assert value("TAX-FEE-COUNT", "DONGPHU", "2023-08") == D(0)
    assert value("TAX-NVTC-AMOUNT", "DONGXOAI", "2023-08") == D(5144126233)
    assert value("APP-BPTODAY-USERS", "BP-UNK", "2023-08") == D(25211)
    assert value("ECERT-DONE", "BP", "2023-08") == D(106314)
    assert value("MEDIA-POSTS-CUM", "BP", "2023-08") == D(1452)
    assert value("HOT-LATE-LEAD", "BP", "2023-08") == D(6)
    assert value("DVC-SVC-RATE", "BP", "2023-08") == D(99)


def test_dry_run_writes_nothing_and_exits_zero_when_clean(catalogue):
    code, out = run_cli(str(JANUARY), "--period", "2023-01", "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["status"] == "dry_run"
    assert DataValue.objects.count() == 0


def test_cli_exits_2_for_an_unreadable_file(catalogue, tmp_path):
    pdf = tmp_path / "bao-cao.xlsx"
    pdf.write_bytes(b"%PDF-1.4 this is not a workbook")
    code, out = run_cli(str(pdf), "--period", "2023-08", "--json")
    data = json.loads(out)
    assert code == 2
    assert data["status"] == "rejected"
    assert (
        data["errors"][0]["message"]
        == "Tệp là PDF, không phải bảng tính. Chỉ nhận bảng tính Excel (.xlsx, .xlsm, .xlsb, .xls), "
        "OpenDocument (.ods) hoặc văn bản CSV/TXT (phân cách bằng dấu phẩy, chấm phẩy hoặc tab)."
    )
    code, _ = run_cli(str(tmp_path / "missing.xlsx"), "--json")
    assert code == 2


def test_a_monthly_workbook_without_period_is_rejected(catalogue):
    code, out = run_cli(str(JANUARY), "--json")
    data = json.loads(out)
    assert code == 1
    assert data["errors"][0]["message"] == "Chưa có kỳ báo cáo: hãy chọn kỳ (YYYY-MM)."


def test_undo_restores_the_previous_values(catalogue, staff):
    first = import_file(JANUARY, period="2023-01", user=staff)
    dv = DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="SGTVT", period="2023-01")
    DataValue.objects.filter(pk=dv.pk).update(value=D("50"), batch_id=first.batch.pk)
    second = import_file(JANUARY, period="2023-01", user=staff)
    assert second.counts["changed"] == 1
    assert value("DVC-SVC-RATE", "SGTVT", "2023-01") == D("92.9")
    assert undo_batch(second.batch, staff) == {"deleted": 0, "restored": 1}
    assert value("DVC-SVC-RATE", "SGTVT", "2023-01") == D("50")
    with pytest.raises(Exception, match="đã được thay đổi sau đó|chưa được nhập"):
        undo_batch(second.batch, staff)
    assert undo_batch(first.batch, staff) == {"deleted": 269, "restored": 0}
    assert DataValue.objects.count() == 0
    assert AuditEntry.objects.filter(action="imports.batch.undone").count() == 2


def test_a_reporter_may_only_import_its_own_units(catalogue, reporter):
    outcome = import_file(JANUARY, period="2023-01", user=reporter)
    assert outcome.status == "rejected"
    forbidden = [e for e in outcome.errors if e["code"] == "forbidden_unit"]
    assert forbidden and all("Bạn không có quyền nhập số liệu cho đơn vị" in e["message"] for e in forbidden)
    assert not any("Thành phố Đồng Xoài'" in e["message"] for e in forbidden)
    assert DataValue.objects.count() == 0
    outcome = import_file(JANUARY, period="2023-01", user=reporter, skip_invalid=True)
    assert outcome.status == "committed"
    assert set(DataValue.objects.values_list("unit__code", flat=True)) == {"DONGXOAI"}


def test_web_preview_correction_and_commit(catalogue, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("thang8.xlsx", AUGUST.read_bytes())
    batch = create_preview(upload, period="2023-08", user=staff)
    assert batch.status == "preview"
    assert batch.counts == {"new": 309, "changed": 0, "unchanged": 0, "skipped": 1}
    assert not batch.can_commit
    batch = update_preview(batch, user=staff, corrections={"Thanh toan truc tuyen!K9": "2730"})
    assert batch.errors == []
    assert batch.counts["new"] == 310
    outcome = commit_batch(batch, staff)
    assert outcome.status == "committed"
    assert value("TAX-NVTC-COUNT-YTD", "BUDANG", "2023-08") == D(2730)
    assert (
        DataValue.objects.get(indicator__code="TAX-NVTC-COUNT-YTD", unit__code="BUDANG").raw == "2,73 → 2.730"
    )


def test_entry_template_round_trip(catalogue, reporter, tmp_path):
    unit = Unit.objects.get(code="DONGXOAI")
    data = build_entry_template(unit, "2023-09")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    rows = {ws.cell(r, 2).value: r for r in range(4, ws.max_row + 1)}
    assert "DVC-SVC-RATE" in rows and "APP-BPTODAY-USERS" in rows and "ECERT-DONE" not in rows
    ws.cell(rows["DVC-SVC-RATE"], 6, 97.5)
    ws.cell(rows["APP-BPTODAY-USERS"], 6, "3.512")
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    outcome = import_file(path, user=reporter)
    assert outcome.status == "committed", outcome.errors
    assert outcome.period == "2023-09"
    assert value("DVC-SVC-RATE", "DONGXOAI", "2023-09") == D("97.5")
    assert value("APP-BPTODAY-USERS", "DONGXOAI", "2023-09") == D(3512)


def test_a_dti_table_writes_scores_per_pillar(catalogue, staff):
    from indicators.models import DTIScore

    from .test_formats import DTI_ROWS
    from .xlsx_builders import build_xlsx

    outcome = import_file(build_xlsx({"DTI": DTI_ROWS}), user=staff, filename="dti.xlsx", skip_invalid=True)
    assert outcome.status == "committed", outcome.errors
    assert [w["code"] for w in outcome.warnings] == ["dti_total_mismatch", "dti_group_mismatch"]
    scores = {
        (s.unit.code, s.pillar.code): s.score
        for s in DTIScore.objects.filter(year=2022).select_related("unit", "pillar")
    }
    assert len(scores) == 18
    assert scores[("DONGXOAI", "KINH-TE")] == D(80)
    assert scores[("BUDOP", "WEB")] == D(60)
    again = import_file(build_xlsx({"DTI": DTI_ROWS}), user=staff, filename="dti.xlsx")
    assert again.status == "committed"
    assert DTIScore.objects.count() == 18
