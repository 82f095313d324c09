from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from indicators.models import AuditEntry, DataValue
from indicators.services import ValueInput, record_values
from units.models import Unit


@pytest.fixture
def values(staff):
    record_values(
        [
            ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-08", Decimal("100")),
            ValueInput("DVC-SVC-RATE", "BUDOP", "2023-08", Decimal("95.2")),
            ValueInput("HOT-RECEIVED", "BP", "2023-08", Decimal("2095")),
        ],
        user=staff,
        source="form",
    )


def test_staff_may_write_every_unit(staff):
    assert Unit.objects.writable_by(staff).count() == 150


def test_a_reporter_writes_only_its_own_units(reporter, outsider):
    assert list(Unit.objects.writable_by(reporter).values_list("code", flat=True)) == ["DONGXOAI"]
    assert list(Unit.objects.writable_by(outsider).values_list("code", flat=True)) == ["BUDOP"]


def test_a_viewer_and_an_anonymous_user_write_nothing(viewer):
    assert Unit.objects.writable_by(viewer).count() == 0
    assert Unit.objects.writable_by(AnonymousUser()).count() == 0


def test_visibility_of_values_for_every_persona(values, staff, reporter, outsider, viewer):
    def seen(user):
        return sorted(DataValue.objects.visible_to(user).values_list("unit__code", flat=True))

    # Staff-written values are published on commit (issue 7): every signed-in persona reads them.
    assert seen(staff) == ["BP", "BUDOP", "DONGXOAI"]
    assert seen(viewer) == ["BP", "BUDOP", "DONGXOAI"]
    assert seen(reporter) == ["BP", "BUDOP", "DONGXOAI"]
    assert seen(outsider) == ["BP", "BUDOP", "DONGXOAI"]
    assert seen(AnonymousUser()) == []
    # A reporter's own write is a draft until approved: staff and its unit see it, nobody else.
    record_values(
        [ValueInput("DVC-FILE-RATE", "BUDOP", "2023-09", Decimal("50"))], user=outsider, source="form"
    )
    assert "BUDOP" in seen(staff) and seen(staff).count("BUDOP") == 2
    assert seen(outsider).count("BUDOP") == 2
    assert seen(reporter).count("BUDOP") == 1
    assert seen(viewer).count("BUDOP") == 1


def test_it_rejects_other_units_values_and_writes_nothing(reporter):
    with pytest.raises(ValidationError) as exc:
        record_values(
            [
                ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-08", Decimal("100")),
                ValueInput("DVC-SVC-RATE", "BUDOP", "2023-08", Decimal("95")),
            ],
            user=reporter,
            source="form",
        )
    assert exc.value.messages == ["Mục 2: bạn không có quyền nhập số liệu cho đơn vị 'Huyện Bù Đốp'"]
    assert DataValue.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_viewer_cannot_write(viewer):
    with pytest.raises(ValidationError) as exc:
        record_values([ValueInput("HOT-RECEIVED", "BP", "2023-08", 1)], user=viewer, source="api")
    assert exc.value.messages == ["Mục 1: bạn không có quyền nhập số liệu cho đơn vị 'Tỉnh Bình Phước'"]


def test_it_names_every_bad_field(staff):
    with pytest.raises(ValidationError) as exc:
        record_values(
            [
                ValueInput("NOPE", "BP", "2023-13", 1),
                ValueInput("HOT-RECEIVED", "BP", "08/2023", "12,5a"),
            ],
            user=staff,
            source="api",
        )
    assert exc.value.messages == [
        "Mục 1: không có chỉ tiêu mã 'NOPE'",
        'Mục 1: Kỳ báo cáo "2023-13" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)',
        'Mục 2: Kỳ báo cáo "08/2023" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)',
        "Mục 2, trường 'value': \"12,5a\" không phải là số",
    ]
