"""Deficiency: the gap between a clinician's target and the shifts they have.

``deficiency = target - actual``: positive = under-worked (needs more shifts),
negative = over-worked, zero = on target. Target and actual are each rounded to
2 dp first, so ``deficiency == target - actual`` holds exactly for the values shown.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, TypedDict

from ..domain import PracticeSnapshot, ReportingPeriod, Settings, ShiftStatus
from .counting import count_completed, count_scheduled, count_worked
from .dates import days_between, require_clinician, validate_date, validate_range, year_bounds
from .rounding import q2, safe_quantize, to_decimal
from .targets import target_shifts

__all__ = [
    "DeficiencyStatus",
    "Status",
    "deficiency",
    "deficiency_including_scheduled",
    "deficiency_status",
    "classify",
    "default_period_end",
    "lookup_period",
    "period_deficiency",
    "two_week_average",
    "year_to_date_average",
]

Status = Literal["on_track", "under", "over"]
DEFAULT_THRESHOLD = Decimal("1.0")


class DeficiencyStatus(TypedDict):
    deficiency: Decimal  # target - actual
    target: Decimal
    actual: Decimal  # worked shifts in [period_start, as_of]
    status: Status


def classify(deficiency_value: Decimal, threshold: Decimal | int | float | str = DEFAULT_THRESHOLD) -> Status:
    """``on_track`` if ``|deficiency| <= threshold``, ``under`` if above it, ``over`` if below ``-threshold``."""
    t = to_decimal(threshold, "threshold")
    if not t.is_finite() or t < 0:
        raise ValueError(f"threshold: {threshold!r} is not accepted; give a number >= 0")
    if deficiency_value > t:
        return "under"
    if deficiency_value < -t:
        return "over"
    return "on_track"


def deficiency(snap: PracticeSnapshot, clinician_id: str, period_start: date, as_of: date) -> Decimal:
    """``target_shifts(period_start, as_of) - count_worked(period_start, as_of)`` (both ends inclusive).

    "Worked" is every non-cancelled shift that counts as worked, dated up to and
    including ``as_of``, whatever its status (a SCHEDULED shift on ``as_of`` counts).
    """
    validate_range(period_start, as_of, "deficiency range")
    target = target_shifts(snap, clinician_id, period_start, as_of)
    return q2(target - count_worked(snap, clinician_id, period_start, as_of))


def deficiency_including_scheduled(
    snap: PracticeSnapshot, clinician_id: str, period_start: date, period_end: date, as_of: date
) -> Decimal:
    """Projected deficiency at the end of a period, counting shifts already on the rota.

    ``target_shifts(period_start, period_end) - (completed + scheduled)`` where both counts
    cover ``[period_start, period_end]``, split at ``as_of`` and restricted to shift types
    that count as worked (so it is comparable with :func:`deficiency`).
    """
    validate_range(period_start, period_end, "period")
    validate_date(as_of, "as_of")
    target = target_shifts(snap, clinician_id, period_start, period_end)
    done = count_completed(snap, clinician_id, period_start, period_end, as_of, worked_only=True)
    coming = count_scheduled(snap, clinician_id, period_start, period_end, as_of, worked_only=True)
    return q2(target - done - coming)


def deficiency_status(
    snap: PracticeSnapshot,
    clinician_id: str,
    period_start: date,
    as_of: date,
    threshold: Decimal | int | float | str = DEFAULT_THRESHOLD,
) -> DeficiencyStatus:
    """Target, actual (worked), deficiency and an on_track/under/over label."""
    validate_range(period_start, as_of, "deficiency range")
    target = target_shifts(snap, clinician_id, period_start, as_of)
    actual = count_worked(snap, clinician_id, period_start, as_of)
    gap = q2(target - actual)
    return DeficiencyStatus(deficiency=gap, target=target, actual=actual, status=classify(gap, threshold))


def lookup_period(settings: Settings, period_name: str) -> ReportingPeriod:
    """The named reporting period; ``ValueError`` naming the known periods if absent."""
    for p in settings.reporting_periods:
        if p.name == period_name:
            return p
    known = ", ".join(repr(p.name) for p in settings.reporting_periods) or "none defined"
    raise ValueError(f"period_name: unknown reporting period {period_name!r}; known periods: {known}")


def period_deficiency(snap: PracticeSnapshot, clinician_id: str, period_name: str, as_of: date) -> Decimal:
    """Deficiency from the named period's start to ``min(as_of, period end)``."""
    period = lookup_period(snap.settings, period_name)
    validate_date(as_of, "as_of")
    if as_of < period.start:
        raise ValueError(
            f"as_of: {as_of.isoformat()} is before reporting period {period.name!r} starts ({period.start.isoformat()})"
        )
    return deficiency(snap, clinician_id, period.start, min(as_of, period.end))


def default_period_end(settings: Settings, as_of: date) -> date:
    """End of the reporting period containing ``as_of``, else 31 December of ``as_of``'s year."""
    validate_date(as_of, "as_of")
    for p in settings.reporting_periods:
        if p.start <= as_of <= p.end:
            return p.end
    return year_bounds(as_of)[1]


def projection_end(snap: PracticeSnapshot, as_of: date, generated_to: date | None = None) -> tuple[date, str]:
    """Where a projection "including scheduled" should stop by default, and why (for the reader).

    The earlier of the reporting period's end (:func:`default_period_end`) and the
    last day the rota has been generated for, never before ``as_of``: past the rota's
    end there are no scheduled shifts, so a longer projection would count those days
    as missing work. ``generated_to`` is the last day covered by a completed
    generation run (the caller reads it from the workspace's runs); without one, the
    latest shift that is not cancelled stands in for it (a rota that was imported).
    """
    period_end = default_period_end(snap.settings, as_of)
    what = "reporting period" if any(p.start <= as_of <= p.end for p in snap.settings.reporting_periods) else "year"
    if generated_to is not None:
        last, label = generated_to, "the rota is generated to"
    else:
        live = [s.date for s in snap.shifts if s.status is not ShiftStatus.CANCELLED]
        if not live:
            return as_of, "no rota yet: nothing scheduled after --as-of"
        last, label = max(live), "the last shift of the rota is on"
    if last <= as_of:
        return as_of, f"{label} {last.isoformat()}: nothing scheduled after --as-of"
    if last < period_end:
        return last, f"{label} {last.isoformat()}; the {what} ends {period_end.isoformat()}"
    return period_end, f"end of the {what}; {label} {last.isoformat()}"


def two_week_average(snap: PracticeSnapshot, clinician_id: str, as_of: date) -> Decimal:
    """Worked shifts per week over the 14 days ending on ``as_of`` (inclusive): ``worked / 2``."""
    validate_date(as_of, "as_of")
    require_clinician(snap, clinician_id)
    worked = count_worked(snap, clinician_id, as_of - timedelta(days=13), as_of)
    return safe_quantize(worked / Decimal(2))


def year_to_date_average(snap: PracticeSnapshot, clinician_id: str, as_of: date) -> Decimal:
    """Worked shifts per week from 1 January to ``as_of`` (inclusive); weeks = days / 7, at least 0.01."""
    validate_date(as_of, "as_of")
    start = year_bounds(as_of)[0]
    weeks = max(Decimal("0.01"), Decimal(days_between(start, as_of)) / Decimal(7))
    return safe_quantize(count_worked(snap, clinician_id, start, as_of) / weeks)
