"""Who may call what: every persona against every endpoint and method."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from indicators.models import DataValue
from indicators.models.workflow import Submission
from units.models import Unit

READS = [
    "/api/v1/units/",
    "/api/v1/units/DONGXOAI/",
    "/api/v1/indicators/",
    "/api/v1/indicators/DVC-SVC-RATE/",
    "/api/v1/indicators/DVC-SVC-RATE/series/",
    "/api/v1/targets/",
    "/api/v1/values/",
    "/api/v1/values/?format=csv",
    "/api/v1/values/?format=xlsx",
    "/api/v1/aggregates/",
    "/api/v1/completeness/",
    "/api/v1/dti/",
]

# What each persona gets for each read (anonymous: PUBLIC_API off by default).
READ_STATUS = {"staff": 200, "reporter": 200, "outsider": 200, "viewer": 200, "anonymous": 401}


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("persona", ["staff", "reporter", "outsider", "viewer", "anonymous"])
def test_reads(values, clients, persona, url):
    response = clients[persona].get(url)
    assert response.status_code == READ_STATUS[persona]
    if persona == "anonymous":
        assert response.json() == {
            "detail": "Chưa xác thực: gửi kèm token (Authorization: Token …) hoặc đăng nhập.",
            "code": "not_authenticated",
        }
        assert response["WWW-Authenticate"] == "Token"


@pytest.fixture
def budop_draft(values, outsider):
    """Bù Đốp's reporter keeps August as a draft: only staff and Bù Đốp see those values."""
    Submission.objects.create(
        unit=Unit.objects.get(code="BUDOP"), period="2023-08", deadline=datetime.date(2023, 9, 20)
    )


@pytest.mark.parametrize(
    "persona, seen",
    [
        ("staff", ["BP", "BUDOP", "DONGXOAI"]),
        ("outsider", ["BP", "BUDOP", "DONGXOAI"]),
        ("reporter", ["BP", "DONGXOAI"]),
        ("viewer", ["BP", "DONGXOAI"]),
    ],
)
def test_a_draft_is_seen_only_by_staff_and_its_own_unit(budop_draft, clients, persona, seen):
    body = clients[persona].get("/api/v1/values/?period=2023-08").json()
    assert sorted({row["unit"] for row in body["results"]}) == seen
    user = get_user_model().objects.get(username=persona)
    assert body["count"] == DataValue.objects.visible_to(user).filter(period="2023-08").count()
    draft = clients[persona].get("/api/v1/values/DVC-SVC-RATE/BUDOP/2023-08/")
    assert draft.status_code == (200 if "BUDOP" in seen else 404)


def test_published_values_are_seen_by_every_persona(values, clients):
    for persona in ("staff", "reporter", "outsider", "viewer"):
        assert clients[persona].get("/api/v1/values/").json()["count"] == 7


@pytest.mark.parametrize(
    "persona, status",
    [("staff", 200), ("viewer", 200), ("reporter", 200), ("outsider", 200), ("anonymous", 401)],
)
def test_series_are_scoped_like_the_values(values, clients, persona, status):
    response = clients[persona].get("/api/v1/indicators/DVC-SVC-RATE/series/")
    assert response.status_code == status
    if persona == "outsider":
        assert [line["unit"] for line in response.json()["series"]] == ["BP", "DONGXOAI", "BUDOP"]


WRITES = [
    (
        "post",
        "/api/v1/values/",
        {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-09", "value": 90},
    ),
    ("put", "/api/v1/values/DVC-SVC-RATE/DONGXOAI/2023-09/", {"value": 90}),
    ("patch", "/api/v1/values/DVC-SVC-RATE/DONGXOAI/2023-08/", {"value": 93}),
]
WRITE_STATUS = {
    "staff": {"post": 201, "put": 201, "patch": 200},
    "reporter": {"post": 201, "put": 201, "patch": 200},
    "outsider": {"post": 403, "put": 403, "patch": 403},
    "viewer": {"post": 403, "put": 403, "patch": 403},
    "anonymous": {"post": 401, "put": 401, "patch": 401},
}


@pytest.mark.parametrize("method, url, body", WRITES)
@pytest.mark.parametrize("persona", ["staff", "reporter", "outsider", "viewer", "anonymous"])
def test_writes(values, clients, persona, method, url, body):
    before = sorted(DataValue.objects.values_list("unit__code", "period", "value"))
    response = getattr(clients[persona], method)(url, body, format="json")
    assert response.status_code == WRITE_STATUS[persona][method], response.content
    after = sorted(DataValue.objects.values_list("unit__code", "period", "value"))
    assert (after != before) == (response.status_code in (200, 201))
    if persona == "viewer":
        assert response.json() == {
            "detail": "Tài khoản chỉ có quyền xem số liệu, không được gửi hay sửa số liệu.",
            "code": "permission_denied",
        }


@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/indicators/", "/api/v1/values/"])
def test_read_only_endpoints_refuse_other_methods(values, api, url):
    method = "post" if url != "/api/v1/values/" else "delete"
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 405
    assert response.json() == {
        "detail": f"Phương thức {method.upper()} không được hỗ trợ ở địa chỉ này.",
        "code": "method_not_allowed",
    }


def test_a_bad_token_is_401_in_vietnamese(values):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000")
    response = client.get("/api/v1/values/")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Token hoặc thông tin đăng nhập không hợp lệ.", "code": "authentication_failed"},
    )


def test_a_session_login_works_too(values, reporter, client):
    client.login(username="reporter", password="pw-reporter")
    assert client.get("/api/v1/values/?unit=DONGXOAI").json()["count"] == 4


class TestPublicApi:
    @pytest.fixture(autouse=True)
    def _public(self, settings):
        settings.PUBLIC_API = True

    @pytest.mark.parametrize("url", READS)
    def test_anonymous_reads_every_list(self, values, clients, url):
        assert clients["anonymous"].get(url).status_code == 200

    def test_anonymous_reads_the_published_values(self, values, clients):
        assert clients["anonymous"].get("/api/v1/values/").json()["count"] == 7

    def test_anonymous_does_not_read_drafts(self, budop_draft, clients):
        rows = clients["anonymous"].get("/api/v1/values/?period=2023-08").json()["results"]
        assert sorted({r["unit"] for r in rows}) == ["BP", "DONGXOAI"]

    @pytest.mark.parametrize("method, url, body", WRITES)
    def test_anonymous_still_cannot_write(self, values, clients, method, url, body):
        response = getattr(clients["anonymous"], method)(url, body, format="json")
        assert response.status_code == 401


def test_throttling_is_per_token(values, clients, settings):
    settings.API_THROTTLE_RATE = "2/minute"
    staff, viewer = clients["staff"], clients["viewer"]
    assert [staff.get("/api/v1/units/").status_code for _ in range(2)] == [200, 200]
    throttled = staff.get("/api/v1/units/")
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Gửi quá nhiều yêu cầu; vui lòng thử lại sau ")
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert viewer.get("/api/v1/units/").status_code == 200


def test_an_unknown_address_under_the_api_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "Không tìm thấy địa chỉ này trong API.", "code": "not_found"},
    )
