"""The January and August 2023 data sets, built in code from the printed tables (tests/reports/printed.py)
with the previous month each table compares with, written through the indicators service and run
through the status engine."""

import datetime
from decimal import Decimal

import pytest

from indicators import engine
from indicators.services import ValueInput, record_values
from reports.models import Report
from reports.services import create_report

from . import printed as P

CHANGE_WORDS = {"Tăng": 1, "Giảm": -1}


def previous_from_change(value: Decimal, change: str) -> Decimal:
    """The previous report's value implied by the printed change column ("Giảm 7,1%" after 92,9 → 100)."""
    if change == "Bằng":
        return value
    word, amount = change.split(" ", 1)
    return value - CHANGE_WORDS[word] * P.number(amount)


def _dvc_rows(table, period, previous):
    rows = []
    for unit, svc, svc_change, _, file_rate, file_change, _ in table:
        for code, text, change in (
            ("DVC-SVC-RATE", svc, svc_change),
            ("DVC-FILE-RATE", file_rate, file_change),
        ):
            value = P.number(text)
            rows.append(ValueInput(code, unit, period, value, raw=text))
            rows.append(ValueInput(code, unit, previous, previous_from_change(value, change)))
    return rows


def _app_rows(table, total, period, previous):
    rows = []
    for unit, users, increase in table:
        rows.append(ValueInput("APP-BPTODAY-USERS", unit, period, P.number(users), raw=users))
        rows.append(ValueInput("APP-BPTODAY-USERS", unit, previous, P.number(users) - P.number(increase)))
    rows.append(ValueInput("APP-BPTODAY-USERS", "BP", period, P.number(total[0])))
    rows.append(ValueInput("APP-BPTODAY-USERS", "BP", previous, P.number(total[0]) - P.number(total[1])))
    return rows


def _software_rows(table, period):
    codes = ("SW-ECABINET-YTD", "SW-ESIGN-RATE", "SW-QLVB-RATE", "SW-EMAIL-RATE")
    return [
        ValueInput(code, unit, period, P.number(text), raw=text)
        for unit, *cells in table
        for code, text in zip(codes, cells, strict=True)
    ]


def _province_rows(codes, values, period):
    return [
        ValueInput(code, "BP", period, P.number(v), raw=v)
        for code, v in zip(codes, values, strict=True)
        if v is not None
    ]


def record(user, rows, capture):
    with capture(execute=True):
        record_values(rows, user=user, source="import")


def august_rows():
    rows = _dvc_rows(P.AUGUST_DVC, "2023-08", "2023-07")
    rows.append(ValueInput("DVC-SVC-RATE", "BP", "2023-08", Decimal(99), raw="99%"))
    rows += _app_rows(P.AUGUST_APP, P.AUGUST_APP_TOTAL, "2023-08", "2023-07")
    rows += _software_rows(P.AUGUST_SOFTWARE, "2023-08")
    rows += _province_rows(P.ECERT_CODES, P.AUGUST_ECERT, "2023-08")
    rows += _province_rows(P.HOTLINE_CODES, P.AUGUST_HOTLINE, "2023-08")
    # The July hotline figures: 367 received and 363 processed since, as the August report says.
    rows += _province_rows(("HOT-RECEIVED", "HOT-DONE"), ("1728", "1669"), "2023-07")
    rows += _province_rows(("MEDIA-POSTS-YTD", "MEDIA-POSTS-CUM"), P.AUGUST_MEDIA, "2023-08")
    for unit, *cells in P.AUGUST_TAX:
        for code, text in zip(P.TAX_CODES, cells, strict=True):
            rows.append(ValueInput(code, unit, "2023-08", P.number(text), raw=text))
    rows += _province_rows(P.TAX_CODES, P.AUGUST_TAX_TOTAL, "2023-08")
    return rows


def january_rows():
    rows = _dvc_rows(P.JANUARY_DVC, "2023-01", "2022-12")
    rows += _app_rows(P.JANUARY_APP, P.JANUARY_APP_TOTAL, "2023-01", "2022-12")
    rows += _software_rows(P.JANUARY_SOFTWARE, "2023-01")
    codes = (
        "CNS-COMMUNE-TEAMS",
        "CNS-COMMUNE-TEAM-RATE",
        "CNS-COMMUNE-MEMBERS",
        "CNS-HAMLET-TEAMS",
        "CNS-HAMLET-MEMBERS",
    )
    for unit, *cells in P.JANUARY_CNSCD:
        for code, text in zip(codes, cells, strict=True):
            rows.append(ValueInput(code, unit, "2023-01", P.number(text), raw=text))
    rows += _province_rows(codes, P.JANUARY_CNSCD_TOTAL, "2023-01")
    rows += _province_rows(P.ECERT_CODES, P.JANUARY_ECERT, "2023-01")
    rows += _province_rows(P.HOTLINE_CODES, P.JANUARY_HOTLINE, "2023-01")
    rows += _province_rows(("MEDIA-POSTS-YTD", "MEDIA-POSTS-CUM"), P.JANUARY_MEDIA, "2023-01")
    return rows


PRINTED_ORDERS_AUGUST = {
    "dvc": [r[0] for r in P.AUGUST_DVC],
    "app": [r[0] for r in P.AUGUST_APP],
    "software": [r[0] for r in P.AUGUST_SOFTWARE],
    "tax": [r[0] for r in P.AUGUST_TAX],
}
PRINTED_ORDERS_JANUARY = {
    "dvc": [r[0] for r in P.JANUARY_DVC],
    "app": [r[0] for r in P.JANUARY_APP],
    "software": [r[0] for r in P.JANUARY_SOFTWARE],
    "cnscd": [r[0] for r in P.JANUARY_CNSCD],
}


@pytest.fixture
def august_data(staff, django_capture_on_commit_callbacks):
    record(staff, august_rows(), django_capture_on_commit_callbacks)
    engine.recompute_all()


@pytest.fixture
def january_data(staff, django_capture_on_commit_callbacks):
    record(staff, january_rows(), django_capture_on_commit_callbacks)
    engine.recompute_all()


@pytest.fixture
def august_report(august_data, staff) -> Report:
    """The August draft as staff set it up: number, dates and the units in the printed order."""
    return create_report(
        "2023-08",
        user=staff,
        number="08/BC-STTTT",
        issue_date=datetime.date(2023, 9, 30),
        data_date=datetime.date(2023, 9, 30),
        apps_date=datetime.date(2023, 10, 4),
        row_orders=PRINTED_ORDERS_AUGUST,
    )


@pytest.fixture
def january_report(january_data, staff) -> Report:
    return create_report(
        "2023-01",
        user=staff,
        number="01/BC-STTTT",
        issue_date=datetime.date(2023, 2, 20),
        data_date=datetime.date(2023, 2, 18),
        apps_date=datetime.date(2023, 2, 19),
        row_orders=PRINTED_ORDERS_JANUARY,
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Rendered files go to a fresh MEDIA_ROOT per test (exact file names, nothing left behind)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
