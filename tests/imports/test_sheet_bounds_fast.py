"""`SheetBounds`' vectorised proof (`_proven_clear`) against the regex it stands in for.

The proof may only say "no suspect cell tag" when `_suspect` finds none; whenever it cannot tell, the
regex runs as before. So the bounds a `SheetBounds` reports are the same with the proof and without
it, for any sheet XML and any chunking, and a plain sheet written in order takes the proof.
"""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imports.guards import SheetBounds, _proven_clear, _ref_index, _suspect
from imports.types import column_letter

LETTERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
ROW = st.integers(1, 99_999_999)
REFS = re.compile(rb'r="([A-Z]*)(\d+)"')


@st.composite
def cell_tag(draw) -> bytes:
    """One tag starting `<c`: mostly ordinary cells, else anything the regex treats apart."""
    kind = draw(st.integers(0, 19))
    row = draw(ROW | st.integers(1, 40))
    ref = draw(LETTERS | st.sampled_from(["A", "B", "Z", "AA", "AZ", "BA"])) + (
        draw(st.sampled_from(["", "0", "00"])) if kind == 1 else ""
    ) + str(row)
    body = draw(st.sampled_from(["><v>1</v></c>", ' t="n"><v>2</v></c>', ' s="3"/>', "/>", ">"]))
    if kind <= 11:
        return f'<c r="{ref}"{body}'.encode()
    return draw(
        st.sampled_from(
            [
                f'<c s="1" r="{ref}"{body}',  # the reference is not the first attribute
                f"<c{body}",  # no reference: placed by position
                f'<c\tr="{ref}"{body}',
                f'<c  r="{ref}"{body}',
                f'<c r="{ref.lower()}"{body}',
                f'<c r="{ref}x"{body}',
                f'<c r="{ref.rstrip("0123456789")}"{body}',
                f'<col min="1" max="{row}" width="9"/>',
                "<cols>",
                "</cols>",
                '<cfRule type="cellIs" priority="1"/>',
                "<customSheetView/>",
                "<c",
            ]
        )
    ).encode()


@st.composite
def sheet_xml(draw) -> bytes:
    """Rows of cells: row numbers rising, falling back or missing, the cells' tags from `cell_tag`."""
    parts, row = [b'<worksheet xmlns="urn:x"><sheetData>'], 0
    for _ in range(draw(st.integers(1, 30))):
        row = draw(st.sampled_from([row + 1, row + 1, row + 1, max(row - 3, 1), row + 1000]))
        parts.append(b"<row>" if draw(st.integers(0, 9)) == 0 else b'<row r="%d">' % row)
        for _ in range(draw(st.integers(0, 8))):
            if draw(st.integers(0, 3)):  # an ordinary cell of this row
                column = draw(st.sampled_from([1, 2, 5, 26, 27, 52, 300, 702, 703]))
                end = draw(st.sampled_from([b"><v>1</v></c>", b' s="2"/>']))
                parts.append(b'<c r="%s%d"' % (column_letter(column).encode(), row) + end)
            else:
                parts.append(draw(cell_tag()))
        parts.append(b"</row>")
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


def bounds_by_feed(xml: bytes, cuts: list[int], vectorised: bool) -> list[tuple[int, int]] | str:
    """The bounds after each piece and after `close`, or the error raised (a reference such as
    `r="A1x"` raises in the regex path, with the proof or without)."""
    bounds, seen = SheetBounds(vectorised), []
    try:
        for a, b in zip([0, *cuts], [*cuts, len(xml)], strict=True):
            bounds.feed(xml[a:b])
            seen.append((bounds.rows, bounds.columns))
        bounds.close()
    except Exception as exc:  # noqa: BLE001 - the same failure either way is what is compared
        return f"{type(exc).__name__} after {len(seen)} pieces"
    return [*seen, (bounds.rows, bounds.columns)]


@given(xml=sheet_xml(), data=st.data())
@settings(max_examples=400, deadline=None)
def test_the_bounds_are_the_same_with_and_without_the_proof(xml, data):
    cuts = sorted(set(data.draw(st.lists(st.integers(1, max(len(xml) - 1, 1)), max_size=6))))
    assert bounds_by_feed(xml, cuts, True) == bounds_by_feed(xml, cuts, False)


@given(xml=sheet_xml(), rows=st.integers(-2, 2), columns=st.integers(-2, 2), start=st.integers(0, 200), cut=st.integers(0, 200))
@settings(max_examples=400, deadline=None)
def test_the_proof_holds_only_when_the_regex_finds_no_suspect(xml, rows, columns, start, cut):
    # Bounds near the sheet's own largest row and column, so that both answers occur; the proof reads
    # buf[:n] only.
    buf = xml[start:]
    n = max(len(buf) - cut, 0)
    refs = REFS.findall(buf, 0, n)
    rows = max(rows + max((int(digits) for _, digits in refs), default=1), 0)
    columns = max(columns + max((_ref_index(letters) for letters, _ in refs), default=1), 0)
    if _proven_clear(buf, n, rows, columns):
        assert _suspect(b"", rows, columns).search(buf[:n]) is None


def plain_sheet(rows: int, columns: int, first_row: int = 1) -> bytes:
    return (
        b'<worksheet xmlns="urn:x"><cols><col min="1" max="3" width="9"/></cols><sheetData>'
        + b"".join(
            b'<row r="%d">' % r
            + b"".join(b'<c r="%s%d" t="n"><v>%d</v></c>' % (column_letter(c).encode(), r, c) for c in range(1, columns + 1))
            + b"</row>"
            for r in range(first_row, first_row + rows)
        )
        + b"</sheetData></worksheet>"
    )


def test_a_plain_sheet_in_order_takes_the_proof_after_its_first_chunk():
    xml = plain_sheet(20_000, 5)
    pieces = [xml[k : k + 65_536] for k in range(0, len(xml), 65_536)]
    fast, exact = SheetBounds(), SheetBounds(vectorised=False)
    for piece in pieces:
        fast.feed(piece)
        exact.feed(piece)
    fast.close()
    exact.close()
    assert (fast.rows, fast.columns) == (exact.rows, exact.columns) == (20_000, 5)
    assert (len(pieces), fast.proven, exact.proven) == (55, 54, 0)


def test_two_letter_columns_and_seven_digit_rows_take_the_proof():
    xml = plain_sheet(300, 30, first_row=9_999_000)
    assert _proven_clear(xml, len(xml), 9_999_299, 30) is True
    assert _proven_clear(xml, len(xml), 9_999_298, 30) is False
    assert _proven_clear(xml, len(xml), 9_999_299, 29) is False
    for old, new in [(b'r="AD9999123"', b'r="AD09999123"'), (b'<c r="C9999001"', b'<c s="1" r="C9999001"')]:
        changed = xml.replace(old, new)
        assert _proven_clear(changed, len(changed), 9_999_299, 30) is False
