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


# --------------------------------------------------------------------------- departments


@dataclass(frozen=True)
class DepartmentDemandChange:
    date: date
    shift_type: str
    before: tuple[int, int] | None  # (minimum, ideal) in force before, None if no row applied
    after: tuple[int, int]


def department_demand(dept, plan: Sequence[CoverDay], start: date, end: date,
                      bound: str = "point"):
    """A department's demand rows with the cover as date rows on every day of ``[start, end]``.

    ``plan`` holds cover per date whose ``target`` is a shift type of the department.
    Each (date, shift type) gets a date row: ``minimum`` = the cover for ``bound``
    (``point`` by default, like the practice; all bounds rounded up) and ``ideal`` =
    the cover for the interval's upper bound (never below the minimum), so the solver
    must staff the expected demand and is rewarded for staffing the high one. A group
    requirement of the row in force before (e.g. one HST on nights) is kept, capped at
    the new minimum. Date rows of other shift types or outside the range are kept; a
    department runs every day, so weekends and bank holidays are covered too.
    Returns ``(demand rows, changes)``; pure.
    """
    from ..departments.model import Demand

    if bound not in BOUNDS:
        raise ValueError(f"--bound: {bound!r} is not accepted; give one of {', '.join(BOUNDS)}")
    codes = [t.code for t in dept.shift_types]
    targets = sorted({c.target for c in plan})
    for t in targets:
        if t not in codes:
            raise ValueError(f"--ratio: shift type {t!r} is not one of {dept.settings.name}'s ({', '.join(codes)})")
    by = {(c.date, c.target): c for c in plan}
    check_range(start, end, sorted({c.date for c in plan}))
    days = [date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)]
    replaced = {(d, t) for d in days for t in targets}
    kept = [x for x in dept.demand if not (isinstance(x.day, date) and (x.day, x.shift_type) in replaced)]
    new, changes = [], []
    for d in days:
        for t in targets:
            c = by[(d, t)]
            minimum = {"point": c.point, "upper": c.upper, "lower": c.lower}[bound]
            ideal = max(minimum, c.upper)
            old = dept.demand_on(d, t)
            group, group_min = (old.group, min(old.group_minimum, minimum)) if old is not None and old.group else (None, 0)
            if group_min == 0:
                group = None
            new.append(Demand(d, t, minimum, ideal, group, group_min))
            before = (old.minimum, old.ideal) if old is not None else None
            if before != (minimum, ideal):
                changes.append(DepartmentDemandChange(d, t, before, (minimum, ideal)))
    return tuple(kept + new), changes


# --------------------------------------------------------------------------- care-home providers


@dataclass(frozen=True)
class ProviderCoverChange:
    date: date
    unit_id: str
    shift_type: str
    role: str | None
    before: tuple[int, int] | None  # (minimum, ideal) in force before, None if no row applied
    after: tuple[int, int]


def provider_cover(provider, plan: Sequence[CoverDay], start: date, end: date, unit_id: str,
                   role: str | None = None, bound: str = "point"):
    """A provider's cover rows with the forecast cover of one unit as dated rows on every day of ``[start, end]``.

    ``plan`` holds cover per date whose ``target`` is a shift type of the provider
    (``--ratio TYPE=R``). Each (date, shift type) of ``unit_id`` gets a dated row for
    ``role``: ``minimum`` = the cover for ``bound`` and ``ideal`` = the upper bound's
    cover (never below the minimum), all rounded up. Without ``role`` the role is the
    one of the unit's standing row for that shift type, which must then be unique.
    Dated rows of other units, shift types or roles, or outside the range, are kept; a
    care home runs every day. Returns ``(cover rows, changes)``; pure.
    """
    from ..carehomes.model import Cover

    if bound not in BOUNDS:
        raise ValueError(f"--bound: {bound!r} is not accepted; give one of {', '.join(BOUNDS)}")
    if unit_id not in provider.unit_by_id:
        raise ValueError(f"--unit: {unit_id!r} is not a unit of {provider.settings.name}; units: "
                         f"{', '.join(u.unit_id for u in provider.units)}")
    if role is not None and role not in provider.role_by_code:
        raise ValueError(f"--role: {role!r} is not a role of {provider.settings.name}; roles: "
                         f"{', '.join(r.role for r in provider.roles)}")
    codes = [t.code for t in provider.shift_types]
    targets = sorted({c.target for c in plan})
    role_of = {}
    for t in targets:
        if t not in codes:
            raise ValueError(f"--ratio: shift type {t!r} is not one of {provider.settings.name}'s ({', '.join(codes)})")
        if role is not None:
            role_of[t] = role
            continue
        standing = sorted({c.role or "" for c in provider.cover if c.day is None and c.unit_id == unit_id
                           and c.shift_type == t})
        if len(standing) != 1:
            raise ValueError(f"--role: missing; unit {unit_id} has {len(standing)} standing cover rows for shift type "
                             f"{t} ({', '.join(r or 'any role' for r in standing) or 'none'}); name the role the "
                             "forecast cover is for")
        role_of[t] = standing[0] or None
    by = {(c.date, c.target): c for c in plan}
    check_range(start, end, sorted({c.date for c in plan}))
    days = [date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)]
    replaced = {(d, (unit_id, t, role_of[t])) for d in days for t in targets}
    kept = [c for c in provider.cover if not (c.day is not None and (c.day, c.key) in replaced)]
    new, changes = [], []
    for d in days:
        in_force = {c.key: c for c in provider.cover_on(d)}
        for t in targets:
            c = by[(d, t)]
            minimum = {"point": c.point, "upper": c.upper, "lower": c.lower}[bound]
            ideal = max(minimum, c.upper)
            key = (unit_id, t, role_of[t])
            new.append(Cover(unit_id, t, role_of[t], minimum, ideal, d))
            old = in_force.get(key)
            before = (old.minimum, old.ideal) if old is not None else None
            if before != (minimum, ideal):
                changes.append(ProviderCoverChange(d, unit_id, t, role_of[t], before, (minimum, ideal)))
    return tuple(kept + new), changes
