"""The files a document is drawn with: its stylesheets and the fonts shipped in `static/fonts`, and the
images an app allows in it. Everything is found through Django's staticfiles finders (no path to the
project's layout is written here) or given by the calling app (`ImageRoots`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.contrib.staticfiles import finders

STYLESHEET = "css/document.css"
FONT_STYLESHEET = "css/document-fonts.css"
# The @font-face family of the shipped files (document-fonts.css). The DOCX names Times New Roman, the
# font Vietnamese administrative documents are set in, and embeds these files as its stand-in.
FONT_FAMILY = "CDS Liberation Serif"
DOCX_FONT = "Times New Roman"
DOCX_FALLBACK_FONT = "Liberation Serif"
# The origin documents are rendered at: relative URLs (/media/…, ../fonts/…) resolve onto it and the URL
# fetcher answers only for it. `.invalid` never resolves (RFC 2606).
INTERNAL_HOST = "document.invalid"
INTERNAL_ORIGIN = f"http://{INTERNAL_HOST}"

FONT_FILES = {
    "regular": "fonts/LiberationSerif-Regular.ttf",
    "bold": "fonts/LiberationSerif-Bold.ttf",
    "italic": "fonts/LiberationSerif-Italic.ttf",
    "bold_italic": "fonts/LiberationSerif-BoldItalic.ttf",
}


class DocumentError(Exception):
    """A document that cannot be rendered (a missing asset, an unknown block); `str()` is Vietnamese."""


def static_file(name: str) -> Path:
    """The file a static name stands for ("fonts/LiberationSerif-Regular.ttf")."""
    found = finders.find(name)
    if not found:
        raise DocumentError(f"Thiếu tệp “{name}” của mẫu tài liệu (static/).")
    return Path(found)


def stylesheet() -> str:
    return static_file(STYLESHEET).read_text(encoding="utf-8")


def font_stylesheet() -> str:
    return static_file(FONT_STYLESHEET).read_text(encoding="utf-8")


def font_files() -> dict[str, Path]:
    return {style: static_file(name) for style, name in FONT_FILES.items()}


@dataclass(frozen=True)
class ImageRoots:
    """The images a document may show: `/media/…` URLs under the given folders of MEDIA_ROOT.

    `roots` maps a URL path prefix ("/media/reports/images/") to the folder it names. Anything else
    (another folder, `..`, a network or `file:` URL) is refused by `resolve`.
    """

    roots: tuple[tuple[str, Path], ...] = ()

    @classmethod
    def of(cls, mapping: dict[str, Path] | None) -> ImageRoots:
        return cls(tuple((prefix, Path(folder)) for prefix, folder in (mapping or {}).items()))

    def resolve(self, url: str) -> Path | None:
        parsed = urlparse(url or "")
        if parsed.scheme not in ("", "http", "https") or (parsed.netloc and parsed.netloc != INTERNAL_HOST):
            return None
        path = unquote(parsed.path)
        for prefix, folder in self.roots:
            if not path.startswith(prefix):
                continue
            root = folder.resolve()
            candidate = (root / path[len(prefix) :]).resolve()
            if root in candidate.parents and candidate.is_file():
                return candidate
        return None

