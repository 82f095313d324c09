import pytest

from .seed_data import seed_august_report


@pytest.fixture
def august(staff):
    """The August 2023 report's tables, written by staff and computed by the status engine."""
    seed_august_report(staff)
    return staff
