"""Sick-leave credit: shifts credited to partners for time off sick.

``credit = sick weeks x target_days_per_week`` where sick weeks are the inclusive days
of sickness inside the range (and inside a PARTNER term) divided by 7, fractional.
An ongoing spell (no end date) runs to ``as_of``. Overlapping spells are counted once.
Salaried and other clinicians get 0: their fixed pattern needs no such adjustment.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ..domain import PracticeSnapshot, TermType
from .dates import require_clinician, validate_date, validate_range, year_bounds
from .rounding import safe_quantize

__all__ = ["sick_days_credited", "sick_leave_credit", "sick_leave_credit_year"]


def sick_days_credited(snap: PracticeSnapshot, clinician_id: str, start: date, end: date, as_of: date) -> int:
    """Distinct days in ``[start, end]`` on which the clinician was sick while holding a PARTNER term."""
    require_clinician(snap, clinician_id)
    lo, hi = validate_range(start, end, "sick-leave range")
    validate_date(as_of, "as_of")
    partner_terms = [t for t in snap.terms_by_clinician.get(clinician_id, ()) if t.term_type is TermType.PARTNER]
    pieces: list[tuple[date, date]] = []
    for spell in snap.sick_by_clinician.get(clinician_id, ()):
        s_end = spell.end_date if spell.end_date is not None else as_of
        s_lo, s_hi = max(spell.start_date, lo), min(s_end, hi)
        if s_lo > s_hi:
            continue
        for term in partner_terms:
            clamped = term.clamp(s_lo, s_hi)
            if clamped:
                pieces.append(clamped)
    days = 0
    covered_to: date | None = None  # merge overlapping pieces so no day counts twice
    for p_lo, p_hi in sorted(pieces):
        if covered_to is not None and p_lo <= covered_to:
            p_lo = covered_to + timedelta(days=1)
        if p_lo <= p_hi:
            days += (p_hi - p_lo).days + 1
            covered_to = p_hi
    return days


def sick_leave_credit(snap: PracticeSnapshot, clinician_id: str, start: date, end: date, as_of: date) -> Decimal:
    """``(sick days / 7) x target_days_per_week`` for partners over ``[start, end]``; 0 for others."""
    days = sick_days_credited(snap, clinician_id, start, end, as_of)
    return safe_quantize(Decimal(days) / Decimal(7) * snap.settings.target_working_days_per_week)


def sick_leave_credit_year(snap: PracticeSnapshot, clinician_id: str, year: int, as_of: date) -> Decimal:
    """Sick-leave credit over the calendar year ``year``."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year: {year!r} is not a year number")
    y_start, y_end = year_bounds(year)
    return sick_leave_credit(snap, clinician_id, y_start, y_end, as_of)
