"""WeasyPrint's URL fetcher for documents: the shipped fonts and the images the app allows, nothing else.

WeasyPrint 70 wants a `URLFetcher` (it reads `_fail_on_errors` on the fetcher it is given) whose
`fetch()` returns a `URLFetcherResponse`; the dict answer and the plain function of older releases
fail ("URL fetcher must return either a dict or a URLFetcherResponse instance", an AttributeError for
a refused URL). A refused URL raises `ValueError`: WeasyPrint logs it and leaves the image out, and
the document is still rendered. Network and `file:` URLs are never opened.

WeasyPrint is imported when the first PDF is rendered, not when a page module imports this package
(it is slow to import and logs its stylesheet parsing).
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from .assets import FONT_FILES, INTERNAL_HOST, ImageRoots, static_file

STATIC_PREFIX = "/static/"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def allowed_file(url: str, images: ImageRoots) -> tuple[Path, str] | None:
    """The file and type a document may load for `url`, or None (refused)."""
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.netloc != INTERNAL_HOST:
        return None
    path = unquote(parsed.path)
    if path.startswith(STATIC_PREFIX) and path[len(STATIC_PREFIX) :] in FONT_FILES.values():
        font = static_file(path[len(STATIC_PREFIX) :])
        return font, FONT_TYPES.get(font.suffix.lower(), "application/octet-stream")
    image = images.resolve(url)
    if image is not None:
        return image, mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    return None


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DocumentFetcher(URLFetcher):
        def __init__(self, images: ImageRoots):
            super().__init__(allowed_protocols=("http",), allow_redirects=False)
            self.images = images
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            found = allowed_file(url, self.images)
            if found is None:
                self.refused.append(url)
                raise ValueError(f"URL not allowed in a document: {url}")
            path, mime = found
            self.fetched.append(url)
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return DocumentFetcher


def document_fetcher(images: ImageRoots):
    """A WeasyPrint URL fetcher answering only `allowed_file`s."""
    return _fetcher_class()(images)
