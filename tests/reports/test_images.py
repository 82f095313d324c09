"""Editorial images (issue 16 #6, #12): an upload is stored only if it is an image, re-encoded, under a
generated name; it is served with a fixed image type; nothing else under MEDIA_ROOT is served by URL."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reports.images import MAX_SIDE
from reports.models import ReportImage

pytestmark = pytest.mark.django_db
UPLOAD = "/bao-cao/anh/"


def png(size=(4, 3), color=(11, 83, 148), **info) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG", **info)
    return buf.getvalue()


def jpeg_with_exif(size=(40, 20)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    exif[0x8825] = {2: (10.0, 30.0, 0.0)}  # GPS latitude
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def served(client, url):
    response = client.get(url)
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def upload(client, name, body, content_type="image/png"):
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, body, content_type)})


def test_an_uploaded_image_is_served_to_a_signed_in_reader(staff_client, viewer, media_root):
    response = upload(staff_client, "hinh.png", png())
    assert response.status_code == 200
    url = response.json()["url"]
    staff_client.force_login(viewer)
    got, body = served(staff_client, url)
    assert got.status_code == 200
    assert (got["Content-Type"], got["X-Content-Type-Options"]) == ("image/png", "nosniff")
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size, image.getpixel((0, 0))) == ("PNG", (4, 3), (11, 83, 148))


def test_anonymous_readers_and_other_media_get_nothing(client, staff_client, media_root):
    url = upload(staff_client, "hinh.png", png()).json()["url"]
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(ReportImage.objects.get().uploaded_by)
    assert client.get("/media/reports/images/khong-co.png").status_code == 404
    assert client.get("/media/imports/bao-cao.xlsx").status_code == 404


@pytest.mark.parametrize(
    "name, body",
    [
        ("x.js", b"alert(document.cookie)"),
        ("x.html", b"<html><script>alert(1)</script></html>"),
        ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("anh-that.png", b"<html><body><script>alert(1)</script></body></html>"),
        ("hong.png", png()[:40]),  # a PNG cut short
    ],
)
def test_anything_that_is_not_an_image_is_refused_whatever_it_declares(staff_client, media_root, name, body):
    response = upload(staff_client, name, body, "image/png")
    assert response.status_code == 400
    assert response.json() == {
        "error": f"Tệp “{name}” không phải là ảnh. Chỉ nhận ảnh PNG, JPEG, GIF hoặc WebP "
        "(không nhận SVG, HTML hay tệp khác)."
    }
    assert ReportImage.objects.count() == 0
    assert not (media_root / "reports" / "images").exists() or not any((media_root / "reports" / "images").iterdir())


def test_a_png_is_reencoded_without_its_text_chunks(staff_client, media_root):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    response = upload(staff_client, "so-lieu.png", png(pnginfo=info))
    image = ReportImage.objects.get()
    with image.image.open("rb") as fh:
        stored = fh.read()
    assert b"<script>" not in stored
    assert (image.content_type, image.width, image.height, image.original_name) == ("image/png", 4, 3, "so-lieu.png")
    assert response.json() == {"url": image.image.url, "name": "so-lieu.png"}


def test_a_phone_photo_is_turned_upright_and_loses_its_gps_position(staff_client, media_root):
    upload(staff_client, "IMG_0001.JPG", jpeg_with_exif(), "image/jpeg")
    image = ReportImage.objects.get()
    assert image.image.name.endswith(".jpg") and image.content_type == "image/jpeg"
    with image.image.open("rb") as fh, Image.open(fh) as stored:
        assert stored.size == (20, 40)  # rotated as the camera said
        assert dict(stored.getexif()) == {}


def test_a_gif_becomes_a_png_and_a_huge_image_is_shrunk(staff_client, media_root):
    buf = io.BytesIO()
    Image.new("P", (5, 5)).save(buf, "GIF")
    upload(staff_client, "icon.gif", buf.getvalue(), "image/gif")
    upload(staff_client, "ban-do.png", png(size=(6000, 1500)))
    gif, big = ReportImage.objects.order_by("pk")
    assert (gif.content_type, gif.image.name[-4:]) == ("image/png", ".png")
    assert (big.width, big.height) == (MAX_SIDE, MAX_SIDE // 4)


def test_an_image_of_too_many_pixels_is_refused(staff_client, media_root):
    response = upload(staff_client, "qua-lon.png", png(size=(8000, 6000)))
    assert response.status_code == 400
    assert response.json() == {"error": "Ảnh “qua-lon.png” quá lớn (48 triệu điểm ảnh); tối đa 40 triệu điểm ảnh."}


def test_a_file_over_5_mb_is_refused(staff_client, media_root):
    response = upload(staff_client, "lon.png", png() + b"\0" * (6 * 1024 * 1024 - len(png())))
    assert response.status_code == 400
    assert response.json() == {"error": "Ảnh “lon.png” nặng 6 MB; ảnh tối đa 5 MB."}


def test_no_file_gets_a_message(staff_client):
    response = staff_client.post(UPLOAD, {})
    assert (response.status_code, response.json()) == (400, {"error": "Chưa chọn tệp ảnh."})


@pytest.mark.parametrize(
    "name",
    [
        "Ảnh hoạt động chuyển đổi số của Ủy ban nhân dân huyện Bù Gia Mập tháng tám năm hai nghìn hai mươi ba.png",
        "a" * 250 + ".png",
    ],
)
def test_a_very_long_file_name_is_stored_under_a_generated_name_and_kept_as_data(staff_client, media_root, name):
    response = upload(staff_client, name, png())
    assert response.status_code == 200
    image = ReportImage.objects.get()
    assert image.original_name == name
    stored = image.image.name
    assert stored.startswith("reports/images/") and stored.endswith(".png") and len(stored) == 15 + 32 + 4
    got, body = served(staff_client, response.json()["url"])
    assert (got.status_code, body[:8]) == (200, b"\x89PNG\r\n\x1a\n")


def test_a_file_stored_before_images_were_verified_is_only_a_download(staff_client, media_root):
    legacy = ReportImage(original_name="x.html")
    legacy.image.save("x.png", ContentFile(b"<script>alert(1)</script>"), save=True)
    name = legacy.image.name.rsplit("/", 1)[1]
    got, body = served(staff_client, f"/media/reports/images/{name}")
    assert got.status_code == 200
    assert got["Content-Type"] == "application/octet-stream"
    assert got["Content-Disposition"] == f'attachment; filename="{name}"'
    assert got["X-Content-Type-Options"] == "nosniff"
