"""Entry and review pages with every persona: who may see and post which form, inline checks with the
exact Vietnamese messages, stale forms, locks, evidence files."""

import io

import pytest
from django.test import Client

from entry.models import EvidenceFile
from entry.services import transitions
from indicators.models import DataValue, Submission, ValueChange

from .conftest import PERIOD, district_rows, write

pytestmark = pytest.mark.django_db

FORM = f"/nhap-so-lieu/DONGXOAI/{PERIOD}/"
P = "DONGXOAI__"


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def form_data(page_response, **values):
    """What the browser would post: every row's stamp and value as rendered, then the changes."""
    import re

    html = page_response.content.decode()
    data = {}
    for name, value in re.findall(r'name="(DONGXOAI__[A-Z0-9-]+-(?:stamp|value))" value="([^"]*)"', html):
        data[name] = value
    for key, value in values.items():
        data[f"{P}{key.replace('_', '-')}-value"] = value
    data["action"] = "save"
    return data


@pytest.mark.parametrize(
    "persona, get_status, post_status",
    [
        ("staff", 200, 302),
        ("reporter", 200, 302),
        ("outsider", 403, 403),
        ("viewer", 403, 403),
        (None, 302, 302),
    ],
)
def test_who_may_open_and_post_a_units_form(request, persona, get_status, post_status, catalogue):
    user = request.getfixturevalue(persona) if persona else None
    c = client_for(user)
    assert c.get(FORM).status_code == get_status
    response = c.post(
        FORM, {f"{P}DVC-SVC-RATE-value": "92,9", f"{P}DVC-SVC-RATE-stamp": "", "action": "save"}
    )
    assert response.status_code == post_status
    written = DataValue.objects.filter(unit__code="DONGXOAI").count()
    assert written == (1 if persona in ("staff", "reporter") else 0)
    if persona is None:
        assert response["Location"].startswith("/accounts/login/")


def test_the_form_shows_last_period_target_unit_and_status(reporter, staff):
    write(staff, [("DVC-SVC-RATE", "DONGXOAI", "2023-07", "91.1")])
    response = client_for(reporter).get(FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thành phố Đồng Xoài · Tháng 8/2023" in html
    row = html[html.index('id="row-DVC-SVC-RATE"') :]
    row = row[: row.index("</tr>")]
    assert "91,1%" in row and "Tháng 7/2023" in row  # last period's value
    assert "≥ 80%" in row and "&gt;=" not in row  # the target (issue 17)
    assert "Tỷ lệ (%)" in row  # unit of measure
    assert "Chưa có số liệu" in row
    assert "Hạn báo cáo: <strong>10/09/2023</strong>" in html
    assert "<script>" not in html and "onclick" not in html


def test_vietnamese_numbers_are_read_and_checked_inline(reporter):
    c = client_for(reporter)
    page = c.get(FORM)
    response = c.post(
        FORM,
        form_data(
            page,
            **{
                "DVC-SVC-RATE": "92,9%",
                "DVC-FILE-RATE": "12,5a",
                "APP-BPTODAY-USERS": "1.039",
                "TAX-NVTC-COUNT": "-5",
                "SOFTWARE-EOFFICE-USERS": "3",
            },
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa lưu: hãy sửa các ô báo lỗi và xác nhận các cảnh báo." in html
    assert '<p class="error field-error" data-field="value">&quot;12,5a&quot; không phải là số</p>' in html
    assert (
        '<p class="error field-error" data-field="value">&quot;-5&quot; là số âm; số lượng không thể âm</p>'
        in html
    )
    assert DataValue.objects.count() == 0  # all or nothing
    response = c.post(
        FORM,
        form_data(page, **{"DVC-SVC-RATE": "92,9%", "DVC-FILE-RATE": "45", "APP-BPTODAY-USERS": "1.039"}),
    )
    assert response.status_code == 302
    stored = dict(DataValue.objects.filter(unit__code="DONGXOAI").values_list("indicator__code", "value"))
    assert {k: float(v) for k, v in stored.items()} == {
        "DVC-SVC-RATE": 92.9,
        "DVC-FILE-RATE": 45.0,
        "APP-BPTODAY-USERS": 1039.0,
    }
    assert Submission.objects.get(unit__code="DONGXOAI").state == "draft"
    page = c.get(FORM).content.decode()

    def status_of(code):
        row = page[page.index(f'id="row-{code}"') :]
        row = row[row.index('<td class="status">') :]
        return row[: row.index("</td>")]

    assert "✓</span> Đạt" in status_of("DVC-SVC-RATE")
    assert "✗</span> Không đạt" in status_of("DVC-FILE-RATE")


def test_warnings_must_be_confirmed(reporter, staff):
    write(staff, [("APP-BPTODAY-USERS", "DONGXOAI", "2023-07", "3300")])
    # Bình Phước Today users are counted since the start: a drop is suspicious.
    from indicators.models import Indicator

    Indicator.objects.filter(code="APP-BPTODAY-USERS").update(cumulative="since_start")
    c = client_for(reporter)
    page = c.get(FORM)
    data = form_data(page, **{"DVC-SVC-RATE": "109,76%", "APP-BPTODAY-USERS": "3.100"})
    response = c.post(FORM, data)
    html = response.content.decode()
    assert "Tỷ lệ 109,76% lớn hơn 100%; hãy xác nhận nếu đúng" in html
    assert "Số lũy kế 3.100 thấp hơn kỳ trước (3.300); hãy xác nhận nếu đúng" in html
    assert DataValue.objects.filter(period=PERIOD).count() == 0
    data.update({f"{P}DVC-SVC-RATE-confirm": "1", f"{P}APP-BPTODAY-USERS-confirm": "1"})
    assert c.post(FORM, data).status_code == 302
    assert DataValue.objects.filter(period=PERIOD).count() == 2


def test_numerator_above_denominator_is_an_error(staff):
    c = client_for(staff)
    url = f"/nhap-so-lieu/BP/{PERIOD}/"
    c.get(url)
    response = c.post(
        url,
        {
            "BP__HTS-SMARTPHONE-value": "80",
            "BP__HTS-SMARTPHONE-numerator": "1.200",
            "BP__HTS-SMARTPHONE-denominator": "1.000",
            "BP__HTS-SMARTPHONE-stamp": "",
            "action": "save",
        },
    )
    assert "Tử số (1.200) lớn hơn mẫu số (1.000)" in response.content.decode()
    assert not DataValue.objects.exists()


def test_a_stale_form_gets_a_conflict_not_a_lost_update(reporter, staff):
    mine, theirs = client_for(reporter), client_for(staff)
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "90")])
    my_page = mine.get(FORM)
    their_page = theirs.get(FORM)
    assert theirs.post(FORM, form_data(their_page, **{"DVC-SVC-RATE": "95"})).status_code == 302
    response = mine.post(FORM, form_data(my_page, **{"DVC-SVC-RATE": "91"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu: 1 số liệu đã được người khác sửa sau khi bạn mở biểu mẫu." in html
    assert (
        "DVC-SVC-RATE — Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến: giá trị hiện tại <strong>95%</strong>, do staff sửa"
        in html
    )
    assert DataValue.objects.get(indicator__code="DVC-SVC-RATE", period=PERIOD).value == 95
    # The re-rendered form carries fresh stamps: saving again overwrites on purpose.
    import re

    data = form_data(response, **{"DVC-SVC-RATE": "91"})
    assert re.search(r'name="DONGXOAI__DVC-SVC-RATE-stamp" value="[^"]+"', html)
    assert mine.post(FORM, data).status_code == 302
    assert DataValue.objects.get(indicator__code="DVC-SVC-RATE", period=PERIOD).value == 91
    assert (
        ValueChange.objects.filter(indicator__code="DVC-SVC-RATE", unit__code="DONGXOAI", period=PERIOD).count()
        == 3
    )


def test_submit_from_the_form_and_the_lock_after_approval(reporter, staff):
    c = client_for(reporter)
    write(reporter, district_rows("DONGXOAI"))
    page = c.get(FORM)
    data = form_data(page)
    data["action"] = "submit"
    response = c.post(FORM, data, follow=True)
    assert (
        "Đã gửi báo cáo tháng 8/2023 của Thành phố Đồng Xoài để Sở TT&amp;TT duyệt."
        in response.content.decode()
    )
    assert Submission.objects.get(unit__code="DONGXOAI").state == "submitted"
    s = client_for(staff)
    stale = s.post(f"/nhap-so-lieu/duyet/DONGXOAI/{PERIOD}/approve/", {"version": "1"}, follow=True)
    assert "(bạn đang xem phiên bản 1, hiện tại là phiên bản 2); hãy tải lại trang." in stale.content.decode()
    response = s.post(f"/nhap-so-lieu/duyet/DONGXOAI/{PERIOD}/approve/", {"version": "2"}, follow=True)
    assert (
        "Đã duyệt báo cáo tháng 8/2023 của Thành phố Đồng Xoài; số liệu đã khóa." in response.content.decode()
    )
    page = c.get(FORM)
    html = page.content.decode()
    assert (
        "Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã được duyệt và khóa; liên hệ Sở TT&amp;TT để mở khóa nếu cần sửa."
        in html
    )
    response = c.post(FORM, form_data(page, **{"DVC-SVC-RATE": "1"}))
    assert "đã được duyệt và khóa" in response.content.decode()
    assert DataValue.objects.get(indicator__code="DVC-SVC-RATE", period=PERIOD).value == 5


@pytest.mark.parametrize(
    "persona, status", [("staff", 200), ("reporter", 403), ("outsider", 403), ("viewer", 403)]
)
def test_review_and_table_pages_are_for_staff(request, persona, status, catalogue):
    c = client_for(request.getfixturevalue(persona))
    assert c.get(f"/nhap-so-lieu/duyet/{PERIOD}/").status_code == status
    assert c.get(f"/nhap-so-lieu/duyet/DONGXOAI/{PERIOD}/").status_code == status
    assert c.get(f"/nhap-so-lieu/bang/DVC/{PERIOD}/").status_code == status
    assert (
        c.post(f"/nhap-so-lieu/duyet/DONGXOAI/{PERIOD}/approve/").status_code == status
        if status == 403
        else True
    )


def test_the_review_list_shows_state_deadline_and_timeliness(draft, staff, django_assert_max_num_queries):
    c = client_for(staff)
    with django_assert_max_num_queries(15):
        html = c.get(f"/nhap-so-lieu/duyet/{PERIOD}/").content.decode()
    row = html[html.index('data-unit="DONGXOAI"') :]
    row = row[: row.index("</tr>")]
    assert "Đang nhập" in row and "10/09/2023" in row


def test_return_with_comment_and_unlock_with_reason_from_the_review_page(draft, reporter, staff):
    transitions.submit(draft.unit, PERIOD, user=reporter)
    s = client_for(staff)
    url = f"/nhap-so-lieu/duyet/DONGXOAI/{PERIOD}/"
    response = s.post(url + "return/", {"text": ""}, follow=True)
    assert "Hãy ghi rõ lý do trả lại báo cáo." in response.content.decode()
    s.post(url + "return/", {"text": "Số hồ sơ trực tuyến chưa khớp"})
    assert Submission.objects.get(pk=draft.pk).state == "returned"
    page = client_for(reporter).get(FORM).content.decode()
    assert "Sở TT&TT trả lại: Số hồ sơ trực tuyến chưa khớp" in page
    transitions.submit(draft.unit, PERIOD, user=reporter)
    s.post(url + "approve/")
    s.post(url + "unlock/", {"text": "Cập nhật theo số liệu Văn phòng UBND tỉnh"})
    html = s.get(url).content.decode()
    assert Submission.objects.get(pk=draft.pk).state == "unlocked"
    assert "Mở khóa báo cáo" in html and "Cập nhật theo số liệu Văn phòng UBND tỉnh" in html
    assert "Trả lại báo cáo" in html and "Gửi lại báo cáo" in html and "Duyệt báo cáo" in html


def test_the_staff_table_form_keys_a_printed_table(staff):
    c = client_for(staff)
    page = c.get(f"/nhap-so-lieu/bang/DVC/{PERIOD}/")
    html = page.content.decode()
    assert 'data-unit="DONGXOAI"' in html and 'data-unit="BUDOP"' in html
    response = c.post(
        f"/nhap-so-lieu/bang/DVC/{PERIOD}/",
        {
            "DONGXOAI__DVC-SVC-RATE-value": "92,9%",
            "DONGXOAI__DVC-SVC-RATE-stamp": "",
            "BUDOP__DVC-SVC-RATE-value": "75,5",
            "BUDOP__DVC-SVC-RATE-stamp": "",
            "BUDOP__DVC-FILE-RATE-value": "109,76",
            "BUDOP__DVC-FILE-RATE-stamp": "",
        },
    )
    assert response.status_code == 200
    assert "Tỷ lệ 109,76% lớn hơn 100%; hãy xác nhận nếu đúng" in response.content.decode()
    response = c.post(
        f"/nhap-so-lieu/bang/DVC/{PERIOD}/",
        {
            "DONGXOAI__DVC-SVC-RATE-value": "92,9%",
            "DONGXOAI__DVC-SVC-RATE-stamp": "",
            "BUDOP__DVC-SVC-RATE-value": "75,5",
            "BUDOP__DVC-SVC-RATE-stamp": "",
        },
    )
    assert response.status_code == 302
    assert sorted((u, float(v)) for u, v in DataValue.objects.values_list("unit__code", "value")) == [
        ("BUDOP", 75.5),
        ("DONGXOAI", 92.9),
    ]
    assert not Submission.objects.exists()  # staff-keyed values are published at once


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(client, name, content, indicator="DVC-SVC-RATE"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(f"/nhap-so-lieu/DONGXOAI/{PERIOD}/minh-chung/{indicator}/", {"file": f}, follow=True)


def test_evidence_is_checked_by_content_and_size(reporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(reporter)
    html = upload(c, "bao-cao.pdf", b"MZ\x90\x00 not a pdf").content.decode()
    assert (
        "Tệp &quot;bao-cao.pdf&quot; không phải PDF, PNG hay JPEG; chỉ nhận minh chứng dạng PDF hoặc ảnh."
        in html
    )
    settings.EVIDENCE_MAX_MB = 0
    html = upload(c, "lon.pdf", PDF).content.decode()
    assert "quá lớn" in html and "tối đa 0 MB" in html
    settings.EVIDENCE_MAX_MB = 5
    html = upload(c, "anh.jpg", PNG).content.decode()  # the name lies; the content decides
    assert "Đã thêm minh chứng cho chỉ tiêu DVC-SVC-RATE." in html
    ev = EvidenceFile.objects.get()
    assert (ev.content_type, ev.filename, ev.size) == ("image/png", "anh.jpg", len(PNG))
    assert ev.file.name.startswith("evidence/2023-08/") and not ev.file.name.endswith(".jpg")
    assert (tmp_path / ev.file.name).read_bytes() == PNG


def test_evidence_is_served_only_to_who_may_see_the_value(
    reporter, outsider, viewer, staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "92")])
    upload(client_for(reporter), "bao-cao.pdf", PDF)
    url = f"/nhap-so-lieu/minh-chung/{EvidenceFile.objects.get().key}/"
    statuses = {
        p: client_for(u).get(url).status_code
        for p, u in {"staff": staff, "reporter": reporter, "outsider": outsider, "viewer": viewer}.items()
    }
    assert statuses == {"staff": 200, "reporter": 200, "outsider": 404, "viewer": 404}
    response = client_for(reporter).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert (
        client_for(upload_user := outsider)
        .post(f"/nhap-so-lieu/DONGXOAI/{PERIOD}/minh-chung/DVC-SVC-RATE/", {"file": io.BytesIO(PDF)})
        .status_code
        == 403
        and upload_user
    )
    # Once approved the value is public, and so is its evidence.
    write(reporter, district_rows("DONGXOAI"))
    transitions.submit(EvidenceFile.objects.get().unit, PERIOD, user=reporter)
    transitions.approve(EvidenceFile.objects.get().unit, PERIOD, user=staff)
    assert client_for(viewer).get(url).status_code == 200


def test_the_history_panel_of_a_value(reporter, staff, outsider):
    write(reporter, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "90")])
    write(staff, [("DVC-SVC-RATE", "DONGXOAI", PERIOD, "92.5")])
    url = f"/nhap-so-lieu/lich-su/DVC-SVC-RATE/DONGXOAI/{PERIOD}/"
    html = client_for(reporter).get(url).content.decode()
    assert "Sửa số liệu" in html and "Tạo mới số liệu" in html and "biểu mẫu" in html
    assert "<td>90%</td><td>92,5%</td>" in html  # Vietnamese numbers (issue 17)
    assert client_for(outsider).get(url).status_code == 404  # a draft of another unit


def test_evidence_uploaded_before_any_value_is_a_draft_not_a_published_file(
    reporter, outsider, viewer, staff, settings, tmp_path
):
    """Issue 16 #4: a reporter's evidence for a month with no values yet opened no draft, counted as
    published, and every signed-in user could fetch it by counting ids up."""
    settings.MEDIA_ROOT = tmp_path
    assert not Submission.objects.filter(unit__code="DONGXOAI", period=PERIOD).exists()
    upload(client_for(reporter), "bao-cao.pdf", PDF)
    evidence = EvidenceFile.objects.get()
    sub = Submission.objects.get(unit__code="DONGXOAI", period=PERIOD)
    assert sub.state == "draft"
    url = f"/nhap-so-lieu/minh-chung/{evidence.key}/"
    assert str(evidence.pk) not in url.split("/")
    statuses = {
        p: client_for(u).get(url).status_code
        for p, u in {"staff": staff, "reporter": reporter, "outsider": outsider, "viewer": viewer}.items()
    }
    assert statuses == {"staff": 200, "reporter": 200, "outsider": 404, "viewer": 404}
    # The sequential id is no address at all.
    assert client_for(staff).get(f"/nhap-so-lieu/minh-chung/{evidence.pk}/").status_code == 404
