"""Vietnamese number formats, used by every page, export and document: `1.234,5`, `92,9%`, `12.906.957.546 đ`.

Pure functions: no Django settings, no locale module (the server's locale must not change a number).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY = "–"


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, decimals: int | None = None) -> str:
    """1234.5 → "1.234,5"; 1234 → "1.234"; decimals=2 → fixed places; None → "–".

    Without `decimals`, trailing zeros are dropped (92.90 → "92,9") and at most 2 places are shown.
    """
    d = _to_decimal(value)
    if d is None:
        return EMPTY
    places = 2 if decimals is None else decimals
    q = (
        d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if places
        else d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    sign = "-" if q < 0 else ""
    q = abs(q)
    text = f"{q:f}"
    whole, _, frac = text.partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    if frac:
        out += "," + frac
    if out == "0":
        sign = ""
    return sign + out


def format_percent(value, decimals: int | None = None) -> str:
    """92.9 (0–100 scale) → "92,9%"; None → "–"."""
    if _to_decimal(value) is None:
        return EMPTY
    return format_number(value, decimals) + "%"


def format_vnd(value) -> str:
    """12906957546 → "12.906.957.546 đ"."""
    if _to_decimal(value) is None:
        return EMPTY
    return format_number(value, 0) + " đ"


def format_measure(value, measure: str, decimals: int | None = None) -> str:
    """Format by an indicator's measure (percent, count, amount_vnd)."""
    if measure == "percent":
        return format_percent(value, decimals)
    if measure == "amount_vnd":
        return format_vnd(value)
    return format_number(value, decimals)


def format_period(period: str) -> str:
    """ "2023-08" → "8/2023", as the reports print months."""
    if not period or len(period) != 7:
        return period or EMPTY
    return f"{int(period[5:])}/{period[:4]}"
