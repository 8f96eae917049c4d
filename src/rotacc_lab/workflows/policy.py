"""Auto-approval policy for leave requests (pure: no I/O).

A leave request is approved automatically only when every enabled rule passes.
Otherwise it goes to manual review, and the decision lists *every* failing rule
in words a rota lead understands, e.g.
``2026-12-24 is inside the Christmas blackout (25 Dec ± 14 days)``.

Rules (each can be switched off):

``allowed_types``
    leave types that may be auto-approved (``None`` = any type).
``max_working_days``
    most working days (Mon-Fri, not bank holidays; a half day counts 0.5) one
    request may cover (``None`` = no limit).
``blackouts``
    periods given as a (month, day) centre ± N days that repeat every year; a
    request touching any day inside one needs manual review. The window is
    evaluated against the centre in the previous, same and next year, so 2-5
    January is inside a "25 Dec ± 14 days" blackout of the previous December.
``max_clinicians_off``
    at most this many clinicians (the requester included) on approved leave on
    any working day of the request (``None`` = no limit).
``enforce_minimum_staffing``
    on every working day of the request on which the requester has a shift
    counting toward the minimum, the day's remaining count of such shifts must
    stay at or above ``Settings.min_doctors`` for that weekday. Days on which
    the requester is not rostered are not affected by the leave and pass (a rota
    not generated yet must not block every request).

The whole policy can be switched off with ``auto_approve = false``: every
request then goes to manual review (with the reason "auto-approval is off").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from ..calendar import bank_holidays, daterange, is_working_day
from ..domain import LeaveStatus, LeaveType, PracticeSnapshot, Shift, ShiftStatus

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # leap year: 29 Feb allowed

#: the keys accepted in a ``[leave_policy]`` TOML table
POLICY_KEYS = (
    "auto_approve",
    "allowed_types",
    "max_working_days",
    "blackouts",
    "max_clinicians_off",
    "enforce_minimum_staffing",
)
BLACKOUT_KEYS = ("name", "month", "day", "days_either_side")


@dataclass(frozen=True)
class Blackout:
    """A yearly blackout window: ``month``/``day`` ± ``days_either_side`` calendar days.

    29 February is accepted; in non-leap years its centre is 28 February.
    ``days_either_side`` is limited to 0..120 so that windows of consecutive
    years can never overlap or wrap around the whole year.
    """

    name: str
    month: int
    day: int
    days_either_side: int = 0

    def __post_init__(self) -> None:
        where = f"leave_policy.blackouts[{self.name!r}]"
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"leave_policy.blackouts.name: {self.name!r} is not accepted; give a non-empty text")
        if isinstance(self.month, bool) or not isinstance(self.month, int) or not 1 <= self.month <= 12:
            raise ValueError(f"{where}.month: {self.month!r} is not accepted; give an integer 1..12")
        limit = _DAYS_IN_MONTH[self.month - 1]
        if isinstance(self.day, bool) or not isinstance(self.day, int) or not 1 <= self.day <= limit:
            raise ValueError(f"{where}.day: {self.day!r} is not accepted; give an integer 1..{limit} for month {self.month}")
        n = self.days_either_side
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 120:
            raise ValueError(f"{where}.days_either_side: {n!r} is not accepted; give an integer 0..120")

    def centre(self, year: int) -> date:
        """The centre date in ``year`` (28 Feb stands in for 29 Feb in non-leap years)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:  # 29 Feb in a non-leap year
            return date(year, 2, 28)

    def contains(self, day: date) -> bool:
        """True when ``day`` is within ± N days of the centre of the previous, same or next year."""
        n = timedelta(days=self.days_either_side)
        return any(abs(day - self.centre(y)) <= n for y in (day.year - 1, day.year, day.year + 1))

    def describe(self) -> str:
        return f"{self.day} {_MONTHS[self.month - 1]} ± {self.days_either_side} days"


@dataclass(frozen=True)
class LeavePolicy:
    """Configuration of the auto-approval rules. ``None`` switches a limit rule off."""

    auto_approve: bool = True
    allowed_types: tuple[LeaveType, ...] | None = (LeaveType.ANNUAL_LEAVE, LeaveType.STUDY_LEAVE)
    max_working_days: Decimal | None = Decimal(10)
    blackouts: tuple[Blackout, ...] = ()
    max_clinicians_off: int | None = 2
    enforce_minimum_staffing: bool = True

    def __post_init__(self) -> None:
        for name in ("auto_approve", "enforce_minimum_staffing"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"leave_policy.{name}: {getattr(self, name)!r} is not accepted; give true or false")
        if self.allowed_types is not None:
            if isinstance(self.allowed_types, (str, bytes)) or not hasattr(self.allowed_types, "__iter__"):
                raise ValueError(
                    f"leave_policy.allowed_types: {self.allowed_types!r} is not accepted; give a list of leave types"
                )
            parsed = tuple(LeaveType.parse(t, "leave_policy.allowed_types") for t in self.allowed_types)
            object.__setattr__(self, "allowed_types", parsed)
        if self.max_working_days is not None:
            v = self.max_working_days
            try:
                if isinstance(v, bool):
                    raise ValueError
                d = Decimal(str(v))
            except Exception:
                d = None
            if d is None or not d.is_finite() or d <= 0 or (d * 2) != (d * 2).to_integral_value():
                raise ValueError(
                    f"leave_policy.max_working_days: {v!r} is not accepted; give a number > 0 in steps of 0.5"
                )
            object.__setattr__(self, "max_working_days", d)
        if self.max_clinicians_off is not None:
            v = self.max_clinicians_off
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"leave_policy.max_clinicians_off: {v!r} is not accepted; give an integer >= 1")
        blackouts = tuple(self.blackouts)
        for b in blackouts:
            if not isinstance(b, Blackout):
                raise ValueError(f"leave_policy.blackouts: {b!r} is not accepted; give Blackout entries")
        names = [b.name for b in blackouts]
        if len(set(names)) != len(names):
            raise ValueError(f"leave_policy.blackouts: duplicate blackout names in {names}")
        object.__setattr__(self, "blackouts", blackouts)

    # ---------------------------------------------------------------- loading
    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> "LeavePolicy":
        """Build from a ``[leave_policy]`` table; unknown keys are errors (they are usually typos).

        A key left out keeps its default. TOML has no null, so a limit rule is
        switched off with ``max_working_days = 0`` / ``max_clinicians_off = 0``,
        and ``allowed_types = []`` allows every type.
        """
        if not isinstance(table, Mapping):
            raise ValueError(f"leave_policy: {table!r} is not accepted; give a table")
        unknown = sorted(set(table) - set(POLICY_KEYS))
        if unknown:
            raise ValueError(
                f"leave_policy: unknown key(s) {', '.join(unknown)}; accepted: {', '.join(POLICY_KEYS)}"
            )
        kwargs: dict[str, Any] = {}
        for key in ("auto_approve", "enforce_minimum_staffing"):
            if key in table:
                kwargs[key] = table[key]
        if "allowed_types" in table:
            types = table["allowed_types"]
            if not isinstance(types, list):
                raise ValueError(f"leave_policy.allowed_types: {types!r} is not accepted; give a list of leave types")
            kwargs["allowed_types"] = None if not types else tuple(types)
        for key in ("max_working_days", "max_clinicians_off"):
            if key in table:
                v = table[key]
                kwargs[key] = None if (v == 0 and not isinstance(v, bool)) else v
        if "blackouts" in table:
            raw = table["blackouts"]
            if not isinstance(raw, list):
                raise ValueError("leave_policy.blackouts: give an array of tables ([[leave_policy.blackouts]])")
            items = []
            for i, entry in enumerate(raw):
                if not isinstance(entry, Mapping):
                    raise ValueError(f"leave_policy.blackouts[{i}]: {entry!r} is not a table")
                bad = sorted(set(entry) - set(BLACKOUT_KEYS))
                if bad:
                    raise ValueError(
                        f"leave_policy.blackouts[{i}]: unknown key(s) {', '.join(bad)}; accepted: {', '.join(BLACKOUT_KEYS)}"
                    )
                missing = [k for k in ("name", "month", "day") if k not in entry]
                if missing:
                    raise ValueError(f"leave_policy.blackouts[{i}]: missing key(s) {', '.join(missing)}")
                items.append(
                    Blackout(entry["name"], entry["month"], entry["day"], entry.get("days_either_side", 0))
                )
            kwargs["blackouts"] = tuple(items)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path) -> "LeavePolicy":
        """Read the ``[leave_policy]`` table of a TOML file (defaults when the table is absent)."""
        p = Path(path)
        try:
            with p.open("rb") as fh:
                doc = tomllib.load(fh)
        except FileNotFoundError:
            raise ValueError(f"leave policy file {str(p)!r} does not exist") from None
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"leave policy file {str(p)!r} is not valid TOML: {err}") from None
        return cls.from_mapping(doc.get("leave_policy", {}))


@dataclass(frozen=True)
class LeaveRequest:
    """What is being asked for (the policy does not need an id)."""

    clinician_id: str
    leave_type: LeaveType
    start_date: date
    end_date: date
    half_day: bool = False


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PolicyDecision:
    """Outcome: ``auto_approve`` only when ``failures`` is empty and the policy is on."""

    auto_approve: bool
    failures: tuple[RuleFailure, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> list[str]:
        return [f.message for f in self.failures]


def holidays_for(snapshot: PracticeSnapshot, start: date, end: date) -> frozenset[date]:
    """Bank holidays of the practice's nation for the years of ``[start, end]`` (plus the snapshot's own).

    ``PracticeSnapshot.bank_holidays`` only covers the years its data touches; a
    request or change may fall in a year the data does not reach yet.
    """
    return snapshot.bank_holidays | bank_holidays(snapshot.settings.uk_nation, range(start.year, end.year + 1))


def _days_text(days: list[date]) -> str:
    if len(days) == 1:
        return f"{days[0].isoformat()} is"
    return f"{days[0].isoformat()} (and {len(days) - 1} more day(s) up to {days[-1].isoformat()}) are"


def evaluate(
    policy: LeavePolicy,
    snapshot: PracticeSnapshot,
    request: LeaveRequest,
    *,
    exclude_leave_id: str | None = None,
) -> PolicyDecision:
    """Check every rule of ``policy`` against ``request`` and the current ``snapshot``.

    ``exclude_leave_id`` ignores that leave row of the snapshot (the request
    itself, when it has already been inserted as PENDING).
    """
    failures: list[RuleFailure] = []
    bank_hols = holidays_for(snapshot, request.start_date, request.end_date)
    work_days = [d for d in daterange(request.start_date, request.end_date) if is_working_day(d, bank_hols)]

    if not policy.auto_approve:
        failures.append(RuleFailure("auto_approve", "auto-approval is off: every request is reviewed manually"))

    if policy.allowed_types is not None and request.leave_type not in policy.allowed_types:
        allowed = ", ".join(t.value for t in policy.allowed_types) or "none"
        failures.append(
            RuleFailure(
                "allowed_types",
                f"leave type {request.leave_type.value} is not auto-approved (auto-approved types: {allowed})",
            )
        )

    if policy.max_working_days is not None:
        amount = Decimal(len(work_days)) * (Decimal("0.5") if request.half_day else Decimal(1))
        if amount > policy.max_working_days:
            failures.append(
                RuleFailure(
                    "max_working_days",
                    f"the request covers {amount.normalize():f} working days, more than the "
                    f"{policy.max_working_days.normalize():f} allowed per request",
                )
            )

    for b in policy.blackouts:
        inside = [d for d in daterange(request.start_date, request.end_date) if b.contains(d)]
        if inside:
            failures.append(
                RuleFailure("blackouts", f"{_days_text(inside)} inside the {b.name} blackout ({b.describe()})")
            )

    if policy.max_clinicians_off is not None:
        crowded: list[tuple[date, int]] = []
        for d in work_days:
            others = {
                lv.clinician_id
                for lv in snapshot.leave
                if lv.status is LeaveStatus.APPROVED
                and lv.leave_id != exclude_leave_id
                and lv.clinician_id != request.clinician_id
                and lv.covers(d)
            }
            if len(others) + 1 > policy.max_clinicians_off:
                crowded.append((d, len(others)))
        if crowded:
            first, n = crowded[0]
            more = f" (and {len(crowded) - 1} more day(s))" if len(crowded) > 1 else ""
            failures.append(
                RuleFailure(
                    "max_clinicians_off",
                    f"{first.isoformat()}{more}: {n} other clinician(s) already on approved leave; "
                    f"at most {policy.max_clinicians_off} may be off at once",
                )
            )

    if policy.enforce_minimum_staffing:
        short: list[str] = []
        by_day: dict[date, set[str]] = {}
        for s in snapshot.shifts:
            if request.start_date <= s.date <= request.end_date and _counts(s):
                by_day.setdefault(s.date, set()).add(s.clinician_id)
        for d in work_days:
            present = by_day.get(d, set())
            if request.clinician_id not in present:
                continue  # the leave does not change this day's staffing
            after = len(present) - 1
            minimum = snapshot.settings.min_doctors_for(d)
            if after < minimum:
                short.append(f"{d.isoformat()} would have {after} doctor(s), below the minimum of {minimum}")
        if short:
            failures.append(RuleFailure("enforce_minimum_staffing", "; ".join(short)))

    return PolicyDecision(auto_approve=not failures, failures=tuple(failures))


def _counts(shift: Shift) -> bool:
    """A live shift that counts toward the day's minimum staffing."""
    return shift.status is not ShiftStatus.CANCELLED and shift.shift_type.counts_toward_minimum
