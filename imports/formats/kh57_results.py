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

from ..types import Answers, CellRef, ParsedValue, SheetResult
from ..workbook import SheetData
from .base import ParseContext, Role, fold, header_text
from .row_labels import RowMapping, label_fingerprint

LAYOUT = "kh57_results"
TITLE = "Kết quả chỉ tiêu Kế hoạch 57/KH-UBND"

# (code, test on the folded row text). Order matters: specific before general.
SIGNATURES: list[tuple[str, object]] = [
    ("XHS-BPTODAY", lambda f: has(f, "binhphuoc today", "binh phuoc today")),
    ("XHS-EPAY-DVC", lambda f: has(f, "tai khoan thanh toan dien tu")),
    ("XHS-BANK-ACCOUNT", lambda f: has(f, "tai khoan giao dich thanh toan", "ngan hang")),
    ("XHS-DIGITAL-SKILLS", lambda f: has(f, "ky nang so")),
    ("XHS-TELEHEALTH", lambda f: has(f, "kham chua benh tu xa", "tu van suc khoe")),
    ("XHS-EHEALTH-RECORD", lambda f: has(f, "ho so suc khoe dien tu")),
    ("XHS-EDU-HIGHER", lambda f: has(f, "dai hoc", "cao dang")),
    ("XHS-EDU-SCHOOL", lambda f: has(f, "tieu hoc", "trung hoc pho thong")),
    ("XHS-EID", lambda f: has(f, "dinh danh dien tu")),
    ("XHS-DVC-USERS", lambda f: has(f, "su dung dich vu cong truc tuyen") and has(f, "dan so")),
    ("HTS-SMARTPHONE", lambda f: has(f, "dien thoai thong minh")),
    ("HTS-FTTH", lambda f: has(f, "cap quang", "bang thong rong")),
    ("HTS-MOBILE", lambda f: has(f, "phu song", "mang di dong")),
    ("CQS-DVC-FULL", lambda f: has(f, "du dieu kien") and has(f, "toan trinh")),
    ("CQS-DVC-FILED", lambda f: has(f, "phat sinh ho so")),
    (
        "CQS-FILE-ONLINE",
        lambda f: (
            has(f, "xu ly hoan toan truc tuyen") or has_all(f, "ho so thu tuc hanh chinh", "truc tuyen")
        ),
    ),
    ("CQS-DIGITIZE", lambda f: has(f, "so hoa")),
    ("CQS-INSPECT", lambda f: has(f, "kiem tra")),
    ("CQS-OPENDATA", lambda f: has(f, "du lieu mo")),
    ("CQS-WORK-ONLINE", lambda f: has(f, "ho so cong viec")),
    ("CQS-COMMUNE-WEB", lambda f: has(f, "trang thong tin dien tu") and has(f, "cap xa", "xa")),
    ("CQS-ISMS", lambda f: has(f, "an toan theo cap do", "dung chung")),
    ("CQS-ONLINE-REPORT", lambda f: has(f, "bao cao") and has(f, "truc tuyen")),
    ("KTS-GRDP", lambda f: has(f, "grdp")),
    ("KTS-SME-PLATFORM", lambda f: has(f, "nen tang so")),
    ("KTS-ECONTRACT", lambda f: has(f, "hop dong dien tu")),
    ("KTS-EINVOICE", lambda f: has(f, "hoa don dien tu")),
    ("KTS-ECOMMERCE", lambda f: has(f, "thuong mai dien tu")),
    ("KTS-CASHLESS-FEES", lambda f: has(f, "khong dung tien mat", "hoc phi")),
]
PILLAR_HEADING = re.compile(r"^([ivx]+|\d+)?\s*(ha tang so|chinh quyen so|kinh te so|xa hoi so)\s*$")
_PCT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_TARGET = re.compile(r"((?:đạt|tối thiểu|trên)\s+(?:trên\s+)?\d+(?:[.,]\d+)?\s*%(?:\s*trở lên)?)", re.I)
TIER_LEVELS = ("province", "district", "commune")
LABELS = {"chi tieu", "noi dung", "ten chi tieu", "noi dung chi tieu", "chi tieu ke hoach"}
STAT = ("ket qua", "ty le", "ti le", "thuc hien", "so lieu", "ket qua thuc hien", "ty le dat")


def indicator_for(text: str) -> str | None:
    f = fold(text)
    for code, test in SIGNATURES:
        if test(f):
            return code
    return None


def _header(sheet: SheetData):
    for r in range(min(12, sheet.height)):
        cols = {}
        for c in range(min(sheet.width, 12)):
            f = fold(sheet.value(r, c))
            if not f:
                continue
            if f in LABELS and "label" not in cols:
                cols["label"] = c
            elif has(f, "tu so") and "num" not in cols:
                cols["num"] = c
            elif has(f, "mau so") and "den" not in cols:
                cols["den"] = c
            elif has(f, "ghi chu") and "note" not in cols:
                cols["note"] = c
            elif has(f, *STAT) and "stat" not in cols and "label" in cols:
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
    return n + (3 if has(header_text(sheet), "57 kh ubnd", "ke hoach 57", "kh57") else 0) if n >= 2 else 0


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
                if has(folded, "chi tieu", "ke hoach", "muc tieu") or (
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
