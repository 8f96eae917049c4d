"""Generation run records: the lock that stops two generations overlapping.

A run moves PENDING -> RUNNING -> COMPLETED or FAILED. :func:`begin_run` checks
for an active (PENDING/RUNNING) run with an overlapping date range and inserts
the new PENDING run in the *same* transaction; DuckDB's single-writer lock makes
that check-and-insert atomic across processes. A run whose process died stays
RUNNING until someone clears it with :func:`fail_run`
(``rotacc-lab runs WORKSPACE --fail ID``).
"""

from __future__ import annotations

from datetime import date

from ..errors import RotaccError, RunConflict
from .workspace import Tx, Workspace, to_json

ACTIVE = ("PENDING", "RUNNING")


def _describe(row: tuple) -> str:
    run_id, start, end, phases, actor, created, status = row
    return (
        f"run {run_id} ({start}..{end}, phases {','.join(map(str, phases))}, started by {actor} at "
        f"{created:%Y-%m-%d %H:%M:%S}) is still {status}"
    )


def begin_run(ws: Workspace, start: date, end: date, phases: tuple[int, ...], params: dict, actor: str) -> int:
    """Record a new PENDING run and return its id, or raise RunConflict naming the active overlapping run."""
    if end < start:
        raise RotaccError(f"run end {end} is before start {start}; give end >= start")
    phases = tuple(int(p) for p in phases)
    bad = [p for p in phases if not 1 <= p <= 6]
    if bad or not phases:
        raise RotaccError(f"phases {phases!r} are not accepted; give one or more of 1..6")
    with ws.transaction(actor) as tx:
        clash = tx.con.execute(
            "SELECT run_id, start_date, end_date, phases, actor, created_at, status FROM generation_runs"
            " WHERE status IN ('PENDING', 'RUNNING') AND start_date <= ? AND end_date >= ? ORDER BY run_id LIMIT 1",
            [end, start],
        ).fetchall()
        clash = clash[0] if clash else None
        if clash:
            raise RunConflict(
                f"{_describe(clash)}; wait for it or mark it failed with "
                f"`rotacc-lab runs {ws.path} --fail {clash[0]}`"
            )
        run_id = int(tx.con.execute("SELECT nextval('run_seq')").fetchall()[0][0])
        tx.con.execute(
            "INSERT INTO generation_runs (run_id, start_date, end_date, phases, params, status, actor, created_at)"
            " VALUES (?, ?, ?, ?, CAST(? AS JSON), 'PENDING', ?, ?)",
            [run_id, start, end, list(phases), to_json(params or {}), actor, tx.at],
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


def finish_run(tx: Tx, run_id: int, stats: dict) -> None:
    """Inside the caller's write transaction: mark the run COMPLETED with its stats."""
    _set_status(tx, run_id, ACTIVE, "COMPLETED", ", completed_at = ?, stats = CAST(? AS JSON)",
                [tx.at, to_json(stats or {})], {"stats": stats or {}})


def fail_run(ws: Workspace, run_id: int, error: str, actor: str = "system") -> None:
    """Mark an active run FAILED (also the way to clear a run whose process died)."""
    with ws.transaction(actor) as tx:
        _set_status(tx, run_id, ACTIVE, "FAILED", ", completed_at = ?, error = ?", [tx.at, error],
                    {"error": error})
