"""What goes into the write door and what comes out: plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError


@dataclass
class ValueInput:
    """A value to record, by codes.

    ``absent`` records that the value no longer exists (an undo of the batch that created it): the
    row is deleted and the change log keeps what it held. The door also accepts any object with these
    attributes (the importer hands it its `ResolvedValue`s as they are); ``flags`` are the intake's
    reading notes kept on the row.
    """

    indicator: str
    unit: str
    period: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    tiers: dict | None = None
    raw: str = ""
    note: str = ""
    flags: list[str] = field(default_factory=list)
    absent: bool = False


@dataclass(frozen=True)
class ItemError:
    """One problem with one input value: its 0-based position, the field and a Vietnamese message.

    `text` is the sentence the service has always raised ("Mục 2: …"); the API shows the parts.
    Warnings of the per-value checks have the same shape, with code "warning".
    """

    index: int
    field: str | None
    message: str
    code: str = "invalid"

    @property
    def text(self) -> str:
        if self.code == "not_a_number":
            return f"Mục {self.index + 1}, trường '{self.field}': {self.message}"
        return f"Mục {self.index + 1}: {self.message}"


@dataclass
class RecordResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    # INDICATOR/UNIT/PERIOD of every created, changed or deleted value (for writes of up to
    # KEYS_LIMIT values; a bulk import gets its counts only).
    keys: list[str] = field(default_factory=list)
    warnings: list[ItemError] = field(default_factory=list)  # of the per-value checks, not refusals


class RecordValuesError(ValidationError):
    """A ValidationError whose messages are the `ItemError.text`s, with the structured items kept."""

    def __init__(self, items: list[ItemError]):
        self.items = items
        super().__init__([item.text for item in items])


class PeriodLocked(RecordValuesError):
    """Every problem is a locked (unit, period): approved, or waiting for approval and written by a
    reporter. The API answers 409 with the reason; forms, the importer and undo show it."""


def decimal_text(d) -> str | None:
    """Decimal('92.900000') → '92.9', without exponent notation; None stays None."""
    if d is None:
        return None
    return format(Decimal(d).normalize(), "f")


def tiers_json(tiers):
    """Tiers as stored (JSON): Decimal levels become their text ('95.5'), numbers stay numbers."""
    if not tiers:
        return None
    return {k: decimal_text(x) if isinstance(x, Decimal) else x for k, x in tiers.items()}
