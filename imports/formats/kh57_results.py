"""The KH57 annual results table of a Sở TT&TT report: one row per KH57 indicator whose text carries
the target ("… đạt 70%."), pillar heading rows ("1. Hạ tầng số"), the statistic (percent), its
numerator and denominator, notes.

Rows are matched to indicators by their text (distinctive phrases of each catalogue name), never by
position. Values go to the province (`BP`); the period is the import's (a June report → 2023-06),
proposed from a heading such as "6 tháng đầu năm 2023". `CQS-WORK-ONLINE` prints three tiered values
in one cell (province, district, commune): all three are kept (`tiers`), the province one is the
value. A statistic cell that also prints the target ("Chỉ tiêu 70%, đạt 65,3%") yields the
statistic; a row without any number is kept as "no data" with its text as the note."""

from __future__ import annotations

import re
from decimal import Decimal

from core.numbers import Kind, raw_text, read_number
from core.text import has, has_all

from ..phrases import phrase_set, phrases
from ..types import Answers, CellRef, ParsedValue, SheetResult
from ..workbook import SheetData
from .base import ParseContext, Role, fold, header_text
from .row_labels import RowMapping, label_fingerprint

LAYOUT = "kh57_results"
TITLE = "Kết quả chỉ tiêu Kế hoạch 57/KH-UBND"

# (code, test on the folded row text). Order matters: specific before general. The words are the rows of
# fixtures/layout_phrases.csv under the code; `CODE+` is a second condition, `CODE&` phrases that must all occur.
SIGNATURES: list[tuple[str, object]] = [
    ("XHS-BPTODAY", lambda f: has(f, *phrases(LAYOUT, "XHS-BPTODAY"))),
    ("XHS-EPAY-DVC", lambda f: has(f, *phrases(LAYOUT, "XHS-EPAY-DVC"))),
    ("XHS-BANK-ACCOUNT", lambda f: has(f, *phrases(LAYOUT, "XHS-BANK-ACCOUNT"))),
    ("XHS-DIGITAL-SKILLS", lambda f: has(f, *phrases(LAYOUT, "XHS-DIGITAL-SKILLS"))),
    ("XHS-TELEHEALTH", lambda f: has(f, *phrases(LAYOUT, "XHS-TELEHEALTH"))),
    ("XHS-EHEALTH-RECORD", lambda f: has(f, *phrases(LAYOUT, "XHS-EHEALTH-RECORD"))),
    ("XHS-EDU-HIGHER", lambda f: has(f, *phrases(LAYOUT, "XHS-EDU-HIGHER"))),
    ("XHS-EDU-SCHOOL", lambda f: has(f, *phrases(LAYOUT, "XHS-EDU-SCHOOL"))),
    ("XHS-EID", lambda f: has(f, *phrases(LAYOUT, "XHS-EID"))),
    (
        "XHS-DVC-USERS",
        lambda f: has(f, *phrases(LAYOUT, "XHS-DVC-USERS")) and has(f, *phrases(LAYOUT, "XHS-DVC-USERS+")),
    ),
    ("HTS-SMARTPHONE", lambda f: has(f, *phrases(LAYOUT, "HTS-SMARTPHONE"))),
    ("HTS-FTTH", lambda f: has(f, *phrases(LAYOUT, "HTS-FTTH"))),
    ("HTS-MOBILE", lambda f: has(f, *phrases(LAYOUT, "HTS-MOBILE"))),
    (
        "CQS-DVC-FULL",
        lambda f: has(f, *phrases(LAYOUT, "CQS-DVC-FULL")) and has(f, *phrases(LAYOUT, "CQS-DVC-FULL+")),
    ),
    ("CQS-DVC-FILED", lambda f: has(f, *phrases(LAYOUT, "CQS-DVC-FILED"))),
    (
        "CQS-FILE-ONLINE",
        lambda f: (
            has(f, *phrases(LAYOUT, "CQS-FILE-ONLINE")) or has_all(f, *phrases(LAYOUT, "CQS-FILE-ONLINE&"))
        ),
    ),
    ("CQS-DIGITIZE", lambda f: has(f, *phrases(LAYOUT, "CQS-DIGITIZE"))),
    ("CQS-INSPECT", lambda f: has(f, *phrases(LAYOUT, "CQS-INSPECT"))),
    ("CQS-OPENDATA", lambda f: has(f, *phrases(LAYOUT, "CQS-OPENDATA"))),
    ("CQS-WORK-ONLINE", lambda f: has(f, *phrases(LAYOUT, "CQS-WORK-ONLINE"))),
    (
        "CQS-COMMUNE-WEB",
        lambda f: (
            has(f, *phrases(LAYOUT, "CQS-COMMUNE-WEB")) and has(f, *phrases(LAYOUT, "CQS-COMMUNE-WEB+"))
        ),
    ),
    ("CQS-ISMS", lambda f: has(f, *phrases(LAYOUT, "CQS-ISMS"))),
    (
        "CQS-ONLINE-REPORT",
        lambda f: (
            has(f, *phrases(LAYOUT, "CQS-ONLINE-REPORT")) and has(f, *phrases(LAYOUT, "CQS-ONLINE-REPORT+"))
        ),
    ),
    ("KTS-GRDP", lambda f: has(f, *phrases(LAYOUT, "KTS-GRDP"))),
    ("KTS-SME-PLATFORM", lambda f: has(f, *phrases(LAYOUT, "KTS-SME-PLATFORM"))),
    ("KTS-ECONTRACT", lambda f: has(f, *phrases(LAYOUT, "KTS-ECONTRACT"))),
    ("KTS-EINVOICE", lambda f: has(f, *phrases(LAYOUT, "KTS-EINVOICE"))),
    ("KTS-ECOMMERCE", lambda f: has(f, *phrases(LAYOUT, "KTS-ECOMMERCE"))),
    ("KTS-CASHLESS-FEES", lambda f: has(f, *phrases(LAYOUT, "KTS-CASHLESS-FEES"))),
]
PILLAR_HEADING = re.compile(r"^([ivx]+|\d+)?\s*(ha tang so|chinh quyen so|kinh te so|xa hoi so)\s*$")
_PCT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_TARGET = re.compile(r"((?:đạt|tối thiểu|trên)\s+(?:trên\s+)?\d+(?:[.,]\d+)?\s*%(?:\s*trở lên)?)", re.I)
TIER_LEVELS = ("province", "district", "commune")


def indicator_for(text: str) -> str | None:
    f = fold(text)
    for code, test in SIGNATURES:
        if test(f):
            return code
    return None


def _header(sheet: SheetData):
    labels, stat = phrase_set(LAYOUT, "label-header"), phrases(LAYOUT, "stat-header")
    for r in range(min(12, sheet.height)):
        cols = {}
        for c in range(min(sheet.width, 12)):
            f = fold(sheet.value(r, c))
            if not f:
                continue
            if f in labels and "label" not in cols:
                cols["label"] = c
            elif has(f, *phrases(LAYOUT, "numerator")) and "num" not in cols:
                cols["num"] = c
            elif has(f, *phrases(LAYOUT, "denominator")) and "den" not in cols:
                cols["den"] = c
            elif has(f, *phrases(LAYOUT, "note-header")) and "note" not in cols:
                cols["note"] = c
            elif has(f, *stat) and "stat" not in cols and "label" in cols:
                cols["stat"] = c
        if "label" in cols and "stat" in cols:
            return r, cols
    return None


def detect(sheet: SheetData) -> int:
    found = _header(sheet)
    if not found:
        return 0
    r, cols = found
    n = sum(1 for rr in range(r + 1, sheet.height) if indicator_for(sheet.text(rr, cols["label"])))
    return n + (3 if has(header_text(sheet), *phrases(LAYOUT, "title")) else 0) if n >= 2 else 0


def period_hint(sheet: SheetData) -> str | None:
    text = header_text(sheet, rows=3)
    m = re.search(r"(\d{1,2}) thang (?:dau )?nam (\d{4})", text)
    if m:
        return f"{int(m.group(2)):04d}-{int(m.group(1)):02d}"
    m = re.search(r"thang (\d{1,2}) (?:nam )?(\d{4})", text)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{int(m.group(2)):04d}-{int(m.group(1)):02d}"
    return None


def _percents(text: str) -> list[Decimal]:
    out = []
    for m in _PCT.finditer(text):
        r = read_number(m.group(1) + "%", Kind.PERCENT)
        if r.value is not None:
            out.append(r.value)
    return out


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT, period_hint=period_hint(sheet))
    ctx = ParseContext(sheet, result, "province")
    found = _header(sheet)
    if not found:
        return result
    hr, cols = found
    lc, sc = cols["label"], cols["stat"]
    header = sheet.text(hr, sc)
    result.fingerprint = label_fingerprint(LAYOUT, [sheet.text(hr, lc), header])
    mapped = RowMapping(result, sc, answers)
    rows = range(hr + 1, sheet.height)
    seen: dict[str, int] = {}
    for r in rows:
        label = sheet.text(r, lc)
        if not label or PILLAR_HEADING.match(fold(label)):
            continue
        answer = mapped.answer(r, label)
        if answer is not None:  # a person's mapping beats the layout's reading
            code = answer[0]
            mapped.add(r, label, *answer)
            if code is None:
                continue
        else:
            code = indicator_for(label)
            if code is None:
                if sheet.raw(r, sc) not in ("", None):
                    ctx.warn(
                        r,
                        lc,
                        label,
                        f"Không nhận ra chỉ tiêu '{label[:80]}'; không nhập dòng này.",
                        code="unmapped_row",
                    )
                    mapped.unmapped(r, label)
                continue
            mapped.add(r, label, code)
        if code in seen:
            message = f"Chỉ tiêu {code} đã có ở dòng {seen[code] + 1}"
            ctx.problem(r, lc, label, message, code="duplicate_row")
            mapped.duplicate(r, message)
            continue
        seen[code] = r
        kind = Kind(answers.kinds.get(code, Kind.PERCENT)) if answers and answer else Kind.PERCENT
        if kind != Kind.PERCENT:  # a row a person mapped to a count or an amount: a plain number cell
            ctx.read(r, sc, Role(code, kind), header, rows, unit_code="BP")
            continue
        target = _TARGET.search(label)
        note = sheet.text(r, cols["note"]) if "note" in cols else ""
        raw = sheet.value(r, sc)
        ref = CellRef(sheet.name, r + 1, sc + 1, header)
        pv = ParsedValue(
            code,
            ref,
            raw_text(raw),
            None,
            unit_code="BP",
            note=note,
            target_printed=target.group(1) if target else "",
        )
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            reading = read_number(
                raw, Kind.PERCENT, percent_scale="fraction" if sheet.is_percent(r, sc) else "auto"
            )
            pv.value, pv.flags = reading.value, list(reading.flags)
        else:
            text = raw_text(raw)
            folded = fold(text)
            numbers = _percents(text)
            if not numbers and text.strip():
                reading = read_number(text, Kind.PERCENT)
                numbers = [reading.value] if reading.value is not None else []
            if code == "CQS-WORK-ONLINE" and len(numbers) == 3:
                pv.tiers = dict(zip(TIER_LEVELS, numbers, strict=True))
                pv.value = numbers[0]
            elif len(numbers) == 1:
                pv.value = numbers[0]
            elif len(numbers) > 1:
                # the target printed again before the statistic: "Chỉ tiêu 70%, đạt 65,3%"
                if has(folded, *phrases(LAYOUT, "target-repeated")) or (
                    target and numbers[0] in _percents(target.group(1))
                ):  # noqa: E501
                    pv.value = numbers[-1]
                    pv.flags.append("target_repeated")
                else:
                    ctx.problem(
                        r,
                        sc,
                        text,
                        f'"{text}" có nhiều số, không rõ đâu là kết quả',
                        header=header,
                        code="ambiguous_number",
                    )
                    pv.flags.append("error")
            else:
                pv.flags.append("no_data")
                pv.note = "; ".join(x for x in (note, text.strip()) if x)
        for key, attr in (("num", "numerator"), ("den", "denominator")):
            if key in cols:
                rd = read_number(sheet.value(r, cols[key]), Kind.NUMBER)
                if rd.value is not None:
                    setattr(pv, attr, rd.value)
                elif rd.error:
                    ctx.warn(r, cols[key], sheet.value(r, cols[key]), rd.error, code="not_a_number")
        result.values.append(pv)
    return result


__all__ = ["LAYOUT", "TITLE", "Role", "detect", "parse", "indicator_for"]
