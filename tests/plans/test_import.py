"""A later year's plan imported from an XLSX or CSV with the columns of fixtures/plan_tasks.csv: every
problem named with where it is and nothing written; a clean file previewed, confirmed, written once;
the command does the same. Variants are generated (hypothesis) besides the hand-written cases."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from plans import catalogue as plan_file
from plans.models import Plan, PlanTask
from tests.imports.xlsx_builders import build_xlsx

HEADER = list(plan_file.COLUMNS)
TITLE = "Kế hoạch hoạt động năm 2024 của Ban Chỉ đạo về chuyển đổi số tỉnh Bình Phước"


def row(ref, unit, title, text, due="", indicators="", pillar="", kind="assigned", year=2024):
    return [year, TITLE, "12/KH-BCĐ", datetime.date(2024, 3, 8), ref, kind, unit, title, text, due, indicators, pillar]


ROWS = [
    row("III.1", "STTTT", "Họp Ban Chỉ đạo 6 tháng", "Họp Ban Chỉ đạo đánh giá kết quả 6 tháng đầu năm.", kind="committee"),
    row("IV.1.1", "STTTT", "Phổ cập điện thoại thông minh", "Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%.",
        indicators="HTS-SMARTPHONE", pillar="HTS"),
    row("IV.2.1", "VPUBND", "Dịch vụ công trực tuyến toàn trình",
        "Hoàn thành các chỉ tiêu dịch vụ công trực tuyến, chậm nhất ngày 30/6/2024.", due=datetime.date(2024, 6, 30),
        indicators="CQS-DVC-FULL|CQS-DVC-FILED", pillar="CQS"),
]


def xlsx(rows, sheet="Nhiệm vụ", header=HEADER):
    return build_xlsx({"Ghi chú": [["Kế hoạch 2024"]], sheet: [["KẾ HOẠCH HOẠT ĐỘNG NĂM 2024"], [], header, *rows]})


def csv_bytes(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        writer.writerow([v.isoformat() if isinstance(v, datetime.date) else v for v in r])
    return out.getvalue().encode("utf-8-sig")


def test_a_workbook_is_read_on_the_sheet_that_has_the_columns(catalogue):
    parsed = plan_file.read_plan_upload(xlsx(ROWS), "ke-hoach-2024.xlsx")
    assert parsed.plans == {2024: {"title": TITLE, "number": "12/KH-BCĐ", "decided_on": datetime.date(2024, 3, 8)}}
    assert [(t["ref"], t["section"], t["unit"], t["due"], t["indicators"]) for t in parsed.tasks] == [
        ("III.1", "III", "STTTT", None, []),
        ("IV.1.1", "IV.1", "STTTT", None, ["HTS-SMARTPHONE"]),
        ("IV.2.1", "IV.2", "VPUBND", datetime.date(2024, 6, 30), ["CQS-DVC-FILED", "CQS-DVC-FULL"]),
    ]


def test_every_problem_of_a_workbook_names_sheet_row_and_column(catalogue):
    bad = [
        row("IV.1.1", "STTTT", "", "Nội dung."),
        row("IV.1.1", "SOXX", "Trùng", "Nội dung khác.", pillar="KT"),
        row("IV.2", "VPUBND", "Hạn", "Hoàn thành trước ngày 30/6/2024.", due="31/6/2024", kind="giao"),
    ]
    with pytest.raises(plan_file.PlanFileError) as exc:
        plan_file.read_plan_upload(xlsx(bad), "kh.xlsx")
    assert exc.value.errors == [
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 4, cột 'title': tên ngắn bị trống",
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 5, cột 'ref': số thứ tự \"IV.1.1\" bị trùng (đã có ở kh.xlsx, sheet 'Nhiệm vụ', dòng 4)",
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 5, cột 'unit': không có đơn vị mã \"SOXX\"",
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 5, cột 'pillar': \"KT\" không hợp lệ (cho phép: HTS, CQS, KTS, XHS hoặc để trống)",
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 6, cột 'kind': \"giao\" không hợp lệ (cho phép: committee, assigned)",
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 6, cột 'due': \"31/6/2024\" không phải là ngày (YYYY-MM-DD hoặc dd/mm/yyyy)",
        "kh.xlsx, sheet 'Nhiệm vụ', dòng 6, cột 'due': nội dung ghi thời hạn (\"trước ngày 30/6/2024\" = 29/06/2024) "
        "nhưng cột due để trống; ghi 2024-06-29 vào cột due",
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xff\xfe\x00k\x00h", "kh.csv", "kh.csv: tệp CSV phải ở dạng UTF-8 (trong Excel: Lưu thành → CSV UTF-8)"),
        (b"PK\x03\x04 not a workbook", "kh.xlsx", "kh.xlsx: không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx)"),
        (b"year,ref\n2024,IV.1.1\n", "kh.csv",
         "kh.csv, dòng 1: thiếu cột 'plan_title', 'plan_number', 'plan_date', 'kind', 'unit', 'title', 'text', 'due', "
         "'indicators', 'pillar'"),
        ("\n".join([",".join(HEADER)]).encode(), "kh.csv", "kh.csv: tệp không có nhiệm vụ nào"),
        (b"\xd0\xcf\x11\xe0 old excel", "kh.xls", "kh.xls: chỉ nhận tệp .xlsx hoặc .csv (UTF-8)"),
    ],
)
def test_files_that_are_not_a_plan_are_refused_with_one_clear_message(catalogue, data, name, message):
    with pytest.raises(plan_file.PlanFileError) as exc:
        plan_file.read_plan_upload(data, name)
    assert exc.value.errors == [message]


def test_the_page_previews_then_writes_once(client, staff):
    client.force_login(staff)
    preview = client.post("/ke-hoach/nhap/", {"file": SimpleUploadedFile("ke-hoach-2024.csv", csv_bytes(ROWS))})
    assert preview.status_code == 200
    assert "ke-hoach-2024.csv: kế hoạch năm 2024 — 3 nhiệm vụ: 3 mới, 0 thay đổi, 0 không đổi." in " ".join(
        preview.content.decode().split()
    )
    assert not Plan.objects.filter(year=2024).exists()
    done = client.post("/ke-hoach/nhap/", {"action": "confirm"})
    assert done.url == "/ke-hoach/2024/"
    plan = Plan.objects.get(year=2024)
    assert (plan.title, plan.number, plan.decided_on) == (TITLE, "12/KH-BCĐ", datetime.date(2024, 3, 8))
    assert list(plan.tasks.values_list("ref", "unit__code", "order")) == [
        ("III.1", "STTTT", 1), ("IV.1.1", "STTTT", 2), ("IV.2.1", "VPUBND", 3)]
    assert client.post("/ke-hoach/nhap/", {"action": "confirm"}).status_code == 302  # nothing waits any more
    again = client.post("/ke-hoach/nhap/", {"file": SimpleUploadedFile("ke-hoach-2024.xlsx", xlsx(ROWS))})
    assert "3 nhiệm vụ: 0 mới, 0 thay đổi, 3 không đổi." in " ".join(again.content.decode().split())


def test_the_page_shows_every_problem_and_writes_nothing(client, staff):
    client.force_login(staff)
    response = client.post(
        "/ke-hoach/nhap/", {"file": SimpleUploadedFile("kh.csv", csv_bytes([row("IV.9.9", "XX", "T", "N")]))}
    )
    assert response.status_code == 200  # the page again, with the problems
    assert "kh.csv, dòng 2, trường &#x27;unit&#x27;: không có đơn vị mã &quot;XX&quot;" in response.content.decode()
    assert not Plan.objects.filter(year=2024).exists()


def test_a_task_missing_from_a_later_file_is_kept_and_listed(catalogue):
    plan_file.write(plan_file.read_plan_upload(xlsx(ROWS), "kh.xlsx"))
    result = plan_file.preview(plan_file.read_plan_upload(xlsx(ROWS[:2]), "kh.xlsx"))
    assert result.kept == ["2024/IV.2.1"]
    assert PlanTask.objects.filter(plan__year=2024).count() == 3


def test_the_command_imports_a_file_and_refuses_a_broken_one(catalogue, tmp_path, capsys):
    good = tmp_path / "kh-2024.xlsx"
    good.write_bytes(xlsx(ROWS))
    call_command("import_plan", str(good), "--dry-run")
    assert "Kế hoạch hoạt động: 1 tạo mới, 0 thay đổi, 0 không đổi" in capsys.readouterr().out
    assert not Plan.objects.filter(year=2024).exists()
    call_command("import_plan", str(good))
    assert "Nhiệm vụ kế hoạch: 3 tạo mới, 0 thay đổi, 0 không đổi" in capsys.readouterr().out
    bad = tmp_path / "kh.csv"
    bad.write_bytes(csv_bytes([row("IV.1.1", "STTTT", "T", "N", pillar="XX")]))
    with pytest.raises(CommandError) as exc:
        call_command("import_plan", str(bad))
    assert str(exc.value) == (
        "Tệp kế hoạch có lỗi, không có gì được ghi:\n"
        "kh.csv, dòng 2, trường 'pillar': \"XX\" không hợp lệ (cho phép: HTS, CQS, KTS, XHS hoặc để trống)"
    )


cell_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ref=cell_text, unit=cell_text, due=cell_text, percent_cell=cell_text)
def test_arbitrary_cells_are_either_a_clean_plan_or_named_problems(catalogue, ref, unit, due, percent_cell):
    rows = [row(ref, unit, "Tên", f"Nội dung {percent_cell}", due=due)]
    try:
        parsed = plan_file.read_plan_upload(csv_bytes(rows), "kh.csv")
    except plan_file.PlanFileError as exc:
        assert exc.errors and all(e.startswith("kh.csv") for e in exc.errors)
    else:
        assert [t["ref"] for t in parsed.tasks] == [ref.strip()]
    assert not Plan.objects.filter(year=2024).exists()
