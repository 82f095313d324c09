"""Numbers on the entry pages as on every other page (issue 17): amounts with "đ", targets with "≥"."""

import pytest
from django.test import Client

from .conftest import write

pytestmark = pytest.mark.django_db


def test_the_form_prints_last_periods_amount_with_dong_and_the_target_sign(reporter, staff):
    write(staff, [("TAX-NVTC-AMOUNT", "DONGXOAI", "2023-07", "591420084"), ("DVC-SVC-RATE", "DONGXOAI", "2023-07", "99.456")])
    c = Client()
    c.force_login(reporter)
    html = c.get("/nhap-so-lieu/DONGXOAI/2023-08/").content.decode()
    row = html[html.index('id="row-TAX-NVTC-AMOUNT"') :]
    assert "591.420.084 đ" in row[: row.index("</tr>")]
    row = html[html.index('id="row-DVC-SVC-RATE"') :]
    row = row[: row.index("</tr>")]
    assert "99,46%" in row and "≥ 80%" in row  # the precision every page prints
