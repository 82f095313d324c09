"""The report pages as readers and staff meet them (issue 17, issue 16 #8): a report not published yet is
a Vietnamese 404 inside the site's layout (not Django's debug page), the editor's commentary boxes carry
the titles of the sections they comment on, and a period outside 2000–2100 is refused with the one
message or answered 404, never a 500."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.periods import period_message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_a_report_not_yet_published_is_a_vietnamese_404_for_readers(client, august_report, personas, settings, debug):
    settings.DEBUG = debug
    for name in ("viewer", "reporter", "outsider"):
        client.force_login(personas[name])
        for url in ("/bao-cao/2023-08/", "/bao-cao/2023-09/"):
            response = client.get(url)
            body = response.content.decode()
            month = url[-3:-1].lstrip("0") + "/2023"
            assert (name, url, response.status_code) == (name, url, 404)
            assert f"Báo cáo chuyên đề tháng {month} chưa được phát hành." in body
            assert '<a href="/bao-cao/">← Về danh sách báo cáo chuyên đề</a>' in body
            assert 'class="topbar"' in body and "Page not found" not in body and "Traceback" not in body


def test_a_file_of_an_unpublished_report_is_the_same_404(client, august_report, viewer, settings):
    settings.DEBUG = True
    client.force_login(viewer)
    response = client.get("/bao-cao/2023-08/tep/1/")
    assert response.status_code == 404
    assert "Báo cáo chuyên đề tháng 8/2023 chưa được phát hành." in response.content.decode()


def test_the_commentary_boxes_are_labelled_with_the_section_titles(client, august_report, staff):
    client.force_login(staff)
    body = client.get("/bao-cao/2023-08/sua/").content.decode()
    labels = {
        "dvc": "1. Dịch vụ công trực tuyến",
        "app": "2. Kết quả sử dụng phần mềm, ứng dụng — Ứng dụng “Bình Phước Today”",
        "software": "2. Kết quả sử dụng phần mềm, ứng dụng — Các phần mềm, ứng dụng khác",
        "tax": "4. Kết quả thanh toán thuế trực tuyến trên Cổng DVC Quốc gia",
    }
    for key, label in labels.items():
        assert f'<label for="narrative-{key}">{label}</label>' in body
    for key in labels:
        assert f'<label for="narrative-{key}">{key}' not in body


@pytest.mark.parametrize("period", ["0000-01", "9999-12", "2023-13", "2101-01"])
def test_build_report_refuses_a_period_outside_any_real_calendar_with_the_one_message(period, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("build_report", period, "--output", str(tmp_path / "r.pdf"), stdout=io.StringIO())
    assert str(raised.value) == period_message(period)
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_the_report_pages_answer_404_for_such_a_period(client, staff, viewer, period):
    for user in (staff, viewer):
        client.force_login(user)
        for url in (f"/bao-cao/{period}/", f"/bao-cao/{period}/sua/", f"/bao-cao/{period}/tep/1/"):
            assert (url, client.get(url).status_code) == (url, 404)
    client.force_login(staff)
    response = client.post("/bao-cao/tao/", {"period": period}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [period_message(period)]
