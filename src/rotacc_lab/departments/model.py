"""The department domain: frozen records of a hospital department rostered from shift-type pools.

A department has a reference period (whole weeks from a Monday), shift types
(shared with care homes, :mod:`rotacc_lab.rostering.shifts`), doctors in groups
(HST, FELLOW, GP, ACP, ...) with a less-than-full-time percentage, quotas of
shifts each doctor owes per period, demand per shift type and date, requests
(leave, off, work), fixed commitments and, once written, a rota. Everything is
immutable and free of I/O; the reader is :mod:`rotacc_lab.departments.source`,
the store :mod:`rotacc_lab.store.department_io`. See docs/departments.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Mapping

from ..calendar import bank_holidays_between, daterange
from ..domain import UKNation
from ..rostering.rules import Period, RuleSet
from ..rostering.shifts import Assignment, ShiftType
from ..rostering.tables import WEEKDAY_LABELS

BANK_HOLIDAY = "bank_holiday"


class RequestKind(str, enum.Enum):
    ANNUAL_LEAVE = "ANNUAL_LEAVE"
    STUDY_LEAVE = "STUDY_LEAVE"
    OFF = "OFF"
    WORK = "WORK"

    @property
    def is_leave(self) -> bool:
        return self in (RequestKind.ANNUAL_LEAVE, RequestKind.STUDY_LEAVE)


class CommitmentKind(str, enum.Enum):
    EDUCATION = "EDUCATION"
    RESEARCH = "RESEARCH"
    NON_CLINICAL = "NON_CLINICAL"


@dataclass(frozen=True)
class DepartmentSettings:
    name: str
    uk_nation: UKNation
    period_start: date
    period_weeks: int = 8
    rules: RuleSet = field(default_factory=RuleSet.default)

    def __post_init__(self) -> None:
        if self.period_start.weekday() != 0:
            raise ValueError(f"reference_period start: {self.period_start} is a {self.period_start:%A}; give a Monday")
        Period(self.period_start, self.period_weeks)  # validates weeks

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_weeks)


@dataclass(frozen=True)
class Doctor:
    doctor_id: str
    name: str
    group: str
    percentage: int = 100
    email: str | None = None
    shift_types: tuple[str, ...] = ()  # allowed shift type codes; empty = all
    cannot_work_days: tuple[int, ...] = ()  # 0 = Monday .. 6 = Sunday

    @property
    def fraction(self) -> float:
        return self.percentage / 100

    def may_work(self, shift_type: str) -> bool:
        return not self.shift_types or shift_type in self.shift_types


@dataclass(frozen=True)
class Quota:
    """Shifts of one type owed per reference period by a group (pro-rated) or one doctor."""

    applies_to: str
    shift_type: str
    shifts: int
    weekend_shifts: int = 0


@dataclass(frozen=True)
class Demand:
    """Doctors wanted on a shift type on a kind of day.

    ``day`` is a weekday 0..6, :data:`BANK_HOLIDAY`, or a date (which overrides both).
    ``group`` optionally names a group of which at least ``group_minimum`` must be on.
    """

    day: int | str | date
    shift_type: str
    minimum: int
    ideal: int
    group: str | None = None
    group_minimum: int = 0

    @property
    def day_label(self) -> str:
        if isinstance(self.day, date):
            return self.day.isoformat()
        if isinstance(self.day, int):
            return WEEKDAY_LABELS[self.day]
        return self.day


@dataclass(frozen=True)
class Request:
    doctor_id: str
    start_date: date
    end_date: date
    kind: RequestKind
    shift_type: str | None = None  # WORK only: the shift wanted (blank = any)
    weight: int = 1

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Commitment:
    """A fixed non-rota commitment on a weekday (every week) or a date."""

    doctor_id: str
    day: int | date
    what: CommitmentKind
    shift_type: str | None = None  # a non-clinical shift type the commitment is rostered as, if any

    def on(self, day: date) -> bool:
        return self.day == day if isinstance(self.day, date) else self.day == day.weekday()

    @property
    def day_label(self) -> str:
        return self.day.isoformat() if isinstance(self.day, date) else WEEKDAY_LABELS[self.day]


@dataclass(frozen=True)
class RotaEntry:
    doctor_id: str
    date: date
    shift_type: str


@dataclass(frozen=True)
class Department:
    settings: DepartmentSettings
    shift_types: tuple[ShiftType, ...]
    doctors: tuple[Doctor, ...]
    quotas: tuple[Quota, ...] = ()
    demand: tuple[Demand, ...] = ()
    requests: tuple[Request, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    rota: tuple[RotaEntry, ...] = ()
    data_version: int = 0

    # indexes ----------------------------------------------------------------
    @cached_property
    def shift_type_by_code(self) -> Mapping[str, ShiftType]:
        return {t.code: t for t in self.shift_types}

    @cached_property
    def doctor_by_id(self) -> Mapping[str, Doctor]:
        return {d.doctor_id: d for d in self.doctors}

    @cached_property
    def groups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.group for d in self.doctors))

    @property
    def period(self) -> Period:
        return self.settings.period

    @cached_property
    def days(self) -> tuple[date, ...]:
        p = self.period
        return tuple(daterange(p.start, p.end))

    @cached_property
    def bank_holidays(self) -> frozenset[date]:
        p = self.period
        return frozenset(bank_holidays_between(self.settings.uk_nation, p.start, p.end))

    # demand -----------------------------------------------------------------
    @cached_property
    def _demand_index(self) -> Mapping[tuple[object, str], Demand]:
        return {(d.day, d.shift_type): d for d in self.demand}

    def demand_on(self, day: date, shift_type: str) -> Demand | None:
        """The demand row that applies: the date's own, else a bank holiday's, else the weekday's."""
        idx = self._demand_index
        found = idx.get((day, shift_type))
        if found is None and day in self.bank_holidays:
            found = idx.get((BANK_HOLIDAY, shift_type))
        if found is None:
            found = idx.get((day.weekday(), shift_type))
        return found

    # people -----------------------------------------------------------------
    def requests_of(self, doctor_id: str) -> tuple[Request, ...]:
        return tuple(r for r in self.requests if r.doctor_id == doctor_id)

    def with_rota(self, rota: tuple[RotaEntry, ...]) -> "Department":
        from dataclasses import replace

        return replace(self, rota=tuple(rota))

    def assignments(self, rota: tuple[RotaEntry, ...] | None = None) -> list[Assignment]:
        """The rota (the department's own unless given) as assignments with shift times."""
        types = self.shift_type_by_code
        return [Assignment(e.doctor_id, e.date, types[e.shift_type]) for e in (self.rota if rota is None else rota)]


def weeks_of(period: Period) -> list[tuple[date, date]]:
    """``(monday, sunday)`` of each week of the period."""
    return [(period.start + timedelta(weeks=w), period.start + timedelta(weeks=w, days=6)) for w in range(period.weeks)]
