"""Import a practice folder or xlsx workbook into a workspace, all or nothing.

Semantics (see docs/data-format.md, "Import"): the source is the whole practice.
An import *replaces* every practice table (settings, clinicians, terms, leave,
sick leave, locum bookings, shifts, adjustments, trainer requirements, affinity
pairs) with the source's content; the history tables (audit log, generation
runs, alerts) are kept and an audit row is added per imported entity.

Safety: the source is validated completely first (CSV files streamed); nothing is opened
for writing until it is valid. The write happens in a temporary copy of the
workspace next to it, which then atomically replaces the original with
``os.replace``. A failed or interrupted import leaves the original file
byte-for-byte unchanged. While the copy is built, this process holds the
original's write lock so no other process can change it in between.
"""

from __future__ import annotations

import json
import os
import stat
from typing import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ..domain import PracticeSnapshot
from ..errors import CannotWrite, Problem, RotaccError, cannot_write, os_errors_as
from ..private import copy_private, private_umask
from . import leftovers
from .settings_io import to_json_values
from .source import read_source_full
from .workspace import Workspace, _shift_table, _write_settings, import_target, to_json, workspace_path

#: practice tables, children before parents (deletion order)
PRACTICE_TABLES_CHILD_FIRST = (
    "leave_adjustments",
    "shifts",
    "leave",
    "sick_leave",
    "locum_bookings",
    "affinity_pairs",
    "trainer_requirements",
    "working_terms",
    "clinicians",
)


@dataclass(frozen=True)
class ImportSummary:
    workspace: Path
    source: Path
    created: bool
    counts: dict[str, int]
    warnings: tuple[Problem, ...] = field(default=())
    data_version: int = 0

    def __str__(self) -> str:
        verb = "created" if self.created else "replaced the practice data in"
        lines = [f"imported {self.source} and {verb} {self.workspace} (data version {self.data_version}):"]
        lines += [f"  {name:<22}{n:>7}" for name, n in self.counts.items()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _days(ds) -> list[str]:
    return [d.name for d in ds]


def _arrow_tables(s: PracticeSnapshot) -> dict[str, pa.Table]:
    days = pa.list_(pa.string())
    dec = pa.decimal128(9, 2)
    return {
        "clinicians": pa.Table.from_pylist(
            [{"clinician_id": c.clinician_id, "name": c.name, "email": c.email, "clinician_type": c.clinician_type.value}
             for c in s.clinicians],
            schema=pa.schema([("clinician_id", pa.string()), ("name", pa.string()), ("email", pa.string()),
                              ("clinician_type", pa.string())]),
        ),
        "working_terms": pa.Table.from_pylist(
            [{"term_id": t.term_id, "clinician_id": t.clinician_id, "term_type": t.term_type.value,
              "start_date": t.start_date, "end_date": t.end_date, "percentage": t.percentage,
              "fixed_working_days": _days(t.fixed_working_days), "must_work_days": _days(t.must_work_days),
              "cannot_work_days": _days(t.cannot_work_days), "week_a_days": _days(t.week_a_days),
              "week_b_days": _days(t.week_b_days), "minimum_shifts_per_week": t.minimum_shifts_per_week,
              "max_shifts_per_week": t.max_shifts_per_week, "annual_leave_entitlement": t.annual_leave_entitlement}
             for t in s.terms],
            schema=pa.schema([("term_id", pa.string()), ("clinician_id", pa.string()), ("term_type", pa.string()),
                              ("start_date", pa.date32()), ("end_date", pa.date32()), ("percentage", pa.int32()),
                              ("fixed_working_days", days), ("must_work_days", days), ("cannot_work_days", days),
                              ("week_a_days", days), ("week_b_days", days), ("minimum_shifts_per_week", pa.int32()),
                              ("max_shifts_per_week", pa.int32()), ("annual_leave_entitlement", dec)]),
        ),
        "leave": pa.Table.from_pylist(
            [{"leave_id": x.leave_id, "clinician_id": x.clinician_id, "leave_type": x.leave_type.value,
              "start_date": x.start_date, "end_date": x.end_date, "status": x.status.value,
              "duration": x.duration.value} for x in s.leave],
            schema=pa.schema([("leave_id", pa.string()), ("clinician_id", pa.string()), ("leave_type", pa.string()),
                              ("start_date", pa.date32()), ("end_date", pa.date32()), ("status", pa.string()),
                              ("duration", pa.string())]),
        ),
        "sick_leave": pa.Table.from_pylist(
            [{"sick_id": x.sick_id, "clinician_id": x.clinician_id, "start_date": x.start_date, "end_date": x.end_date}
             for x in s.sick_leave],
            schema=pa.schema([("sick_id", pa.string()), ("clinician_id", pa.string()), ("start_date", pa.date32()),
                              ("end_date", pa.date32())]),
        ),
        "locum_bookings": pa.Table.from_pylist(
            [{"booking_id": x.booking_id, "clinician_id": x.clinician_id, "dates": list(x.dates)}
             for x in s.locum_bookings],
            schema=pa.schema([("booking_id", pa.string()), ("clinician_id", pa.string()),
                              ("dates", pa.list_(pa.date32()))]),
        ),
        "leave_adjustments": pa.Table.from_pylist(
            [{"adjustment_id": x.adjustment_id, "term_id": x.term_id, "amount": x.amount, "reason": x.reason}
             for x in s.leave_adjustments],
            schema=pa.schema([("adjustment_id", pa.string()), ("term_id", pa.string()), ("amount", dec),
                              ("reason", pa.string())]),
        ),
        "trainer_requirements": pa.Table.from_pylist(
            [{"requirement_id": x.requirement_id, "weekday": x.weekday.name, "clinician_ids": list(x.clinician_ids)}
             for x in s.trainer_requirements],
            schema=pa.schema([("requirement_id", pa.string()), ("weekday", pa.string()),
                              ("clinician_ids", pa.list_(pa.string()))]),
        ),
        "affinity_pairs": pa.Table.from_pylist(
            [{"clinician_a": x.clinician_a, "clinician_b": x.clinician_b} for x in s.affinity_pairs],
            schema=pa.schema([("clinician_a", pa.string()), ("clinician_b", pa.string())]),
        ),
    }


#: shifts written per transaction of an import (bounded memory for a large file, issue 22 item 6)
SHIFT_CHUNK = 50_000

#: table -> (audit entity name, SQL expression of its id)
_AUDIT_IDS = {
    "clinicians": ("clinician", "clinician_id"),
    "working_terms": ("term", "term_id"),
    "leave": ("leave", "leave_id"),
    "sick_leave": ("sick_leave", "sick_id"),
    "locum_bookings": ("locum_booking", "booking_id"),
    "shifts": ("shift", "CAST(shift_id AS VARCHAR)"),
    "leave_adjustments": ("leave_adjustment", "adjustment_id"),
    "trainer_requirements": ("trainer_requirement", "requirement_id"),
    "affinity_pairs": ("affinity_pair", "clinician_a || '+' || clinician_b"),
}


def _replace_practice(con: duckdb.DuckDBPyConnection, snap: PracticeSnapshot, actor: str, source: Path) -> None:
    """Replace the practice tables of a (temporary) workspace with ``snap``.

    Runs as several transactions: DuckDB refuses to delete a referenced parent row in
    the same transaction as its children, and shifts go in chunks of :data:`SHIFT_CHUNK`
    (DuckDB holds a transaction's rows in memory until it commits). That is harmless here
    because the file is the temporary copy; atomicity comes from the final ``os.replace``.
    """
    con.execute("BEGIN")
    high = con.execute(
        "SELECT greatest((SELECT coalesce(max(shift_id), 0) FROM shifts),"
        " (SELECT coalesce(max(TRY_CAST(entity_id AS BIGINT)), 0) FROM audit_log WHERE entity = 'shift'))"
    ).fetchall()[0][0]
    for table in PRACTICE_TABLES_CHILD_FIRST[:7]:
        con.execute(f"DELETE FROM {table}")
    con.execute("COMMIT")
    for table in ("working_terms", "clinicians"):
        con.execute(f"DELETE FROM {table}")

    con.execute("BEGIN")
    at = con.execute("SELECT CAST(current_timestamp AS TIMESTAMP)").fetchall()[0][0]
    tables = _arrow_tables(snap)
    for table in PRACTICE_TABLES_CHILD_FIRST[::-1]:
        if table == "shifts":
            continue
        con.register("_in", tables[table])
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _in")
        con.unregister("_in")
    old_settings = dict(con.execute("SELECT key, CAST(value AS VARCHAR) FROM settings").fetchall())
    new_settings = to_json_values(snap.settings)
    _write_settings(con, new_settings)
    audit = "INSERT INTO audit_log SELECT nextval('audit_seq'), ?, ?, 'import', ?, {id}, NULL, to_json(t), NULL FROM {table} t"
    entities = list(_AUDIT_IDS.items())
    split = [t for t, _ in entities].index("shifts")
    for table, (entity, id_sql) in entities[:split]:
        con.execute(audit.format(id=id_sql, table=table), [at, actor, entity])
    con.execute("COMMIT")

    # shifts, in chunks of SHIFT_CHUNK, each its own transaction: DuckDB keeps a transaction's rows
    # in memory until it commits, and a Python list of a million shifts' columns is large too.
    # The source's ids are kept; blank ones are numbered after the highest id ever used.
    next_id = max([high, *(sh.shift_id for sh in snap.shifts if sh.shift_id is not None)]) + 1
    from dataclasses import replace

    n = next_id
    entity, id_sql = _AUDIT_IDS["shifts"]
    for lo in range(0, len(snap.shifts), SHIFT_CHUNK):
        numbered = []
        for sh in snap.shifts[lo:lo + SHIFT_CHUNK]:
            if sh.shift_id is None:
                sh = replace(sh, shift_id=n)
                n += 1
            numbered.append(sh)
        con.execute("BEGIN")
        con.register("_in", _shift_table(numbered))
        con.execute(
            "INSERT INTO shifts (shift_id, clinician_id, date, shift_type, duration, status, is_pinned, origin,"
            " created_at, cancel_key) SELECT shift_id, clinician_id, date, shift_type, duration, status, is_pinned,"
            " origin, ?, CASE WHEN status = 'CANCELLED' THEN shift_id ELSE 0 END FROM _in",
            [at],
        )
        con.execute(audit.format(id=id_sql, table="shifts") + " WHERE t.shift_id IN (SELECT shift_id FROM _in)",
                    [at, actor, entity])
        con.unregister("_in")
        con.execute("COMMIT")

    con.execute("BEGIN")
    con.execute("DROP SEQUENCE shift_seq")
    con.execute(f"CREATE SEQUENCE shift_seq START {n}")
    for table, (entity, id_sql) in entities[split + 1:]:
        con.execute(audit.format(id=id_sql, table=table), [at, actor, entity])
    counts = {table: len(tables[table]) if table in tables else len(snap.shifts) for table in _AUDIT_IDS}
    con.execute(
        "INSERT INTO audit_log VALUES (nextval('audit_seq'), ?, ?, 'import', 'settings', 'practice', CAST(? AS JSON), CAST(? AS JSON), NULL)",
        [at, actor, to_json({k: json.loads(v) for k, v in sorted(old_settings.items())}) if old_settings else None,
         to_json({k: json.loads(v) for k, v in new_settings.items()})],
    )
    con.execute(
        "INSERT INTO audit_log VALUES (nextval('audit_seq'), ?, ?, 'import', 'workspace', 'practice', NULL, CAST(? AS JSON), NULL)",
        [at, actor, to_json({"source": str(source), "counts": counts})],
    )
    con.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")


@contextmanager
def _named(target: Path) -> Iterator[None]:
    """A write failure on the hidden temporary copy is reported as one on ``target``."""
    try:
        yield
    except (CannotWrite, duckdb.IOException) as err:
        raise cannot_write(target, err) from None


def import_source(workspace: str | Path, source: str | Path, actor: str = "cli") -> ImportSummary:
    """Validate ``source`` and make it the practice data of ``workspace`` (created if missing).

    Raises :class:`~rotacc_lab.errors.ValidationError` listing every problem; in that
    case (and on any other failure) an existing workspace file is left untouched.
    """
    target = import_target(workspace)
    source = workspace_path(source, "source")
    if not target.parent.is_dir():
        raise cannot_write(target)
    result = read_source_full(source)  # raises before anything is opened
    snap = result.snapshot
    leftovers.sweep(target)  # hidden copies left by killed imports
    tmp = leftovers.temp_path(target, "import")
    created = not target.exists()
    with ExitStack() as stack:
        try:
            with os_errors_as(f"cannot import into {target}"), _named(target):
                if created:
                    Workspace.create(tmp, snap.settings)  # 0600
                else:
                    Workspace.open(target)  # upgrades an older schema before copying
                    held = stack.enter_context(Workspace(target).connect(read_only=False))
                    held.execute("CHECKPOINT")
                    copy_private(target, tmp)
                with private_umask():
                    con = duckdb.connect(str(tmp))
                    try:
                        _replace_practice(con, snap, actor, source)
                        version = int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])
                    finally:
                        con.close()
                if not created:  # the copy stayed 0600 while it was written; the workspace keeps its own mode
                    os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
                os.replace(tmp, target)
        finally:
            for path in (tmp, Path(f"{tmp}.wal")):
                path.unlink(missing_ok=True)
    counts = {
        "clinicians": len(snap.clinicians),
        "working_terms": len(snap.terms),
        "leave": len(snap.leave),
        "sick_leave": len(snap.sick_leave),
        "locum_bookings": len(snap.locum_bookings),
        "shifts": len(snap.shifts),
        "leave_adjustments": len(snap.leave_adjustments),
        "trainer_requirements": len(snap.trainer_requirements),
        "affinity_pairs": len(snap.affinity_pairs),
    }
    return ImportSummary(target, source, created, counts, result.warnings, version)
