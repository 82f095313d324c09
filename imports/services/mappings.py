"""The column and unit mapping a person gives (`--mapping FILE`, the API's `mapping` field, the preview
page) or confirmed earlier (`SavedMapping`), and remembering a confirmed one.

The mapping's shape is `{"columns": [{"sheet", "header", "indicator"}], "units": [{"printed", "unit"}]}`:
`header` is the column's header as the preview or `--json` prints it (or the column letter),
`indicator` a catalogue code or null (ignore the column), `unit` a unit code. The sender of a saved
mapping is the uploader's unit when it writes exactly one, else the user; the system (no user) is
its own sender."""

from __future__ import annotations

from core.roles import Role, role_of
from core.text import fold
from indicators.models import Indicator
from indicators.models.catalogue import KIND_OF_MEASURE
from units.models import Unit

from ..formats.columns import row_saved_key
from ..models import SavedMapping
from ..types import HOW_GIVEN, Answers, RowError, Severity
from ..validation import Catalogue
from ..vocabulary import Vocabulary


class MappingError(ValueError):
    """A mapping that cannot be used (Vietnamese message)."""


def read_mapping(data) -> dict:
    """Check a given mapping's shape; returns it normalised. Raises MappingError (Vietnamese)."""
    if data in (None, "", {}):
        return {}
    if not isinstance(data, dict):
        raise MappingError('Ánh xạ phải là một đối tượng JSON {"columns": [...], "units": [...]}.')
    columns, units = data.get("columns") or [], data.get("units") or []
    if not isinstance(columns, list) or not isinstance(units, list):
        raise MappingError('Ánh xạ: "columns" và "units" phải là danh sách.')
    out_cols, out_units = [], []
    for i, c in enumerate(columns, start=1):
        if not isinstance(c, dict) or not str(c.get("header") or "").strip():
            raise MappingError(f'Ánh xạ: cột thứ {i} thiếu "header".')
        indicator = c.get("indicator")
        if indicator is not None and not isinstance(indicator, str):
            raise MappingError(f'Ánh xạ: "indicator" của cột thứ {i} phải là mã chỉ tiêu hoặc null.')
        out_cols.append(
            {"sheet": str(c.get("sheet") or ""), "header": str(c["header"]), "indicator": indicator or None}
        )
    for i, u in enumerate(units, start=1):
        if not isinstance(u, dict) or not str(u.get("printed") or "").strip() or not u.get("unit"):
            raise MappingError(f'Ánh xạ: đơn vị thứ {i} cần "printed" và "unit".')
        out_units.append({"printed": str(u["printed"]), "unit": str(u["unit"])})
    return {"columns": out_cols, "units": out_units}


def sender_of(user) -> tuple[Unit | None, object | None]:
    """(unit, user) a saved mapping belongs to: a reporter's only unit, else the user; (None, None) for
    the system."""
    if user is None or not getattr(user, "pk", None):
        return None, None
    if role_of(user) != Role.STAFF:
        units = list(Unit.objects.writable_by(user)[:2])
        if len(units) == 1:
            return units[0], None
    return None, user


def _only_unit(user) -> str | None:
    """The uploader's only unit (a one-unit sheet without its name is this unit's), else None."""
    if user is None or not getattr(user, "pk", None) or role_of(user) == Role.STAFF:
        return None
    codes = list(Unit.objects.writable_by(user).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else None


def _saved_for(user):
    unit, person = sender_of(user)
    return SavedMapping.objects.filter(unit=unit, user=person)


def build_answers(
    given: dict | None, user, catalogue: Catalogue, filename: str = ""
) -> tuple[Answers, list[RowError]]:
    """The answers an analysis applies: the given mapping, then the sender's saved ones. Problems of
    the given mapping (an unknown indicator or unit code) are errors naming the entry. `filename`: the
    file's name as uploaded (a one-unit sheet's unit may be named there)."""
    named = catalogue.units.match_file_name(filename)
    answers = Answers(
        kinds={code: KIND_OF_MEASURE.get(m.measure, "number") for code, m in catalogue.indicators.items()},
        vocabulary=Vocabulary.from_catalogue(Indicator.objects.values_list("code", "name", "headers")),
        windows={code: m.cumulative for code, m in catalogue.indicators.items()},
        find_unit=lambda label: catalogue.units.match(label).code,
        default_unit=_only_unit(user),
        file_unit=named.code,
        file_units=", ".join(f"{c.name} ({c.code})" for c in named.ambiguous),
    )
    problems: list[RowError] = []
    for entry in (given or {}).get("columns", []):
        code = entry["indicator"]
        if code is not None and code not in catalogue.indicators:
            problems.append(
                RowError(
                    entry["sheet"],
                    None,
                    None,
                    code,
                    f"Ánh xạ cột '{entry['header']}': không có chỉ tiêu mã {code} trong danh mục",
                    header=entry["header"],
                    code="mapping_unknown_indicator",
                )
            )
            continue
        answers.columns[(entry["sheet"] or "*", fold(entry["header"]))] = code
    for entry in (given or {}).get("units", []):
        if entry["unit"] not in catalogue.units.by_code:
            problems.append(
                RowError(
                    "",
                    None,
                    None,
                    entry["unit"],
                    f"Ánh xạ đơn vị '{entry['printed']}': không có đơn vị mã {entry['unit']} trong danh mục",
                    code="mapping_unknown_unit",
                )
            )
            continue
        answers.units[fold(entry["printed"])] = entry["unit"]
    for saved in _saved_for(user):
        for c in saved.columns or []:
            code = c.get("indicator")
            if code is None or code in catalogue.indicators:
                answers.saved_columns[(saved.fingerprint, c["key"])] = code
        for u in saved.units or []:
            if u.get("unit") in catalogue.units.by_code:
                answers.saved_units.setdefault(u["key"], u["unit"])
    return answers, problems


def place(entry: dict) -> str:
    """How the preview page names a mapping entry: a column's letter ('F'), a label row's value cell ('B5')."""
    return f"{entry['column']}{entry['row']}" if entry.get("row") else entry["column"]


def unused_entries(given: dict | None, mapping: list[dict], units: list[dict]) -> list[RowError]:
    """Warnings for given entries that matched no column or row label (a typo in the mapping file)."""
    out = []
    used_cols = {(m["sheet"], fold(m["header"])) for m in mapping if m["how"] == HOW_GIVEN}
    used_cols |= {("*", k) for _s, k in used_cols}
    letters = {(m["sheet"], place(m).lower()) for m in mapping if m["how"] == HOW_GIVEN}
    for entry in (given or {}).get("columns", []):
        key = fold(entry["header"])
        sheet = entry["sheet"] or "*"
        if (sheet, key) in used_cols or (entry["sheet"], key) in letters:
            continue
        if not entry["sheet"] and any(k == key for _s, k in letters):
            continue
        out.append(
            RowError(
                entry["sheet"],
                None,
                None,
                entry["header"],
                f"Ánh xạ cột '{entry['header']}' không khớp cột nào của tệp",
                Severity.WARNING,
                code="mapping_unused",
            )
        )
    used_units = {fold(u["printed"]) for u in units if u["how"] == HOW_GIVEN}
    for entry in (given or {}).get("units", []):
        if fold(entry["printed"]) not in used_units:
            out.append(
                RowError(
                    "",
                    None,
                    None,
                    entry["printed"],
                    f"Ánh xạ đơn vị '{entry['printed']}' không khớp dòng nào của tệp",
                    Severity.WARNING,
                    code="mapping_unused",
                )
            )
    return out


def remember(mapping: dict, user, *, confirmed_by=None) -> int:
    """Save the given entries of an analysed mapping (`Analysis.mapping_json()`) for the sender and each
    sheet's header fingerprint. Returns the number of sheets saved."""
    unit, person = sender_of(user)
    by_fp: dict[str, dict] = {}
    for m in mapping.get("columns", []):
        if m["how"] != HOW_GIVEN or not m.get("fingerprint"):
            continue
        entry = by_fp.setdefault(m["fingerprint"], {"sheet": m["sheet"], "columns": {}, "units": {}})
        key = f"{fold(m['header'])}@{m['column'].lower()}"
        if m.get("row"):  # a label table's row: its dates move every month
            key = row_saved_key(m["header"], m["column"])
        entry["columns"][key] = {
            "key": key,
            "header": m["header"],
            "indicator": m["indicator"],
        }
    for u in mapping.get("units", []):
        if u["how"] != HOW_GIVEN or not u.get("fingerprint") or not u.get("unit"):
            continue
        entry = by_fp.setdefault(u["fingerprint"], {"sheet": u["sheet"], "columns": {}, "units": {}})
        entry["units"][fold(u["printed"])] = {
            "key": fold(u["printed"]),
            "printed": u["printed"],
            "unit": u["unit"],
        }
    for fp, entry in by_fp.items():
        saved, _ = SavedMapping.objects.get_or_create(
            unit=unit,
            user=person,
            fingerprint=fp,
            defaults={"sheet": entry["sheet"], "created_by": confirmed_by},
        )
        columns = {c["key"]: c for c in saved.columns or []}
        columns.update(entry["columns"])
        units = {u["key"]: u for u in saved.units or []}
        units.update(entry["units"])
        saved.columns, saved.units, saved.sheet = list(columns.values()), list(units.values()), entry["sheet"]
        saved.created_by = confirmed_by or saved.created_by
        saved.save()
    return len(by_fp)


IGNORE = "__ignore__"
HOW_LABELS = {
    "catalogue": "theo danh mục",
    "saved": "đã lưu",
    "given": "do bạn chọn",
    "ignored": "bỏ qua",
    "unmapped": "chưa rõ",
}


def merge_answers(
    current: dict | None, columns: list[tuple[str, str, str]], units: list[tuple[str, str]]
) -> dict:
    """The batch's answers with the preview page's choices applied. `columns`: (sheet, column letter —
    or a label row's value cell, 'B5' —, choice) with choice an indicator code, IGNORE, or '' (leave as the importer read it); `units`:
    (printed label, unit code or '')."""
    answers = read_mapping(current or {}) or {"columns": [], "units": []}
    by_col = {(c["sheet"], fold(c["header"])): c for c in answers["columns"]}
    for sheet, letter, choice in columns:
        key = (sheet, fold(letter))
        if not choice:
            by_col.pop(key, None)
            continue
        by_col[key] = {"sheet": sheet, "header": letter, "indicator": None if choice == IGNORE else choice}
    by_unit = {fold(u["printed"]): u for u in answers["units"]}
    for printed, code in units:
        if code:
            by_unit[fold(printed)] = {"printed": printed, "unit": code}
        else:
            by_unit.pop(fold(printed), None)
    return {"columns": list(by_col.values()), "units": list(by_unit.values())}


def mapping_by_sheet(batch_mapping: dict) -> list[dict]:
    """The batch's mapping grouped per sheet for the preview page: columns and unit rows, with `how`
    in words; unit rows listed are the ones not matched, and the ones a person chose."""
    sheets: dict[str, dict] = {}
    for m in batch_mapping.get("columns", []):
        s = sheets.setdefault(m["sheet"], {"sheet": m["sheet"], "columns": [], "units": []})
        s["columns"].append({**m, "place": place(m), "how_label": HOW_LABELS.get(m["how"], m["how"])})
    for u in batch_mapping.get("units", []):
        if u["how"] in ("unmapped", "given", "saved"):
            s = sheets.setdefault(u["sheet"], {"sheet": u["sheet"], "columns": [], "units": []})
            s["units"].append({**u, "how_label": HOW_LABELS.get(u["how"], u["how"])})
    return list(sheets.values())


def remember_batch(batch, user) -> int:
    """A confirmed batch's answers are saved for its sender (the preview page's confirm)."""
    if not batch.answers:
        return 0
    return remember(batch.mapping or {}, batch.uploaded_by or user, confirmed_by=user)
