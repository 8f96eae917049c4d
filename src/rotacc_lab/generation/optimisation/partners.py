"""Each partner's target against the rota, and why a target is not reached, in words (pure, no solver).

Two measures of "on target" meet here:

* the **calculators' deficiency** (``calculations``; the Partner WTE report and ``status``):
  ``target - worked`` over the period, ``on_track`` within one shift;
* the **availability report** (``availability_frame``; the optimiser's S7 and S11): the
  actual counts worked shifts *plus a bank-holiday credit* (the WTE share of each bank
  holiday in an available week) and is compared with the target (S7) and with the fair
  share (S11).

The reference defines both, and they differ by design: the period target does not deduct
bank holidays (the calendar-year target does), the availability report credits them. So a
rota the optimiser has put on target is "under" by the calculators by about the
bank-holiday credit. :func:`explain_targets` says so per partner, with every other reason
a target is out of reach: the most shifts the partner could work at all (leave, sickness,
cannot-work days, the weekly maximum), a fair share below the target (the fair share spreads
the group's total over available weeks, so partners with more annual leave weeks get less),
and days the partner could still work that already have the minimum of doctors.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

import polars as pl

from ...calendar import daterange, week_monday
from ...domain import PracticeSnapshot, Shift, ShiftStatus, Weekday
from .encoding import _away_reason, _partner_term, counts_toward_staffing, partner_quantities

__all__ = ["explain_targets", "PARTNER_COLUMNS", "PARTNER_SCHEMA"]

PARTNER_COLUMNS = ["clinician_id", "name", "target", "worked", "deficiency", "status", "fair_share",
                   "report_actual", "fair_difference", "explanation"]
PARTNER_SCHEMA = {c: (pl.String if c in ("clinician_id", "name", "status", "explanation") else pl.Float64)
                  for c in PARTNER_COLUMNS}

Key = tuple[str, date]


def _shifts_of(shifts: Iterable[Shift] | Mapping[Key, Shift]) -> dict[Key, Shift]:
    if isinstance(shifts, Mapping):
        return dict(shifts)
    return {(s.clinician_id, s.date): s for s in shifts}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _capacity(snap: PracticeSnapshot, cid: str, start: date, end: date, shifts: Mapping[Key, Shift]):
    """``(most shifts, limits)``: the most STANDARD/DUTY shifts the partner could work in the range,
    and the reasons days are lost, e.g. ``{"annual leave": 30, "cannot work Fri": 48}``."""
    bank = snap.bank_holidays
    lost: Counter[str] = Counter()
    most = 0
    by_week: dict[date, list[int]] = {}
    for d in daterange(start, end):
        if d.weekday() >= 5 or d in bank:
            continue
        term = _partner_term(snap, cid, d)
        if term is None:
            continue
        s = shifts.get((cid, d))
        worked = s is not None and s.status is not ShiftStatus.CANCELLED and counts_toward_staffing(s)
        away = _away_reason(snap, cid, d)
        if not worked and away:
            lost[away] += 1
            continue
        if not worked and Weekday(d.weekday()) in term.cannot_work_days:
            lost[f"cannot work {Weekday(d.weekday()).label}"] += 1
            continue
        if not worked and s is not None and s.status is not ShiftStatus.CANCELLED:
            lost[f"{s.shift_type.value.replace('_', ' ').lower()} shifts"] += 1
            continue
        by_week.setdefault(week_monday(d), [0, term.max_shifts_per_week or 7])[0] += 1
    capped = 0
    for days, maximum in by_week.values():
        most += min(days, maximum)
        capped += max(0, days - maximum)
    if capped:
        lost["the weekly maximum"] += capped
    return most, lost


def explain_targets(
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    shifts: Iterable[Shift] | Mapping[Key, Shift] | None = None,
    partners: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Per partner over ``[start, end]``: the calculators' target, worked shifts, deficiency and status,
    the availability report's fair share and actual, and an ``explanation`` of what keeps the partner
    from the target ("" when on track). ``shifts`` defaults to the snapshot's."""
    from ...calculations.deficiency import classify

    if start > end:
        raise ValueError(f"explain_targets: start {start} is after end {end}")
    ledger = _shifts_of(snapshot.shifts if shifts is None else shifts)
    info = partner_quantities(snapshot, start, start, end, ledger, partners=partners)
    day_total: Counter[date] = Counter()
    for (c, d), s in ledger.items():
        if start <= d <= end and counts_toward_staffing(s):
            day_total[d] += 1
    mins = {w: int(snapshot.settings.min_doctors[w]) for w in Weekday}
    rows = []
    for cid, p in sorted(info.items()):
        worked = Decimal(p.fixed_tenths) / 10  # every worked shift in the range (no prior, no credit)
        target = p.target
        deficiency = target - worked
        status = classify(deficiency)
        bh = Decimal(p.bh_tenths) / 10
        fair = Decimal(p.fair_tenths) / 10
        actual = Decimal(p.base_tenths) / 10
        text = ""
        if status != "on_track":
            text = _explain(snapshot, cid, start, end, ledger, status, deficiency, target, bh, fair, day_total, mins)
        rows.append(dict(clinician_id=cid, name=p.name, target=float(target), worked=float(worked),
                         deficiency=float(deficiency), status=status, fair_share=float(fair), report_actual=float(actual),
                         fair_difference=float(actual - fair), explanation=text))
    return pl.DataFrame(rows, schema=PARTNER_SCHEMA, orient="row") if rows else pl.DataFrame(schema=PARTNER_SCHEMA)


def _explain(snap, cid, start, end, ledger, status, deficiency, target, bh, fair, day_total, mins) -> str:
    n = abs(deficiency)
    parts: list[str] = []
    if status == "under":
        most, lost = _capacity(snap, cid, start, end, ledger)
        if most < target:
            limits = ", ".join(f"{_plural(k, 'day')} of {r}" if not r.startswith(("cannot", "the weekly"))
                               else f"{r} ({_plural(k, 'day')})" for r, k in lost.most_common())
            parts.append(f"at most {most} shifts are possible in the range ({limits})")
        if bh > 0:
            n_bh = sum(1 for d in daterange(start, end) if d.weekday() < 5 and d in snap.bank_holidays
                       and _partner_term(snap, cid, d) is not None)
            parts.append(
                f"{float(bh):g} of it is bank-holiday credit ({_plural(n_bh, 'bank holiday')} at the partner's WTE): the "
                "availability report and the optimiser count it, the period target does not deduct bank holidays"
            )
        if fair + bh < target and fair < target:
            parts.append(f"the fair share is {float(fair):g} against a target of {float(target):g} (the group's shifts are shared "
                         "over available weeks, and weeks with annual leave do not count)")
        open_days = [d for d in daterange(start, end) if d.weekday() < 5 and d not in snap.bank_holidays
                     and _partner_term(snap, cid, d) is not None and (cid, d) not in ledger
                     and _away_reason(snap, cid, d) is None
                     and Weekday(d.weekday()) not in _partner_term(snap, cid, d).cannot_work_days]
        full = sum(1 for d in open_days if day_total[d] >= mins[Weekday(d.weekday())])
        if open_days and full == len(open_days):
            parts.append("the staffing minimum is already met on every day the partner could still work")
        elif open_days and full >= 0.8 * len(open_days):
            parts.append(f"the staffing minimum is already met on {full} of the {len(open_days)} days the partner "
                         "could still work")
    else:
        term = _partner_term(snap, cid, start) or _partner_term(snap, cid, end)
        weeks = len({week_monday(d) for d in daterange(start, end) if d.weekday() < 5})
        if term is not None and term.minimum_shifts_per_week and term.minimum_shifts_per_week * weeks > target:
            parts.append(f"the weekly minimum of {term.minimum_shifts_per_week} shifts asks more than the target")
        if fair > target:
            parts.append(f"the fair share is {float(fair):g} against a target of {float(target):g}")
        pins = sum(1 for (c, d), s in ledger.items() if c == cid and start <= d <= end and s.is_pinned)
        if pins:
            parts.append(f"{_plural(pins, 'pinned shift')} in the range")
    lead = f"{status} by {float(n):g}"
    return lead + (": " + "; ".join(parts) if parts else "")
