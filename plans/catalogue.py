"""The plan as data: read a plan's tasks from `fixtures/plan_tasks.csv` (by `load_catalogue`) or from an
uploaded CSV/XLSX with the same columns (a later year's plan), validate every row, and only then write.

Every problem is collected with where it is (file, line and field; for a workbook, sheet, row and
column) and nothing is written while any is left. Writing twice changes nothing the second time.
Tasks already stored but absent from the file are kept (they may have quarterly reports) and listed.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from python_calamine import CalamineWorkbook

from core.periods import MAX_YEAR, MIN_YEAR
from indicators.cache import bump_on_commit
from indicators.catalogue import Counts
from indicators.choices import Pillar
from indicators.models import Indicator
from units.models import Unit

from .choices import TaskKind
from .models import REF_REGEX, Plan, PlanTask
from .rules import deadlines_in_text, printed_phrase

FILE = "plan_tasks.csv"
COLUMNS = (
    "year",
    "plan_title",
    "plan_number",
    "plan_date",
    "ref",
    "kind",
    "unit",
    "title",
    "text",
    "due",
    "indicators",
    "pillar",
)
HEADER_ROWS = 20
_REF = re.compile(REF_REGEX)


class PlanFileError(Exception):
    """The file cannot be read as a plan at all, or some rows are wrong: ``errors`` lists every
    problem, each naming where it is."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Row:
    where: str  # "plan_tasks.csv, dòng 7" or "kh-2024.xlsx, sheet 'Nhiệm vụ', dòng 7"
    cells: dict
    excel: bool = False

    def at(self, fieldname: str) -> str:
        return f"{self.where}, {'cột' if self.excel else 'trường'} '{fieldname}'"


@dataclass
class ParsedPlans:
    plans: dict[int, dict] = field(default_factory=dict)  # year → title, number, decided_on
    tasks: list[dict] = field(default_factory=list)  # in file order

    @property
    def years(self) -> list[int]:
        return sorted(self.plans)


# ------------------------------------------------------------------------------------- reading
def rows_from_csv(data: bytes, name: str, errors: list[str]) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(f"{name}: tệp CSV phải ở dạng UTF-8 (trong Excel: Lưu thành → CSV UTF-8)")
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not _has_columns(reader.fieldnames or [], f"{name}, dòng 1", errors):
        return []
    rows = []
    for line, cells in enumerate(reader, start=2):
        if None in cells:
            errors.append(f"{name}, dòng {line}: có nhiều ô hơn số cột ({len(COLUMNS)})")
            continue
        if not any((v or "").strip() for v in cells.values()):
            continue  # a blank line
        rows.append(Row(f"{name}, dòng {line}", {k: (v or "").strip() for k, v in cells.items() if k}))
    return rows


def rows_from_xlsx(data: bytes, name: str, errors: list[str]) -> list[Row]:
    """The first sheet whose first non-empty row holds the columns (dates and numbers as Excel gives)."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - calamine raises its own error types for every broken file
        errors.append(f"{name}: không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx)")
        return []
    for sheet_name in workbook.sheet_names:
        table = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        # The header is the first row (of the first HEADER_ROWS) holding at least half the columns: a
        # title, a note or blank rows above it are left alone.
        start = next(
            (i for i, r in enumerate(table[:HEADER_ROWS]) if len(set(COLUMNS) & {_cell(v) for v in r}) * 2 >= len(COLUMNS)),
            None,
        )
        if start is None:
            continue
        header = [_cell(v) for v in table[start]]
        where = f"{name}, sheet '{sheet_name}', dòng {start + 1}"
        if not _has_columns(header, where, errors):
            return []
        rows = []
        for index, values in enumerate(table[start + 1 :], start=start + 2):
            cells = {h: values[i] if i < len(values) else "" for i, h in enumerate(header) if h}
            if not any(_cell(v) for v in cells.values()):
                continue
            cells = {k: v if isinstance(v, datetime.date) else _cell(v) for k, v in cells.items()}
            rows.append(Row(f"{name}, sheet '{sheet_name}', dòng {index}", cells, excel=True))
        return rows
    errors.append(f"{name}: không có sheet nào có các cột {', '.join(COLUMNS)}")
    return []


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _has_columns(header, where: str, errors: list[str]) -> bool:
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        errors.append(f"{where}: thiếu cột {', '.join(repr(c) for c in missing)}")
        return False
    return True


def read_upload(data: bytes, name: str, errors: list[str]) -> list[Row]:
    """Rows of an uploaded plan file, CSV or XLSX (told apart by their content, not their name)."""
    if data[:4] == b"PK\x03\x04":
        return rows_from_xlsx(data, name, errors)
    if name.lower().endswith((".xlsx", ".xls", ".ods")):
        errors.append(f"{name}: chỉ nhận tệp .xlsx hoặc .csv (UTF-8)")
        return []
    return rows_from_csv(data, name, errors)


# ----------------------------------------------------------------------------------- validating
def _date(row: Row, fieldname: str, errors: list[str]) -> datetime.date | None:
    raw = row.cells.get(fieldname, "")
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if raw == "":
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        errors.append(f'{row.at(fieldname)}: "{raw}" không phải là ngày (YYYY-MM-DD hoặc dd/mm/yyyy)')
        return None


def validate(rows: list[Row], *, units: set[str], indicators: set[str], errors: list[str]) -> ParsedPlans:
    """Check every row against the catalogue (``units`` and ``indicators`` are the known codes) and
    collect every problem into ``errors``; returns what the valid rows say."""
    parsed = ParsedPlans()
    first_line: dict[int, Row] = {}
    refs: dict[tuple[int, str], Row] = {}
    for row in rows:
        c = row.cells
        nul = [k for k, v in c.items() if isinstance(v, str) and "\x00" in v]
        if nul:
            errors.extend(f"{row.at(k)}: chứa ký tự không hợp lệ (NUL)" for k in nul)
            continue
        try:
            year = int(c.get("year", ""))
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError
        except ValueError:
            errors.append(f'{row.at("year")}: "{c.get("year", "")}" không phải là năm hợp lệ (2000–2100)')
            continue
        plan = {"title": c["plan_title"], "number": c["plan_number"], "decided_on": _date(row, "plan_date", errors)}
        if not plan["title"]:
            errors.append(f"{row.at('plan_title')}: tên kế hoạch bị trống")
        if year not in parsed.plans:
            parsed.plans[year], first_line[year] = plan, row
        else:
            for key, column in (("title", "plan_title"), ("number", "plan_number"), ("decided_on", "plan_date")):
                if plan[key] != parsed.plans[year][key]:
                    errors.append(
                        f"{row.at(column)}: khác với {first_line[year].where} của cùng kế hoạch năm {year}"
                    )
        ref = c["ref"]
        if not _REF.match(ref):
            errors.append(f'{row.at("ref")}: "{ref}" không hợp lệ (dạng III.1 hoặc IV.2.2)')
        elif (year, ref) in refs:
            errors.append(f'{row.at("ref")}: số thứ tự "{ref}" bị trùng (đã có ở {refs[(year, ref)].where})')
        else:
            refs[(year, ref)] = row
        if c["kind"] not in TaskKind.values:
            errors.append(f'{row.at("kind")}: "{c["kind"]}" không hợp lệ (cho phép: {", ".join(TaskKind.values)})')
        if not c["unit"]:
            errors.append(f"{row.at('unit')}: mã cơ quan bị trống")
        elif c["unit"] not in units:
            errors.append(f'{row.at("unit")}: không có đơn vị mã "{c["unit"]}"')
        if not c["title"]:
            errors.append(f"{row.at('title')}: tên ngắn bị trống")
        elif len(c["title"]) > 200:
            errors.append(f"{row.at('title')}: tên ngắn dài quá 200 ký tự ({len(c['title'])})")
        if not c["text"]:
            errors.append(f"{row.at('text')}: nội dung nhiệm vụ bị trống")
        due = _date(row, "due", errors)
        _check_due(row, year, due, errors)
        codes = [code.strip() for code in c["indicators"].split("|") if code.strip()]
        for code in codes:
            if code not in indicators:
                errors.append(f'{row.at("indicators")}: không có chỉ tiêu mã "{code}"')
        if c["pillar"] and c["pillar"] not in Pillar.values:
            errors.append(
                f'{row.at("pillar")}: "{c["pillar"]}" không hợp lệ (cho phép: {", ".join(Pillar.values)} hoặc để trống)'
            )
        parsed.tasks.append(
            {
                "year": year,
                "ref": ref,
                "section": ref.rsplit(".", 1)[0] if "." in ref else ref,
                "kind": c["kind"],
                "unit": c["unit"],
                "title": c["title"],
                "text": c["text"],
                "due": due,
                "indicators": sorted(set(codes)),
                "pillar": c["pillar"],
            }
        )
    return parsed


def _check_due(row: Row, year: int, due: datetime.date | None, errors: list[str]) -> None:
    """A deadline printed in the text must be the one in the due column (a person decides, the loader
    never fills it in): a blank or different due is reported with the date the text says."""
    text = row.cells.get("text", "")
    printed = deadlines_in_text(text)
    if due is not None and not year <= due.year <= year + 1:
        errors.append(f"{row.at('due')}: thời hạn {due:%d/%m/%Y} nằm ngoài năm {year} của kế hoạch")
    if not printed:
        return
    dates = sorted({d for d, _p in printed})
    described = "; ".join(f'"{printed_phrase(text, p)}" = {d:%d/%m/%Y}' for d, p in printed)
    if due is None:
        suggestion = f"ghi {dates[0].isoformat()} vào cột due" if len(dates) == 1 else "ghi rõ thời hạn vào cột due"
        errors.append(f"{row.at('due')}: nội dung ghi thời hạn ({described}) nhưng cột due để trống; {suggestion}")
    elif due not in dates:
        errors.append(f"{row.at('due')}: thời hạn {due.isoformat()} khác với thời hạn ghi trong nội dung ({described})")


def known_codes() -> tuple[set[str], set[str]]:
    return (
        set(Unit.objects.values_list("code", flat=True)),
        set(Indicator.objects.values_list("code", flat=True)),
    )


def read_catalogue_file(path: Path, *, units: set[str], indicators: set[str], errors: list[str]) -> ParsedPlans:
    """`fixtures/plan_tasks.csv` (or the same file in another catalogue directory), validated."""
    if not path.exists():
        errors.append(f"{path.name}: không tìm thấy tệp")
        return ParsedPlans()
    return validate(rows_from_csv(path.read_bytes(), path.name, errors), units=units, indicators=indicators, errors=errors)


def read_plan_upload(data: bytes, name: str) -> ParsedPlans:
    """An uploaded plan file checked against the stored catalogue; PlanFileError lists every problem."""
    errors: list[str] = []
    rows = read_upload(data, name, errors)
    if not rows and not errors:
        errors.append(f"{name}: tệp không có nhiệm vụ nào")
    units, indicators = known_codes()
    parsed = validate(rows, units=units, indicators=indicators, errors=errors)
    if errors:
        raise PlanFileError(errors)
    return parsed


# -------------------------------------------------------------------------------------- writing
@dataclass
class PlanWrite:
    counts: dict[str, Counts] = field(default_factory=lambda: {"plans": Counts(), "plan_tasks": Counts()})
    kept: list[str] = field(default_factory=list)  # "2023/IV.3.4": stored tasks not in the file


def preview(parsed: ParsedPlans) -> PlanWrite:
    """What `write` would do, without writing: counts of new, changed and unchanged rows."""
    return _apply(parsed, dry_run=True)


def write(parsed: ParsedPlans) -> PlanWrite:
    """Create or update the plans and tasks of a validated file, in one transaction."""
    with transaction.atomic():
        result = _apply(parsed, dry_run=False)
        if result.counts["plans"].created + result.counts["plans"].changed + result.counts[
            "plan_tasks"
        ].created + result.counts["plan_tasks"].changed:
            bump_on_commit()
    return result


def _apply(parsed: ParsedPlans, *, dry_run: bool) -> PlanWrite:
    result = PlanWrite()
    units = {u.code: u for u in Unit.objects.filter(code__in={t["unit"] for t in parsed.tasks})}
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in={c for t in parsed.tasks for c in t["indicators"]})
    }
    for year in parsed.years:
        values = parsed.plans[year]
        plan = Plan.objects.filter(year=year).first()
        counts = result.counts["plans"]
        if plan is None:
            counts.created += 1
            plan = None if dry_run else Plan.objects.create(year=year, **values)
        elif any(getattr(plan, k) != v for k, v in values.items()):
            counts.changed += 1
            if not dry_run:
                for k, v in values.items():
                    setattr(plan, k, v)
                plan.save()
        else:
            counts.unchanged += 1
        tasks = [t for t in parsed.tasks if t["year"] == year]
        stored = {t.ref: t for t in PlanTask.objects.filter(plan=plan).prefetch_related("indicators")} if plan else {}
        for order, task in enumerate(tasks, start=1):
            _apply_task(plan, stored.get(task["ref"]), task, order, units, indicators, result, dry_run)
        listed = {t["ref"] for t in tasks}
        result.kept += [f"{year}/{ref}" for ref in stored if ref not in listed]
    return result


TASK_FIELDS = ("section", "kind", "title", "text", "due", "pillar")


def _apply_task(plan, obj, task, order, units, indicators, result, dry_run) -> None:
    counts = result.counts["plan_tasks"]
    values = {k: task[k] for k in TASK_FIELDS} | {"order": order}
    unit = units[task["unit"]]
    codes = task["indicators"]
    if obj is None:
        counts.created += 1
        if not dry_run:
            obj = PlanTask.objects.create(plan=plan, ref=task["ref"], unit=unit, **values)
            obj.indicators.set([indicators[c] for c in codes])
        return
    stored_codes = sorted(i.code for i in obj.indicators.all())
    dirty = [k for k, v in values.items() if getattr(obj, k) != v] + (["unit"] if obj.unit_id != unit.pk else [])
    if not dirty and stored_codes == codes:
        counts.unchanged += 1
        return
    counts.changed += 1
    if dry_run:
        return
    for k, v in values.items():
        setattr(obj, k, v)
    obj.unit = unit
    obj.save()
    if stored_codes != codes:
        obj.indicators.set([indicators[c] for c in codes])
