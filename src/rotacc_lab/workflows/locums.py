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

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from ..domain import Duration, LocumBooking, Shift, ShiftStatus, ShiftType
from ..store.workspace import Workspace
from .adjustments import (
    ChangeSet,
    WorkflowError,
    eligibility_problems,
    require_actor,
    require_clinician,
    snapshot_around,
)


@dataclass(frozen=True)
class LocumOutcome:
    booking: LocumBooking
    shifts: tuple[Shift, ...]
    notifications: tuple[str, ...]


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
    days = sorted(set(dates))
    if not days:
        raise WorkflowError("dates: none given; give at least one date (YYYY-MM-DD)")
    bid = booking_id or f"LB-{uuid.uuid4().hex[:10]}"
    with ws.transaction(actor) as tx:
        snap = snapshot_around(tx, days)
        require_clinician(snap, clinician_id)
        if any(b.booking_id == bid for b in snap.locum_bookings):
            raise WorkflowError(f"booking_id: {bid!r} already exists; choose another id")
        problems = [p for d in days for p in eligibility_problems(snap, clinician_id, d, require_term=False)]
        if problems:
            raise WorkflowError("locum booking not possible: " + "; ".join(problems))
        booking = LocumBooking(bid, clinician_id, tuple(days))
        tx.con.execute("INSERT INTO locum_bookings VALUES (?, ?, ?)", [bid, clinician_id, days])
        tx.audit("locum_booking", bid, "insert", None,
                 {"booking_id": bid, "clinician_id": clinician_id, "dates": [d.isoformat() for d in days]})
        new = [Shift(None, clinician_id, d, ShiftType.STANDARD, Duration.FULL, ShiftStatus.SCHEDULED, True,
                     f"locum:{bid}") for d in days]
        applied = ChangeSet(inserts=new).apply(tx, snap, reason=f"locum booking {bid} by {actor}", today=today)
        return LocumOutcome(booking, applied.inserted, applied.notifications)
