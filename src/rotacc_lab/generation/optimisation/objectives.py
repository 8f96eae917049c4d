"""Phase 5 soft terms S1..S13 (the objective), one builder per term.

Each builder takes the :class:`~.constraints.ModelContext` and returns a list of named
penalty items ``(name, clinician_id or None, penalty)``, where ``penalty`` is an
integer-valued expression (a variable carrying the same name) or a plain ``int`` for a
penalty nothing can change. The objective is ``sum(weight[term] * sum(penalties of term))``;
a term whose weight is 0 is never built. ``penalties.py`` evaluates the same items, by
the same names, on a given assignment without a solver; the data both use (weekly
targets, group means) comes from there.

Units (all integers): shift quantities in TENTHS of a shift (S5, S7, S11, S12, and the
equivalencies of S1/S10), Monday equivalency in whole Mondays (S2), doctors (S8,
S9, S13), days (S3, S4), and ``A x shifts`` for S6 (A = the partner's allowed weekdays).

Convex penalties of an integer count ``n`` are encoded as the maximum of the secant
lines between consecutive integer points (:func:`convex_lines`): exact at integers and
the tightest linear relaxation, which is what makes the LP bound of this model tight.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Callable, Iterable

from ortools.sat.python import cp_model

from ...domain import Weekday
from .constraints import ModelContext
from .report import TERM_NAMES
from .penalties import (
    EXP_BUCKETS,
    EXP_WIDTH,
    S2_TOLERANCE,
    equivalency_mean,
    equivalency_partners,
    exponential_cost,
    monday_mean,
    monday_partners,
    s8_gap,
    s9_gap,
    s13_cost,
    week_targets,
)

__all__ = ["SOFT_TERMS", "Penalty", "build_objective", "convex_lines", "exponential_cost", "EXP_BUCKETS"]

#: ``(item name, clinician_id or None, penalty expression or int)``
Penalty = tuple[str, str | None, "cp_model.LinearExprT | int"]


# --------------------------------------------------------------------------- helpers


def convex_lines(g: Callable[[int], int], lo: int, hi: int) -> list[tuple[int, int]]:
    """Secant lines ``(slope, intercept)`` of ``g`` between consecutive integers of ``[lo, hi]``,
    collinear ones merged. For convex ``g``, ``max(lines)`` equals ``g`` at every integer."""
    lines: list[tuple[int, int]] = []
    prev = g(lo)
    for n in range(lo, hi):
        nxt = g(n + 1)
        s = nxt - prev
        b = prev - s * n
        if not lines or lines[-1] != (s, b):
            lines.append((s, b))
        prev = nxt
    return lines


def convex_penalty(ctx: ModelContext, name: str, n, lo: int, hi: int, g: Callable[[int], int]):
    """A variable equal (at the optimum) to ``g(n)`` for the integer expression ``n`` in ``[lo, hi]``."""
    if hi <= lo:
        return g(lo)
    values = [g(k) for k in range(lo, hi + 1)]
    p = ctx.model.new_int_var(min(values), max(values), name)
    for s, b in convex_lines(g, lo, hi):
        ctx.model.add(p >= s * n + b)
    return p


def _sum(items: list):
    """Linear sum of variables (and ints) without Python's quadratic ``sum`` of expressions."""
    return cp_model.LinearExpr.sum(items) if items else 0


def count_var(ctx: ModelContext, cid: str) -> tuple:
    """``(n_c, lo, hi)``: the number of STANDARD shifts on the partner's open cells (``shifts[c]``),
    kept in ``ctx.count_vars``. ``lo`` counts kept pins, ``hi`` the weekly maxima."""
    got = ctx.count_vars.get(cid)
    if got is not None:
        return got
    vs = ctx.free_vars(cid)
    lo = sum(1 for c in ctx.enc.free_cells(cid) if c.pinned)
    hi = 0
    for (c, monday), wk in ctx.enc.weeks.items():
        if c != cid:
            continue
        free = sum(1 for d in wk.dates if ctx.enc.cells[(cid, d)].blocked is None)
        hi += free if wk.maximum is None else min(free, max(0, wk.maximum - wk.fixed_count))
    hi = max(hi, lo)
    if not vs:
        got = (0, 0, 0)
    else:
        n = ctx.model.new_int_var(lo, hi, f"shifts[{cid}]")
        ctx.model.add(n == _sum(vs))
        got = (n, lo, hi)
    ctx.count_vars[cid] = got
    return got


def day_count(ctx: ModelContext, d: date) -> tuple:
    """``(partners_on[d], k)``: partner shifts on ``d`` over its ``k`` open cells, kept in ``ctx.day_counts``."""
    got = ctx.day_counts.get(d)
    if got is None:
        vs = ctx.free_by_day.get(d, [])
        if len(vs) > 1:
            n = ctx.model.new_int_var(0, len(vs), f"partners_on[{d}]")
            ctx.model.add(n == _sum(vs))
            got = (n, len(vs))
        else:
            got = (_sum(vs), len(vs))
        ctx.day_counts[d] = got
    return got


@lru_cache(maxsize=None)
def _abs_dev(offset: int) -> Callable[[int], int]:
    return lambda n: abs(10 * n + offset)


def _free_work(ctx: ModelContext, cid: str, d: date):
    cell = ctx.enc.cells.get((cid, d))
    if cell is not None and cell.blocked is None:
        return ctx.x[(cid, d)]
    return ctx.enc.fixed_work.get((cid, d), 0)


def _available(ctx: ModelContext, cid: str, d: date) -> bool:
    cell = ctx.enc.cells.get((cid, d))
    return (cell is not None and cell.blocked is None) or ctx.enc.fixed_work.get((cid, d), 0) == 1


def _floor_scaled(ctx: ModelContext, name: str, value, lo: int, hi: int, num: int, den: int, add: int = 0):
    """``(q, q_lo, q_hi)``: integer variable ``q = floor((value x num + add) / den)`` for an integer
    expression ``value`` in ``[lo, hi]`` (two linear constraints, exact), with its range."""
    q_lo, q_hi = (lo * num + add) // den, (hi * num + add) // den
    q = ctx.model.new_int_var(q_lo, q_hi, name)
    ctx.model.add(den * q <= num * value + add)
    ctx.model.add(num * value + add <= den * q + den - 1)
    return q, q_lo, q_hi


def shift_equivalency(ctx: ModelContext) -> dict[str, tuple]:
    """Per partner: actual shifts scaled to the group's mean WTE-weeks, in tenths (S1, S10),
    kept in ``ctx.equivalency``.

    ``eq_c = floor(actual_c x mean_wte_weeks / wte_weeks_c)``: what the partner's count would be
    at the group's average WTE and available weeks. Partners with no available weeks are left out.
    """
    if ctx.equivalency is not None:
        return ctx.equivalency
    info = ctx.enc.partner_info
    mean = equivalency_mean(ctx.enc)
    out: dict[str, tuple] = {}
    for c in equivalency_partners(ctx.enc):
        n, lo, hi = count_var(ctx, c)
        base = info[c].base_tenths
        out[c] = _floor_scaled(ctx, f"equivalency[{c}]", base + 10 * n, base + 10 * lo, base + 10 * hi, mean, info[c].wte_weeks)
    ctx.equivalency = out
    return out


def _pairs(ids: list[str]) -> Iterable[tuple[str, str]]:
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            yield a, b


def _pairwise_exponential(
    ctx: ModelContext, term: str, values: dict[str, tuple], buckets: int, width: int = EXP_WIDTH, free: int = 0
) -> list[Penalty]:
    out: list[Penalty] = []
    ids = sorted(values)
    if len(ids) < 2:
        return out
    rng = {c: values[c][1:] for c in ids}
    exprs = {c: v[0] for c, v in values.items()}
    vmax = max(r[1] for r in rng.values()) - min(r[0] for r in rng.values())
    lines = [(s, b) for s, b in convex_lines(lambda v: exponential_cost(v, width, buckets, free), 0, max(1, vmax)) if s > 0]
    for a, b in _pairs(ids):
        name = f"{term}_gap[{a},{b}]"
        span = max(rng[a][1] - rng[b][0], rng[b][1] - rng[a][0], 0)
        if all(isinstance(exprs[c], int) for c in (a, b)):
            out.append((name, None, exponential_cost(exprs[a] - exprs[b], width, buckets, free)))
            continue
        p = ctx.model.new_int_var(0, exponential_cost(span, width, buckets, free), name)
        for s, c in lines:
            ctx.model.add(p >= s * (exprs[a] - exprs[b]) + c)
            ctx.model.add(p >= s * (exprs[b] - exprs[a]) + c)
        out.append((name, None, p))
    return out


# --------------------------------------------------------------------------- S1..S13


def s1_wte_fairness(ctx: ModelContext) -> list[Penalty]:
    """S1: sum over partner pairs of |equivalency_a - equivalency_b| (tenths of a shift)."""
    eq = shift_equivalency(ctx)
    out: list[Penalty] = []
    for a, b in _pairs(sorted(eq)):
        (va, *ra), (vb, *rb) = eq[a], eq[b]
        name = f"S1_gap[{a},{b}]"
        p = ctx.model.new_int_var(0, max(ra[1] - rb[0], rb[1] - ra[0], 0), name)
        ctx.model.add(p >= va - vb)
        ctx.model.add(p >= vb - va)
        out.append((name, None, p))
    return out


def s2_monday_fairness(ctx: ModelContext) -> list[Penalty]:
    """S2: base-2 exponential of the pairwise Monday-equivalency differences, in whole Mondays.

    Monday equivalency = Mondays worked in [period_start, end] scaled to the group's mean
    WTE-Mondays (sum of WTE % over available Mondays), rounded to whole Mondays. A difference
    of one Monday is tolerated (cost 0: partners of different WTE cannot all match exactly);
    beyond that the k-th further Monday costs 2^k (1, 2, 4, ...).
    """
    info = ctx.enc.partner_info
    ids = monday_partners(ctx.enc)
    if len(ids) < 2:
        return []
    mean = monday_mean(ctx.enc)
    values: dict[str, tuple] = {}
    for c in ids:
        vs = ctx.free_vars(c, lambda d: d.weekday() == 0)
        base, mw = info[c].fixed_mondays, info[c].wte_mondays
        if vs:
            m = ctx.model.new_int_var(0, len(vs), f"mondays[{c}]")
            ctx.model.add(m == _sum(vs))
            # round(x * mean / mw) = floor((2 x mean + mw) / (2 mw))
            values[c] = _floor_scaled(
                ctx, f"monday_equivalency[{c}]", base + m, base, base + len(vs), 2 * mean, 2 * mw, mw
            )
        else:
            v = (2 * base * mean + mw) // (2 * mw)
            values[c] = (v, v, v)
    return _pairwise_exponential(ctx, "S2", values, EXP_BUCKETS["S2"], width=1, free=S2_TOLERANCE)


def s3_trainer_requirement(ctx: ModelContext) -> list[Penalty]:
    """S3: one per working day on a requirement's weekday when none of its trainers works."""
    out: list[Penalty] = []
    for req in ctx.enc.snapshot.trainer_requirements:
        who = req.clinician_ids[0] if len(req.clinician_ids) == 1 else None
        for d in ctx.enc.dates:
            if d.weekday() != int(req.weekday):
                continue
            present = [_free_work(ctx, c, d) for c in req.clinician_ids]
            if any(p == 1 for p in present if isinstance(p, int)):
                continue
            name = f"S3_trainer_absent[{req.requirement_id},{d}]"
            vs = [p for p in present if not isinstance(p, int)]
            if not vs:
                out.append((name, who, 1))
                continue
            absent = ctx.model.new_bool_var(name)
            ctx.model.add(absent + _sum(vs) >= 1)
            out.append((name, who, absent))
    return out


def s4_affinity(ctx: ModelContext) -> list[Penalty]:
    """S4: one per working day on which exactly one of an affinity pair works (days when both could work)."""
    out: list[Penalty] = []
    for pair in ctx.enc.snapshot.affinity_pairs:
        a, b = pair.clinician_a, pair.clinician_b
        for d in ctx.enc.dates:
            if not (_available(ctx, a, d) and _available(ctx, b, d)):
                continue
            name = f"S4_apart[{a},{b},{d}]"
            wa, wb = _free_work(ctx, a, d), _free_work(ctx, b, d)
            if isinstance(wa, int) and isinstance(wb, int):
                out.append((name, None, abs(wa - wb)))
                continue
            p = ctx.model.new_bool_var(name)
            ctx.model.add(p >= wa - wb)
            ctx.model.add(p >= wb - wa)
            out.append((name, None, p))
    return out


def s5_weekly_evenness(ctx: ModelContext) -> list[Penalty]:
    """S5: per partner and week without annual leave, |10 x weekly STANDARD+DUTY count - target per week|.

    Target per week = fixed group rate x WTE % x (working days of the week in range / 5), in tenths.
    """
    out: list[Penalty] = []
    for wt in week_targets(ctx.enc):
        cid = wt.clinician_id
        name = f"S5_week_dev[{cid},{wt.monday}]"
        vs = [ctx.x[(cid, d)] for d in wt.open_dates]
        g = _abs_dev(10 * wt.fixed - wt.target)
        out.append((name, cid, convex_penalty(ctx, name, _sum(vs), 0, wt.hi, g)))
    return out


def s6_day_of_week_spread(ctx: ModelContext) -> list[Penalty]:
    """S6: per partner, sum over allowed weekdays of |A x count_on_weekday - total| (A = allowed weekdays)."""
    out: list[Penalty] = []
    for cid in ctx.enc.partners:
        if not ctx.free_vars(cid):
            continue
        allowed = [w for w in Weekday if w not in ctx.enc.partner_info[cid].cannot_work]
        A = len(allowed)
        per_day = {w: [_free_work(ctx, cid, d) for d in ctx.enc.dates if d.weekday() == int(w) and (cid, d) in ctx.enc.cells] for w in allowed}
        total = _sum([t for v in per_day.values() for t in v])
        n_cells = sum(len(v) for v in per_day.values())
        for w in allowed:
            name = f"S6_spread[{cid},{w.label}]"
            p = ctx.model.new_int_var(0, A * n_cells, name)
            cnt = _sum(per_day[w])
            ctx.model.add(p >= A * cnt - total)
            ctx.model.add(p >= total - A * cnt)
            out.append((name, cid, p))
    return out


def s7_target_deviation(ctx: ModelContext) -> list[Penalty]:
    """S7: per partner, |actual - target| in tenths (actual = prior + fixed + bank-holiday credit + solver shifts)."""
    out: list[Penalty] = []
    for cid in ctx.enc.partners:
        info = ctx.enc.partner_info[cid]
        n, lo, hi = count_var(ctx, cid)
        name = f"S7_target_dev[{cid}]"
        out.append((name, cid, convex_penalty(ctx, name, n, lo, hi, _abs_dev(info.base_tenths - info.target_tenths))))
    return out


def _day_penalties(ctx: ModelContext, term: str, cost: Callable[[int, int, int], int]) -> list[Penalty]:
    out: list[Penalty] = []
    for d in ctx.enc.dates:
        n, k = day_count(ctx, d)
        fixed, m = ctx.enc.fixed_cover[d], ctx.enc.min_doctors[d]
        g = lambda v, fixed=fixed, m=m: cost(fixed, m, v)  # noqa: E731
        name = f"{term}[{d}]"
        p = convex_penalty(ctx, name, n, 0, k, g) if term != "S8" else _table_penalty(ctx, name, n, k, g)
        out.append((name, None, p))
    return out


def _table_penalty(ctx: ModelContext, name: str, n, k: int, g: Callable[[int], int]):
    """Exact (non-convex) penalty ``g(n)`` for ``n`` in ``[0, k]`` through an element constraint."""
    table = [g(i) for i in range(k + 1)]
    if len(set(table)) == 1:
        return table[0]
    nv = ctx.model.new_int_var(0, k, f"{name}_count")
    ctx.model.add(nv == n)
    p = ctx.model.new_int_var(min(table), max(table), name)
    ctx.model.add_element(nv, table, p)
    return p


def s8_moderate_staffing(ctx: ModelContext) -> list[Penalty]:
    """S8: doctors missing in the 84-100 % zone of the day's minimum: ``min(m - ceil(.84m), max(0, m - T))``."""
    return _day_penalties(ctx, "S8", s8_gap)


def s9_severe_staffing(ctx: ModelContext) -> list[Penalty]:
    """S9: doctors missing below 84 % of the minimum (H7 keeps T >= 66 %): ``max(0, ceil(.84m) - T)``."""
    return _day_penalties(ctx, "S9", s9_gap)


def s10_exponential_fairness(ctx: ModelContext) -> list[Penalty]:
    """S10: base-2 exponential of the pairwise equivalency differences (bucket = one shift)."""
    return _pairwise_exponential(ctx, "S10", shift_equivalency(ctx), EXP_BUCKETS["S10"])


def s11_report_fairness(ctx: ModelContext) -> list[Penalty]:
    """S11 (primary): per partner |actual - fair share| in tenths; fair share = fixed group rate x WTE-weeks."""
    out: list[Penalty] = []
    for cid in ctx.enc.partners:
        info = ctx.enc.partner_info[cid]
        n, lo, hi = count_var(ctx, cid)
        name = f"S11_fair_dev[{cid}]"
        out.append((name, cid, convex_penalty(ctx, name, n, lo, hi, _abs_dev(info.base_tenths - info.fair_tenths))))
    return out


def s12_exponential_report_fairness(ctx: ModelContext) -> list[Penalty]:
    """S12: base-2 exponential of each partner's |actual - fair share| (tenths; bucket = one shift)."""
    out: list[Penalty] = []
    K = EXP_BUCKETS["S12"]
    for cid in ctx.enc.partners:
        info = ctx.enc.partner_info[cid]
        n, lo, hi = count_var(ctx, cid)
        off = info.base_tenths - info.fair_tenths
        g = lambda k, off=off: exponential_cost(10 * k + off, EXP_WIDTH, K)  # noqa: E731
        name = f"S12_fair_exp[{cid}]"
        out.append((name, cid, convex_penalty(ctx, name, n, lo, hi, g)))
    return out


def s13_progressive_overstaffing(ctx: ModelContext) -> list[Penalty]:
    """S13: per day, the k-th doctor above the minimum costs k (e extra doctors cost e(e+1)/2)."""
    return _day_penalties(ctx, "S13", s13_cost)


_BUILDERS: dict[str, Callable[[ModelContext], list[Penalty]]] = {
    "S1": s1_wte_fairness,
    "S2": s2_monday_fairness,
    "S3": s3_trainer_requirement,
    "S4": s4_affinity,
    "S5": s5_weekly_evenness,
    "S6": s6_day_of_week_spread,
    "S7": s7_target_deviation,
    "S8": s8_moderate_staffing,
    "S9": s9_severe_staffing,
    "S10": s10_exponential_fairness,
    "S11": s11_report_fairness,
    "S12": s12_exponential_report_fairness,
    "S13": s13_progressive_overstaffing,
}
#: Every soft term by id: (human name, builder).
SOFT_TERMS: dict[str, tuple[str, Callable[[ModelContext], list[Penalty]]]] = {
    term: (TERM_NAMES[term], builder) for term, builder in _BUILDERS.items()
}


def build_objective(ctx: ModelContext, weights: dict[str, int]) -> dict[str, list[Penalty]]:
    """Build every term with a positive weight, set the objective, return the penalty items by term."""
    terms: dict[str, list[Penalty]] = {}
    exprs, coeffs, offset = [], [], 0
    for term, (_, builder) in SOFT_TERMS.items():
        w = int(weights.get(term, 0))
        if w <= 0:
            continue
        items = builder(ctx)
        terms[term] = items
        for _, _, p in items:
            if isinstance(p, int):
                offset += w * p
            else:
                exprs.append(p)
                coeffs.append(w)
    ctx.model.minimize(cp_model.LinearExpr.weighted_sum(exprs, coeffs) + offset if exprs else offset)
    return terms
