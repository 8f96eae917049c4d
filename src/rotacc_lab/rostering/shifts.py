"""Shift types with clock times, and assignments of people to them.

Shared by every kind of team that is rostered from shift types (hospital
departments, care homes). Free of I/O and of any solver.

Times are local wall-clock times without a time zone: a shift's length is its
nominal length (22:00-08:30 is 10.5 h even on the night the clocks change), which
is how rotas and contract checks count hours.

An end at or before the start means the next day, so ``22:00-08:30`` is an
overnight shift and ``08:00-08:00`` lasts 24 hours.

The derived flags follow the definitions of the 2016 junior doctor terms and
conditions (England), see docs/departments.md:

* **night** - at least 3 hours of the shift fall between 23:00 and 06:00;
* **long** - the shift lasts more than 10 hours;
* **long evening** - a long shift that starts before 16:00 and ends after 23:00
  (of the day it starts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

__all__ = [
    "Assignment",
    "ShiftType",
    "overlap_minutes",
    "parse_hhmm",
    "LONG_SHIFT_MINUTES",
    "NIGHT_MIN_MINUTES",
]

#: a night shift has at least this many minutes between 23:00 and 06:00
NIGHT_MIN_MINUTES = 3 * 60
NIGHT_WINDOW_START = time(23, 0)
NIGHT_WINDOW_END = time(6, 0)
#: a long shift lasts more than this many minutes
LONG_SHIFT_MINUTES = 10 * 60
#: a long evening shift starts before this time ...
LONG_EVENING_STARTS_BEFORE = time(16, 0)
#: ... and ends after this time of the day it starts
LONG_EVENING_ENDS_AFTER = time(23, 0)

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DAY = timedelta(days=1)


def parse_hhmm(value: object, what: str = "time") -> time:
    """``"08:30"`` -> ``time(8, 30)``; raises ``ValueError`` naming ``what`` and the format."""
    if isinstance(value, time):
        if value.second or value.microsecond or value.tzinfo is not None:
            raise ValueError(f"{what}: {value!r} must be whole minutes without a time zone")
        return value
    text = str(value).strip() if value is not None else ""
    match = _HHMM.match(text)
    if not match:
        raise ValueError(f"{what}: {value!r} is not a time HH:MM from 00:00 to 23:59")
    return time(int(match.group(1)), int(match.group(2)))


def overlap_minutes(start: datetime, end: datetime, lo: datetime, hi: datetime) -> int:
    """Whole minutes that ``[start, end)`` and ``[lo, hi)`` have in common."""
    span = min(end, hi) - max(start, lo)
    return max(0, int(span.total_seconds() // 60))


@dataclass(frozen=True)
class ShiftType:
    """A kind of shift: a code, clock times and whether it is clinical work.

    Construct directly with ``time`` values or with :meth:`parse` from text.
    """

    code: str
    start: time
    end: time
    name: str = ""
    clinical: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip() or self.code != self.code.strip():
            raise ValueError(f"shift_type: {self.code!r} must be a non-empty code without surrounding spaces")
        object.__setattr__(self, "start", parse_hhmm(self.start, f"shift_type {self.code} start"))
        object.__setattr__(self, "end", parse_hhmm(self.end, f"shift_type {self.code} end"))
        if not isinstance(self.clinical, bool):
            raise ValueError(f"shift_type {self.code} clinical: {self.clinical!r} must be true or false")
        if not isinstance(self.name, str):
            raise ValueError(f"shift_type {self.code} name: {self.name!r} must be text")

    @classmethod
    def parse(cls, code: str, start: object, end: object, name: str = "", clinical: bool = True) -> "ShiftType":
        """Build from ``HH:MM`` text; ``ValueError`` names the code and the bad field."""
        return cls(code=code, start=parse_hhmm(start, f"shift_type {code} start"),
                   end=parse_hhmm(end, f"shift_type {code} end"), name=name, clinical=clinical)

    # ------------------------------------------------------------------ timing

    @property
    def crosses_midnight(self) -> bool:
        """True when the shift ends on the day after it starts (end at or before start)."""
        return self.end <= self.start

    @cached_property
    def minutes(self) -> int:
        """Length in minutes, 1 to 1440."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return end - start if end > start else end - start + 1440

    @property
    def hours(self) -> float:
        """Length in hours (``minutes / 60``; exact for the quarter-hours rotas use)."""
        return self.minutes / 60

    def interval(self, day: date) -> tuple[datetime, datetime]:
        """Absolute ``(start, end)`` of this shift when it starts on ``day``."""
        start = datetime.combine(day, self.start)
        return start, start + timedelta(minutes=self.minutes)

    # ------------------------------------------------------------------ flags

    @cached_property
    def night_minutes(self) -> int:
        """Minutes of the shift that fall between 23:00 and 06:00 (any night it touches)."""
        ref = date(2000, 1, 3)  # any day: the count does not depend on the date
        start, end = self.interval(ref)
        total = 0
        for offset in (-1, 0, 1):
            lo = datetime.combine(ref + offset * _DAY, NIGHT_WINDOW_START)
            total += overlap_minutes(start, end, lo, lo + timedelta(hours=7))
        return total

    @property
    def night(self) -> bool:
        return self.night_minutes >= NIGHT_MIN_MINUTES

    @property
    def long(self) -> bool:
        return self.minutes > LONG_SHIFT_MINUTES

    @property
    def long_evening(self) -> bool:
        if not self.long or self.start >= LONG_EVENING_STARTS_BEFORE:
            return False
        ref = date(2000, 1, 3)
        _, end = self.interval(ref)
        return end > datetime.combine(ref, LONG_EVENING_ENDS_AFTER)

    def label(self) -> str:
        """``"night 22:00-08:30"``"""
        return f"{self.code} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Assignment:
    """One person working one shift that starts on ``day``."""

    person: str
    day: date
    shift: ShiftType

    def __post_init__(self) -> None:
        if not isinstance(self.person, str) or not self.person.strip():
            raise ValueError(f"assignment person: {self.person!r} must be a non-empty id")
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"assignment day: {self.day!r} must be a date")
        if not isinstance(self.shift, ShiftType):
            raise ValueError(f"assignment shift: {self.shift!r} must be a ShiftType")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, self.shift.start)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.shift.minutes)

    @property
    def minutes(self) -> int:
        return self.shift.minutes

    @property
    def sort_key(self) -> tuple[str, datetime, str]:
        """Order by person, then start, then shift code."""
        return (self.person, self.start, self.shift.code)
