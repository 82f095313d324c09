"""The header vocabulary as data: abbreviations expanded before matching (fixtures/abbreviations.csv),
each indicator's header phrasings in the catalogue (fixtures/indicators.csv `headers`, editable in the
admin), one-letter typos tolerated. Before: a header written with a common abbreviation was dropped."""

from decimal import Decimal

import pytest

from core.text import fold
from imports.vocabulary import Vocabulary, contains_phrase, expand
from indicators.models import DataValue, Indicator

from .test_saved_mapping import run_cli
from .xlsx_builders import AUGUST, build_xlsx, replace_text, sample_sheets

D = Decimal


@pytest.mark.parametrize(
    ("printed", "expanded"),
    [
        (
            "Tỷ lệ CB, CC, VC sử dụng TĐT công vụ",
            "ty le can bo cong chuc vien chuc su dung thu dien tu cong vu",
        ),
        ("Tỷ lệ HS xử lý trực tuyến", "ty le ho so xu ly truc tuyen"),
        ("Hệ thống QLVB&HSCV", "he thong quan ly van ban va ho so cong viec"),
        ("Sở GD&ĐT", "so giao duc va dao tao"),
        ("Sở LĐ-TB&XH", "so lao dong thuong binh va xa hoi"),
        ("ĐDĐT, ĐDDT", "dinh danh dien tu dinh danh dien tu"),
        ("Ban Chỉ đạo CĐS / CDS", "ban chi dao chuyen doi so chuyen doi so"),
    ],
)
def test_abbreviations_are_expanded_as_whole_words(printed, expanded):
    assert expand(fold(printed)) == expanded


def test_one_letter_typos_are_tolerated_in_longer_words_only():
    words = "ty le ho so giai quyt truc tuyen".split()
    assert contains_phrase(words, "ho so giai quyet truc tuyen".split())
    assert not contains_phrase("ty le ho so giai".split(), "ty le ho so giai quyet".split())
    assert not contains_phrase(["ho", "xo"], ["ho", "so"])  # short words must be exact


def test_the_longer_phrasing_wins_and_several_are_candidates():
    v = Vocabulary.from_catalogue([("A", "số tin bài", []), ("B", "x", ["số tin bài tuyên truyền"])])
    assert v.candidates("so tin bai tuyen truyen cds") == [("B", "so tin bai tuyen truyen")]
    v = Vocabulary.from_catalogue([("A", "số tin bài", []), ("B", "x", ["số tin bài"])])
    assert [c for c, _p in v.candidates("so tin bai")] == ["A", "B"]


@pytest.mark.django_db
def test_an_abbreviated_header_is_no_longer_dropped(catalogue, tmp_path):
    spec = replace_text(
        sample_sheets(AUGUST)["Phan mem"],
        "Tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ",
        "Tỷ lệ CB,CC,VC sử dụng TĐT công vụ",
    )
    path = tmp_path / "pm.xlsx"
    path.write_bytes(build_xlsx({"Phan mem": spec}))
    code, result = run_cli(str(path), "--period", "2023-08", "--json")
    assert (code, result["errors"], result["warnings"]) == (0, [], [])
    (f,) = [m for m in result["mapping"] if m["column"] == "F"]
    assert (f["indicator"], f["how"]) == ("SW-EMAIL-RATE", "catalogue")
    assert DataValue.objects.get(indicator__code="SW-EMAIL-RATE", unit__code="VPUBND").value == D("97.01")


@pytest.mark.django_db
def test_a_phrasing_of_the_catalogue_maps_an_unseen_header_with_a_typo(catalogue, tmp_path):
    spec = replace_text(
        sample_sheets(AUGUST)["DVCTT"], "Tỷ lệ hồ sơ xử lý trực tuyến", "Tỷ lệ hồ sơ giải quyt trực tuyến"
    )
    path = tmp_path / "dvctt.xlsx"
    path.write_bytes(build_xlsx({"DVCTT": spec}))
    code, result = run_cli(str(path), "--period", "2023-08", "--json")
    assert code == 0, result["errors"]
    (f,) = [m for m in result["mapping"] if m["column"] == "F"]
    assert (f["indicator"], f["how"]) == ("DVC-FILE-RATE", "catalogue")
    assert DataValue.objects.filter(indicator__code="DVC-FILE-RATE", period="2023-08").count() == 27


@pytest.mark.django_db
def test_a_phrasing_added_in_the_catalogue_is_used_by_the_next_import(catalogue, tmp_path):
    spec = replace_text(
        sample_sheets(AUGUST)["DVCTT"], "Tỷ lệ hồ sơ xử lý trực tuyến", "Tỷ lệ giải quyết TTHC qua mạng"
    )
    path = tmp_path / "dvctt.xlsx"
    path.write_bytes(build_xlsx({"DVCTT": spec}))
    _code, result = run_cli(str(path), "--period", "2023-08", "--json", "--dry-run")
    assert [m["how"] for m in result["mapping"] if m["column"] == "F"] == ["unmapped"]
    ind = Indicator.objects.get(code="DVC-FILE-RATE")
    ind.headers = [*ind.headers, "tỷ lệ giải quyết thủ tục hành chính qua mạng"]  # TTHC is expanded
    ind.save()
    code, result = run_cli(str(path), "--period", "2023-08", "--json", "--dry-run")
    assert code == 0, result["errors"]
    assert [(m["indicator"], m["how"]) for m in result["mapping"] if m["column"] == "F"] == [
        ("DVC-FILE-RATE", "catalogue")
    ]
