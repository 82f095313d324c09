"""Workflow fixtures: values written through the one write service, by the persona that owns them."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from entry.services import transitions
from indicators import deadlines
from indicators.services import ValueInput, record_values

PERIOD = "2023-08"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()


def write(user, rows, source="form"):
    """rows: (indicator, unit, period, value)"""
    return record_values(
        [ValueInput(i, u, p, None if v is None else Decimal(str(v))) for i, u, p, v in rows],
        user=user,
        source=source,
    )


def district_rows(unit, period=PERIOD, value="5"):
    """Every monthly indicator a district reports, so that the month can be submitted."""
    from units.models import Unit

    u = Unit.objects.get(code=unit)
    return [(i.code, unit, period, value) for i in deadlines.required_indicators(deadlines.indicators_for(u))]


@pytest.fixture
def draft(reporter):
    """DONGXOAI's complete August, typed by its reporter: a draft."""
    write(reporter, district_rows("DONGXOAI"))
    return transitions.get_submission(reporter.units.get(), PERIOD)
