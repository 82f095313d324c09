"""Fuzz (issue 15 "Tests"): random cells of the two sample workbooks replaced by random text, numbers,
dates and formulas; every import ends committed, rejected or unreadable, never an exception.

Bounded (a few dozen examples, each a real workbook written by openpyxl and imported through
`import_file` into the database) so that it runs well under a minute.
"""

import datetime

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from imports.services import import_file

from .xlsx_builders import AUGUST, JANUARY, build_xlsx, sample_sheets

pytestmark = pytest.mark.django_db

SAMPLES = {"08": sample_sheets(AUGUST), "01": sample_sheets(JANUARY)}
PERIOD = {"08": "2023-08", "01": "2023-01"}

# what a cell can hold in a workbook (XML 1.0 has no control characters but tab and newline)
TEXT = st.characters(blacklist_categories=("Cs", "Cc"))

cell_values = st.one_of(
    st.text(alphabet=TEXT, max_size=40),
    st.sampled_from(["Tổng", "TỔNG", "Ghi chú: *", "Người lập biểu", "-", "", "x", "#N/A", "100%", "1.183", "1,183"]),
    st.text(alphabet="0123456789.,-+% ", min_size=1, max_size=20),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(min_value=-1e20, max_value=1e20, allow_nan=False),
    st.sampled_from([1e300, -1e300, 5e-324, 0.0]),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(["=1+1", "=SUM(A1:A3)", "=B5*2", '=HYPERLINK("http://x","y")', "=1/0"]),
    st.booleans(),
)


@st.composite
def mutated(draw):
    month = draw(st.sampled_from(sorted(SAMPLES)))
    sheets = {name: spec for name, spec in SAMPLES[month].items()}
    changes = draw(st.integers(min_value=1, max_value=12))
    copies = {}
    for _ in range(changes):
        name = draw(st.sampled_from(sorted(sheets)))
        spec = copies.get(name)
        if spec is None:
            original = sheets[name]
            spec = copies[name] = type(original)([list(row) for row in original.rows], list(original.merges))
        r = draw(st.integers(min_value=0, max_value=len(spec.rows) + 2))
        c = draw(st.integers(min_value=0, max_value=max(len(row) for row in spec.rows) + 1))
        while len(spec.rows) <= r:
            spec.rows.append([])
        row = spec.rows[r]
        while len(row) <= c:
            row.append("")
        value = draw(cell_values)
        note(f"{name}!{chr(65 + c)}{r + 1} = {value!r}")
        row[c] = value  # a string starting with "=" is written as a formula without a cached value
    sheets.update(copies)
    return month, build_xlsx(sheets)


# No shrinking: one example is a whole workbook import, and shrinking one takes minutes; the failing
# example's seed is printed and `note` names its changed cells.
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(case=mutated(), skip_invalid=st.booleans())
def test_every_fuzzed_sample_ends_committed_rejected_or_unreadable(catalogue, staff, case, skip_invalid):
    month, data = case
    outcome = import_file(data, period=PERIOD[month], user=staff, skip_invalid=skip_invalid, filename="fuzz.xlsx")
    assert outcome.status in ("committed", "rejected"), outcome.as_json()
    assert outcome.batch.status in ("committed", "rejected", "failed")
    if outcome.batch.status == "failed":
        assert outcome.unreadable and outcome.batch.message
        assert outcome.batch.errors[0]["code"] != "internal_error", outcome.batch.message
