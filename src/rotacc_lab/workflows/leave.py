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
entitlement has no quota to check.

Each transition is a pure ``plan_*(snapshot, ...) -> ChangeSet``; the shells
hand it to the committer, which evaluates it inside the write transaction, so
the quota check and the insert it allows are one atomic step. DuckDB admits one
writing process at a time (and this module serialises threads of one process),
so two concurrent requests can never both pass a check that only one of them
fits. New requests get the next free id ``LV-00001``, ``LV-00002`` ...
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..args import bool_arg, date_arg, optional_date_arg, optional_text_arg, text_arg
from ..calculations.leave import leave_amount, remaining_leave
from ..changes import Alert, ChangeSet, RowChange, inserted, next_id, shift_rows, updated
from ..domain import Duration, Leave, LeaveStatus, LeaveType, PracticeSnapshot, Shift
from ..store.committer import Committed, Scope, commit
from ..store.rows import leave_row  # noqa: F401 - re-exported: the audit record of a leave row
from ..store.workspace import Workspace
from .adjustments import WorkflowError, clinician_arg, is_live, require_actor, require_clinician
from .notifications import with_notifications
from .policy import LeavePolicy, LeaveRequest, PolicyDecision, RuleFailure, evaluate

#: longest single request accepted (calendar days)
MAX_REQUEST_DAYS = 366

#: what a leave id parameter accepts
LEAVE_ID_HINT = "give a leave id (text), e.g. 'LV-00001'"

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
    #: the staffing impact of an approval (None when the request stayed PENDING or was not approved)
    impact: "LeaveImpact | None" = None


def _find(snap: PracticeSnapshot, leave_id: str) -> Leave:
    for lv in snap.leave:
        if lv.leave_id == leave_id:
            return lv
    raise WorkflowError(f"leave_id: {leave_id!r} does not exist in this workspace")


def _status_change(lv: Leave, status: LeaveStatus, note: str | None) -> RowChange:
    return updated("leave", lv, replace(lv, status=status), action=status.value.lower(), note=note or None)


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


class FloorBreached(WorkflowError):
    """Approving the leave would take a day below the 66 % staffing floor (``--force`` with a reason overrides)."""


@dataclass(frozen=True)
class DayImpact:
    """One working day of a leave request: doctors counted toward the minimum before and after approval."""

    day: date
    before: int
    after: int
    minimum: int
    floor: int

    @property
    def below_minimum(self) -> bool:
        return self.after < self.minimum

    @property
    def below_floor(self) -> bool:
        return self.after < self.floor

    @property
    def made_worse(self) -> bool:
        return self.after < self.before

    def sentence(self) -> str:
        where = "below the 66 % floor" if self.below_floor else "below the minimum" if self.below_minimum else "at or above the minimum"
        return (f"{self.day:%a %d %b %Y}: {self.before} -> {self.after} doctor(s), minimum {self.minimum}, "
                f"floor {self.floor} ({where})")


@dataclass(frozen=True)
class LeaveImpact:
    """What approving a leave request would do to the rota (computed, nothing written).

    ``days``: every working day of the range on which the clinician has a shift that
    would go; ``removed``/``shortened``/``kept_pinned``: the clinician's shifts;
    ``rebalance_shifts``: doctors to add so every such day is back at its minimum.
    """

    leave: Leave
    days: tuple[DayImpact, ...]
    removed: tuple[Shift, ...]
    shortened: tuple[Shift, ...]
    kept_pinned: tuple[Shift, ...]

    @property
    def below_minimum(self) -> tuple[DayImpact, ...]:
        return tuple(d for d in self.days if d.below_minimum and d.made_worse)

    @property
    def below_floor(self) -> tuple[DayImpact, ...]:
        return tuple(d for d in self.days if d.below_floor and d.made_worse)

    @property
    def rebalance_shifts(self) -> int:
        return sum(max(0, d.minimum - d.after) for d in self.days if d.made_worse)

    def lines(self) -> list[str]:
        lv = self.leave
        out = [f"leave {lv.leave_id} of {lv.clinician_id} ({lv.leave_type.value}, {lv.start_date} to {lv.end_date}, "
               f"{lv.duration.value}): {len(self.removed)} shift(s) removed, {len(self.shortened)} shortened, "
               f"{len(self.kept_pinned)} pinned kept"]
        if not self.below_minimum:
            out.append("no day falls below its minimum")
        for d in self.below_minimum:
            out.append("  " + d.sentence())
        if self.rebalance_shifts:
            out.append(f"a rebalance would need {self.rebalance_shifts} more doctor-day(s) in the range to restore the minimum")
        return out


def leave_impact(snap: PracticeSnapshot, lv: Leave) -> LeaveImpact:
    """The effect on staffing of approving ``lv`` (pure; the approval's own shift rule: unpinned live
    shifts in the range go, a HALF day shortens a FULL shift and the doctor still counts, pinned stay)."""
    from ..calendar import working_days
    from ..staffing import staffing_floor

    removed, shortened, pinned = _affected_shifts(snap, lv)
    gone_days = {s.date for s in removed}
    present: dict[date, set[str]] = {}
    for s in snap.shifts:
        if lv.start_date <= s.date <= lv.end_date and is_live(s) and s.shift_type.counts_toward_minimum:
            present.setdefault(s.date, set()).add(s.clinician_id)
    days = []
    for d in working_days(lv.start_date, lv.end_date, snap.bank_holidays):
        if d not in gone_days:
            continue
        who = present.get(d, set())
        still = any(s.date == d for s in shortened + pinned)  # the doctor keeps a counted shift that day
        before = len(who)
        after = before if still else len(who - {lv.clinician_id})
        minimum = int(snap.settings.min_doctors_for(d))
        days.append(DayImpact(d, before, after, minimum, staffing_floor(minimum)))
    return LeaveImpact(lv, tuple(days), tuple(removed), tuple(shortened), tuple(pinned))


def _affected_shifts(snap: PracticeSnapshot, lv: Leave) -> tuple[list[Shift], list[Shift], list[Shift]]:
    removed, shortened, pinned = [], [], []
    for s in snap.shifts_by_clinician.get(lv.clinician_id, ()):
        if not (is_live(s) and lv.covers(s.date)):
            continue
        if s.is_pinned:
            pinned.append(s)
        elif lv.duration is Duration.HALF and s.duration is Duration.FULL:
            shortened.append(s)
        else:
            removed.append(s)
    return removed, shortened, pinned


def plan_impact(snap: PracticeSnapshot, clinician_id: str, leave_type: LeaveType | str, start: date, end: date,
                *, half_day: bool = False) -> LeaveImpact:
    """The impact of a request that is not submitted (``leave impact``): validated like a submission."""
    ltype = LeaveType.parse(leave_type, "leave_type")
    lv = Leave("(preview)", clinician_id, ltype, start, end, LeaveStatus.PENDING,
               Duration.HALF if half_day else Duration.FULL)
    _validate(snap, lv)
    return leave_impact(snap, lv)


def _floor_message(impact: LeaveImpact) -> str:
    days = "; ".join(d.sentence() for d in impact.below_floor[:5])
    more = f" and {len(impact.below_floor) - 5} more day(s)" if len(impact.below_floor) > 5 else ""
    return (f"leave {impact.leave.leave_id} would take {len(impact.below_floor)} day(s) below the 66 % staffing floor: "
            f"{days}{more}")


def plan_submit(snap: PracticeSnapshot, request: Leave, *, actor: str, policy: LeavePolicy,
                today: date | None = None) -> ChangeSet:
    """Validate and quota-check ``request`` (PENDING); approve it at once when the policy allows.

    ``info``: ``decision`` (the policy's :class:`PolicyDecision`) and, when approved,
    the approval's ``removed``/``shortened``/``conflicts``/``rebalance``.
    """
    if any(lv.leave_id == request.leave_id for lv in snap.leave):
        raise WorkflowError(f"leave_id: {request.leave_id!r} already exists; choose another id")
    _validate(snap, request)
    check_quota(snap, request)
    submitted = ChangeSet(f"leave {request.leave_id} submitted by {actor}", (inserted("leave", request),))
    snap_with = replace(snap, leave=snap.leave + (request,))
    decision = evaluate(policy, snap_with, LeaveRequest(request.clinician_id, request.leave_type, request.start_date,
                                                       request.end_date, request.duration is Duration.HALF),
                        exclude_leave_id=request.leave_id)
    if decision.auto_approve:
        impact = leave_impact(snap_with, request)
        if impact.below_floor:
            decision = PolicyDecision(False, decision.failures + (RuleFailure("staffing_floor", _floor_message(impact)),))
    if not decision.auto_approve:
        return submitted.with_(info={"decision": decision})
    approval = plan_approve(snap_with, request.leave_id, actor=actor,
                            note="approved automatically by the leave policy", today=today, requote=False)
    # the request is inserted PENDING and approved in the same commit (audited as both steps)
    return ChangeSet(approval.reason, submitted.rows + approval.rows, approval.alerts, approval.notifications,
                     {**approval.info, "decision": decision})


def plan_approve(snap: PracticeSnapshot, leave_id: str, *, actor: str, note: str | None = None,
                 today: date | None = None, requote: bool = True, force: bool = False,
                 reason: str | None = None) -> ChangeSet:
    """Approve a PENDING request: unpinned live shifts in its range go (a HALF day shortens a FULL shift).

    Pinned shifts are kept with a ``leave_conflict`` alert each; a ``rebalance_needed``
    alert is raised when shifts were removed or shortened.
    """
    lv = _find(snap, leave_id)
    if lv.status is not LeaveStatus.PENDING:
        raise WorkflowError(f"leave {leave_id} is {lv.status.value}; only PENDING leave can be approved")
    if requote:
        check_quota(snap, lv)
    impact = leave_impact(snap, lv)
    if impact.below_floor:
        if not force:
            raise FloorBreached(_floor_message(impact) + "; approve with --force and a --reason to override "
                                "(recorded in the audit trail)")
        if not (reason and reason.strip()):
            raise WorkflowError("reason: --force needs a reason (recorded in the audit trail)")
        note = f"{note + '; ' if note else ''}approved below the staffing floor: {reason.strip()}"
    removed, shortened, conflicts = list(impact.removed), list(impact.shortened), list(impact.kept_pinned)
    updates = [(s, replace(s, duration=Duration.HALF)) for s in shortened]
    alerts = [
        Alert("leave_conflict",
              f"pinned {s.shift_type.value} shift {s.shift_id} of {s.clinician_id} on {s.date} was kept "
              f"although leave {lv.leave_id} is approved; move or delete it by hand",
              s.date, s.clinician_id, "warning")
        for s in conflicts
    ]
    rebalance = None
    if removed or shortened:
        rebalance = (lv.start_date, lv.end_date)
        alerts.append(Alert("rebalance_needed",
                            f"leave {lv.leave_id} approved: {len(removed)} shift(s) removed and "
                            f"{len(shortened)} shortened for {lv.clinician_id}; rebalance "
                            f"{lv.start_date} to {lv.end_date}", lv.start_date, lv.clinician_id, "info"))
    reason_text = f"leave {lv.leave_id} ({lv.leave_type.value}, {lv.start_date} to {lv.end_date}) approved"
    rows = (_status_change(lv, LeaveStatus.APPROVED, note or f"approved by {actor}"),) + shift_rows(
        updates=updates, deletes=removed)
    cs = ChangeSet(reason_text, rows, tuple(alerts),
                   info={"removed": tuple(removed), "shortened": tuple(shortened), "conflicts": tuple(conflicts),
                         "rebalance": rebalance, "impact": impact})
    return with_notifications(cs, snap, today)


def plan_reject(snap: PracticeSnapshot, leave_id: str, *, actor: str, reason: str | None = None) -> ChangeSet:
    """Reject a PENDING request."""
    lv = _find(snap, leave_id)
    if lv.status is not LeaveStatus.PENDING:
        raise WorkflowError(f"leave {leave_id} is {lv.status.value}; only PENDING leave can be rejected")
    return ChangeSet(f"leave {leave_id} rejected by {actor}",
                     (_status_change(lv, LeaveStatus.REJECTED, reason or f"rejected by {actor}"),))


def plan_cancel(snap: PracticeSnapshot, leave_id: str, *, actor: str, reason: str | None = None) -> ChangeSet:
    """Cancel PENDING or APPROVED leave; approved leave raises a rebalance alert for its range."""
    lv = _find(snap, leave_id)
    if lv.status not in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
        raise WorkflowError(f"leave {leave_id} is {lv.status.value}; only PENDING or APPROVED leave can be cancelled")
    alerts: tuple[Alert, ...] = ()
    rebalance = None
    if lv.status is LeaveStatus.APPROVED:
        rebalance = (lv.start_date, lv.end_date)
        alerts = (Alert("rebalance_needed",
                        f"approved leave {lv.leave_id} cancelled: {lv.clinician_id} is available again "
                        f"{lv.start_date} to {lv.end_date}; rebalance that range",
                        lv.start_date, lv.clinician_id, "info"),)
    return ChangeSet(f"leave {leave_id} cancelled by {actor}",
                     (_status_change(lv, LeaveStatus.CANCELLED, reason or f"cancelled by {actor}"),), alerts,
                     info={"rebalance": rebalance})


def _outcome(done: Committed) -> LeaveOutcome:
    cs = done.changeset
    info = done.info
    row = [r for r in cs.rows if r.entity == "leave"][-1]
    return LeaveOutcome(row.after, info.get("decision"), info.get("removed", ()), info.get("shortened", ()),
                        info.get("conflicts", ()), info.get("rebalance"), done.message_ids, info.get("impact"))


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
    clinician_id = clinician_arg(clinician_id)
    ltype = LeaveType.parse(leave_type, "leave_type")
    start = date_arg(start, "start")
    end = date_arg(end, "end")
    half_day = bool_arg(half_day, "half_day")
    today = optional_date_arg(today, "today")
    leave_id = optional_text_arg(leave_id, "leave_id", LEAVE_ID_HINT)
    if policy is not None and not isinstance(policy, LeavePolicy):
        raise WorkflowError(f"policy: {policy!r} is not a LeavePolicy; give LeavePolicy(...) or "
                            "LeavePolicy.from_toml(path), or leave it out for the default")
    policy = policy or LeavePolicy()
    if end < start:
        raise WorkflowError(f"end: {end} is before start {start}; give an end on or after the start")

    def change(snap: PracticeSnapshot) -> ChangeSet:
        lid = leave_id or next_id((lv.leave_id for lv in snap.leave), "LV-")
        request = Leave(lid, clinician_id, ltype, start, end, LeaveStatus.PENDING,
                        Duration.HALF if half_day else Duration.FULL)
        return plan_submit(snap, request, actor=actor, policy=policy, today=today)

    with _SERIAL:
        done = commit(ws, change, actor=actor, scope=Scope.around(days=[start, end]))
    return _outcome(done)


def approve(ws: Workspace, leave_id: str, *, actor: str, note: str | None = None,
            today: date | None = None, force: bool = False, reason: str | None = None) -> LeaveOutcome:
    """Approve a PENDING request (quota re-checked against the current balance).

    Refused with :class:`FloorBreached` when a day would fall below the 66 % staffing
    floor, unless ``force`` with a ``reason`` (written into the audit note of the approval).
    """
    actor = require_actor(actor)
    leave_id = text_arg(leave_id, "leave_id", LEAVE_ID_HINT)
    today = optional_date_arg(today, "today")
    force = bool_arg(force, "force")
    reason = optional_text_arg(reason, "reason", "give a short reason in words")
    with _SERIAL:
        done = commit(ws, lambda snap: plan_approve(snap, leave_id, actor=actor, note=note, today=today,
                                                    force=force, reason=reason),
                      actor=actor, scope=Scope.around(leave_ids=[leave_id]))
    return _outcome(done)


def impact(ws: Workspace, clinician_id: str, leave_type: LeaveType | str, start: date | str, end: date | str, *,
           half_day: bool = False) -> LeaveImpact:
    """Preview of a request's impact on staffing without submitting it (nothing written)."""
    start, end = date_arg(start, "start"), date_arg(end, "end")
    if end < start:
        raise WorkflowError(f"end: {end} is before start {start}; give an end on or after the start")
    return plan_impact(ws.load_snapshot(), clinician_id, leave_type, start, end, half_day=bool_arg(half_day, "half_day"))


def impact_of(ws: Workspace, leave_id: str) -> LeaveImpact:
    """The impact of approving the existing request ``leave_id`` (nothing written)."""
    snap = ws.load_snapshot()
    return leave_impact(snap, _find(snap, text_arg(leave_id, "leave_id", LEAVE_ID_HINT)))


def reject(ws: Workspace, leave_id: str, *, actor: str, reason: str | None = None) -> LeaveOutcome:
    """Reject a PENDING request."""
    actor = require_actor(actor)
    leave_id = text_arg(leave_id, "leave_id", LEAVE_ID_HINT)
    with _SERIAL:
        done = commit(ws, lambda snap: plan_reject(snap, leave_id, actor=actor, reason=reason),
                      actor=actor, scope=Scope())
    return _outcome(done)


def cancel(ws: Workspace, leave_id: str, *, actor: str, reason: str | None = None) -> LeaveOutcome:
    """Cancel PENDING or APPROVED leave; approved leave raises a rebalance alert for its range."""
    actor = require_actor(actor)
    leave_id = text_arg(leave_id, "leave_id", LEAVE_ID_HINT)
    with _SERIAL:
        done = commit(ws, lambda snap: plan_cancel(snap, leave_id, actor=actor, reason=reason),
                      actor=actor, scope=Scope())
    return _outcome(done)


def list_leave(ws: Workspace, clinician_id: str | None = None, status: LeaveStatus | str | None = None) -> list[Leave]:
    """Leave rows (optionally one clinician's / one status), by start date."""
    st = LeaveStatus.parse(status, "status") if status is not None else None
    snap = ws.load_snapshot()
    if clinician_id is not None:
        clinician_id = clinician_arg(clinician_id)
        require_clinician(snap, clinician_id)
    return sorted(
        (lv for lv in snap.leave
         if (clinician_id is None or lv.clinician_id == clinician_id) and (st is None or lv.status is st)),
        key=lambda lv: (lv.start_date, lv.clinician_id, lv.leave_id),
    )
