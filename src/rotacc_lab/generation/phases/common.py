"""Shared pieces of the generation phases: parameters, results, availability.

Every phase has the signature ``phaseN(snapshot, ledger, start, end, params) ->
PhaseResult``; it changes only the ledger and returns its messages and alerts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable

from ...calendar import week_ab_index, working_days
from ...domain import (
    Duration,
    LeaveStatus,
    OptimiserSettings,
    PracticeSnapshot,
    Shift,
    ShiftType,
    TermType,
    Weekday,
    WorkingTerm,
)


@dataclass(frozen=True)
class PhaseParams:
    """Parameters shared by all phases (each phase reads the ones it needs).

    ``period_start`` is the start of the reporting period used for clinician
    deficits (phase 3, alerts) and duty counts (phase 6); ``None`` = the Monday
    of the generation start's week.
    """

    seed: int = 0
    mondays_only: bool = False
    skip_mondays: bool = False
    period_start: date | None = None
    optimiser: OptimiserSettings | None = None
    progress: Callable[[Any], None] | None = None
    stop: threading.Event | None = None


@dataclass
class PhaseResult:
    """What a phase reports besides its ledger changes."""

    phase: int
    messages: list[str] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    #: phase-specific detail (phase 3: allocation decisions; phase 5: the SolveReport)
    details: dict[str, Any] = field(default_factory=dict)


def new_shift(clinician_id: str, day: date, phase: int, *, pinned: bool = False) -> Shift:
    """A new in-memory STANDARD, FULL, SCHEDULED shift made by ``phase``."""
    return Shift(
        shift_id=None,
        clinician_id=clinician_id,
        date=day,
        shift_type=ShiftType.STANDARD,
        duration=Duration.FULL,
        is_pinned=pinned,
        origin=f"phase{phase}",
    )


def aligned_period(start: date, end: date, period_start: date | None) -> tuple[date, date]:
    """Reporting period aligned to full weeks: Monday of ``period_start`` (default ``start``) .. Friday of ``end``'s week."""
    ps = period_start or start
    lo = ps - timedelta(days=ps.weekday())
    hi = end - timedelta(days=end.weekday()) + timedelta(days=4)
    return lo, hi


class Availability:
    """Who is away when: approved leave (full or half day) and sick leave, per clinician.

    A clinician with *any* approved leave on a day (a half day included) is not
    given a generated shift that day; sick leave blocks likewise. Leave amounts
    (1 for a full day, 0.5 for a half day) are kept for the phase 3 credit.
    """

    def __init__(self, snapshot: PracticeSnapshot, lo: date, hi: date):
        self.bank_holidays = snapshot.bank_holidays
        self._leave: dict[str, dict[date, Decimal]] = {}
        self._sick: dict[str, set[date]] = {}
        for lv in snapshot.leave:
            if lv.status is not LeaveStatus.APPROVED:
                continue
            d, last = max(lv.start_date, lo), min(lv.end_date, hi)
            days = self._leave.setdefault(lv.clinician_id, {})
            while d <= last:
                if d.weekday() < 5:
                    days[d] = max(days.get(d, Decimal(0)), lv.duration.amount)
                d += timedelta(days=1)
        for sk in snapshot.sick_leave:
            d = max(sk.start_date, lo)
            last = hi if sk.end_date is None else min(sk.end_date, hi)
            days_s = self._sick.setdefault(sk.clinician_id, set())
            while d <= last:
                days_s.add(d)
                d += timedelta(days=1)

    def on_leave(self, clinician_id: str, day: date) -> bool:
        return day in self._leave.get(clinician_id, ())

    def sick(self, clinician_id: str, day: date) -> bool:
        return day in self._sick.get(clinician_id, ())

    def blocked(self, clinician_id: str, day: date) -> bool:
        """True when approved leave (any duration) or sick leave covers ``day``."""
        return self.on_leave(clinician_id, day) or self.sick(clinician_id, day)

    def leave_amount(self, clinician_id: str, lo: date, hi: date, bank_holidays) -> Decimal:
        """Approved leave on working days in ``[lo, hi]`` (full day 1, half day 0.5)."""
        return sum(
            (a for d, a in self._leave.get(clinician_id, {}).items() if lo <= d <= hi and d not in bank_holidays),
            Decimal(0),
        )


def generation_days(snapshot: PracticeSnapshot, start: date, end: date) -> list[date]:
    """Working days (Mon–Fri, not bank holidays) of the generation range."""
    return working_days(start, end, snapshot.bank_holidays)


def term_on(snapshot: PracticeSnapshot, clinician_id: str, day: date) -> WorkingTerm | None:
    return snapshot.term_on(clinician_id, day)


def allowed_weekday(term: WorkingTerm, day: date, ab_index: int | None = None) -> bool:
    """May the generator put this clinician on ``day`` under ``term``?

    Partners: not a cannot-work day. Salaried: only a fixed working day
    (ALTERNATE_WEEKS: the week's A or B days; ``ab_index`` from
    :func:`ab_index_for_term`). Other term types: never.
    """
    wd = Weekday(day.weekday())
    if term.term_type is TermType.PARTNER:
        return wd not in term.cannot_work_days
    if term.term_type is TermType.SALARIED:
        return wd in term.fixed_working_days
    if term.term_type is TermType.ALTERNATE_WEEKS:
        idx = ab_index_for_term(term, day) if ab_index is None else ab_index
        if idx is None:
            return False
        return wd in (term.week_a_days if idx == 0 else term.week_b_days)
    return False


def ab_index_for_term(term: WorkingTerm, day: date) -> int | None:
    """0 = week A, 1 = week B for ``day`` under an ALTERNATE_WEEKS ``term``.

    Week 0 (A) is the first full week of the *term* (its first Monday on or
    after the term start); days before that Monday have no pattern (None).
    Anchoring on the term rather than on the generation start keeps A/B stable
    when a sub-range is regenerated; see docs/generation.md.
    """
    return week_ab_index(day, term.start_date)
