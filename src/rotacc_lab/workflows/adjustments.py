"""Manual shift adjustments (add, move, delete, pin, unpin) and the checks every workflow shares.

Each adjustment is a pure function ``plan_*(snapshot, ...) -> ChangeSet``
(validation included) and a thin shell that hands it to the one committer,
:func:`rotacc_lab.store.commit`, which evaluates it inside the write
transaction: the checks and the write can never be separated by another
writer. The ChangeSet carries the notifications for changes inside the fixed
period (:func:`~rotacc_lab.workflows.notifications.with_notifications`).

:func:`eligibility_problems` is the one definition of "may this clinician work
this day" used by manual adjustments, swaps and locum bookings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Iterable

from ..args import bool_arg, date_arg, optional_date_arg, optional_text_arg, shift_id_arg, text_arg
from ..calendar import is_working_day, week_monday
from ..changes import ChangeSet, shift_rows
from ..domain import Duration, PracticeSnapshot, Shift, ShiftStatus, ShiftType, Weekday
from ..errors import RotaccError
from ..store.committer import WINDOW_DAYS, Scope, commit
from ..store.workspace import Workspace
from .notifications import with_notifications
from .policy import holidays_for

#: entities that workflows write audit rows for (see :func:`history`)
AUDITED_ENTITIES = ("shift", "leave", "swap_request", "locum_booking", "outbox", "alert")


class WorkflowError(RotaccError, ValueError):
    """A workflow request was refused; the message says why and what would be accepted."""


def require_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise WorkflowError("actor: empty; give the name of the person making the change (e.g. --actor alice)")
    return actor.strip()


def user_origin(actor: str) -> str:
    """The ``origin`` recorded on shifts made by hand: ``user:<actor>``."""
    return actor if actor.startswith("user:") else f"user:{actor}"


def is_live(shift: Shift) -> bool:
    return shift.status is not ShiftStatus.CANCELLED


#: what a clinician id parameter accepts (said when something else is given)
CLINICIAN_HINT = "give the clinician's id (text), e.g. 'C01'"


def clinician_arg(value: object, what: str = "clinician_id") -> str:
    """A clinician id given to a shell: non-blank text (whether it exists is checked against the snapshot)."""
    return text_arg(value, what, CLINICIAN_HINT)


def get_shift(snap: PracticeSnapshot, shift_id: int) -> Shift:
    shift_id = shift_id_arg(shift_id)
    for s in snap.shifts:
        if s.shift_id == shift_id:
            return s
    raise WorkflowError(f"shift_id: {shift_id} does not exist in this workspace")


def require_clinician(snap: PracticeSnapshot, clinician_id: str, what: str = "clinician") -> None:
    if clinician_id not in snap.clinician_by_id:
        known = ", ".join(sorted(snap.clinician_by_id)) or "none"
        raise WorkflowError(f"{what}: {clinician_id!r} is not a clinician of this workspace; known: {known}")


def eligibility_problems(
    snap: PracticeSnapshot,
    clinician_id: str,
    day: date,
    *,
    ignore_shift_ids: Iterable[int | None] = (),
    require_term: bool = True,
) -> list[str]:
    """Reasons why ``clinician_id`` cannot take one more shift on ``day`` (empty = eligible).

    Checks: a working day (Mon-Fri, not a bank holiday); an active working term
    (unless ``require_term`` is False, for locum bookings); not on approved leave
    or sick leave; not one of the term's cannot-work days; no other live shift
    that day; the term's ``max_shifts_per_week`` not exceeded in that week.
    Shifts in ``ignore_shift_ids`` are treated as gone (the shift being moved or
    swapped away).
    """
    ignore = {i for i in ignore_shift_ids if i is not None}
    who = f"{clinician_id} on {day.isoformat()}"
    problems: list[str] = []
    if clinician_id not in snap.clinician_by_id:
        return [f"{clinician_id!r} is not a clinician of this workspace"]
    hols = holidays_for(snap, day, day)
    if not is_working_day(day, hols):
        kind = "a bank holiday" if day in hols else "a weekend day"
        problems.append(f"{day.isoformat()} is {kind}, not a working day")
        return problems
    term = snap.term_on(clinician_id, day)
    if term is None and require_term:
        problems.append(f"{who}: no working term covers this date")
    if snap.approved_leave_on(clinician_id, day) is not None:
        lv = snap.approved_leave_on(clinician_id, day)
        problems.append(f"{who}: on approved {lv.leave_type.value} ({lv.leave_id})")
    if snap.sick_on(clinician_id, day) is not None:
        problems.append(f"{who}: on sick leave ({snap.sick_on(clinician_id, day).sick_id})")
    if term is not None and Weekday(day.weekday()) in term.cannot_work_days:
        problems.append(f"{who}: {Weekday(day.weekday()).label} is a cannot-work day of term {term.term_id}")
    mine = [s for s in snap.shifts_by_clinician.get(clinician_id, ()) if is_live(s) and s.shift_id not in ignore]
    same_day = [s for s in mine if s.date == day]
    if same_day:
        problems.append(f"{who}: already has shift {same_day[0].shift_id} ({same_day[0].shift_type.value}) that day")
    if term is not None and term.max_shifts_per_week is not None:
        monday = week_monday(day)
        in_week = sum(1 for s in mine if monday <= s.date < monday + timedelta(days=7) and s.date != day)
        if in_week + 1 > term.max_shifts_per_week:
            problems.append(
                f"{who}: would have {in_week + 1} shifts in the week of {monday.isoformat()}, "
                f"above the weekly maximum of {term.max_shifts_per_week} (term {term.term_id})"
            )
    return problems


def require_eligible(snap: PracticeSnapshot, clinician_id: str, day: date, **kwargs) -> None:
    problems = eligibility_problems(snap, clinician_id, day, **kwargs)
    if problems:
        raise WorkflowError("; ".join(problems))


def scope_around(days: Iterable[date | None] = (), shift_ids: Iterable[int | None] = ()) -> Scope:
    """The shifts a single change needs: a week either side of its dates and of its shifts' dates."""
    return Scope.around(days=days, shift_ids=shift_ids)


# ---------------------------------------------------------------------------- manual adjustments


def plan_add_shift(snap: PracticeSnapshot, clinician_id: str, day: date, *, actor: str,
                   shift_type: ShiftType = ShiftType.STANDARD, duration: Duration = Duration.FULL,
                   pinned: bool = True, today: date | None = None) -> ChangeSet:
    """Add one shift after checking eligibility; pinned unless ``pinned=False`` (a person decided it)."""
    require_clinician(snap, clinician_id)
    require_eligible(snap, clinician_id, day)
    new = Shift(None, clinician_id, day, shift_type, duration, ShiftStatus.SCHEDULED, bool(pinned), user_origin(actor))
    return with_notifications(ChangeSet(f"shift added by {actor}", shift_rows(inserts=[new])), snap, today)


def plan_move_shift(snap: PracticeSnapshot, shift_id: int, *, actor: str, to_date: date | None = None,
                    to_clinician: str | None = None, today: date | None = None, pin: bool = True) -> ChangeSet:
    """Move a live shift to another date and/or clinician (validated like a new shift there).

    The moved shift is pinned (a regeneration or rebalance keeps it where a person
    put it) unless ``pin=False``, which leaves its pin as it was.
    """
    before = get_shift(snap, shift_id)
    if not is_live(before):
        raise WorkflowError(f"shift_id: {shift_id} is CANCELLED; only live shifts can be moved")
    after = replace(before, date=to_date or before.date, clinician_id=to_clinician or before.clinician_id,
                    is_pinned=True if pin else before.is_pinned)
    if (after.date, after.clinician_id) == (before.date, before.clinician_id):
        raise WorkflowError(f"move: shift {shift_id} is already on {before.date} for {before.clinician_id}")
    require_clinician(snap, after.clinician_id, "to_clinician")
    require_eligible(snap, after.clinician_id, after.date, ignore_shift_ids=[shift_id])
    return with_notifications(ChangeSet(f"shift moved by {actor}", shift_rows(updates=[(before, after)])), snap, today)


def plan_delete_shift(snap: PracticeSnapshot, shift_id: int, *, actor: str, today: date | None = None) -> ChangeSet:
    """Delete a shift (pinned ones too: a person decided it)."""
    before = get_shift(snap, shift_id)
    return with_notifications(ChangeSet(f"shift deleted by {actor}", shift_rows(deletes=[before])), snap, today)


def plan_set_pinned(snap: PracticeSnapshot, shift_id: int, pinned: bool, *, actor: str) -> ChangeSet:
    """Pin (keep through regeneration) or unpin a shift. Not notified: the rota itself is unchanged."""
    before = get_shift(snap, shift_id)
    if before.is_pinned == pinned:
        raise WorkflowError(f"shift_id: {shift_id} is already {'pinned' if pinned else 'unpinned'}")
    after = replace(before, is_pinned=pinned)
    return ChangeSet(f"shift {'pinned' if pinned else 'unpinned'} by {actor}", shift_rows(updates=[(before, after)]))


def add_shift(
    ws: Workspace,
    clinician_id: str,
    day: date,
    *,
    actor: str,
    shift_type: ShiftType | str = ShiftType.STANDARD,
    duration: Duration | str = Duration.FULL,
    pinned: bool = True,
    today: date | None = None,
) -> Shift:
    """Add one shift after checking eligibility; returns it with its new id.

    Pinned by default, so a regeneration or rebalance keeps it; ``pinned=False``
    leaves it for the generator to replace.
    """
    actor = require_actor(actor)
    clinician_id = clinician_arg(clinician_id)
    day = date_arg(day, "day")
    stype = ShiftType.parse(shift_type, "shift_type")
    dur = Duration.parse(duration, "duration")
    pinned = bool_arg(pinned, "pinned")
    today = optional_date_arg(today, "today")
    done = commit(ws, lambda snap: plan_add_shift(snap, clinician_id, day, actor=actor, shift_type=stype,
                                                  duration=dur, pinned=pinned, today=today),
                  actor=actor, scope=scope_around([day]))
    return done.inserted("shift")[0]


def move_shift(
    ws: Workspace,
    shift_id: int,
    *,
    actor: str,
    to_date: date | None = None,
    to_clinician: str | None = None,
    today: date | None = None,
    pin: bool = True,
) -> Shift:
    """Move a live shift to another date and/or clinician (validated like a new shift there).

    The moved shift is pinned unless ``pin=False`` (then its pin stays as it was).
    """
    actor = require_actor(actor)
    pin = bool_arg(pin, "pin")
    shift_id = shift_id_arg(shift_id)
    to_date = optional_date_arg(to_date, "to_date")
    to_clinician = optional_text_arg(to_clinician, "to_clinician", CLINICIAN_HINT)
    today = optional_date_arg(today, "today")
    if to_date is None and to_clinician is None:
        raise WorkflowError("move: give --to-date and/or --to-clinician")
    done = commit(ws, lambda snap: plan_move_shift(snap, shift_id, actor=actor, to_date=to_date,
                                                   to_clinician=to_clinician, today=today, pin=pin),
                  actor=actor, scope=scope_around([to_date], [shift_id]))
    return done.changeset.of("shift", "update")[0].after


def delete_shift(ws: Workspace, shift_id: int, *, actor: str, today: date | None = None) -> Shift:
    """Delete a shift (pinned ones too: a person decided it); returns the deleted shift."""
    actor = require_actor(actor)
    shift_id = shift_id_arg(shift_id)
    today = optional_date_arg(today, "today")
    done = commit(ws, lambda snap: plan_delete_shift(snap, shift_id, actor=actor, today=today),
                  actor=actor, scope=scope_around(shift_ids=[shift_id]))
    return done.changeset.of("shift", "delete")[0].before


def set_pinned(ws: Workspace, shift_id: int, pinned: bool, *, actor: str) -> Shift:
    """Pin (keep through regeneration) or unpin a shift. Not notified: the rota itself is unchanged."""
    actor = require_actor(actor)
    shift_id = shift_id_arg(shift_id)
    pinned = bool_arg(pinned, "pinned")
    done = commit(ws, lambda snap: plan_set_pinned(snap, shift_id, pinned, actor=actor),
                  actor=actor, scope=scope_around(shift_ids=[shift_id]))
    return done.changeset.of("shift", "update")[0].after


def pin_shift(ws: Workspace, shift_id: int, *, actor: str) -> Shift:
    return set_pinned(ws, shift_id, True, actor=actor)


def unpin_shift(ws: Workspace, shift_id: int, *, actor: str) -> Shift:
    return set_pinned(ws, shift_id, False, actor=actor)


def history(ws: Workspace, entity: str, entity_id: str | int) -> list[dict]:
    """Audit rows of one entity (``shift``, ``leave``, ``swap_request`` ...), oldest first."""
    if entity not in AUDITED_ENTITIES:
        raise WorkflowError(f"entity: {entity!r} is not one of {', '.join(AUDITED_ENTITIES)}")
    return ws.audit_history(entity, str(entity_id))
