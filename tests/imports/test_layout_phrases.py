"""The layouts' phrasings are data (`fixtures/layout_phrases.csv`, issue 15): every key the code asks
for is in the file, every key of the file is asked for by some code, and a new phrasing is a new row."""

import ast
import csv
from decimal import Decimal
from pathlib import Path

import pytest

from core.text import fold
from imports import phrases as phrases_module
from imports.formats import dti_scores, hotline, parse_workbook
from imports.phrases import LAYOUT_PHRASES_CSV, load_phrases, phrase_family, phrase_set, phrases, use_phrases
from imports.workbook import read_workbook

from .xlsx_builders import build_xlsx

ROOT = Path(__file__).resolve().parents[2]
LOOKUPS = {"phrases", "phrase_set", "phrase_family"}  # phrase_family asks for every key with a prefix


def _asked_keys() -> tuple[set[tuple[str, str]], set[tuple[str, str]], list[str]]:
    """Every (layout, key) the product code asks for, read from its source: `phrases("windows", "ytd")`
    or `phrases(LAYOUT, "HOT-SPAM")` with the module's `LAYOUT`; apart, every (layout, prefix) of a
    family it reads whole (`phrase_family(LAYOUT, "pillar-")`). A call whose arguments are not
    literals is listed apart: a key nobody can check is a key that may be missing."""
    asked, families, unreadable = set(), set(), []
    for path in sorted((ROOT / "imports").rglob("*.py")):
        if path.name == "phrases.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        layout = next(
            (
                n.value.value
                for n in tree.body
                if isinstance(n, ast.Assign)
                and [getattr(t, "id", None) for t in n.targets] == ["LAYOUT"]
                and isinstance(n.value, ast.Constant)
            ),
            None,
        )
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in LOOKUPS):
                continue
            args = []
            for a in node.args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    args.append(a.value)
                elif isinstance(a, ast.Name) and a.id == "LAYOUT" and layout:
                    args.append(layout)
            if len(args) == 2 and len(node.args) == 2:
                (families if node.func.id == "phrase_family" else asked).add((args[0], args[1]))
            else:
                unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return asked, families, unreadable


def test_every_key_the_code_asks_for_is_in_the_file_and_every_key_of_the_file_is_used():
    asked, families, unreadable = _asked_keys()
    table = load_phrases(LAYOUT_PHRASES_CSV)
    in_family = {
        (lay, key)
        for lay, key in table
        for f_lay, prefix in families
        if lay == f_lay and key.startswith(prefix)
    }
    assert unreadable == []
    assert sorted(asked - set(table)) == []
    assert sorted(families) == [("dti_scores", "group-"), ("dti_scores", "pillar-")]
    assert len(in_family) == 13  # nine pillars, four groups
    assert sorted(set(table) - asked - in_family) == []
    assert len(table) == 123


def test_the_file_has_no_phrase_twice_under_one_key_and_each_key_is_written_once():
    with LAYOUT_PHRASES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    seen, order = set(), []
    for r in rows:
        k = (r["layout"], r["key"], fold(r["phrase"]))
        assert k not in seen, k
        seen.add(k)
        if not order or order[-1] != k[:2]:
            order.append(k[:2])
    assert len(order) == len(set(order))  # a key's rows are together, as a reader expects


def test_phrases_are_folded_at_load():
    assert phrases("hotline", "HOT-SPAM") == ("tin rac", "rac")
    assert phrases("table_ends", "signature")[:2] == ("nguoi lap bieu", "nguoi lap")
    assert phrases("kh57_results", "title") == ("57 kh ubnd", "ke hoach 57", "kh57")
    assert phrase_set("dvctt", "status-cell") == frozenset({"dat", "so voi muc tieu"})


def test_a_missing_key_fails_loudly():
    with pytest.raises(LookupError) as err:
        phrases("hotline", "HOT-NOTHING")
    assert str(err.value) == "layout_phrases.csv has no phrases for layout 'hotline', key 'HOT-NOTHING'"


def _copy_with(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "layout_phrases.csv"
    path.write_text(LAYOUT_PHRASES_CSV.read_text(encoding="utf-8") + "".join(r + "\n" for r in rows), "utf-8")
    return path


def test_a_new_phrasing_is_a_row_not_code(tmp_path):
    label = "Số tin nhắn quảng cáo"
    assert hotline.indicator_for(label) is None
    with use_phrases(_copy_with(tmp_path, "hotline,HOT-SPAM,tin nhắn quảng cáo,issue 15")):
        assert hotline.indicator_for(label) == "HOT-SPAM"
    assert hotline.indicator_for(label) is None  # the shipped file again


def test_a_new_phrasing_maps_a_hotline_sheet_end_to_end(tmp_path):
    sheet = [
        ["Tổng đài 1022"],
        ["Chỉ tiêu", "Số liệu"],
        ["Tổng số tin phản ánh đã tiếp nhận từ ngày 01/01/2023 đến ngày 04/10/2023", 120],
        ["Số tin nhắn quảng cáo từ ngày 01/01/2023 đến ngày 04/10/2023", 7],
    ]
    source = build_xlsx({"1022": sheet})

    def read():
        results, _problems, _det = parse_workbook(read_workbook(source))
        return {(v.indicator, v.value) for v in results[0].values}, [p.message for p in results[0].problems]

    values, messages = read()
    assert values == {("HOT-RECEIVED", Decimal(120))}
    assert messages == [
        "Không nhận ra chỉ tiêu 'Số tin nhắn quảng cáo từ ngày 01/01/2023 đến ngày 04/10/2023'; "
        "không nhập dòng này."
    ]
    with use_phrases(_copy_with(tmp_path, "hotline,HOT-SPAM,tin nhắn quảng cáo,")):
        values, messages = read()
    assert values == {("HOT-RECEIVED", Decimal(120)), ("HOT-SPAM", Decimal(7))}
    assert messages == []


def test_a_row_without_a_phrase_is_an_error_naming_its_line(tmp_path):
    bad = _copy_with(tmp_path, "hotline,HOT-SPAM,#,")
    lines = len(bad.read_text(encoding="utf-8").splitlines())
    with pytest.raises(ValueError) as err:
        load_phrases(bad)
    assert str(err.value) == f"layout_phrases.csv, dòng {lines}: thiếu layout, key hoặc phrase ('#')"


def test_the_file_needs_its_four_columns(tmp_path):
    bad = tmp_path / "layout_phrases.csv"
    bad.write_text("layout,key,phrase\nhotline,HOT-SPAM,tin rác\n", "utf-8")
    with pytest.raises(ValueError) as err:
        load_phrases(bad)
    assert str(err.value) == (
        "layout_phrases.csv: cột phải là layout,key,phrase,note, không phải ['layout', 'key', 'phrase']"
    )


def test_the_product_reads_the_file_in_its_own_fixtures():
    assert LAYOUT_PHRASES_CSV == ROOT / "fixtures" / "layout_phrases.csv"
    assert phrases_module._path == LAYOUT_PHRASES_CSV


def test_the_dti_pillars_and_groups_are_rows_of_the_file():
    assert phrase_family("dti_scores", "pillar-")[:2] == (
        ("NHAN-THUC", ("nhan thuc so",)),
        ("THE-CHE", ("the che so",)),
    )
    assert dict(phrase_family("dti_scores", "group-")) == {
        "Tốt": ("tot",),
        "Khá": ("kha",),
        "Trung bình": ("trung binh", "tb"),
        "Yếu": ("yeu",),
    }
    with pytest.raises(LookupError) as err:
        phrase_family("dti_scores", "nothing-")
    assert str(err.value) == "layout_phrases.csv has no phrases for layout 'dti_scores', keys 'nothing-'…"


DTI_NEW_PHRASING = [
    ["KẾT QUẢ CHỈ SỐ DTI CẤP SỞ NĂM 2022"],
    ["STT", "Đơn vị", "Nhận thức số", "Thể chế số", "Hạ tầng số", "An ninh mạng", "Tổng điểm", "Xếp loại"],
    ["", "Điểm tối đa", 50, 70, 60, 50, 230, ""],
    [1, "Sở Tài chính", 40, 60, 50, 45, 195, "Loại tốt"],
]


def test_a_new_dti_pillar_phrasing_and_group_spelling_are_rows_not_code(tmp_path):
    source = build_xlsx({"DTI sở": DTI_NEW_PHRASING})

    def read():
        results, _problems, _det = parse_workbook(read_workbook(source))
        (row,) = results[0].dti_rows
        return row.scores, [p.message for p in results[0].problems]

    assert dti_scores.pillar_for("An ninh mạng") is None
    scores, messages = read()
    assert scores == {"NHAN-THUC": Decimal(40), "THE-CHE": Decimal(60), "HA-TANG": Decimal(50)}
    assert messages == [
        "Tổng điểm in 195 khác tổng các trụ cột 150",
        "Xếp loại in 'Loại tốt' nhưng 195/230 điểm là 'Tốt'",
    ]
    rows = ("dti_scores,pillar-ATTT,an ninh mạng,issue 15", "dti_scores,group-Tốt,loại tốt,")
    with use_phrases(_copy_with(tmp_path, *rows)):
        assert dti_scores.pillar_for("An ninh mạng") == "ATTT"
        scores, messages = read()
    assert scores == {
        "NHAN-THUC": Decimal(40),
        "THE-CHE": Decimal(60),
        "HA-TANG": Decimal(50),
        "ATTT": Decimal(45),
    }
    assert messages == []
    assert dti_scores.pillar_for("An ninh mạng") is None  # the shipped file again
