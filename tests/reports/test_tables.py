"""The generated tables equal the printed tables of the January and August 2023 reports, cell by cell.

Cells are compared after writing the printed number in the product's one format (`as_generated`:
"95,20%" → "95,2%", "07" → "7", "2,084" → "2.084"); words (Bằng, Tăng 0,9%, Đạt) exactly."""

import pytest

from . import printed as P
from .helpers import document, narrative, paragraphs, row, tables, unit_rows

pytestmark = pytest.mark.django_db


def pct(text):
    return P.as_generated(text if text.endswith("%") else text + "%")


def amount(text):
    return text if text == "-" else P.as_generated(text) + " đ"


def expected_dvc(printed_rows):
    return [
        [str(n), *(pct(c) if i in (0, 3) else c for i, c in enumerate(cells))]
        for n, (_, *cells) in enumerate(printed_rows, start=1)
    ]


class TestTheAugustReport:
    def test_the_dvc_table_equals_the_printed_one_cell_by_cell(self, august_report):
        table = tables(document(august_report))["dvc"]
        rows = unit_rows(table)
        assert [r["key"] for r in rows] == [r[0] for r in P.AUGUST_DVC]
        assert [r["cells"][:1] + r["cells"][2:] for r in rows] == expected_dvc(P.AUGUST_DVC)
        assert rows[16]["cells"][1] == "Thành phố Đồng Xoài"
        total = row(table, "total")
        assert total["spans"] == [2, 1, 1, 1, 1, 1, 1]
        assert total["cells"] == ["TỔNG", P.as_generated(P.AUGUST_DVC_TOTAL), "", "Đạt", "99,31%", "", "Đạt"]

    def test_the_dvc_header_names_the_compared_report_and_the_targets(self, august_report):
        table = tables(document(august_report))["dvc"]
        assert [c["text"] for c in table["header"][1]] == [
            "Kết quả thực hiện của đơn vị",
            "So với báo cáo chuyên đề tháng 7/2023",
            "So với chỉ tiêu Ủy ban quốc gia về CĐS đề ra (≥ 80%)",
            "Kết quả thực hiện của đơn vị",
            "So với báo cáo chuyên đề tháng 7/2023",
            "So với chỉ tiêu Ủy ban quốc gia về CĐS đề ra (≥ 50%)",
        ]
        assert table["header"][0][2] == {
            "text": "Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến (đến thời điểm báo cáo 30/9/2023)",
            "colspan": 3,
            "rowspan": 1,
        }

    def test_the_app_users_table_with_increments_and_total(self, august_report):
        table = tables(document(august_report))["app"]
        assert [r["cells"][2:] for r in unit_rows(table)] == [
            [P.as_generated(u), P.as_generated(i)] for _, u, i in P.AUGUST_APP
        ]
        assert [r["cells"][1] for r in unit_rows(table)][:3] == ["Bù Gia Mập", "Bù Đăng", "Bù Đốp"]
        assert row(table, "total")["cells"] == ["", "Tổng", "40.387", "3.673"]
        assert table["columns"][3] == "So với báo cáo chuyên đề tháng 7/2023 (số người dùng tăng thêm)"

    def test_the_software_table(self, august_report):
        table = tables(document(august_report))["software"]
        rows = unit_rows(table)
        assert len(rows) == 33
        assert [r["cells"][2:] for r in rows] == [
            [P.as_generated(m), pct(e), pct(q), pct(m2)] for _, m, e, q, m2 in P.AUGUST_SOFTWARE
        ]
        assert [rows[i]["cells"][1] for i in (0, 21, 23, 32)] == [
            "Sở GD&ĐT",
            "UBND TP.Đồng Xoài",
            "UBND TX.Chơn Thành",
            "VP UBND tỉnh",
        ]

    def test_the_e_certification_and_tax_tables(self, august_report):
        doc = document(august_report)
        ecert = tables(doc)["ecert"]
        assert ecert["rows"] == [
            {
                "key": "BP",
                "cells": ["1", "UBND tỉnh Bình Phước", *(P.as_generated(v) for v in P.AUGUST_ECERT)],
            }
        ]
        tax = tables(doc)["tax"]
        # Amounts (every second column) are printed with " đ"; "-" (no transaction) stays "-".
        assert [r["cells"][1:] for r in unit_rows(tax)] == [
            [name, *(P.as_generated(c) if i % 2 == 0 else amount(c) for i, c in enumerate(cells))]
            for name, (_, *cells) in zip(
                [
                    "Thành phố Đồng Xoài", "Thị xã Bình Long", "Thị xã Phước Long", "Huyện Bù Đăng", "Huyện Bù Đốp",
                    "Huyện Bù Gia Mập", "Thị xã Chơn Thành", "Huyện Đồng Phú", "Huyện Hớn Quản", "Huyện Lộc Ninh",
                    "Huyện Phú Riềng",
                ],
                P.AUGUST_TAX,
                strict=True,
            )
        ]  # fmt: skip
        assert row(tax, "DONGPHU")["cells"][4:6] == ["-", "-"]
        assert row(tax, "total")["cells"][2:] == [
            P.as_generated(v) if i % 2 == 0 else amount(v) for i, v in enumerate(P.AUGUST_TAX_TOTAL)
        ]
        assert row(tax, "grand_total")["cells"][2:] == [
            "3.672", "13.147.681.648 đ", "37.895", "163.788.841.373 đ"
        ]  # fmt: skip
        assert row(tax, "DONGXOAI")["cells"][2:4] == ["543", "5.144.126.233 đ"]
        assert [c["text"] for c in tax["header"][0]] == ["TT", "TÊN ĐƠN VỊ", "Tháng 8/2023", "Năm 2023"]

    def test_the_hotline_and_communication_paragraphs(self, august_report):
        doc = document(august_report)
        assert paragraphs(doc, "software")[1] == (
            "- Từ ngày 01/01/2023 đến ngày 4/10/2023, Tổng đài 1022 Bình Phước đã tiếp nhận 2.095 tin, trong đó: "
            "Đã xử lý: 2.032 tin; Đang xử lý: 04 tin; tin rác: 52 tin; Quá hạn xử lý (cấp chuyên viên 8 giờ hành "
            "chính): 01 tin; Quá hạn xử lý (cấp lãnh đạo 48 giờ hành chính): 06 tin. Riêng từ báo cáo chuyên đề "
            "tháng 7/2023 đến nay, tiếp nhận thêm 367 tin, đã xử lý thêm 363 tin."
        )
        assert paragraphs(doc, "media") == [
            "Từ đầu năm đến nay, Trang Thông tin điện tử CĐS tỉnh (https://cds.binhphuoc.gov.vn) đã cập nhật, "
            "đăng tải 437 tin bài, văn bản, thông tin tuyên truyền, chỉ đạo - điều hành về CĐS.",
            "Lũy kế từ năm 2022 đến ngày 30/9/2023, Trang Thông tin điện tử CĐS tỉnh đã cập nhật, đăng tải 1.452 "
            "thông tin tuyên truyền, chỉ đạo điều hành về CĐS.",
        ]

    def test_sections_are_numbered_in_the_printed_order(self, august_report):
        doc = document(august_report)
        data = next(p for p in doc["parts"] if p["kind"] == "data")
        assert [(s["number"], s["title"]) for s in data["sections"]] == [
            (1, "Dịch vụ công trực tuyến"),
            (2, "Kết quả sử dụng phần mềm, ứng dụng"),
            (3, "Chứng thực điện tử"),
            (4, "Kết quả thanh toán thuế trực tuyến trên Cổng DVC Quốc gia"),
            (5, "Tuyên truyền về CĐS"),
        ]
        assert doc["warnings"] == [
            "Thanh toán trực tuyến phí lệ phí: số tiền trong tháng (đồng): Tổng in trong báo cáo 240.724.102 "
            "khác tổng tính từ các đơn vị 240.458.368",
            "Thanh toán trực tuyến phí lệ phí: số tiền từ đầu năm (đồng): Tổng in trong báo cáo 2.657.858.163 "
            "khác tổng tính từ các đơn vị 2.657.261.760",
        ]


class TestTheJanuaryReport:
    def test_the_dvc_table_with_changes_since_december(self, january_report):
        table = tables(document(january_report))["dvc"]
        assert [r["cells"][:1] + r["cells"][2:] for r in unit_rows(table)] == expected_dvc(P.JANUARY_DVC)
        assert table["header"][1][1]["text"] == "So với báo cáo chuyên đề tháng 12/2022"

    def test_the_app_software_cnscd_and_ecert_tables(self, january_report):
        t = tables(document(january_report))
        assert [r["cells"][2:] for r in unit_rows(t["app"])] == [
            [P.as_generated(u), P.as_generated(i)] for _, u, i in P.JANUARY_APP
        ]
        assert row(t["app"], "total")["cells"][2:] == ["24.575", "1.545"]
        assert [r["cells"][2:] for r in unit_rows(t["software"])] == [
            [P.as_generated(m), pct(e), pct(q), pct(m2)] for _, m, e, q, m2 in P.JANUARY_SOFTWARE
        ]
        assert [r["cells"][1:] for r in unit_rows(t["cnscd"])] == [
            [name, *(P.as_generated(c) for c in cells)]
            for name, (_, *cells) in zip(
                ["ĐỒNG XOÀI", "PHƯỚC LONG", "HỚN QUẢN", "ĐỒNG PHÚ", "LỘC NINH", "BÌNH LONG", "PHÚ RIỀNG",
                 "CHƠN THÀNH", "BÙ GIA MẬP", "BÙ ĐỐP", "BÙ ĐĂNG"],
                P.JANUARY_CNSCD,
                strict=True,
            )
        ]  # fmt: skip
        assert row(t["cnscd"], "total")["cells"] == ["", "Tổng", "111", "100%", "1.680", "843", "5.962"]
        assert row(t["ecert"], "BP")["cells"][2:] == [P.as_generated(v) for v in P.JANUARY_ECERT]

    def test_the_hotline_sentence_gives_only_what_was_reported(self, january_report):
        assert paragraphs(document(january_report), "software")[1] == (
            "- Từ ngày 01/01/2023 đến ngày 19/2/2023, Tổng đài 1022 Bình Phước đã tiếp nhận 1.515 tin, trong đó: "
            "Đã xử lý: 1.504 tin."
        )

    def test_without_a_row_order_units_follow_the_catalogue(self, january_data):
        from reports.services import build_monthly_report

        built = build_monthly_report("2023-01")
        dvc = next(s for s in built["sections"] if s["key"] == "dvc")
        table = next(b for b in dvc["blocks"] if b["type"] == "table")
        assert [r["key"] for r in unit_rows(table)][:13] == [
            "SGDDT", "SCT", "SGTVT", "SKHDT", "SKHCN", "SLDTBXH", "SNV", "SNNPTNT", "STNMT", "SXD", "SVHTTDL", "SYT", "STTTT",
        ]  # fmt: skip
        assert narrative({"parts": [{"kind": "data", "sections": built["sections"]}]}, "dvc")[0].startswith(
            "+ Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến toàn tỉnh"
        )
