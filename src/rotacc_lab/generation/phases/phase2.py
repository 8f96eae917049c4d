"""Phase 2: week-A/week-B patterns of ALTERNATE_WEEKS terms.

Week A is the first full week of the *term* (see
:func:`~rotacc_lab.generation.phases.common.ab_index_for_term`), so the
pattern does not flip when a sub-range is regenerated. Every working day of
the generation range covered by the term whose weekday is in that week's day
list gets a STANDARD, FULL, **pinned** shift (origin ``"phase2"``), except bank
holidays, approved leave (full or half day), sick leave and days that already
have a shift.
"""

from __future__ import annotations

from datetime import date

from ...domain import PracticeSnapshot, TermType, Weekday
from ..ledger import RotaLedger
from .common import Availability, PhaseParams, PhaseResult, ab_index_for_term, generation_days, new_shift

PHASE = 2


def phase2(snapshot: PracticeSnapshot, ledger: RotaLedger, start: date, end: date, params: PhaseParams) -> PhaseResult:
    """Create the pinned A/B-pattern shifts in ``[start, end]``."""
    result = PhaseResult(PHASE)
    avail = Availability(snapshot, start, end)
    days = generation_days(snapshot, start, end)
    skipped = 0
    terms = sorted(
        (t for t in snapshot.terms if t.term_type is TermType.ALTERNATE_WEEKS and t.clamp(start, end)),
        key=lambda t: (t.clinician_id, t.start_date),
    )
    for term in terms:
        lo, hi = term.clamp(start, end)  # type: ignore[misc]
        for d in days:
            if not lo <= d <= hi:
                continue
            idx = ab_index_for_term(term, d)
            if idx is None:
                continue
            pattern = term.week_a_days if idx == 0 else term.week_b_days
            if Weekday(d.weekday()) not in pattern:
                continue
            if ledger.has(term.clinician_id, d) or avail.blocked(term.clinician_id, d):
                skipped += 1
                continue
            ledger.add(new_shift(term.clinician_id, d, PHASE, pinned=True), f"phase{PHASE}")
    if skipped:
        result.messages.append(f"phase 2: {skipped} pattern day(s) skipped (leave, sickness or an existing shift)")
    return result
