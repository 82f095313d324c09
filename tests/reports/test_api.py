"""GET /api/v1/reports/: published reports with their versions and download links, per persona."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.models import ReportFile
from reports.services import publish_report

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


def test_readers_get_published_reports_with_their_files(
    august_report, staff, viewer, reporter, django_capture_on_commit_callbacks
):
    assert api(viewer).get("/api/v1/reports/").json() == []  # still a draft
    [draft] = api(staff).get("/api/v1/reports/").json()
    assert (draft["period"], draft["status"], draft["versions"]) == ("2023-08", "draft", [])

    with django_capture_on_commit_callbacks(execute=True):
        publish_report(august_report, user=staff)  # renders the DOCX and PDF (eager tasks here)
    files = {f.format: f for f in ReportFile.objects.filter(report=august_report, state="done")}
    assert sorted(files) == ["docx", "pdf"]

    for user in (viewer, reporter, staff):
        [report] = api(user).get("/api/v1/reports/").json()
        assert report["period"] == "2023-08"
        assert report["number"] == "08/BC-STTTT"
        assert report["status"] == "published"
        assert [v["number"] for v in report["versions"]] == [1]
        assert report["page"] == "http://testserver/bao-cao/2023-08/"
        by_format = {f["format"]: f for f in report["files"]}
        assert sorted(by_format) == ["docx", "pdf"]
        for fmt, stored in files.items():
            assert by_format[fmt]["version"] == 1
            assert by_format[fmt]["url"] == f"http://testserver/bao-cao/2023-08/tep/{stored.pk}/tai-ve/"
            assert by_format[fmt]["size"] == stored.size > 10_000


def test_anonymous_clients_get_401(august_report):
    response = api().get("/api/v1/reports/")
    assert response.status_code == 401
