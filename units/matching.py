"""Match unit names as agencies print them to catalogue codes.

Pure: no Django model is imported. Callers pass plain `UnitCandidate`s (from the database, or from
`fixtures/units.csv` via `candidates_from_csv`) and get a `UnitIndex`.

What is folded away before comparing (both sides go through the same `unit_key`):
- the legacy glyphs `ƣ/Ƣ` (U+01A3/U+01A2) for `ư/Ư`, Unicode NFC, case, spaces;
- punctuation: `TP,Đồng Xoài`, `TP.Đồng Xoài` and `TP Đồng Xoài` are the same; hyphens and their
  spacing (`Sở LĐ- TB&XH`); `&` and `và`;
- an `UBND` / `Ủy ban nhân dân` prefix, and a leading `H.`/`TX.`/`TP.`/`TT.` abbreviation, expanded
  to `huyện`/`thị xã`/`thành phố`/`thị trấn`;
- as a second chance only, diacritics (old vs new tone placement `Hoà`/`Hòa`, `Uỷ`/`Ủy`, typos in
  marks) — used only when it designates a single unit.

A district or town is also known by its bare name (`Đồng Xoài`, `ĐỒNG XOÀI`). Several units can
share a name (commune `Lộc Ninh` vs district `Lộc Ninh`); a level hint (the sheet lists districts)
disambiguates, and without one the non-commune unit wins only if it is the single such candidate.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.text import fold_glyphs, strip_marks

LEVEL_ORDER = ("province", "agency", "district", "commune", "unassigned")

_PREFIXES = {
    "h": "huyện",
    "tx": "thị xã",
    "tp": "thành phố",
    "tt": "thị trấn",
}
_TYPE_WORDS = ("thành phố", "thị xã", "huyện", "thị trấn", "phường", "xã")
_PUNCT = re.compile(r"[.,;:/\\()\[\]\"'“”‘’*_]+")
_DASH = re.compile(r"[-–—−]+")




def unit_key(text: str) -> str:
    """The folded form used to compare unit names (keeps diacritics)."""
    t = fold_glyphs(text).lower()
    t = t.replace("&", " và ")
    t = _DASH.sub(" ", t)
    t = _PUNCT.sub(" ", t)
    t = " ".join(t.split())
    # "Ủy ban nhân dân" / "Uỷ ban nhân dân" -> ubnd
    t = re.sub(r"^(ủy|uỷ|uy) ban nhân dân\b", "ubnd", t)
    if t.startswith("ubnd "):
        t = t[5:]
    first, _, rest = t.partition(" ")
    if first in _PREFIXES and rest:
        t = f"{_PREFIXES[first]} {rest}"
    return t


def compact_key(text: str) -> str:
    """The letters of a name run together, without diacritics: 'Sở GD&ĐT' and 'So_GDDT' -> 'sogddt'."""
    return re.sub(r"[^a-z]", "", strip_marks(fold_glyphs(text)).lower())


def loose_key(text: str) -> str:
    """`unit_key` without diacritics: the second-chance key."""
    return strip_marks(unit_key(text))


def bare_name(key: str) -> str | None:
    """'huyện bù đốp' -> 'bù đốp' (a district or commune's name without its type word)."""
    for word in _TYPE_WORDS:
        if key.startswith(word + " ") and len(key) > len(word) + 1:
            return key[len(word) + 1 :]
    return None


def bare_name_loose(key: str) -> str | None:
    """`bare_name` for a key without diacritics."""
    for word in _TYPE_WORDS:
        w = strip_marks(word)
        if key.startswith(w + " ") and len(key) > len(w) + 1:
            return key[len(w) + 1 :]
    return None


@dataclass(frozen=True)
class UnitCandidate:
    code: str
    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    level: str = ""


@dataclass
class UnitMatch:
    """The answer for one printed name. `code` is None when nothing (or more than one) matched."""

    label: str
    code: str | None
    candidate: UnitCandidate | None = None
    suggestions: list[str] = field(default_factory=list)  # closest catalogue names, best first
    ambiguous: list[UnitCandidate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.code is not None

    def message(self) -> str:
        """The Vietnamese error for an unmatched name (empty when matched)."""
        if self.ok:
            return ""
        if self.ambiguous:
            names = ", ".join(f"{c.name} ({c.code})" for c in self.ambiguous)
            return f'Tên đơn vị "{self.label}" khớp với nhiều đơn vị: {names}'
        msg = f'Không tìm thấy đơn vị "{self.label}" trong danh mục'
        if self.suggestions:
            msg += "; gần giống: " + ", ".join(self.suggestions)
        return msg


class UnitIndex:
    """Looks printed names up among candidates. Build once per import, query per row."""

    def __init__(self, candidates: Iterable[UnitCandidate]):
        self.candidates = list(candidates)
        self.by_code = {c.code: c for c in self.candidates}
        # key -> {code: rank}; rank 0 = full name/alias, 1 = short name, 2 = bare district name
        self._exact: dict[str, dict[str, int]] = {}
        self._loose: dict[str, dict[str, int]] = {}
        self._display: dict[str, str] = {}
        self._compact: dict[str, dict[str, UnitCandidate]] | None = None  # built on first file name
        for c in self.candidates:
            names = [(c.name, 0), *((a, 0) for a in c.aliases if a), (c.short_name, 1), (c.code, 0)]
            for text, rank in names:
                if not text:
                    continue
                key = unit_key(text)
                self._add(key, c, rank)
                bare = bare_name(key)
                if bare and c.level in ("district", "commune"):
                    self._add(bare, c, 2)
            self._display.setdefault(unit_key(c.name), c.name)
            if c.short_name:
                self._display.setdefault(unit_key(c.short_name), c.name)

    def _add(self, key: str, c: UnitCandidate, rank: int) -> None:
        for table, k in ((self._exact, key), (self._loose, strip_marks(key))):
            slot = table.setdefault(k, {})
            if c.code not in slot or slot[c.code] > rank:
                slot[c.code] = rank

    def match(self, label: str, level: str | Iterable[str] | None = None) -> UnitMatch:
        """Match a printed name. `level` (one level or several) is a hint, not a filter,
        unless it is needed to choose between several units with the same name."""
        found = self._lookup(label, level)
        if found is not None:
            return found
        return UnitMatch(label, None, suggestions=self.suggest(label))

    def _lookup(self, label: str, level: str | Iterable[str] | None = None) -> UnitMatch | None:
        """`match` without the suggestions (None when nothing matched)."""
        levels = {level} if isinstance(level, str) else set(level or ())
        key = unit_key(label)
        if not key:
            return UnitMatch(label, None)
        for table, k in ((self._exact, key), (self._loose, strip_marks(key))):
            hits = table.get(k)
            if hits is None:
                # a type word the catalogue does not use ("Thành phố Bình Long" for a town that
                # changed type): try the bare name
                bare = bare_name(k) if table is self._exact else bare_name_loose(k)
                hits = table.get(bare) if bare else None
            if not hits:
                continue
            chosen = self._choose(hits, levels)
            if isinstance(chosen, UnitCandidate):
                return UnitMatch(label, chosen.code, chosen)
            return UnitMatch(label, None, ambiguous=chosen)
        return None

    def match_file_name(self, filename: str) -> UnitMatch:
        """The unit a file's name names: 'So_GDDT_thang_8.xlsx', 'Sở Giáo dục và Đào tạo - T8-2023.xlsx'.

        The name (without its folder and extension) is cut into runs of words at every word with a
        digit (the period: 'T8-2023', 'thang_8' keeps 'thang' in a run of its own, which names
        nothing); every run of consecutive words is looked up as a printed name (names, short
        names, aliases, codes) and with its letters run together ('GDDT' is 'GD&ĐT'). A run inside
        a longer matching run does not count, nor does the province (every file of the province
        may name it: 'BC CĐS tỉnh Bình Phước'). One unit found is the answer; several are
        ambiguous (`ambiguous` lists them); none is no match. Never a guess from a near name."""
        stem = re.split(r"[\\/]", filename or "")[-1]
        stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
        words = [w for w in re.split(r"[\s_.,;:+()\[\]{}\-–—]+", stem) if w]
        runs, run = [], []
        for w in words:
            if any(ch.isdigit() for ch in w):
                runs.append(run)
                run = []
            else:
                run.append(w)
        runs.append(run)
        spans: list[tuple[int, int, int, UnitCandidate]] = []  # (run, start, end, unit)
        for i, run in enumerate(runs):
            for a in range(len(run)):
                for b in range(a + 1, len(run) + 1):
                    for c in self._by_name(" ".join(run[a:b])):
                        spans.append((i, a, b, c))
        kept = [
            s
            for s in spans
            if s[3].level != "province"
            and not any(
                o[0] == s[0] and o[1] <= s[1] and s[2] <= o[2] and o[2] - o[1] > s[2] - s[1] for o in spans
            )
        ]
        units = {s[3].code: s[3] for s in kept}
        if len(units) == 1:
            (unit,) = units.values()
            return UnitMatch(filename, unit.code, unit)
        return UnitMatch(filename, None, ambiguous=sorted(units.values(), key=lambda c: c.code))

    def _by_name(self, text: str) -> list[UnitCandidate]:
        """The units a run of words of a file name names (exactly, or with its letters run together)."""
        found = self._lookup(text)
        if found is not None and (found.candidate or found.ambiguous):
            return [found.candidate] if found.candidate else list(found.ambiguous)
        key = compact_key(text)
        if len(key) < 4:
            return []
        if self._compact is None:  # built whole, then published: the index may be shared by threads
            compact: dict[str, dict[str, UnitCandidate]] = {}
            for c in self.candidates:
                for name in (c.name, c.short_name, *c.aliases):
                    k = compact_key(name) if name else ""
                    if len(k) >= 4:
                        compact.setdefault(k, {})[c.code] = c
            self._compact = compact
        return list(self._compact.get(key, {}).values())

    def _choose(self, hits: dict[str, int], levels: set[str]) -> UnitCandidate | list[UnitCandidate]:
        cands = [self.by_code[code] for code in hits]
        if len(cands) == 1:
            return cands[0]
        if levels:
            in_level = [c for c in cands if c.level in levels]
            if len(in_level) == 1:
                return in_level[0]
            if in_level:
                cands = in_level
        best = min(hits[c.code] for c in cands)
        top = [c for c in cands if hits[c.code] == best]
        if len(top) == 1:
            return top[0]
        upper = [c for c in top if c.level != "commune"]
        if len(upper) == 1:
            return upper[0]
        return sorted(top, key=lambda c: c.code)

    def suggest(self, label: str, n: int = 3) -> list[str]:
        """Closest catalogue names for an error message (difflib on diacritic-free keys)."""
        loose_to_name: dict[str, str] = {}
        for key, name in self._display.items():
            loose_to_name.setdefault(strip_marks(key), name)
        target = loose_key(label)
        close = difflib.get_close_matches(target, list(loose_to_name), n=n, cutoff=0.6)
        out: list[str] = []
        for k in close:
            if loose_to_name[k] not in out:
                out.append(loose_to_name[k])
        return out


def candidates_from_rows(rows: Iterable[dict]) -> list[UnitCandidate]:
    """Rows shaped like fixtures/units.csv (aliases separated by `|`)."""
    out = []
    for r in rows:
        aliases = r.get("aliases") or ()
        if isinstance(aliases, str):
            aliases = tuple(a.strip() for a in aliases.split("|") if a.strip())
        out.append(
            UnitCandidate(
                code=r["code"],
                name=r["name"],
                short_name=r.get("short_name") or "",
                aliases=tuple(aliases),
                level=r.get("level") or "",
            )
        )
    return out


def candidates_from_csv(path: str | Path) -> list[UnitCandidate]:
    with open(path, encoding="utf-8", newline="") as fh:
        return candidates_from_rows(csv.DictReader(fh))


def match_unit(label: str, index: UnitIndex, level: str | None = None) -> UnitMatch:
    return index.match(label, level)
