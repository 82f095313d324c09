"""`export_values --output` to a place that cannot be written (issue 16 #15): a Vietnamese error, no
traceback, and no half-written file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.parametrize(
    "where, reason",
    [
        ("/nonexistent/x.csv", "thư mục /nonexistent không tồn tại"),
        ("{tmp}", "đây là một thư mục, không phải tệp"),
    ],
)
def test_an_output_that_cannot_be_written_is_a_command_error(catalogue, tmp_path, where, reason):
    path = where.format(tmp=tmp_path)
    with pytest.raises(CommandError) as exc:
        call_command("export_values", "--format", "csv", "--output", path)
    assert str(exc.value) == f"Không ghi được tệp {path}: {reason}."


def test_an_output_without_permission_is_a_command_error(catalogue, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    locked = tmp_path / "khoa"
    locked.mkdir(mode=0o500)
    with pytest.raises(CommandError) as exc:
        call_command("export_values", "--output", str(locked / "x.json"))
    assert str(exc.value) == f"Không ghi được tệp {locked / 'x.json'}: không có quyền ghi."


def test_the_command_line_prints_the_message_not_a_traceback(tmp_path):
    """Through manage.py as an operator runs it (an empty SQLite database of its own)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "1",
        "CELERY_BROKER_URL": "",
    }
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run([sys.executable, str(manage), "migrate", "-v0"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, str(manage), "export_values", "--format", "csv", "--output", "/nonexistent/x.csv"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "CommandError: Không ghi được tệp /nonexistent/x.csv: thư mục /nonexistent không tồn tại."
    )
