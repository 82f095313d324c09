"""The layouts' own phrasings, kept as data: the words each layout module (`imports/formats/`) looks
for in a title, a header or a row label (`fixtures/layout_phrases.csv`, one phrase a row, written as a
user types it and folded with `core.text.fold` when loaded).

The layout code keeps the decisions (which key is tried first, which two keys must both match); the
file holds the words. A key the code asks for and the file lacks raises `LookupError`: never a
silent "matches nothing". Loaded once per process and cached: detection asks per sheet, per layout,
per cell. Pure: no database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType

from core.text import fold

LAYOUT_PHRASES_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "layout_phrases.csv"
COLUMNS = ("layout", "key", "phrase", "note")

_path = LAYOUT_PHRASES_CSV  # the file `phrases()` reads; `use_phrases()` points it at a copy


@lru_cache(maxsize=4)
def load_phrases(path: Path = LAYOUT_PHRASES_CSV) -> Mapping[tuple[str, str], tuple[str, ...]]:
    """(layout, key) → its folded phrases in file order, duplicates dropped. Lines starting with `#`
    are comments. A row without layout, key or phrase (or a phrase that folds to nothing, such as
    '#') is an error naming the line: a phrase that is empty would match every text."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if not line.lstrip().startswith("#")]
    reader = csv.DictReader(line for _n, line in lines)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(
            f"{Path(path).name}: cột phải là {','.join(COLUMNS)}, không phải {reader.fieldnames}"
        )
    table: dict[tuple[str, str], dict[str, None]] = {}
    for row in reader:
        n = lines[reader.line_num - 1][0]
        layout, key, phrase = (row.get(c) or "" for c in ("layout", "key", "phrase"))
        folded = fold(phrase)
        if not layout.strip() or not key.strip() or not folded:
            raise ValueError(f"{Path(path).name}, dòng {n}: thiếu layout, key hoặc phrase ({phrase!r})")
        table.setdefault((layout.strip(), key.strip()), {})[folded] = None
    return MappingProxyType({k: tuple(v) for k, v in table.items()})


@cache
def phrases(layout: str, key: str) -> tuple[str, ...]:
    """The folded phrases of `layout`'s `key`: `has(f, *phrases("hotline", "HOT-SPAM"))`."""
    table = load_phrases(_path)
    try:
        return table[(layout, key)]
    except KeyError:
        raise LookupError(f"{_path.name} has no phrases for layout {layout!r}, key {key!r}") from None


@cache
def phrase_set(layout: str, key: str) -> frozenset[str]:
    """The same phrases as a set, for keys matched against a whole cell (`fold(cell) in …`)."""
    return frozenset(phrases(layout, key))


@cache
def phrase_family(layout: str, prefix: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every key of `layout` starting with `prefix`, in file order, as (the rest of the key, its
    folded phrases): `phrase_family("dti_scores", "pillar-")` → (("NHAN-THUC", ("nhan thuc so",)), …).
    For a layout whose choices are themselves data (the DTI pillars, the printed groups): a new one
    is a new row. A tuple, so callers may cache on it. None at all raises `LookupError`, as a
    missing key does."""
    table = load_phrases(_path)
    family = tuple(
        (key[len(prefix) :], found)
        for (lay, key), found in table.items()
        if lay == layout and key.startswith(prefix)
    )
    if not family:
        raise LookupError(f"{_path.name} has no phrases for layout {layout!r}, keys {prefix!r}…")
    return family


def _clear() -> None:
    phrases.cache_clear()
    phrase_set.cache_clear()
    phrase_family.cache_clear()


@contextmanager
def use_phrases(path: Path) -> Iterator[None]:
    """Read the layouts' phrasings from another file for a while (tests and tools trying a copy)."""
    global _path
    previous = _path
    _path = Path(path)
    _clear()
    try:
        yield
    finally:
        _path = previous
        _clear()
