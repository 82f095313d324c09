"""The values contract: one DRF serializer, `ValueSerializer`, for what a client writes and what the
API answers about a value.

- **Writes** (`POST values/`, `PUT`/`PATCH values/{indicator}/{unit}/{period}/`): its fields validate
  each pushed item's shape and read its numbers. JSON numbers are taken as they are (percentages on
  0–100; `core.api.ApiJSONParser` reads fractions as `Decimal`, so 92.9 stays 92.9); text numbers
  ("1.039", "92,9%") are read by the importer's Vietnamese reader with the indicator's kind. Every
  problem of every item is collected, then `indicators.services.record_values` checks codes, scope,
  periods and locks (the same door as the forms and the importer).
- **Reads**: its read-only fields are the items of the value list and detail. Those are not built by
  this serializer: `indicators.api.rows` reads them with `.values_list()` and orjson (benchmark B5),
  under the keys and in the order of the fields declared here, so the OpenAPI schema and the fast
  path cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings

from core.numbers import Kind, read_number
from units.models import Level

from ..choices import QualityFlag, Source, Status
from ..models import DataValue, Indicator
from ..services import ValueInput

# The largest magnitude a value may have. The columns are numeric(24, 6): PostgreSQL refuses anything
# that rounds to 10^18 or more (a 500 before), and SQLite, the embedded default, keeps 15 significant
# digits and cannot even read back a value past 10^15 at six decimals (Django's converter overflows).
# So a number must stay under 10^15 (a million billion: ten thousand times the province's yearly
# budget in đồng) to be stored and read back as it was sent, on both databases.
_COLUMN = DataValue._meta.get_field("value")
INTEGER_DIGITS = min(15, _COLUMN.max_digits - _COLUMN.decimal_places)
LIMIT = Decimal(10) ** INTEGER_DIGITS
QUANTUM = Decimal(1).scaleb(-_COLUMN.decimal_places)
RAW_MAX = DataValue._meta.get_field("raw").max_length
TOO_LARGE = f"Số quá lớn: giá trị tuyệt đối phải nhỏ hơn 10^{INTEGER_DIGITS} (tối đa {INTEGER_DIGITS} chữ số phần nguyên)."
NUL_MESSAGE = "Chứa ký tự không hợp lệ (NUL)."
NUMBER_FIELDS = ("value", "numerator", "denominator")
# Fields whose error leaves an item without a usable address or text: it is not shown to the service.
ADDRESS_AND_TEXT = {"indicator", "unit", "period", "raw", "note"}


def fits(number: Decimal) -> bool:
    """True when the value columns can store ``number`` (finite, and under 10^15 once rounded to six decimals)."""
    if not number.is_finite() or abs(number) >= LIMIT:
        return False
    return abs(number.quantize(QUANTUM)) < LIMIT


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class NumberText(str):
    """A number sent as text: read once the item's indicator (so its kind) is known."""


# ------------------------------------------------------------------------------------------ fields
class TextField(serializers.CharField):
    """A string as sent (no trimming): not a number, no NUL (PostgreSQL refuses it), not too long."""

    default_error_messages = {
        "required": "Thiếu trường bắt buộc.",
        "null": "Phải là chuỗi.",
        "invalid": "Phải là chuỗi.",
        "nul": NUL_MESSAGE,
        "too_long": "Tối đa {max_length} ký tự (đang có {length}).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)
        # The checks below run first, with the messages above; the length validator stays for the schema.
        self.validators = [v for v in self.validators if isinstance(v, MaxLengthValidator)]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            self.fail("nul")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("too_long", max_length=self.max_length, length=len(data))
        return data


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "description": 'số JSON (tỷ lệ theo thang 0–100) hoặc số viết kiểu Việt Nam: "1.039", "92,9%"',
    }
)
class NumberField(serializers.Field):
    default_error_messages = {
        "invalid": "Giá trị {name} phải là số.",
        "nul": NUL_MESSAGE,
        "too_large": TOO_LARGE,
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal | str):
            self.fail("invalid", name=self.field_name)
        if isinstance(data, str):
            if "\x00" in data:
                self.fail("nul")
            return NumberText(data)
        number = data if isinstance(data, Decimal) else Decimal(str(data))
        if not fits(number):
            self.fail("too_large")
        return number

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "number"},
        "description": 'giá trị theo cấp của chỉ tiêu nhiều cấp, ví dụ {"province": 95, "district": 92}',
    }
)
class TiersField(serializers.Field):
    default_error_messages = {
        "invalid": 'Phải là đối tượng {{cấp: số}}, ví dụ {{"province": 95}}.',
        "too_large": 'Số của cấp "{level}" quá lớn: giá trị tuyệt đối phải nhỏ hơn 10^{digits}.',
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid")
        out = {}
        for level, number in data.items():
            if (
                level not in Level.values
                or isinstance(number, bool)
                or not isinstance(number, int | float | Decimal)
            ):
                self.fail("invalid")
            exact = number if isinstance(number, Decimal) else Decimal(str(number))
            if not fits(exact):
                self.fail("too_large", level=level, digits=INTEGER_DIGITS)
            # Stored as JSON: whole numbers sent as integers stay integers, the rest are floats.
            out[level] = number if isinstance(number, int) else float(exact)
        return out or None

    def to_representation(self, value):
        return value


# -------------------------------------------------------------------------------------- the contract
@dataclass
class ItemReading:
    """One item read: the input for the service (None when its address or texts are unusable), and
    its problems and warnings as (field, message)."""

    value_input: ValueInput | None
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Reading:
    """A whole push read: (item index, input) for the service, per-item errors and warnings as the
    API shows them (`{"index", "field", "message"}`), and a problem with the body as a whole."""

    inputs: list[tuple[int, ValueInput]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    body_error: str | None = None


def item_error(index, field_name, message) -> dict:
    return {"index": index, "field": field_name, "message": message}


class ValueListSerializer(serializers.ListSerializer):
    """A push: one object or a list of them, each read by `ValueSerializer`, every problem kept."""

    def read(self, data, *, max_items: int) -> Reading:
        items = [data] if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            return Reading(body_error="Gửi một đối tượng hoặc một danh sách số liệu (JSON).")
        if len(items) > max_items:
            return Reading(body_error=f"Mỗi lần gửi tối đa {max_items} số liệu.")
        self.child.kinds = kinds_of(i.get("indicator") for i in items if isinstance(i, dict))
        reading = Reading()
        for index, item in enumerate(items):
            one = self.child.read_item(item)
            reading.errors.extend(item_error(index, f, m) for f, m in one.errors)
            reading.warnings.extend(item_error(index, f, m) for f, m in one.warnings)
            if one.value_input is not None:
                reading.inputs.append((index, one.value_input))
        return reading


def kinds_of(codes) -> dict[str, Kind]:
    """How each indicator's text values are read (`Indicator.number_kind`), by code (anything that
    is not a usable code is skipped: the item's own errors say what is wrong with it)."""
    usable = {c for c in codes if isinstance(c, str) and "\x00" not in c}
    return {i.code: i.number_kind for i in Indicator.objects.filter(code__in=usable).only("code", "measure")}


class ValueSerializer(serializers.Serializer):
    """Một số liệu: chỉ tiêu, đơn vị, kỳ, giá trị và kết quả bộ máy trạng thái tính cho nó."""

    default_error_messages = {"invalid": "Mỗi mục phải là một đối tượng JSON."}

    indicator = TextField(help_text="mã chỉ tiêu")
    unit = TextField(help_text="mã đơn vị")
    period = TextField(help_text="kỳ báo cáo YYYY-MM (năm 2000–2100)")
    value = NumberField(
        allow_null=True,
        error_messages={"required": "Thiếu trường bắt buộc (null nếu chưa có số liệu)."},
        help_text="giá trị; null nếu chưa có số liệu",
    )
    numerator = NumberField(required=False, allow_null=True, help_text="tử số (chỉ tiêu tỷ lệ)")
    denominator = NumberField(required=False, allow_null=True, help_text="mẫu số (chỉ tiêu tỷ lệ)")
    raw = TextField(
        required=False,
        allow_null=True,
        max_length=RAW_MAX,
        help_text='nguyên văn như trong nguồn, ví dụ "92,9%"',
    )
    source = serializers.ChoiceField(choices=Source.choices, read_only=True, help_text="kênh ghi số liệu")
    note = TextField(required=False, allow_null=True, help_text="ghi chú")
    tiers = TiersField(required=False, allow_null=True, write_only=True)
    target = serializers.FloatField(read_only=True, allow_null=True, help_text="chỉ tiêu áp dụng")
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, allow_null=True, help_text="trạng thái"
    )
    previous_period = serializers.CharField(read_only=True, allow_null=True, help_text="kỳ so sánh")
    previous_value = serializers.FloatField(read_only=True, allow_null=True, help_text="giá trị kỳ so sánh")
    change = serializers.FloatField(
        read_only=True, allow_null=True, help_text="thay đổi so với kỳ trước (điểm phần trăm với tỷ lệ)"
    )
    change_text = serializers.CharField(
        read_only=True, allow_null=True, help_text='"Tăng 0,9%", "Giảm 7,1%", "Bằng"'
    )
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=QualityFlag.choices),
        read_only=True,
        help_text="cảnh báo chất lượng",
    )
    updated_at = serializers.DateTimeField(read_only=True, help_text="thời điểm cập nhật")

    class Meta:
        list_serializer_class = ValueListSerializer

    kinds: dict[str, Kind] | None = None

    def read_item(self, data) -> ItemReading:
        """Every problem of one item, and its input when the address and texts are usable."""
        if not isinstance(data, Mapping):
            return ItemReading(None, [(None, self.error_messages["invalid"])])
        fields = [f for f in self.fields.values() if not f.read_only]
        errors = [
            (key, f'Trường "{key}" không được hỗ trợ.')
            for key in sorted(set(data) - {f.field_name for f in fields})
        ]
        warnings: list[tuple[str, str]] = []
        attrs = {}
        for f in fields:
            try:
                attrs[f.field_name] = f.run_validation(f.get_value(data))
            except SkipField:
                continue
            except serializers.ValidationError as exc:
                errors.extend((f.field_name, str(m)) for m in exc.detail)
        kind = self._kind_of(attrs.get("indicator"))
        value_text = ""
        for name in NUMBER_FIELDS:
            text = attrs.get(name)
            if not isinstance(text, NumberText):
                continue
            attrs[name] = None
            reading = read_number(str(text), kind if name == "value" else Kind.NUMBER)
            if "too_large" in reading.flags:
                errors.append((name, TOO_LARGE))  # the API's one wording for a number past the columns
            elif reading.error:
                errors.append((name, _sentence(reading.error)))
            elif reading.value is None:
                continue  # an empty text is no number, as null is
            elif not fits(reading.value):
                errors.append((name, TOO_LARGE))
            else:
                attrs[name] = reading.value
                warnings.extend((name, _sentence(w)) for w in reading.warnings)
                if name == "value":
                    value_text = str(text)
        raw = attrs.get("raw") or value_text
        if len(raw) > RAW_MAX:
            errors.append(("value", f"Tối đa {RAW_MAX} ký tự (đang có {len(raw)})."))
        if any(f in ADDRESS_AND_TEXT for f, _ in errors) or not {"indicator", "unit", "period"} <= set(attrs):
            return ItemReading(None, errors, warnings)
        value_input = ValueInput(
            indicator=attrs["indicator"],
            unit=attrs["unit"],
            period=attrs["period"],
            value=attrs.get("value"),
            numerator=attrs.get("numerator"),
            denominator=attrs.get("denominator"),
            tiers=attrs.get("tiers") or None,
            raw=raw,
            note=attrs.get("note") or "",
        )
        return ItemReading(value_input, errors, warnings)

    def _kind_of(self, code) -> Kind:
        if self.kinds is None:  # one item on its own (a list looks all its codes up at once)
            self.kinds = kinds_of([code])
        return self.kinds.get(code, Kind.NUMBER) if isinstance(code, str) else Kind.NUMBER

    def to_internal_value(self, data):
        reading = self.read_item(data)
        if reading.errors:
            detail: dict[str, list[str]] = {}
            for name, message in reading.errors:
                detail.setdefault(name or api_settings.NON_FIELD_ERRORS_KEY, []).append(message)
            raise serializers.ValidationError(detail)
        return reading.value_input


class ValueAtAddressSerializer(ValueSerializer):
    """Một số liệu tại địa chỉ values/{indicator}/{unit}/{period}/: mã và kỳ lấy từ địa chỉ."""

    indicator = TextField(required=False, help_text="mã chỉ tiêu; nếu gửi phải trùng với địa chỉ")
    unit = TextField(required=False, help_text="mã đơn vị; nếu gửi phải trùng với địa chỉ")
    period = TextField(required=False, help_text="kỳ YYYY-MM; nếu gửi phải trùng với địa chỉ")


def read_keys() -> tuple[str, ...]:
    """The keys of a value item, in order: the contract's fields that a read shows."""
    return tuple(name for name, f in ValueSerializer().fields.items() if not f.write_only)
