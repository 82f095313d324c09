"""The preview page's answers through the real upload → preview → confirm flow: a unit picked for a
row label is saved and applied next month as "saved"; a reporter's confirmed mapping belongs to its
unit (the sender): another reporter of the same unit gets it, another agency uploading the same header
does not."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportBatch, SavedMapping
from indicators.models import DataValue
from units.services import create_or_update_user

from .test_saved_mapping import HEADER, dvctt_file
from .xlsx_builders import AUGUST, SheetSpec, build_xlsx, replace_text, sample_sheets

pytestmark = pytest.mark.django_db
D = Decimal
PRINTED = "Phòng VH huyện BĐ"


def upload(client, capture, data, period, name="dvctt.xlsx"):
    with capture(execute=True):
        resp = client.post(
            reverse("imports:upload"), {"file": SimpleUploadedFile(name, data), "period": period}
        )
    assert resp.status_code == 302
    batch = ImportBatch.objects.latest("id")
    batch.refresh_from_db()
    return batch


def units_of(batch, row):
    (entry,) = [u for u in batch.mapping["units"] if u["row"] == row]
    return {k: v for k, v in entry.items() if k != "fingerprint"}


def test_a_unit_picked_for_a_row_label_is_saved_and_applied_next_month(
    client, staff, tmp_path, django_capture_on_commit_callbacks
):
    data = dvctt_file(tmp_path, "dvctt.xlsx", bu_dang=PRINTED).read_bytes()
    client.force_login(staff)
    batch = upload(client, django_capture_on_commit_callbacks, data, "2023-08")
    assert (batch.status, batch.can_commit) == ("preview", False)
    assert [e["message"] for e in batch.errors] == [
        f"Sheet 'DVCTT', dòng 31, cột 'B': Không tìm thấy đơn vị \"{PRINTED}\" trong danh mục; "
        "gần giống: Phường Minh Hưng, Phường Phú Đức, Phường Long Thủy"
    ]
    assert units_of(batch, 31) == {
        "sheet": "DVCTT",
        "row": 31,
        "printed": PRINTED,
        "unit": None,
        "how": "unmapped",
    }
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert f'name="unit:{PRINTED}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:batch_update", args=[batch.pk]),
            {"period": "2023-08", f"unit:{PRINTED}": "BUDANG"},
        )
    batch.refresh_from_db()
    assert (batch.errors, batch.can_commit) == ([], True)
    assert units_of(batch, 31)["unit"] == "BUDANG" and units_of(batch, 31)["how"] == "given"
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert '<span class="badge badge-given">do bạn chọn</span>' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="BUDANG", period="2023-08").value
        == 100
    )
    (saved,) = SavedMapping.objects.all()
    assert (saved.user, saved.unit) == (staff, None)
    assert saved.units == [{"key": "phong vh huyen bd", "printed": PRINTED, "unit": "BUDANG"}]

    # next month: the same label, no answer given
    nxt = upload(client, django_capture_on_commit_callbacks, data, "2023-09")
    assert (nxt.errors, nxt.can_commit) == ([], True)
    assert units_of(nxt, 31) == {
        "sheet": "DVCTT",
        "row": 31,
        "printed": PRINTED,
        "unit": "BUDANG",
        "how": "saved",
    }
    page = client.get(reverse("imports:batch_detail", args=[nxt.pk])).content.decode()
    assert '<span class="badge badge-saved">đã lưu</span>' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[nxt.pk]))
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="BUDANG", period="2023-09").value
        == 100
    )


def own_row_file(unit_name: str) -> bytes:
    """The August DVCTT table with only one unit's row (an agency's own file), the file-rate group
    renamed in words the layout does not know; percents as text (one row is too little evidence of
    a column's scale)."""
    spec = sample_sheets(AUGUST)["DVCTT"]
    spec = replace_text(spec, "Tỷ lệ hồ sơ xử lý trực tuyến", "Tỷ lệ giải quyết TTHC qua mạng")
    (row,) = [list(r) for r in spec.rows if len(r) > 1 and r[1] == unit_name]
    row[2], row[5] = "100%", "82,1%"
    merges = [m for m in spec.merges if m in ("B3:B4", "A3:A4", "A2:H2", "C3:E3", "A1:H1", "F3:H3")]
    return build_xlsx({"DVCTT": SheetSpec([*spec.rows[:4], row], merges)})


def column_f(batch):
    (entry,) = [m for m in batch.mapping["columns"] if m["column"] == "F"]
    return entry


def test_a_reporters_confirmed_mapping_is_its_units_and_no_other_senders(
    client, reporter, outsider, tmp_path, django_capture_on_commit_callbacks
):
    data = own_row_file("Thành phố Đồng Xoài")
    client.force_login(reporter)
    batch = upload(client, django_capture_on_commit_callbacks, data, "2023-08", "dongxoai.xlsx")
    assert batch.errors == []
    assert {k: column_f(batch)[k] for k in ("header", "indicator", "how")} == {
        "header": HEADER,
        "indicator": None,
        "how": "unmapped",
    }
    assert [w["message"] for w in batch.warnings if w["code"] == "unmapped_column"][0] == (
        f"Sheet 'DVCTT', dòng 3, cột '{HEADER}': Không nhận ra cột '{HEADER}'; số liệu của cột này không được nhập."
    )
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert 'name="map:DVCTT|F"' in page  # a reporter changes its own file's mapping too

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:batch_update", args=[batch.pk]),
            {"period": "2023-08", "map:DVCTT|F": "DVC-FILE-RATE"},
        )
    batch.refresh_from_db()
    assert (batch.errors, column_f(batch)["indicator"], column_f(batch)["how"]) == (
        [],
        "DVC-FILE-RATE",
        "given",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert DataValue.objects.get(
        indicator__code="DVC-FILE-RATE", unit__code="DONGXOAI", period="2023-08"
    ).value == D("82.1")
    (saved,) = SavedMapping.objects.all()
    assert (saved.unit.code, saved.user, saved.created_by) == ("DONGXOAI", None, reporter)
    assert [(c["header"], c["indicator"]) for c in saved.columns] == [(HEADER, "DVC-FILE-RATE")]

    # another reporter of Đồng Xoài, next month: the unit's saved mapping applies
    colleague = create_or_update_user("reporter2", role="reporter", unit_codes=["DONGXOAI"], password="pw")[0]
    client.force_login(colleague)
    nxt = upload(client, django_capture_on_commit_callbacks, data, "2023-09", "dongxoai-09.xlsx")
    assert (nxt.errors, column_f(nxt)["indicator"], column_f(nxt)["how"]) == ([], "DVC-FILE-RATE", "saved")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[nxt.pk]))
    assert DataValue.objects.get(
        indicator__code="DVC-FILE-RATE", unit__code="DONGXOAI", period="2023-09"
    ).value == D("82.1")

    # another district, the same header (the same fingerprint): not its mapping
    client.force_login(outsider)
    other = upload(
        client, django_capture_on_commit_callbacks, own_row_file("Huyện Bù Đốp"), "2023-09", "budop.xlsx"
    )
    assert column_f(other)["fingerprint"] == saved.fingerprint
    assert (column_f(other)["indicator"], column_f(other)["how"]) == (None, "unmapped")
    assert other.errors == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:batch_commit", args=[other.pk]))
    assert not DataValue.objects.filter(indicator__code="DVC-FILE-RATE", unit__code="BUDOP").exists()
    assert (
        DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="BUDOP", period="2023-09").value
        == 100
    )
    assert SavedMapping.objects.count() == 1
