"""Phase 6: duty doctors, by converting existing STANDARD shifts to DUTY.

Requirement per working day: ``duty_doctors_per_day``, plus
``duty_doctors_post_bank_holiday`` on the first working day after bank
holiday(s); DUTY shifts already on the day count toward it.

Weeks are processed in date order; the working days inside each week are
shuffled with ``random.Random(seed)`` (one generator for the run, so the
result is deterministic for a seed) to avoid always serving Monday first.

For each day, candidates are clinicians with a SCHEDULED, FULL, STANDARD shift
that day and a term covering it. A pinned shift is a candidate only when the
generator made it (phase 2): the type of a shift a person pinned is theirs to
decide, and an overwrite turns generator-pinned DUTY back into STANDARD, so
regenerating reproduces the same duty rota.

1. salaried (SALARIED / ALTERNATE_WEEKS terms) first, provided they have no
   DUTY in the same ISO week nor in the previous or next week (existing duties
   included), fewest WTE-adjusted duties first;
2. then partners, ordered by WTE-adjusted duty count ``duties / wte`` (lowest
   first; duties = DUTY shifts in the reporting period, existing ones
   included; clinician id breaks ties).

When the requirement cannot be met a ``missing_duty`` alert is returned.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from ...calendar import post_bank_holiday_days
from ...domain import Duration, PracticeSnapshot, ShiftStatus, ShiftType, TermType
from ..ledger import RotaLedger
from .common import PhaseParams, PhaseResult, aligned_period, generation_days

PHASE = 6


def duty_requirement(snapshot: PracticeSnapshot, start: date, end: date) -> dict[date, int]:
    """Duty doctors required on each working day of ``[start, end]``."""
    s = snapshot.settings
    post = post_bank_holiday_days(start, end, snapshot.bank_holidays)
    return {
        d: s.duty_doctors_per_day + (s.duty_doctors_post_bank_holiday if d in post else 0)
        for d in generation_days(snapshot, start, end)
    }


def phase6(snapshot: PracticeSnapshot, ledger: RotaLedger, start: date, end: date, params: PhaseParams) -> PhaseResult:
    """Convert STANDARD shifts to DUTY until each day has its duty doctors."""
    result = PhaseResult(PHASE)
    required = duty_requirement(snapshot, start, end)
    lo, hi = aligned_period(start, end, params.period_start)

    duties: dict[str, int] = {}
    duty_weeks: dict[str, set[date]] = {}
    standard_on: dict[date, list[str]] = {}
    for s in ledger:
        if s.shift_type is ShiftType.DUTY:
            duty_weeks.setdefault(s.clinician_id, set()).add(s.date - timedelta(days=s.date.weekday()))
            if lo <= s.date <= hi:
                duties[s.clinician_id] = duties.get(s.clinician_id, 0) + 1
        elif (
            s.date in required
            and s.shift_type is ShiftType.STANDARD
            and s.status is ShiftStatus.SCHEDULED
            and s.duration is Duration.FULL
            and (not s.is_pinned or s.origin.startswith("phase"))
        ):
            standard_on.setdefault(s.date, []).append(s.clinician_id)

    def load(cid: str, wte) -> tuple[float, str]:
        w = float(wte)
        return (duties.get(cid, 0) / w if w > 0 else math.inf, cid)

    weeks: dict[date, list[date]] = {}
    for d in sorted(required):
        weeks.setdefault(d - timedelta(days=d.weekday()), []).append(d)
    rng = random.Random(params.seed)
    short: list[date] = []
    for monday in sorted(weeks):
        week_days = list(weeks[monday])
        rng.shuffle(week_days)
        for d in week_days:
            need = required[d] - ledger.duty_count(d)
            if need <= 0:
                continue
            salaried, partners = [], []
            for cid in standard_on.get(d, ()):
                if not ledger.has(cid, d) or ledger.get(cid, d).shift_type is not ShiftType.STANDARD:
                    continue
                term = snapshot.term_on(cid, d)
                if term is None:
                    continue
                if term.term_type.is_salaried:
                    weeks_done = duty_weeks.get(cid, set())
                    if {monday, monday - timedelta(days=7), monday + timedelta(days=7)} & weeks_done:
                        continue
                    salaried.append((load(cid, term.wte), cid))
                elif term.term_type is TermType.PARTNER:
                    partners.append((load(cid, term.wte), cid))
            ordered = [c for _, c in sorted(salaried)] + [c for _, c in sorted(partners)]
            for cid in ordered[:need]:
                ledger.convert((cid, d), ShiftType.DUTY, f"phase{PHASE}")
                duties[cid] = duties.get(cid, 0) + 1
                duty_weeks.setdefault(cid, set()).add(monday)
            missing = need - min(need, len(ordered))
            if missing:
                short.append(d)
                result.alerts.append(
                    {
                        "kind": "missing_duty",
                        "date": d,
                        "clinician_id": None,
                        "message": f"{d}: {missing} of {required[d]} duty doctor(s) could not be assigned "
                        f"(no eligible clinician working that day)",
                        "severity": "warning",
                    }
                )
    if short:
        result.messages.append(f"phase 6: duty requirement not met on {len(short)} day(s) (first {min(short)})")
    return result
