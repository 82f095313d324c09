"""Property: every variant of the samples a real sender might make (tests/imports/variants.py) either
imports exactly the original's values or asks — it never stores a different value.

Parse and validate only (pure, no database): the catalogue and its header vocabulary come from
fixtures/*.csv, as the analysis reads them from the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.formats import parse_workbook
from imports.types import Answers, Severity
from imports.validation import Catalogue, validate
from imports.vocabulary import vocabulary_from_csv
from imports.workbook import read_workbook
from indicators.models.catalogue import KIND_OF_MEASURE

from .variants import OPERATIONS, variant
from .xlsx_builders import AUGUST, JANUARY, build_xlsx, sample_sheets

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CATALOGUE = Catalogue.from_csv(FIXTURES)
ANSWERS = Answers(
    kinds={c: KIND_OF_MEASURE.get(m.measure, "number") for c, m in CATALOGUE.indicators.items()},
    vocabulary=vocabulary_from_csv(FIXTURES),
    windows={c: m.cumulative for c, m in CATALOGUE.indicators.items()},
)
SAMPLES = {"2023-01": sample_sheets(JANUARY), "2023-08": sample_sheets(AUGUST)}


def imported(sheets: dict, period: str):
    """(values by (sheet, indicator, unit), the sheets with an error that asks)."""
    results, problems, _ = parse_workbook(read_workbook(build_xlsx(sheets)), ANSWERS)
    checked = validate(results, CATALOGUE, period)
    values = {(v.ref.sheet, v.indicator, v.unit): v.value for v in checked.values}
    asked = {(p.sheet, p.code) for p in [*problems, *checked.problems] if p.severity == Severity.ERROR}
    return values, asked


ORIGINAL = {period: imported(sheets, period) for period, sheets in SAMPLES.items()}

steps = st.lists(st.tuples(st.integers(0, len(OPERATIONS) - 1), st.integers(0, 50)), min_size=1, max_size=4)


def check(period: str, sheet_names: list[str], plan: list[tuple[int, int]]):
    sheets = {n: s for n, s in SAMPLES[period].items() if n in sheet_names}
    original_values, original_asked = ORIGINAL[period]
    original_values = {k: v for k, v in original_values.items() if k[0] in sheet_names}
    changed, change = variant(sheets, plan)
    values, asked = imported(changed, period)
    new_questions = {sheet for sheet, code in asked - original_asked}
    # never a different value
    for key, value in values.items():
        if key in original_values:
            assert value == original_values[key], (change.labels, key, value, original_values[key])
        else:
            assert (key[0], key[1]) in change.added_columns, (change.labels, key, value)
    # a value left out is asked about, or its whole column was left out by the sender
    missing = {k for k in original_values if k not in values}
    for sheet, indicator, unit in missing:
        whole = not any(k[:2] == (sheet, indicator) for k in values)
        assert sheet in new_questions or (whole and sheet in change.dropped_sheets), (
            change.labels,
            (sheet, indicator, unit),
        )


@pytest.mark.parametrize("period", ["2023-01", "2023-08"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_every_variant_imports_the_same_values_or_asks(period, plan):
    check(period, list(SAMPLES[period]), plan)


@pytest.mark.parametrize(
    "plan",
    [
        [(2, 0)],  # a month column beside the year-to-date one
        [(2, 3), (1, 0)],
        [(0, 0), (0, 1), (0, 3)],  # abbreviations
        [(3, 0), (4, 1)],  # a sentence over the label column, a footer
        [(5, 0), (5, 1)],  # an agency's subset of columns
        [(1, 1), (1, 2)],  # tax windows spelled differently
    ],
)
def test_the_named_variants_import_the_same_values(plan):
    check("2023-08", list(SAMPLES["2023-08"]), plan)
