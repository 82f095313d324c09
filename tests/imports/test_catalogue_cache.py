"""The unit index is built once and reused while the unit rows stay the same (a worker importing file
after file); any change to a unit builds a new one, so an edited alias is matched at once."""

import pytest

from imports.services.analysis import build_catalogue
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_the_index_is_reused_until_a_unit_changes():
    unit = UnitFactory(code="SKHCN", name="Sở Khoa học và Công nghệ", short_name="", aliases=[], level="province")
    first = build_catalogue()
    assert build_catalogue().units is first.units
    assert first.units.match("Sở KH-CN mới").code is None

    unit.aliases = ["Sở KH-CN mới"]
    unit.save()
    second = build_catalogue()
    assert second.units is not first.units
    assert second.units.match("Sở KH-CN mới").code == "SKHCN"

    unit.active = False
    unit.save()
    third = build_catalogue()
    assert third.units.match("Sở Khoa học và Công nghệ").code is None
    assert "SKHCN" not in third.unit_ids
