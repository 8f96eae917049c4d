"""The care-home provider domain: frozen records of homes, units, roles, staff, pay, cover and leave.

A provider runs several homes; each home has units with beds; staff have a role
(roles are ordered by seniority), a home, contract hours and may float between
homes; shift types are shared with hospital departments
(:mod:`rotacc_lab.rostering.shifts`). Pay is pence per hour per role (a staff row
may override it), with a night uplift, overtime above contract hours at a
multiplier, bank staff at their rate and agency rates per role and shift type.
Minimum cover is per unit, shift type and role; a skill-mix rule asks for at least
one senior per so many staff. Every policy is configurable (docs/carehomes.md).
Everything is immutable and free of I/O; the reader is
:mod:`rotacc_lab.carehomes.source`, the store :mod:`rotacc_lab.store.provider_io`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Mapping

from ..calendar import bank_holidays_between
from ..domain import UKNation
from ..rostering.rules import RuleSet
from ..rostering.shifts import ShiftType

#: the Working Time Regulations rules that apply to care staff by default (docs/carehomes.md)
CARE_RULES = ("average_weekly_hours", "rest_between_shifts", "weekly_rest", "consecutive_nights")


def care_rules() -> RuleSet:
    return RuleSet.only(CARE_RULES)


class Employment(str, enum.Enum):
    PERMANENT = "PERMANENT"
    BANK = "BANK"


class LeaveKind(str, enum.Enum):
    ANNUAL = "ANNUAL"
    SICK = "SICK"
    TRAINING = "TRAINING"
    PERSONAL = "PERSONAL"
    UNPAID = "UNPAID"


class LeaveStatus(str, enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class Shifts(str, enum.Enum):
    """Which of a unit's shifts a skill-mix rule counts: night shift types, the others, or all."""

    DAY = "day"
    NIGHT = "night"
    ALL = "all"

    def counts(self, shift: ShiftType) -> bool:
        return self is Shifts.ALL or (shift.night == (self is Shifts.NIGHT))


@dataclass(frozen=True)
class PayPolicy:
    night_uplift_percent: Decimal = Decimal(25)  # on night shift types (3 h or more between 23:00 and 06:00)
    overtime_multiplier: Decimal = Decimal("1.5")  # on hours above contract hours
    overtime_period: str = "week"  # "week": above contract hours in each week; "horizon": over the horizon
    bank_holiday_multiplier: Decimal = Decimal(1)  # permanent and bank staff on a bank holiday


@dataclass(frozen=True)
class CoverPolicy:
    work_down: bool = True  # a more senior role may fill a cover row of a less senior one
    agency_max_share_percent: int = 100  # of a cover row's minimum that agency staff may fill
    shortfall_penalty_pence_per_hour: int = 200_00  # the cost of an hour of cover nobody works


@dataclass(frozen=True)
class ProviderSettings:
    name: str
    uk_nation: UKNation
    horizon_start: date
    horizon_days: int = 28
    pay: PayPolicy = field(default_factory=PayPolicy)
    policy: CoverPolicy = field(default_factory=CoverPolicy)
    rules: RuleSet = field(default_factory=care_rules)

    def __post_init__(self) -> None:
        if self.horizon_start.weekday() != 0:
            raise ValueError(f"horizon start: {self.horizon_start} is a {self.horizon_start:%A}; give a Monday")
        if not 1 <= self.horizon_days <= 366:
            raise ValueError(f"horizon days: {self.horizon_days!r} must be 1..366")

    @property
    def horizon_end(self) -> date:
        return self.horizon_start + timedelta(days=self.horizon_days - 1)


@dataclass(frozen=True)
class Home:
    home_id: str
    name: str


@dataclass(frozen=True)
class Unit:
    unit_id: str
    home_id: str
    name: str
    beds: int


@dataclass(frozen=True)
class Role:
    role: str
    name: str
    seniority: int  # 1 = most senior
    hourly_rate_pence: int


@dataclass(frozen=True)
class CareShiftType:
    """A shared shift type plus the roles that may work it (empty = every role)."""

    shift: ShiftType
    roles: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.shift.code


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    role: str
    home_id: str
    employment: Employment = Employment.PERMANENT
    contract_hours: Decimal = Decimal(0)  # a week; 0 for bank staff
    unit_id: str | None = None  # usual unit (blank: any unit of the home)
    floats: bool = False  # may work in other homes of the provider
    hourly_rate_pence: int | None = None  # blank: the role's rate
    opted_out: bool = False  # of the 48-hour average (Working Time Regulations)
    email: str | None = None
    cannot_work_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class AgencyRate:
    role: str
    shift_type: str
    weekday_pence: int
    weekend_pence: int | None = None  # blank: the weekday rate
    bank_holiday_pence: int | None = None  # blank: the weekend rate

    def pence_on(self, day: date, bank_holidays: frozenset[date]) -> int:
        weekend = self.weekend_pence if self.weekend_pence is not None else self.weekday_pence
        if day in bank_holidays:
            return self.bank_holiday_pence if self.bank_holiday_pence is not None else weekend
        return weekend if day.weekday() >= 5 else self.weekday_pence


@dataclass(frozen=True)
class Cover:
    """At least ``minimum`` staff of ``role`` (or more senior, when working down is allowed) on a unit's shift.

    A row without ``day`` stands for every day of the horizon; a row with ``day``
    (a forecast written by ``rotacc-lab forecast --apply``, or a hand-made one) replaces
    the standing row of the same unit, shift type and role on that date only.
    """

    unit_id: str
    shift_type: str
    role: str | None  # None: any role
    minimum: int
    ideal: int
    day: date | None = None  # None: every day

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.unit_id, self.shift_type, self.role)


@dataclass(frozen=True)
class SkillMix:
    """On a unit's shifts of a date, at least one of ``role`` or more senior per ``one_per`` staff."""

    unit_id: str | None  # None: every unit without a row of its own
    shifts: Shifts
    role: str
    one_per: int


@dataclass(frozen=True)
class Leave:
    staff_id: str
    start_date: date
    end_date: date
    kind: LeaveKind
    status: LeaveStatus = LeaveStatus.APPROVED

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Provider:
    settings: ProviderSettings
    homes: tuple[Home, ...]
    units: tuple[Unit, ...]
    roles: tuple[Role, ...]
    shift_types: tuple[CareShiftType, ...]
    staff: tuple[Staff, ...]
    agency_rates: tuple[AgencyRate, ...] = ()
    cover: tuple[Cover, ...] = ()
    skill_mix: tuple[SkillMix, ...] = ()
    leave: tuple[Leave, ...] = ()
    data_version: int = 0

    @cached_property
    def role_by_code(self) -> Mapping[str, Role]:
        return {r.role: r for r in self.roles}

    @cached_property
    def shift_type_by_code(self) -> Mapping[str, CareShiftType]:
        return {t.code: t for t in self.shift_types}

    @cached_property
    def unit_by_id(self) -> Mapping[str, Unit]:
        return {u.unit_id: u for u in self.units}

    @cached_property
    def bank_holidays(self) -> frozenset[date]:
        s = self.settings
        return frozenset(bank_holidays_between(s.uk_nation, s.horizon_start, s.horizon_end))

    def at_least_as_senior(self, role: str, than: str) -> bool:
        """True when ``role`` is ``than`` or more senior (a lower seniority number)."""
        roles = self.role_by_code
        return roles[role].seniority <= roles[than].seniority

    def may_fill(self, role: str, cover_role: str | None) -> bool:
        """Whether staff of ``role`` count towards a cover row of ``cover_role`` (policy ``work_down``)."""
        if cover_role is None or role == cover_role:
            return True
        return self.settings.policy.work_down and self.at_least_as_senior(role, cover_role)

    def hourly_rate_pence(self, staff: Staff) -> int:
        return staff.hourly_rate_pence if staff.hourly_rate_pence is not None else self.role_by_code[staff.role].hourly_rate_pence

    def skill_mix_for(self, unit_id: str) -> tuple[SkillMix, ...]:
        """The unit's own skill-mix rows, else the provider-wide ones (one per ``shifts`` value)."""
        own = tuple(m for m in self.skill_mix if m.unit_id == unit_id)
        general = tuple(m for m in self.skill_mix if m.unit_id is None and m.shifts not in {o.shifts for o in own})
        return own + general

    def cover_on(self, day: date) -> tuple[Cover, ...]:
        """The cover rows in force on ``day``: the standing rows, each replaced by a dated row of its key."""
        dated = tuple(c for c in self.cover if c.day == day)
        replaced = {c.key for c in dated}
        return tuple(c for c in self.cover if c.day is None and c.key not in replaced) + dated

    def approved_leave(self, staff_id: str) -> tuple[Leave, ...]:
        return tuple(x for x in self.leave if x.staff_id == staff_id and x.status is LeaveStatus.APPROVED)
