"""Shift swaps between clinicians.

Two kinds of request:

``GIVE``
    the requester gives shift A (on date X) to clinician B, who must be
    eligible on X.
``EXCHANGE``
    the requester's shift A (date X) and B's shift B (date Y) change hands:
    B works X and the requester works Y; each must be eligible on the new date
    with the shift they give away treated as gone.

State machine of a ``swap_requests`` row::

    REQUESTED --approve (administrator)--> APPROVED   (applied atomically)
    REQUESTED --reject  (administrator)--> REJECTED
    REQUESTED --cancel  (requester)------> CANCELLED

Eligibility ("active term, not on leave or sick, not a cannot-work day, no
double booking, weekly maximum") is checked when the request is made and again
at approval against the rota as it is then; the approval moves the shift(s) in
one transaction (audited, notified for the fixed period) and pins them, so a
later regeneration does not undo a decision people agreed on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..domain import PracticeSnapshot, Shift
from ..store.workspace import Tx, Workspace
from .adjustments import (
    ChangeSet,
    WorkflowError,
    snapshot_around,
    eligibility_problems,
    get_shift,
    is_live,
    require_actor,
    require_clinician,
)

SWAP_STATUSES = ("REQUESTED", "APPROVED", "REJECTED", "CANCELLED")
_COLS = ("swap_id, kind, requester, shift_a, shift_b, target_clinician, target_date, status, reason, decided_by,"
         " decision_note, created_at, decided_at")


@dataclass(frozen=True)
class SwapRequest:
    swap_id: str
    kind: str  # GIVE | EXCHANGE
    requester: str
    shift_a: int
    shift_b: int | None
    target_clinician: str
    target_date: date
    status: str
    reason: str | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    created_at: datetime | None = None
    decided_at: datetime | None = None

    def row(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in self.__dict__.items()}


def _load(tx_or_con, swap_id: str) -> SwapRequest:
    con = getattr(tx_or_con, "con", tx_or_con)
    row = con.execute(f"SELECT {_COLS} FROM swap_requests WHERE swap_id = ?", [swap_id]).fetchone()
    if row is None:
        raise WorkflowError(f"swap_id: {swap_id!r} does not exist in this workspace")
    return SwapRequest(*row)


def _plan(snap: PracticeSnapshot, req: SwapRequest) -> list[tuple[Shift, Shift]]:
    """Validate ``req`` against ``snap``; return the (before, after) shift updates it implies."""
    a = get_shift(snap, req.shift_a)
    if not is_live(a):
        raise WorkflowError(f"shift_a: shift {a.shift_id} is CANCELLED")
    if a.clinician_id != req.requester:
        raise WorkflowError(f"shift_a: shift {a.shift_id} belongs to {a.clinician_id}, not to the requester {req.requester}")
    if req.target_clinician == req.requester:
        raise WorkflowError("target clinician: a clinician cannot swap with themself")
    problems: list[str] = []
    if req.kind == "GIVE":
        problems += eligibility_problems(snap, req.target_clinician, a.date)
        updates = [(a, replace(a, clinician_id=req.target_clinician, is_pinned=True))]
    else:
        b = get_shift(snap, req.shift_b)  # type: ignore[arg-type]
        if not is_live(b):
            raise WorkflowError(f"shift_b: shift {b.shift_id} is CANCELLED")
        if b.clinician_id != req.target_clinician:
            raise WorkflowError(f"shift_b: shift {b.shift_id} belongs to {b.clinician_id}, not to {req.target_clinician}")
        if a.date == b.date:
            raise WorkflowError(f"shift_b: both shifts are on {a.date}; exchanging them changes nothing")
        problems += eligibility_problems(snap, req.target_clinician, a.date, ignore_shift_ids=[b.shift_id])
        problems += eligibility_problems(snap, req.requester, b.date, ignore_shift_ids=[a.shift_id])
        updates = [
            (a, replace(a, clinician_id=req.target_clinician, is_pinned=True)),
            (b, replace(b, clinician_id=req.requester, is_pinned=True)),
        ]
    if problems:
        raise WorkflowError("swap not possible: " + "; ".join(problems))
    return updates


def request_swap(
    ws: Workspace,
    requester: str,
    shift_a: int,
    *,
    actor: str,
    to_clinician: str | None = None,
    shift_b: int | None = None,
    reason: str | None = None,
    swap_id: str | None = None,
) -> SwapRequest:
    """Record a swap request after validating it: give ``shift_a`` to ``to_clinician``, or exchange with ``shift_b``."""
    actor = require_actor(actor)
    if (to_clinician is None) == (shift_b is None):
        raise WorkflowError("swap: give exactly one of --to (give the shift away) or --with-shift (exchange)")
    sid = swap_id or f"SW-{uuid.uuid4().hex[:10]}"
    with ws.transaction(actor) as tx:
        snap = snapshot_around(tx, shift_ids=[shift_a, shift_b])
        require_clinician(snap, requester, "requester")
        if tx.con.execute("SELECT 1 FROM swap_requests WHERE swap_id = ?", [sid]).fetchone():
            raise WorkflowError(f"swap_id: {sid!r} already exists; choose another id")
        a = get_shift(snap, shift_a)
        if shift_b is not None:
            target = get_shift(snap, shift_b).clinician_id
        else:
            require_clinician(snap, to_clinician, "to_clinician")  # type: ignore[arg-type]
            target = to_clinician
        req = SwapRequest(sid, "GIVE" if shift_b is None else "EXCHANGE", requester, shift_a, shift_b,
                          target, a.date, "REQUESTED", reason, created_at=tx.at)  # type: ignore[arg-type]
        _plan(snap, req)
        tx.con.execute(
            f"INSERT INTO swap_requests ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL)",
            [req.swap_id, req.kind, req.requester, req.shift_a, req.shift_b, req.target_clinician,
             req.target_date, req.status, req.reason, req.created_at],
        )
        tx.audit("swap_request", sid, "insert", None, req.row())
        return req


def _decide(tx: Tx, req: SwapRequest, status: str, actor: str, note: str | None) -> SwapRequest:
    new = replace(req, status=status, decided_by=actor, decision_note=note, decided_at=tx.at)
    tx.con.execute(
        "UPDATE swap_requests SET status = ?, decided_by = ?, decision_note = ?, decided_at = ? WHERE swap_id = ?",
        [status, actor, note, tx.at, req.swap_id],
    )
    tx.audit("swap_request", req.swap_id, status.lower(), req.row(), new.row())
    return new


def _requested(tx: Tx, swap_id: str, verb: str) -> SwapRequest:
    req = _load(tx, swap_id)
    if req.status != "REQUESTED":
        raise WorkflowError(f"swap {swap_id} is {req.status}; only REQUESTED swaps can be {verb}")
    return req


def approve_swap(ws: Workspace, swap_id: str, *, actor: str, note: str | None = None,
                 today: date | None = None) -> SwapRequest:
    """Re-validate against the current rota and apply the swap atomically (administrator)."""
    actor = require_actor(actor)
    with ws.transaction(actor) as tx:
        req = _requested(tx, swap_id, "approved")
        snap = snapshot_around(tx, shift_ids=[req.shift_a, req.shift_b])
        updates = _plan(snap, req)
        ChangeSet(updates=updates).apply(tx, snap, reason=f"swap {swap_id} approved by {actor}", today=today)
        return _decide(tx, req, "APPROVED", actor, note)


def reject_swap(ws: Workspace, swap_id: str, *, actor: str, note: str | None = None) -> SwapRequest:
    actor = require_actor(actor)
    with ws.transaction(actor) as tx:
        return _decide(tx, _requested(tx, swap_id, "rejected"), "REJECTED", actor, note)


def cancel_swap(ws: Workspace, swap_id: str, *, actor: str, note: str | None = None) -> SwapRequest:
    actor = require_actor(actor)
    with ws.transaction(actor) as tx:
        return _decide(tx, _requested(tx, swap_id, "cancelled"), "CANCELLED", actor, note)


def list_swaps(ws: Workspace, status: str | None = None) -> list[SwapRequest]:
    if status is not None and status.upper() not in SWAP_STATUSES:
        raise WorkflowError(f"status: {status!r} is not one of {', '.join(SWAP_STATUSES)}")
    where, params = ("WHERE status = ?", [status.upper()]) if status else ("", [])
    with ws.connect(read_only=True) as con:
        rows = con.execute(f"SELECT {_COLS} FROM swap_requests {where} ORDER BY created_at, swap_id", params).fetchall()
    return [SwapRequest(*r) for r in rows]
