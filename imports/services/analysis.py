"""Analysis of a workbook: read → parse → validate against the catalogue and the user's scope, and
compare with what is stored (the preview's counts and first changed cells). Nothing here writes."""

from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.conf import settings

from core.periods import is_period, period_message
from core.roles import Role, role_of
from indicators.models import DataValue, Indicator
from indicators.publication import locked_keys
from indicators.services import decimal_text, tiers_json
from units.matching import UnitCandidate, UnitIndex
from units.models import Unit

from ..formats import parse_workbook, propose_period
from ..guards import SheetLimits
from ..types import HOW_CATALOGUE, HOW_UNMAPPED, RowError, Severity, SheetResult
from ..validation import Catalogue, IndicatorMeta, ResolvedValue, Validated, validate
from ..workbook import read_workbook
from .mappings import build_answers, unused_entries

NOTHING_TO_IMPORT = (
    "Không có số liệu nào để nhập trong tệp này: không nhận ra cột số liệu nào (xem các cảnh báo); "
    "hãy chỉ rõ chỉ tiêu của các cột (ánh xạ cột)."
)
DIFF_LIMIT = 2000  # cells kept in a batch's preview diff; counts cover every cell


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def sheet_limits() -> SheetLimits:
    return SheetLimits(
        settings.IMPORT_MAX_SHEET_ROWS, settings.IMPORT_MAX_SHEET_COLUMNS, settings.IMPORT_MAX_SHEET_CELLS
    )


@contextmanager
def without_cyclic_gc():
    """Pause the cyclic garbage collector while a workbook is read, validated and written.

    A 200,000-row file allocates ~2 M objects that hold no reference cycles (calamine's rows,
    tuples, Decimals, strings); every automatic collection walks all of them again, which cost
    0.7-1.0 s of a ~2 s parse + validate (profiled). Reference counting frees them as usual; any
    cycle made meanwhile is collected once the collector is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---- catalogue and scope ---------------------------------------------------------------------


# The last unit index built, with the unit rows it was built from: a worker importing file after file
# reuses it while the rows are the same (an edited, added or retired unit builds a new one).
_unit_index: tuple[tuple, UnitIndex] | None = None


def _units_index(rows: tuple) -> UnitIndex:
    global _unit_index
    cached = _unit_index
    if cached is not None and cached[0] == rows:
        return cached[1]
    index = UnitIndex(
        UnitCandidate(code, name, short or "", tuple(aliases or ()), level)
        for _pk, code, name, short, aliases, level in rows
    )
    _unit_index = (rows, index)
    return index


def build_catalogue() -> Catalogue:
    indicators = {
        code: IndicatorMeta(code, name, measure, aggregation, tuple(reported_by or ()), cumulative or "", pk)
        for pk, code, name, measure, aggregation, reported_by, cumulative in Indicator.objects.values_list(
            "id", "code", "name", "measure", "aggregation", "reported_by", "cumulative"
        )
    }
    rows = tuple(
        (pk, code, name, short, tuple(aliases or ()), level)
        for pk, code, name, short, aliases, level in Unit.objects.filter(active=True)
        .order_by("pk")
        .values_list("id", "code", "name", "short_name", "aliases", "level")
    )
    return Catalogue(indicators, _units_index(rows), {code: pk for pk, code, *_rest in rows})


def writable_units(user) -> set[str] | None:
    """None = every unit (staff, or the system when no user is given)."""
    if user is None or role_of(user) == Role.STAFF:
        return None
    return set(Unit.objects.writable_by(user).values_list("code", flat=True))


# ---- analysis --------------------------------------------------------------------------------


@dataclass
class Analysis:
    period: str
    period_proposed: str | None
    validated: Validated
    sheets: list[dict]
    problems: list[RowError]  # workbook-level + validation problems, every one
    counts: dict = field(default_factory=dict)
    diff: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    dti: list[tuple[str, int, str, str, Decimal, str]] = field(
        default_factory=list
    )  # unit, year, pillar, level, score, raw
    mapping: list[dict] = field(default_factory=list)  # every column: {sheet, column, header, indicator, how}
    units: list[dict] = field(default_factory=list)  # every unit row: {sheet, row, printed, unit, how}

    def mapping_json(self) -> dict:
        """The mapping as `--json` prints it and the batch keeps it."""
        return {"columns": self.mapping, "units": self.units}

    @property
    def errors(self) -> list[RowError]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[RowError]:
        return [p for p in self.problems if p.severity == Severity.WARNING]


def _previous_values(catalogue: Catalogue, period: str):
    def previous(keys):
        wanted = {(i, u) for i, u, _p in keys}
        if not wanted:
            return {}
        ind_ids = {catalogue.indicators[i].id: i for i, _u in wanted if catalogue.indicators[i].id}
        unit_ids = {catalogue.unit_ids[u]: u for _i, u in wanted if u in catalogue.unit_ids}
        out = {}
        for ind_id, unit_id, per, value in (
            DataValue.objects.filter(indicator_id__in=ind_ids, unit_id__in=unit_ids, period__lt=period)
            .exclude(value=None)
            .order_by("indicator_id", "unit_id", "-period")
            .values_list("indicator_id", "unit_id", "period", "value")
        ):
            key = (ind_ids[ind_id], unit_ids[unit_id])
            if key in wanted and key not in out:
                out[key] = (value, per)
        return out

    return previous


def analyse(
    source,
    *,
    period: str | None,
    user=None,
    filename: str = "",
    corrections: dict | None = None,
    exclusions: list | None = None,
    catalogue: Catalogue | None = None,
    mapping: dict | None = None,
) -> Analysis:
    """Read and validate a workbook without writing. Raises WorkbookError for an unreadable file.
    `mapping`: the person's answers (`imports.services.mappings.read_mapping` shape); the sender's
    saved mappings apply as well."""
    with without_cyclic_gc():
        return _analyse(
            source,
            period=period,
            user=user,
            filename=filename,
            corrections=corrections,
            exclusions=exclusions,
            catalogue=catalogue,
            given=mapping,
        )


def _analyse(source, *, period, user, filename, corrections, exclusions, catalogue, given) -> Analysis:
    workbook = read_workbook(source, filename=filename, max_bytes=max_upload_bytes(), limits=sheet_limits())
    catalogue = catalogue or build_catalogue()
    answers, mapping_problems = build_answers(given, user, catalogue, filename)
    results, problems, detections = parse_workbook(workbook, answers)
    problems = [*mapping_problems, *problems]
    proposed = propose_period(workbook, results)
    del workbook  # the raw rows are no longer needed: keep the peak memory of large imports down
    the_period = period or proposed or ""
    fixes = {k: Decimal(str(v)) for k, v in (corrections or {}).items()}
    period_problem = None
    if not the_period and any(
        any(pv.period is None for pv in r.values) or (r.block and any(it[4] is None for it in r.block.items))
        for r in results
    ):
        period_problem = RowError(
            "", None, None, "", "Chưa có kỳ báo cáo: hãy chọn kỳ (YYYY-MM).", code="missing_period"
        )
    elif the_period and not is_period(the_period):
        period_problem = RowError(
            "",
            None,
            None,
            the_period,
            period_message(the_period),
            code="bad_period",
        )
    if period_problem is not None:
        validated = Validated([], [p for r in results for p in r.problems], set())
        all_problems = [period_problem, *problems, *validated.problems]
    else:
        validated = validate(
            results,
            catalogue,
            the_period,
            writable=writable_units(user),
            previous=_previous_values(catalogue, the_period) if the_period else None,
            corrections=fixes,
            exclusions=set(exclusions or ()),
        )
        _refuse_locked(validated, user)
        all_problems = list(problems) + list(validated.problems)
    per_sheet = Counter(map(attrgetter("ref.sheet"), validated.values))
    sheets = [
        {"sheet": d.sheet, "layout": d.layout, "title": d.title, "values": per_sheet[d.sheet]}
        for d in detections
    ]
    analysis = Analysis(the_period, proposed, validated, sheets, all_problems)
    analysis.mapping = [m.as_dict() | {"fingerprint": m.fingerprint} for r in results for m in r.mapping]
    analysis.units = _unit_rows(results, catalogue)
    analysis.problems.extend(unused_entries(given, analysis.mapping, analysis.units))
    analysis.dti = _resolve_dti(results, catalogue, user, all_problems)
    for sheet in sheets:
        sheet["values"] += sum(
            1 for r in results if r.sheet == sheet["sheet"] for row in r.dti_rows for _ in row.scores
        )
    if not validated.values and not analysis.dti and not analysis.errors:
        # a file that imports nothing never ends "committed" without a word (a one-column agency sheet
        # whose only column was not recognised used to exit 0)
        analysis.problems.append(RowError("", None, None, "", NOTHING_TO_IMPORT, code="nothing_to_import"))
    analysis.skipped = [
        {"sheet": k.split("!")[0], "cell": k.split("!")[1]} for k in sorted(validated.invalid_cells)
    ]
    return analysis


def _unit_rows(results: list[SheetResult], catalogue: Catalogue) -> list[dict]:
    """Each unit row's printed label and the unit it was taken to be, with how."""
    out = []
    for r in results:
        for row in r.unit_rows:
            unit, how = row.unit, row.how or HOW_CATALOGUE
            if unit is None:
                unit = catalogue.units.match(row.printed, row.level).code
                how = HOW_CATALOGUE if unit else HOW_UNMAPPED
            out.append(
                {
                    "sheet": row.sheet,
                    "row": row.row,
                    "printed": row.printed,
                    "unit": unit,
                    "how": how,
                    "fingerprint": r.fingerprint,
                }
            )
    return out


def _refuse_locked(validated: Validated, user) -> None:
    """Approved (unit, period) pairs are locked for every channel: each of their cells becomes an error
    (skippable like any invalid cell) and is left out of the values to write. Added for the approval
    workflow; the rule itself is `indicators.publication.locked_keys`."""
    locked = locked_keys({v.unit for v in validated.values}, {v.period for v in validated.values}, user)
    if not locked:
        return
    keep = []
    for v in validated.values:
        reason = locked.get((v.unit, v.period))
        if reason is None:
            keep.append(v)
            continue
        validated.problems.append(
            RowError(
                v.ref.sheet, v.ref.row, v.ref.column, v.raw, reason, header=v.ref.header, code="period_locked"
            )
        )
        validated.invalid_cells.add(v.cell_key)
    validated.values[:] = keep


def compare(
    values: list[ResolvedValue], catalogue: Catalogue, *, diff_limit: int = DIFF_LIMIT
) -> tuple[dict, list]:
    """Counts new / changed / unchanged against what is stored, and the first changed cells."""
    existing = _existing(values, catalogue)
    new = changed = unchanged = 0
    diff = []
    for v in values:
        key = (catalogue.indicators[v.indicator].id, catalogue.unit_ids.get(v.unit), v.period)
        old = existing.get(key)
        if old is None:
            new += 1
            kind = "new"
        elif same(old, v):
            unchanged += 1
            continue
        else:
            changed += 1
            kind = "changed"
        if len(diff) < diff_limit:
            diff.append(
                {
                    "sheet": v.ref.sheet,
                    "cell": v.ref.cell,
                    "indicator": v.indicator,
                    "unit": v.unit,
                    "period": v.period,
                    "kind": kind,
                    "before": None if old is None else decimal_text(old[0]),
                    "after": decimal_text(v.value),
                    "raw": v.raw,
                }
            )
    return {"new": new, "changed": changed, "unchanged": unchanged}, diff


def same(old: tuple, v: ResolvedValue) -> bool:
    def eq(a, b):
        if a is None or b is None:
            return a is None and b is None
        return Decimal(a) == Decimal(b)

    value, numerator, denominator, tiers, note = old
    return (
        eq(value, v.value)
        and eq(numerator, v.numerator)
        and eq(denominator, v.denominator)
        and (tiers or None) == (tiers_json(v.tiers) or None)
        and (note or "") == (v.note or "")
    )


def _existing(values: list[ResolvedValue], catalogue: Catalogue) -> dict:
    if not values:
        return {}
    ind_ids = {catalogue.indicators[v.indicator].id for v in values}
    periods = {v.period for v in values}
    unit_ids = {catalogue.unit_ids[v.unit] for v in values if v.unit in catalogue.unit_ids}
    qs = DataValue.objects.filter(indicator_id__in=ind_ids, period__in=periods)
    if len(unit_ids) < 500:
        qs = qs.filter(unit_id__in=unit_ids)
    return {
        (i, u, p): (val, num, den, tiers, note)
        for i, u, p, val, num, den, tiers, note in qs.values_list(
            "indicator_id", "unit_id", "period", "value", "numerator", "denominator", "tiers", "note"
        ).iterator(chunk_size=20000)
    }


def _resolve_dti(results, catalogue: Catalogue, user, problems: list[RowError]) -> list[tuple]:
    """DTI rows → (unit code, year, pillar code, level, score, raw); problems appended in place."""
    writable = writable_units(user)
    out = []
    for res in results:
        if not res.dti_rows:
            continue
        if res.dti_year is None:
            problems.append(
                RowError(
                    res.sheet,
                    None,
                    None,
                    "",
                    "Không rõ năm của bảng DTI (cần 'năm YYYY' trong tiêu đề)",
                    code="missing_year",
                )
            )
            continue
        for row in res.dti_rows:
            m = catalogue.units.match(row.unit_label, row.level)
            if m.code is None:
                problems.append(
                    RowError(
                        res.sheet,
                        row.ref.row,
                        row.ref.column,
                        row.unit_label,
                        m.message(),
                        code="unknown_unit",
                    )
                )
                continue
            if writable is not None and m.code not in writable:
                problems.append(
                    RowError(
                        res.sheet,
                        row.ref.row,
                        row.ref.column,
                        row.unit_label,
                        f"Bạn không có quyền nhập số liệu cho đơn vị '{m.candidate.name}'",
                        code="forbidden_unit",
                    )
                )
                continue
            for pillar, score in row.scores.items():
                out.append((m.code, res.dti_year, pillar, row.level, score, format(score.normalize(), "f")))
    return out
