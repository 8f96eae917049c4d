"""Generation run records: the lock that stops two generations overlapping.

A run moves PENDING -> RUNNING -> COMPLETED or FAILED. :func:`begin_run` checks
for an active (PENDING/RUNNING) run with an overlapping date range and inserts
the new PENDING run in the *same* transaction; DuckDB's single-writer lock makes
that check-and-insert atomic across processes.

Every run records the process that owns it (host, PID, start time; see
:mod:`.processes`). An active run whose process is gone (same host, PID not
alive or reused by a later process) is marked FAILED automatically, with a
message saying so, by the next :func:`begin_run` and by :func:`fail_dead_runs`
(``rotacc-lab runs``). A run owned by a live process, or by one on another
host, is only cleared by hand with :func:`fail_run`
(``rotacc-lab runs WORKSPACE --fail ID``).

Clearing a run whose process is still alive is safe: the owner's commit
transaction starts with :func:`check_owner`, which finds the run no longer
RUNNING (or no longer its own) and raises :class:`RunLost`, so the late result
is rolled back instead of colliding with whatever was written meanwhile.
"""

from __future__ import annotations

from datetime import date

from ..errors import RotaccError, RunConflict
from . import processes
from .processes import Liveness, ProcessId
from .workspace import Tx, Workspace, to_json

ACTIVE = ("PENDING", "RUNNING")

_RUN_COLS = "run_id, start_date, end_date, phases, actor, created_at, status, owner_host, owner_pid, owner_started"


class RunLost(RunConflict):
    """The run this process was executing was cleared (or taken) by someone else; nothing was written."""


def _owner(row: tuple) -> ProcessId | None:
    host, pid, started = row[7:10]
    return None if host is None or pid is None else ProcessId(host, int(pid), started)


def _describe(row: tuple) -> str:
    run_id, start, end, phases, actor, created, status = row[:7]
    owner = _owner(row)
    by = f", {owner}" if owner else ""
    return (
        f"run {run_id} ({start}..{end}, phases {','.join(map(str, phases))}, started by {actor} at "
        f"{created:%Y-%m-%d %H:%M:%S}{by}) is still {status}"
    )


def _gone_message(owner: ProcessId) -> str:
    return f"{owner} ended without finishing the run (killed or crashed); marked FAILED automatically"


def _fail_dead(tx: Tx, where: str = "", params: list | None = None) -> list[int]:
    """Mark FAILED every active run (matching ``where``) whose owner process is gone; return their ids."""
    rows = tx.con.execute(
        f"SELECT {_RUN_COLS} FROM generation_runs WHERE status IN ('PENDING', 'RUNNING'){where} ORDER BY run_id",
        params or [],
    ).fetchall()
    failed = []
    for row in rows:
        owner = _owner(row)
        if owner is not None and processes.liveness(owner) is Liveness.GONE:
            _set_status(tx, row[0], ACTIVE, "FAILED", ", completed_at = ?, error = ?", [tx.at, _gone_message(owner)],
                        {"error": _gone_message(owner)})
            failed.append(int(row[0]))
    return failed


def fail_dead_runs(ws: Workspace, actor: str = "system") -> list[int]:
    """Mark FAILED every active run whose process is gone; return their ids (no write when there are none)."""
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            f"SELECT {_RUN_COLS} FROM generation_runs WHERE status IN ('PENDING', 'RUNNING')"
        ).fetchall()
    if not any((o := _owner(r)) is not None and processes.liveness(o) is Liveness.GONE for r in rows):
        return []
    with ws.transaction(actor) as tx:
        return _fail_dead(tx)


def owner_liveness(ws: Workspace, run_id: int) -> tuple[ProcessId | None, Liveness | None]:
    """The recorded owner of a run and whether it is alive (``(None, None)`` for runs from before owners were kept)."""
    with ws.connect(read_only=True) as con:
        rows = con.execute(f"SELECT {_RUN_COLS} FROM generation_runs WHERE run_id = ?", [run_id]).fetchall()
    owner = _owner(rows[0]) if rows else None
    return owner, (processes.liveness(owner) if owner else None)


def begin_run(ws: Workspace, start: date, end: date, phases: tuple[int, ...], params: dict, actor: str) -> int:
    """Record a new PENDING run and return its id, or raise RunConflict naming the active overlapping run."""
    if end < start:
        raise RotaccError(f"run end {end} is before start {start}; give end >= start")
    phases = tuple(int(p) for p in phases)
    bad = [p for p in phases if not 1 <= p <= 6]
    if bad or not phases:
        raise RotaccError(f"phases {phases!r} are not accepted; give one or more of 1..6")
    me = processes.current()
    overlap = " AND start_date <= ? AND end_date >= ?"
    with ws.transaction(actor) as tx:
        _fail_dead(tx, overlap, [end, start])
        clash = tx.con.execute(
            f"SELECT {_RUN_COLS} FROM generation_runs"
            f" WHERE status IN ('PENDING', 'RUNNING'){overlap} ORDER BY run_id LIMIT 1",
            [end, start],
        ).fetchall()
        clash = clash[0] if clash else None
        if clash:
            owner = _owner(clash)
            alive = ""
            if owner is not None:
                state = processes.liveness(owner)
                alive = (" and its process is alive" if state is Liveness.ALIVE
                         else f" and its process is {state.value}, so it cannot be checked from here")
            raise RunConflict(
                f"{_describe(clash)}{alive}; wait for it or mark it failed with "
                f"`rotacc-lab runs {ws.path} --fail {clash[0]}`"
            )
        run_id = int(tx.con.execute("SELECT nextval('run_seq')").fetchall()[0][0])
        tx.con.execute(
            "INSERT INTO generation_runs (run_id, start_date, end_date, phases, params, status, actor, created_at,"
            " owner_host, owner_pid, owner_started) VALUES (?, ?, ?, ?, CAST(? AS JSON), 'PENDING', ?, ?, ?, ?, ?)",
            [run_id, start, end, list(phases), to_json(params or {}), actor, tx.at, me.host, me.pid, me.started],
        )
        tx.audit("run", str(run_id), "begin", None,
                 {"start": start, "end": end, "phases": list(phases), "status": "PENDING"}, run_id=run_id)
    return run_id


def _status(tx: Tx, run_id: int) -> str:
    row = tx.con.execute("SELECT status FROM generation_runs WHERE run_id = ?", [run_id]).fetchall()
    row = row[0] if row else None
    if row is None:
        raise RotaccError(f"run {run_id} does not exist; `rotacc-lab runs WORKSPACE` lists the runs")
    return row[0]


def _set_status(tx: Tx, run_id: int, allowed_from: tuple[str, ...], status: str, sql_extra: str, params: list,
                after: dict) -> None:
    old = _status(tx, run_id)
    if old not in allowed_from:
        raise RotaccError(f"run {run_id} is {old}; it can become {status} only from {' or '.join(allowed_from)}")
    tx.con.execute(f"UPDATE generation_runs SET status = ?{sql_extra} WHERE run_id = ?", [status, *params, run_id])
    tx.audit("run", str(run_id), status.lower(), {"status": old}, {"status": status, **after}, run_id=run_id)


def mark_running(ws: Workspace, run_id: int) -> None:
    """PENDING -> RUNNING (records started_at)."""
    with ws.transaction("system") as tx:
        _set_status(tx, run_id, ("PENDING",), "RUNNING", ", started_at = ?", [tx.at], {})


def check_owner(tx: Tx, run_id: int) -> None:
    """Inside the commit transaction, before anything is written: the run must still be
    RUNNING and owned by this process; otherwise raise :class:`RunLost` (the caller's
    transaction then rolls back, so a run cleared by hand never half-writes its result)."""
    rows = tx.con.execute(
        f"SELECT {_RUN_COLS}, error FROM generation_runs WHERE run_id = ?", [run_id]
    ).fetchall()
    if not rows:
        raise RunLost(f"run {run_id} does not exist any more; nothing was written")
    row = rows[0]
    status, owner, error = row[6], _owner(row), row[10]
    me = processes.current()
    if status != "RUNNING":
        why = f" ({error})" if error else ""
        raise RunLost(
            f"run {run_id} was marked {status} by someone else while it ran{why}; its result was not written."
            " Generate again if the rota is still wanted"
        )
    if owner is not None and (owner.host, owner.pid) != (me.host, me.pid):
        raise RunLost(f"run {run_id} belongs to {owner}, not to this {me}; its result was not written")


def finish_run(tx: Tx, run_id: int, stats: dict) -> None:
    """Inside the caller's write transaction: mark the run COMPLETED with its stats (after :func:`check_owner`)."""
    check_owner(tx, run_id)
    _set_status(tx, run_id, ACTIVE, "COMPLETED", ", completed_at = ?, stats = CAST(? AS JSON)",
                [tx.at, to_json(stats or {})], {"stats": stats or {}})


def fail_run(ws: Workspace, run_id: int, error: str, actor: str = "system") -> None:
    """Mark an active run FAILED (also the way to clear a run by hand).

    For the run's own process this is idempotent: a run that was already marked
    FAILED (by hand, while it ran) stays as it is, so the owner's clean-up after a
    :class:`RunLost` does not fail a second time.
    """
    me = processes.current()
    with ws.transaction(actor) as tx:
        rows = tx.con.execute(f"SELECT {_RUN_COLS} FROM generation_runs WHERE run_id = ?", [run_id]).fetchall()
        if rows and rows[0][6] == "FAILED" and (owner := _owner(rows[0])) is not None \
                and (owner.host, owner.pid) == (me.host, me.pid):
            return
        _set_status(tx, run_id, ACTIVE, "FAILED", ", completed_at = ?, error = ?", [tx.at, error],
                    {"error": error})
