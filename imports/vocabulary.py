"""The header vocabulary, kept as data: the abbreviations of Vietnamese administrative tables
(`fixtures/abbreviations.csv`) expanded before matching, and each indicator's header phrasings
(the catalogue's `headers` column, editable in the admin) matched against headers nobody told the
layouts about.

Matching works on folded text (`core.text.fold`: glyphs, case, diacritics, punctuation, spacing) and
tolerates one wrong, missing or extra letter in words of four letters or more. Pure: the phrasings
come in as plain data (the analysis reads them from the database, tests from the CSV files).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.text import fold

ABBREVIATIONS_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "abbreviations.csv"


@lru_cache(maxsize=4)
def load_abbreviations(path: Path = ABBREVIATIONS_CSV) -> tuple[tuple[str, str], ...]:
    """(folded abbreviation, folded expansion) pairs, longest abbreviation first ('qlvb hscv' before
    'qlvb'). A missing file is no abbreviations."""
    if not path.exists():
        return ()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        pairs = {
            fold(r["abbreviation"]): fold(r["expansion"]) for r in csv.DictReader(fh) if r.get("abbreviation")
        }
    return tuple(sorted(((a, e) for a, e in pairs.items() if a and e), key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def _pattern(pairs: tuple[tuple[str, str], ...]):
    if not pairs:
        return None, {}
    table = dict(pairs)
    return re.compile(r"(?<!\S)(" + "|".join(re.escape(a) for a, _e in pairs) + r")(?!\S)"), table


def expand(folded: str, pairs: tuple[tuple[str, str], ...] | None = None) -> str:
    """'ty le hs xu ly truc tuyen' -> 'ty le ho so xu ly truc tuyen' (whole words only)."""
    if not folded:
        return folded
    pattern, table = _pattern(load_abbreviations() if pairs is None else pairs)
    if pattern is None:
        return folded
    return pattern.sub(lambda m: table[m.group(1)], folded)


def _near(a: str, b: str) -> bool:
    """Equal, or one edit apart when both have four letters or more."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def contains_phrase(words: list[str], phrase: list[str]) -> bool:
    """`phrase` occurs in `words` as consecutive words, each word equal or one letter off."""
    n = len(phrase)
    return any(all(_near(words[i + k], phrase[k]) for k in range(n)) for i in range(len(words) - n + 1))


@dataclass
class Vocabulary:
    """Indicator code → folded, expanded phrasings (its name and its `headers`)."""

    phrases: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_catalogue(cls, rows) -> Vocabulary:
        """`rows`: (code, name, headers list) triples."""
        phrases = {}
        for code, name, headers in rows:
            found = [expand(fold(p)) for p in [name, *(headers or [])] if p and fold(p)]
            phrases[code] = list(dict.fromkeys(found))
        return cls(phrases)

    def candidates(self, header: str) -> list[tuple[str, str]]:
        """(code, the phrasing found) of every indicator one of whose phrasings the header contains;
        the longest phrasing found per indicator. `header`: the folded, expanded header."""
        words = header.split()
        out = []
        for code, phrases in self.phrases.items():
            hits = [p for p in phrases if contains_phrase(words, p.split())]
            if hits:
                out.append((code, max(hits, key=len)))
        # an indicator whose phrasing contains another's (both found) is the better reading
        out = [
            (c, p)
            for c, p in out
            if not any(len(q) > len(p) and f" {p} " in f" {q} " for _c, q in out if _c != c)
        ]
        return out


def vocabulary_from_csv(folder: Path) -> Vocabulary:
    """The vocabulary of `fixtures/indicators.csv` (tests and tools)."""
    with (Path(folder) / "indicators.csv").open(encoding="utf-8-sig", newline="") as fh:
        return Vocabulary.from_catalogue(
            (r["code"], r["name"], [h for h in (r.get("headers") or "").split("|") if h.strip()])
            for r in csv.DictReader(fh)
        )
