import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.catalogue import CatalogueError, load_catalogue
from indicators.models import DTIPillar, Indicator, Target
from units.models import Unit

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def csv_dir(tmp_path):
    for name in ("units.csv", "indicators.csv", "targets.csv", "dti_pillars.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def test_the_catalogue_holds_exactly_the_csv_rows(catalogue):
    assert Unit.objects.count() == 150
    assert Indicator.objects.count() == 64
    # 34 target rows, three of which ("agency|district") stand for two levels each.
    assert Target.objects.count() == 37
    assert DTIPillar.objects.filter(level="agency").count() == 8
    assert DTIPillar.objects.filter(level="district").count() == 9


def test_it_loads_the_three_tiers_of_work_online(catalogue):
    tiers = Target.objects.filter(indicator__code="CQS-WORK-ONLINE", year=2023).order_by("value")
    assert [(t.level, t.comparator, t.value) for t in tiers] == [
        ("commune", ">=", Decimal("80")),
        ("district", ">=", Decimal("95")),
        ("province", ">=", Decimal("100")),
    ]


def test_it_splits_agency_and_district_targets_and_keeps_dates(catalogue):
    svc = Target.objects.filter(indicator__code="DVC-SVC-RATE").order_by("level")
    assert [(t.level, t.value, t.effective_from) for t in svc] == [
        ("agency", Decimal("80"), "2023-01"),
        ("district", Decimal("80"), "2023-01"),
    ]
    filed = Target.objects.get(indicator__code="CQS-DVC-FILED")
    assert str(filed.deadline) == "2023-09-30"
    eid = Target.objects.get(indicator__code="XHS-EID")
    assert (eid.comparator, eid.value, eid.value_max) == ("range", Decimal("20"), Decimal("30"))


def test_it_loads_units_with_parents_aliases_and_levels(catalogue):
    bp = Unit.objects.get(code="BP")
    assert bp.level == "province" and bp.parent is None
    dx = Unit.objects.get(code="DONGXOAI")
    assert dx.parent == bp and dx.level == "district"
    assert "UBND TP.Đồng Xoài" in dx.aliases
    assert Unit.objects.get(code="BINHLONG-ANLOC").parent.code == "BINHLONG"
    assert Unit.objects.filter(level="agency").count() == 26
    assert Unit.objects.filter(level="district").count() == 11


def test_it_derives_indicator_fields(catalogue):
    ytd = Indicator.objects.get(code="TAX-FEE-AMOUNT-YTD")
    assert (ytd.cumulative, ytd.measure, ytd.reported_by) == ("ytd", "amount_vnd", ["district"])
    assert Indicator.objects.get(code="MEDIA-POSTS-CUM").cumulative == "since_start"
    assert Indicator.objects.get(code="HOT-OPEN").direction == "down"
    work = Indicator.objects.get(code="CQS-WORK-ONLINE")
    assert work.reported_by == ["province", "district", "commune"]
    assert work.owner.code == "STTTT"


def test_loading_twice_changes_nothing(catalogue, capsys):
    call_command("load_catalogue")
    out = capsys.readouterr().out
    assert "Đơn vị: 0 tạo mới, 0 thay đổi, 150 không đổi" in out
    assert "Tổng cộng: 0 tạo mới, 0 thay đổi" in out


def test_it_reports_a_changed_name_once(catalogue, csv_dir):
    text = (csv_dir / "units.csv").read_text(encoding="utf-8")
    (csv_dir / "units.csv").write_text(
        text.replace("Thị xã Chơn Thành,", "Thành phố Chơn Thành,"), encoding="utf-8"
    )
    result = load_catalogue(csv_dir)
    assert (result.counts["units"].created, result.counts["units"].changed) == (0, 1)
    assert Unit.objects.get(code="CHONTHANH").name == "Thành phố Chơn Thành"
    assert load_catalogue(csv_dir).changed == 0


def _break(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unknown_parent_names_file_line_and_field_and_writes_nothing(catalogue, csv_dir):
    _break(
        csv_dir / "units.csv",
        "SCT,Sở Công Thương,Sở Công Thương,agency,BP,",
        "SCT,Sở Công Thương X,Sở Công Thương,agency,XX,",
    )
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(csv_dir)
    assert exc.value.errors == ["units.csv, dòng 4, trường 'parent': không có đơn vị cấp trên mã \"XX\""]
    assert Unit.objects.get(code="SCT").name == "Sở Công Thương"


def test_a_duplicate_code_is_refused(catalogue, csv_dir):
    with (csv_dir / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("HOT-OPEN,Trùng,CQS,HOTLINE,count,monthly,province,sum,down,STTTT,x\n")
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(csv_dir)
    assert exc.value.errors == [
        "indicators.csv, dòng 66, trường 'code': mã \"HOT-OPEN\" bị trùng (đã có ở dòng 36)"
    ]


def test_a_bad_comparator_fails_the_command_and_keeps_the_database(catalogue, csv_dir):
    _break(csv_dir / "targets.csv", "HTS-FTTH,2023,province,>=,70", "HTS-FTTH,2023,province,=>,75")
    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", "--dir", str(csv_dir))
    assert (
        "targets.csv, dòng 3, trường 'comparator': \"=>\" không hợp lệ (cho phép: >=, >, <=, <, range)"
        in str(exc.value)
    )
    assert Target.objects.get(indicator__code="HTS-FTTH").value == Decimal("70")


def test_it_collects_every_problem_before_refusing(catalogue, csv_dir):
    _break(csv_dir / "targets.csv", "HTS-FTTH,2023,province,>=,70", "HTS-NOPE,2023,province,>=,abc")
    _break(
        csv_dir / "dti_pillars.csv", "agency,2,THE-CHE,Thể chế số,70", "agency,2,THE-CHE,Thể chế số,bảy mươi"
    )
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(csv_dir)
    assert exc.value.errors == [
        "targets.csv, dòng 3, trường 'indicator': không có chỉ tiêu mã \"HTS-NOPE\"",
        "targets.csv, dòng 3, trường 'value': \"abc\" không phải là số",
        "dti_pillars.csv, dòng 3, trường 'max_points': \"bảy mươi\" không phải là số",
    ]
