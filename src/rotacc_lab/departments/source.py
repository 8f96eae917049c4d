"""Read and validate a department folder; write one back.

:func:`read_department` reads ``department.toml`` and the CSV files of
docs/data-format.md ("Department folders"), checks every cell and every
cross-reference, and returns a :class:`~rotacc_lab.departments.model.Department`
or raises one :class:`~rotacc_lab.errors.ValidationError` listing *all* problems,
each with file, 1-based data row, column, value and what is accepted.
:func:`render_department` is the inverse: the folder's files as text, so that
reading them back gives an equal department. Nothing here touches a workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from ..dates import date_reason
from ..domain import UKNation
from ..errors import Problem, RotaccError, ValidationError
from ..input_text import not_utf8
from ..rostering.rules import RuleSet
from ..rostering.shifts import ShiftType
from ..rostering.tables import (
    BAD,
    DATE_ACC,
    SHIFT_TYPES,
    WEEKDAY_LABELS,
    WEEKDAYS_ACC,
    Collector,
    Sheet,
    Table,
    csv_text,
    known_ids,
    f_opt,
    f_weekdays,
    p_choice,
    p_codes,
    p_date,
    p_id,
    p_int,
    p_text,
    p_weekday,
    p_weekdays,
    parse_shift_types,
    read_csv_text,
    read_table,
    read_toml,
    shift_types_csv,
    toml_string,
    unique_key,
    write_files,
)
from .model import (
    BANK_HOLIDAY,
    Commitment,
    CommitmentKind,
    Demand,
    Department,
    DepartmentSettings,
    Doctor,
    Quota,
    Request,
    RequestKind,
    RotaEntry,
)

MARKER = "department.toml"

DOCTORS = Table("doctors", ("doctor_id", "name", "group"),
                ("email", "percentage", "shift_types", "cannot_work_days"), required_file=True)
QUOTAS = Table("quotas", ("applies_to", "shift_type", "shifts"), ("weekend_shifts",))
DEMAND = Table("demand", ("day", "shift_type", "minimum"), ("ideal", "group", "group_minimum"))
REQUESTS = Table("requests", ("doctor_id", "start_date", "kind"), ("end_date", "shift_type", "weight"))
COMMITMENTS = Table("commitments", ("doctor_id", "day", "what"), ("shift_type",))
ROTA = Table("rota", ("doctor_id", "date", "shift_type"))
TABLES = (SHIFT_TYPES, DOCTORS, QUOTAS, DEMAND, REQUESTS, COMMITMENTS, ROTA)

#: columns in the order the exporter writes them (the documented order)
COLUMN_ORDER: dict[str, tuple[str, ...]] = {
    "doctors": ("doctor_id", "name", "email", "group", "percentage", "shift_types", "cannot_work_days"),
    "quotas": ("applies_to", "shift_type", "shifts", "weekend_shifts"),
    "demand": ("day", "shift_type", "minimum", "ideal", "group", "group_minimum"),
    "requests": ("doctor_id", "start_date", "end_date", "kind", "shift_type", "weight"),
    "commitments": ("doctor_id", "day", "what", "shift_type"),
    "rota": ("doctor_id", "date", "shift_type"),
}

_TOML_KEYS = {
    "department": ("name", "uk_nation"),
    "reference_period": ("start", "weeks"),
}
_KINDS = tuple(k.value for k in RequestKind)
_WHATS = tuple(k.value for k in CommitmentKind)


@dataclass(frozen=True)
class DepartmentRead:
    department: Department
    warnings: tuple[Problem, ...]


def is_department_folder(path: str | Path) -> bool:
    """A folder holding ``department.toml`` is a department (docs/data-format.md)."""
    p = Path(path)
    return p.is_dir() and (p / MARKER).is_file()


# --------------------------------------------------------------------------- department.toml


def _settings(data: Mapping[str, Any] | None, ck: Collector) -> DepartmentSettings | None:
    if data is None:
        return None
    src = MARKER
    ok = True

    def bad(key: str, value: Any, message: str) -> None:
        nonlocal ok
        ck.add(src, None, key, value, message)
        ok = False

    for section, value in data.items():
        if section == "rules":
            continue
        if section not in _TOML_KEYS:
            bad(section, None, f"unknown section; accepted: [{'], ['.join(_TOML_KEYS)}], [rules]")
        elif not isinstance(value, dict):
            bad(section, value, "must be a table [" + section + "]")
        else:
            for key in value:
                if key not in _TOML_KEYS[section]:
                    bad(f"{section}.{key}", value[key], f"unknown key; accepted: {', '.join(_TOML_KEYS[section])}")
    dept = data.get("department", {}) if isinstance(data.get("department", {}), dict) else {}
    period = data.get("reference_period", {}) if isinstance(data.get("reference_period", {}), dict) else {}
    name = dept.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("department.name", name, "is required; give the department's name as a string")
    try:
        nation = UKNation.parse(str(dept.get("uk_nation", "england")).replace(" ", "_"), "uk_nation")
    except ValueError:
        bad("department.uk_nation", dept.get("uk_nation"), "is not accepted; give england, wales, scotland or northern_ireland")
        nation = None
    start = period.get("start")
    if isinstance(start, str):
        found, reason = date_reason(start.strip())
        if found is None:
            bad("reference_period.start", start, reason)
        start = found
    elif start is None:
        bad("reference_period.start", None, "is required; give the Monday the period starts, e.g. 2026-11-30")
    elif not isinstance(start, date) or hasattr(start, "hour"):
        bad("reference_period.start", start, "is not a date; give YYYY-MM-DD")
        start = None
    if isinstance(start, date) and start.weekday() != 0:
        bad("reference_period.start", start.isoformat(), f"is a {start:%A}; the reference period starts on a Monday")
    weeks = period.get("weeks", 8)
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 52:
        bad("reference_period.weeks", weeks, "is not accepted; give a whole number of weeks 1..52 (default 8)")
    rules_raw = data.get("rules", {})
    rules = None
    if not isinstance(rules_raw, dict):
        bad("rules", rules_raw, "must be a table [rules]")
    else:
        try:
            rules = RuleSet.from_overrides(rules_raw, source=f"{MARKER} [rules]")
        except ValidationError as err:
            ck.problems.extend(err.problems)
            ok = False
    if not ok:
        return None
    return DepartmentSettings(name.strip(), nation, start, weeks, rules)


def render_toml(s: DepartmentSettings) -> str:
    lines = [
        "[department]",
        f"name = {toml_string(s.name)}",
        f"uk_nation = {toml_string(s.uk_nation.value.lower())}",
        "",
        "[reference_period]",
        f"start = {s.period_start.isoformat()}",
        f"weeks = {s.period_weeks}",
        "",
    ]
    overrides = s.rules.overrides()
    if overrides:
        lines.append("# limits that differ from the contract defaults (docs/departments.md)")
    for rid, table in overrides.items():
        lines.append(f"[rules.{rid}]")
        for k, v in table.items():
            lines.append(f"{k} = {'true' if v is True else 'false' if v is False else repr(v)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- tables


def _day_or_date(allow_bank_holiday: bool):
    def parse(text: str):
        if allow_bank_holiday and text.lower() == BANK_HOLIDAY:
            return BANK_HOLIDAY
        found, _ = date_reason(text)
        if found is not None:
            return found
        return p_weekday(text)

    return parse


def _email(text: str) -> str:
    if "@" not in text or text.startswith("@") or text.endswith("@") or " " in text:
        raise ValueError
    return text


def _doctors(sheet: Sheet | None, ck: Collector, codes: set[str] | None) -> list[Doctor]:
    out: list[Doctor] = []
    seen: dict[tuple, int] = {}
    if sheet is None:
        return out
    for i, r in sheet.rows:
        did = ck.cell(sheet, i, r, "doctor_id", p_id, "an identifier such as H01", required=True)
        if did is not BAD and not unique_key(ck, sheet, i, (did,), seen, "doctor_id"):
            did = BAD
        name = ck.cell(sheet, i, r, "name", p_text, "the doctor's name", required=True)
        group = ck.cell(sheet, i, r, "group", p_id, "a group such as HST, FELLOW, GP or ACP", required=True)
        email = ck.cell(sheet, i, r, "email", _email, "an e-mail address name@domain or blank")
        pct = ck.cell(sheet, i, r, "percentage", p_int(1, 100), "a whole number 1..100 (blank = 100)", default=100)
        allowed = ck.cell(sheet, i, r, "shift_types", p_codes, "shift type codes separated by ';' (blank = all)",
                          default=())
        if allowed is not BAD and codes is not None:
            unknown = [c for c in allowed if c not in codes]
            if unknown:
                ck.add(sheet.source, i, "shift_types", r["shift_types"],
                       f"unknown shift type(s) {', '.join(unknown)}; accepted: {', '.join(sorted(codes))}")
                allowed = BAD
        cannot = ck.cell(sheet, i, r, "cannot_work_days", p_weekdays, WEEKDAYS_ACC + " (blank = none)", default=())
        if cannot is not BAD and len(cannot) == 7:
            ck.add(sheet.source, i, "cannot_work_days", r["cannot_work_days"], "lists every day; a doctor must be able to work one day")
            cannot = BAD
        if BAD not in (did, name, group, email, pct, allowed, cannot):
            out.append(Doctor(did, name, group, pct, email, allowed, cannot))
    return out


@dataclass
class _Refs:
    """What other files may refer to. ``None`` sets mean the file was unusable: not checked."""

    types: Mapping[str, ShiftType]  # the valid shift types
    codes: set[str] | None  # every shift type code of shift_types.csv
    doctors: Mapping[str, Doctor]  # the valid doctors
    doctor_ids: set[str] | None
    groups: set[str] | None

    def code(self, ck: Collector, sheet: Sheet, i: int, r: dict[str, str], required: bool,
             accepted: str = "a shift type code") -> Any:
        code = ck.cell(sheet, i, r, "shift_type", p_id, accepted, required=required)
        if code not in (None, BAD) and self.codes is not None and code not in self.codes:
            ck.add(sheet.source, i, "shift_type", code, f"unknown shift type; accepted: {', '.join(sorted(self.codes))}")
            return BAD
        return code

    def clinical(self, code: Any) -> bool | None:
        t = self.types.get(code) if isinstance(code, str) else None
        return None if t is None else t.clinical

    def doctor(self, ck: Collector, sheet: Sheet, i: int, r: dict[str, str]) -> Any:
        did = ck.cell(sheet, i, r, "doctor_id", p_id, "a doctor_id of doctors.csv", required=True)
        if did is not BAD and self.doctor_ids is not None and did not in self.doctor_ids:
            ck.add(sheet.source, i, "doctor_id", did, "unknown doctor_id; it is not in doctors.csv")
            return BAD
        return did


def _quotas(sheet: Sheet | None, ck: Collector, refs: _Refs) -> list[Quota]:
    out: list[Quota] = []
    if sheet is None:
        return out
    groups, ids = refs.groups, refs.doctor_ids
    clash = (groups or set()) & (ids or set())
    seen: dict[tuple, int] = {}
    for i, r in sheet.rows:
        target = ck.cell(sheet, i, r, "applies_to", p_id, "a group or a doctor_id", required=True)
        if target is not BAD:
            if target in clash:
                ck.add(sheet.source, i, "applies_to", target, "is both a group and a doctor_id; rename one of them")
                target = BAD
            elif groups is not None and ids is not None and target not in groups and target not in ids:
                ck.add(sheet.source, i, "applies_to", target,
                       f"is neither a group nor a doctor_id; groups: {', '.join(sorted(groups)) or 'none'}")
                target = BAD
        code = refs.code(ck, sheet, i, r, required=True)
        shifts = ck.cell(sheet, i, r, "shifts", p_int(0, 1000), "a whole number of shifts 0..1000", required=True)
        weekend = ck.cell(sheet, i, r, "weekend_shifts", p_int(0, 1000), "a whole number 0..shifts (blank = 0)", default=0)
        if BAD not in (shifts, weekend) and weekend > shifts:
            ck.add(sheet.source, i, "weekend_shifts", r["weekend_shifts"],
                   f"is more than the {shifts} shifts of the row; weekend shifts are among them")
            weekend = BAD
        if BAD not in (target, code) and not unique_key(ck, sheet, i, (target, code), seen, "applies_to and shift_type"):
            continue
        if BAD not in (target, code, shifts, weekend):
            out.append(Quota(target, code, shifts, weekend))
    # a quota a doctor may not work (their own row, or their group's without a row of their own)
    direct = {(q.applies_to, q.shift_type) for q in out}
    doctors = list(refs.doctors.values())
    for q in out:
        if q.shifts == 0:
            continue
        members = [d for d in doctors if d.doctor_id == q.applies_to or
                   (d.group == q.applies_to and (d.doctor_id, q.shift_type) not in direct)]
        refused = [d.doctor_id for d in members if not d.may_work(q.shift_type)]
        if refused:
            ck.add(sheet.source, seen[(q.applies_to, q.shift_type)], "shift_type", q.shift_type,
                   f"gives {q.shift_type} shifts to {', '.join(refused)}, who may not work them (doctors.csv "
                   f"shift_types); add a doctor row with 0 shifts or allow the shift type")
    return out


def _demand(sheet: Sheet | None, ck: Collector, refs: _Refs, settings: DepartmentSettings | None) -> list[Demand]:
    out: list[Demand] = []
    if sheet is None:
        return out
    seen: dict[tuple, int] = {}
    accepted_day = "a day name Mon..Sun, bank_holiday or a date YYYY-MM-DD"
    for i, r in sheet.rows:
        day = ck.cell(sheet, i, r, "day", _day_or_date(True), accepted_day, required=True)
        if isinstance(day, date) and settings is not None and not settings.period.contains(day):
            ck.warn(sheet.source, i, "day", r["day"], "is outside the reference period; the row is kept but not used")
        code = refs.code(ck, sheet, i, r, required=True)
        if refs.clinical(code) is False:
            ck.add(sheet.source, i, "shift_type", code, "is not clinical; demand is for clinical shift types only")
            code = BAD
        minimum = ck.cell(sheet, i, r, "minimum", p_int(0, 1000), "a whole number of doctors 0..1000", required=True)
        ideal = ck.cell(sheet, i, r, "ideal", p_int(0, 1000), "a whole number >= minimum (blank = minimum)")
        if ideal is None:
            ideal = minimum
        if BAD not in (minimum, ideal) and ideal < minimum:
            ck.add(sheet.source, i, "ideal", r["ideal"], f"is below the minimum {minimum}; give a number >= minimum")
            ideal = BAD
        group = ck.cell(sheet, i, r, "group", p_id, "a group of doctors.csv or blank")
        if group not in (None, BAD) and refs.groups is not None and group not in refs.groups:
            ck.add(sheet.source, i, "group", group, f"unknown group; groups: {', '.join(sorted(refs.groups)) or 'none'}")
            group = BAD
        gmin = ck.cell(sheet, i, r, "group_minimum", p_int(1, 1000), "a whole number 1..minimum (blank = 1)")
        if gmin not in (None, BAD) and group is None:
            ck.add(sheet.source, i, "group_minimum", r["group_minimum"], "needs a group in the group column")
            gmin = BAD
        if group not in (None, BAD) and gmin is None:
            gmin = 1
        if BAD not in (gmin, minimum) and gmin is not None and gmin > minimum:
            ck.add(sheet.source, i, "group_minimum", r.get("group_minimum") or "1",
                   f"is more than the minimum {minimum}; the group's doctors are among them")
            gmin = BAD
        if BAD not in (day, code) and not unique_key(ck, sheet, i, (day, code), seen, "day and shift_type"):
            continue
        if BAD not in (day, code, minimum, ideal, group, gmin):
            out.append(Demand(day, code, minimum, ideal, group, gmin or 0))
    return out


def _requests(sheet: Sheet | None, ck: Collector, refs: _Refs) -> list[Request]:
    out: list[Request] = []
    if sheet is None:
        return out
    seen: dict[tuple, int] = {}
    for i, r in sheet.rows:
        did = refs.doctor(ck, sheet, i, r)
        start = ck.cell(sheet, i, r, "start_date", p_date, DATE_ACC, required=True)
        end = ck.cell(sheet, i, r, "end_date", p_date, DATE_ACC + " (blank = start_date)")
        if end is None:
            end = start
        if BAD not in (start, end) and end < start:
            ck.add(sheet.source, i, "end_date", r["end_date"], f"is before start_date {start}; give a date on or after it")
            end = BAD
        kind = ck.cell(sheet, i, r, "kind", p_choice(_KINDS), "one of " + ", ".join(_KINDS), required=True)
        code = refs.code(ck, sheet, i, r, required=False, accepted="a shift type code (WORK only) or blank")
        if code not in (None, BAD):
            if kind not in (BAD, "WORK"):
                ck.add(sheet.source, i, "shift_type", code, "is only for WORK requests; leave it blank")
                code = BAD
            elif did in refs.doctors and not refs.doctors[did].may_work(code):
                ck.add(sheet.source, i, "shift_type", code, f"{did} may not work {code} shifts (doctors.csv shift_types)")
                code = BAD
        weight = ck.cell(sheet, i, r, "weight", p_int(1, 1000), "a whole number 1..1000 (blank = 1)", default=1)
        if BAD in (did, start, end, kind, code, weight):
            continue
        req = Request(did, start, end, RequestKind(kind), code, weight)
        if unique_key(ck, sheet, i, (req,), seen, "row"):
            out.append(req)
    return out


def _commitments(sheet: Sheet | None, ck: Collector, refs: _Refs) -> list[Commitment]:
    out: list[Commitment] = []
    if sheet is None:
        return out
    seen: dict[tuple, int] = {}
    for i, r in sheet.rows:
        did = refs.doctor(ck, sheet, i, r)
        day = ck.cell(sheet, i, r, "day", _day_or_date(False), "a day name Mon..Sun or a date YYYY-MM-DD", required=True)
        what = ck.cell(sheet, i, r, "what", p_choice(_WHATS), "one of " + ", ".join(_WHATS), required=True)
        code = refs.code(ck, sheet, i, r, required=False, accepted="a non-clinical shift type code or blank")
        if refs.clinical(code):
            ck.add(sheet.source, i, "shift_type", code, "is clinical; a commitment is rostered as a non-clinical shift type")
            code = BAD
        if BAD not in (did, day) and not unique_key(ck, sheet, i, (did, day), seen, "doctor_id and day"):
            continue
        if BAD not in (did, day, what, code):
            out.append(Commitment(did, day, CommitmentKind(what), code))
    return out


def _rota(sheet: Sheet | None, ck: Collector, refs: _Refs) -> list[RotaEntry]:
    out: list[RotaEntry] = []
    if sheet is None:
        return out
    seen: dict[tuple, int] = {}
    for i, r in sheet.rows:
        did = refs.doctor(ck, sheet, i, r)
        day = ck.cell(sheet, i, r, "date", p_date, DATE_ACC + " (the date the shift starts)", required=True)
        code = refs.code(ck, sheet, i, r, required=True)
        if BAD in (did, day, code):
            continue
        if unique_key(ck, sheet, i, (did, day, code), seen, "doctor_id, date and shift_type"):
            out.append(RotaEntry(did, day, code))
    return out


# --------------------------------------------------------------------------- entry points


def read_department_full(folder: str | Path) -> DepartmentRead:
    """Read and validate a department folder; ``ValidationError`` lists every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RotaccError(f"department folder {folder} does not exist or is not a folder")
    ck = Collector()
    settings = _settings(read_toml(folder, MARKER, ck), ck)
    types_sheet = read_table(folder, SHIFT_TYPES, ck)
    types_list = parse_shift_types(types_sheet, ck)
    codes = known_ids(types_sheet, "shift_type")
    doctors_sheet = read_table(folder, DOCTORS, ck)
    doctors = _doctors(doctors_sheet, ck, codes)
    doctor_ids = known_ids(doctors_sheet, "doctor_id")
    if doctors_sheet is not None and not doctor_ids and not any(p.source == DOCTORS.file for p in ck.problems):
        ck.add(DOCTORS.file, None, None, None, "has no doctors; give at least one row")
    refs = _Refs({t.code: t for t in types_list}, codes, {d.doctor_id: d for d in doctors}, doctor_ids,
                 known_ids(doctors_sheet, "group"))
    quotas = _quotas(read_table(folder, QUOTAS, ck), ck, refs)
    demand = _demand(read_table(folder, DEMAND, ck), ck, refs, settings)
    requests = _requests(read_table(folder, REQUESTS, ck), ck, refs)
    commitments = _commitments(read_table(folder, COMMITMENTS, ck), ck, refs)
    rota = _rota(read_table(folder, ROTA, ck), ck, refs)
    for f in sorted(folder.glob("*.csv")):
        if f.stem not in {t.name for t in TABLES}:
            ck.warn(f.name, None, None, None, f"unknown file ignored; the files are {', '.join(t.file for t in TABLES)}")
    ck.raise_if_any(f"department folder {folder}")
    dept = Department(settings, tuple(types_list), tuple(doctors), tuple(quotas), tuple(demand), tuple(requests),
                      tuple(commitments), tuple(rota))
    return DepartmentRead(dept, tuple(ck.warnings))


def read_department(folder: str | Path) -> Department:
    return read_department_full(folder).department


def read_rota_file(path: str | Path, department: Department) -> tuple[RotaEntry, ...]:
    """Read a ``rota.csv`` (doctor_id, date, shift_type) against a department's doctors and shift types."""
    path = Path(path)
    if not path.is_file():
        raise RotaccError(f"rota file {path} does not exist; give a CSV with columns doctor_id, date, shift_type")
    ck = Collector()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RotaccError(f"rota file {path} {not_utf8(err, 'UTF-8 CSV')}") from None
    sheet = read_csv_text(text, path.name, ROTA, ck)
    refs = _Refs(department.shift_type_by_code, set(department.shift_type_by_code), department.doctor_by_id,
                 set(department.doctor_by_id), set(department.groups))
    rota = _rota(sheet, ck, refs)
    ck.raise_if_any(f"rota file {path}")
    return tuple(rota)


def rota_csv(rota: tuple[RotaEntry, ...]) -> str:
    return csv_text(COLUMN_ORDER["rota"], [(e.doctor_id, e.date.isoformat(), e.shift_type) for e in rota])


def _day_text(day: int | str | date) -> str:
    if isinstance(day, date):
        return day.isoformat()
    if isinstance(day, int):
        return WEEKDAY_LABELS[day]
    return day


def render_department(d: Department) -> dict[str, str]:
    """Every file of the department folder as text (``department.toml`` and all seven CSVs)."""
    files = {
        MARKER: render_toml(d.settings),
        SHIFT_TYPES.file: shift_types_csv(d.shift_types),
        DOCTORS.file: csv_text(COLUMN_ORDER["doctors"], [
            (x.doctor_id, x.name, f_opt(x.email), x.group, x.percentage, ";".join(x.shift_types),
             f_weekdays(x.cannot_work_days)) for x in d.doctors]),
        QUOTAS.file: csv_text(COLUMN_ORDER["quotas"], [
            (q.applies_to, q.shift_type, q.shifts, q.weekend_shifts) for q in d.quotas]),
        DEMAND.file: csv_text(COLUMN_ORDER["demand"], [
            (_day_text(x.day), x.shift_type, x.minimum, x.ideal, f_opt(x.group), x.group_minimum if x.group else "")
            for x in d.demand]),
        REQUESTS.file: csv_text(COLUMN_ORDER["requests"], [
            (x.doctor_id, x.start_date.isoformat(), x.end_date.isoformat(), x.kind.value, f_opt(x.shift_type), x.weight)
            for x in d.requests]),
        COMMITMENTS.file: csv_text(COLUMN_ORDER["commitments"], [
            (x.doctor_id, _day_text(x.day), x.what.value, f_opt(x.shift_type)) for x in d.commitments]),
        ROTA.file: rota_csv(d.rota),
    }
    return files


def write_department_folder(d: Department, folder: str | Path) -> list[Path]:
    """Write the folder files (creating the folder); returns the paths written."""
    return write_files(folder, render_department(d))


__all__ = [
    "DepartmentRead", "MARKER", "is_department_folder", "read_department", "read_department_full",
    "read_rota_file", "render_department", "rota_csv", "write_department_folder",
]
