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
import os
import stat
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
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
from ..errors import Problem, RotaccError, WorkspaceNotFound
from ..rostering.rules import RuleSet
from ..rostering.shifts import ShiftType
from ..private import private_umask
from . import leftovers
from .workspace import Workspace

KIND = "department"
DEPARTMENT_SCHEMA_VERSION = 1


def schema_sql() -> str:
    return resources.files("rotacc_lab.store").joinpath("department_schema.sql").read_text(encoding="utf-8")


def workspace_kind(path: str | Path) -> str:
    """``"department"``, ``"practice"`` (a file without ``meta.kind`` is a practice) or an error."""
    path = Path(path)
    if not path.is_file():
        raise WorkspaceNotFound(f"workspace {path} does not exist; import a folder into it first")
    with Workspace(path).connect(read_only=True) as con:
        try:
            rows = con.execute("SELECT value FROM meta WHERE key = 'kind'").fetchall()
        except duckdb.CatalogException:
            raise RotaccError(f"{path} is a DuckDB file but not a rotacc-lab workspace (no meta table)") from None
    return rows[0][0] if rows else "practice"


@dataclass(frozen=True)
class DepartmentImportSummary:
    workspace: Path
    source: Path
    created: bool
    counts: dict[str, int]
    warnings: tuple[Problem, ...] = field(default=())
    data_version: int = 1

    def __str__(self) -> str:
        verb = "created" if self.created else "replaced the department in"
        lines = [f"imported department {self.source} and {verb} {self.workspace} (data version {self.data_version}):"]
        lines += [f"  {name:<22}{n:>7}" for name, n in self.counts.items()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


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

    def table(rows: list[dict], cols: list[tuple[str, pa.DataType]]) -> pa.Table:
        return pa.Table.from_pylist(rows, schema=pa.schema(cols))

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


#: parents before children (insertion order)
TABLE_ORDER = ("department", "shift_types", "doctors", "quotas", "demand", "requests", "commitments", "rota")


def _write_new_file(path: Path, d: Department, audit: list[tuple], data_version: int, actor: str,
                    source: Path) -> None:
    con = duckdb.connect(str(path))  # (the caller holds private_umask: the file and its .wal are 0600)
    try:
        con.execute("BEGIN")
        con.execute(schema_sql())
        con.execute("INSERT INTO meta VALUES ('kind', ?), ('schema_version', ?), ('data_version', ?),"
                    " ('created_at', CAST(current_timestamp AS VARCHAR))",
                    [KIND, str(DEPARTMENT_SCHEMA_VERSION), str(data_version)])
        tables = _tables(d)
        for name in TABLE_ORDER:
            con.register("_in", tables[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _in")
            con.unregister("_in")
        for row in audit:
            con.execute("INSERT INTO audit_log VALUES (nextval('audit_seq'), ?, ?, ?, ?, ?, ?, ?)", list(row[1:]))
        counts = {name: len(tables[name]) for name in TABLE_ORDER[1:]}
        con.execute(
            "INSERT INTO audit_log VALUES (nextval('audit_seq'), CAST(current_timestamp AS TIMESTAMP), ?, 'import',"
            " 'workspace', 'department', NULL, CAST(? AS JSON))",
            [actor, json.dumps({"source": str(source), "counts": counts, "data_version": data_version})],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def import_department(workspace: str | Path, folder: str | Path, actor: str = "cli") -> DepartmentImportSummary:
    """Validate ``folder`` and make it the department of ``workspace`` (created if missing).

    Raises :class:`~rotacc_lab.errors.ValidationError` listing every problem; then, and on
    any other failure, an existing workspace file is left untouched.
    """
    target = Path(workspace)
    folder = Path(folder)
    read = read_department_full(folder)  # raises before any file is touched
    dept = read.department
    if not target.parent.is_dir():
        raise RotaccError(f"cannot create workspace {target}: folder {target.parent} does not exist")
    created = not target.exists()
    leftovers.sweep(target)  # hidden copies left by killed imports
    tmp = leftovers.temp_path(target, "import")
    with ExitStack() as stack:
        audit: list[tuple] = []
        version = 1
        if not created:
            kind = workspace_kind(target)
            if kind != KIND:
                raise RotaccError(
                    f"{target} is a {kind} workspace; a department needs its own workspace file "
                    f"(give a new path, e.g. {target.with_name('department.duckdb')})")
            held = stack.enter_context(Workspace(target).connect(read_only=False))
            _check_version(held, target)
            version = int(held.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]) + 1
            audit = held.execute(
                "SELECT audit_id, \"at\", actor, action, entity, entity_id, CAST(before AS VARCHAR),"
                " CAST(after AS VARCHAR) FROM audit_log ORDER BY audit_id").fetchall()
        try:
            with private_umask():
                _write_new_file(tmp, dept, audit, version, actor, folder)
            if not created:  # the new file was 0600 while written; the workspace keeps its own mode
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
            raise
    counts = {"shift_types": len(dept.shift_types), "doctors": len(dept.doctors), "quotas": len(dept.quotas),
              "demand": len(dept.demand), "requests": len(dept.requests), "commitments": len(dept.commitments),
              "rota": len(dept.rota)}
    return DepartmentImportSummary(target, folder, created, counts, read.warnings, version)


def _check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    version = int(rows[0][0]) if rows else 0
    if version > DEPARTMENT_SCHEMA_VERSION:
        raise RotaccError(f"department workspace {path} has schema version {version}, newer than this rotacc-lab "
                          f"(knows up to {DEPARTMENT_SCHEMA_VERSION}); upgrade rotacc-lab")
    if version < 1:
        raise RotaccError(f"department workspace {path} has no valid schema_version in its meta table")


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
    kind = workspace_kind(path)
    if kind != KIND:
        raise RotaccError(f"{path} is a {kind} workspace, not a department; import a department folder "
                          "(one with department.toml) into its own file")
    with Workspace(path).connect(read_only=True) as con:
        _check_version(con, path)
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        version = int(q("SELECT value FROM meta WHERE key = 'data_version'")[0][0])
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


def export_department(workspace: str | Path, folder: str | Path) -> list[Path]:
    """Write the department of ``workspace`` into ``folder`` in the import format."""
    return write_department_folder(load_department(workspace), folder)


def department_audit(workspace: str | Path) -> list[dict]:
    """The audit rows of a department workspace, oldest first."""
    with Workspace(Path(workspace)).connect(read_only=True) as con:
        cur = con.execute("SELECT audit_id, \"at\", actor, action, entity, entity_id, CAST(after AS VARCHAR) AS after"
                          " FROM audit_log ORDER BY audit_id")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
