"""Editorial images: what an upload must be to be stored, and how a stored image is answered.

An upload is stored only if Pillow decodes it as a raster image (PNG, JPEG, GIF, WebP, BMP or TIFF) of
at most `MAX_PIXELS`; it is then re-encoded (JPEG photos stay JPEG, everything else becomes PNG),
turned upright by its EXIF orientation, shrunk to `MAX_SIDE` pixels on its long side, and stripped of
its metadata (a phone photo's GPS position does not travel into a published report). Whatever the
upload declared (`image/png` on a `.js`, `.html` or `.svg` file), nothing but the re-encoded pixels is
stored, under a generated name; the uploader's file name is kept as data.
"""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core.numbers import format_number

from .models import IMAGE_TYPES, ReportImage

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2400
ACCEPTED = {"PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF", "MPO"}
NOT_AN_IMAGE = "Tệp “{name}” không phải là ảnh. Chỉ nhận ảnh PNG, JPEG, GIF hoặc WebP (không nhận SVG, HTML hay tệp khác)."
TOO_BIG = "Ảnh “{name}” nặng {size} MB; ảnh tối đa 5 MB."
TOO_MANY_PIXELS = "Ảnh “{name}” quá lớn ({pixels} triệu điểm ảnh); tối đa 40 triệu điểm ảnh."
NO_FILE = "Chưa chọn tệp ảnh."


class ImageRejected(ValueError):
    """An upload that is not stored; `str()` is the Vietnamese message the editor shows."""


def _display(name: str) -> str:
    name = (name or "").replace("\x00", "")
    return name if len(name) <= 80 else name[:77] + "…"


def _decode(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED:
                raise ImageRejected(NOT_AN_IMAGE.format(name=name))
            if probe.width * probe.height > MAX_PIXELS:
                pixels = format_number(Decimal(probe.width * probe.height) / 1_000_000)
                raise ImageRejected(TOO_MANY_PIXELS.format(name=name, pixels=pixels))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(TOO_MANY_PIXELS.format(name=name, pixels="> 40")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(NOT_AN_IMAGE.format(name=name)) from exc
    return image


def reencode(data: bytes, name: str) -> tuple[bytes, str, tuple[int, int]]:
    """The upload as PNG or JPEG bytes, its extension and its size in pixels; ImageRejected otherwise."""
    image = _decode(data, name)
    photo = image.format in ("JPEG", "MPO")
    image = ImageOps.exif_transpose(image)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if photo:
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        return out.getvalue(), "jpg", image.size
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), "png", image.size


def store_image(upload, *, user=None) -> ReportImage:
    """Verify, re-encode and store an uploaded editorial image."""
    if upload is None:
        raise ImageRejected(NO_FILE)
    name = _display(upload.name)
    if upload.size > MAX_BYTES:
        raise ImageRejected(TOO_BIG.format(name=name, size=format_number(Decimal(upload.size) / 1024 / 1024)))
    data = upload.read(MAX_BYTES + 1)
    data, extension, (width, height) = reencode(data, name)
    image = ReportImage(
        original_name=(upload.name or "").replace("\x00", "")[:255],
        content_type=IMAGE_TYPES[extension],
        width=width,
        height=height,
        uploaded_by=user if user is not None and user.pk else None,
    )
    image.image.save(f"anh.{extension}", ContentFile(data), save=False)
    image.save()
    return image
