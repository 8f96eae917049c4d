"""Forecast cover into a practice's plan, and the what-if of planning for the point or the upper bound.

A practice's demand is its minimum doctors. ``Settings.min_doctors`` gives one
per weekday; ``Settings.min_doctors_on`` overrides it on particular dates
(settings key ``staffing.min_doctors_on.YYYY-MM-DD``, written to settings.toml as
``[staffing.min_doctors_on]``, so export and import round-trip it). Everything
that reads the minimum (phases 3 and 4, the CP-SAT encoding and its 66 % floor,
alerts, the leave policy, the staffing reports) asks
``Settings.min_doctors_for(day)``, so the generator plans against the forecast.

:func:`practice_demand` is pure: settings + a cover plan -> new settings (the
overrides inside the range replaced by the forecast's) and the list of changes.
The CLI commits it with ``Workspace.save_settings`` (one transaction, one audit
row with the settings before and after, plus an audit row describing the forecast).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Sequence

from ..calendar import working_days
from ..calendar import bank_holidays
from ..domain import PracticeSnapshot, Settings
from .staffing import CoverDay

BOUNDS = ("point", "upper", "lower")


@dataclass(frozen=True)
class DemandChange:
    date: date
    before: int  # the minimum in force before (override or weekday minimum)
    after: int


def check_range(start: date, end: date, forecast_dates: Sequence[date]) -> None:
    if end < start:
        raise ValueError(f"--end: {end} is before --start {start}; give end >= start")
    if not forecast_dates or start < forecast_dates[0] or end > forecast_dates[-1]:
        first = forecast_dates[0] if forecast_dates else None
        raise ValueError(f"--start/--end: {start}..{end} is not inside the forecast {first}..{forecast_dates[-1] if forecast_dates else None}; "
                         "the forecast starts the day after the last activity and reaches at most 84 days")


def practice_demand(settings: Settings, plan: Sequence[CoverDay], start: date, end: date,
                    bound: str = "point") -> tuple[Settings, list[DemandChange]]:
    """Settings whose per-date minimums on the practice's working days in ``[start, end]`` are the cover.

    ``bound``: ``point`` (cover for the point forecast), ``upper`` or ``lower`` (for the
    interval's bounds; all are rounded up). Overrides already inside the range are
    replaced; those outside it are kept. Bank holidays and weekends get no override
    (the practice does not plan them).
    """
    if bound not in BOUNDS:
        raise ValueError(f"--bound: {bound!r} is not accepted; give one of {', '.join(BOUNDS)}")
    by_date = {c.date: c for c in plan}
    check_range(start, end, sorted(by_date))
    hols = bank_holidays(settings.uk_nation, range(start.year, end.year + 1))
    days = working_days(start, end, hols)
    new = {d: n for d, n in settings.min_doctors_on.items() if not start <= d <= end}
    changes = []
    for d in days:
        c = by_date[d]
        value = {"point": c.point, "upper": c.upper, "lower": c.lower}[bound]
        new[d] = value
        before = settings.min_doctors_for(d)
        if before != value:
            changes.append(DemandChange(d, before, value))
    return replace(settings, min_doctors_on=new), changes


@dataclass(frozen=True)
class WhatIfDay:
    date: date
    planned: float  # doctors on the rota (half days count 0.5)
    minimum: int  # the minimum in force
    point: int  # cover needed under the point forecast
    upper: int  # under the interval's upper bound

    @property
    def short_point(self) -> float:
        return max(0.0, self.point - self.planned)

    @property
    def short_upper(self) -> float:
        return max(0.0, self.upper - self.planned)


def what_if(snapshot: PracticeSnapshot, plan: Sequence[CoverDay], start: date, end: date) -> list[WhatIfDay]:
    """The planned rota's doctors per working day against the cover under the point and the upper forecast."""
    from ..reports.staffing_overview import report_staffing_overview

    by_date = {c.date: c for c in plan}
    check_range(start, end, sorted(by_date))
    frame = report_staffing_overview(snapshot, start, end)
    out = []
    for row in frame.select("date", "doctors_working", "minimum").iter_rows(named=True):
        c = by_date[row["date"]]
        out.append(WhatIfDay(row["date"], float(row["doctors_working"]), int(row["minimum"]), c.point, c.upper))
    return out


def what_if_summary(days: Sequence[WhatIfDay]) -> dict:
    return {
        "days": len(days),
        "planned_doctor_days": sum(d.planned for d in days),
        "needed_point": sum(d.point for d in days),
        "needed_upper": sum(d.upper for d in days),
        "days_short_point": sum(1 for d in days if d.short_point > 0),
        "days_short_upper": sum(1 for d in days if d.short_upper > 0),
        "doctor_days_short_point": sum(d.short_point for d in days),
        "doctor_days_short_upper": sum(d.short_upper for d in days),
    }
