"""Periods outside any real calendar (issue 16 #8): `0000-01` and `9999-12` are refused by every
channel with one Vietnamese message, and can never be stored (so the nightly recompute never meets
one). The API endpoints are covered in tests/api."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils.html import escape

from core.periods import PERIOD_MESSAGE, PeriodError, is_period, parse_period
from indicators import engine
from indicators.models import DataValue, Indicator
from units.models import Unit

BAD = ["0000-01", "9999-12", "1999-12", "2101-01", "2023-13", "2023-00", "08/2023", "2023-8", "2023-08\x00"]


def message(text):
    return PERIOD_MESSAGE % {"text": text}


@pytest.mark.parametrize("text", BAD)
def test_the_core_refuses_every_unreal_period_with_one_message(text):
    assert not is_period(text)
    with pytest.raises(PeriodError) as exc:
        parse_period(text)
    assert str(exc.value) == message(text)


@pytest.mark.parametrize("text", ["2000-01", "2023-08", "2100-12"])
def test_the_accepted_years_are_2000_to_2100(text):
    assert parse_period(text) == text


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_the_database_refuses_to_store_one(catalogue, period):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataValue.objects.create(
            indicator=Indicator.objects.get(code="DVC-SVC-RATE"),
            unit=Unit.objects.get(code="DONGXOAI"),
            period=period,
            value=1,
            source="api",
        )
    assert engine.recompute_all().values == 0  # the nightly run meets nothing it cannot compute


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
@pytest.mark.parametrize(
    "command, args",
    [
        ("export_values", ["--period"]),
        ("recompute_status", ["--period"]),
        ("build_report", []),
    ],
)
def test_the_commands_refuse_it_with_the_message(catalogue, command, args, period):
    with pytest.raises(CommandError) as exc:
        call_command(command, *args, period, stdout=io.StringIO())
    assert str(exc.value) == message(period)


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_import_workbook_refuses_it_and_exits_1(catalogue, period, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not read")
    with pytest.raises(SystemExit) as exc:
        call_command("import_workbook", str(path), "--period", period)
    assert exc.value.code == 1
    assert message(period) in capsys.readouterr().err


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_the_entry_form_answers_404_with_the_message(client, reporter, period):
    client.force_login(reporter)
    response = client.get(f"/nhap-so-lieu/DONGXOAI/{period}/")
    assert response.status_code == 404


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_the_upload_form_refuses_it_with_the_message(client, staff, period):
    client.force_login(staff)
    upload = SimpleUploadedFile("bao-cao.xlsx", b"PK\x03\x04")
    response = client.post("/nhap-lieu/", {"period": period, "file": upload})
    assert response.status_code == 200
    assert escape(message(period)) in response.content.decode()


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_the_report_pages_do_not_exist_for_it(client, staff, period):
    client.force_login(staff)
    assert client.get(f"/bao-cao/{period}/").status_code == 404
    response = client.post("/bao-cao/tao/", {"period": period}, follow=True)
    assert escape(message(period)) in response.content.decode()


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_a_dashboard_asked_for_it_shows_the_latest_real_month(client, viewer, period):
    client.force_login(viewer)
    response = client.get("/", {"period": period})
    assert response.status_code == 200
    assert period not in response.content.decode()
