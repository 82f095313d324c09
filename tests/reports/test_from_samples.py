"""The sample workbooks imported through the intake (tests may use `imports`; product code never does),
then the report built from what was imported, with the previous month written in code."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from indicators import engine
from reports.services import compose_document, create_report

from . import printed as P
from .conftest import PRINTED_ORDERS_AUGUST, PRINTED_ORDERS_JANUARY, _app_rows, _dvc_rows, record
from .helpers import narrative, row, tables, unit_rows

pytestmark = pytest.mark.django_db
SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"


def import_sample(name, period, staff):
    from imports.services import import_file

    outcome = import_file(SAMPLES / name, period=period, user=staff, skip_invalid=True)
    assert outcome.batch.status == "committed", outcome.batch.message
    engine.recompute_all()


def previous_month_only(rows, period):
    return [r for r in rows if r.period != period]


def test_the_august_workbook_gives_the_printed_tables(staff, django_capture_on_commit_callbacks):
    july = previous_month_only(_dvc_rows(P.AUGUST_DVC, "2023-08", "2023-07"), "2023-08")
    july += previous_month_only(_app_rows(P.AUGUST_APP, P.AUGUST_APP_TOTAL, "2023-08", "2023-07"), "2023-08")
    record(staff, july, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        import_sample("bao-cao-2023-08.xlsx", "2023-08", staff)
    report = create_report(
        "2023-08",
        issue_date=datetime.date(2023, 9, 30),
        data_date=datetime.date(2023, 9, 30),
        apps_date=datetime.date(2023, 10, 4),
        row_orders=PRINTED_ORDERS_AUGUST,
    )
    doc = compose_document(report)
    dvc = tables(doc)["dvc"]
    expected = [
        [P.as_generated(svc), svc_change, svc_status, P.as_generated(f), f_change, f_status]
        for _, svc, svc_change, svc_status, f, f_change, f_status in P.AUGUST_DVC
    ]
    assert [r["cells"][2:] for r in unit_rows(dvc)] == expected
    assert row(dvc, "total")["cells"][1] == "99%"
    app = tables(doc)["app"]
    assert [r["cells"][2:] for r in unit_rows(app)] == [
        [P.as_generated(u), P.as_generated(i)] for _, u, i in P.AUGUST_APP
    ]
    assert row(app, "total")["cells"][2:] == ["40.387", "3.673"]
    software = tables(doc)["software"]
    assert [r["cells"][2] for r in unit_rows(software)] == [P.as_generated(r[1]) for r in P.AUGUST_SOFTWARE]
    assert "Đồng Xoài (3.403), Phú Riềng (1.864), Chơn Thành (1.861)" in narrative(doc, "app")[0]


def test_the_january_workbook_gives_the_printed_tables(staff, django_capture_on_commit_callbacks):
    december = previous_month_only(_dvc_rows(P.JANUARY_DVC, "2023-01", "2022-12"), "2023-01")
    record(staff, december, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        import_sample("bao-cao-2023-01.xlsx", "2023-01", staff)
    report = create_report("2023-01", data_date=datetime.date(2023, 2, 18), row_orders=PRINTED_ORDERS_JANUARY)
    t = tables(compose_document(report))
    assert [r["cells"][2:] for r in unit_rows(t["dvc"])] == [
        [
            P.as_generated(s if s.endswith("%") else s + "%"),
            sc,
            ss,
            P.as_generated(f if f.endswith("%") else f + "%"),
            fc,
            fs,
        ]
        for _, s, sc, ss, f, fc, fs in P.JANUARY_DVC
    ]
    assert row(t["cnscd"], "total")["cells"] == ["", "Tổng", "111", "100%", "1.680", "843", "5.962"]
    assert row(t["ecert"], "BP")["cells"][2:] == [P.as_generated(v) for v in P.JANUARY_ECERT]
