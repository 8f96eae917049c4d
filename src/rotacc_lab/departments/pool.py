"""Pool versus demand: the shifts the doctors owe against the shifts the department needs.

Before anyone picks a shift, the rota lead totals every doctor's quota (pro rata
for less-than-full-time doctors, less the leave they have asked for) per shift
type and sets it against the period's demand. The difference says where the gaps
will be before the rota is written. The method is in docs/departments.md
("Pool versus demand"):

* a doctor's quota of a shift type is their own row in quotas.csv, else their
  group's row times their percentage;
* requested annual and study leave reduces every quota of the doctor in the
  proportion of their workable weekdays it covers (weekdays that are not bank
  holidays and not among their cannot-work days);
* the exact amounts are rounded to whole shifts per doctor by largest remainder,
  so a doctor's whole shifts add up to their exact total rounded half up (ties
  between equal remainders go to the shift types in turn, starting one further
  along the shift_types.csv order for each doctor);
* per week, a doctor's shifts are spread over the weeks in proportion to their
  workable weekdays not on leave.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Iterable, Mapping

from .model import Department, Doctor, weeks_of


def round_half_up(x: Fraction) -> int:
    return int((x * 2 + 1) // 2)


def largest_remainder(exact: Mapping[str, Fraction], order: Iterable[str]) -> dict[str, int]:
    """Whole numbers, each the floor or ceiling of its exact value, summing to the total rounded half up.

    Ties between equal remainders go to the key that comes first in ``order``.
    """
    order = [k for k in order if k in exact]
    whole = {k: int(exact[k] // 1) for k in order}
    left = round_half_up(sum(exact.values(), Fraction(0))) - sum(whole.values())
    by_remainder = sorted(order, key=lambda k: (-(exact[k] - whole[k]), order.index(k)))
    for k in by_remainder[:max(left, 0)]:
        whole[k] += 1
    return whole


@dataclass(frozen=True)
class Owed:
    """What one doctor owes of one shift type over the period."""

    doctor_id: str
    group: str
    shift_type: str
    basis: str  # "doctor" (own row) or "group" (pro-rated)
    quota: int  # the row's shifts before pro rata and leave
    exact: Fraction
    shifts: int
    weekend_exact: Fraction
    weekend_shifts: int


@dataclass(frozen=True)
class Availability:
    doctor_id: str
    workable_weekdays: int  # in the period
    leave_weekdays: int  # of those, covered by annual or study leave requests
    by_week: tuple[int, ...]  # workable weekdays not on leave, per week

    @property
    def factor(self) -> Fraction:
        if self.workable_weekdays == 0:
            return Fraction(1)
        return Fraction(self.workable_weekdays - self.leave_weekdays, self.workable_weekdays)


def availability(dept: Department, doctor: Doctor) -> Availability:
    leave_days = {
        day for r in dept.requests_of(doctor.doctor_id) if r.kind.is_leave
        for day in dept.days if r.covers(day)
    }
    workable = [d for d in dept.days
                if d.weekday() < 5 and d not in dept.bank_holidays and d.weekday() not in doctor.cannot_work_days]
    by_week = []
    for mon, sun in weeks_of(dept.period):
        by_week.append(sum(1 for d in workable if mon <= d <= sun and d not in leave_days))
    return Availability(doctor.doctor_id, len(workable), sum(1 for d in workable if d in leave_days), tuple(by_week))


def owed_shifts(dept: Department) -> list[Owed]:
    """Every doctor's owed shifts per shift type (doctors and shift types in file order)."""
    by_target: dict[tuple[str, str], object] = {(q.applies_to, q.shift_type): q for q in dept.quotas}
    order = [t.code for t in dept.shift_types]
    out: list[Owed] = []
    for i, doc in enumerate(dept.doctors):
        factor = availability(dept, doc).factor
        # ties between equal remainders rotate with the doctor's position, so no shift
        # type gets every half shift of the department
        turn = order[i % len(order):] + order[:i % len(order)]
        rows: dict[str, tuple[str, object, Fraction]] = {}
        for code in order:
            own = by_target.get((doc.doctor_id, code))
            if own is not None:
                rows[code] = ("doctor", own, factor)
            elif (doc.group, code) in by_target:
                rows[code] = ("group", by_target[(doc.group, code)], factor * Fraction(doc.percentage, 100))
        exact = {c: q.shifts * f for c, (_, q, f) in rows.items()}
        wexact = {c: q.weekend_shifts * f for c, (_, q, f) in rows.items()}
        whole = largest_remainder(exact, turn)
        wwhole = largest_remainder(wexact, turn)
        for code, (basis, q, _) in rows.items():
            out.append(Owed(doc.doctor_id, doc.group, code, basis, q.shifts, exact[code], whole[code],
                            wexact[code], min(wwhole[code], whole[code])))
    return out


# --------------------------------------------------------------------------- the analysis


@dataclass(frozen=True)
class ShiftTypeLine:
    shift_type: str
    clinical: bool
    owed: int
    owed_exact: float
    minimum: int
    ideal: int
    weekend_owed: int
    weekend_minimum: int

    @property
    def vs_minimum(self) -> int:
        return self.owed - self.minimum

    @property
    def vs_ideal(self) -> int:
        return self.owed - self.ideal


@dataclass(frozen=True)
class WeekLine:
    week_start: date
    shift_type: str
    owed: float  # spread by availability, 1 dp
    minimum: int
    ideal: int

    @property
    def vs_minimum(self) -> float:
        return round(self.owed - self.minimum, 1)


@dataclass(frozen=True)
class GroupLine:
    """A demand that needs a group among its doctors, against what that group owes."""

    shift_type: str
    group: str
    needed: int  # sum of group_minimum over the period
    owed: int


@dataclass(frozen=True)
class PoolAnalysis:
    department: str
    period_start: date
    period_weeks: int
    by_shift_type: tuple[ShiftTypeLine, ...]
    by_week: tuple[WeekLine, ...]
    by_group: tuple[GroupLine, ...]
    owed: tuple[Owed, ...]

    @property
    def clinical(self) -> tuple[ShiftTypeLine, ...]:
        return tuple(x for x in self.by_shift_type if x.clinical)

    @property
    def total_owed(self) -> int:
        return sum(x.owed for x in self.clinical)

    @property
    def total_minimum(self) -> int:
        return sum(x.minimum for x in self.clinical)

    @property
    def total_ideal(self) -> int:
        return sum(x.ideal for x in self.clinical)

    def summary(self) -> list[str]:
        """The story's sentence: the pool, the gap, and where the shifts are in the wrong place."""
        gap = self.total_owed - self.total_minimum
        lines = [
            f"{self.total_owed} clinical shifts owed against a minimum demand of {self.total_minimum} "
            f"(ideal {self.total_ideal}) over {self.period_weeks} weeks from {self.period_start:%d %b %Y}: "
            + (f"{-gap} short" if gap < 0 else f"{gap} to spare" if gap > 0 else "exactly enough")
            + (f", {self.total_ideal - self.total_owed} short of ideal" if self.total_owed < self.total_ideal else "")
        ]
        over = [x.shift_type for x in self.clinical if x.vs_minimum > 0]
        under = [x.shift_type for x in self.clinical if x.vs_minimum < 0]
        if over:
            lines.append("more than the minimum needs: " + ", ".join(
                f"{x.shift_type} (+{x.vs_minimum})" for x in self.clinical if x.vs_minimum > 0))
        if under:
            lines.append("fewer than the minimum needs: " + ", ".join(
                f"{x.shift_type} ({x.vs_minimum})" for x in self.clinical if x.vs_minimum < 0))
        for g in self.by_group:
            if g.owed < g.needed:
                lines.append(f"{g.shift_type}: {g.needed} shifts need a {g.group} doctor, the {g.group} doctors owe {g.owed}")
        short_weeks = sorted({w.week_start for w in self.by_week if w.vs_minimum < 0})
        if short_weeks:
            lines.append("weeks short of the minimum on some shift type: "
                         + ", ".join(f"{d:%d %b}" for d in short_weeks))
        return lines

    def as_dict(self) -> dict:
        return {
            "department": self.department,
            "period_start": self.period_start.isoformat(),
            "period_weeks": self.period_weeks,
            "total_owed": self.total_owed,
            "total_minimum": self.total_minimum,
            "total_ideal": self.total_ideal,
            "summary": self.summary(),
            "by_shift_type": [
                {"shift_type": x.shift_type, "clinical": x.clinical, "owed": x.owed, "owed_exact": x.owed_exact,
                 "minimum": x.minimum, "ideal": x.ideal, "vs_minimum": x.vs_minimum if x.clinical else None,
                 "vs_ideal": x.vs_ideal if x.clinical else None, "weekend_owed": x.weekend_owed, "weekend_minimum": x.weekend_minimum}
                for x in self.by_shift_type],
            "by_week": [
                {"week_start": w.week_start.isoformat(), "shift_type": w.shift_type, "owed": w.owed,
                 "minimum": w.minimum, "ideal": w.ideal, "vs_minimum": w.vs_minimum} for w in self.by_week],
            "by_group": [{"shift_type": g.shift_type, "group": g.group, "needed": g.needed, "owed": g.owed}
                         for g in self.by_group],
            "by_doctor": [
                {"doctor_id": o.doctor_id, "group": o.group, "shift_type": o.shift_type, "basis": o.basis,
                 "quota": o.quota, "exact": round(float(o.exact), 2), "shifts": o.shifts,
                 "weekend_shifts": o.weekend_shifts} for o in self.owed],
        }


def pool_analysis(dept: Department) -> PoolAnalysis:
    owed = owed_shifts(dept)
    types = dept.shift_types
    weekend = {d for d in dept.days if d.weekday() >= 5}
    need: dict[str, list[int]] = {t.code: [0, 0, 0] for t in types}  # minimum, ideal, weekend minimum
    group_need: dict[tuple[str, str], int] = defaultdict(int)
    week_need: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    weeks = weeks_of(dept.period)
    for day in dept.days:
        monday = day - timedelta(days=day.weekday())
        for t in types:
            row = dept.demand_on(day, t.code)
            if row is None:
                continue
            need[t.code][0] += row.minimum
            need[t.code][1] += row.ideal
            if day in weekend:
                need[t.code][2] += row.minimum
            week_need[(monday, t.code)][0] += row.minimum
            week_need[(monday, t.code)][1] += row.ideal
            if row.group:
                group_need[(t.code, row.group)] += row.group_minimum

    lines = []
    for t in types:
        mine = [o for o in owed if o.shift_type == t.code]
        lines.append(ShiftTypeLine(
            t.code, t.clinical, sum(o.shifts for o in mine), round(float(sum((o.exact for o in mine), Fraction(0))), 1),
            need[t.code][0], need[t.code][1], sum(o.weekend_shifts for o in mine), need[t.code][2]))

    # spread each doctor's whole shifts over the weeks by their availability
    spread: dict[tuple[date, str], Fraction] = defaultdict(Fraction)
    avail = {d.doctor_id: availability(dept, d) for d in dept.doctors}
    for o in owed:
        a = avail[o.doctor_id]
        total = sum(a.by_week)
        shares = a.by_week if total else (1,) * len(weeks)
        denom = sum(shares)
        for (mon, _), share in zip(weeks, shares):
            spread[(mon, o.shift_type)] += Fraction(o.shifts * share, denom)
    by_week = tuple(
        WeekLine(mon, t.code, round(float(spread[(mon, t.code)]), 1), week_need[(mon, t.code)][0],
                 week_need[(mon, t.code)][1])
        for mon, _ in weeks for t in types if t.clinical
    )
    by_group = tuple(
        GroupLine(code, group, n, sum(o.shifts for o in owed if o.shift_type == code and o.group == group))
        for (code, group), n in group_need.items()
    )
    return PoolAnalysis(dept.settings.name, dept.period.start, dept.period.weeks, tuple(lines), by_week, by_group,
                        tuple(owed))
