"""Locum bookings: book a clinician for given dates (a LocumBooking row plus its shifts).

A booking can be made for any clinician (a locum, or a salaried doctor doing an
extra session). Each date must be a working day on which the clinician is
eligible (see :func:`~rotacc_lab.workflows.adjustments.eligibility_problems`;
a working term is *not* required, the booking itself is the agreement). Every
problem of every date is reported at once and nothing is written unless all
dates pass. The shifts are STANDARD, FULL and pinned (like the shifts Phase 1
derives from bookings), with origin ``locum:<booking_id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from ..args import dates_arg, optional_date_arg, optional_text_arg
from ..changes import ChangeSet, inserted, next_id, shift_rows
from ..domain import Duration, LocumBooking, PracticeSnapshot, Shift, ShiftStatus, ShiftType
from ..store.committer import Scope, commit
from ..store.workspace import Workspace
from .adjustments import WorkflowError, clinician_arg, eligibility_problems, require_actor, require_clinician
from .notifications import with_notifications


@dataclass(frozen=True)
class LocumOutcome:
    booking: LocumBooking
    shifts: tuple[Shift, ...]
    notifications: tuple[str, ...]


def booking_shifts(booking: LocumBooking) -> list[Shift]:
    """The pinned STANDARD shifts a booking puts in the rota (origin ``locum:<booking_id>``)."""
    return [Shift(None, booking.clinician_id, d, ShiftType.STANDARD, Duration.FULL, ShiftStatus.SCHEDULED, True,
                  f"locum:{booking.booking_id}") for d in booking.dates]


def plan_book_locum(snap: PracticeSnapshot, clinician_id: str, days: list[date], *, actor: str,
                    booking_id: str | None = None, today: date | None = None) -> ChangeSet:
    """A booking and its pinned shifts, after checking every date (all problems reported at once)."""
    require_clinician(snap, clinician_id)
    bid = booking_id or next_id((b.booking_id for b in snap.locum_bookings), "LB-")
    if any(b.booking_id == bid for b in snap.locum_bookings):
        raise WorkflowError(f"booking_id: {bid!r} already exists; choose another id")
    problems = [p for d in days for p in eligibility_problems(snap, clinician_id, d, require_term=False)]
    if problems:
        raise WorkflowError("locum booking not possible: " + "; ".join(problems))
    booking = LocumBooking(bid, clinician_id, tuple(days))
    cs = ChangeSet(f"locum booking {bid} by {actor}",
                   (inserted("locum_booking", booking),) + shift_rows(inserts=booking_shifts(booking)))
    return with_notifications(cs, snap, today)


def book_locum(
    ws: Workspace,
    clinician_id: str,
    dates: Iterable[date],
    *,
    actor: str,
    booking_id: str | None = None,
    today: date | None = None,
) -> LocumOutcome:
    """Create a booking and its pinned shifts atomically."""
    actor = require_actor(actor)
    clinician_id = clinician_arg(clinician_id)
    days = sorted(set(dates_arg(dates, "dates")))
    booking_id = optional_text_arg(booking_id, "booking_id", "give a booking id (text), e.g. 'LB-00001'")
    today = optional_date_arg(today, "today")
    if not days:
        raise WorkflowError("dates: none given; give at least one date (YYYY-MM-DD)")
    done = commit(ws, lambda snap: plan_book_locum(snap, clinician_id, days, actor=actor, booking_id=booking_id,
                                                   today=today),
                  actor=actor, scope=Scope.around(days=days))
    return LocumOutcome(done.inserted("locum_booking")[0], tuple(done.inserted("shift")), done.message_ids)
