"""The working set of shifts during one generation: :class:`RotaLedger`.

Phases never touch the workspace. They read a :class:`PracticeSnapshot` and
change a ledger: a dict keyed by ``(clinician_id, date)`` holding every
non-cancelled shift (the database allows at most one per clinician per day).
The ledger keeps incremental counters so phases can ask "how many doctors count
toward the minimum on this day?" or "how many shifts does this clinician have
in this ISO week?" in O(1), and per-phase counters of what was created,
deleted and converted. At the end :meth:`RotaLedger.diff` turns the final
state into the three lists the store needs.

Counting conventions (documented in ``docs/generation.md``):

* staffing per day counts *doctors present*: every STANDARD or DUTY shift
  counts 1, whatever its duration;
* the weekly count used for ``max_shifts_per_week``/``minimum_shifts_per_week``
  counts STANDARD and DUTY shifts (1 each) in the ISO week.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Iterable, Iterator, Mapping

from ..domain import Shift, ShiftStatus, ShiftType

Key = tuple[str, date]

#: shift types counted for the weekly minimum/maximum (the reference counts STANDARD and DUTY)
WEEKLY_TYPES = (ShiftType.STANDARD, ShiftType.DUTY)


def monday_of(day: date) -> date:
    """Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass
class PhaseCounters:
    """What one phase did to the ledger."""

    created: int = 0
    deleted: int = 0
    converted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "deleted": self.deleted, "converted": self.converted}


class RotaLedger:
    """In-memory, incrementally counted set of shifts for one generation.

    ``phase`` arguments are free-form labels (``"phase1"``, ``"overwrite"``)
    under which :attr:`counters` records the change.
    """

    def __init__(self, shifts: Iterable[Shift]):
        self._original: dict[Key, Shift] = {}
        for s in shifts:
            if s.status is ShiftStatus.CANCELLED:
                continue
            key = (s.clinician_id, s.date)
            if key in self._original:
                raise ValueError(
                    f"shifts: clinician {s.clinician_id!r} has two non-cancelled shifts on {s.date} "
                    f"(ids {self._original[key].shift_id} and {s.shift_id}); at most one per day is accepted"
                )
            self._original[key] = s
        self._shifts: dict[Key, Shift] = dict(self._original)
        self._day_min: Counter[date] = Counter()
        self._day_duty: Counter[date] = Counter()
        self._week: Counter[tuple[str, date]] = Counter()
        self._by_clinician: dict[str, set[date]] = {}
        #: keys whose current shift was made during this generation
        self._created: set[Key] = set()
        self.counters: dict[str, PhaseCounters] = {}
        for s in self._shifts.values():
            self._count(s, +1)

    @classmethod
    def from_snapshot(cls, snapshot) -> "RotaLedger":
        return cls(snapshot.shifts)

    # ------------------------------------------------------------------ counters
    def _count(self, s: Shift, sign: int) -> None:
        if s.shift_type.counts_toward_minimum:
            self._day_min[s.date] += sign
        if s.shift_type is ShiftType.DUTY:
            self._day_duty[s.date] += sign
        if s.shift_type in WEEKLY_TYPES:
            self._week[(s.clinician_id, monday_of(s.date))] += sign
        days = self._by_clinician.setdefault(s.clinician_id, set())
        if sign > 0:
            days.add(s.date)
        else:
            days.discard(s.date)

    def _phase(self, phase: str) -> PhaseCounters:
        return self.counters.setdefault(phase, PhaseCounters())

    # ------------------------------------------------------------------ reading
    @property
    def shifts(self) -> Mapping[Key, Shift]:
        """Current state (read-only view; mutate through add/remove/convert)."""
        from types import MappingProxyType

        return MappingProxyType(self._shifts)

    def __len__(self) -> int:
        return len(self._shifts)

    def __iter__(self) -> Iterator[Shift]:
        return iter(self._shifts.values())

    def has(self, clinician_id: str, day: date) -> bool:
        return (clinician_id, day) in self._shifts

    def get(self, clinician_id: str, day: date) -> Shift | None:
        return self._shifts.get((clinician_id, day))

    def day_count(self, day: date) -> int:
        """Shifts on ``day`` that count toward the staffing minimum (STANDARD, DUTY)."""
        return self._day_min[day]

    def duty_count(self, day: date) -> int:
        return self._day_duty[day]

    def week_count(self, clinician_id: str, day: date) -> int:
        """STANDARD + DUTY shifts of the clinician in ``day``'s ISO week."""
        return self._week[(clinician_id, monday_of(day))]

    def week_count_at(self, clinician_id: str, monday: date) -> int:
        """Like :meth:`week_count` for a known Monday (skips the date arithmetic in hot loops)."""
        return self._week[(clinician_id, monday)]

    def clinician_days(self, clinician_id: str) -> frozenset[date]:
        return frozenset(self._by_clinician.get(clinician_id, ()))

    # ------------------------------------------------------------------ mutating
    def add(self, shift: Shift, phase: str) -> None:
        key = (shift.clinician_id, shift.date)
        if shift.status is ShiftStatus.CANCELLED:
            raise ValueError("ledger.add: a CANCELLED shift is not part of the working set")
        if key in self._shifts:
            raise ValueError(f"ledger.add: clinician {shift.clinician_id!r} already has a shift on {shift.date}")
        self._shifts[key] = shift
        self._created.add(key)
        self._count(shift, +1)
        self._phase(phase).created += 1

    def remove(self, key: Key, phase: str) -> Shift:
        try:
            shift = self._shifts.pop(key)
        except KeyError:
            raise KeyError(f"ledger.remove: no shift for clinician {key[0]!r} on {key[1]}") from None
        self._created.discard(key)
        self._count(shift, -1)
        self._phase(phase).deleted += 1
        return shift

    def convert(self, key: Key, new_type: ShiftType, phase: str) -> Shift:
        old = self._shifts[key]
        new = replace(old, shift_type=new_type)
        self._count(old, -1)
        self._shifts[key] = new
        self._count(new, +1)
        self._phase(phase).converted += 1
        return new

    # ------------------------------------------------------------------ result
    def diff(self) -> tuple[list[Shift], list[int], list[Shift]]:
        """``(creates, deletes, updates)`` turning the original snapshot into the current state.

        * creates: shifts made during this generation (``shift_id`` None);
        * deletes: ids of original shifts that are gone, or replaced by a new shift on the same key;
        * updates: original shifts whose fields changed, e.g. STANDARD -> DUTY.
        Lists are sorted by (date, clinician) so the result is deterministic.
        """
        creates: list[Shift] = []
        updates: list[Shift] = []
        deletes: list[int] = []
        for key, orig in self._original.items():
            cur = self._shifts.get(key)
            if cur is None or key in self._created:
                if orig.shift_id is not None:
                    deletes.append(orig.shift_id)
            elif cur != orig:
                updates.append(cur)
        for key in self._created:
            creates.append(self._shifts[key])
        order = lambda s: (s.date, s.clinician_id)  # noqa: E731
        creates.sort(key=order)
        updates.sort(key=order)
        deletes.sort()
        return creates, deletes, updates
