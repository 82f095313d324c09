"""Monthly entry forms: the rows a unit fills for a period, the inline checks of what was typed, and the
save with optimistic concurrency. Values are written by `indicators.services.record_values` (the one
write service of forms and the API), so scoping, locks, audit and the status recompute are the same.

Numbers are read by the intake's reader (`core.numbers.read_number`), so `1.039`, `92,9` and
`92,9%` mean the same in a form as in a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from core.numbers import Kind, format_measure, format_target, format_vn, read_number
from indicators.checks import check_value
from indicators.choices import Aggregation, Measure, Status
from indicators.models import DataValue, Indicator, Target
from indicators.services import RecordValuesError, ValueInput, decimal_text, record_values
from indicators.status import TargetRule, choose_target, evaluate
from units.models import Unit

from ..models import EvidenceFile


@dataclass
class Check:
    """What was read from one row of a form, with the messages shown next to its fields."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)  # field → messages
    warnings: list[str] = field(default_factory=list)  # must be confirmed before saving
    notes: list[str] = field(default_factory=list)  # shown, nothing to confirm

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def fmt(value, measure: str = "") -> str:
    if value is None:
        return ""
    text = format_vn(Decimal(value))
    return f"{text}%" if measure == Measure.PERCENT else text


def _read(raw: str, kind: Kind, name: str, check: Check) -> Decimal | None:
    reading = read_number(raw, kind)
    if reading.error:
        check.error(name, reading.error)
        return None
    # In a form the column is labelled "%", so a percent typed without the sign is no news.
    check.notes.extend(
        w for w, f in zip(reading.warnings, reading.flags, strict=False) if f != "missing_percent"
    )
    return reading.value


def check_row(
    indicator: Indicator,
    raw: str,
    numerator_raw: str = "",
    denominator_raw: str = "",
    previous=None,
    period: str = "",
) -> Check:
    """Read a row as typed and run the inline checks (pure: no database).

    Errors: not a number, a negative count, a numerator above its denominator. Warnings the user
    must confirm: a percent above 100, a cumulative value lower than last period's.
    """
    check = Check()
    check.value = _read(raw, indicator.number_kind, "value", check)
    if numerator_raw.strip() or denominator_raw.strip():
        check.numerator = _read(numerator_raw, Kind.NUMBER, "numerator", check)
        check.denominator = _read(denominator_raw, Kind.NUMBER, "denominator", check)
    rules = check_value(
        indicator,
        check.value,
        previous,
        period=period,
        numerator=check.numerator,
        denominator=check.denominator,
        raw=raw,
    )
    for name, messages in rules.errors.items():
        for message in messages:
            check.error(name, message)
    check.warnings.extend(rules.warnings)
    if rules.computed:
        check.value = rules.value  # numerator and denominator only: the ratio (8/8 → 100 %)
        check.notes.append(f"Giá trị tính từ tử số và mẫu số: {format_measure(rules.value, indicator.measure)}")
    return check


# ------------------------------------------------------------------------------------------- rows
@dataclass
class Row:
    indicator: Indicator
    unit: Unit
    period: str
    current: DataValue | None
    previous: tuple[str, Decimal | None] | None
    target: TargetRule | None
    raw: str = ""
    numerator: str = ""
    denominator: str = ""
    note: str = ""
    stamp: str = ""
    check: Check | None = None
    confirmed: bool = False
    evidence: list = field(default_factory=list)
    posted_stamp: str = ""

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def prefix(self) -> str:
        return f"{self.unit.code}__{self.indicator.code}"

    @property
    def has_ratio(self) -> bool:
        return self.indicator.aggregation == Aggregation.RATIO_OF_SUMS

    @property
    def previous_text(self) -> str:
        if not self.previous or self.previous[1] is None:
            return ""
        return format_measure(self.previous[1], self.indicator.measure)  # as every page prints it

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        t = self.target
        return format_target(t.comparator, t.value, t.value_max, self.indicator.measure)

    @property
    def status(self) -> str:
        """The status the value as typed (or as stored) would get."""
        if self.check is None:  # as stored
            value = self.current.value if self.current is not None else None
        else:  # as typed
            value = self.check.value
        if value is None:
            return Status.NO_DATA
        return evaluate(value, self.target, period=self.period, direction=self.indicator.direction).status

    @property
    def needs_confirm(self) -> bool:
        return bool(self.check and self.check.warnings)

    @property
    def errors(self) -> dict:
        return self.check.errors if self.check else {}


def indicators_for(unit: Unit, group: str | None = None) -> list[Indicator]:
    qs = Indicator.objects.order_by("order", "code")
    if group:
        qs = qs.filter(group=group)
    return [i for i in qs if unit.level in (i.reported_by or [])]


def _targets(indicators, period: str) -> dict[int, list[TargetRule]]:
    out: dict[int, list[TargetRule]] = {}
    for t in Target.objects.filter(indicator__in=indicators, year=int(period[:4])):
        out.setdefault(t.indicator_id, []).append(t.as_rule())
    return out


def build_rows(units: list[Unit], indicators: list[Indicator], period: str) -> list[Row]:
    """One row per (unit, indicator the unit reports): stored value, last period's value, target.

    Four queries whatever the size: values, previous values, targets, evidence."""
    current = {
        (dv.unit_id, dv.indicator_id): dv
        for dv in DataValue.objects.filter(
            unit__in=units, indicator__in=indicators, period=period
        ).select_related("updated_by")
    }
    previous: dict[tuple[int, int], tuple[str, Decimal | None]] = {}
    for unit_id, ind_id, per, value in (
        DataValue.objects.filter(unit__in=units, indicator__in=indicators, period__lt=period)
        .filter(Q(value__isnull=False))
        .order_by("unit_id", "indicator_id", "-period")
        .values_list("unit_id", "indicator_id", "period", "value")
    ):
        previous.setdefault((unit_id, ind_id), (per, value))
    targets = _targets(indicators, period)
    evidence: dict[tuple[int, int], list] = {}
    for ev in EvidenceFile.objects.filter(unit__in=units, indicator__in=indicators, period=period):
        evidence.setdefault((ev.unit_id, ev.indicator_id), []).append(ev)
    rows = []
    for unit in units:
        for ind in indicators:
            if unit.level not in (ind.reported_by or []):
                continue
            dv = current.get((unit.pk, ind.pk))
            row = Row(
                indicator=ind,
                unit=unit,
                period=period,
                current=dv,
                previous=previous.get((unit.pk, ind.pk)),
                target=choose_target(targets.get(ind.pk, ()), period=period, unit=unit.pk, level=unit.level),
                evidence=evidence.get((unit.pk, ind.pk), []),
            )
            if dv is not None:
                row.raw = dv.raw or fmt(dv.value, "")
                row.numerator = fmt(dv.numerator) if dv.numerator is not None else ""
                row.denominator = fmt(dv.denominator) if dv.denominator is not None else ""
                row.note = dv.note
                row.stamp = dv.updated_at.isoformat()
            rows.append(row)
    return rows


# ------------------------------------------------------------------------------------------- save
@dataclass
class Conflict:
    row: Row
    theirs: str
    who: str
    when: object


@dataclass
class SaveOutcome:
    saved: bool = False
    created: int = 0
    changed: int = 0
    invalid: bool = False  # inline errors or unconfirmed warnings: nothing written
    conflicts: list[Conflict] = field(default_factory=list)
    message: str = ""


def read_post(rows: list[Row], data) -> None:
    """Fill the rows with what the form posted and run the inline checks."""
    for row in rows:
        p = row.prefix
        row.raw = data.get(f"{p}-value", "").strip()
        row.numerator = data.get(f"{p}-numerator", "").strip()
        row.denominator = data.get(f"{p}-denominator", "").strip()
        row.note = data.get(f"{p}-note", "").strip()
        row.confirmed = data.get(f"{p}-confirm") in ("1", "on", "true")
        row.posted_stamp = data.get(f"{p}-stamp", "")
        row.check = check_row(
            row.indicator, row.raw, row.numerator, row.denominator, row.previous, row.period
        )


def _changed(row: Row) -> bool:
    """Does the posted row differ from what is stored?"""
    dv = row.current
    check = row.check
    if dv is None:
        return bool(row.raw or row.numerator or row.denominator or row.note)

    def eq(a, b):
        return (a is None and b is None) or (a is not None and b is not None and Decimal(a) == Decimal(b))

    return not (
        eq(dv.value, check.value)
        and eq(dv.numerator, check.numerator)
        and eq(dv.denominator, check.denominator)
        and dv.note == row.note
    )


def save_rows(rows: list[Row], period: str, *, user) -> SaveOutcome:
    """Write the posted rows that changed, all or nothing.

    Refused (nothing written) when a row has an inline error or an unconfirmed warning, or when a
    value changed since the form was loaded (its `updated_at` differs from the stamp the form carried):
    then the conflicts list what changed and by whom, the rows get fresh stamps, and saving again
    overwrites deliberately. No silent lost update.
    """
    outcome = SaveOutcome()
    if any(r.errors for r in rows) or any(r.needs_confirm and not r.confirmed for r in rows if r.raw):
        outcome.invalid = True
        outcome.message = "Chưa lưu: hãy sửa các ô báo lỗi và xác nhận các cảnh báo."
        return outcome
    for row in rows:
        stored = row.current.updated_at.isoformat() if row.current is not None else ""
        if getattr(row, "posted_stamp", "") != stored:
            dv = row.current
            outcome.conflicts.append(
                Conflict(
                    row,
                    theirs=format_measure(dv.value, row.indicator.measure) if dv is not None else "(đã xóa)",
                    who=(dv.updated_by.get_full_name() or dv.updated_by.username)
                    if dv and dv.updated_by
                    else "",
                    when=dv.updated_at if dv is not None else None,
                )
            )
            row.stamp = stored
    if outcome.conflicts:
        outcome.message = (
            f"Chưa lưu: {len(outcome.conflicts)} số liệu đã được người khác sửa sau khi bạn mở biểu mẫu. "
            "Xem giá trị mới bên dưới; bấm Lưu lần nữa để ghi đè bằng số của bạn."
        )
        return outcome
    inputs = [
        ValueInput(
            indicator=r.indicator.code,
            unit=r.unit.code,
            period=period,
            value=r.check.value,
            numerator=r.check.numerator,
            denominator=r.check.denominator,
            raw=r.raw,
            note=r.note,
        )
        for r in rows
        if _changed(r)
    ]
    if not inputs:
        outcome.saved = True
        outcome.message = "Không có thay đổi nào."
        return outcome
    try:
        result = record_values(inputs, user=user, source="form")
    except RecordValuesError as exc:
        outcome.message = " ".join(item.message[:1].upper() + item.message[1:] for item in exc.items[:1])
        outcome.invalid = True
        return outcome
    outcome.saved, outcome.created, outcome.changed = True, result.created, result.changed
    outcome.message = (
        f"Đã lưu {result.created + result.changed} số liệu ({result.created} mới, {result.changed} sửa)."
    )
    return outcome


def stored_text(value) -> str:
    return decimal_text(value) or ""
