"""The soft terms S1..S13 evaluated on a given assignment, in plain Python (no solver).

``objectives.py`` writes each term as CP-SAT constraints; this module computes the same
penalties directly from an assignment ``x[(clinician_id, day)] in {0, 1}`` and the
encoding, item by item, under the same names (``S5_week_dev[P03,2026-03-02]``,
``S2_gap[P01,P04]``, ``S13[2026-03-02]`` ...). It is used

* for the SolveReport's named penalty items (the true penalties of the decoded rota),
* by the starting heuristics and the search loop to compare rotas without a solve,
* by the tests: "given these facts, the term penalises N" on hand-made assignments, and
  the model's value of every item equals this module's value on the solved rota.

The data each term is built from (weekly targets, group means, offsets) is computed by the
helpers here once and shared with ``objectives.py``, so the two cannot drift apart.
Cells that a hard rule forces to 0 count as 0 whatever ``x`` says; kept pins count as
worked (H4). Units as in ``objectives.py``: tenths of a shift, whole Mondays, doctors, days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable, Mapping, NamedTuple

from ...domain import Weekday
from .encoding import Encoding, _annual_leave_weeks, _partner_term, severe_threshold

__all__ = [
    "Item",
    "EXP_BUCKETS",
    "EXP_WIDTH",
    "S2_TOLERANCE",
    "exponential_cost",
    "WeekTarget",
    "week_targets",
    "equivalency_mean",
    "monday_mean",
    "monday_partners",
    "equivalency_partners",
    "s8_gap",
    "s9_gap",
    "s13_cost",
    "PENALTIES",
    "evaluate",
    "objective_value",
]

Key = tuple[str, date]

#: Number of buckets of the base-2 exponential penalties (S2, S10, S12); bucket k costs 2^k per unit.
EXP_BUCKETS = {"S2": 6, "S10": 8, "S12": 8}
#: Bucket width: one shift (10 tenths).
EXP_WIDTH = 10
#: S2 tolerates Monday-equivalency differences of one Monday at no cost.
S2_TOLERANCE = 1


class Item(NamedTuple):
    """One named penalty: ``S5_week_dev[P03,2026-03-02] = 4`` (raw, before the term's weight)."""

    name: str
    clinician_id: str | None
    value: int


def exponential_cost(v: int, width: int, buckets: int, free: int = 0) -> int:
    """Piecewise-linear base-2 exponential of ``|v|``: bucket k (``width`` units wide) costs ``2^k``
    per unit; the last bucket is open-ended. With width 1: 7 above costs 127, 1 above costs 1.
    ``free`` units at the start cost nothing (a tolerance band before the first bucket)."""
    v = max(0, abs(v) - free)
    total = 0
    for k in range(buckets):
        lo = width * k
        if v <= lo:
            break
        span = v - lo if k == buckets - 1 else min(width, v - lo)
        total += (2**k) * span
    return total


def _round(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pct(enc: Encoding, cid: str, d: date) -> int:
    t = _partner_term(enc.snapshot, cid, d)
    return t.percentage if t else 0


# --------------------------------------------------------------------------- shared data


@dataclass(frozen=True)
class WeekTarget:
    """S5's data for one partner-week without annual leave."""

    clinician_id: str
    monday: date
    dates: tuple[date, ...]  # the week's cell dates
    fixed: int  # fixed STANDARD/DUTY shifts on those dates (not variables)
    open_dates: tuple[date, ...]  # dates of cells no rule forces to 0
    hi: int  # most variables that can be 1 (open cells, weekly maximum)
    target: int  # tenths: round(rate x WTE % x working days in range / 5)


def week_targets(enc: Encoding) -> list[WeekTarget]:
    """S5's partner-weeks (weeks with approved annual leave are left out), in key order."""
    rate = enc.rate_tenths_per_pct_week
    leave_weeks = {c: _annual_leave_weeks(enc.snapshot, c) for c in enc.partners}
    out = []
    for (cid, monday), wk in sorted(enc.weeks.items()):
        if monday in leave_weeks[cid]:
            continue
        open_dates = tuple(d for d in wk.dates if enc.cells[(cid, d)].blocked is None)
        fixed = sum(enc.fixed_work.get((cid, d), 0) for d in wk.dates if enc.cells[(cid, d)].blocked is not None)
        hi = len(open_dates) if wk.maximum is None else min(len(open_dates), max(0, wk.maximum - wk.fixed_count))
        target = _round(rate * _pct(enc, cid, wk.dates[0]) * len(wk.dates) / 5)
        out.append(WeekTarget(cid, monday, wk.dates, fixed, open_dates, hi, target))
    return out


def equivalency_partners(enc: Encoding) -> list[str]:
    """Partners S1/S10 compare: those with available WTE-weeks."""
    return [c for c in enc.partners if enc.partner_info[c].wte_weeks > 0]


def equivalency_mean(enc: Encoding) -> int:
    """The group's mean WTE-weeks (S1, S10), at least 1."""
    ids = equivalency_partners(enc)
    return max(1, round(sum(enc.partner_info[c].wte_weeks for c in ids) / len(ids))) if ids else 1


def monday_partners(enc: Encoding) -> list[str]:
    """Partners S2 compares: those with available Mondays they may work."""
    return [c for c in enc.partners if enc.partner_info[c].wte_mondays > 0]


def monday_mean(enc: Encoding) -> int:
    """The group's mean WTE-Mondays (S2), at least 1."""
    ids = monday_partners(enc)
    return max(1, round(sum(enc.partner_info[c].wte_mondays for c in ids) / len(ids))) if ids else 1


def s8_gap(fixed: int, m: int, n: int) -> int:
    """S8 on a day with ``fixed`` fixed doctors, minimum ``m`` and ``n`` partner shifts."""
    return min(m - severe_threshold(m), max(0, m - fixed - n))


def s9_gap(fixed: int, m: int, n: int) -> int:
    """S9 on a day: doctors missing below 84 % of the minimum."""
    return max(0, severe_threshold(m) - fixed - n)


def s13_cost(fixed: int, m: int, n: int) -> int:
    """S13 on a day: the k-th doctor above the minimum costs k."""
    e = max(0, fixed + n - m)
    return e * (e + 1) // 2


def _pairs(ids: list[str]) -> Iterable[tuple[str, str]]:
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            yield a, b


# --------------------------------------------------------------------------- evaluation


class _Eval:
    """An assignment seen through the encoding: worked days, counts per partner and per day."""

    def __init__(self, enc: Encoding, x: Mapping[Key, int]):
        self.enc = enc
        self.on = {key for key, cell in enc.cells.items() if cell.blocked is None and (cell.pinned or x.get(key, 0))}
        self.n: dict[str, int] = {c: 0 for c in enc.partners}
        self.day: dict[date, int] = {d: 0 for d in enc.dates}
        for cid, d in self.on:
            self.n[cid] += 1
            self.day[d] += 1

    def works(self, cid: str, d: date) -> int:
        """1 when the clinician works a STANDARD/DUTY shift on ``d`` (a worked cell or a fixed shift)."""
        cell = self.enc.cells.get((cid, d))
        if cell is not None and cell.blocked is None:
            return int((cid, d) in self.on)
        return self.enc.fixed_work.get((cid, d), 0)

    def available(self, cid: str, d: date) -> bool:
        cell = self.enc.cells.get((cid, d))
        return (cell is not None and cell.blocked is None) or self.enc.fixed_work.get((cid, d), 0) == 1

    def actual(self, cid: str) -> int:
        return self.enc.partner_info[cid].base_tenths + 10 * self.n[cid]

    def equivalency(self) -> dict[str, int]:
        mean = equivalency_mean(self.enc)
        return {c: self.actual(c) * mean // self.enc.partner_info[c].wte_weeks for c in equivalency_partners(self.enc)}


def _s1(ev: _Eval) -> list[Item]:
    eq = ev.equivalency()
    return [Item(f"S1_gap[{a},{b}]", None, abs(eq[a] - eq[b])) for a, b in _pairs(sorted(eq))]


def _s2(ev: _Eval) -> list[Item]:
    enc = ev.enc
    ids = monday_partners(enc)
    if len(ids) < 2:
        return []
    mean = monday_mean(enc)
    mu = {}
    for c in ids:
        info = enc.partner_info[c]
        m = sum(1 for cell in enc.free_cells(c) if cell.day.weekday() == 0 and (c, cell.day) in ev.on)
        mu[c] = (2 * (info.fixed_mondays + m) * mean + info.wte_mondays) // (2 * info.wte_mondays)
    return [
        Item(f"S2_gap[{a},{b}]", None, exponential_cost(mu[a] - mu[b], 1, EXP_BUCKETS["S2"], S2_TOLERANCE))
        for a, b in _pairs(sorted(ids))
    ]


def _s3(ev: _Eval) -> list[Item]:
    out = []
    for req in ev.enc.snapshot.trainer_requirements:
        who = req.clinician_ids[0] if len(req.clinician_ids) == 1 else None
        for d in ev.enc.dates:
            if d.weekday() != int(req.weekday):
                continue
            fixed = any(ev.enc.fixed_work.get((c, d), 0) and not _is_open(ev.enc, c, d) for c in req.clinician_ids)
            if fixed:
                continue
            present = any(ev.works(c, d) for c in req.clinician_ids)
            out.append(Item(f"S3_trainer_absent[{req.requirement_id},{d}]", who, 0 if present else 1))
    return out


def _is_open(enc: Encoding, cid: str, d: date) -> bool:
    cell = enc.cells.get((cid, d))
    return cell is not None and cell.blocked is None


def _s4(ev: _Eval) -> list[Item]:
    out = []
    for pair in ev.enc.snapshot.affinity_pairs:
        a, b = pair.clinician_a, pair.clinician_b
        for d in ev.enc.dates:
            if ev.available(a, d) and ev.available(b, d):
                out.append(Item(f"S4_apart[{a},{b},{d}]", None, abs(ev.works(a, d) - ev.works(b, d))))
    return out


def _s5(ev: _Eval) -> list[Item]:
    out = []
    for wt in week_targets(ev.enc):
        q = sum(1 for d in wt.open_dates if (wt.clinician_id, d) in ev.on)
        out.append(Item(f"S5_week_dev[{wt.clinician_id},{wt.monday}]", wt.clinician_id, abs(10 * (wt.fixed + q) - wt.target)))
    return out


def _s6(ev: _Eval) -> list[Item]:
    enc = ev.enc
    out = []
    for cid in enc.partners:
        if not enc.free_cells(cid):
            continue
        allowed = [w for w in Weekday if w not in enc.partner_info[cid].cannot_work]
        per_day = {
            w: sum(ev.works(cid, d) for d in enc.dates if d.weekday() == int(w) and (cid, d) in enc.cells) for w in allowed
        }
        total = sum(per_day.values())
        out += [Item(f"S6_spread[{cid},{w.label}]", cid, abs(len(allowed) * per_day[w] - total)) for w in allowed]
    return out


def _s7(ev: _Eval) -> list[Item]:
    info = ev.enc.partner_info
    return [Item(f"S7_target_dev[{c}]", c, abs(ev.actual(c) - info[c].target_tenths)) for c in ev.enc.partners]


def _day_items(ev: _Eval, term: str, g: Callable[[int, int, int], int]) -> list[Item]:
    enc = ev.enc
    return [Item(f"{term}[{d}]", None, g(enc.fixed_cover[d], enc.min_doctors[d], ev.day[d])) for d in enc.dates]


def _s8(ev: _Eval) -> list[Item]:
    return _day_items(ev, "S8", s8_gap)


def _s9(ev: _Eval) -> list[Item]:
    return _day_items(ev, "S9", s9_gap)


def _s10(ev: _Eval) -> list[Item]:
    eq = ev.equivalency()
    return [
        Item(f"S10_gap[{a},{b}]", None, exponential_cost(eq[a] - eq[b], EXP_WIDTH, EXP_BUCKETS["S10"]))
        for a, b in _pairs(sorted(eq))
    ]


def _s11(ev: _Eval) -> list[Item]:
    info = ev.enc.partner_info
    return [Item(f"S11_fair_dev[{c}]", c, abs(ev.actual(c) - info[c].fair_tenths)) for c in ev.enc.partners]


def _s12(ev: _Eval) -> list[Item]:
    info = ev.enc.partner_info
    return [
        Item(f"S12_fair_exp[{c}]", c, exponential_cost(ev.actual(c) - info[c].fair_tenths, EXP_WIDTH, EXP_BUCKETS["S12"]))
        for c in ev.enc.partners
    ]


def _s13(ev: _Eval) -> list[Item]:
    return _day_items(ev, "S13", s13_cost)


#: Every soft term's evaluator, by id (same ids and order as ``objectives.SOFT_TERMS``).
PENALTIES: dict[str, Callable[[_Eval], list[Item]]] = {
    "S1": _s1,
    "S2": _s2,
    "S3": _s3,
    "S4": _s4,
    "S5": _s5,
    "S6": _s6,
    "S7": _s7,
    "S8": _s8,
    "S9": _s9,
    "S10": _s10,
    "S11": _s11,
    "S12": _s12,
    "S13": _s13,
}


def evaluate(enc: Encoding, x: Mapping[Key, int], terms: Iterable[str] | None = None) -> dict[str, list[Item]]:
    """The named penalty items of each term (all terms, or ``terms``) for the assignment ``x``."""
    ev = _Eval(enc, x)
    wanted = list(PENALTIES) if terms is None else list(terms)
    return {t: PENALTIES[t](ev) for t in wanted}


def objective_value(enc: Encoding, x: Mapping[Key, int], weights: Mapping[str, int]) -> int:
    """``sum(weight x penalty)`` over the terms with a positive weight (the model's objective)."""
    items = evaluate(enc, x, [t for t in PENALTIES if weights.get(t, 0) > 0])
    return sum(int(weights[t]) * sum(i.value for i in its) for t, its in items.items())
