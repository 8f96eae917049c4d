"""A constructive starting rota for phase 5 (pure, no solver).

:func:`greedy_rota` builds a rota that respects H1-H9 where it can and aims at the large
terms of the objective; the solver starts from the better of it and the existing rota.
"""

from __future__ import annotations

import heapq
from datetime import date
from typing import Mapping

from ...calendar import week_monday
from .encoding import Encoding, floor_staffing

__all__ = ["greedy_rota"]


def greedy_rota(enc: Encoding, plan: Mapping[tuple[str, date], int] | None = None) -> dict[tuple[str, date], int]:
    """A constructive starting rota that respects H1-H9 where it can, aimed at the big terms.

    Kept pins are worked (H4). Per partner a wanted total: the WTE target (S7), kept within
    three shifts of the fair share (beyond that S12's exponential outweighs S7). The total is
    spread over the partner's weeks in proportion to the weekly fair rate (S5), within the
    week's minimum (H9) and maximum (H8) and its open days; inside a week the least-staffed
    days go first (H7, S13, S8/S9), Mondays to whoever is furthest behind on Mondays for
    their WTE (S2). A last pass lifts days still below the H7 floor.

    ``plan`` (shifts per partner-week on open cells, e.g. :func:`count_plan`) replaces the
    weekly allocation.
    """
    x = {key: int(cell.pinned) for key, cell in enc.cells.items()}
    total = {d: enc.fixed_cover[d] for d in enc.dates}
    for (cid, d), v in x.items():
        if v:
            total[d] += 1
    rate = enc.rate_tenths_per_pct_week
    weeks_of: dict[str, list] = {}
    for (cid, monday), wk in sorted(enc.weeks.items()):
        weeks_of.setdefault(cid, []).append(wk)
    given = plan
    plan = {}
    for cid, wks in weeks_of.items():
        if given is not None:
            for wk in wks:
                plan[(cid, wk.monday)] = given[(cid, wk.monday)] - sum(x[(cid, d)] for d in wk.dates)
            continue
        info = enc.partner_info[cid]
        want = min(max(info.target_tenths, info.fair_tenths - 30), info.fair_tenths + 30)
        want_n = max(0, round((want - info.base_tenths) / 10))
        lo, hi, share = {}, {}, {}
        for wk in wks:
            free = sum(1 for d in wk.dates if enc.cells[(cid, d)].blocked is None)
            pins = sum(x[(cid, d)] for d in wk.dates)
            room = free if wk.maximum is None else min(free, max(0, wk.maximum - wk.fixed_count))
            need = max(0, (wk.minimum or 0) - wk.fixed_count)
            lo[wk.monday] = max(pins, need if need <= room else 0)
            hi[wk.monday] = max(room, pins)
            pct = enc.snapshot.term_on(cid, wk.dates[0]).percentage  # type: ignore[union-attr]
            share[wk.monday] = float(rate) * pct * len(wk.dates) / 5 / 10 - wk.fixed_count
        alloc = {m: min(hi[m], max(lo[m], round(share[m]))) for m in hi}
        diff = want_n - sum(alloc.values())
        while diff != 0:
            step = 1 if diff > 0 else -1
            cands = [m for m in alloc if (alloc[m] < hi[m] if step > 0 else alloc[m] > lo[m])]
            if not cands:
                break
            m = max(cands, key=lambda m: step * (share[m] - alloc[m]))
            alloc[m] += step
            diff -= step
        for wk in wks:
            plan[(cid, wk.monday)] = alloc[wk.monday] - sum(x[(cid, d)] for d in wk.dates)  # pins already placed
    # fill week by week, partners with the most to place first, least-staffed days first;
    # Mondays first, to the partners furthest behind on Mondays for their WTE (S2)
    mondays_worked = {
        cid: enc.partner_info[cid].fixed_mondays + sum(x[k] for k in x if k[0] == cid and k[1].weekday() == 0)
        for cid in weeks_of
    }
    for monday in sorted({m for _, m in plan}):
        left = {cid: plan[(cid, monday)] for cid in weeks_of if (cid, monday) in plan}
        if monday in total:
            keen = [c for c, n in left.items() if n > 0 and enc.cells.get((c, monday)) is not None
                    and enc.cells[(c, monday)].blocked is None and not x[(c, monday)]
                    and enc.partner_info[c].wte_mondays > 0]
            keen.sort(key=lambda c: (mondays_worked[c] / enc.partner_info[c].wte_mondays, c))
            for cid in keen[: max(0, enc.min_doctors[monday] - total[monday])]:
                x[(cid, monday)] = 1
                total[monday] += 1
                left[cid] -= 1
                mondays_worked[cid] += 1
        for cid in sorted(left, key=lambda c: (-left[c], c)):
            days = [d for d in enc.weeks[(cid, monday)].dates if enc.cells[(cid, d)].blocked is None and not x[(cid, d)]]
            days.sort(key=lambda d: (d.weekday() == 0, total[d] - enc.min_doctors[d], d))
            for d in days[: max(0, left[cid])]:
                x[(cid, d)] = 1
                total[d] += 1
                mondays_worked[cid] += d.weekday() == 0
    # lift days below the H7 floor where a partner still has room that week
    for d in enc.dates:
        need = floor_staffing(enc.min_doctors[d]) - total[d]
        if need <= 0:
            continue
        monday = week_monday(d)
        for cid in sorted(weeks_of, key=lambda c: enc.partner_info[c].base_tenths):
            if need <= 0:
                break
            cell = enc.cells.get((cid, d))
            wk = enc.weeks.get((cid, monday))
            if cell is None or cell.blocked is not None or x[(cid, d)] or wk is None:
                continue
            used = sum(x[(cid, dd)] for dd in wk.dates) + wk.fixed_count
            if wk.maximum is not None and used >= wk.maximum:
                continue
            x[(cid, d)] = 1
            total[d] += 1
            need -= 1
    return x


# --------------------------------------------------------------------------- weekly counts


def week_bounds(enc: Encoding, cid: str, x_pins: Mapping[tuple[str, date], int] | None = None) -> dict[date, tuple[int, int]]:
    """Per week of the partner, the range of shifts on its open cells that H4, H8 and H9 allow."""
    out = {}
    for (c, monday), wk in enc.weeks.items():
        if c != cid:
            continue
        open_days = [d for d in wk.dates if enc.cells[(cid, d)].blocked is None]
        pins = sum(1 for d in open_days if enc.cells[(cid, d)].pinned)
        room = len(open_days) if wk.maximum is None else min(len(open_days), max(0, wk.maximum - wk.fixed_count))
        need = (wk.minimum or 0) - wk.fixed_count
        lo = max(pins, need if 0 < need <= len(open_days) else 0)
        out[monday] = (min(lo, max(room, pins)), max(room, pins))
    return out


def count_plan(enc: Encoding, weights: Mapping[str, int]) -> dict[tuple[str, date], int]:
    """Shifts per partner-week (on open cells) minimising S5 + S7 + S11 + S12 exactly, partner by partner.

    These four terms depend only on the weekly counts, and apart from the day-level rules
    (H7, S2-S4, S13) each partner's part is independent of the others: S5 is a convex cost
    per week, so adding one shift at a time to the week where it costs least gives the best
    weekly spread for every total (a greedy that is exact for convex separable costs), and
    the total is the one whose S5 + S7 + S11 + S12 is least.
    """
    from .penalties import EXP_BUCKETS, EXP_WIDTH, exponential_cost, week_targets

    w5, w7, w11, w12 = (int(weights.get(t, 0)) for t in ("S5", "S7", "S11", "S12"))
    s5 = {(wt.clinician_id, wt.monday): wt for wt in week_targets(enc)}
    plan: dict[tuple[str, date], int] = {}
    for cid in enc.partners:
        bounds = week_bounds(enc, cid)
        info = enc.partner_info[cid]

        def week_cost(monday: date, q: int) -> int:
            wt = s5.get((cid, monday))
            return 0 if wt is None else w5 * abs(10 * (wt.fixed + q) - wt.target)

        def total_cost(n: int) -> int:
            a = info.base_tenths + 10 * n
            return (w7 * abs(a - info.target_tenths) + w11 * abs(a - info.fair_tenths)
                    + w12 * exponential_cost(a - info.fair_tenths, EXP_WIDTH, EXP_BUCKETS["S12"]))

        q = {m: lo for m, (lo, hi) in bounds.items()}
        n = sum(q.values())
        cost5 = sum(week_cost(m, v) for m, v in q.items())
        best = (cost5 + total_cost(n), dict(q))
        heap = [(week_cost(m, q[m] + 1) - week_cost(m, q[m]), m) for m in q if q[m] < bounds[m][1]]
        heapq.heapify(heap)
        while heap:
            delta, m = heapq.heappop(heap)
            q[m] += 1
            n += 1
            cost5 += delta
            if q[m] < bounds[m][1]:
                heapq.heappush(heap, (week_cost(m, q[m] + 1) - week_cost(m, q[m]), m))
            total = cost5 + total_cost(n)
            if total < best[0]:
                best = (total, dict(q))
        plan.update({(cid, m): v for m, v in best[1].items()})
    return plan
