"""Date arithmetic and input validation shared by all calculators.

Conventions (see ``docs/calculations.md``):

* every range is **inclusive** at both ends (``[start, end]``) unless a function says otherwise;
* week counts are exact ``Decimal`` fractions; rounding happens only in the final result;
* weekday sets are ``Weekday`` members or plain ints (Monday = 0 ... Sunday = 6).
"""

from __future__ import annotations

import calendar as _pycal
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Iterable, Mapping

from ..domain import PracticeSnapshot, ReportingPeriod, Settings
from .rounding import to_decimal

__all__ = [
    "DAYS_PER_WEEK",
    "WEEKS_PER_YEAR",
    "weeks_between",
    "count_weekdays",
    "count_cycle_days",
    "year_bounds",
    "days_in_year",
    "full_weeks_in_year",
    "days_between",
    "split_by_year",
    "reporting_period_for",
    "validate_date",
    "validate_range",
    "validate_percentage",
    "validate_entitlement",
    "require_clinician",
]

DAYS_PER_WEEK = 7
WEEKS_PER_YEAR = 52
_SEVEN = Decimal(7)


# --------------------------------------------------------------------------- validation


def validate_date(value: object, what: str = "date") -> date:
    """Return ``value`` if it is a ``date`` (not a ``datetime``); ``TypeError`` otherwise."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what}: {value!r} is not a date; give a datetime.date (e.g. date(2026, 1, 5))")
    return value


def validate_range(start: object, end: object, what: str = "range") -> tuple[date, date]:
    """Check both ends are dates and ``start <= end``; return them.

    Raises ``TypeError`` for non-dates and ``ValueError`` for a reversed range.
    """
    s = validate_date(start, f"{what} start")
    e = validate_date(end, f"{what} end")
    if e < s:
        raise ValueError(f"{what}: end {e.isoformat()} is before start {s.isoformat()}; give start <= end")
    return s, e


def validate_percentage(value: object, what: str = "percentage") -> Decimal:
    """A WTE percentage in 0..100 as ``Decimal`` (``TypeError`` if not numeric, ``ValueError`` if out of range)."""
    d = to_decimal(value, what)
    if not d.is_finite() or not (Decimal(0) <= d <= Decimal(100)):
        raise ValueError(f"{what}: {value!r} is outside 0..100; give a percentage between 0 and 100")
    return d


def validate_entitlement(value: object, what: str = "annual_leave_entitlement") -> Decimal | None:
    """Normalise an annual-leave entitlement to ``Decimal`` (or ``None`` = no entitlement recorded).

    Accepts a number, a numeric string, or the reference's ``{"total": <number>}`` mapping.
    A mapping without ``total`` raises ``ValueError``; a negative or non-finite total too.
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        if "total" not in value:
            keys = ", ".join(map(str, value)) or "none"
            raise ValueError(f"{what}: mapping has no 'total' key (keys: {keys}); give {{'total': <number>}}")
        value = value["total"]
        if value is None:
            return None
    d = to_decimal(value, what)
    if not d.is_finite() or d < 0:
        raise ValueError(f"{what}: {value!r} is not accepted; give a number >= 0")
    return d


def require_clinician(snap: PracticeSnapshot, clinician_id: object) -> str:
    """Return ``clinician_id`` if the snapshot knows it, else raise ``ValueError`` listing some known ids."""
    if not isinstance(clinician_id, str):
        raise TypeError(f"clinician_id: {clinician_id!r} is not a string id")
    if clinician_id not in snap.clinician_by_id:
        known = sorted(snap.clinician_by_id)
        shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
        raise ValueError(f"clinician_id: unknown clinician {clinician_id!r}; known: {shown or 'none'}")
    return clinician_id


# --------------------------------------------------------------------------- arithmetic


def days_between(start: date, end: date) -> int:
    """Number of days in ``[start, end]`` (inclusive); ``ValueError`` if reversed."""
    s, e = validate_range(start, end)
    return (e - s).days + 1


def weeks_between(start: date, end: date, round_down: bool = True, *, inclusive: bool = False) -> Decimal:
    """Weeks from ``start`` to ``end`` as a ``Decimal``.

    With ``inclusive=False`` (the reference's definition) this is ``(end - start).days / 7``;
    with ``inclusive=True`` the end day counts too: ``((end - start).days + 1) / 7``.
    The calculators use the inclusive form (a Monday-to-Sunday range is exactly one week).
    ``round_down`` floors to whole weeks; otherwise the exact fraction is returned (unrounded).
    """
    s, e = validate_range(start, end)
    days = (e - s).days + (1 if inclusive else 0)
    weeks = Decimal(days) / _SEVEN
    return weeks.to_integral_value(rounding=ROUND_FLOOR) if round_down else weeks


def _weekday_set(weekdays: Iterable[int]) -> frozenset[int]:
    out = set()
    for w in weekdays:
        if isinstance(w, bool) or not isinstance(w, int) or not 0 <= int(w) <= 6:
            raise ValueError(f"weekdays: {w!r} is not a weekday number 0 (Mon)..6 (Sun) or a Weekday")
        out.add(int(w))
    return frozenset(out)


def count_cycle_days(start: date, end: date, origin: date, period: int, offsets: Iterable[int]) -> int:
    """Count days ``d`` in ``[start, end]`` with ``(d - origin).days % period`` in ``offsets``.

    O(1) in the length of the range: complete cycles times ``len(offsets)`` plus a scan
    of the remainder (< ``period`` days). ``count_weekdays`` is the ``period = 7`` case;
    week-A/B patterns are the ``period = 14`` case.
    """
    s, e = validate_range(start, end)
    wanted = frozenset(int(o) % period for o in offsets)
    if not wanted:
        return 0
    total = (e - s).days + 1
    full, rest = divmod(total, period)
    count = full * len(wanted)
    first = (s - origin).days % period
    count += sum(1 for i in range(rest) if (first + i) % period in wanted)
    return count


_MONDAY = date(2001, 1, 1)  # a Monday: (d - _MONDAY).days % 7 == d.weekday()


def count_weekdays(start: date, end: date, weekdays: Iterable[int]) -> int:
    """How many dates in ``[start, end]`` fall on one of ``weekdays`` (0 = Monday). O(1)."""
    return count_cycle_days(start, end, _MONDAY, 7, _weekday_set(weekdays))


def year_bounds(d: date | int) -> tuple[date, date]:
    """(1 January, 31 December) of the year of ``d`` (a date or a year number)."""
    year = d if isinstance(d, int) and not isinstance(d, bool) else validate_date(d).year
    return date(year, 1, 1), date(year, 12, 31)


def days_in_year(d: date | int) -> int:
    """365 or 366."""
    year = d if isinstance(d, int) and not isinstance(d, bool) else validate_date(d).year
    return 366 if _pycal.isleap(year) else 365


def full_weeks_in_year(d: date | int) -> int:
    """Whole weeks in the year of ``d``: ``floor(days_in_year / 7)`` (always 52)."""
    return days_in_year(d) // DAYS_PER_WEEK


def split_by_year(start: date, end: date) -> list[tuple[date, date]]:
    """Split ``[start, end]`` at 31 December / 1 January into per-year pieces."""
    s, e = validate_range(start, end)
    out = []
    while s <= e:
        piece_end = min(e, date(s.year, 12, 31))
        out.append((s, piece_end))
        s = piece_end + timedelta(days=1)
    return out


def reporting_period_for(settings: Settings, d: date) -> ReportingPeriod | None:
    """The first configured reporting period containing ``d``, or ``None``."""
    validate_date(d)
    for p in settings.reporting_periods:
        if p.start <= d <= p.end:
            return p
    return None
