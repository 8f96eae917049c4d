"""The outbox table: delivery state of queued notifications (claim, finish, reconcile, requeue).

New messages are written by the committer with the change that causes them
(:mod:`rotacc_lab.store.committer`); this module holds the delivery bookkeeping
that :class:`rotacc_lab.workflows.notifications.OutboxSender` drives: each
state change is one short transaction with its audit row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..errors import RotaccError
from .workspace import Tx, Workspace

COLUMNS = ("message_id, clinician_id, to_address, subject, body, status, attempts, next_attempt_at, claimed_at,"
           " provider_message_id, created_at, sent_at, last_error")

#: fields whose before/after the audit log keeps for every outbox update
AUDITED = ("status", "attempts", "next_attempt_at", "provider_message_id", "sent_at", "last_error")


def rows(ws: Workspace, status: str | None = None) -> list[dict]:
    """Outbox rows, oldest first, optionally of one status."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    with ws.connect(read_only=True) as con:
        cur = con.execute(f"SELECT {COLUMNS} FROM outbox {where} ORDER BY created_at, message_id", params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def _get(tx: Tx, message_id: str) -> dict | None:
    cur = tx.con.execute(f"SELECT {COLUMNS} FROM outbox WHERE message_id = ?", [message_id])
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row))


def _set(tx: Tx, message_id: str, before: dict, **values) -> None:
    """Update one outbox row and audit the status fields before/after."""
    assign = ", ".join(f"{k} = ?" for k in values)
    tx.con.execute(f"UPDATE outbox SET {assign} WHERE message_id = ?", [*values.values(), message_id])
    after = {**before, **values}
    tx.audit("outbox", message_id, "update", {k: before[k] for k in AUDITED}, {k: after[k] for k in AUDITED})


def requeue(ws: Workspace, message_id: str, actor: str, now: datetime) -> None:
    """Put a FAILED row back in the queue (attempts reset)."""
    with ws.transaction(actor) as tx:
        row = _get(tx, message_id)
        if row is None:
            raise RotaccError(f"outbox message {message_id!r} does not exist")
        if row["status"] != "FAILED":
            raise RotaccError(f"outbox message {message_id!r} is {row['status']}; only FAILED messages can be requeued")
        if not row["to_address"]:
            raise RotaccError(f"outbox message {message_id!r} has no recipient address; it cannot be sent")
        _set(tx, message_id, row, status="QUEUED", attempts=0, next_attempt_at=now, claimed_at=None,
             last_error=None)


def reconcile(ws: Workspace, actor: str, cutoff: datetime, verdict: Callable[[dict], str]) -> list[str]:
    """Mark SENDING rows claimed at or before ``cutoff`` FAILED with ``verdict(row)``; return their ids."""
    done = []
    with ws.transaction(actor) as tx:
        ids = [r[0] for r in tx.con.execute(
            "SELECT message_id FROM outbox WHERE status = 'SENDING' AND claimed_at <= ? ORDER BY message_id",
            [cutoff]).fetchall()]
        for mid in ids:
            row = _get(tx, mid)
            _set(tx, mid, row, status="FAILED", last_error=verdict(row))
            done.append(mid)
    return done


def claim(ws: Workspace, actor: str, now: datetime) -> dict | None:
    """QUEUED -> SENDING for the oldest due row (attempts + 1, claimed now); None when none is due."""
    with ws.transaction(actor) as tx:
        found = tx.con.execute(
            "SELECT message_id FROM outbox WHERE status = 'QUEUED' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, created_at, message_id LIMIT 1", [now]).fetchone()
        if found is None:
            return None
        row = _get(tx, found[0])
        _set(tx, row["message_id"], row, status="SENDING", attempts=row["attempts"] + 1, claimed_at=now)
        row.update(status="SENDING", attempts=row["attempts"] + 1, claimed_at=now)
        return row


def finish(ws: Workspace, actor: str, row: dict, values: dict) -> None:
    """Record the outcome of a send, unless the row was reconciled meanwhile (its verdict is kept)."""
    with ws.transaction(actor) as tx:
        current = _get(tx, row["message_id"])
        if current is None or current["status"] != "SENDING" or current["claimed_at"] != row["claimed_at"]:
            return
        _set(tx, row["message_id"], current, **values)
