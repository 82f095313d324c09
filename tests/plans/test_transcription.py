"""The 2023 plan as transcribed into fixtures/plan_tasks.csv and loaded by load_catalogue: every agency of
§IV with its tasks as printed, the deadline read from the text, §III's activities, idempotent loading,
and a broken file refused with file, line and field."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cds_portal.catalogue import load_catalogue
from indicators.catalogue import CatalogueError
from indicators.models import Target
from plans.models import Plan, PlanTask
from plans.rules import deadlines_in_text

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# §IV of the plan: 15 agencies, from the Sở TT&TT's seven tasks to a single one.
PER_AGENCY = {
    "STTTT": 7,
    "VPUBND": 2,
    "CAT": 4,
    "SYT": 5,
    "SGDDT": 2,
    "SKHDT": 6,
    "STC": 1,
    "SCT": 3,
    "SXD": 1,
    "SNV": 3,
    "SLDTBXH": 2,
    "SNNPTNT": 2,
    "SKHCN": 2,
    "STNMT": 1,
    "NHNN": 3,
}


def assigned():
    return PlanTask.objects.filter(plan__year=2023, kind="assigned")


def test_every_agency_of_section_iv_has_its_tasks(catalogue):
    counts = {code: assigned().filter(unit__code=code).count() for code in PER_AGENCY}
    assert counts == PER_AGENCY
    assert assigned().count() == 44
    assert sorted(set(assigned().values_list("unit__code", flat=True))) == sorted(PER_AGENCY)
    # In the plan's order, each agency's bullets numbered IV.<agency>.<bullet>.
    agencies = []
    for code in assigned().order_by("order").values_list("unit__code", flat=True):
        if not agencies or agencies[-1] != code:
            agencies.append(code)
    assert agencies == list(PER_AGENCY)
    assert list(assigned().filter(unit__code="SKHDT").order_by("order").values_list("ref", flat=True)) == [
        f"IV.6.{n}" for n in range(1, 7)
    ]


def test_tasks_keep_the_printed_text(catalogue):
    text = {t.ref: t.text for t in PlanTask.objects.filter(plan__year=2023)}
    assert text["IV.7.1"] == (
        "Căn cứ vào khả năng cân đối ngân sách tỉnh, tham mưu UBND tỉnh bố trí kinh phí thuộc nguồn vốn quản lý, "
        "thực hiện quyết toán theo quy định."
    )
    assert text["IV.9.1"] == (
        "Theo chức năng, nhiệm vụ chủ trì, phối hợp với các đơn vị liên quan triển khai nhiệm vụ: Quy hoạch đô thị "
        "thông minh; rà soát, công khai dữ liệu quy hoạch xây dựng."
    )
    assert text["IV.14.1"] == (
        "Theo chức năng, nhiệm vụ chủ trì, phối hợp với các đơn vị liên quan triển khai nhiệm vụ: Thúc đẩy phát "
        "triển và sử dụng Nền tảng bản đồ số, cơ sở dữ liệu về đất đai."
    )
    assert text["IV.3.3"] == (
        "Phổ cập danh tính điện tử toàn dân: 20-30% người dân sử dụng định danh điện tử trên địa bàn tỉnh."
    )
    assert text["IV.8.3"] == "Đảm bảo tỷ trọng doanh thu thương mại điện tử trong tổng mức bán lẻ đạt 8.5%."
    # Lines broken inside a word of the printed page are joined back ("2022-" / "2025").
    assert "giai đoạn 2022-2025, định hướng đến năm 2030” trên địa bàn tỉnh Bình Phước." in text["IV.5.1"]
    # Printed as it is, typos included.
    assert "thực hiện Chưong trình chuyển đổi số trong giáo dục nghề nghiệp" in text["IV.11.1"]


def test_the_van_phong_ubnd_tasks_deadline_is_read_from_its_text(catalogue):
    task = PlanTask.objects.get(plan__year=2023, unit__code="VPUBND", ref="IV.2.2")
    assert "đảm bảo trước tháng 9/2023:" in task.text
    # "trước tháng 9/2023": before September, so 31 August is the last day on time.
    assert deadlines_in_text(task.text) == [(datetime.date(2023, 8, 31), "truoc thang 9/2023")]
    assert task.due == datetime.date(2023, 8, 31)
    # No other task of the plan prints a deadline, and none has one.
    assert list(PlanTask.objects.filter(plan__year=2023, due__isnull=False).values_list("ref", flat=True)) == ["IV.2.2"]
    assert all(deadlines_in_text(t.text) == [] for t in PlanTask.objects.exclude(ref="IV.2.2"))


def test_section_iii_activities_are_the_committees_reported_by_the_so_tttt(catalogue):
    committee = PlanTask.objects.filter(plan__year=2023, kind="committee").order_by("order")
    assert [(t.ref, t.section, t.unit.code) for t in committee] == [(f"III.{n}", "III", "STTTT") for n in range(1, 7)]
    titles = [t.text for t in committee]
    assert titles[2].startswith("Họp Ban Chỉ đạo đánh giá công tác: Kết quả hoạt động 6 tháng đầu năm")
    assert titles[3] == "Công bố xếp hạng mức độ chuyển đổi số của các sở, ban, ngành, địa phương của tỉnh."
    assert "kiểm tra hoạt động chuyển đổi số" in titles[1]
    assert "nghiên cứu, học tập kinh nghiệm" in titles[4]
    assert "làm việc song phương với các tập đoàn, doanh nghiệp lớn về công nghệ" in titles[5]


def test_tasks_serve_the_kh57_indicators_whose_targets_they_name(catalogue):
    linked = {
        t.ref: sorted(i.code for i in t.indicators.all())
        for t in PlanTask.objects.filter(plan__year=2023).prefetch_related("indicators")
        if t.indicators.exists()
    }
    assert linked == {
        "IV.1.2": ["HTS-FTTH", "HTS-SMARTPHONE"],
        "IV.2.1": ["CQS-ONLINE-REPORT"],
        "IV.2.2": ["CQS-DIGITIZE", "CQS-DVC-FILED", "CQS-FILE-ONLINE"],
        "IV.3.3": ["XHS-EID"],
        "IV.4.5": ["XHS-EHEALTH-RECORD"],
        "IV.8.3": ["KTS-ECOMMERCE"],
        "IV.15.2": ["KTS-CASHLESS-FEES"],
    }
    # Each linked indicator's 2023 target is printed in the task's text ("đạt 70%", "20-30%", "8.5%").
    for ref in linked:
        task = PlanTask.objects.get(plan__year=2023, ref=ref)
        for target in Target.objects.filter(indicator__plan_tasks=task, year=2023, level="province"):
            value = f"{target.value.normalize():f}"
            assert f"{value}%" in task.text or f"{value}-" in task.text, (ref, target.indicator.code, value)


def test_the_plan_itself(catalogue):
    plan = Plan.objects.get(year=2023)
    assert plan.title == "Kế hoạch hoạt động năm 2023 của Ban Chỉ đạo về chuyển đổi số tỉnh Bình Phước"
    # The copy of the plan in the seeds does not print its number or date: left blank, never made up.
    assert (plan.number, plan.decided_on) == ("", None)
    assert plan.tasks.count() == 50


def test_a_second_load_changes_nothing(catalogue, capsys):
    before = list(PlanTask.objects.order_by("pk").values())
    call_command("load_catalogue")
    out = capsys.readouterr().out
    assert "Kế hoạch hoạt động: 0 tạo mới, 0 thay đổi, 1 không đổi" in out
    assert "Nhiệm vụ kế hoạch: 0 tạo mới, 0 thay đổi, 50 không đổi" in out
    assert "Tổng cộng: 0 tạo mới, 0 thay đổi" in out
    assert list(PlanTask.objects.order_by("pk").values()) == before


@pytest.fixture
def csv_dir(tmp_path):
    for name in ("units.csv", "indicators.csv", "targets.csv", "dti_pillars.csv", "plan_tasks.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def _break(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_broken_plan_file_is_refused_with_file_line_and_field(catalogue, csv_dir):
    plans = csv_dir / "plan_tasks.csv"
    _break(plans, ",IV.7.1,assigned,STC,", ",IV.7.1,assigned,STCX,")
    _break(plans, "IV.2.2,assigned,VPUBND,", "IV.2.1,assigned,VPUBND,")
    _break(plans, "KTS-ECOMMERCE,KTS", "KTS-ECOMERCE,KTS")
    _break(plans, ",2023-08-31,", ",,")
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(csv_dir)
    assert exc.value.errors == [
        'plan_tasks.csv, dòng 16, trường \'ref\': số thứ tự "IV.2.1" bị trùng (đã có ở plan_tasks.csv, dòng 15)',
        "plan_tasks.csv, dòng 16, trường 'due': nội dung ghi thời hạn (\"trước tháng 9/2023\" = 31/08/2023) nhưng "
        "cột due để trống; ghi 2023-08-31 vào cột due",
        "plan_tasks.csv, dòng 34, trường 'unit': không có đơn vị mã \"STCX\"",
        "plan_tasks.csv, dòng 37, trường 'indicators': không có chỉ tiêu mã \"KTS-ECOMERCE\"",
    ]
    assert PlanTask.objects.get(plan__year=2023, ref="IV.2.2").due == datetime.date(2023, 8, 31)


def test_plan_and_catalogue_problems_are_reported_together_and_nothing_is_written(catalogue, csv_dir):
    _break(csv_dir / "units.csv", "SCT,Sở Công Thương,", "SCT,Sở Công Thương mới,")
    _break(csv_dir / "plan_tasks.csv", ",2023-08-31,", ",2023-09-30,")
    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", "--dir", str(csv_dir))
    assert str(exc.value) == (
        "Danh mục có lỗi, không có gì được ghi:\n"
        "plan_tasks.csv, dòng 16, trường 'due': thời hạn 2023-09-30 khác với thời hạn ghi trong nội dung "
        '("trước tháng 9/2023" = 31/08/2023)'
    )
    # The valid change to units.csv was not written either.
    assert PlanTask.objects.get(ref="IV.8.1").unit.name == "Sở Công Thương"


def test_a_changed_title_is_one_change_and_a_plan_task_can_name_a_new_unit_of_the_same_load(catalogue, csv_dir):
    _break(csv_dir / "plan_tasks.csv", "Tham mưu bố trí kinh phí, quyết toán theo quy định",
           "Tham mưu bố trí kinh phí hoạt động của Ban Chỉ đạo")
    with (csv_dir / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("BQLDA,Ban Quản lý dự án,BQLDA,agency,BP,,test\n")
    with (csv_dir / "plan_tasks.csv").open("a", encoding="utf-8") as fh:
        fh.write("2023,Kế hoạch hoạt động năm 2023 của Ban Chỉ đạo về chuyển đổi số tỉnh Bình Phước,,,IV.16.1,"
                 "assigned,BQLDA,Dự án thử,Triển khai dự án thử.,,,\n")
    result = load_catalogue(csv_dir)
    assert (result.counts["plan_tasks"].created, result.counts["plan_tasks"].changed) == (1, 1)
    assert PlanTask.objects.get(ref="IV.7.1").title == "Tham mưu bố trí kinh phí hoạt động của Ban Chỉ đạo"
    assert PlanTask.objects.get(ref="IV.16.1").unit.code == "BQLDA"
    assert load_catalogue(csv_dir).changed == 0
