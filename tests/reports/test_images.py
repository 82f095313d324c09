"""Editorial images are served to signed-in users by the name the editor inserted, nothing else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), (11, 83, 148)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def uploaded(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    response = client.post("/bao-cao/anh/", {"image": SimpleUploadedFile("hinh.png", _png(), "image/png")})
    assert response.status_code == 200
    return response.json()["url"]


def test_an_uploaded_image_is_served_to_a_signed_in_reader(client, uploaded, viewer):
    assert uploaded.startswith("/media/reports/images/hinh")
    client.force_login(viewer)
    response = client.get(uploaded)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _png()


def test_anonymous_readers_and_other_media_get_nothing(client, uploaded, staff):
    client.logout()
    assert client.get(uploaded).status_code == 302
    client.force_login(staff)
    assert client.get("/media/reports/images/khong-co.png").status_code == 404
    assert client.get("/media/imports/bao-cao.xlsx").status_code == 404
