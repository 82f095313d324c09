"""The drafted commentary names the right units, with ties and missing data handled honestly."""

from decimal import Decimal

import pytest

from indicators.services import ValueInput, record_values
from reports.narrative import Ranked, describe_top, top_with_ties

from .helpers import document, narrative, row, tables

D = Decimal


class TestTopWithTies:
    def test_a_tie_at_the_third_place_keeps_every_tied_unit(self):
        items = [Ranked(n, D(v), v) for n, v in [("A", "5"), ("B", "9"), ("C", "7"), ("D", "7"), ("E", "1")]]
        assert [i.name for i in top_with_ties(items, 3)] == ["B", "C", "D"]
        items.append(Ranked("F", D(7), "7"))
        assert [i.name for i in top_with_ties(items, 3)] == ["B", "C", "D", "F"]

    def test_units_without_a_value_are_not_ranked(self):
        items = [Ranked("A", None, "–"), Ranked("B", D(1), "1")]
        assert top_with_ties(items, 3) == [Ranked("B", D(1), "1")]

    def test_a_top_group_with_one_figure_is_said_once(self):
        same = [Ranked("A", D(100), "100%"), Ranked("B", D(100), "100%")]
        assert describe_top(same) == "(đạt 100%) gồm: A, B"
        assert describe_top([Ranked("A", D(3), "3"), Ranked("B", D(2), "2")]) == "gồm: A (3), B (2)"


@pytest.mark.django_db
class TestTheAugustNarrative:
    def test_the_top_three_app_users_do_not_skip_phu_rieng(self, august_report):
        """The printed report names Đồng Xoài, Chơn Thành, Lộc Ninh and leaves out Phú Riềng (1.864 > 1.861)."""
        assert narrative(document(august_report), "app") == [
            "- Ứng dụng “Bình Phước Today”: Tính đến ngày 4/10/2023, số người sử dụng ứng dụng toàn tỉnh là 40.387. "
            "Trong đó, 03 đơn vị có số người dùng nhiều nhất gồm: Đồng Xoài (3.403), Phú Riềng (1.864), "
            "Chơn Thành (1.861).",
            "Số người dùng tăng thêm nhiều nhất so với báo cáo chuyên đề tháng 7/2023: Phú Riềng (765).",
        ]

    def test_the_dvc_commentary_names_the_drops_and_the_targets(self, august_report):
        assert narrative(document(august_report), "dvc") == [
            # The TỔNG row prints the province's own 99% (the source's total); July has no printed total
            # to compare it with, so no change is stated (the units' roll-up, 99,45%, is not printed).
            "+ Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến toàn tỉnh đạt 99% (đến ngày 30/9/2023); 25/27 đơn vị đạt 100%.",
            "+ 27/27 đơn vị đạt chỉ tiêu Ủy ban quốc gia về CĐS đề ra (≥ 80%) về tỷ lệ DVCTT phát sinh hồ sơ trực tuyến.",
            "+ Giảm nhiều nhất so với báo cáo chuyên đề tháng 7/2023 về tỷ lệ DVCTT phát sinh hồ sơ trực tuyến: "
            "Thị xã Chơn Thành (giảm 4,8%, từ 100% xuống 95,2%).",
            # The printed table lists 27 of the 37 units that must report DVC: the roll-up says so, and
            # July's 27 units are the same ones (like with like, issue 17).
            "+ Tỷ lệ hồ sơ xử lý trực tuyến toàn tỉnh giảm từ 99,65% (tháng 7/2023) xuống 99,31% "
            "(27/37 đơn vị đã báo cáo, đến ngày 30/9/2023); 25/27 đơn vị đạt 100%.",
            "+ 27/27 đơn vị đạt chỉ tiêu Ủy ban quốc gia về CĐS đề ra (≥ 50%) về tỷ lệ hồ sơ xử lý trực tuyến.",
            "+ Giảm nhiều nhất so với báo cáo chuyên đề tháng 7/2023 về tỷ lệ hồ sơ xử lý trực tuyến: "
            "Thành phố Đồng Xoài (giảm 11,2%, từ 93,3% xuống 82,1%).",
        ]

    def test_the_software_commentary_lists_every_unit_tied_at_the_top(self, august_report):
        assert narrative(document(august_report), "software") == [
            "+ Đơn vị tổ chức họp không giấy qua phần mềm Ecabinet nhiều nhất gồm: Đồng Xoài (1.381), "
            "VP UBND tỉnh (1.067), Sở NN&PTNT (198).",
            "+ Đơn vị có tỷ lệ văn bản điện tử được ký số cao nhất (đạt 100%) gồm: Sở KH&ĐT, Ban Quản lý KKT, Ban Dân tộc.",
            "+ Các đơn vị đều đạt 100% văn bản được thực hiện trực tuyến qua QLVB & HSCV.",
            "+ Đơn vị có tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ nhiều nhất (đạt 100%) gồm: Sở KH&ĐT, "
            "Sở VH-TT&DL, Sở TT&TT, Sở Ngoại vụ, Ban Dân tộc, Trung tâm XTĐT-TM&DL.",
            "+ Đơn vị có tỷ lệ văn bản điện tử được ký số thấp nhất gồm: Trung tâm XTĐT-TM&DL (0%), Đồng Phú (44%), "
            "Bình Long (48%).",
        ]

    def test_units_below_target_and_units_without_data_are_named(
        self, august_report, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            record_values(
                [
                    ValueInput("DVC-FILE-RATE", "BUDOP", "2023-08", D("45")),
                    ValueInput("DVC-SVC-RATE", "BUDANG", "2023-08", None),
                ],
                user=staff,
                source="form",
            )
        doc = document(august_report)
        items = narrative(doc, "dvc")
        assert "+ Chưa có số liệu tỷ lệ DVCTT phát sinh hồ sơ trực tuyến: Huyện Bù Đăng." in items
        assert (
            "+ Đơn vị chưa đạt chỉ tiêu (≥ 50%) về tỷ lệ hồ sơ xử lý trực tuyến: Huyện Bù Đốp (45%)." in items
        )
        dvc = tables(doc)["dvc"]
        assert row(dvc, "BUDOP")["cells"][5:] == ["45%", "Giảm 55%", "Không đạt"]
        assert row(dvc, "BUDANG")["cells"][2:5] == ["–", "–", "Chưa có số liệu"]


@pytest.mark.django_db
def test_the_january_commentary_names_the_printed_units(january_report):
    doc = document(january_report)
    assert narrative(doc, "app")[0].endswith(
        "03 đơn vị có số người dùng nhiều nhất gồm: Đồng Xoài (2.960), Chơn Thành (1.661), Lộc Ninh (1.613)."
    )
    software = narrative(doc, "software")
    assert software[:2] == [
        "+ Đơn vị tổ chức họp không giấy qua phần mềm Ecabinet nhiều nhất gồm: Đồng Xoài (1.039), "
        "VP UBND tỉnh (773), Sở TT&TT (142).",
        "+ Đơn vị có tỷ lệ văn bản điện tử được ký số cao nhất gồm: Ban Dân tộc (99,6%), Sở VH-TT&DL (98,92%), "
        "Sở Xây dựng (97,06%).",
    ]
    assert software[3] == (
        "+ Đơn vị có tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ nhiều nhất (đạt 100%) gồm: Sở Xây dựng, "
        "Sở VH-TT&DL, Sở TT&TT, Sở Ngoại vụ, Ban Dân tộc, Trung tâm XTĐT-TM&DL."
    )
    assert narrative(doc, "cnscd") == [
        "+ Toàn tỉnh có 111 tổ CNSCĐ cấp xã với 1.680 thành viên; 843 tổ CNSCĐ thôn, ấp với 5.962 thành viên.",
        "+ 11/11 huyện, thị xã, thành phố đạt 100% xã có tổ CNSCĐ.",
    ]
