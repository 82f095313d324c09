"""The province figure every reader sees is rolled up from published values only: a reporter's draft
does not move it until Sở TT&TT approves the month."""

from decimal import Decimal

import pytest

from entry.services import transitions
from indicators.models import ProvinceAggregate, Submission
from indicators.services import ValueInput, record_values
from units.models import Unit

pytestmark = pytest.mark.django_db


def province_mean(period="2023-08"):
    return ProvinceAggregate.objects.get(indicator__code="DVC-SVC-RATE", period=period).computed


def write(user, unit, value, capture):
    with capture(execute=True):
        record_values([ValueInput("DVC-SVC-RATE", unit, "2023-08", Decimal(value))], user=user, source="form")


def test_a_draft_moves_the_province_figure_only_once_approved(
    staff, reporter, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    write(staff, "BUDOP", "80", capture)
    write(staff, "SGTVT", "100", capture)
    assert province_mean() == Decimal("90")

    write(reporter, "DONGXOAI", "50", capture)  # Đồng Xoài's draft
    assert Submission.objects.get(unit__code="DONGXOAI", period="2023-08").state == "draft"
    assert province_mean() == Decimal("90")

    Submission.objects.filter(unit__code="DONGXOAI", period="2023-08").update(state="submitted")
    with capture(execute=True):
        transitions.approve(Unit.objects.get(code="DONGXOAI"), "2023-08", user=staff)
    assert province_mean().quantize(Decimal("0.01")) == Decimal("76.67")


def test_a_reporter_reopening_published_figures_takes_them_out_until_approved(
    staff, reporter, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    write(staff, "BUDOP", "80", capture)
    write(staff, "DONGXOAI", "100", capture)
    assert province_mean() == Decimal("90")
    # Đồng Xoài's reporter revises the month: until approval the province figure is Bù Đốp's alone.
    write(reporter, "DONGXOAI", "60", capture)
    assert province_mean() == Decimal("80")
