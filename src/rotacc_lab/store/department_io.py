"""Department workspaces: one DuckDB file per department (``meta.kind = 'department'``).

The schema is ``department_schema.sql`` with its own version sequence; a practice
workspace and a department workspace never share a file, and the practice code
refuses a department file (``migrations.schema_version``) instead of migrating it.

* :func:`import_department` validates a folder completely in memory, builds a new
  file next to the target and moves it into place with ``os.replace``: a failed or
  interrupted import leaves an existing workspace byte-for-byte unchanged. The
  department tables are replaced; the audit log of an existing department file is
  carried over with one ``import`` row added, and ``data_version`` goes up by one.
* :func:`load_department` reads the whole department back into a frozen
  :class:`~rotacc_lab.departments.model.Department`.
* :func:`export_department` writes the folder format again; folder -> import ->
  export -> import gives an equal department.

Rota writes by the solver will go through the ChangeSet committer (issue 13).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import pyarrow as pa

from ..departments.model import (
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
from ..departments.source import read_department_full, write_department_folder
from ..domain import UKNation
from ..errors import RotaccError
from ..rostering.rules import RuleSet
from ..rostering.shifts import ShiftType
from .kinds import ImportSummary, Kind, arrow_table, audit_rows, data_version, open_kind, replace_file, workspace_kind

#: parents before children (insertion order)
TABLE_ORDER = ("department", "shift_types", "doctors", "quotas", "demand", "requests", "commitments", "rota")
DEPARTMENT = Kind("department", "department_schema.sql", 1, TABLE_ORDER,
                  "a department folder (one with department.toml)")
KIND = DEPARTMENT.name
DEPARTMENT_SCHEMA_VERSION = DEPARTMENT.version


#: the summary an import returns (``str()`` of it is what the CLI prints)
DepartmentImportSummary = ImportSummary


# --------------------------------------------------------------------------- rows


def _day_cols(day: int | str | date) -> dict[str, Any]:
    if isinstance(day, date):
        return {"day_kind": "date", "weekday": None, "day_date": day}
    if isinstance(day, int):
        return {"day_kind": "weekday", "weekday": day, "day_date": None}
    return {"day_kind": "bank_holiday", "weekday": None, "day_date": None}


def _tables(d: Department) -> dict[str, pa.Table]:
    s = d.settings
    S, I, D, B = pa.string(), pa.int32(), pa.date32(), pa.bool_()

    table = arrow_table

    return {
        "department": table(
            [{"name": s.name, "uk_nation": s.uk_nation.value, "period_start": s.period_start,
              "period_weeks": s.period_weeks, "rules": json.dumps(s.rules.overrides(), sort_keys=True)}],
            [("name", S), ("uk_nation", S), ("period_start", D), ("period_weeks", I), ("rules", S)]),
        "shift_types": table(
            [{"position": i, "shift_type": t.code, "name": t.name, "start_time": t.start, "end_time": t.end,
              "clinical": t.clinical} for i, t in enumerate(d.shift_types)],
            [("position", I), ("shift_type", S), ("name", S), ("start_time", pa.time64("us")),
             ("end_time", pa.time64("us")), ("clinical", B)]),
        "doctors": table(
            [{"position": i, "doctor_id": x.doctor_id, "name": x.name, "email": x.email, "group_name": x.group,
              "percentage": x.percentage, "shift_types": list(x.shift_types),
              "cannot_work_days": list(x.cannot_work_days)} for i, x in enumerate(d.doctors)],
            [("position", I), ("doctor_id", S), ("name", S), ("email", S), ("group_name", S), ("percentage", I),
             ("shift_types", pa.list_(S)), ("cannot_work_days", pa.list_(I))]),
        "quotas": table(
            [{"position": i, "applies_to": q.applies_to, "shift_type": q.shift_type, "shifts": q.shifts,
              "weekend_shifts": q.weekend_shifts} for i, q in enumerate(d.quotas)],
            [("position", I), ("applies_to", S), ("shift_type", S), ("shifts", I), ("weekend_shifts", I)]),
        "demand": table(
            [{"position": i, **_day_cols(x.day), "shift_type": x.shift_type, "minimum": x.minimum, "ideal": x.ideal,
              "group_name": x.group, "group_minimum": x.group_minimum} for i, x in enumerate(d.demand)],
            [("position", I), ("day_kind", S), ("weekday", I), ("day_date", D), ("shift_type", S), ("minimum", I),
             ("ideal", I), ("group_name", S), ("group_minimum", I)]),
        "requests": table(
            [{"position": i, "doctor_id": x.doctor_id, "start_date": x.start_date, "end_date": x.end_date,
              "kind": x.kind.value, "shift_type": x.shift_type, "weight": x.weight} for i, x in enumerate(d.requests)],
            [("position", I), ("doctor_id", S), ("start_date", D), ("end_date", D), ("kind", S), ("shift_type", S),
             ("weight", I)]),
        "commitments": table(
            [{"position": i, "doctor_id": x.doctor_id,
              "weekday": None if isinstance(x.day, date) else x.day,
              "day_date": x.day if isinstance(x.day, date) else None,
              "what": x.what.value, "shift_type": x.shift_type} for i, x in enumerate(d.commitments)],
            [("position", I), ("doctor_id", S), ("weekday", I), ("day_date", D), ("what", S), ("shift_type", S)]),
        "rota": table(
            [{"position": i, "doctor_id": e.doctor_id, "date": e.date, "shift_type": e.shift_type}
             for i, e in enumerate(d.rota)],
            [("position", I), ("doctor_id", S), ("date", D), ("shift_type", S)]),
    }


def import_department(workspace: str | Path, folder: str | Path, actor: str = "cli") -> DepartmentImportSummary:
    """Validate ``folder`` and make it the department of ``workspace`` (created if missing).

    Raises :class:`~rotacc_lab.errors.ValidationError` listing every problem; then, and on
    any other failure, an existing workspace file is left untouched.
    """
    read = read_department_full(folder)  # raises before any file is touched
    dept = read.department
    created, version = replace_file(workspace, DEPARTMENT, _tables(dept), actor, folder)
    counts = {"shift_types": len(dept.shift_types), "doctors": len(dept.doctors), "quotas": len(dept.quotas),
              "demand": len(dept.demand), "requests": len(dept.requests), "commitments": len(dept.commitments),
              "rota": len(dept.rota)}
    return ImportSummary(DEPARTMENT.name, Path(workspace), Path(folder), created, counts, read.warnings, version)


# --------------------------------------------------------------------------- reading back


def _day(kind: str, weekday: int | None, day_date: date | None) -> int | str | date:
    if kind == "date":
        return day_date
    if kind == "weekday":
        return int(weekday)
    return BANK_HOLIDAY


def load_department(workspace: str | Path) -> Department:
    """The whole department as a frozen :class:`Department` (the connection is closed on return)."""
    path = Path(workspace)
    with open_kind(path, DEPARTMENT) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        version = data_version(con)
        name, nation, start, weeks, rules = q(
            "SELECT name, uk_nation, period_start, period_weeks, CAST(rules AS VARCHAR) FROM department")[0]
        settings = DepartmentSettings(name, UKNation(nation), start, int(weeks),
                                      RuleSet.from_overrides(json.loads(rules), source=f"{path} department.rules"))
        types = tuple(ShiftType(c, s, e, n, bool(k)) for c, n, s, e, k in q(
            "SELECT shift_type, name, start_time, end_time, clinical FROM shift_types ORDER BY position"))
        doctors = tuple(Doctor(i, n, g, int(p), e, tuple(st), tuple(int(x) for x in cw)) for i, n, e, g, p, st, cw in q(
            "SELECT doctor_id, name, email, group_name, percentage, shift_types, cannot_work_days"
            " FROM doctors ORDER BY position"))
        quotas = tuple(Quota(a, t, int(s), int(w)) for a, t, s, w in q(
            "SELECT applies_to, shift_type, shifts, weekend_shifts FROM quotas ORDER BY position"))
        demand = tuple(Demand(_day(k, wd, dd), t, int(mn), int(ide), g, int(gm)) for k, wd, dd, t, mn, ide, g, gm in q(
            "SELECT day_kind, weekday, day_date, shift_type, minimum, ideal, group_name, group_minimum"
            " FROM demand ORDER BY position"))
        requests = tuple(Request(d, s, e, RequestKind(k), t, int(w)) for d, s, e, k, t, w in q(
            "SELECT doctor_id, start_date, end_date, kind, shift_type, weight FROM requests ORDER BY position"))
        commitments = tuple(Commitment(d, dd if dd is not None else int(wd), CommitmentKind(w), t)
                            for d, wd, dd, w, t in q(
            "SELECT doctor_id, weekday, day_date, what, shift_type FROM commitments ORDER BY position"))
        rota = tuple(RotaEntry(d, day, t) for d, day, t in q(
            "SELECT doctor_id, date, shift_type FROM rota ORDER BY position"))
    return Department(settings, types, doctors, quotas, demand, requests, commitments, rota, version)


def replace_demand(workspace: str | Path, demand: Sequence[Demand], actor: str, why: dict,
                   expect_version: int | None = None) -> int:
    """Make ``demand`` the demand table of the department in ``workspace``; return the new data version.

    The other tables are carried over unchanged. Like an import, the file is rebuilt
    next to the target and moved into place (one ``os.replace``): a failure at any
    point, including a row the schema refuses, leaves the file byte-for-byte as it
    was. One audit row (action ``forecast``, entity ``demand``) records ``why``.
    ``expect_version`` refuses the write if the file changed since it was read.
    """
    from dataclasses import replace

    path = Path(workspace)
    dept = load_department(path)
    known = {t.code for t in dept.shift_types}
    for i, x in enumerate(demand):
        if x.shift_type not in known:
            raise RotaccError(f"demand row {i + 1}: shift type {x.shift_type!r} is not one of {path}'s "
                              f"({', '.join(sorted(known))})")
        if not 0 <= x.minimum <= x.ideal:
            raise RotaccError(f"demand row {i + 1} ({x.day_label} {x.shift_type}): minimum {x.minimum} and ideal "
                              f"{x.ideal} are not accepted; give 0 <= minimum <= ideal")
    keys = [(x.day, x.shift_type) for x in demand]
    if len(set(keys)) != len(keys):
        raise RotaccError("demand: a (day, shift type) pair appears twice; give each once")
    tables = _tables(replace(dept, demand=tuple(demand)))
    _, version = replace_file(path, DEPARTMENT, tables, actor, path,
                              event=("forecast", "demand", DEPARTMENT.name, {**why, "rows": len(demand)}),
                              expect_version=dept.data_version if expect_version is None else expect_version)
    return version


def export_department(workspace: str | Path, folder: str | Path) -> list[Path]:
    """Write the department of ``workspace`` into ``folder`` in the import format."""
    return write_department_folder(load_department(workspace), folder)


def department_audit(workspace: str | Path) -> list[dict]:
    """The audit rows of a department workspace, oldest first."""
    return audit_rows(workspace, DEPARTMENT)


__all__ = ["DEPARTMENT", "DepartmentImportSummary", "department_audit", "export_department", "import_department",
           "load_department", "replace_demand", "workspace_kind"]
