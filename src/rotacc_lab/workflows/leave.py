"""Leave requests: submit (validated, quota-checked, auto-approval policy), approve, reject, cancel.

State machine of a ``leave`` row::

    PENDING --approve--> APPROVED --cancel--> CANCELLED
    PENDING --reject---> REJECTED
    PENDING --cancel---> CANCELLED

Submitting inserts a PENDING row; when the :mod:`policy` approves it
automatically the approval happens in the same transaction. Approval removes
the clinician's unpinned live shifts in the leave range (a HALF-day leave
shortens a FULL shift to HALF instead), keeps pinned ones and raises a
``leave_conflict`` alert for each, and records a ``rebalance_needed`` alert for
the range when shifts were removed. Cancelling approved leave raises a
``rebalance_needed`` alert too (the clinician is available again); removed
shifts are not restored automatically.

Quota (ANNUAL_LEAVE only; other types have no quota): for every calendar year
the request touches, :func:`rotacc_lab.calculations.leave.remaining_leave` of
the snapshot *with the request added as PENDING* must leave
``remaining_including_pending >= 0``. A clinician without a recorded
entitlement has no quota to check. The check and the insert happen inside one
``ws.transaction``; DuckDB admits one writing process at a time (and this
module serialises threads of one process), so two concurrent requests can
never both pass a check that only one of them fits.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..calculations.leave import leave_amount, remaining_leave
from ..domain import Duration, Leave, LeaveStatus, LeaveType, PracticeSnapshot, Shift
from ..store.workspace import Tx, Workspace
from .adjustments import ChangeSet, WorkflowError, is_live, require_actor, require_clinician, snapshot_around
from .policy import LeavePolicy, LeaveRequest, PolicyDecision, evaluate

#: longest single request accepted (calendar days)
MAX_REQUEST_DAYS = 366

_SERIAL = threading.Lock()


class QuotaExceeded(WorkflowError):
    """The request does not fit the remaining annual leave (pending requests included)."""


@dataclass(frozen=True)
class LeaveOutcome:
    leave: Leave
    decision: PolicyDecision | None = None
    removed: tuple[Shift, ...] = ()
    shortened: tuple[Shift, ...] = ()
    conflicts: tuple[Shift, ...] = ()
    #: dates that need rebalancing (shifts removed / clinician available again), or None
    rebalance: tuple[date, date] | None = None
    notifications: tuple[str, ...] = ()


def leave_row(lv: Leave) -> dict:
    return {"leave_id": lv.leave_id, "clinician_id": lv.clinician_id, "leave_type": lv.leave_type.value,
            "start_date": lv.start_date.isoformat(), "end_date": lv.end_date.isoformat(),
            "status": lv.status.value, "duration": lv.duration.value}


def _find(snap: PracticeSnapshot, leave_id: str) -> Leave:
    for lv in snap.leave:
        if lv.leave_id == leave_id:
            return lv
    raise WorkflowError(f"leave_id: {leave_id!r} does not exist in this workspace")


def _set_status(tx: Tx, lv: Leave, status: LeaveStatus, note: str | None) -> Leave:
    new = replace(lv, status=status)
    tx.con.execute("UPDATE leave SET status = ? WHERE leave_id = ?", [status.value, lv.leave_id])
    after = leave_row(new)
    if note:
        after["note"] = note
    tx.audit("leave", lv.leave_id, status.value.lower(), leave_row(lv), after)
    return new


def _snapshot_for_leave(tx: Tx, leave_id: str) -> PracticeSnapshot:
    """The practice inside ``tx`` with shifts loaded around the dates of one leave row."""
    row = tx.con.execute("SELECT start_date, end_date FROM leave WHERE leave_id = ?", [leave_id]).fetchone()
    if row is None:
        raise WorkflowError(f"leave_id: {leave_id!r} does not exist in this workspace")
    return snapshot_around(tx, row)


def check_quota(snap: PracticeSnapshot, request: Leave) -> None:
    """Raise :class:`QuotaExceeded` when ``request`` (counted as pending) overbooks any leave year."""
    if request.leave_type is not LeaveType.ANNUAL_LEAVE:
        return
    others = tuple(lv for lv in snap.leave if lv.leave_id != request.leave_id)
    with_request = replace(snap, leave=others + (replace(request, status=LeaveStatus.PENDING),))
    for year in range(request.start_date.year, request.end_date.year + 1):
        bal = remaining_leave(with_request, request.clinician_id, year)
        if bal.has_entitlement and bal.remaining_including_pending < 0:
            asked = leave_amount(with_request, request, date(year, 1, 1), date(year, 12, 31))
            raise QuotaExceeded(
                f"{request.clinician_id}: annual leave {year} would be overbooked: entitlement "
                f"{bal.effective_entitlement} {bal.unit} (adjustments included), approved {bal.used_approved}, "
                f"other pending {bal.used_pending - asked.quantize(Decimal('0.01'))}, this request "
                f"{asked.quantize(Decimal('0.01'))} -> remaining {bal.remaining_including_pending} {bal.unit}"
            )


def _validate(snap: PracticeSnapshot, lv: Leave) -> None:
    require_clinician(snap, lv.clinician_id)
    if lv.end_date < lv.start_date:
        raise WorkflowError(f"end: {lv.end_date} is before start {lv.start_date}; give an end on or after the start")
    days = (lv.end_date - lv.start_date).days + 1
    if days > MAX_REQUEST_DAYS:
        raise WorkflowError(f"dates: {days} days requested; one request may cover at most {MAX_REQUEST_DAYS} days")
    if lv.duration is Duration.HALF and lv.start_date != lv.end_date:
        raise WorkflowError("duration: HALF is only accepted for a single day (start = end)")
    if not snap.terms_overlapping(lv.clinician_id, lv.start_date, lv.end_date):
        raise WorkflowError(
            f"{lv.clinician_id} has no working term between {lv.start_date} and {lv.end_date}; leave needs a term"
        )
    for other in snap.leave_by_clinician.get(lv.clinician_id, ()):
        if other.status in (LeaveStatus.PENDING, LeaveStatus.APPROVED) and other.leave_id != lv.leave_id \
                and other.start_date <= lv.end_date and other.end_date >= lv.start_date:
            raise WorkflowError(
                f"{lv.clinician_id} already has {other.status.value} leave {other.leave_id} "
                f"({other.start_date} to {other.end_date}) overlapping {lv.start_date} to {lv.end_date}"
            )


def submit(
    ws: Workspace,
    clinician_id: str,
    leave_type: LeaveType | str,
    start: date,
    end: date,
    *,
    actor: str,
    half_day: bool = False,
    policy: LeavePolicy | None = None,
    today: date | None = None,
    leave_id: str | None = None,
) -> LeaveOutcome:
    """Validate, check the quota and insert a PENDING request; auto-approve it when the policy allows."""
    actor = require_actor(actor)
    ltype = LeaveType.parse(leave_type, "leave_type")
    policy = policy or LeavePolicy()
    lid = leave_id or f"LV-{uuid.uuid4().hex[:10]}"
    request = Leave(lid, clinician_id, ltype, start, end, LeaveStatus.PENDING,
                    Duration.HALF if half_day else Duration.FULL)
    if end < start:
        raise WorkflowError(f"end: {end} is before start {start}; give an end on or after the start")
    with _SERIAL, ws.transaction(actor) as tx:
        snap = snapshot_around(tx, [start, end])
        if any(lv.leave_id == lid for lv in snap.leave):
            raise WorkflowError(f"leave_id: {lid!r} already exists; choose another id")
        _validate(snap, request)
        check_quota(snap, request)
        tx.con.execute(
            "INSERT INTO leave VALUES (?, ?, ?, ?, ?, ?, ?)",
            [lid, clinician_id, ltype.value, start, end, LeaveStatus.PENDING.value, request.duration.value],
        )
        tx.audit("leave", lid, "insert", None, leave_row(request))
        snap = replace(snap, leave=snap.leave + (request,))
        decision = evaluate(policy, snap, LeaveRequest(clinician_id, ltype, start, end, half_day),
                            exclude_leave_id=lid)
        if not decision.auto_approve:
            return LeaveOutcome(request, decision)
        outcome = _approve(tx, snap, request, actor, "approved automatically by the leave policy", today)
        return replace(outcome, decision=decision)


def _approve(tx: Tx, snap: PracticeSnapshot, lv: Leave, actor: str, note: str, today: date | None) -> LeaveOutcome:
    approved = _set_status(tx, lv, LeaveStatus.APPROVED, note)
    changes = ChangeSet()
    removed, shortened, conflicts = [], [], []
    for s in snap.shifts_by_clinician.get(lv.clinician_id, ()):
        if not (is_live(s) and lv.covers(s.date)):
            continue
        if s.is_pinned:
            conflicts.append(s)
        elif lv.duration is Duration.HALF and s.duration is Duration.FULL:
            changes.updates.append((s, replace(s, duration=Duration.HALF)))
            shortened.append(s)
        else:
            changes.deletes.append(s)
            removed.append(s)
    applied = changes.apply(tx, snap, reason=f"leave {lv.leave_id} ({lv.leave_type.value}, {lv.start_date} to "
                                               f"{lv.end_date}) approved", today=today)
    alerts = [
        {"kind": "leave_conflict", "date": s.date, "clinician_id": s.clinician_id, "severity": "warning",
         "message": f"pinned {s.shift_type.value} shift {s.shift_id} of {s.clinician_id} on {s.date} was kept "
                    f"although leave {lv.leave_id} is approved; move or delete it by hand"}
        for s in conflicts
    ]
    rebalance = None
    if removed or shortened:
        rebalance = (lv.start_date, lv.end_date)
        alerts.append({"kind": "rebalance_needed", "date": lv.start_date, "clinician_id": lv.clinician_id,
                       "severity": "info",
                       "message": f"leave {lv.leave_id} approved: {len(removed)} shift(s) removed and "
                                  f"{len(shortened)} shortened for {lv.clinician_id}; rebalance "
                                  f"{lv.start_date} to {lv.end_date}"})
    tx.add_alerts(alerts)
    return LeaveOutcome(approved, None, tuple(removed), tuple(shortened), tuple(conflicts), rebalance,
                        applied.notifications)


def approve(ws: Workspace, leave_id: str, *, actor: str, note: str | None = None,
            today: date | None = None) -> LeaveOutcome:
    """Approve a PENDING request (quota re-checked against the current balance)."""
    actor = require_actor(actor)
    with _SERIAL, ws.transaction(actor) as tx:
        snap = _snapshot_for_leave(tx, leave_id)
        lv = _find(snap, leave_id)
        if lv.status is not LeaveStatus.PENDING:
            raise WorkflowError(f"leave {leave_id} is {lv.status.value}; only PENDING leave can be approved")
        check_quota(snap, lv)
        return _approve(tx, snap, lv, actor, note or f"approved by {actor}", today)


def reject(ws: Workspace, leave_id: str, *, actor: str, reason: str | None = None) -> LeaveOutcome:
    """Reject a PENDING request."""
    actor = require_actor(actor)
    with _SERIAL, ws.transaction(actor) as tx:
        snap = _snapshot_for_leave(tx, leave_id)
        lv = _find(snap, leave_id)
        if lv.status is not LeaveStatus.PENDING:
            raise WorkflowError(f"leave {leave_id} is {lv.status.value}; only PENDING leave can be rejected")
        return LeaveOutcome(_set_status(tx, lv, LeaveStatus.REJECTED, reason or f"rejected by {actor}"))


def cancel(ws: Workspace, leave_id: str, *, actor: str, reason: str | None = None) -> LeaveOutcome:
    """Cancel PENDING or APPROVED leave; approved leave raises a rebalance alert for its range."""
    actor = require_actor(actor)
    with _SERIAL, ws.transaction(actor) as tx:
        snap = _snapshot_for_leave(tx, leave_id)
        lv = _find(snap, leave_id)
        if lv.status not in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
            raise WorkflowError(f"leave {leave_id} is {lv.status.value}; only PENDING or APPROVED leave can be cancelled")
        new = _set_status(tx, lv, LeaveStatus.CANCELLED, reason or f"cancelled by {actor}")
        rebalance = None
        if lv.status is LeaveStatus.APPROVED:
            rebalance = (lv.start_date, lv.end_date)
            tx.add_alerts([{"kind": "rebalance_needed", "date": lv.start_date, "clinician_id": lv.clinician_id,
                            "severity": "info",
                            "message": f"approved leave {lv.leave_id} cancelled: {lv.clinician_id} is available "
                                       f"again {lv.start_date} to {lv.end_date}; rebalance that range"}])
        return LeaveOutcome(new, rebalance=rebalance)


def list_leave(ws: Workspace, clinician_id: str | None = None, status: LeaveStatus | str | None = None) -> list[Leave]:
    """Leave rows (optionally one clinician's / one status), by start date."""
    st = LeaveStatus.parse(status, "status") if status is not None else None
    snap = ws.load_snapshot()
    if clinician_id is not None:
        require_clinician(snap, clinician_id)
    return sorted(
        (lv for lv in snap.leave
         if (clinician_id is None or lv.clinician_id == clinician_id) and (st is None or lv.status is st)),
        key=lambda lv: (lv.start_date, lv.clinician_id, lv.leave_id),
    )
