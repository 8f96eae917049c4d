"""Check a department's rota: the contract safety rules plus the department's own facts.

The contract rules are :mod:`rotacc_lab.rostering.rules` with the limits of the
department's ``[rules]``. On top, four department rules that a rota can break
without breaking the contract (docs/departments.md, "Department rules"):

* ``allowed_shift_types`` (error) - a doctor on a shift type their row does not allow;
* ``cannot_work_days`` (error) - a shift starting on one of the doctor's cannot-work days;
* ``requested_leave`` (warning) - a shift starting on a day of requested annual or study leave;
* ``commitments`` (warning) - a clinical shift on a day of a fixed commitment;

and, when asked for, ``minimum_cover`` (warning) - a date and shift type with fewer
doctors than its demand minimum, or without the doctors of its required group.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from ..rostering.rules import WARNING, CheckResult, Period, Violation, check_rota
from .model import Department, RotaEntry

DEPARTMENT_RULES = ("allowed_shift_types", "cannot_work_days", "requested_leave", "commitments", "minimum_cover")


@dataclass(frozen=True)
class DepartmentCheck(CheckResult):
    """The violations (errors and warnings) of ``shifts`` rota entries over the period."""

    shifts: int = 0


def _department_violations(dept: Department, rota: tuple[RotaEntry, ...]) -> list[Violation]:
    out: list[Violation] = []
    types = dept.shift_type_by_code
    for e in rota:
        doc = dept.doctor_by_id[e.doctor_id]
        st = types[e.shift_type]
        start, end = st.interval(e.date)
        if not doc.may_work(e.shift_type):
            out.append(Violation("allowed_shift_types", e.doctor_id, start, end, 1, 0, "shifts",
                                 f"{e.doctor_id} works a {e.shift_type} shift on {e.date:%a %d %b %Y}; their "
                                 f"shift types are {', '.join(doc.shift_types)}"))
        if e.date.weekday() in doc.cannot_work_days:
            out.append(Violation("cannot_work_days", e.doctor_id, start, end, 1, 0, "shifts",
                                 f"{e.doctor_id} works a {e.shift_type} shift on {e.date:%A %d %b %Y}, "
                                 f"a day they cannot work"))
        leave = [r for r in dept.requests_of(e.doctor_id) if r.kind.is_leave and r.covers(e.date)]
        if leave:
            r = leave[0]
            out.append(Violation("requested_leave", e.doctor_id, start, end, 1, 0, "shifts",
                                 f"{e.doctor_id} works a {e.shift_type} shift on {e.date:%a %d %b %Y} during "
                                 f"their requested {r.kind.value.lower().replace('_', ' ')} "
                                 f"({r.start_date:%d %b} to {r.end_date:%d %b})", WARNING))
        if st.clinical:
            for c in dept.commitments:
                if c.doctor_id == e.doctor_id and c.on(e.date):
                    out.append(Violation("commitments", e.doctor_id, start, end, 1, 0, "shifts",
                                         f"{e.doctor_id} works a clinical {e.shift_type} shift on "
                                         f"{e.date:%a %d %b %Y}, a day of their {c.what.value.lower().replace('_', ' ')} "
                                         f"commitment ({c.day_label})", WARNING))
                    break
    return out


def _cover(dept: Department, rota: tuple[RotaEntry, ...]) -> list[Violation]:
    on: dict[tuple, list[str]] = defaultdict(list)
    for e in rota:
        on[(e.date, e.shift_type)].append(e.doctor_id)
    out = []
    for day in dept.days:
        for t in dept.shift_types:
            need = dept.demand_on(day, t.code)
            if need is None:
                continue
            who = on.get((day, t.code), [])
            start, end = t.interval(day)
            if len(who) < need.minimum:
                out.append(Violation("minimum_cover", "", start, end, len(who), need.minimum, "doctors",
                                     f"{t.code} on {day:%a %d %b %Y} has {len(who)} of the {need.minimum} doctors needed",
                                     WARNING))
            if need.group:
                n = sum(1 for d in who if dept.doctor_by_id[d].group == need.group)
                if n < need.group_minimum:
                    out.append(Violation("minimum_cover", "", start, end, n, need.group_minimum, "doctors",
                                         f"{t.code} on {day:%a %d %b %Y} has {n} {need.group} doctor(s); "
                                         f"at least {need.group_minimum} needed", WARNING))
    return out


def check_department(dept: Department, rota: tuple[RotaEntry, ...] | None = None, cover: bool = False,
                     only: tuple[str, ...] | None = None) -> DepartmentCheck:
    """Check ``rota`` (the department's own when None) against the contract and the department rules."""
    rota = dept.rota if rota is None else tuple(rota)
    contract_ids = None if only is None else [r for r in only if r not in DEPARTMENT_RULES]
    result: CheckResult = check_rota(dept.assignments(rota), dept.settings.rules, dept.period, only=contract_ids)
    found = list(result.violations)
    extra = _department_violations(dept, rota) + (_cover(dept, rota) if cover else [])
    if only is not None:
        extra = [v for v in extra if v.rule in only]
    found += extra
    found.sort(key=lambda v: (v.person == "", v.person, v.start, v.rule))
    return DepartmentCheck(dept.period, tuple(found), len(rota))


def describe_period(period: Period) -> str:
    return f"{period.start:%a %d %b %Y} to {period.end:%a %d %b %Y} ({period.weeks} weeks)"


__all__ = ["DEPARTMENT_RULES", "DepartmentCheck", "check_department", "describe_period"]
