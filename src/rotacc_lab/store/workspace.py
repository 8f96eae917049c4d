"""The workspace: one DuckDB file per practice, opened briefly and never left open.

DuckDB locks a file per process and exclusively (see docs/architecture): while
one process has it open read-write nobody else can open it at all. So every
operation here opens a connection, does its work and closes it again, and a
busy file is retried with jittered exponential back-off for
``ROTACC_BUSY_TIMEOUT`` seconds (default 10) before
:class:`~rotacc_lab.errors.WorkspaceBusy` is raised with a message naming the
file. A raw DuckDB lock error never escapes.

Writers are not starved by readers: a writer that finds the file busy leaves a
*writer-intent* marker beside it (``.WS.write-intent-...``, see
:mod:`.leftovers`) and refreshes it while it retries; readers that see a fresh
marker hold back before trying, so the readers' short connections drain and the
writer gets in. Connections are opened under a ``077`` umask
(:func:`~rotacc_lab.private.private_umask`), so the files DuckDB creates itself
(the workspace, its ``.wal``) are private.

Writes go through :meth:`Workspace.transaction`, which yields a :class:`Tx`:
one connection, one ``BEGIN`` .. ``COMMIT`` (``ROLLBACK`` on any exception),
``data_version`` bumped once, and an audit row for every mutation.
"""

from __future__ import annotations

import json
import os
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb
import pyarrow as pa

from ..domain import (
    AffinityPair,
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveAdjustment,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
    TermType,
    TrainerRequirement,
    Weekday,
    WorkingTerm,
)
from ..errors import RotaccError, WorkspaceBusy, WorkspaceNotFound, cannot_write, os_errors_as
from ..private import copy_private, open_private, private_umask
from . import leftovers, migrations
from .rows import jsonable as _jsonable
from .rows import shift_row  # noqa: F401 - re-exported (audit records of shifts)
from .settings_io import from_json_values, to_json_values
from ..domain import canonical
from ..args import path_arg

ALERT_SEVERITIES = ("info", "warning", "critical")
#: the keys of every alert :meth:`Workspace.list_alerts` returns
ALERT_FIELDS = ("alert_id", "run_id", "kind", "date", "clinician_id", "message", "severity", "created_at",
                "resolved_at", "resolved_by", "resolution_note")


def busy_timeout() -> float:
    """Seconds to keep retrying a locked workspace (env ``ROTACC_BUSY_TIMEOUT``, default 10)."""
    raw = os.environ.get("ROTACC_BUSY_TIMEOUT", "10")
    try:
        value = float(raw)
    except ValueError:
        raise RotaccError(f"ROTACC_BUSY_TIMEOUT: {raw!r} is not a number of seconds; give e.g. 10") from None
    return max(value, 0.0)


def _is_lock_error(err: Exception) -> bool:
    text = str(err).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


#: a writer-intent marker not refreshed for this long is ignored (its writer died or gave up)
INTENT_FRESH_S = 2.0
#: longest pause between a waiting writer's attempts, and a reader's (seconds)
WRITER_MAX_DELAY = 0.1
READER_MAX_DELAY = 0.5


def _writer_waiting(path: Path) -> bool:
    """Is a writer (in another thread or process) waiting for ``path``? (a fresh intent marker beside it)"""
    prefix = leftovers.intent_prefix(path)
    now = time.time()
    try:
        with os.scandir(path.parent) as it:
            for entry in it:
                if entry.name.startswith(prefix):
                    try:
                        if now - entry.stat().st_mtime < INTENT_FRESH_S:
                            return True
                    except FileNotFoundError:
                        continue
    except OSError:
        return False
    return False


def workspace_path(value: object, what: str = "workspace") -> Path:
    """``value`` as a ``Path`` (a ``str`` or ``os.PathLike``); anything else raises ``RotaccError`` naming ``what``."""
    return path_arg(value, what, "give the workspace file, e.g. 'practice.duckdb'")


def import_target(value: object) -> Path:
    """The workspace file an import writes: a path (see :func:`workspace_path`) that is not a folder."""
    target = workspace_path(value)
    if target.is_dir():
        raise RotaccError(f"workspace {target} is a folder, not a workspace file; give a .duckdb file to import into")
    return target


def to_json(v: Any) -> str | None:
    """JSON text for audit/params/stats columns (dates ISO, decimals as strings)."""
    return None if v is None else json.dumps(_jsonable(v), sort_keys=True)


_SHIFT_ARROW = pa.schema(
    [
        ("shift_id", pa.int64()),
        ("clinician_id", pa.string()),
        ("date", pa.date32()),
        ("shift_type", pa.string()),
        ("duration", pa.string()),
        ("status", pa.string()),
        ("is_pinned", pa.bool_()),
        ("origin", pa.string()),
    ]
)
_AUDIT_ARROW = pa.schema(
    [
        ("action", pa.string()),
        ("entity", pa.string()),
        ("entity_id", pa.string()),
        ("before", pa.string()),
        ("after", pa.string()),
    ]
)


def _shift_table(shifts: list[Shift]) -> pa.Table:
    # column by column: a million shifts as a million dicts would take ~350 MB on the way
    return pa.Table.from_pydict(
        {
            "shift_id": [s.shift_id for s in shifts],
            "clinician_id": [s.clinician_id for s in shifts],
            "date": [s.date for s in shifts],
            "shift_type": [s.shift_type.value for s in shifts],
            "duration": [s.duration.value for s in shifts],
            "status": [s.status.value for s in shifts],
            "is_pinned": [bool(s.is_pinned) for s in shifts],
            "origin": [s.origin for s in shifts],
        },
        schema=_SHIFT_ARROW,
    )


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """Expose an Arrow table to SQL as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        try:
            con.unregister(name)
        except duckdb.Error:  # an aborted transaction refuses; the original error matters more
            pass


class Tx:
    """One open write transaction (what :meth:`Workspace.transaction` yields)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, actor: str, at: datetime):
        self.con = con
        self.actor = actor
        self.at = at

    # audit ---------------------------------------------------------------------
    def audit(self, entity: str, entity_id: str, action: str, before: dict | None, after: dict | None,
              run_id: int | None = None) -> None:
        """Record one mutation (``before``/``after`` are plain dicts or None)."""
        self.con.execute(
            "INSERT INTO audit_log VALUES (nextval('audit_seq'), ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.at, self.actor, action, entity, str(entity_id), to_json(before), to_json(after), run_id],
        )

    def audit_many(self, rows: list[tuple[str, str, str, dict | None, dict | None]], run_id: int | None = None) -> None:
        """Set-based audit insert; each row is ``(action, entity, entity_id, before, after)``."""
        if not rows:
            return
        tbl = pa.Table.from_pylist(
            [
                {"action": a, "entity": e, "entity_id": str(i), "before": to_json(b), "after": to_json(f)}
                for a, e, i, b, f in rows
            ],
            schema=_AUDIT_ARROW,
        )
        with registered(self.con, "_audit_in", tbl):
            self.con.execute(
                "INSERT INTO audit_log SELECT nextval('audit_seq'), ?, ?, action, entity, entity_id,"
                " CAST(before AS JSON), CAST(after AS JSON), ? FROM _audit_in",
                [self.at, self.actor, run_id],
            )

    # conveniences inside an open transaction: each one is a ChangeSet written by the committer
    def _fetch_shifts(self, ids: list[int]) -> dict[int, Shift]:
        from .committer import _current

        found = _current(self, "shift", ids) if ids else {}
        missing = [i for i in ids if i not in found]
        if missing:
            raise RotaccError(f"shift id(s) {', '.join(map(str, missing[:20]))} do not exist in this workspace")
        return found

    def _write(self, rows: tuple, run_id: int | None, alerts: tuple = ()):
        from ..changes import ChangeSet
        from .committer import write

        return write(self, ChangeSet(f"written by {self.actor}", rows, alerts), run_id=run_id)

    def insert_shifts(self, shifts: Iterable[Shift], run_id: int | None = None) -> list[int]:
        """Insert shifts with new ids from the workspace sequence (any given ``shift_id`` is ignored)."""
        from dataclasses import replace

        from ..changes import shift_rows

        shifts = [replace(s, shift_id=None) for s in shifts]
        if not shifts:
            return []
        done = self._write(shift_rows(inserts=shifts), run_id)
        return [s.shift_id for s in done.inserted("shift")]

    def delete_shifts(self, shift_ids: Iterable[int], run_id: int | None = None) -> None:
        from ..changes import shift_rows

        ids = list(dict.fromkeys(int(i) for i in shift_ids))
        before = self._fetch_shifts(ids)
        if ids:
            self._write(shift_rows(deletes=[before[i] for i in ids]), run_id)

    def update_shifts(self, shifts: Iterable[Shift], run_id: int | None = None) -> None:
        """Overwrite existing shifts (matched by ``shift_id``) with the given values."""
        from ..changes import shift_rows

        shifts = list(shifts)
        if any(s.shift_id is None for s in shifts):
            raise RotaccError("update_shifts needs shifts with a shift_id; use insert_shifts for new shifts")
        ids = [int(s.shift_id) for s in shifts]  # type: ignore[arg-type]
        if len(set(ids)) != len(ids):
            raise RotaccError("update_shifts got the same shift_id twice")
        before = self._fetch_shifts(ids)
        if shifts:
            self._write(shift_rows(updates=[(before[int(s.shift_id)], s) for s in shifts]), run_id)  # type: ignore[arg-type]

    def add_alerts(self, alerts: Iterable[dict], run_id: int | None = None) -> None:
        """Insert alerts: dicts with kind, date, clinician_id, message, severity."""
        from ..changes import Alert, ChangeError

        try:
            parsed = tuple(Alert.from_dict(a) for a in alerts)
        except ChangeError as err:
            raise RotaccError(str(err).replace("alert.", "an alert's ", 1)) from None
        if parsed:
            self._write((), run_id, parsed)


@dataclass
class Workspace:
    """Handle on one workspace file. Holds no connection between calls."""

    path: Path
    read_only: bool = False

    # lifecycle -------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, settings: Settings | None = None) -> "Workspace":
        """Create a new workspace file (``0600``) at the current schema version (error if it exists)."""
        path = workspace_path(path)
        if path.exists():
            raise RotaccError(f"workspace {path} already exists; choose another path or import into it")
        if not path.parent.is_dir():
            raise cannot_write(path)
        try:
            with private_umask():
                con = duckdb.connect(str(path))
                try:
                    migrations.create_version_1(con)
                    migrations.migrate(con)
                finally:
                    con.close()
            ws = cls(path)
            ws.save_settings(settings or Settings(), actor="system", action="create")
        except BaseException as err:
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)
            if isinstance(err, duckdb.IOException):
                raise cannot_write(path, err) from None
            raise
        return ws

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> "Workspace":
        """Open an existing workspace; upgrade its schema when opened writable.

        A read-only handle on an older schema version is allowed (the readers cope
        with the columns later migrations add: ``list_runs`` and ``list_alerts`` fill
        them with None); it is upgraded on the next writable open.
        """
        path = workspace_path(path)
        if not isinstance(read_only, bool):
            raise RotaccError(f"read_only: {read_only!r} is not accepted; give True or False")
        if path.is_dir():
            raise RotaccError(f"workspace {path} is a folder, not a workspace file; give the .duckdb file inside it"
                              " (or import the folder with `rotacc-lab import WORKSPACE FOLDER`)")
        if not path.is_file():
            raise WorkspaceNotFound(
                f"workspace {path} does not exist; create it with `rotacc-lab init {path}` or `rotacc-lab import {path} SOURCE`"
            )
        leftovers.sweep(path)  # hidden temporary files of killed imports or branches
        ws = cls(path, read_only=read_only)
        with ws.connect() as con:
            try:
                version = migrations.schema_version(con)
            except duckdb.CatalogException:
                raise RotaccError(f"{path} is a DuckDB file but not a rotacc-lab workspace (no meta table)") from None
            if version > migrations.SCHEMA_VERSION:
                raise RotaccError(
                    f"workspace {path} has schema version {version}, newer than this rotacc-lab "
                    f"(knows up to {migrations.SCHEMA_VERSION}); upgrade rotacc-lab"
                )
            if version < migrations.SCHEMA_VERSION and not read_only:
                migrations.migrate(con)
        return ws

    # connections -------------------------------------------------------------------
    @contextmanager
    def connect(self, read_only: bool | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; retries a locked file, then raises WorkspaceBusy."""
        ro = self.read_only if read_only is None else read_only
        if self.read_only and not ro:
            raise RotaccError(f"workspace {self.path} was opened read-only; open it writable to change it")
        with private_umask():
            con = self._connect_retrying(ro)
            try:
                yield con
            finally:
                con.close()

    def _connect_retrying(self, ro: bool) -> duckdb.DuckDBPyConnection:
        """Open a connection, retrying a locked file with jittered back-off for :func:`busy_timeout` seconds.

        A writer that has to wait leaves a writer-intent marker (refreshed on every
        attempt, removed when it gets in or gives up); a reader that sees a fresh
        marker waits before its attempt, for at most half its budget, so that a
        writer is not starved by readers in tight loops.
        """
        budget = busy_timeout()
        start = time.monotonic()
        delay = 0.01
        attempts = 0
        intent: Path | None = None
        try:
            while True:
                elapsed = time.monotonic() - start
                if ro and elapsed < budget / 2 and _writer_waiting(self.path):
                    time.sleep(random.uniform(0.005, 0.02))  # let the waiting writer in first
                    continue
                attempts += 1
                try:
                    return duckdb.connect(str(self.path), read_only=ro)
                except duckdb.ConnectionException as err:
                    # this process already holds the file with another configuration
                    if ro and "different configuration" in str(err):
                        ro = False  # share the writable instance this process already has
                        continue
                    last = err
                except duckdb.IOException as err:
                    if not _is_lock_error(err):
                        raise RotaccError(f"cannot open workspace {self.path}: {err}") from None
                    last = err
                elapsed = time.monotonic() - start
                if elapsed >= budget:
                    raise WorkspaceBusy(
                        f"workspace {self.path} is busy (another process has it open); tried for {elapsed:.1f} s "
                        f"({attempts} attempts). Close the other notebook/dashboard/command, or raise "
                        f"ROTACC_BUSY_TIMEOUT (now {budget:g} s). DuckDB said: {str(last).splitlines()[0]}"
                    ) from None
                if not ro:
                    intent = _announce(self.path, intent)
                time.sleep(min(random.uniform(0.5, 1.0) * delay, max(budget - elapsed, 0.0)))
                delay = min(delay * 2, WRITER_MAX_DELAY if not ro else READER_MAX_DELAY)
        finally:
            if intent is not None:
                intent.unlink(missing_ok=True)

    @contextmanager
    def transaction(self, actor: str) -> Iterator[Tx]:
        """One write transaction: COMMIT on normal exit, ROLLBACK on exception, data_version + 1."""
        if not actor:
            raise RotaccError("transaction needs an actor (who is making the change)")
        with self.connect(read_only=False) as con:
            con.execute("BEGIN")
            try:
                at = con.execute("SELECT CAST(current_timestamp AS TIMESTAMP)").fetchall()[0][0]
                tx = Tx(con, actor, at)
                yield tx
                con.execute(
                    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
                )
                con.execute("COMMIT")
            except BaseException as err:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # no transaction left (a failed COMMIT ends it): report the cause, not the rollback
                if isinstance(err, duckdb.IOException) or (
                        isinstance(err, duckdb.TransactionException) and "Failed to commit" in str(err)):
                    raise cannot_write(self.path, err) from None  # e.g. its folder refuses the .wal file
                raise

    # reads ----------------------------------------------------------------------
    def data_version(self) -> int:
        with self.connect(read_only=True) as con:
            return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])

    def meta(self) -> dict[str, str]:
        with self.connect(read_only=True) as con:
            return dict(con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())

    def load_settings(self) -> Settings:
        with self.connect(read_only=True) as con:
            return from_json_values(dict(con.execute("SELECT key, CAST(value AS VARCHAR) FROM settings").fetchall()))

    def load_snapshot(self) -> PracticeSnapshot:
        """Read the whole practice into an immutable snapshot (connection closed before returning)."""
        with self.connect(read_only=True) as con:
            return read_snapshot(con)

    def read_rows(self, entity: str) -> list[Any]:
        """Every row of one entity's table as domain objects (e.g. ``"swap_request"``), without a snapshot."""
        from .rows import TABLES

        t = TABLES[entity]
        with self.connect(read_only=True) as con:
            return [t.from_db(r) for r in con.execute(f"SELECT {t.select()} FROM {t.name}").fetchall()]

    def audit_history(self, entity: str, entity_id: str) -> list[dict]:
        """Audit rows of one entity, oldest first."""
        with self.connect(read_only=True) as con:
            cur = con.execute(
                "SELECT audit_id, \"at\", actor, action, entity, entity_id, CAST(before AS VARCHAR) AS before,"
                " CAST(after AS VARCHAR) AS after, run_id FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY audit_id",
                [entity, str(entity_id)],
            )
            return [_with_json(r, ("before", "after")) for r in _dicts(cur)]

    def list_runs(self) -> list[dict]:
        with self.connect(read_only=True) as con:
            # SELECT *: a read-only handle may be on an older schema (owner_* columns from version 4)
            cur = con.execute(
                "SELECT * REPLACE (CAST(params AS VARCHAR) AS params, CAST(stats AS VARCHAR) AS stats)"
                " FROM generation_runs ORDER BY run_id"
            )
            return [_with_json(r, ("params", "stats")) for r in _dicts(cur)]

    def list_alerts(self, include_resolved: bool = False) -> list[dict]:
        """Alerts, oldest first: the open ones (default) or, with ``include_resolved``, all.

        Each dict has ``alert_id, run_id, kind, date, clinician_id, message, severity,
        created_at, resolved_at, resolved_by, resolution_note`` (the last two are None on
        a read-only handle of a file from before schema version 7).
        """
        where = "" if include_resolved else " WHERE resolved_at IS NULL"
        with self.connect(read_only=True) as con:
            # SELECT *: a read-only handle may be on an older schema (resolved_by/resolution_note from version 7)
            cur = con.execute(f"SELECT * FROM alerts{where} ORDER BY alert_id")
            return [{k: r.get(k) for k in ALERT_FIELDS} for r in _dicts(cur)]

    # writes ----------------------------------------------------------------------
    def save_settings(self, settings: Settings, actor: str, action: str = "update",
                      why: tuple[str, str, dict] | None = None) -> None:
        """Replace the practice settings (one audit row with the before/after key-values).

        ``why = (entity, entity_id, details)`` adds a second audit row in the same
        transaction saying what made the change (e.g. a demand forecast).
        """
        from .committer import save_settings

        save_settings(self, settings, actor=actor, action=action, why=why)

    def branch(self, new_path: str | Path, actor: str = "system") -> "Workspace":
        """Copy this workspace to ``new_path`` for a what-if; the original is not modified.

        The file is checkpointed and copied while this process holds the write lock, so
        no other process can change it mid-copy. The copy is written to a hidden
        temporary file (``0600``) and renamed into place, so a crash never leaves a
        half-copied branch. It records its parent and time in ``meta``
        (``branch_parent``, ``branched_at``) and in its audit log.
        """
        new_path = workspace_path(new_path, "branch path")
        if new_path.exists():
            raise RotaccError(f"cannot branch to {new_path}: the file already exists")
        if not new_path.parent.is_dir():
            raise cannot_write(new_path)
        leftovers.sweep(new_path)
        tmp = leftovers.temp_path(new_path, "branch")
        try:
            with os_errors_as(f"cannot branch to {new_path}"):
                with self.connect(read_only=False) as con:
                    con.execute("CHECKPOINT")
                    copy_private(self.path, tmp)
                os.replace(tmp, new_path)
        finally:
            tmp.unlink(missing_ok=True)
        child = Workspace.open(new_path)
        parent = str(self.path.resolve())
        with child.transaction(actor) as tx:
            at = tx.at.isoformat(sep=" ")
            for key, value in (("branch_parent", parent), ("branched_at", at)):
                tx.con.execute("DELETE FROM meta WHERE key = ?", [key])
                tx.con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
            tx.audit("workspace", "branch", "branch", None, {"parent": parent, "branched_at": at})
        return child


def _announce(path: Path, intent: Path | None) -> Path | None:
    """Create (first call) or refresh this thread's writer-intent marker beside ``path``."""
    if intent is None:
        candidate = leftovers.intent_path(path)
        try:
            open_private(candidate, "wb").close()
        except OSError:
            return None  # a folder we cannot write to: no marker, plain retries
        return candidate
    try:
        os.utime(intent)
    except OSError:
        pass
    return intent


def _write_settings(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> None:
    con.execute("DELETE FROM settings")
    con.execute(
        "INSERT INTO settings SELECT k, CAST(v AS JSON) FROM (SELECT unnest(?::VARCHAR[]) AS k, unnest(?::VARCHAR[]) AS v)",
        [list(values), list(values.values())],
    )


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _with_json(row: dict, keys: tuple[str, ...]) -> dict:
    for k in keys:
        if row.get(k) is not None:
            row[k] = json.loads(row[k])
    return row


def read_snapshot(con: duckdb.DuckDBPyConnection, shifts_between: tuple[date, date] | None = None) -> PracticeSnapshot:
    """Build a snapshot from an open connection (shared by load_snapshot, the committer and the importer's checks).

    ``shifts_between=(lo, hi)`` loads only the shifts dated in ``[lo, hi]`` (everything
    else in full): workflows that validate one change need only the weeks around it,
    and reading every shift of a long-lived workspace dominates their cost.
    """
    from .rows import TABLES

    q = lambda sql, params=None: con.execute(sql, params or []).fetchall()  # noqa: E731

    def rows(entity: str, where: str = "", params: list | None = None) -> tuple:
        t = TABLES[entity]
        return tuple(t.from_db(r) for r in q(f"SELECT {t.select()} FROM {t.name}{where}", params))

    shift_filter, shift_params = ("", None) if shifts_between is None else (
        " WHERE date BETWEEN ? AND ?", [shifts_between[0], shifts_between[1]])
    settings = from_json_values(dict(q("SELECT key, CAST(value AS VARCHAR) FROM settings")))
    version = int(q("SELECT value FROM meta WHERE key = 'data_version'")[0][0])
    tables = {r[0] for r in q("SELECT table_name FROM information_schema.tables")}
    seq = q("SELECT start_value, last_value FROM duckdb_sequences() WHERE sequence_name = 'shift_seq'")
    next_shift = None if not seq else int(seq[0][0] if seq[0][1] is None else seq[0][1] + 1)
    snap = PracticeSnapshot(
        settings=settings,
        clinicians=rows("clinician"),
        terms=rows("term"),
        leave=rows("leave"),
        sick_leave=rows("sick_leave"),
        locum_bookings=rows("locum_booking"),
        shifts=rows("shift", shift_filter, shift_params),
        leave_adjustments=rows("leave_adjustment"),
        trainer_requirements=tuple(
            TrainerRequirement(r[0], Weekday[r[1]], tuple(r[2]))
            for r in q("SELECT requirement_id, weekday, clinician_ids FROM trainer_requirements")
        ),
        affinity_pairs=tuple(
            AffinityPair(*r) for r in q("SELECT clinician_a, clinician_b FROM affinity_pairs")
        ),
        data_version=version,
        swap_requests=rows("swap_request") if "swap_requests" in tables else (),
        next_shift_id=next_shift,
        generated_ranges=tuple(
            (r[0], r[1]) for r in q("SELECT start_date, end_date FROM generation_runs"
                                    " WHERE status = 'COMPLETED' ORDER BY start_date, end_date")
        ),
    )
    return canonical(snap)
