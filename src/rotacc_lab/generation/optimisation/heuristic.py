"""A constructive starting rota for phase 5 (pure, no solver).

:func:`greedy_rota` builds a rota that respects H1-H9 where it can and aims at the large
terms of the objective; the solver starts from the better of it and the existing rota.
"""

from __future__ import annotations

from datetime import date

from ...calendar import week_monday
from .encoding import Encoding, floor_staffing

__all__ = ["greedy_rota"]


def greedy_rota(enc: Encoding) -> dict[tuple[str, date], int]:
    """A constructive starting rota that respects H1-H9 where it can, aimed at the big terms.

    Kept pins are worked (H4). Per partner a wanted total: the WTE target (S7), kept within
    three shifts of the fair share (beyond that S12's exponential outweighs S7). The total is
    spread over the partner's weeks in proportion to the weekly fair rate (S5), within the
    week's minimum (H9) and maximum (H8) and its open days; inside a week the least-staffed
    days go first (H7, S13, S8/S9), Mondays to whoever is furthest behind on Mondays for
    their WTE (S2). A last pass lifts days still below the H7 floor.
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
    plan: dict[tuple[str, date], int] = {}
    for cid, wks in weeks_of.items():
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
