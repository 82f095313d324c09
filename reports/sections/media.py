"""6. Tuyên truyền về CĐS: what the province's digital transformation site has published."""

from __future__ import annotations

from ..narrative import vn_date
from .base import Context, Section, count, paragraph, value_of

KEY = "media"
TITLE = "Tuyên truyền về CĐS"


def build(ctx: Context) -> dict | None:
    data = ctx.data
    ytd, cum = value_of(data.province("MEDIA-POSTS-YTD")), value_of(data.province("MEDIA-POSTS-CUM"))
    if ytd is None and cum is None:
        return None
    blocks = []
    if ytd is not None:
        blocks.append(
            paragraph(
                "Từ đầu năm đến nay, Trang Thông tin điện tử CĐS tỉnh (https://cds.binhphuoc.gov.vn) đã cập nhật, "
                f"đăng tải {count(ytd)} tin bài, văn bản, thông tin tuyên truyền, chỉ đạo - điều hành về CĐS."
            )
        )
    if cum is not None:
        blocks.append(
            paragraph(
                f"Lũy kế từ năm 2022 đến ngày {vn_date(ctx.data_date)}, Trang Thông tin điện tử CĐS tỉnh đã cập nhật, "
                f"đăng tải {count(cum)} thông tin tuyên truyền, chỉ đạo điều hành về CĐS."
            )
        )
    return {"key": KEY, "title": TITLE, "blocks": blocks}


SECTION = Section(KEY, TITLE, build)
