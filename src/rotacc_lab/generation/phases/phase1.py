"""Phase 1: fixed shifts — contractual days that are not negotiable.

* SALARIED terms: every ``fixed_working_days`` weekday (ALTERNATE_WEEKS terms are phase 2);
* PARTNER terms: every ``must_work_days`` weekday (unless the same weekday is also
  a cannot-work day, which is reported as a conflict and skipped);
* locums: the ``fixed_working_days`` of a LOCUM term plus every date of the
  clinician's ``LocumBooking`` records, combined.

Skipped: bank holidays and weekends, approved leave (full or half day), sick
leave, days outside the clinician's term, and days that already have a shift.
Ongoing terms are clamped to the generation range. Shifts are STANDARD, FULL,
unpinned, origin ``"phase1"``.
"""

from __future__ import annotations

from datetime import date

from ...domain import PracticeSnapshot, TermType, Weekday
from ..ledger import RotaLedger
from .common import Availability, PhaseParams, PhaseResult, generation_days, new_shift

PHASE = 1


def phase1(snapshot: PracticeSnapshot, ledger: RotaLedger, start: date, end: date, params: PhaseParams) -> PhaseResult:
    """Place fixed days, must-work days and locum bookings in ``[start, end]``."""
    result = PhaseResult(PHASE)
    avail = Availability(snapshot, start, end)
    days = generation_days(snapshot, start, end)
    wanted: dict[str, set[date]] = {}
    for term in snapshot.terms:
        span = term.clamp(start, end)
        if span is None:
            continue
        if term.term_type in (TermType.SALARIED, TermType.LOCUM):
            weekdays = set(term.fixed_working_days)
        elif term.term_type is TermType.PARTNER:
            weekdays = set(term.must_work_days)
            clash = weekdays & set(term.cannot_work_days)
            if clash:
                result.messages.append(
                    f"phase 1: {term.clinician_id} term {term.term_id} lists "
                    f"{', '.join(Weekday(d).label for d in sorted(clash))} as both must-work and cannot-work; skipped"
                )
                weekdays -= clash
        else:
            continue
        if not weekdays:
            continue
        target = wanted.setdefault(term.clinician_id, set())
        for d in days:
            if span[0] <= d <= span[1] and d.weekday() in weekdays:
                target.add(d)
    working = set(days)
    for booking in snapshot.locum_bookings:
        target = wanted.setdefault(booking.clinician_id, set())
        target.update(d for d in booking.dates if d in working)
    skipped = 0
    for cid in sorted(wanted):
        for d in sorted(wanted[cid]):
            if ledger.has(cid, d) or avail.blocked(cid, d):
                skipped += 1
                continue
            ledger.add(new_shift(cid, d, PHASE), f"phase{PHASE}")
    if skipped:
        result.messages.append(f"phase 1: {skipped} fixed day(s) skipped (leave, sickness or an existing shift)")
    return result
