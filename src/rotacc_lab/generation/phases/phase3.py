"""Phase 3: deficit-based fill, following the reference flowchart step by step.

1. Day deficits: ``min_doctors[weekday] - shifts counting toward the minimum``
   for every working day of the generation range (Mondays only / no Mondays
   when asked).
2. Clinician deficits over the reporting period aligned to full weeks
   (Monday of ``period_start`` .. Friday of the end's week):
   ``gross target - (STANDARD+DUTY shifts + bank holidays + approved leave days)``,
   where the gross target is the reference's ``target for full WTE x wte``: the
   per-term base of :func:`rotacc_lab.calculations.target_breakdown`, before the
   leave-entitlement deduction (leave taken is credited in the total instead,
   so it must not also be deducted from the target).
3. While some day has a positive deficit: take the day with the highest
   deficit (earliest date on ties); build its candidate pool; if some
   candidates have a positive deficiency, give the shift to the one with the
   lowest completion % (``total / target``; clinician id breaks ties);
   otherwise give it to the available candidate with the lowest completion %
   (not when ``mondays_only``); with no candidate, drop the day. After an
   allocation the day deficit and the clinician deficit go down by one
   (incremental, no rescans).

Candidates: a PARTNER term (or a salaried term, restricted to its fixed /
A-B days) covering the date, no approved leave or sickness that day, no shift
that day, below ``max_shifts_per_week`` in that ISO week, and an allowed
weekday (partners: not a cannot-work day).

Every allocation is recorded as a :class:`Decision` (date, chosen, the pool
with completion percentages) in ``PhaseResult.details["decisions"]`` so tests
can check the ordering rule.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ...domain import PracticeSnapshot, ShiftType, TermType, Weekday, WorkingTerm
from ..ledger import RotaLedger
from .common import (
    Availability,
    PhaseParams,
    PhaseResult,
    ab_index_for_term,
    aligned_period,
    allowed_weekday,
    generation_days,
    new_shift,
)

PHASE = 3

#: term types whose clinicians can receive phase 3 shifts
CANDIDATE_TERMS = (TermType.PARTNER, TermType.SALARIED, TermType.ALTERNATE_WEEKS)


@dataclass(frozen=True)
class Decision:
    """One phase 3 allocation: who got ``day`` and who else could have."""

    day: date
    chosen: str
    #: the clinicians the choice was made from (positive-deficiency candidates, or all eligible)
    pool: tuple[str, ...]
    #: True when the pool was the positive-deficiency candidates, False for the fallback to the minimum
    positive_only: bool
    #: (clinician_id, completion) of every eligible clinician that day, whatever their deficiency
    eligible: tuple[tuple[str, float], ...] = ()


def check_flags(mondays_only: bool, skip_mondays: bool) -> None:
    if mondays_only and skip_mondays:
        raise ValueError(
            "mondays_only and skip_mondays were both set; they are mutually exclusive: give at most one of them"
        )


def _target_shifts(snapshot: PracticeSnapshot, cid: str, lo: date, hi: date) -> Decimal:
    """Gross target over ``[lo, hi]``: the sum of each term's base (weeks x days/week x wte for
    partners, fixed-day count for salaried), before the leave-entitlement deduction."""
    from ...calculations.targets import target_breakdown

    return sum((t.base for t in target_breakdown(snapshot, cid, lo, hi)), Decimal(0))


def _works_weekday(term: WorkingTerm, day: date) -> bool:
    """Would this term's clinician normally work ``day`` (for the bank holiday credit)?"""
    if term.term_type is TermType.PARTNER:
        return True
    if term.term_type is TermType.SALARIED:
        return Weekday(day.weekday()) in term.fixed_working_days
    if term.term_type is TermType.ALTERNATE_WEEKS:
        idx = ab_index_for_term(term, day)
        return idx is not None and Weekday(day.weekday()) in (term.week_a_days if idx == 0 else term.week_b_days)
    return False


def clinician_balances(
    snapshot: PracticeSnapshot, ledger: RotaLedger, lo: date, hi: date, avail: Availability, clinician_ids
) -> dict[str, tuple[float, float]]:
    """``{clinician_id: (target, total)}`` over ``[lo, hi]``, the phase 3 measure.

    total = STANDARD + DUTY shifts (by duration) + bank holidays the clinician
    would have worked (partners: every bank holiday under a PARTNER term;
    salaried: those on their working weekdays) + approved leave days.
    """
    wanted = set(clinician_ids)
    worked: dict[str, Decimal] = {c: Decimal(0) for c in wanted}
    for s in ledger:
        if s.clinician_id in wanted and lo <= s.date <= hi and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY):
            worked[s.clinician_id] += s.amount
    bank = sorted(d for d in snapshot.bank_holidays if lo <= d <= hi)
    out: dict[str, tuple[float, float]] = {}
    for cid in sorted(wanted):
        bh = 0
        for d in bank:
            term = snapshot.term_on(cid, d)
            if term is not None and term.term_type in CANDIDATE_TERMS and _works_weekday(term, d):
                bh += 1
        leave = avail.leave_amount(cid, lo, hi, snapshot.bank_holidays)
        target = _target_shifts(snapshot, cid, lo, hi)
        out[cid] = (float(target), float(worked[cid] + bh + leave))
    return out


def completion(total: float, target: float) -> float:
    """``total / target``; a clinician with no target sorts last (infinity)."""
    return total / target if target > 0 else math.inf


def phase3(snapshot: PracticeSnapshot, ledger: RotaLedger, start: date, end: date, params: PhaseParams) -> PhaseResult:
    """Fill days below their minimum with the clinicians furthest from their target."""
    check_flags(params.mondays_only, params.skip_mondays)
    result = PhaseResult(PHASE)
    lo, hi = aligned_period(start, end, params.period_start)
    avail = Availability(snapshot, min(lo, start), max(hi, end))
    days = generation_days(snapshot, start, end)
    if params.mondays_only:
        days = [d for d in days if d.weekday() == 0]
    elif params.skip_mondays:
        days = [d for d in days if d.weekday() != 0]

    candidates = sorted(
        {t.clinician_id for t in snapshot.terms if t.term_type in CANDIDATE_TERMS and t.overlaps(start, end)}
    )
    balances = clinician_balances(snapshot, ledger, lo, hi, avail, candidates)
    target = {c: balances[c][0] for c in candidates}
    total = {c: balances[c][1] for c in candidates}

    mins = snapshot.settings.min_doctors_for
    heap = []
    for d in days:
        deficit = mins(d) - ledger.day_count(d)
        if deficit > 0:
            heap.append((-deficit, d))
    heapq.heapify(heap)

    decisions: list[Decision] = []
    unfilled: list[date] = []

    # the parts of eligibility that do not change during the phase, computed once per day
    static: dict[date, list[tuple[str, int | None]]] = {}

    def static_pool(d: date) -> list[tuple[str, int | None]]:
        if d not in static:
            out = []
            for cid in candidates:
                term = snapshot.term_on(cid, d)
                if term is None or term.term_type not in CANDIDATE_TERMS:
                    continue
                if avail.blocked(cid, d) or not allowed_weekday(term, d):
                    continue
                out.append((cid, term.max_shifts_per_week))
            static[d] = out
        return static[d]

    def eligible_on(d: date) -> list[str]:
        """Candidates for ``d`` now: static eligibility plus no shift that day and below the weekly maximum."""
        monday = d - timedelta(days=d.weekday())
        return [
            cid
            for cid, cap in static_pool(d)
            if not ledger.has(cid, d) and (cap is None or ledger.week_count_at(cid, monday) < cap)
        ]

    while heap:
        neg, d = heapq.heappop(heap)
        pool_all = eligible_on(d)
        comp = {c: completion(total[c], target[c]) for c in pool_all}
        positive = [c for c in pool_all if target[c] - total[c] > 0]
        if positive:
            pool, positive_only = positive, True
        elif pool_all and not params.mondays_only:
            pool, positive_only = pool_all, False
        else:
            unfilled.append(d)
            continue
        chosen = min(pool, key=lambda c: (comp[c], c))
        decisions.append(
            Decision(
                d,
                chosen,
                tuple(pool),
                positive_only,
                tuple(comp.items()),
            )
        )
        ledger.add(new_shift(chosen, d, PHASE), f"phase{PHASE}")
        total[chosen] += 1.0
        if -neg - 1 > 0:
            heapq.heappush(heap, (neg + 1, d))

    if unfilled:
        result.messages.append(
            f"phase 3: {len(unfilled)} day(s) still below their minimum, no eligible clinician left "
            f"(first {min(unfilled)})"
        )
    result.details["decisions"] = decisions
    result.details["period"] = (lo, hi)
    return result
