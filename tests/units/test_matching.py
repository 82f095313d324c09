from pathlib import Path

import pytest

from units.matching import UnitCandidate, UnitIndex, candidates_from_csv, unit_key

CSV = Path(__file__).resolve().parents[2] / "fixtures" / "units.csv"


@pytest.fixture(scope="module")
def index():
    return UnitIndex(candidates_from_csv(CSV))


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Sở Công Thƣơng", "SCT"),  # legacy glyph ƣ
        ("UBND TP,Đồng Xoài", "DONGXOAI"),  # comma for the dot
        ("UBND TP.Đồng Xoài", "DONGXOAI"),
        ("UBND TP Đồng Xoài", "DONGXOAI"),
        ("ĐỒNG XOÀI", "DONGXOAI"),
        ("PHƢỚC LONG", "PHUOCLONG"),
        ("UBND H,Đồng Phú", "DONGPHU"),
        ("UBND H.Bù Đốp", "BUDOP"),
        ("UBND TX,Chơn Thành", "CHONTHANH"),
        ("Huyện Chơn Thành", "CHONTHANH"),  # alias: became a town
        ("VPUBND tỉnh", "VPUBND"),
        ("VP UBND tỉnh", "VPUBND"),
        ("Sở KH&ĐT", "SKHDT"),
        ("Sở Kế hoạch & Đầu tư", "SKHDT"),
        ("Sở LĐ-TB&XH", "SLDTBXH"),
        ("Sở LĐ- TB&XH", "SLDTBXH"),  # hyphen spacing
        ("Trung tâm XTĐT-TM&DL", "TTXTDT"),
        ("Ban Quản lý KKT", "BQLKKT"),
        ("UBND tỉnh Bình Phƣớc", "BP"),
        ("Không xác định", "BP-UNK"),
        ("  sở   y   tế ", "SYT"),
        ("Huyện Bù Gia Mâp", "BUGIAMAP"),  # a wrong tone mark: second-chance key
        ("Thành phố Bình Long", "BINHLONG"),  # a type word the catalogue does not use
        ("Ủy ban nhân dân huyện Lộc Ninh", "LOCNINH"),
    ],
)
def test_it_matches_printed_names(index, label, code):
    m = index.match(label)
    assert m.code == code, m.message()


def test_a_name_shared_by_a_district_and_a_commune_goes_to_the_district_without_hint(index):
    assert index.match("Lộc Ninh").code == "LOCNINH"
    assert index.match("Lộc Ninh", "commune").code == "LOCNINH-LOCNINH"


def test_two_communes_with_one_name_are_ambiguous(index):
    m = index.match("Tân Thành")
    assert m.code is None
    assert m.message() == (
        'Tên đơn vị "Tân Thành" khớp với nhiều đơn vị: Xã Tân Thành (BUDOP-TANTHANH), Xã Tân Thành (DONGXOAI-TANTHANH)'
    )


def test_an_unknown_name_gets_the_closest_catalogue_names(index):
    m = index.match("Sở Tư Pháp tỉnh Bình Dương")
    assert m.code is None
    m = index.match("Sở Thông tin Truyền thông và Du lịch")
    assert m.code is None
    assert m.message().startswith(
        'Không tìm thấy đơn vị "Sở Thông tin Truyền thông và Du lịch" trong danh mục'
    )
    m = index.match("Huyện Bù Đớp xyz")
    assert m.suggestions and m.suggestions[0] == "Huyện Bù Đốp"


def test_unit_key_folds_glyphs_abbreviations_and_punctuation():
    assert unit_key("UBND TP,Đồng Xoài") == "thành phố đồng xoài"
    assert unit_key("Sở GD & ĐT") == unit_key("Sở GD&ĐT") == "sở gd và đt"
    assert unit_key("Sở Tƣ pháp") == "sở tư pháp"


def test_it_works_on_plain_candidates():
    idx = UnitIndex([UnitCandidate("X1", "Huyện Mới", "Mới", ("Huyện Mới Lập",), "district")])
    assert idx.match("UBND H.Mới").code == "X1"
    assert idx.match("huyện mới lập").code == "X1"


@pytest.mark.parametrize(
    ("filename", "code", "ambiguous"),
    [
        ("So_GDDT_thang_8.xlsx", "SGDDT", []),  # the short name's letters run together
        ("Sở Giáo dục và Đào tạo - T8-2023.xlsx", "SGDDT", []),
        ("BC CĐS Sở GD&ĐT tỉnh Bình Phước tháng 8.xlsx", "SGDDT", []),  # the province qualifies it
        (r"C:\docs\So_Y_te.xls", "SYT", []),
        ("Dong_Xoai_T8.xlsx", "DONGXOAI", []),
        ("So_GDDT_va_So_Tai_chinh.xlsx", None, ["SGDDT", "STC"]),
        ("bao-cao-2023-08.xlsx", None, []),
        ("Tinh_Binh_Phuoc_T8.xlsx", None, []),  # the province is never taken from a file name
        ("So_GDT_T8.xlsx", None, []),  # a near name is not a guess
    ],
)
def test_a_file_name_names_a_unit_only_when_it_names_exactly_one(index, filename, code, ambiguous):
    found = index.match_file_name(filename)
    assert (found.code, [c.code for c in found.ambiguous]) == (code, ambiguous)
