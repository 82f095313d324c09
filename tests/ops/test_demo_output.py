"""`make run` prints the demo's output to the user's terminal: Vietnamese only (issue 17). The status
engine's "status recompute (269 pairs)" and Celery's "Task … succeeded" go to the log at DEBUG."""

import datetime
import io
import logging
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def test_seed_demo_prints_no_english_log_lines(caplog, catalogue):
    out = io.StringIO()
    with caplog.at_level(logging.INFO):
        call_command("seed_demo", stdout=out)
    shown = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [f"{r.name}: {r.getMessage()}" for r in shown if not VIETNAMESE.search(r.getMessage())] == []
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert lines and [line for line in lines if not VIETNAMESE.search(line)] == []
    assert "Tài khoản dùng thử (mật khẩu chung: cds-demo-2023):" in lines


def test_the_demo_months_were_reported_on_time(catalogue):
    """Issue 17: every seeded month read "Trễ hạn" (values created years after their deadline)."""
    from indicators.models import Completeness, DataValue, ValueChange

    call_command("seed_demo", stdout=io.StringIO())
    rows = {
        (r["period"], r["group"]): r
        for r in Completeness.objects.filter(period__in=("2023-01", "2023-08")).summary(datetime.date(2026, 1, 1))
    }
    assert (rows[("2023-08", "DVC")]["reported"], rows[("2023-08", "DVC")]["late"]) == (27, 0)
    assert rows[("2023-01", "DVC")]["late"] == 0
    assert set(Completeness.objects.filter(period="2023-08", reported_on__isnull=False).values_list("reported_on", flat=True)) == {
        datetime.date(2023, 9, 9)
    }
    first = DataValue.objects.filter(period="2023-08").order_by("created_at").first()
    assert timezone.localtime(first.created_at) == timezone.make_aware(datetime.datetime(2023, 9, 9, 8, 0))
    assert ValueChange.objects.filter(period="2023-08").latest("created_at").created_at == first.created_at
