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

from dataclasses import replace
from datetime import date

from ..args import choice_arg, optional_date_arg, optional_shift_id_arg, optional_str_arg, optional_text_arg, shift_id_arg, text_arg
from ..changes import ChangeSet, inserted, next_id, shift_rows, updated
from ..domain import SWAP_STATUSES, PracticeSnapshot, Shift, SwapRequest
from ..store.committer import Scope, commit
from ..store.workspace import Workspace
from .adjustments import (
    CLINICIAN_HINT,
    clinician_arg,
    WorkflowError,
    eligibility_problems,
    get_shift,
    is_live,
    require_actor,
    require_clinician,
)
from .notifications import with_notifications

__all__ = ["SWAP_STATUSES", "SwapRequest", "request_swap", "approve_swap", "reject_swap", "cancel_swap",
           "list_swaps", "open_swap_for", "plan_request_swap", "plan_decide_swap"]


def _find(snap: PracticeSnapshot, swap_id: str) -> SwapRequest:
    for q in snap.swap_requests:
        if q.swap_id == swap_id:
            return q
    raise WorkflowError(f"swap_id: {swap_id!r} does not exist in this workspace")


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


#: what a swap id parameter accepts
SWAP_ID_HINT = "give a swap id (text), e.g. 'SW-00001'"


def open_swap_for(snap: PracticeSnapshot, shift_id: int) -> SwapRequest | None:
    """The first REQUESTED swap that involves ``shift_id`` (as either shift), or None."""
    for q in sorted(snap.swap_requests, key=lambda q: q.swap_id):
        if q.status == "REQUESTED" and shift_id in (q.shift_a, q.shift_b):
            return q
    return None


def plan_request_swap(snap: PracticeSnapshot, requester: str, shift_a: int, *, actor: str,
                      to_clinician: str | None = None, shift_b: int | None = None, reason: str | None = None,
                      swap_id: str | None = None) -> ChangeSet:
    """A validated REQUESTED swap (the rota itself changes only when it is approved)."""
    if (to_clinician is None) == (shift_b is None):
        raise WorkflowError("swap: give exactly one of --to (give the shift away) or --with-shift (exchange)")
    require_clinician(snap, requester, "requester")
    sid = swap_id or next_id((q.swap_id for q in snap.swap_requests), "SW-")
    if any(q.swap_id == sid for q in snap.swap_requests):
        raise WorkflowError(f"swap_id: {sid!r} already exists; choose another id")
    a = get_shift(snap, shift_a)
    for what, sid_ in (("shift_a", shift_a), ("shift_b", shift_b)):
        if sid_ is not None and (first := open_swap_for(snap, sid_)) is not None:
            raise WorkflowError(f"{what}: shift {sid_} already has an open swap {first.swap_id} "
                                f"({first.kind}, requested by {first.requester}); cancel or decide it first")
    if shift_b is not None:
        target = get_shift(snap, shift_b).clinician_id
    else:
        require_clinician(snap, to_clinician, "to_clinician")  # type: ignore[arg-type]
        target = to_clinician
    req = SwapRequest(sid, "GIVE" if shift_b is None else "EXCHANGE", requester, shift_a, shift_b,
                      target, a.date, "REQUESTED", reason)  # type: ignore[arg-type]
    _plan(snap, req)
    return ChangeSet(f"swap {sid} requested by {actor}", (inserted("swap_request", req),))


def plan_decide_swap(snap: PracticeSnapshot, swap_id: str, status: str, *, actor: str, note: str | None = None,
                     today: date | None = None) -> ChangeSet:
    """APPROVED (re-validated against the rota as it is now, then applied), REJECTED or CANCELLED."""
    req = _find(snap, swap_id)
    verb = {"APPROVED": "approved", "REJECTED": "rejected", "CANCELLED": "cancelled"}[status]
    if req.status != "REQUESTED":
        raise WorkflowError(f"swap {swap_id} is {req.status}; only REQUESTED swaps can be {verb}")
    decided = updated("swap_request", req, replace(req, status=status, decided_by=actor, decision_note=note),
                      action=status.lower())
    if status != "APPROVED":
        return ChangeSet(f"swap {swap_id} {verb} by {actor}", (decided,))
    cs = ChangeSet(f"swap {swap_id} approved by {actor}", shift_rows(updates=_plan(snap, req)) + (decided,))
    return with_notifications(cs, snap, today)


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
    requester = clinician_arg(requester, "requester")
    shift_a = shift_id_arg(shift_a, "shift_a")
    to_clinician = optional_text_arg(to_clinician, "to_clinician", CLINICIAN_HINT)
    shift_b = optional_shift_id_arg(shift_b, "shift_b")
    reason = optional_str_arg(reason, "reason")
    swap_id = optional_text_arg(swap_id, "swap_id", SWAP_ID_HINT)
    if (to_clinician is None) == (shift_b is None):
        raise WorkflowError("swap: give exactly one of --to (give the shift away) or --with-shift (exchange)")
    done = commit(ws, lambda snap: plan_request_swap(snap, requester, shift_a, actor=actor, to_clinician=to_clinician,
                                                     shift_b=shift_b, reason=reason, swap_id=swap_id),
                  actor=actor, scope=Scope.around(shift_ids=[shift_a, shift_b]))
    return done.inserted("swap_request")[0]


def _decide(ws: Workspace, swap_id: str, status: str, actor: str, note: str | None, today: date | None = None
            ) -> SwapRequest:
    actor = require_actor(actor)
    swap_id = text_arg(swap_id, "swap_id", SWAP_ID_HINT)
    note = optional_str_arg(note, "note")
    today = optional_date_arg(today, "today")
    done = commit(ws, lambda snap: plan_decide_swap(snap, swap_id, status, actor=actor, note=note, today=today),
                  actor=actor, scope=Scope.around(swap_ids=[swap_id]))
    return done.changeset.of("swap_request")[-1].after


def approve_swap(ws: Workspace, swap_id: str, *, actor: str, note: str | None = None,
                 today: date | None = None) -> SwapRequest:
    """Re-validate against the current rota and apply the swap atomically (administrator)."""
    return _decide(ws, swap_id, "APPROVED", actor, note, today)


def reject_swap(ws: Workspace, swap_id: str, *, actor: str, note: str | None = None) -> SwapRequest:
    return _decide(ws, swap_id, "REJECTED", actor, note)


def cancel_swap(ws: Workspace, swap_id: str, *, actor: str, note: str | None = None) -> SwapRequest:
    return _decide(ws, swap_id, "CANCELLED", actor, note)


def list_swaps(ws: Workspace, status: str | None = None) -> list[SwapRequest]:
    wanted = None if status is None else choice_arg(status, "status", SWAP_STATUSES)
    swaps = ws.read_rows("swap_request")
    return sorted((q for q in swaps if wanted is None or q.status == wanted),
                  key=lambda q: (q.created_at, q.swap_id))
