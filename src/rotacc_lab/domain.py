"""Domain model of rotacc-lab: enums and frozen dataclasses.

Everything here is immutable and free of I/O. The store turns rows into these
objects, calculators and generation phases read them, and nothing mutates them:
a change is a new object (``dataclasses.replace``).

Identifiers are strings chosen by the practice (``"P01"``, ``"dr_smith"``)
except shifts, whose ids are integers assigned by the workspace. A shift that
exists only in memory (created by a generation phase, not yet written) has
``shift_id = None``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Mapping

from .calendar import bank_holidays


class _Enum(str, enum.Enum):
    """String enum whose value is the upper-case name used in files and the database."""

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @classmethod
    def parse(cls, value: object, what: str | None = None):
        """Parse ``value`` (any case) or raise ``ValueError`` naming the accepted values."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().upper() if value is not None else ""
        try:
            return cls(text)
        except ValueError:
            accepted = ", ".join(m.value for m in cls)
            label = what or cls.__name__
            raise ValueError(f"{label}: {value!r} is not one of {accepted}") from None


class ClinicianType(_Enum):
    PARTNER = "PARTNER"
    SALARIED = "SALARIED"
    LOCUM = "LOCUM"
    FY_DOCTOR = "FY_DOCTOR"
    ST_DOCTOR = "ST_DOCTOR"


class TermType(_Enum):
    """Kind of working term. ``ALTERNATE_WEEKS`` is a salaried contract on a week-A/B pattern."""

    PARTNER = "PARTNER"
    SALARIED = "SALARIED"
    ALTERNATE_WEEKS = "ALTERNATE_WEEKS"
    LOCUM = "LOCUM"
    FY_DOCTOR = "FY_DOCTOR"
    ST_DOCTOR = "ST_DOCTOR"

    @property
    def is_salaried(self) -> bool:
        return self in (TermType.SALARIED, TermType.ALTERNATE_WEEKS)

    @property
    def has_target(self) -> bool:
        return self in (TermType.PARTNER, TermType.SALARIED, TermType.ALTERNATE_WEEKS)


class LeaveType(_Enum):
    ANNUAL_LEAVE = "ANNUAL_LEAVE"
    STUDY_LEAVE = "STUDY_LEAVE"
    PLANNED_SICK = "PLANNED_SICK"
    CORONERS = "CORONERS"
    NOT_WORKING = "NOT_WORKING"


class LeaveStatus(_Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class Duration(_Enum):
    FULL = "FULL"
    HALF = "HALF"

    @property
    def amount(self) -> Decimal:
        return Decimal("0.5") if self is Duration.HALF else Decimal("1")


class ShiftType(_Enum):
    STANDARD = "STANDARD"
    DUTY = "DUTY"
    STUDY_LEAVE = "STUDY_LEAVE"
    CORONERS = "CORONERS"

    @property
    def counts_as_worked(self) -> bool:
        return self is not ShiftType.STUDY_LEAVE

    @property
    def counts_toward_minimum(self) -> bool:
        return self in (ShiftType.STANDARD, ShiftType.DUTY)


class ShiftStatus(_Enum):
    SCHEDULED = "SCHEDULED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class UKNation(_Enum):
    ENGLAND = "ENGLAND"
    WALES = "WALES"
    SCOTLAND = "SCOTLAND"
    NORTHERN_IRELAND = "NORTHERN_IRELAND"


class Weekday(enum.IntEnum):
    """Working weekdays, numbered as ``date.weekday()`` (Monday = 0)."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4

    @property
    def label(self) -> str:
        return ("Mon", "Tue", "Wed", "Thu", "Fri")[self.value]

    @classmethod
    def parse(cls, value: object, what: str = "day") -> "Weekday":
        """Accept ``Mon``/``Monday`` in any case (or a ``Weekday``); reject weekends."""
        if isinstance(value, Weekday):
            return value
        text = str(value).strip().lower()
        for day in cls:
            full = ("monday", "tuesday", "wednesday", "thursday", "friday")[day.value]
            if text in (full, full[:3]):
                return day
        raise ValueError(
            f"{what}: {value!r} is not a working day name; accepted: Mon..Fri or Monday..Friday (any case)"
        )


DAYS = tuple(Weekday)

#: Soft-term names of the optimiser, in order.
SOFT_TERMS = tuple(f"S{i}" for i in range(1, 14))

#: Default objective weights from the reference (S1..S13).
DEFAULT_WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "S1": 0,
        "S2": 100,
        "S3": 100,
        "S4": 20,
        "S5": 50,
        "S6": 0,
        "S7": 1000,
        "S8": 0,
        "S9": 0,
        "S10": 0,
        "S11": 500,
        "S12": 100,
        "S13": 3,
    }
)


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Clinician:
    clinician_id: str
    name: str
    email: str | None
    clinician_type: ClinicianType


@dataclass(frozen=True)
class WorkingTerm:
    term_id: str
    clinician_id: str
    term_type: TermType
    start_date: date
    end_date: date | None  # None = ongoing
    percentage: int  # WTE percentage, 0..100
    fixed_working_days: tuple[Weekday, ...] = ()
    must_work_days: tuple[Weekday, ...] = ()
    cannot_work_days: tuple[Weekday, ...] = ()
    week_a_days: tuple[Weekday, ...] = ()
    week_b_days: tuple[Weekday, ...] = ()
    minimum_shifts_per_week: int | None = None
    max_shifts_per_week: int | None = None
    #: weeks for partners, working days for salaried; None = no entitlement recorded
    annual_leave_entitlement: Decimal | None = None

    @property
    def wte(self) -> Decimal:
        return Decimal(self.percentage) / Decimal(100)

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def overlaps(self, start: date, end: date) -> bool:
        return self.start_date <= end and (self.end_date is None or self.end_date >= start)

    def clamp(self, start: date, end: date) -> tuple[date, date] | None:
        """The part of ``[start, end]`` this term covers, or ``None``."""
        lo = max(start, self.start_date)
        hi = end if self.end_date is None else min(end, self.end_date)
        return (lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class Leave:
    leave_id: str
    clinician_id: str
    leave_type: LeaveType
    start_date: date
    end_date: date
    status: LeaveStatus
    duration: Duration = Duration.FULL

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class SickLeave:
    sick_id: str
    clinician_id: str
    start_date: date
    end_date: date | None  # None = ongoing

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class LocumBooking:
    booking_id: str
    clinician_id: str
    dates: tuple[date, ...]


@dataclass(frozen=True)
class Shift:
    shift_id: int | None  # None until written to a workspace
    clinician_id: str
    date: date
    shift_type: ShiftType = ShiftType.STANDARD
    duration: Duration = Duration.FULL
    status: ShiftStatus = ShiftStatus.SCHEDULED
    is_pinned: bool = False
    #: who made it: "import", "phase1".."phase6", or a person ("user:alice")
    origin: str = "import"

    @property
    def amount(self) -> Decimal:
        return self.duration.amount


@dataclass(frozen=True)
class LeaveAdjustment:
    adjustment_id: str
    term_id: str
    amount: Decimal  # signed, in the term's leave unit
    reason: str


@dataclass(frozen=True)
class TrainerRequirement:
    requirement_id: str
    weekday: Weekday
    #: one id = that clinician must be present; several = any one of the group
    clinician_ids: tuple[str, ...]


@dataclass(frozen=True)
class AffinityPair:
    clinician_a: str
    clinician_b: str


#: the states of a swap request (see rotacc_lab.workflows.swaps)
SWAP_STATUSES = ("REQUESTED", "APPROVED", "REJECTED", "CANCELLED")


@dataclass(frozen=True)
class SwapRequest:
    """A request to give a shift away (``GIVE``) or to exchange two shifts (``EXCHANGE``)."""

    swap_id: str
    kind: str  # GIVE | EXCHANGE
    requester: str
    shift_a: int
    shift_b: int | None
    target_clinician: str
    target_date: date
    status: str
    reason: str | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    created_at: datetime | None = None
    decided_at: datetime | None = None

    def row(self) -> dict:
        """The request as a plain dict (dates and times ISO), as audit records keep it."""
        return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in self.__dict__.items()}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ReportingPeriod:
    name: str
    start: date
    end: date


#: the largest seed accepted: CP-SAT takes a 32-bit signed random seed
MAX_SEED = 2**31 - 1
#: the longest solve accepted (one day); longer, or inf, is a mistake
MAX_TIME_LIMIT_SECONDS = 86_400.0
#: the most doctors a day's minimum or duty count may ask for: more than any practice has
MAX_DOCTORS_PER_DAY = 1_000
#: the most CP-SAT workers accepted
MAX_WORKERS = 64
#: the largest objective weight accepted (larger ones overflow the solver's objective)
MAX_WEIGHT = 10**9


@dataclass(frozen=True)
class OptimiserSettings:
    time_limit_seconds: float = 60.0
    num_workers: int = 1  # 1 = reproducible (the default); 0 = let CP-SAT choose (parallel, not repeatable)
    seed: int = 0
    weights: Mapping[str, int] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    #: stop as soon as the objective is proven within this fraction of the best bound (0.001 = 0.1 %)
    relative_gap_limit: float = 0.001

    def __post_init__(self) -> None:
        validate_optimiser(self.time_limit_seconds, self.num_workers, self.seed, self.weights, self.relative_gap_limit)
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))


def validate_optimiser(time_limit: object, workers: object, seed: object, weights: Mapping,
                       gap_limit: object = 0.001) -> None:
    """Validate optimiser settings; errors name the setting, the value and what is accepted."""
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) \
            or not 0 < time_limit <= MAX_TIME_LIMIT_SECONDS:
        raise ValueError(f"optimiser.time_limit_seconds: {time_limit!r} is not accepted; give a number of seconds > 0 "
                         f"(at most {MAX_TIME_LIMIT_SECONDS:,.0f}, one day)")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ValueError(f"optimiser.num_workers: {workers!r} is not accepted; give an integer >= 0 (0 = automatic)")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"optimiser.seed: {seed!r} is not accepted; give an integer >= 0 (at most {MAX_SEED})")
    if isinstance(gap_limit, bool) or not isinstance(gap_limit, (int, float)) or not 0 <= gap_limit < 1:
        raise ValueError(
            f"optimiser.relative_gap_limit: {gap_limit!r} is not accepted; give a fraction in [0, 1), e.g. 0.001 for 0.1 %"
        )
    unknown = sorted(set(weights) - set(SOFT_TERMS))
    if unknown:
        raise ValueError(f"optimiser.weights: unknown term(s) {', '.join(unknown)}; accepted: {', '.join(SOFT_TERMS)}")
    for name, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"optimiser.weights.{name}: {value!r} is not accepted; give an integer >= 0")


@dataclass(frozen=True)
class Settings:
    practice_name: str = "Practice"
    uk_nation: UKNation = UKNation.ENGLAND
    #: minimum doctors per working weekday
    min_doctors: Mapping[Weekday, int] = field(
        default_factory=lambda: {Weekday.MON: 5, Weekday.TUE: 4, Weekday.WED: 4, Weekday.THU: 4, Weekday.FRI: 4}
    )
    duty_doctors_per_day: int = 1
    #: extra duty doctors on the first working day after a bank holiday
    duty_doctors_post_bank_holiday: int = 1
    target_working_days_per_week: Decimal = Decimal("3.50")
    fixed_period_weeks: int = 6
    reporting_periods: tuple[ReportingPeriod, ...] = ()
    optimiser: OptimiserSettings = field(default_factory=OptimiserSettings)
    #: minimum doctors on particular dates, overriding the weekday minimum (e.g. from a demand
    #: forecast: ``rotacc-lab forecast WS --apply``); see docs/forecasting.md
    min_doctors_on: Mapping[date, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_date: dict[date, int] = {}
        for k, v in dict(self.min_doctors_on).items():
            if not isinstance(k, date):
                raise ValueError(f"staffing.min_doctors_on: key {k!r} is not accepted; give a date YYYY-MM-DD")
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"staffing.min_doctors_on.{k.isoformat()}: {v!r} is not accepted; "
                                 "give a whole number of doctors >= 0")
            by_date[k] = v
        object.__setattr__(self, "min_doctors_on", MappingProxyType(dict(sorted(by_date.items()))))
        mins: dict[Weekday, int] = {}
        for k, v in dict(self.min_doctors).items():
            day = Weekday.parse(k, "staffing.min_doctors")
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(
                    f"staffing.min_doctors.{day.label.lower()}: {v!r} is not accepted; give a whole number of doctors >= 0"
                )
            mins[day] = v
        missing = [d.label for d in DAYS if d not in mins]
        if missing:
            raise ValueError(f"staffing.min_doctors: missing {', '.join(missing)}; give a minimum for Mon..Fri")
        for d, v in mins.items():
            if v < 0:
                raise ValueError(f"staffing.min_doctors.{d.label.lower()}: {v} is negative; give an integer >= 0")
        object.__setattr__(self, "min_doctors", MappingProxyType(mins))
        for name in ("duty_doctors_per_day", "duty_doctors_post_bank_holiday", "fixed_period_weeks"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name}: {v!r} is not accepted; give an integer >= 0")
        t = Decimal(str(self.target_working_days_per_week))
        if not (Decimal(0) < t <= Decimal(5)):
            raise ValueError(f"targets.target_working_days_per_week: {t} is not accepted; give a number in (0, 5]")
        object.__setattr__(self, "target_working_days_per_week", t)
        names = [p.name for p in self.reporting_periods]
        if len(set(names)) != len(names):
            raise ValueError("reporting_periods: duplicate period names")
        for p in self.reporting_periods:
            if p.end < p.start:
                raise ValueError(f"reporting_periods.{p.name}: end {p.end} is before start {p.start}")

    def min_doctors_for(self, day: date) -> int:
        """The minimum doctors on ``day``: its dated override if any, else its weekday's minimum."""
        found = self.min_doctors_on.get(day)
        return self.min_doctors[Weekday(day.weekday())] if found is None else found

    def reporting_period(self, name: str) -> ReportingPeriod:
        for p in self.reporting_periods:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.reporting_periods) or "none defined"
        raise KeyError(f"reporting period {name!r} is not defined; known periods: {known}")


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class PracticeSnapshot:
    """Everything about one practice, in memory and immutable.

    Calculators, phases, the optimiser and reports take a snapshot and never
    open a connection. ``data_version`` increases with every write to the
    workspace, so results can be cached per version.
    """

    settings: Settings
    clinicians: tuple[Clinician, ...] = ()
    terms: tuple[WorkingTerm, ...] = ()
    leave: tuple[Leave, ...] = ()
    sick_leave: tuple[SickLeave, ...] = ()
    locum_bookings: tuple[LocumBooking, ...] = ()
    shifts: tuple[Shift, ...] = ()
    leave_adjustments: tuple[LeaveAdjustment, ...] = ()
    trainer_requirements: tuple[TrainerRequirement, ...] = ()
    affinity_pairs: tuple[AffinityPair, ...] = ()
    data_version: int = 0
    #: swap requests (workflow state: not part of the import format, so not compared)
    swap_requests: tuple[SwapRequest, ...] = field(default=(), compare=False)
    #: the id the workspace gives its next new shift (None: one more than the largest id here)
    next_shift_id: int | None = field(default=None, compare=False)
    #: the ``[start, end]`` ranges of the workspace's completed generation runs (reports
    #: call a day "planned" when a run covered it or it lies within the rota's shifts)
    generated_ranges: tuple[tuple[date, date], ...] = field(default=(), compare=False)

    # indexes (computed once per snapshot) ------------------------------------
    @cached_property
    def clinician_by_id(self) -> Mapping[str, Clinician]:
        return MappingProxyType({c.clinician_id: c for c in self.clinicians})

    @cached_property
    def terms_by_clinician(self) -> Mapping[str, tuple[WorkingTerm, ...]]:
        out: dict[str, list[WorkingTerm]] = {c.clinician_id: [] for c in self.clinicians}
        for t in sorted(self.terms, key=lambda t: (t.clinician_id, t.start_date)):
            out.setdefault(t.clinician_id, []).append(t)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    @cached_property
    def term_by_id(self) -> Mapping[str, WorkingTerm]:
        return MappingProxyType({t.term_id: t for t in self.terms})

    @cached_property
    def leave_by_clinician(self) -> Mapping[str, tuple[Leave, ...]]:
        out: dict[str, list[Leave]] = {}
        for lv in sorted(self.leave, key=lambda x: (x.clinician_id, x.start_date)):
            out.setdefault(lv.clinician_id, []).append(lv)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    @cached_property
    def sick_by_clinician(self) -> Mapping[str, tuple[SickLeave, ...]]:
        out: dict[str, list[SickLeave]] = {}
        for s in sorted(self.sick_leave, key=lambda x: (x.clinician_id, x.start_date)):
            out.setdefault(s.clinician_id, []).append(s)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    @cached_property
    def shifts_by_clinician(self) -> Mapping[str, tuple[Shift, ...]]:
        out: dict[str, list[Shift]] = {}
        for s in sorted(self.shifts, key=lambda x: (x.clinician_id, x.date)):
            out.setdefault(s.clinician_id, []).append(s)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    @cached_property
    def bank_holidays(self) -> frozenset[date]:
        """Bank holidays of the practice's nation for every year the data touches (±1 year)."""
        years = self._years()
        return frozenset(bank_holidays(self.settings.uk_nation, range(min(years) - 1, max(years) + 2)))

    def _years(self) -> set[int]:
        years = {date.today().year}
        for t in self.terms:
            years.add(t.start_date.year)
            if t.end_date:
                years.add(t.end_date.year)
        for s in self.shifts:
            years.add(s.date.year)
        for lv in self.leave:
            years.update((lv.start_date.year, lv.end_date.year))
        for p in self.settings.reporting_periods:
            years.update((p.start.year, p.end.year))
        return years

    # helpers -------------------------------------------------------------------
    def clinician(self, clinician_id: str) -> Clinician:
        try:
            return self.clinician_by_id[clinician_id]
        except KeyError:
            raise KeyError(f"unknown clinician {clinician_id!r}") from None

    def term_on(self, clinician_id: str, day: date) -> WorkingTerm | None:
        """The clinician's working term covering ``day`` (terms never overlap)."""
        for t in self.terms_by_clinician.get(clinician_id, ()):
            if t.covers(day):
                return t
        return None

    def terms_overlapping(self, clinician_id: str, start: date, end: date) -> tuple[WorkingTerm, ...]:
        return tuple(t for t in self.terms_by_clinician.get(clinician_id, ()) if t.overlaps(start, end))

    def approved_leave_on(self, clinician_id: str, day: date) -> Leave | None:
        for lv in self.leave_by_clinician.get(clinician_id, ()):
            if lv.status is LeaveStatus.APPROVED and lv.covers(day):
                return lv
        return None

    def sick_on(self, clinician_id: str, day: date) -> SickLeave | None:
        for s in self.sick_by_clinician.get(clinician_id, ()):
            if s.covers(day):
                return s
        return None

    def new_shift_id(self) -> int:
        """The id a shift inserted now would get (the workspace sequence, else max id + 1)."""
        if self.next_shift_id is not None:
            return self.next_shift_id
        return max((s.shift_id for s in self.shifts if s.shift_id is not None), default=0) + 1

    def with_shifts(self, shifts: tuple[Shift, ...]) -> "PracticeSnapshot":
        """A copy with another set of shifts (indexes are rebuilt lazily)."""
        from dataclasses import replace

        return replace(self, shifts=tuple(shifts))


def canonical(s: PracticeSnapshot) -> PracticeSnapshot:
    """The snapshot with every table in its canonical order (by id); used by import, load, export and changes."""
    from dataclasses import replace

    return replace(
        s,
        clinicians=tuple(sorted(s.clinicians, key=lambda x: x.clinician_id)),
        terms=tuple(sorted(s.terms, key=lambda x: x.term_id)),
        leave=tuple(sorted(s.leave, key=lambda x: x.leave_id)),
        sick_leave=tuple(sorted(s.sick_leave, key=lambda x: x.sick_id)),
        locum_bookings=tuple(sorted(s.locum_bookings, key=lambda x: x.booking_id)),
        shifts=tuple(sorted(s.shifts, key=lambda x: (x.shift_id is None, x.shift_id or 0, x.date, x.clinician_id))),
        leave_adjustments=tuple(sorted(s.leave_adjustments, key=lambda x: x.adjustment_id)),
        trainer_requirements=tuple(sorted(s.trainer_requirements, key=lambda x: x.requirement_id)),
        affinity_pairs=tuple(sorted(s.affinity_pairs, key=lambda x: (x.clinician_a, x.clinician_b))),
        swap_requests=tuple(sorted(s.swap_requests, key=lambda x: x.swap_id)),
    )
