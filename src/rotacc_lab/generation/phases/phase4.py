"""Phase 4: partners' weekly minimum (``minimum_shifts_per_week``).

For every ISO week touching the generation range and every partner whose
PARTNER term covers a working day of that week and sets a minimum: count the
STANDARD + DUTY shifts already in the week (the whole ISO week, including days
outside the range); while below the minimum, add a shift on the week's
in-range working day with the highest staffing deficit (``min_doctors -
doctors``; earliest date on ties) where the partner is eligible: term covers
the day, no approved leave or sickness, not a cannot-work day, no shift that
day, below ``max_shifts_per_week``. When no eligible day is left the
shortfall is reported as a message (leave weeks usually explain it).
"""

from __future__ import annotations

from datetime import date, timedelta

from ...domain import PracticeSnapshot, TermType, Weekday
from ..ledger import RotaLedger
from .common import Availability, PhaseParams, PhaseResult, generation_days, new_shift

PHASE = 4


def phase4(snapshot: PracticeSnapshot, ledger: RotaLedger, start: date, end: date, params: PhaseParams) -> PhaseResult:
    """Top partners up to their weekly minimum inside ``[start, end]``."""
    result = PhaseResult(PHASE)
    avail = Availability(snapshot, start, end)
    days = generation_days(snapshot, start, end)
    weeks: dict[date, list[date]] = {}
    for d in days:
        weeks.setdefault(d - timedelta(days=d.weekday()), []).append(d)
    partners = sorted(
        {
            t.clinician_id
            for t in snapshot.terms
            if t.term_type is TermType.PARTNER and t.minimum_shifts_per_week and t.overlaps(start, end)
        }
    )
    mins = snapshot.settings.min_doctors_for
    short: list[str] = []
    for monday in sorted(weeks):
        week_days = weeks[monday]
        for cid in partners:
            terms = [snapshot.term_on(cid, d) for d in week_days]
            minimum = max(
                (t.minimum_shifts_per_week or 0 for t in terms if t is not None and t.term_type is TermType.PARTNER),
                default=0,
            )
            need = minimum - ledger.week_count(cid, monday)
            if need <= 0:
                continue
            for _ in range(need):
                best = None
                for d, term in zip(week_days, terms):
                    if term is None or term.term_type is not TermType.PARTNER:
                        continue
                    if Weekday(d.weekday()) in term.cannot_work_days:
                        continue
                    if ledger.has(cid, d) or avail.blocked(cid, d):
                        continue
                    if term.max_shifts_per_week is not None and ledger.week_count(cid, d) >= term.max_shifts_per_week:
                        continue
                    key = (-(mins(d) - ledger.day_count(d)), d)
                    if best is None or key < best[0]:
                        best = (key, d)
                if best is None:
                    short.append(f"{cid} week of {monday}")
                    break
                ledger.add(new_shift(cid, best[1], PHASE), f"phase{PHASE}")
    if short:
        result.messages.append(
            f"phase 4: weekly minimum not reachable for {len(short)} partner-week(s) (leave, cannot-work days "
            f"or the weekly maximum), e.g. {short[0]}"
        )
    return result
