"""Load the catalogue (units, indicators, targets, DTI pillars) from the CSV files in `fixtures/`.

The whole set is validated first, every problem collected with its file, line and field; only a
clean set is written, in one transaction, so a broken file leaves the database as it was.
Loading twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.periods import is_period
from units.models import Level, Unit

from .choices import Aggregation, Comparator, Direction, Measure, Periodicity, Pillar
from .models import DTIPillar, Indicator, Target
from .recompute import targets_changed
from .status import cumulative_kind

FILES = ("units.csv", "indicators.csv", "targets.csv", "dti_pillars.csv")


class CatalogueError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} tạo mới, {self.changed} thay đổi, {self.unchanged} không đổi"


@dataclass
class LoadResult:
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def created(self):
        return sum(c.created for c in self.counts.values())

    @property
    def changed(self):
        return sum(c.changed for c in self.counts.values())


def default_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


class _Reader:
    """Reads one CSV file and records errors as `file, dòng N, trường 'x': message`."""

    def __init__(self, path: Path, required: tuple[str, ...], errors: list[str]):
        self.path, self.errors = path, errors
        self.rows: list[tuple[int, dict]] = []
        if not path.exists():
            errors.append(f"{path.name}: không tìm thấy tệp")
            return
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                errors.append(f"{path.name}, dòng 1: thiếu cột {', '.join(repr(c) for c in missing)}")
                return
            for line, row in enumerate(reader, start=2):
                self.rows.append((line, {k: (v or "").strip() for k, v in row.items() if k}))

    def error(self, line: int, fieldname: str, message: str):
        self.errors.append(f"{self.path.name}, dòng {line}, trường '{fieldname}': {message}")

    def choice(self, line, row, fieldname, choices, blank=False):
        value = row.get(fieldname, "")
        if blank and value == "":
            return value
        if value not in choices:
            self.error(line, fieldname, f'"{value}" không hợp lệ (cho phép: {", ".join(choices)})')
        return value

    def decimal(self, line, row, fieldname, blank=False):
        value = row.get(fieldname, "")
        if value == "" and blank:
            return None
        try:
            d = Decimal(value)
            if not d.is_finite():
                raise InvalidOperation
            return d
        except InvalidOperation:
            self.error(line, fieldname, f'"{value}" không phải là số')
            return None


def read_catalogue(directory: Path, errors: list[str]):
    """Read and validate the four files, appending every problem to ``errors``; returns what the valid
    rows say (units, indicators, targets, pillars). Nothing is written."""
    units_r = _Reader(
        directory / "units.csv", ("code", "name", "short_name", "level", "parent", "aliases"), errors
    )
    ind_r = _Reader(
        directory / "indicators.csv",
        (
            "code",
            "name",
            "pillar",
            "group",
            "measure",
            "periodicity",
            "reported_by",
            "aggregation",
            "direction",
            "owner",
            "source",
        ),
        errors,
    )
    tgt_r = _Reader(
        directory / "targets.csv",
        (
            "indicator",
            "year",
            "level",
            "comparator",
            "value",
            "value_max",
            "effective_from",
            "deadline",
            "source_text",
        ),
        errors,
    )
    dti_r = _Reader(
        directory / "dti_pillars.csv", ("level", "order", "pillar_code", "pillar_name", "max_points"), errors
    )

    units: dict[str, dict] = {}
    for order, (line, row) in enumerate(units_r.rows, start=1):
        code = row["code"]
        if not code:
            units_r.error(line, "code", "mã đơn vị bị trống")
            continue
        if code in units:
            units_r.error(line, "code", f'mã "{code}" bị trùng (đã có ở dòng {units[code]["_line"]})')
            continue
        if not row["name"]:
            units_r.error(line, "name", "tên đơn vị bị trống")
        level = units_r.choice(line, row, "level", Level.values)
        aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
        units[code] = {
            "_line": line,
            "name": row["name"],
            "short_name": row["short_name"],
            "level": level,
            "parent": row["parent"],
            "aliases": aliases,
            "order": order,
        }
    for code, u in units.items():
        if u["parent"] and u["parent"] not in units:
            units_r.error(u["_line"], "parent", f'không có đơn vị cấp trên mã "{u["parent"]}"')
        if u["parent"] == code:
            units_r.error(u["_line"], "parent", "một đơn vị không thể là cấp trên của chính nó")

    indicators: dict[str, dict] = {}
    for order, (line, row) in enumerate(ind_r.rows, start=1):
        code = row["code"]
        if not code:
            ind_r.error(line, "code", "mã chỉ tiêu bị trống")
            continue
        if code in indicators:
            ind_r.error(line, "code", f'mã "{code}" bị trùng (đã có ở dòng {indicators[code]["_line"]})')
            continue
        levels = [lv for lv in row["reported_by"].split("|") if lv]
        for lv in levels:
            if lv not in Level.values:
                ind_r.error(
                    line, "reported_by", f'cấp "{lv}" không hợp lệ (cho phép: {", ".join(Level.values)})'
                )
        if not levels:
            ind_r.error(line, "reported_by", "thiếu cấp báo cáo")
        if row["owner"] and row["owner"] not in units:
            ind_r.error(line, "owner", f'không có đơn vị mã "{row["owner"]}"')
        indicators[code] = {
            "_line": line,
            "name": row["name"],
            "pillar": ind_r.choice(line, row, "pillar", Pillar.values),
            "group": row["group"],
            "measure": ind_r.choice(line, row, "measure", Measure.values),
            "periodicity": ind_r.choice(line, row, "periodicity", Periodicity.values),
            "reported_by": levels,
            "aggregation": ind_r.choice(line, row, "aggregation", Aggregation.values),
            "direction": ind_r.choice(line, row, "direction", Direction.values),
            "cumulative": cumulative_kind(code),
            "owner": row["owner"] or None,
            "source": row["source"],
            # optional column: the header phrasings the importer matches (`|`-separated)
            "headers": [h.strip() for h in (row.get("headers") or "").split("|") if h.strip()],
            "order": order,
        }

    targets: dict[tuple, dict] = {}
    for line, row in tgt_r.rows:
        if row["indicator"] not in indicators:
            tgt_r.error(line, "indicator", f'không có chỉ tiêu mã "{row["indicator"]}"')
        try:
            year = int(row["year"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            tgt_r.error(line, "year", f'"{row["year"]}" không phải là năm hợp lệ')
            year = None
        comparator = tgt_r.choice(line, row, "comparator", Comparator.values)
        value = tgt_r.decimal(line, row, "value")
        value_max = tgt_r.decimal(line, row, "value_max", blank=True)
        if comparator == Comparator.RANGE and row["value_max"] == "":
            tgt_r.error(line, "value_max", "chỉ tiêu dạng khoảng (range) phải có giá trị tối đa")
        if value is not None and value_max is not None and value_max < value:
            tgt_r.error(line, "value_max", "giá trị tối đa nhỏ hơn giá trị tối thiểu")
        if row["effective_from"] and not is_period(row["effective_from"]):
            tgt_r.error(line, "effective_from", f'"{row["effective_from"]}" không hợp lệ (định dạng YYYY-MM)')
        deadline = None
        if row["deadline"]:
            try:
                deadline = datetime.date.fromisoformat(row["deadline"])
            except ValueError:
                tgt_r.error(
                    line, "deadline", f'"{row["deadline"]}" không phải là ngày (định dạng YYYY-MM-DD)'
                )
        # "agency|district" means one target per level; a unit code instead of a level is a unit target.
        for who in [w for w in row["level"].split("|") if w] or [""]:
            if who in Level.values:
                key, level, unit = (row["indicator"], year, who, None), who, None
            elif who in units:
                key, level, unit = (row["indicator"], year, "", who), "", who
            else:
                tgt_r.error(line, "level", f'"{who}" không phải là cấp hay mã đơn vị hợp lệ')
                continue
            if key in targets:
                tgt_r.error(line, "level", f"chỉ tiêu trùng với dòng {targets[key]['_line']}")
                continue
            targets[key] = {
                "_line": line,
                "indicator": row["indicator"],
                "year": year,
                "level": level,
                "unit": unit,
                "comparator": comparator,
                "value": value,
                "value_max": value_max,
                "effective_from": row["effective_from"],
                "deadline": deadline,
                "source_text": row["source_text"],
            }

    pillars: dict[tuple, dict] = {}
    for line, row in dti_r.rows:
        level = dti_r.choice(line, row, "level", Level.values)
        key = (level, row["pillar_code"])
        if not row["pillar_code"]:
            dti_r.error(line, "pillar_code", "mã trụ cột bị trống")
        if key in pillars:
            dti_r.error(line, "pillar_code", f'trụ cột "{row["pillar_code"]}" bị trùng ở cấp "{level}"')
            continue
        try:
            order = int(row["order"])
        except ValueError:
            dti_r.error(line, "order", f'"{row["order"]}" không phải là số nguyên')
            order = 0
        pillars[key] = {
            "_line": line,
            "level": level,
            "code": row["pillar_code"],
            "name": row["pillar_name"],
            "order": order,
            "max_points": dti_r.decimal(line, row, "max_points"),
        }

    return units, indicators, targets, pillars


def _upsert(model, lookup: dict, values: dict, counts: Counts):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        counts.created += 1
        return obj
    dirty = False
    for name, new in values.items():
        old = getattr(obj, name)
        if isinstance(new, Decimal) and old is not None:
            same = Decimal(old) == new
        else:
            same = old == new
        if not same:
            setattr(obj, name, new)
            dirty = True
    if dirty:
        obj.save()
        counts.changed += 1
    else:
        counts.unchanged += 1
    return obj


def load_catalogue(directory: Path | None = None) -> LoadResult:
    errors: list[str] = []
    parsed = read_catalogue(Path(directory or default_dir()), errors)
    if errors:
        raise CatalogueError(errors)
    return write_catalogue(parsed)


def write_catalogue(parsed) -> LoadResult:
    """Write a catalogue `read_catalogue` found valid, in one transaction."""
    units, indicators, targets, pillars = parsed
    result = LoadResult(counts={name: Counts() for name in ("units", "indicators", "targets", "dti_pillars")})
    with transaction.atomic():
        by_code: dict[str, Unit] = {}
        unit_counts = result.counts["units"]
        for code, u in units.items():
            # Parents usually come first in the file; a later one is set in the second pass.
            parent = by_code.get(u["parent"]) if u["parent"] else None
            values = {
                "name": u["name"],
                "short_name": u["short_name"],
                "level": u["level"],
                "aliases": u["aliases"],
                "order": u["order"],
            }
            if parent is not None or not u["parent"]:
                values["parent"] = parent
            by_code[code] = _upsert(Unit, {"code": code}, values, unit_counts)
        for code, u in units.items():
            unit, parent = by_code[code], by_code.get(u["parent"]) if u["parent"] else None
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                unit.save(update_fields=["parent"])
        ind_by_code: dict[str, Indicator] = {}
        touched: set[int] = set()  # indicators whose statuses a new or changed row may change
        for code, i in indicators.items():
            values = {k: v for k, v in i.items() if not k.startswith("_") and k != "owner"}
            values["owner"] = by_code.get(i["owner"]) if i["owner"] else None
            counts = result.counts["indicators"]
            unchanged = counts.unchanged
            ind_by_code[code] = _upsert(Indicator, {"code": code}, values, counts)
            if counts.unchanged == unchanged:
                touched.add(ind_by_code[code].pk)
        for t in targets.values():
            lookup = {
                "indicator": ind_by_code[t["indicator"]],
                "year": t["year"],
                "level": t["level"],
                "unit": by_code[t["unit"]] if t["unit"] else None,
            }
            values = {
                k: t[k]
                for k in ("comparator", "value", "value_max", "effective_from", "deadline", "source_text")
            }
            counts = result.counts["targets"]
            unchanged = counts.unchanged
            _upsert(Target, lookup, values, counts)
            if counts.unchanged == unchanged:
                touched.add(lookup["indicator"].pk)
        for p in pillars.values():
            _upsert(
                DTIPillar,
                {"level": p["level"], "code": p["code"]},
                {"name": p["name"], "order": p["order"], "max_points": p["max_points"]},
                result.counts["dti_pillars"],
            )
        targets_changed(touched)
    return result
