"""Care-home provider workspaces: one DuckDB file per provider (``meta.kind = 'provider'``).

The schema is ``provider_schema.sql`` with its own version; the file handling
(atomic replace, kind check, audit carried over) is :mod:`rotacc_lab.store.kinds`,
shared with departments. :func:`import_provider` validates the folder completely
before any file is touched; :func:`load_provider` reads it back into a frozen
:class:`~rotacc_lab.carehomes.model.Provider`; :func:`export_provider` writes the
folder format again (folder -> import -> export -> import gives an equal provider).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Sequence

import pyarrow as pa

from ..carehomes.model import (
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
from ..carehomes.source import read_provider_full, write_provider_folder
from ..domain import UKNation
from ..rostering.rules import RuleSet
from ..rostering.shifts import ShiftType
from ..errors import RotaccError
from .kinds import ImportSummary, Kind, arrow_table, audit_rows, data_version, open_kind, replace_file

TABLE_ORDER = ("provider", "homes", "units", "roles", "shift_types", "staff", "agency_rates", "cover", "skill_mix",
               "leave")
#: schema versions: 1 the first; 2 adds ``cover.day`` (dated cover rows; a version-1 file reads as all standing rows
#: and is written as version 2 by its next import or forecast)
PROVIDER = Kind("provider", "provider_schema.sql", 2, TABLE_ORDER, "a provider folder (one with provider.toml)")


#: the summary an import returns (``str()`` of it is what the CLI prints)
ProviderImportSummary = ImportSummary


def _tables(p: Provider) -> dict[str, pa.Table]:
    S, I, L, D, B = pa.string(), pa.int32(), pa.int64(), pa.date32(), pa.bool_()
    DEC, T = pa.decimal128(6, 2), pa.time64("us")
    s, pay, pol = p.settings, p.settings.pay, p.settings.policy
    t = arrow_table
    return {
        "provider": t([{"name": s.name, "uk_nation": s.uk_nation.value, "horizon_start": s.horizon_start,
                        "horizon_days": s.horizon_days, "night_uplift_percent": pay.night_uplift_percent,
                        "overtime_multiplier": pay.overtime_multiplier, "overtime_period": pay.overtime_period,
                        "bank_holiday_multiplier": pay.bank_holiday_multiplier, "work_down": pol.work_down,
                        "agency_max_share_percent": pol.agency_max_share_percent,
                        "shortfall_penalty_pence": pol.shortfall_penalty_pence_per_hour,
                        "rules": json.dumps(s.rules.overrides(care_rules()), sort_keys=True)}],
                      [("name", S), ("uk_nation", S), ("horizon_start", D), ("horizon_days", I),
                       ("night_uplift_percent", DEC), ("overtime_multiplier", DEC), ("overtime_period", S),
                       ("bank_holiday_multiplier", DEC), ("work_down", B), ("agency_max_share_percent", I),
                       ("shortfall_penalty_pence", L), ("rules", S)]),
        "homes": t([{"position": i, "home_id": h.home_id, "name": h.name} for i, h in enumerate(p.homes)],
                   [("position", I), ("home_id", S), ("name", S)]),
        "units": t([{"position": i, "unit_id": u.unit_id, "home_id": u.home_id, "name": u.name, "beds": u.beds}
                    for i, u in enumerate(p.units)],
                   [("position", I), ("unit_id", S), ("home_id", S), ("name", S), ("beds", I)]),
        "roles": t([{"position": i, "role": r.role, "name": r.name, "seniority": r.seniority,
                     "hourly_rate_pence": r.hourly_rate_pence} for i, r in enumerate(p.roles)],
                   [("position", I), ("role", S), ("name", S), ("seniority", I), ("hourly_rate_pence", L)]),
        "shift_types": t([{"position": i, "shift_type": x.code, "name": x.shift.name, "start_time": x.shift.start,
                           "end_time": x.shift.end, "clinical": x.shift.clinical, "roles": list(x.roles)}
                          for i, x in enumerate(p.shift_types)],
                         [("position", I), ("shift_type", S), ("name", S), ("start_time", T), ("end_time", T),
                          ("clinical", B), ("roles", pa.list_(S))]),
        "staff": t([{"position": i, "staff_id": x.staff_id, "name": x.name, "email": x.email, "role": x.role,
                     "home_id": x.home_id, "unit_id": x.unit_id, "employment": x.employment.value,
                     "contract_hours": x.contract_hours, "floats": x.floats, "hourly_rate_pence": x.hourly_rate_pence,
                     "opted_out": x.opted_out, "cannot_work_days": list(x.cannot_work_days)}
                    for i, x in enumerate(p.staff)],
                   [("position", I), ("staff_id", S), ("name", S), ("email", S), ("role", S), ("home_id", S),
                    ("unit_id", S), ("employment", S), ("contract_hours", DEC), ("floats", B),
                    ("hourly_rate_pence", L), ("opted_out", B), ("cannot_work_days", pa.list_(I))]),
        "agency_rates": t([{"position": i, "role": a.role, "shift_type": a.shift_type, "weekday_pence": a.weekday_pence,
                            "weekend_pence": a.weekend_pence, "bank_holiday_pence": a.bank_holiday_pence}
                           for i, a in enumerate(p.agency_rates)],
                          [("position", I), ("role", S), ("shift_type", S), ("weekday_pence", L),
                           ("weekend_pence", L), ("bank_holiday_pence", L)]),
        "cover": t([{"position": i, "unit_id": c.unit_id, "shift_type": c.shift_type, "role": c.role,
                     "minimum": c.minimum, "ideal": c.ideal, "day": c.day} for i, c in enumerate(p.cover)],
                   [("position", I), ("unit_id", S), ("shift_type", S), ("role", S), ("minimum", I), ("ideal", I),
                    ("day", D)]),
        "skill_mix": t([{"position": i, "unit_id": m.unit_id, "shifts": m.shifts.value, "role": m.role,
                         "one_per": m.one_per} for i, m in enumerate(p.skill_mix)],
                       [("position", I), ("unit_id", S), ("shifts", S), ("role", S), ("one_per", I)]),
        "leave": t([{"position": i, "staff_id": x.staff_id, "start_date": x.start_date, "end_date": x.end_date,
                     "kind": x.kind.value, "status": x.status.value} for i, x in enumerate(p.leave)],
                   [("position", I), ("staff_id", S), ("start_date", D), ("end_date", D), ("kind", S), ("status", S)]),
    }


def import_provider(workspace: str | Path, folder: str | Path, actor: str = "cli") -> ProviderImportSummary:
    """Validate ``folder`` and make it the provider of ``workspace`` (created if missing), all or nothing."""
    read = read_provider_full(folder)  # raises before any file is touched
    p = read.provider
    created, version = replace_file(workspace, PROVIDER, _tables(p), actor, folder)
    counts = {"homes": len(p.homes), "units": len(p.units), "roles": len(p.roles), "shift_types": len(p.shift_types),
              "staff": len(p.staff), "agency_rates": len(p.agency_rates), "cover": len(p.cover),
              "skill_mix": len(p.skill_mix), "leave": len(p.leave)}
    return ImportSummary(PROVIDER.name, Path(workspace), Path(folder), created, counts, read.warnings, version)


def _dec(v) -> Decimal:
    d = Decimal(v)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def load_provider(workspace: str | Path) -> Provider:
    """The whole provider as a frozen :class:`Provider` (the connection is closed on return)."""
    path = Path(workspace)
    with open_kind(path, PROVIDER) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        version = data_version(con)
        (name, nation, start, days, uplift, ot, ot_period, bh, work_down, agency_share, penalty, rules), = q(
            "SELECT name, uk_nation, horizon_start, horizon_days, night_uplift_percent, overtime_multiplier,"
            " overtime_period, bank_holiday_multiplier, work_down, agency_max_share_percent, shortfall_penalty_pence,"
            " CAST(rules AS VARCHAR) FROM provider")
        settings = ProviderSettings(
            name, UKNation(nation), start, int(days), PayPolicy(_dec(uplift), _dec(ot), ot_period, _dec(bh)),
            CoverPolicy(bool(work_down), int(agency_share), int(penalty)),
            RuleSet.from_overrides(json.loads(rules), source=f"{path} provider.rules", base=care_rules()))
        homes = tuple(Home(*r) for r in q("SELECT home_id, name FROM homes ORDER BY position"))
        units = tuple(Unit(u, h, n, int(b)) for u, h, n, b in q(
            "SELECT unit_id, home_id, name, beds FROM units ORDER BY position"))
        roles = tuple(Role(r, n, int(s), int(p)) for r, n, s, p in q(
            "SELECT role, name, seniority, hourly_rate_pence FROM roles ORDER BY position"))
        types = tuple(CareShiftType(ShiftType(c, s, e, n, bool(k)), tuple(rs)) for c, n, s, e, k, rs in q(
            "SELECT shift_type, name, start_time, end_time, clinical, roles FROM shift_types ORDER BY position"))
        staff = tuple(
            Staff(sid, n, role, h, Employment(emp), _dec(hours), u, bool(fl), None if rate is None else int(rate),
                  bool(opt), e, tuple(int(d) for d in cw))
            for sid, n, e, role, h, u, emp, hours, fl, rate, opt, cw in q(
                "SELECT staff_id, name, email, role, home_id, unit_id, employment, contract_hours, floats,"
                " hourly_rate_pence, opted_out, cannot_work_days FROM staff ORDER BY position"))
        opt_int = lambda v: None if v is None else int(v)  # noqa: E731
        agency = tuple(AgencyRate(r, t, int(wd), opt_int(we), opt_int(bh)) for r, t, wd, we, bh in q(
            "SELECT role, shift_type, weekday_pence, weekend_pence, bank_holiday_pence FROM agency_rates"
            " ORDER BY position"))
        dated = bool(q("SELECT 1 FROM information_schema.columns WHERE table_name = 'cover' AND column_name = 'day'"))
        cover = tuple(Cover(u, t, r, int(mn), int(ide), d) for u, t, r, mn, ide, d in q(
            f"SELECT unit_id, shift_type, role, minimum, ideal, {'day' if dated else 'NULL'} FROM cover"
            " ORDER BY position"))
        mix = tuple(SkillMix(u, Shifts(s), r, int(n)) for u, s, r, n in q(
            "SELECT unit_id, shifts, role, one_per FROM skill_mix ORDER BY position"))
        leave = tuple(Leave(s, a, b, LeaveKind(k), LeaveStatus(st)) for s, a, b, k, st in q(
            "SELECT staff_id, start_date, end_date, kind, status FROM leave ORDER BY position"))
    return Provider(settings, homes, units, roles, types, staff, agency, cover, mix, leave, version)


def replace_cover(workspace: str | Path, cover: Sequence[Cover], actor: str, why: dict,
                  expect_version: int | None = None) -> int:
    """Make ``cover`` the cover table of the provider in ``workspace``; return the new data version.

    The other tables are carried over unchanged and the file is rebuilt beside the
    target and moved into place, so a failure leaves it byte-for-byte as it was. One
    audit row (action ``forecast``, entity ``cover``) records ``why``; ``expect_version``
    refuses the write when the file changed since it was read.
    """
    from dataclasses import replace

    path = Path(workspace)
    p = load_provider(path)
    units, types, roles = set(p.unit_by_id), set(p.shift_type_by_code), set(p.role_by_code)
    seen = set()
    for i, c in enumerate(cover):
        where = f"cover row {i + 1} ({c.unit_id} {c.shift_type} {c.role or 'any role'} {c.day or 'every day'})"
        if c.unit_id not in units or c.shift_type not in types or (c.role is not None and c.role not in roles):
            raise RotaccError(f"{where}: unit, shift type or role is not one of {path}'s (units "
                              f"{', '.join(sorted(units))}; shift types {', '.join(sorted(types))}; roles "
                              f"{', '.join(sorted(roles))})")
        if not 0 <= c.minimum <= c.ideal <= 100:
            raise RotaccError(f"{where}: minimum {c.minimum} and ideal {c.ideal} are not accepted; "
                              "give 0 <= minimum <= ideal <= 100")
        if (c.key, c.day) in seen:
            raise RotaccError(f"{where}: appears twice; give each unit, shift type, role and date once")
        seen.add((c.key, c.day))
    tables = _tables(replace(p, cover=tuple(cover)))
    _, version = replace_file(path, PROVIDER, tables, actor, path,
                              event=("forecast", "cover", PROVIDER.name, {**why, "rows": len(cover)}),
                              expect_version=p.data_version if expect_version is None else expect_version)
    return version


def add_leave(workspace: str | Path, leave: Leave, actor: str, why: dict,
              expect_version: int | None = None) -> int:
    """Add one leave row to the provider in ``workspace``; return the new data version.

    Written like :func:`replace_cover`: the file is rebuilt beside the target and moved
    into place (a failure leaves it as it was), one audit row (action ``leave``, entity
    ``leave``) records ``why``, and ``expect_version`` refuses a file changed since it was read.
    """
    from dataclasses import replace

    path = Path(workspace)
    p = load_provider(path)
    if leave.staff_id not in {s.staff_id for s in p.staff}:
        raise RotaccError(f"leave: staff {leave.staff_id!r} is not one of {path}'s staff")
    if leave.end_date < leave.start_date:
        raise RotaccError(f"leave: end {leave.end_date} is before start {leave.start_date}")
    tables = _tables(replace(p, leave=(*p.leave, leave)))
    after = {**why, "staff_id": leave.staff_id, "start_date": str(leave.start_date),
             "end_date": str(leave.end_date), "kind": leave.kind.value, "status": leave.status.value}
    _, version = replace_file(path, PROVIDER, tables, actor, path, event=("leave", "leave", leave.staff_id, after),
                              expect_version=p.data_version if expect_version is None else expect_version)
    return version


def export_provider(workspace: str | Path, folder: str | Path) -> list[Path]:
    """Write the provider of ``workspace`` into ``folder`` in the import format."""
    return write_provider_folder(load_provider(workspace), folder)


def provider_audit(workspace: str | Path) -> list[dict]:
    return audit_rows(workspace, PROVIDER)
