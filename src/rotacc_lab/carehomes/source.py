"""Read and validate a care-home provider folder; write one back.

:func:`read_provider` reads ``provider.toml`` and the CSV files of
docs/data-format.md ("Care-home provider folders"), checks every cell and
cross-reference, and returns a :class:`~rotacc_lab.carehomes.model.Provider` or
raises one :class:`~rotacc_lab.errors.ValidationError` listing every problem with
file, row, column, value and what is accepted. :func:`render_provider` is the
inverse. Nothing here touches a workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Mapping

from ..dates import date_reason
from ..domain import UKNation
from ..errors import Problem, RotaccError, ValidationError
from ..rostering.rules import RuleSet
from ..rostering.tables import (
    BAD,
    BOOL_ACC,
    DATE_ACC,
    SHIFT_TYPES,
    WEEKDAYS_ACC,
    Collector,
    Sheet,
    Table,
    csv_text,
    f_bool,
    f_money,
    f_opt,
    f_time,
    f_weekdays,
    known_ids,
    p_bool,
    p_choice,
    p_codes,
    p_date,
    p_decimal,
    p_id,
    p_int,
    p_money,
    p_text,
    p_weekdays,
    parse_shift_types,
    read_table,
    read_toml,
    ref,
    toml_string,
    unique_key,
    write_files,
)
from .model import (
    AgencyRate,
    CareShiftType,
    Cover,
    CoverPolicy,
    Employment,
    Home,
    Leave,
    LeaveKind,
    LeaveStatus,
    PayPolicy,
    Provider,
    ProviderSettings,
    Role,
    Shifts,
    SkillMix,
    Staff,
    Unit,
    care_rules,
)

MARKER = "provider.toml"

HOMES = Table("homes", ("home_id", "name"), required_file=True)
UNITS = Table("units", ("unit_id", "home_id", "name", "beds"), required_file=True)
ROLES = Table("roles", ("role", "name", "seniority", "hourly_rate"), required_file=True)
CARE_SHIFT_TYPES = Table("shift_types", SHIFT_TYPES.required, SHIFT_TYPES.optional + ("roles",), required_file=True)
STAFF = Table("staff", ("staff_id", "name", "role", "home_id"),
              ("email", "unit_id", "employment", "contract_hours", "floats", "hourly_rate", "opted_out",
               "cannot_work_days"), required_file=True)
AGENCY_RATES = Table("agency_rates", ("role", "shift_type", "weekday_rate"), ("weekend_rate", "bank_holiday_rate"))
COVER = Table("cover", ("unit_id", "shift_type", "minimum"), ("role", "ideal", "date"))
SKILL_MIX = Table("skill_mix", ("role", "one_per"), ("unit_id", "shifts"))
LEAVE = Table("leave", ("staff_id", "start_date", "kind"), ("end_date", "status"))
TABLES = (HOMES, UNITS, ROLES, CARE_SHIFT_TYPES, STAFF, AGENCY_RATES, COVER, SKILL_MIX, LEAVE)

#: columns in the order the exporter writes them (the documented order)
COLUMN_ORDER: dict[str, tuple[str, ...]] = {
    "homes": ("home_id", "name"),
    "units": ("unit_id", "home_id", "name", "beds"),
    "roles": ("role", "name", "seniority", "hourly_rate"),
    "shift_types": ("shift_type", "name", "start", "end", "clinical", "roles"),
    "staff": ("staff_id", "name", "email", "role", "home_id", "unit_id", "employment", "contract_hours", "floats",
              "hourly_rate", "opted_out", "cannot_work_days"),
    "agency_rates": ("role", "shift_type", "weekday_rate", "weekend_rate", "bank_holiday_rate"),
    "cover": ("unit_id", "shift_type", "role", "minimum", "ideal", "date"),
    "skill_mix": ("unit_id", "shifts", "role", "one_per"),
    "leave": ("staff_id", "start_date", "end_date", "kind", "status"),
}

MONEY_ACC = "pounds with at most 2 decimals, above 0, e.g. 13.50"
_EMPLOYMENT = tuple(e.value for e in Employment)
_KINDS = tuple(k.value for k in LeaveKind)
_STATUSES = tuple(s.value for s in LeaveStatus)
_SHIFTS = tuple(s.value for s in Shifts)


@dataclass(frozen=True)
class ProviderRead:
    provider: Provider
    warnings: tuple[Problem, ...]


def is_provider_folder(path: str | Path) -> bool:
    """A folder holding ``provider.toml`` is a care-home provider (docs/data-format.md)."""
    p = Path(path)
    return p.is_dir() and (p / MARKER).is_file()


# --------------------------------------------------------------------------- provider.toml


def _decimal_in(lo: Decimal, hi: Decimal) -> Callable[[Any], Decimal]:
    def parse(v: Any) -> Decimal:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError
        d = Decimal(str(v))
        if not d.is_finite() or d != d.quantize(Decimal("0.01")) or not lo <= d <= hi:
            raise ValueError
        return d

    return parse


def _int_in(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError
        return v

    return parse


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError
    return v


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        if not isinstance(v, str) or v not in options:
            raise ValueError
        return v

    return parse


def _string(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError
    return v


def _money_toml(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError
    return p_money(str(v))


#: section -> key -> (parser, accepted, default); the defaults are those of the model
_KEYS: dict[str, dict[str, tuple[Callable[[Any], Any], str]]] = {
    "provider": {"name": (_string, "the provider's name as a string"),
                 "uk_nation": (lambda v: UKNation.parse(str(v).replace(" ", "_"), "uk_nation"),
                               "england, wales, scotland or northern_ireland")},
    "horizon": {"start": (lambda v: v, "the Monday the planning horizon starts, e.g. 2026-12-21"),
                "days": (_int_in(1, 366), "a whole number of days 1..366 (default 28)")},
    "pay": {"night_uplift_percent": (_decimal_in(Decimal(0), Decimal(200)), "a percentage 0..200 (default 25)"),
            "overtime_multiplier": (_decimal_in(Decimal(1), Decimal(5)), "a multiplier 1..5 (default 1.5)"),
            "overtime_period": (_choice("week", "horizon"), '"week" or "horizon" (default "week")'),
            "bank_holiday_multiplier": (_decimal_in(Decimal(1), Decimal(5)), "a multiplier 1..5 (default 1)")},
    "policy": {"work_down": (_bool, "true or false (default true)"),
               "agency_max_share_percent": (_int_in(0, 100), "a whole percentage 0..100 (default 100)"),
               "shortfall_penalty_per_hour": (_money_toml, "pounds per hour above 0 (default 200)")},
}


def _settings(data: Mapping[str, Any] | None, ck: Collector) -> ProviderSettings | None:
    if data is None:
        return None
    ok = True
    values: dict[str, Any] = {}

    def bad(key: str, value: Any, message: str) -> None:
        nonlocal ok
        ck.add(MARKER, None, key, value, message)
        ok = False

    for section, table in data.items():
        if section == "rules":
            continue
        if section not in _KEYS:
            bad(section, None, f"unknown section; accepted: [{'], ['.join(_KEYS)}], [rules]")
            continue
        if not isinstance(table, dict):
            bad(section, table, f"must be a table [{section}]")
            continue
        for key, raw in table.items():
            if key not in _KEYS[section]:
                bad(f"{section}.{key}", raw, f"unknown key; accepted: {', '.join(_KEYS[section])}")
                continue
            parse, accepted = _KEYS[section][key]
            try:
                values[f"{section}.{key}"] = parse(raw)
            except (ValueError, TypeError, InvalidOperation):
                bad(f"{section}.{key}", raw, f"is not accepted; give {accepted}")
    name = values.get("provider.name")
    if name is None and "provider.name" not in {f"{s}.{k}" for s, t in data.items() if isinstance(t, dict) for k in t}:
        bad("provider.name", None, "is required; give the provider's name as a string")
    elif isinstance(name, str) and not name.strip():
        bad("provider.name", name, "is blank; give the provider's name")
    start = values.get("horizon.start")
    if isinstance(start, str):
        found, reason = date_reason(start.strip())
        if found is None:
            bad("horizon.start", start, reason)
        start = found
    if start is None and "horizon.start" not in values:
        bad("horizon.start", None, "is required; give the Monday the planning horizon starts, e.g. 2026-12-21")
    elif isinstance(start, date) and not hasattr(start, "hour"):
        if start.weekday() != 0:
            bad("horizon.start", start.isoformat(), f"is a {start:%A}; the horizon starts on a Monday")
    elif start is not None:
        bad("horizon.start", start, "is not a date; give YYYY-MM-DD")
    rules = None
    raw_rules = data.get("rules", {})
    if not isinstance(raw_rules, dict):
        bad("rules", raw_rules, "must be a table [rules]")
    else:
        try:
            rules = RuleSet.from_overrides(raw_rules, source=f"{MARKER} [rules]", base=care_rules())
        except ValidationError as err:
            ck.problems.extend(err.problems)
            ok = False
    if not ok:
        return None
    pay = PayPolicy(**{k.split(".")[1]: v for k, v in values.items() if k.startswith("pay.")})
    policy_values = {k.split(".")[1]: v for k, v in values.items() if k.startswith("policy.")}
    if "shortfall_penalty_per_hour" in policy_values:
        policy_values["shortfall_penalty_pence_per_hour"] = policy_values.pop("shortfall_penalty_per_hour")
    return ProviderSettings(name.strip(), values.get("provider.uk_nation", UKNation.ENGLAND), start,
                            values.get("horizon.days", 28), pay, CoverPolicy(**policy_values), rules)


def _toml_decimal(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text if "." in text else text + ".0"


def render_toml(s: ProviderSettings) -> str:
    p, c = s.pay, s.policy
    lines = [
        "[provider]",
        f"name = {toml_string(s.name)}",
        f"uk_nation = {toml_string(s.uk_nation.value.lower())}",
        "",
        "[horizon]",
        f"start = {s.horizon_start.isoformat()}",
        f"days = {s.horizon_days}",
        "",
        "[pay]",
        f"night_uplift_percent = {_toml_decimal(p.night_uplift_percent)}",
        f"overtime_multiplier = {_toml_decimal(p.overtime_multiplier)}",
        f"overtime_period = {toml_string(p.overtime_period)}",
        f"bank_holiday_multiplier = {_toml_decimal(p.bank_holiday_multiplier)}",
        "",
        "[policy]",
        f"work_down = {f_bool(c.work_down)}",
        f"agency_max_share_percent = {c.agency_max_share_percent}",
        f"shortfall_penalty_per_hour = {f_money(c.shortfall_penalty_pence_per_hour)}",
        "",
    ]
    overrides = s.rules.overrides(care_rules())
    if overrides:
        lines.append("# Working Time rules that differ from the care defaults (docs/carehomes.md)")
    for rid, table in overrides.items():
        lines.append(f"[rules.{rid}]")
        lines += [f"{k} = {'true' if v is True else 'false' if v is False else repr(v)}" for k, v in table.items()]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- tables


def _email(text: str) -> str:
    if "@" not in text or text.startswith("@") or text.endswith("@") or " " in text:
        raise ValueError
    return text


def _homes(sheet: Sheet | None, ck: Collector) -> list[Home]:
    out, seen = [], {}
    for i, r in sheet.rows if sheet else ():
        hid = ck.cell(sheet, i, r, "home_id", p_id, "an identifier such as H1", required=True)
        name = ck.cell(sheet, i, r, "name", p_text, "the home's name", required=True)
        if hid is not BAD and unique_key(ck, sheet, i, (hid,), seen, "home_id") and name is not BAD:
            out.append(Home(hid, name))
    if sheet is not None and not seen and not any(p.source == sheet.source for p in ck.problems):
        ck.add(sheet.source, None, None, None, "has no homes; give at least one row")
    return out


def _units(sheet: Sheet | None, ck: Collector, homes: set[str] | None) -> list[Unit]:
    out, seen = [], {}
    for i, r in sheet.rows if sheet else ():
        uid = ck.cell(sheet, i, r, "unit_id", p_id, "an identifier such as H1_ROWAN", required=True)
        hid = ref(ck, sheet, i, r, "home_id", homes, "home", source_file="homes.csv")
        name = ck.cell(sheet, i, r, "name", p_text, "the unit's name", required=True)
        beds = ck.cell(sheet, i, r, "beds", p_int(1, 500), "a whole number of beds 1..500", required=True)
        if uid is not BAD and unique_key(ck, sheet, i, (uid,), seen, "unit_id") and BAD not in (hid, name, beds):
            out.append(Unit(uid, hid, name, beds))
    return out


def _roles(sheet: Sheet | None, ck: Collector) -> list[Role]:
    out, seen, ranks = [], {}, {}
    for i, r in sheet.rows if sheet else ():
        code = ck.cell(sheet, i, r, "role", p_id, "a role code such as SCW", required=True)
        name = ck.cell(sheet, i, r, "name", p_text, "the role's name", required=True)
        rank = ck.cell(sheet, i, r, "seniority", p_int(1, 99), "a whole number 1..99, 1 = most senior", required=True)
        rate = ck.cell(sheet, i, r, "hourly_rate", p_money, MONEY_ACC, required=True)
        if rank is not BAD and not unique_key(ck, sheet, i, (rank,), ranks, "seniority"):
            rank = BAD
        if code is not BAD and unique_key(ck, sheet, i, (code,), seen, "role") and BAD not in (name, rank, rate):
            out.append(Role(code, name, rank, rate))
    if sheet is not None and not seen and not any(p.source == sheet.source for p in ck.problems):
        ck.add(sheet.source, None, None, None, "has no roles; give at least one row")
    return out


def _shift_types(sheet: Sheet | None, ck: Collector, roles: set[str] | None) -> list[CareShiftType]:
    types = {t.code: t for t in parse_shift_types(sheet, ck)}
    out = []
    for i, r in sheet.rows if sheet else ():
        allowed = ck.cell(sheet, i, r, "roles", p_codes, "role codes separated by ';' (blank = every role)", default=())
        if allowed not in (BAD, ()) and roles is not None and set(allowed) - roles:
            ck.add(sheet.source, i, "roles", r["roles"],
                   f"unknown role(s) {', '.join(sorted(set(allowed) - roles))}; known: {', '.join(sorted(roles))}")
            allowed = BAD
        code = r.get("shift_type", "")
        if code in types and allowed is not BAD:
            out.append(CareShiftType(types.pop(code), allowed))
    return out


def _staff(sheet: Sheet | None, ck: Collector, roles: set[str] | None, homes: set[str] | None,
           units: Mapping[str, Unit], unit_ids: set[str] | None) -> list[Staff]:
    out, seen = [], {}
    for i, r in sheet.rows if sheet else ():
        sid = ck.cell(sheet, i, r, "staff_id", p_id, "an identifier such as S0001", required=True)
        name = ck.cell(sheet, i, r, "name", p_text, "the person's name", required=True)
        email = ck.cell(sheet, i, r, "email", _email, "an e-mail address name@domain or blank")
        role = ref(ck, sheet, i, r, "role", roles, "role", source_file="roles.csv")
        hid = ref(ck, sheet, i, r, "home_id", homes, "home", source_file="homes.csv")
        uid = ref(ck, sheet, i, r, "unit_id", unit_ids, "unit", required=False, source_file="units.csv")
        if uid not in (None, BAD) and hid is not BAD and uid in units and units[uid].home_id != hid:
            ck.add(sheet.source, i, "unit_id", uid, f"is a unit of home {units[uid].home_id}, not of {hid}")
            uid = BAD
        employment = ck.cell(sheet, i, r, "employment", p_choice(_EMPLOYMENT), "PERMANENT or BANK (blank = PERMANENT)",
                             default=Employment.PERMANENT.value)
        hours = ck.cell(sheet, i, r, "contract_hours", p_decimal(Decimal(0), Decimal(60)),
                        "weekly hours 0..60 with at most 2 decimals (blank = 0)", default=Decimal(0))
        if BAD not in (employment, hours):
            if employment == "BANK" and hours != 0:
                ck.add(sheet.source, i, "contract_hours", r["contract_hours"], "must be 0 (or blank) for BANK staff")
                hours = BAD
            elif employment == "PERMANENT" and hours == 0:
                ck.add(sheet.source, i, "contract_hours", r.get("contract_hours") or None,
                       "is required above 0 for PERMANENT staff; give weekly hours such as 37.5")
                hours = BAD
        floats = ck.cell(sheet, i, r, "floats", p_bool, BOOL_ACC + " (blank = false)", default=False)
        rate = ck.cell(sheet, i, r, "hourly_rate", p_money, MONEY_ACC + " or blank (the role's rate)")
        opted = ck.cell(sheet, i, r, "opted_out", p_bool, BOOL_ACC + " (blank = false)", default=False)
        cannot = ck.cell(sheet, i, r, "cannot_work_days", p_weekdays, WEEKDAYS_ACC + " (blank = none)", default=())
        if cannot not in (BAD, ()) and len(cannot) == 7:
            ck.add(sheet.source, i, "cannot_work_days", r["cannot_work_days"], "lists every day; give at most six")
            cannot = BAD
        if sid is not BAD and not unique_key(ck, sheet, i, (sid,), seen, "staff_id"):
            continue
        if BAD not in (sid, name, email, role, hid, uid, employment, hours, floats, rate, opted, cannot):
            out.append(Staff(sid, name, role, hid, Employment(employment), hours, uid, floats, rate, opted, email,
                             cannot))
    if sheet is not None and not seen and not any(p.source == sheet.source for p in ck.problems):
        ck.add(sheet.source, None, None, None, "has no staff; give at least one row")
    return out


def _allowed_on(types: Mapping[str, CareShiftType], code: str, role: str) -> bool:
    t = types.get(code)
    return t is None or not t.roles or role in t.roles


def _agency(sheet: Sheet | None, ck: Collector, roles: set[str] | None, codes: set[str] | None,
            types: Mapping[str, CareShiftType]) -> list[AgencyRate]:
    out, seen = [], {}
    for i, r in sheet.rows if sheet else ():
        role = ref(ck, sheet, i, r, "role", roles, "role", source_file="roles.csv")
        code = ref(ck, sheet, i, r, "shift_type", codes, "shift type", source_file="shift_types.csv")
        if BAD not in (role, code) and not _allowed_on(types, code, role):
            ck.add(sheet.source, i, "role", role, f"may not work {code} shifts (shift_types.csv roles)")
            role = BAD
        weekday = ck.cell(sheet, i, r, "weekday_rate", p_money, MONEY_ACC, required=True)
        weekend = ck.cell(sheet, i, r, "weekend_rate", p_money, MONEY_ACC + " or blank (the weekday rate)")
        holiday = ck.cell(sheet, i, r, "bank_holiday_rate", p_money, MONEY_ACC + " or blank (the weekend rate)")
        if BAD not in (role, code) and not unique_key(ck, sheet, i, (role, code), seen, "role and shift_type"):
            continue
        if BAD not in (role, code, weekday, weekend, holiday):
            out.append(AgencyRate(role, code, weekday, weekend, holiday))
    return out


def _cover(sheet: Sheet | None, ck: Collector, unit_ids: set[str] | None, codes: set[str] | None,
           roles_list: list[Role], types: Mapping[str, CareShiftType], work_down: bool) -> list[Cover]:
    out, seen = [], {}
    roles = {x.role: x for x in roles_list}
    for i, r in sheet.rows if sheet else ():
        uid = ref(ck, sheet, i, r, "unit_id", unit_ids, "unit", source_file="units.csv")
        code = ref(ck, sheet, i, r, "shift_type", codes, "shift type", source_file="shift_types.csv")
        role = ref(ck, sheet, i, r, "role", set(roles) if roles_list else None, "role", required=False,
                   source_file="roles.csv")
        if role not in (None, BAD) and code is not BAD and role in roles:
            fillers = [x for x in roles if x == role or (work_down and roles[x].seniority <= roles[role].seniority)]
            if not any(_allowed_on(types, code, x) for x in fillers):
                ck.add(sheet.source, i, "role", role, f"no role that may fill it may work {code} shifts "
                                                      "(shift_types.csv roles)")
                role = BAD
        minimum = ck.cell(sheet, i, r, "minimum", p_int(0, 100), "a whole number of staff 0..100", required=True)
        ideal = ck.cell(sheet, i, r, "ideal", p_int(0, 100), "a whole number >= minimum (blank = minimum)")
        if ideal is None:
            ideal = minimum
        if BAD not in (minimum, ideal) and ideal < minimum:
            ck.add(sheet.source, i, "ideal", r["ideal"], f"is below the minimum {minimum}")
            ideal = BAD
        day = ck.cell(sheet, i, r, "date", p_date, DATE_ACC + " (blank = every day)")
        if BAD not in (uid, code, role, day) and not unique_key(ck, sheet, i, (uid, code, role, day), seen,
                                                                "unit_id, shift_type, role and date"):
            continue
        if BAD not in (uid, code, role, minimum, ideal, day):
            out.append(Cover(uid, code, role, minimum, ideal, day))
    return out


def _skill_mix(sheet: Sheet | None, ck: Collector, unit_ids: set[str] | None, roles: set[str] | None) -> list[SkillMix]:
    out, seen = [], {}
    for i, r in sheet.rows if sheet else ():
        uid = ref(ck, sheet, i, r, "unit_id", unit_ids, "unit", required=False, source_file="units.csv")
        shifts = ck.cell(sheet, i, r, "shifts", p_choice(_SHIFTS), "day, night or all (blank = all)", default="all")
        role = ref(ck, sheet, i, r, "role", roles, "role", source_file="roles.csv")
        one_per = ck.cell(sheet, i, r, "one_per", p_int(1, 100), "a whole number of staff 1..100", required=True)
        if BAD not in (uid, shifts) and not unique_key(ck, sheet, i, (uid, shifts), seen, "unit_id and shifts"):
            continue
        if BAD not in (uid, shifts, role, one_per):
            out.append(SkillMix(uid, Shifts(shifts), role, one_per))
    return out


def _leave(sheet: Sheet | None, ck: Collector, staff_ids: set[str] | None) -> list[Leave]:
    out, seen = [], {}
    for i, r in sheet.rows if sheet else ():
        sid = ref(ck, sheet, i, r, "staff_id", staff_ids, "staff", source_file="staff.csv")
        start = ck.cell(sheet, i, r, "start_date", p_date, DATE_ACC, required=True)
        end = ck.cell(sheet, i, r, "end_date", p_date, DATE_ACC + " (blank = start_date)")
        if end is None:
            end = start
        if BAD not in (start, end) and end < start:
            ck.add(sheet.source, i, "end_date", r["end_date"], f"is before start_date {start}")
            end = BAD
        kind = ck.cell(sheet, i, r, "kind", p_choice(_KINDS), "one of " + ", ".join(_KINDS), required=True)
        status = ck.cell(sheet, i, r, "status", p_choice(_STATUSES), "one of " + ", ".join(_STATUSES)
                         + " (blank = APPROVED)", default="APPROVED")
        if BAD in (sid, start, end, kind, status):
            continue
        item = Leave(sid, start, end, LeaveKind(kind), LeaveStatus(status))
        if unique_key(ck, sheet, i, (item,), seen, "row"):
            clash = next((x for x in out if x.staff_id == sid and x.status is LeaveStatus.APPROVED
                          and item.status is LeaveStatus.APPROVED and x.start_date <= end and start <= x.end_date), None)
            if clash is not None:
                ck.warn(sheet.source, i, "start_date", r["start_date"],
                        f"overlaps {sid}'s approved {clash.kind.value} leave of row {seen[(clash,)]}; both are kept")
            out.append(item)
    return out


# --------------------------------------------------------------------------- entry points


def read_provider_full(folder: str | Path) -> ProviderRead:
    """Read and validate a provider folder; ``ValidationError`` lists every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RotaccError(f"provider folder {folder} does not exist or is not a folder")
    ck = Collector()
    settings = _settings(read_toml(folder, MARKER, ck), ck)
    sheets = {t.name: read_table(folder, t, ck) for t in TABLES}
    homes = _homes(sheets["homes"], ck)
    home_ids = known_ids(sheets["homes"], "home_id")
    units = _units(sheets["units"], ck, home_ids)
    unit_ids = known_ids(sheets["units"], "unit_id")
    roles = _roles(sheets["roles"], ck)
    role_ids = known_ids(sheets["roles"], "role")
    types = _shift_types(sheets["shift_types"], ck, role_ids)
    codes = known_ids(sheets["shift_types"], "shift_type")
    by_code = {t.code: t for t in types}
    staff = _staff(sheets["staff"], ck, role_ids, home_ids, {u.unit_id: u for u in units}, unit_ids)
    agency = _agency(sheets["agency_rates"], ck, role_ids, codes, by_code)
    work_down = settings.policy.work_down if settings is not None else True
    cover = _cover(sheets["cover"], ck, unit_ids, codes, roles, by_code, work_down)
    mix = _skill_mix(sheets["skill_mix"], ck, unit_ids, role_ids)
    leave = _leave(sheets["leave"], ck, known_ids(sheets["staff"], "staff_id"))
    for f in sorted(folder.glob("*.csv")):
        if f.stem not in {t.name for t in TABLES}:
            ck.warn(f.name, None, None, None, f"unknown file ignored; the files are {', '.join(t.file for t in TABLES)}")
    ck.raise_if_any(f"provider folder {folder}")
    provider = Provider(settings, tuple(homes), tuple(units), tuple(roles), tuple(types), tuple(staff),
                        tuple(agency), tuple(cover), tuple(mix), tuple(leave))
    return ProviderRead(provider, tuple(ck.warnings))


def read_provider(folder: str | Path) -> Provider:
    return read_provider_full(folder).provider


def render_provider(p: Provider) -> dict[str, str]:
    """Every file of the provider folder as text (``provider.toml`` and all nine CSVs)."""
    money = lambda v: "" if v is None else f_money(v)  # noqa: E731
    dated = any(c.day is not None for c in p.cover)
    return {
        MARKER: render_toml(p.settings),
        "homes.csv": csv_text(COLUMN_ORDER["homes"], [(h.home_id, h.name) for h in p.homes]),
        "units.csv": csv_text(COLUMN_ORDER["units"], [(u.unit_id, u.home_id, u.name, u.beds) for u in p.units]),
        "roles.csv": csv_text(COLUMN_ORDER["roles"], [(r.role, r.name, r.seniority, f_money(r.hourly_rate_pence))
                                                      for r in p.roles]),
        "shift_types.csv": csv_text(COLUMN_ORDER["shift_types"], [
            (t.code, t.shift.name, f_time(t.shift.start), f_time(t.shift.end), f_bool(t.shift.clinical),
             ";".join(t.roles)) for t in p.shift_types]),
        "staff.csv": csv_text(COLUMN_ORDER["staff"], [
            (s.staff_id, s.name, f_opt(s.email), s.role, s.home_id, f_opt(s.unit_id), s.employment.value,
             format(s.contract_hours, "f"), f_bool(s.floats), money(s.hourly_rate_pence), f_bool(s.opted_out),
             f_weekdays(s.cannot_work_days)) for s in p.staff]),
        "agency_rates.csv": csv_text(COLUMN_ORDER["agency_rates"], [
            (a.role, a.shift_type, f_money(a.weekday_pence), money(a.weekend_pence), money(a.bank_holiday_pence))
            for a in p.agency_rates]),
        # the date column only when a row has a date (a provider without forecasts keeps the five columns)
        "cover.csv": csv_text(COLUMN_ORDER["cover"][:6 if dated else 5],
                              [(c.unit_id, c.shift_type, f_opt(c.role), c.minimum, c.ideal,
                                c.day.isoformat() if c.day else "")[:6 if dated else 5] for c in p.cover]),
        "skill_mix.csv": csv_text(COLUMN_ORDER["skill_mix"], [(f_opt(m.unit_id), m.shifts.value, m.role, m.one_per)
                                                              for m in p.skill_mix]),
        "leave.csv": csv_text(COLUMN_ORDER["leave"], [
            (x.staff_id, x.start_date.isoformat(), x.end_date.isoformat(), x.kind.value, x.status.value)
            for x in p.leave]),
    }


def write_provider_folder(p: Provider, folder: str | Path) -> list[Path]:
    """Write the folder files (creating the folder); returns the paths written."""
    return write_files(folder, render_provider(p))
