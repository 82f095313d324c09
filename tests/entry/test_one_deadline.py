"""One deadline per report (issue 17): Đồng Xoài's 9/2023 showed "Hạn 19/09/2023" on the form and the
approval page (the KH57 quarter rule, before the month had even ended) and 10/10/2023 on the unit page
and the overview. Every page, the reminder e-mail and the API now print the same date."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from entry.services import transitions
from entry.tasks import send_reminders
from indicators import deadlines
from indicators.engine import recompute_all
from indicators.models import Submission
from units.models import Unit

from .conftest import district_rows, write

pytestmark = pytest.mark.django_db

SEPTEMBER = "2023-09"
TODAY = datetime.datetime(2023, 10, 7, 0, 30, tzinfo=datetime.UTC)  # 07:30 in Bình Phước


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _api(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return c


def test_a_district_that_also_reports_a_kh57_indicator_is_due_by_the_monthly_rule(catalogue):
    unit = Unit.objects.get(code="DONGXOAI")
    assert {i.group for i in deadlines.indicators_for(unit)} >= {"KH57", "DVC"}
    assert deadlines.deadline_for("KH57", SEPTEMBER) == datetime.date(2023, 9, 19)
    assert deadlines.unit_deadline(unit, SEPTEMBER) == datetime.date(2023, 10, 10)


def test_the_same_deadline_on_the_form_approval_pages_unit_page_overview_mail_and_api(
    reporter, staff, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    reporter.email = "dongxoai@binhphuoc.gov.vn"
    reporter.save()
    with time_machine.travel(datetime.datetime(2023, 10, 2, 2, 0, tzinfo=datetime.UTC)):
        write(reporter, district_rows("DONGXOAI", period=SEPTEMBER)[:1])  # a draft, not complete
    assert Submission.objects.get(unit__code="DONGXOAI", period=SEPTEMBER).deadline == datetime.date(2023, 10, 10)
    recompute_all()
    with time_machine.travel(TODAY):
        form = _client(reporter).get(f"/nhap-so-lieu/DONGXOAI/{SEPTEMBER}/").content.decode()
        assert "Hạn báo cáo: <strong>10/10/2023</strong>" in form
        staff_client = _client(staff)
        detail = staff_client.get(f"/nhap-so-lieu/duyet/DONGXOAI/{SEPTEMBER}/").content.decode()
        assert "· Hạn: 10/10/2023" in detail
        queue = staff_client.get(f"/nhap-so-lieu/duyet/{SEPTEMBER}/").content.decode()
        row = re.search(r'<tr data-unit="DONGXOAI">.*?</tr>', queue, re.S).group(0)
        assert "<td>10/10/2023</td>" in row
        home = _client(reporter).get("/nhap-so-lieu/").content.decode()
        assert "10/10/2023" in home and "19/09/2023" not in home
        unit_page = staff_client.get(f"/units/DONGXOAI/?period={SEPTEMBER}").content.decode()
        dvc = re.search(r"<tr><td>9/2023</td><td>Dịch vụ công trực tuyến</td><td>([0-9/]+)</td>", unit_page)
        assert dvc and dvc.group(1) == "10/10/2023"
        overview = staff_client.get(f"/?period={SEPTEMBER}").content.decode()
        assert "(hạn 10/10/2023)" in overview
        assert send_reminders.delay().get()["before"] == 1
        body = _api(staff).get(f"/api/v1/submissions/?period={SEPTEMBER}").json()
        completeness = _api(staff).get(f"/api/v1/completeness/?period={SEPTEMBER}&group=DVC").json()
    assert [m.subject for m in mail.outbox if m.to == ["dongxoai@binhphuoc.gov.vn"]] == [
        "[CĐS Portal] Nhắc báo cáo số liệu tháng 9/2023: hạn 10/10/2023"
    ]
    assert "hạn gửi là ngày 10/10/2023." in mail.outbox[0].body
    assert next(r for r in body["results"] if r["unit"] == "DONGXOAI")["deadline"] == "2023-10-10"
    assert completeness[0]["due_on"] == "2023-10-10"
    # Submitting and approving keep the deadline the report was created with.
    unit = Unit.objects.get(code="DONGXOAI")
    write(reporter, district_rows("DONGXOAI", period=SEPTEMBER))
    transitions.submit(unit, SEPTEMBER, user=reporter)
    assert transitions.get_submission(unit, SEPTEMBER).deadline == datetime.date(2023, 10, 10)
