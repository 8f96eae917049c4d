"""Shift counting: how many shifts a clinician has in a date range.

Every count is a sum of durations (FULL = 1, HALF = 0.5) over shifts with
``start <= date <= end`` (inclusive), returned as ``Decimal`` with 2 dp.

**CANCELLED shifts never count**, in any method: a cancelled shift is a record that
the shift does not happen, so it is neither worked, completed, scheduled nor part
of "all shifts".

Completed vs scheduled depends on ``as_of`` (the day the question is asked):

* completed = status COMPLETED (any date in range), or SCHEDULED with ``date < as_of``;
* scheduled = status SCHEDULED with ``date >= as_of``.

So for any range, ``completed + scheduled == all`` (and with ``worked_only=True``,
``== worked``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable

from ..domain import Duration, PracticeSnapshot, Shift, ShiftStatus, ShiftType
from .dates import require_clinician, validate_date, validate_range
from .rounding import safe_quantize

__all__ = [
    "shifts_in_range",
    "count_worked",
    "count_completed",
    "count_scheduled",
    "count_all",
    "count_duty_days",
    "count_toward_minimum",
    "count_by_type",
    "is_completed",
    "is_scheduled",
]


def shifts_in_range(snap: PracticeSnapshot, clinician_id: str, start: date, end: date) -> tuple[Shift, ...]:
    """The clinician's shifts (any status) dated in ``[start, end]``, by date (binary search, no full scan)."""
    require_clinician(snap, clinician_id)
    lo, hi = validate_range(start, end, "count range")
    shifts = snap.shifts_by_clinician.get(clinician_id, ())
    key = _shift_date
    return shifts[bisect_left(shifts, lo, key=key) : bisect_right(shifts, hi, key=key)]


def _shift_date(s: Shift) -> date:
    return s.date


def _sum(shifts: Iterable[Shift], keep: Callable[[Shift], bool]) -> Decimal:
    halves = 0
    for s in shifts:
        if s.status is not ShiftStatus.CANCELLED and keep(s):
            halves += 1 if s.duration is Duration.HALF else 2
    return safe_quantize(Decimal(halves) / 2)


def is_completed(s: Shift, as_of: date) -> bool:
    """COMPLETED, or SCHEDULED and dated before ``as_of``."""
    return s.status is ShiftStatus.COMPLETED or (s.status is ShiftStatus.SCHEDULED and s.date < as_of)


def is_scheduled(s: Shift, as_of: date) -> bool:
    """SCHEDULED and dated on or after ``as_of``."""
    return s.status is ShiftStatus.SCHEDULED and s.date >= as_of


def count_worked(snap: PracticeSnapshot, clinician_id: str, start: date, end: date) -> Decimal:
    """Shifts that count as worked (every type except STUDY_LEAVE), any non-cancelled status."""
    return _sum(shifts_in_range(snap, clinician_id, start, end), lambda s: s.shift_type.counts_as_worked)


def count_completed(
    snap: PracticeSnapshot, clinician_id: str, start: date, end: date, as_of: date, *, worked_only: bool = False
) -> Decimal:
    """COMPLETED shifts plus SCHEDULED shifts dated before ``as_of`` (all types unless ``worked_only``)."""
    validate_date(as_of, "as_of")
    return _sum(
        shifts_in_range(snap, clinician_id, start, end),
        lambda s: is_completed(s, as_of) and (not worked_only or s.shift_type.counts_as_worked),
    )


def count_scheduled(
    snap: PracticeSnapshot, clinician_id: str, start: date, end: date, as_of: date, *, worked_only: bool = False
) -> Decimal:
    """SCHEDULED shifts dated on or after ``as_of`` (all types unless ``worked_only``)."""
    validate_date(as_of, "as_of")
    return _sum(
        shifts_in_range(snap, clinician_id, start, end),
        lambda s: is_scheduled(s, as_of) and (not worked_only or s.shift_type.counts_as_worked),
    )


def count_all(snap: PracticeSnapshot, clinician_id: str, start: date, end: date) -> Decimal:
    """Every non-cancelled shift, whatever its type."""
    return _sum(shifts_in_range(snap, clinician_id, start, end), lambda s: True)


def count_duty_days(snap: PracticeSnapshot, clinician_id: str, start: date, end: date) -> Decimal:
    """DUTY shifts only."""
    return _sum(shifts_in_range(snap, clinician_id, start, end), lambda s: s.shift_type is ShiftType.DUTY)


def count_toward_minimum(snap: PracticeSnapshot, clinician_id: str, start: date, end: date) -> Decimal:
    """Shifts that count toward the daily minimum: STANDARD and DUTY (not STUDY_LEAVE, not CORONERS)."""
    return _sum(shifts_in_range(snap, clinician_id, start, end), lambda s: s.shift_type.counts_toward_minimum)


def count_by_type(
    snap: PracticeSnapshot, clinician_id: str, start: date, end: date, shift_type: ShiftType | str
) -> Decimal:
    """Shifts of one type (``shift_type`` may be a ``ShiftType`` or its name in any case)."""
    wanted = ShiftType.parse(shift_type, "shift_type")
    return _sum(shifts_in_range(snap, clinician_id, start, end), lambda s: s.shift_type is wanted)
