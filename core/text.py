"""Folding Vietnamese text for comparison: legacy glyphs, Unicode normalisation, diacritics, case,
punctuation and spacing. Pure functions; units' name matching and the intake's header matching both
compare folded text through these."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[^\w%]+", re.U)


def fold_glyphs(text: str) -> str:
    """NFC with the legacy `ƣ/Ƣ` replaced by `ư/Ư` (VNI/TCVN3 conversions leave them behind)."""
    return unicodedata.normalize("NFC", str(text)).replace("ƣ", "ư").replace("Ƣ", "Ư")


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics: 'Phước' -> 'Phuoc', 'Đồng' -> 'Dong'."""
    decomposed = unicodedata.normalize("NFD", text)
    out = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return out.replace("đ", "d").replace("Đ", "D")


def fold(text) -> str:
    """'Số ngƣời dùng (%)' -> 'so nguoi dung %': glyphs repaired, diacritics removed, lower case,
    punctuation to single spaces."""
    if text is None:
        return ""
    return _fold(text if type(text) is str else str(text))


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    # Every layout's detector folds the same header and label cells again (3,200 calls, ~600
    # texts, for one wide sheet); the folding is pure, so each text is folded once.
    t = strip_marks(fold_glyphs(text)).lower()
    return " ".join(_PUNCT.sub(" ", t).split())


def has(folded: str, *phrases: str) -> bool:
    """True if any phrase occurs in `folded` as whole words."""
    padded = f" {folded} "
    return any(f" {p} " in padded for p in phrases)


def has_all(folded: str, *phrases: str) -> bool:
    padded = f" {folded} "
    return all(f" {p} " in padded for p in phrases)
