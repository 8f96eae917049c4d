"""Targets: how many shifts a clinician is expected to have worked.

Formulas (exact ``Decimal`` arithmetic, rounded once at the end; see ``docs/calculations.md``):

* PARTNER term, effective range ``[lo, hi]`` (inclusive, ``d`` days)::

      weeks           = d / 7
      base            = weeks x target_days_per_week x wte
      leave_weeks     = entitlement x sum(days of the range in year Y / days in year Y)
      leave_deduction = leave_weeks x target_days_per_week x wte
      target          = max(0, base - leave_deduction)

* SALARIED / ALTERNATE_WEEKS term::

      target = max(0, fixed working days in [lo, hi] - entitlement x sum(days in Y / days in year Y))

* LOCUM, FY_DOCTOR, ST_DOCTOR: 0.

A clinician's target over a range is the sum over every term overlapping it, each
clamped to ``[max(term.start, period_start), min(term.end or target_date, target_date)]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..calendar import bank_holidays, first_full_monday
from ..domain import PracticeSnapshot, TermType, WorkingTerm
from .dates import (
    count_cycle_days,
    count_weekdays,
    days_in_year,
    full_weeks_in_year,
    require_clinician,
    split_by_year,
    validate_entitlement,
    validate_percentage,
    validate_range,
    year_bounds,
)
from .rounding import safe_quantize

__all__ = [
    "TermTarget",
    "term_wte",
    "term_days_per_week",
    "working_days_in_range",
    "year_fraction",
    "target_breakdown",
    "target_shifts",
    "calendar_year_target",
]

_SEVEN = Decimal(7)
_ZERO = Decimal(0)


@dataclass(frozen=True)
class TermTarget:
    """One term's contribution to a target, unrounded, for explanation and tests."""

    term_id: str
    term_type: TermType
    start: date  # effective (clamped) start
    end: date  # effective (clamped) end
    base: Decimal  # before leave: partner weeks x days/week x wte; salaried fixed-day count
    leave_deduction: Decimal
    target: Decimal  # max(0, base - leave_deduction)


def term_wte(term: WorkingTerm) -> Decimal:
    """The term's WTE as a fraction (validates the percentage)."""
    return validate_percentage(term.percentage, f"term {term.term_id} percentage") / Decimal(100)


def term_days_per_week(term: WorkingTerm) -> Decimal:
    """Contracted days per week of a salaried term (ALTERNATE_WEEKS: mean of week A and week B)."""
    if term.term_type is TermType.ALTERNATE_WEEKS:
        return Decimal(len(set(term.week_a_days)) + len(set(term.week_b_days))) / Decimal(2)
    return Decimal(len(set(term.fixed_working_days)))


def working_days_in_range(term: WorkingTerm, start: date, end: date) -> int:
    """The term's contracted working days in ``[start, end]`` (not clamped to the term: callers clamp).

    SALARIED (and any other type with ``fixed_working_days``): weekdays in the fixed set.
    ALTERNATE_WEEKS: week A / week B days, weeks counted from the first full Monday on or
    after the term start (week 0 = A); days before that Monday count as none, matching the
    generator's phase 2, which starts the pattern there.
    """
    validate_range(start, end)
    if term.term_type is TermType.ALTERNATE_WEEKS:
        first = first_full_monday(term.start_date)
        lo = max(start, first)
        if lo > end:
            return 0
        offsets = [int(d) for d in term.week_a_days] + [7 + int(d) for d in term.week_b_days]
        return count_cycle_days(lo, end, first, 14, offsets)
    return count_weekdays(start, end, term.fixed_working_days)


def year_fraction(start: date, end: date) -> Decimal:
    """Sum over the calendar years touched of (days of ``[start, end]`` in year Y) / (days in year Y).

    This is the reference's ``weeks / total_weeks_in_year`` with inclusive weeks, applied
    per year so a range crossing 31 December is pro-rated by each year's own length.
    """
    total = _ZERO
    for lo, hi in split_by_year(start, end):
        total += Decimal((hi - lo).days + 1) / Decimal(days_in_year(lo))
    return total


def _term_target(snap: PracticeSnapshot, term: WorkingTerm, lo: date, hi: date) -> TermTarget:
    entitlement = validate_entitlement(term.annual_leave_entitlement, f"term {term.term_id} annual_leave_entitlement")
    if term.term_type is TermType.PARTNER:
        tdpw = snap.settings.target_working_days_per_week
        wte = term_wte(term)
        weeks = Decimal((hi - lo).days + 1) / _SEVEN
        base = weeks * tdpw * wte
        deduction = (entitlement * year_fraction(lo, hi) * tdpw * wte) if entitlement else _ZERO
    elif term.term_type.is_salaried:
        term_wte(term)  # validates the percentage even though salaried targets do not use it
        base = Decimal(working_days_in_range(term, lo, hi))
        deduction = (entitlement * year_fraction(lo, hi)) if entitlement else _ZERO
    else:
        base = deduction = _ZERO
    return TermTarget(term.term_id, term.term_type, lo, hi, base, deduction, max(_ZERO, base - deduction))


def target_breakdown(snap: PracticeSnapshot, clinician_id: str, period_start: date, target_date: date) -> list[TermTarget]:
    """Per-term contributions (unrounded) to :func:`target_shifts`, in term order."""
    require_clinician(snap, clinician_id)
    lo, hi = validate_range(period_start, target_date, "target range")
    out = []
    for term in snap.terms_overlapping(clinician_id, lo, hi):
        clamped = term.clamp(lo, hi)
        if clamped is None:
            continue
        out.append(_term_target(snap, term, *clamped))
    return out


def target_shifts(snap: PracticeSnapshot, clinician_id: str, period_start: date, target_date: date) -> Decimal:
    """Shifts the clinician should have worked in ``[period_start, target_date]`` (both inclusive).

    Sum of the per-term targets, rounded once (2 dp, ROUND_HALF_UP), clamped to [0, 9999.99].
    0 for clinicians with no PARTNER/SALARIED/ALTERNATE_WEEKS term in the range.
    """
    return safe_quantize(sum((t.target for t in target_breakdown(snap, clinician_id, period_start, target_date)), _ZERO))


def calendar_year_target(snap: PracticeSnapshot, clinician_id: str, year: int) -> Decimal:
    """Full-year target in one call (reference formula), pro-rated by the share of the year each term covers.

    * PARTNER: ``(tdpw x 52 - bank holidays in the year - leave_weeks x tdpw) x wte``
    * SALARIED / ALTERNATE_WEEKS: ``(days per week x 52 - leave_days) x wte``
    * others: 0

    A term covering the whole year contributes exactly that; a term covering part of the
    year contributes that times ``days covered / days in year`` (each term floored at 0).
    """
    require_clinician(snap, clinician_id)
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise TypeError(f"year: {year!r} is not a year number")
    y_start, y_end = year_bounds(year)
    n_days = Decimal(days_in_year(year))
    weeks = Decimal(full_weeks_in_year(year))
    tdpw = snap.settings.target_working_days_per_week
    total = _ZERO
    for term in snap.terms_overlapping(clinician_id, y_start, y_end):
        lo, hi = term.clamp(y_start, y_end)  # type: ignore[misc]  # overlapping => not None
        fraction = Decimal((hi - lo).days + 1) / n_days
        entitlement = validate_entitlement(term.annual_leave_entitlement, f"term {term.term_id} annual_leave_entitlement") or _ZERO
        if term.term_type is TermType.PARTNER:
            n_bh = sum(1 for d in bank_holidays(snap.settings.uk_nation, [year]))
            base = tdpw * weeks - Decimal(n_bh) - entitlement * tdpw
        elif term.term_type.is_salaried:
            base = term_days_per_week(term) * weeks - entitlement
        else:
            continue
        total += max(_ZERO, base * term_wte(term) * fraction)
    return safe_quantize(total)
