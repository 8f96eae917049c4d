"""Small hand-built practices for the phase 5 optimiser tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Mapping

from rotacc_lab.domain import (
    DEFAULT_WEIGHTS,
    AffinityPair,
    Clinician,
    ClinicianType,
    Leave,
    LeaveStatus,
    LeaveType,
    OptimiserSettings,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftType,
    TermType,
    TrainerRequirement,
    Weekday,
    WorkingTerm,
)
from rotacc_lab.generation.optimisation import optimise

import builders

MONDAY = date(2026, 3, 2)  # a week without bank holidays
EASTER_MONDAY_WEEK = date(2026, 4, 6)  # Easter Monday 2026-04-06 is a bank holiday


def partner(cid: str, pct: int = 100, *, cannot: Iterable[Weekday] = (), minimum: int | None = None,
            maximum: int | None = None, start: date = date(2026, 1, 1)) -> tuple[Clinician, WorkingTerm]:
    return builders.person(cid, ClinicianType.PARTNER, start=start, pct=pct, cannot_work_days=cannot,
                           minimum_shifts_per_week=minimum, max_shifts_per_week=maximum)


def salaried(cid: str, days: Iterable[Weekday]) -> tuple[Clinician, WorkingTerm]:
    return builders.person(cid, ClinicianType.SALARIED, start=date(2026, 1, 1), fixed_working_days=days)


def leave(cid: str, start: date, end: date, kind: LeaveType = LeaveType.ANNUAL_LEAVE) -> Leave:
    return builders.leave(f"L-{cid}-{start}", cid, start, end, kind=kind)


def shift(cid: str, day: date, *, pinned: bool = False, kind: ShiftType = ShiftType.STANDARD, origin: str = "import") -> Shift:
    return builders.shift(cid, day, kind=kind, pinned=pinned, origin=origin)


def weights(**only: int) -> dict[str, int]:
    """All weights 0 except the given ones."""
    out = {t: 0 for t in DEFAULT_WEIGHTS}
    out.update(only)
    return out


def practice(people: Iterable[tuple[Clinician, WorkingTerm]], *, mins: Mapping[Weekday, int] | int = 0,
             leaves: Iterable[Leave] = (), shifts: Iterable[Shift] = (), trainers: Iterable[TrainerRequirement] = (),
             affinity: Iterable[AffinityPair] = ()) -> PracticeSnapshot:
    people = list(people)
    if isinstance(mins, int):
        mins = {d: mins for d in Weekday}
    return builders.snapshot(people, settings=Settings(min_doctors=dict(mins), target_working_days_per_week=Decimal("3.5")),
                             leave=leaves, shifts=shifts, trainer_requirements=trainers, affinity_pairs=affinity)


def run(snap: PracticeSnapshot, start: date = MONDAY, weeks: int = 1, *, w: Mapping[str, int] | None = None,
        limit: float = 5.0, period_start: date | None = None, end: date | None = None, **kw):
    """Optimise in reproducible mode; returns (result, resulting ledger)."""
    end = end or start + timedelta(days=7 * weeks - 1)
    settings = OptimiserSettings(time_limit_seconds=limit, num_workers=1, seed=0, weights=dict(w if w is not None else DEFAULT_WEIGHTS))
    ledger = {(s.clinician_id, s.date): s for s in snap.shifts}
    res = optimise(snap, start, end, ledger, settings=settings, period_start=period_start, **kw)
    after = dict(ledger)
    for key in res.delete:
        del after[key]
    for s in res.create:
        assert (s.clinician_id, s.date) not in after
        after[(s.clinician_id, s.date)] = s
    return res, after


def works(after: Mapping, cid: str, day: date) -> bool:
    s = after.get((cid, day))
    return s is not None and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY)


def count(after: Mapping, cid: str, days: Iterable[date]) -> int:
    return sum(works(after, cid, d) for d in days)


def weekdays(start: date, n_weeks: int = 1) -> list[date]:
    return [start + timedelta(days=i) for i in range(7 * n_weeks) if (start + timedelta(days=i)).weekday() < 5]
