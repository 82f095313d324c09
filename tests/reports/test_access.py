"""Who may see and do what: staff compose and publish; viewers and reporters read published reports."""

import pytest
from django.urls import reverse

from reports.models import ReportFile
from reports.services import publish_report

pytestmark = pytest.mark.django_db


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def published(august_report, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_report(august_report, user=staff)
    return august_report


def test_a_draft_is_seen_only_by_staff(client, august_report, personas):
    url = reverse("reports:report_detail", args=["2023-08"])
    expected = {"staff": 200, "reporter": 404, "outsider": 404, "viewer": 404}
    for name, user in personas.items():
        client.logout()
        assert (name, client_for(client, user).get(url).status_code) == (name, expected[name])
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_a_published_report_is_read_by_every_persona_and_not_by_anonymous(client, published, personas):
    url = reverse("reports:report_detail", args=["2023-08"])
    for name, user in personas.items():
        client.logout()
        response = client_for(client, user).get(url)
        assert (name, response.status_code) == (name, 200)
        body = response.content.decode()
        assert "Số: 08/BC-STTTT" in body and "Thành phố Đồng Xoài" in body
        assert "<script>" not in body and "onclick" not in body
        assert ("Phát hành phiên bản mới" in body) == (name == "staff")
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_the_list_shows_drafts_to_staff_only(client, august_report, personas, django_assert_max_num_queries):
    url = reverse("reports:report_list")
    for name, user in personas.items():
        client.logout()
        c = client_for(client, user)
        with django_assert_max_num_queries(6):
            body = c.get(url).content.decode()
        assert (name, "Tháng 8/2023" in body) == (name, name == "staff")


def test_only_staff_publish_edit_and_request_files(client, august_report, personas):
    for name, user in personas.items():
        client.logout()
        c = client_for(client, user)
        codes = (
            c.post(reverse("reports:report_publish", args=["2023-08"])).status_code,
            c.get(reverse("reports:report_edit", args=["2023-08"])).status_code,
            c.post(reverse("reports:file_request", args=["2023-08"]), {"format": "pdf"}).status_code,
            c.post(reverse("reports:report_create"), {"period": "2023-09"}).status_code,
        )
        assert (name, codes) == (name, (302, 200, 302, 302) if name == "staff" else (403, 403, 403, 403))


def test_readers_download_published_files_and_staff_see_progress(client, published, personas):
    pdf = ReportFile.objects.get(report=published, format="pdf")
    status_url = reverse("reports:file_status", args=["2023-08", pdf.pk])
    download_url = reverse("reports:file_download", args=["2023-08", pdf.pk])
    for name, user in personas.items():
        client.logout()
        c = client_for(client, user)
        status = c.get(status_url).json()
        assert (name, status["state"], status["progress"], status["download_url"]) == (
            name,
            "done",
            100,
            download_url,
        )
        response = c.get(download_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(download_url).status_code == 302


def test_staff_edit_the_report_in_the_browser_form(client, august_report, staff):
    client.force_login(staff)
    edit = reverse("reports:report_edit", args=["2023-08"])
    page = client.get(edit).content.decode()
    assert "<script>" not in page and 'src="/static/js/reports-editor.js"' in page
    sections = list(august_report.sections.all())
    data = {
        "number": "08/BC-STTTT",
        "issue_date": "2023-09-30",
        "data_date": "2023-09-30",
        "apps_date": "2023-10-04",
        "opening": august_report.opening,
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "",
        "s-TOTAL_FORMS": str(len(sections) + 1),
        "s-INITIAL_FORMS": str(len(sections)),
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "1000",
        "narrative-app": "- Ứng dụng “Bình Phước Today”: 40.387 người dùng.",
        "order-dvc": "BUDANG — Huyện Bù Đăng\nSGDDT",
    }
    for i, s in enumerate(sections):
        data.update({f"s-{i}-id": s.pk, f"s-{i}-title": s.title, f"s-{i}-order": s.order, f"s-{i}-body": ""})
    data.update(
        {f"s-{len(sections)}-title": "", f"s-{len(sections)}-order": "0", f"s-{len(sections)}-body": ""}
    )
    data["s-0-body"] = '<h3>1. Bài mới</h3><p onclick="x()">Nội dung</p>'
    response = client.post(edit, data)
    ctx = response.context
    assert response.status_code == 302, ctx and (
        ctx["form"].errors,
        ctx["formset"].errors,
        ctx["formset"].non_form_errors(),
        ctx["order_errors"],
    )
    august_report.refresh_from_db()
    assert august_report.signer_title == "GIÁM ĐỐC"
    assert august_report.narrative == {"app": "- Ứng dụng “Bình Phước Today”: 40.387 người dùng."}
    assert august_report.row_orders["dvc"] == ["BUDANG", "SGDDT"]
    assert august_report.sections.get(pk=sections[0].pk).body == "<h3>1. Bài mới</h3><p>Nội dung</p>"
    body = client.get(response["Location"]).content.decode()
    assert "1. Bài mới" in body and "GIÁM ĐỐC" in body
