"""Annual leave: usage, pro-rata entitlement, scheduling cost and remaining quota.

Units: partners take leave in **weeks** (``ceil(inclusive days / 7)`` per leave record,
a partial week counts as a whole one); salaried clinicians (SALARIED, ALTERNATE_WEEKS)
and everyone else in **working days** (their contracted days inside the leave).
Only ``ANNUAL_LEAVE`` counts against the quota. See ``docs/calculations.md`` for the
choices on year boundaries, half days and term changes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Iterable, Literal

from ..domain import Duration, Leave, LeaveStatus, LeaveType, PracticeSnapshot, TermType, WorkingTerm
from .dates import (
    WEEKS_PER_YEAR,
    require_clinician,
    validate_entitlement,
    validate_range,
    year_bounds,
)
from .rounding import q2, safe_quantize
from .targets import term_wte, working_days_in_range

__all__ = [
    "LeaveUnit",
    "LeaveRemaining",
    "leave_unit",
    "partner_leave_weeks",
    "leave_amount",
    "leave_used",
    "pro_rata_entitlement",
    "shifts_affected",
    "resolve_range",
    "remaining_leave",
]

LeaveUnit = Literal["weeks", "days"]
_ZERO = Decimal(0)


def leave_unit(term: WorkingTerm) -> LeaveUnit:
    """``weeks`` for PARTNER terms, ``days`` for every other term type."""
    return "weeks" if term.term_type is TermType.PARTNER else "days"


def partner_leave_weeks(start: date, end: date) -> int:
    """Whole weeks charged to a partner for leave ``[start, end]``: ``ceil(inclusive days / 7)``."""
    s, e = validate_range(start, end, "leave")
    return math.ceil(((e - s).days + 1) / 7)


def _pieces(snap: PracticeSnapshot, leave: Leave, start: date, end: date) -> list[tuple[WorkingTerm, Decimal]]:
    """(term, amount in that term's unit) for the part of ``leave`` inside ``[start, end]``.

    A partner's whole-leave charge ``ceil(days / 7)`` is shared among the days of the leave,
    so a leave split by a range (e.g. a year boundary) is charged exactly once in total.
    Salaried parts count contracted working days, halved for a HALF-day leave.
    """
    lo, hi = max(leave.start_date, start), min(leave.end_date, end)
    if lo > hi:
        return []
    total_days = Decimal((leave.end_date - leave.start_date).days + 1)
    charge = Decimal(partner_leave_weeks(leave.start_date, leave.end_date))
    factor = Decimal("0.5") if leave.duration is Duration.HALF else Decimal(1)
    out = []
    for term in snap.terms_overlapping(leave.clinician_id, lo, hi):
        clamped = term.clamp(lo, hi)
        if clamped is None:
            continue
        p_lo, p_hi = clamped
        if term.term_type is TermType.PARTNER:
            amount = charge * Decimal((p_hi - p_lo).days + 1) / total_days
        else:
            amount = Decimal(working_days_in_range(term, p_lo, p_hi)) * factor
        out.append((term, amount))
    return out


def leave_amount(snap: PracticeSnapshot, leave: Leave, start: date | None = None, end: date | None = None) -> Decimal:
    """Exact (unrounded) quota units of one leave record, optionally only its part inside ``[start, end]``."""
    s = leave.start_date if start is None else start
    e = leave.end_date if end is None else end
    validate_range(s, e, "leave range")
    return sum((amount for _, amount in _pieces(snap, leave, s, e)), _ZERO)


def _statuses(statuses: Iterable[LeaveStatus | str]) -> frozenset[LeaveStatus]:
    if isinstance(statuses, (str, LeaveStatus)):
        statuses = (statuses,)
    return frozenset(LeaveStatus.parse(s, "statuses") for s in statuses)


def leave_used(
    snap: PracticeSnapshot,
    clinician_id: str,
    start: date,
    end: date,
    statuses: Iterable[LeaveStatus | str] = (LeaveStatus.APPROVED,),
) -> Decimal:
    """ANNUAL_LEAVE used in ``[start, end]`` by leave records with one of ``statuses``, in quota units."""
    require_clinician(snap, clinician_id)
    lo, hi = validate_range(start, end, "leave range")
    wanted = _statuses(statuses)
    total = _ZERO
    for lv in snap.leave_by_clinician.get(clinician_id, ()):
        if lv.leave_type is LeaveType.ANNUAL_LEAVE and lv.status in wanted and lv.start_date <= hi and lv.end_date >= lo:
            total += leave_amount(snap, lv, lo, hi)
    return safe_quantize(total)


def pro_rata_entitlement(full: object, start: date, end: date) -> Decimal:
    """Entitlement for working ``[start, end]`` only: ``ceil(full x (days / 7) / 52)``, at most ``full``.

    Rounded up to a whole unit, in the clinician's favour; capped at the full entitlement
    because a full year is 52.14 weeks and would otherwise earn more than ``full``.
    """
    value = validate_entitlement(full, "full entitlement")
    if value is None:
        raise ValueError("full entitlement: None is not accepted; give a number >= 0")
    s, e = validate_range(start, end, "pro-rata range")
    weeks = Decimal((e - s).days + 1) / Decimal(7)
    prorated = (value * weeks / Decimal(WEEKS_PER_YEAR)).to_integral_value(rounding=ROUND_CEILING)
    return safe_quantize(min(value, prorated))


def shifts_affected(snap: PracticeSnapshot, leave: Leave) -> Decimal:
    """Scheduling cost of a leave record in shifts.

    Partner: ``weeks x target_days_per_week x wte``; salaried: contracted working days in
    the leave (halved for HALF). Parts of the leave under different terms use each term.
    """
    require_clinician(snap, leave.clinician_id)
    tdpw = snap.settings.target_working_days_per_week
    total = _ZERO
    for term, amount in _pieces(snap, leave, leave.start_date, leave.end_date):
        total += amount * tdpw * term_wte(term) if term.term_type is TermType.PARTNER else amount
    return safe_quantize(total)


@dataclass(frozen=True)
class LeaveRemaining:
    """Leave balance of one clinician over one leave year (or range). All amounts in ``unit``."""

    has_entitlement: bool
    unit: LeaveUnit
    entitlement: Decimal
    adjustments: Decimal
    effective_entitlement: Decimal
    used_approved: Decimal
    used_pending: Decimal
    remaining: Decimal
    remaining_including_pending: Decimal

    def as_dict(self) -> dict:
        return asdict(self)


def resolve_range(year_or_range: int | tuple[date, date]) -> tuple[date, date]:
    """A year number -> (1 Jan, 31 Dec); a ``(start, end)`` pair -> validated as is."""
    if isinstance(year_or_range, bool):
        raise TypeError("year_or_range: give a year number or a (start, end) pair of dates, not a bool")
    if isinstance(year_or_range, int):
        if not 1 <= year_or_range <= 9999:
            raise ValueError(f"year_or_range: {year_or_range} is not a valid year")
        return year_bounds(year_or_range)
    if isinstance(year_or_range, tuple) and len(year_or_range) == 2:
        return validate_range(year_or_range[0], year_or_range[1], "leave year")
    raise TypeError(f"year_or_range: {year_or_range!r} is neither a year number nor a (start, end) pair of dates")


def remaining_leave(snap: PracticeSnapshot, clinician_id: str, year_or_range: int | tuple[date, date]) -> LeaveRemaining:
    """Single-pool quota: ``effective = entitlement + adjustments``; ``remaining = effective - used_approved``.

    The range acts as the leave year (a year number means the calendar year). The unit is
    that of the latest term overlapping it; entitlement is the sum over the overlapping terms
    of that unit that record one: the full entitlement when the term covers the whole range,
    else :func:`pro_rata_entitlement` for the part it covers. Adjustments are those attached
    to those terms. Without any recorded entitlement, ``has_entitlement`` is False and
    entitlement/remaining are 0 (usage is still reported).
    """
    require_clinician(snap, clinician_id)
    lo, hi = resolve_range(year_or_range)
    terms = snap.terms_overlapping(clinician_id, lo, hi)
    unit: LeaveUnit = leave_unit(terms[-1]) if terms else "days"
    entitlement = adjustments = _ZERO
    has_entitlement = False
    same_unit = [t for t in terms if leave_unit(t) == unit]
    for term in same_unit:
        full = validate_entitlement(term.annual_leave_entitlement, f"term {term.term_id} annual_leave_entitlement")
        if full is None:
            continue
        has_entitlement = True
        t_lo, t_hi = term.clamp(lo, hi)  # type: ignore[misc]
        entitlement += full if (t_lo, t_hi) == (lo, hi) else pro_rata_entitlement(full, t_lo, t_hi)
    term_ids = {t.term_id for t in same_unit}
    adjustments = sum((a.amount for a in snap.leave_adjustments if a.term_id in term_ids), _ZERO)
    used_approved = leave_used(snap, clinician_id, lo, hi, (LeaveStatus.APPROVED,))
    used_pending = leave_used(snap, clinician_id, lo, hi, (LeaveStatus.PENDING,))
    if has_entitlement:
        effective = q2(entitlement + adjustments)
        remaining = q2(effective - used_approved)
        remaining_pending = q2(remaining - used_pending)
    else:
        entitlement = adjustments = effective = remaining = remaining_pending = _ZERO
    return LeaveRemaining(
        has_entitlement=has_entitlement,
        unit=unit,
        entitlement=q2(entitlement),
        adjustments=q2(adjustments),
        effective_entitlement=q2(effective),
        used_approved=used_approved,
        used_pending=used_pending,
        remaining=remaining,
        remaining_including_pending=remaining_pending,
    )
