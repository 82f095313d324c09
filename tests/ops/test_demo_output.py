"""`make run` prints the demo's output to the user's terminal: Vietnamese only (issue 17). The status
engine's "status recompute (269 pairs)" and Celery's "Task … succeeded" go to the log at DEBUG."""

import io
import logging
import re

import pytest
from django.core.management import call_command

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
