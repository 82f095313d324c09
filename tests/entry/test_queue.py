"""The approval queue (issue 17): it opened on the calendar month with 150 rows (communes, the province
and "Không xác định" included), no period picker, and counts that disagreed with the overview (37 vs
149). It lists the units that must report, waiting for approval first, with a picker, filters by state
and level, and the overview's count. The entry start page opens on the month that needs the user."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from entry.services import queue, transitions
from indicators.engine import recompute_all
from units.models import Unit

from .conftest import PERIOD, district_rows, write

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 9, 20, 2, 0, tzinfo=datetime.UTC)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _units(html):
    return re.findall(r'<tr data-unit="([A-Z0-9-]+)">', html)


@pytest.fixture
def month(reporter, outsider, staff):
    """August: Bù Đốp waiting for approval, Đồng Xoài a draft, staff typed one value for Sở Y tế."""
    write(reporter, district_rows("DONGXOAI"))
    write(outsider, district_rows("BUDOP"))
    transitions.submit(Unit.objects.get(code="BUDOP"), PERIOD, user=outsider)
    write(staff, [("DVC-SVC-RATE", "SYT", PERIOD, "100")])
    recompute_all()


def test_the_queue_lists_the_units_that_must_report_waiting_for_approval_first(month, staff, client):
    with time_machine.travel(NOW):
        html = _client(staff).get(f"/nhap-so-lieu/duyet/?period={PERIOD}").content.decode()
    units = _units(html)
    assert len(units) == 37 and units[:2] == ["BUDOP", "DONGXOAI"]
    levels = set(Unit.objects.filter(code__in=units).values_list("level", flat=True))
    assert levels == {"agency", "district"}  # no commune, no province, no "Không xác định"
    assert '<p id="queue-total"><strong>37</strong> đơn vị phải báo cáo tháng 8/2023</p>' in html
    assert ">Chờ duyệt: 1</a>" in html and ">Đang nhập: 1</a>" in html and ">Chưa có báo cáo: 35</a>" in html
    # The same 37 the overview counts as "phải báo cáo" for the online public services.
    overview = _client(staff).get(f"/?period={PERIOD}")
    dvc = next(g for g in overview.context["completeness"] if g["code"] == "DVC")
    assert dvc["expected"] == 37


def test_the_queue_filters_by_state_and_level_and_offers_the_months(month, staff):
    c = _client(staff)
    with time_machine.travel(NOW):
        waiting = c.get(f"/nhap-so-lieu/duyet/?period={PERIOD}&state=submitted").content.decode()
        districts = c.get(f"/nhap-so-lieu/duyet/?period={PERIOD}&level=district").content.decode()
        opened = c.get("/nhap-so-lieu/duyet/")
    assert _units(waiting) == ["BUDOP"]
    assert "· đang lọc: 1 đơn vị" in waiting
    assert len(_units(districts)) == 11
    # Without a period it opens on the oldest month waiting for approval, not the calendar month.
    assert opened.context["period"] == PERIOD
    html = opened.content.decode()
    assert '<option value="2023-08" selected>Tháng 8/2023</option>' in html
    assert '<option value="2022-09">Tháng 9/2022</option>' in html  # due months of the last year
    assert '<option value="2023-09"' not in html  # not due yet on 20/09/2023
    assert '<option value="submitted">Chờ duyệt</option>' in html
    assert '<option value="district">Cấp huyện</option>' in html


def test_a_unit_outside_the_list_that_sent_a_month_is_still_shown(staff, catalogue):
    from indicators.models import Submission

    Submission.objects.create(
        unit=Unit.objects.get(code="BP"), period=PERIOD, state="submitted", deadline=datetime.date(2023, 9, 10)
    )
    rows = queue.review_queue(PERIOD).rows
    assert rows[0].unit.code == "BP" and len(rows) == 38


def test_the_entry_page_opens_on_the_month_that_needs_the_reporter(reporter, staff):
    c = _client(reporter)
    with time_machine.travel(NOW):
        assert c.get("/nhap-so-lieu/").context["form"].initial["period"] == "2023-07"  # never sent, overdue
        write(reporter, district_rows("DONGXOAI", period="2023-07"))
        transitions.submit(Unit.objects.get(code="DONGXOAI"), "2023-07", user=reporter)
        assert c.get("/nhap-so-lieu/").context["form"].initial["period"] == "2023-08"  # the month due now
        write(reporter, district_rows("DONGXOAI", period="2023-03"))  # an old draft
        assert c.get("/nhap-so-lieu/").context["form"].initial["period"] == "2023-03"
        transitions.submit(Unit.objects.get(code="DONGXOAI"), "2023-03", user=reporter)
        transitions.return_submission(Unit.objects.get(code="DONGXOAI"), "2023-03", user=staff, comment="Sửa")
        write(reporter, district_rows("DONGXOAI", period="2023-05"))
        assert c.get("/nhap-so-lieu/").context["form"].initial["period"] == "2023-03"  # returned first
        html = c.get("/nhap-so-lieu/").content.decode()
    assert 'value="2023-03"' in html
