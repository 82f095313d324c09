"""The data the page matrix walks through: the demo (`seed_demo`: catalogue, the four demo users, the
two sample workbooks, a draft of Đồng Xoài) plus what makes every kind of page exist for every
persona: an import preview with a changed value, a new one, an error and a warning; a committed batch
to undo; a draft report and a published one; a submitted month in the approval queue."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command

from entry.services import transitions
from imports.services import create_preview, import_file
from indicators import deadlines
from indicators.models import DTIScore
from indicators.services import ValueInput, record_values
from reports.models import Report
from reports.services import create_report, publish_report
from tests.dashboards.seed_data import seed_dti
from tests.imports.xlsx_builders import build_xlsx
from units.models import Unit

PASSWORD = "cds-demo-2023"
# persona → demo username
PERSONAS = {"staff": "canbo", "agency": "sotttt", "district": "dongxoai", "viewer": "bcd"}


def long_workbook(rows) -> bytes:
    return build_xlsx({"so-lieu": [["chỉ tiêu", "đơn vị", "kỳ", "giá trị", "ghi chú"], *rows]})


def seed_world() -> dict:
    call_command("seed_demo", stdout=_Null())
    if not DTIScore.objects.exists():  # the DTI page with its pillars, totals and what-if
        seed_dti()
    users = {p: get_user_model().objects.get(username=u) for p, u in PERSONAS.items()}
    # Đồng Xoài's July imported by its reporter (every required indicator) and submitted: it waits in
    # the approval queue. Its June is a batch that can still be undone.
    dongxoai = Unit.objects.get(code="DONGXOAI")
    required = [i.code for i in deadlines.required_indicators(deadlines.indicators_for(dongxoai))]
    import_file(
        long_workbook([[code, "DONGXOAI", "2023-07", "5", ""] for code in required]),
        user=users["district"],
        filename="dong-xoai-thang-7.xlsx",
    )
    if transitions.get_submission(dongxoai, "2023-07").state == "draft":
        transitions.submit(dongxoai, "2023-07", user=users["district"])
    committed = import_file(
        long_workbook(
            [
                ["DVC-SVC-RATE", "DONGXOAI", "2023-06", "91,5%", ""],
                ["APP-BPTODAY-USERS", "DONGXOAI", "2023-06", "1.020", ""],
            ]
        ),
        user=users["district"],
        filename="dong-xoai-thang-6.xlsx",
    ).batch
    # A preview of August: one value changed, one new, one error, one warning.
    preview = create_preview(
        long_workbook(
            [
                ["DVC-SVC-RATE", "DONGXOAI", "2023-08", "95,5%", ""],
                ["DVC-FILE-RATE", "DONGXOAI", "2023-08", "12,5a", ""],
                ["APP-BPTODAY-USERS", "DONGXOAI", "2023-08", "1.039", "số liệu từ Sở"],
                ["DVC-FILE-RATE", "DONGXOAI", "2023-09", "150%", ""],
            ]
        ),
        period=None,
        user=users["district"],
    )
    preview.filename = "dong-xoai-thang-8.xlsx"
    preview.save(update_fields=["filename"])
    agency = create_preview(
        long_workbook([["DVC-SVC-RATE", "STTTT", "2023-08", "99,1%", ""]]), period=None, user=users["agency"]
    )
    record_values(
        [ValueInput("DVC-SVC-RATE", "STTTT", "2023-09", Decimal("98.5"), raw="98,5%")],
        user=users["agency"],
        source="form",
    )
    published = create_report("2023-08", user=users["staff"])
    publish_report(Report.objects.get(pk=published.pk))
    create_report("2023-01", user=users["staff"])
    return {"preview": preview.pk, "committed": committed.pk, "agency_preview": agency.pk}


class _Null:
    def write(self, *_args, **_kwargs):
        return None

    def flush(self):
        return None
