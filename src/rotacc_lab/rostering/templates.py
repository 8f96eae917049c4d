"""Rolling rota templates: a cycle of weeks, one shift code (or nothing) per day.

A doctor on a rolling rota works the template's weeks in turn and starts again
after the last; doctors are spread over the template by *slot* (slot ``k`` starts
at week ``k + 1``). :meth:`RollingTemplate.figures` measures one cycle as it
repeats: hours, the shortest rest, the longest run, weekends, and what the
contract checker says, with the wrap from the last week to the first included.

File format (``data/templates/*.csv``): ``week,mon,tue,wed,thu,fri,sat,sun``, one
row per week numbered 1..n, each cell a shift type code of the shift types file
given with it, or blank for a day off.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Mapping

from .rules import Period, RuleSet, check_rota, runs_on_consecutive_days
from .shifts import Assignment, ShiftType
from .tables import BAD, Collector, Table, p_int, read_csv_text

TEMPLATE = Table("template", ("week", "mon", "tue", "wed", "thu", "fri", "sat", "sun"))


@dataclass(frozen=True)
class TemplateFigures:
    weeks: int
    shifts: int
    clinical_shifts: int
    average_weekly_hours: float
    clinical_average_weekly_hours: float
    min_rest_hours: float
    longest_run_days: int
    longest_night_run: int
    weekends_worked: int
    violations: Mapping[str, int]  # rule id -> count in one cycle (errors)
    warnings: Mapping[str, int]


@dataclass(frozen=True)
class RollingTemplate:
    name: str
    weeks: tuple[tuple[str | None, ...], ...]
    shift_types: Mapping[str, ShiftType]

    def assignments(self, person: str, start: date, slot: int = 0, cycles: int = 1) -> list[Assignment]:
        """The shifts of ``person`` on slot ``slot`` for ``cycles`` cycles from the Monday ``start``."""
        if start.weekday() != 0:
            raise ValueError(f"template start: {start} is a {start:%A}; give a Monday")
        n = len(self.weeks)
        out = []
        for w in range(n * cycles):
            codes = self.weeks[(w + slot) % n]
            for d, code in enumerate(codes):
                if code:
                    out.append(Assignment(person, start + timedelta(days=7 * w + d), self.shift_types[code]))
        return out

    def figures(self, rules: RuleSet | None = None) -> TemplateFigures:
        """Figures of one cycle as it repeats (the cycle in the middle of three)."""
        n = len(self.weeks)
        start = date(2001, 1, 1)  # a Monday; the figures do not depend on the date
        rota = self.assignments("T", start, cycles=3)
        lo = datetime.combine(start + timedelta(days=7 * n), datetime.min.time())
        hi = lo + timedelta(days=7 * n)
        middle = [a for a in rota if lo <= a.start < hi]
        minutes = sum(a.minutes for a in middle)
        clinical = sum(a.minutes for a in middle if a.shift.clinical)
        rests = [(b.start - a.end) for a, b in zip(rota, rota[1:]) if lo <= a.end < hi]
        runs = [r for r in runs_on_consecutive_days(rota, lambda a: True) if r[-1].start >= lo and r[0].start < hi]
        nights = [r for r in runs_on_consecutive_days(rota, lambda a: a.shift.night)
                  if r[-1].start >= lo and r[0].start < hi]
        period = Period(lo.date(), n)
        weekends = sum(Period.works_in(rota, *w) for w in period.weekends())
        result = check_rota(rota, rules, period)
        inside = [v for v in result.violations if lo <= v.start < hi]
        return TemplateFigures(
            weeks=n,
            shifts=len(middle),
            clinical_shifts=sum(a.shift.clinical for a in middle),
            average_weekly_hours=round(minutes / 60 / n, 2),
            clinical_average_weekly_hours=round(clinical / 60 / n, 2),
            min_rest_hours=round(min(rests).total_seconds() / 3600, 2) if rests else float("inf"),
            longest_run_days=max((len({a.day for a in r}) for r in runs), default=0),
            longest_night_run=max((len({a.day for a in r}) for r in nights), default=0),
            weekends_worked=weekends,
            violations=dict(Counter(v.rule for v in inside if v.severity == "error")),
            warnings=dict(Counter(v.rule for v in inside if v.severity == "warning")),
        )


def read_template(path: str | Path, shift_types: Mapping[str, ShiftType]) -> RollingTemplate:
    """Read a template CSV; ``ValidationError`` lists every bad cell."""
    path = Path(path)
    ck = Collector()
    sheet = read_csv_text(path.read_text(encoding="utf-8-sig"), path.name, TEMPLATE, ck)
    weeks: list[tuple[str | None, ...]] = []
    if sheet is not None:
        for i, r in sheet.rows:
            week = ck.cell(sheet, i, r, "week", p_int(1, 52), "the week number 1..52", required=True)
            if week is not BAD and week != len(weeks) + 1:
                ck.add(sheet.source, i, "week", r["week"], f"weeks must be numbered 1, 2, ... in order; expected {len(weeks) + 1}")
            codes = []
            for col in TEMPLATE.required[1:]:
                code = r.get(col, "") or None
                if code is not None and code not in shift_types:
                    ck.add(sheet.source, i, col, code, f"unknown shift type; accepted: {', '.join(shift_types)} or blank")
                codes.append(code)
            weeks.append(tuple(codes))
        if not weeks:
            ck.add(sheet.source, None, None, None, "has no weeks")
    ck.raise_if_any(str(path))
    return RollingTemplate(path.stem, tuple(weeks), dict(shift_types))
