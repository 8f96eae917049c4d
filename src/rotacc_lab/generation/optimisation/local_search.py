"""Day-level local search on a phase 5 rota (pure Python, no solver).

The flow relaxation (``flow.py``) gets the weekly counts and the staffing right but cannot see
Monday fairness (S2), affinity (S4), trainer groups (S3) or the weekday spread (S6). This
search moves one partner's shift to another open day of the same ISO week, so the weekly and
total counts -- and with them S1, S5, S7, S10, S11, S12 -- stay as they are, and keeps a move
when it lowers the objective and keeps every day at or above the H7 floor. Deltas are computed
from the few items a move touches; :meth:`DayMoves.value` equals
``penalties.objective_value`` of the current rota at every step (tested).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Mapping

from ...domain import Weekday
from ...calendar import week_monday
from .encoding import Encoding, floor_staffing
from .penalties import (
    EXP_BUCKETS,
    S2_TOLERANCE,
    exponential_cost,
    monday_mean,
    monday_partners,
    objective_value,
    s8_gap,
    s9_gap,
    s13_cost,
)

__all__ = ["DayMoves", "improve_days"]

Key = tuple[str, date]


class DayMoves:
    """A rota plus what each day-level term needs to price a move."""

    def __init__(self, enc: Encoding, weights: Mapping[str, int], x: Mapping[Key, int]):
        self.enc = enc
        self._weights = weights
        self.w = {t: int(weights.get(t, 0)) for t in ("S2", "S3", "S4", "S6", "S8", "S9", "S13")}
        self.x = {key: int(bool(x.get(key, 0)) or cell.pinned) if cell.blocked is None else 0
                  for key, cell in enc.cells.items()}
        self.total = objective_value(enc, self.x, weights)
        self.n_day = {d: 0 for d in enc.dates}
        for (c, d), v in self.x.items():
            self.n_day[d] += v
        # S2: Monday equivalency per partner
        self.s2_ids = monday_partners(enc) if self.w["S2"] and len(monday_partners(enc)) >= 2 else []
        self.s2_mean = monday_mean(enc)
        self.mondays = {c: enc.partner_info[c].fixed_mondays for c in self.s2_ids}
        for (c, d), v in self.x.items():
            if v and d.weekday() == 0 and c in self.mondays:
                self.mondays[c] += 1
        #: how many partners have each Monday equivalency (S2 prices a change against these)
        self.mu_count: dict[int, int] = {}
        for c in self.s2_ids:
            mu = self._mu(c, self.mondays[c])
            self.mu_count[mu] = self.mu_count.get(mu, 0) + 1
        # S3: per requirement-day, the open member cells (items with a fixed member present do not exist)
        self.s3_items: dict[Key, list[tuple[str, date]]] = {}
        self.s3_present: dict[tuple[str, date], int] = {}
        if self.w["S3"]:
            for req in enc.snapshot.trainer_requirements:
                for d in enc.dates:
                    if d.weekday() != int(req.weekday):
                        continue
                    if any(enc.fixed_work.get((c, d), 0) and not self._open(c, d) for c in req.clinician_ids):
                        continue
                    item = (req.requirement_id, d)
                    self.s3_present[item] = sum(self.x.get((c, d), 0) for c in req.clinician_ids if self._open(c, d))
                    for c in req.clinician_ids:
                        if self._open(c, d):
                            self.s3_items.setdefault((c, d), []).append(item)
        # S4: per (partner, day), the other partner of each affinity pair when both could work
        self.s4_other: dict[Key, list[str]] = {}
        if self.w["S4"]:
            for pair in enc.snapshot.affinity_pairs:
                a, b = pair.clinician_a, pair.clinician_b
                for d in enc.dates:
                    if self._available(a, d) and self._available(b, d):
                        self.s4_other.setdefault((a, d), []).append(b)
                        self.s4_other.setdefault((b, d), []).append(a)
        # S6: per partner weekday counts
        self.s6_counts: dict[str, dict[int, int]] = {}
        if self.w["S6"]:
            for c in enc.partners:
                if not enc.free_cells(c):
                    continue
                allowed = [int(w) for w in Weekday if w not in enc.partner_info[c].cannot_work]
                self.s6_counts[c] = {w: sum(self._works(c, d) for d in enc.dates if d.weekday() == w and (c, d) in enc.cells)
                                     for w in allowed}

    # -- facts ------------------------------------------------------------------------
    def _open(self, c: str, d: date) -> bool:
        cell = self.enc.cells.get((c, d))
        return cell is not None and cell.blocked is None

    def _available(self, c: str, d: date) -> bool:
        return self._open(c, d) or self.enc.fixed_work.get((c, d), 0) == 1

    def _works(self, c: str, d: date) -> int:
        return self.x[(c, d)] if self._open(c, d) else self.enc.fixed_work.get((c, d), 0)

    # -- pricing ----------------------------------------------------------------------
    def _day(self, d: date, n: int) -> int:
        f, m = self.enc.fixed_cover[d], self.enc.min_doctors[d]
        return self.w["S8"] * s8_gap(f, m, n) + self.w["S9"] * s9_gap(f, m, n) + self.w["S13"] * s13_cost(f, m, n)

    def _mu(self, c: str, mondays: int) -> int:
        mw = self.enc.partner_info[c].wte_mondays
        return (2 * mondays * self.s2_mean + mw) // (2 * mw)

    def _s2_partner(self, mu_c: int, own: int) -> int:
        """S2 of a partner with equivalency ``mu_c`` against all others (``own``: its current value)."""
        cost = 0
        for v, k in self.mu_count.items():
            k -= v == own
            if k:
                cost += k * exponential_cost(mu_c - v, 1, EXP_BUCKETS["S2"], S2_TOLERANCE)
        return cost

    def _s2_delta(self, c: str, step: int) -> int:
        m = self.mondays[c]
        old_mu, new_mu = self._mu(c, m), self._mu(c, m + step)
        if old_mu == new_mu:
            return 0
        return self.w["S2"] * (self._s2_partner(new_mu, old_mu) - self._s2_partner(old_mu, old_mu))

    def delta(self, c: str, d1: date, d2: date) -> int:
        """Objective change of moving partner ``c``'s shift from ``d1`` to ``d2`` in the same week."""
        return self._delta_days(c, d1, d2)

    def _delta_days(self, c: str, d1: date, d2: date) -> int:
        """The change in the day-level terms (S2, S3, S4, S6, S8, S9, S13) of that move."""
        n1, n2 = self.n_day[d1], self.n_day[d2]
        delta = self._day(d1, n1 - 1) - self._day(d1, n1) + self._day(d2, n2 + 1) - self._day(d2, n2)
        if c in self.mondays and (d1.weekday() == 0) != (d2.weekday() == 0):
            delta += self._s2_delta(c, -1 if d1.weekday() == 0 else 1)
        for item in self.s3_items.get((c, d1), ()):
            if self.s3_present[item] == 1:
                delta += self.w["S3"]
        for item in self.s3_items.get((c, d2), ()):
            if self.s3_present[item] == 0:
                delta -= self.w["S3"]
        for d, sign in ((d1, -1), (d2, 1)):
            for other in self.s4_other.get((c, d), ()):
                wo = self._works(other, d)
                before = abs(self.x[(c, d)] - wo)
                after = abs(self.x[(c, d)] + sign - wo)
                delta += self.w["S4"] * (after - before)
        if c in self.s6_counts and d1.weekday() != d2.weekday():
            counts = self.s6_counts[c]
            a, total = len(counts), sum(counts.values())
            for wd, step in ((d1.weekday(), -1), (d2.weekday(), 1)):
                if wd in counts:
                    delta += self.w["S6"] * (abs(a * (counts[wd] + step) - total) - abs(a * counts[wd] - total))
        return delta

    def apply(self, c: str, d1: date, d2: date, delta: int) -> None:
        self.x[(c, d1)], self.x[(c, d2)] = 0, 1
        self.n_day[d1] -= 1
        self.n_day[d2] += 1
        if c in self.mondays:
            step = (d2.weekday() == 0) - (d1.weekday() == 0)
            if step:
                old_mu = self._mu(c, self.mondays[c])
                self.mondays[c] += step
                new_mu = self._mu(c, self.mondays[c])
                self.mu_count[old_mu] -= 1
                self.mu_count[new_mu] = self.mu_count.get(new_mu, 0) + 1
        for item in self.s3_items.get((c, d1), ()):
            self.s3_present[item] -= 1
        for item in self.s3_items.get((c, d2), ()):
            self.s3_present[item] += 1
        if c in self.s6_counts:
            counts = self.s6_counts[c]
            if d1.weekday() in counts:
                counts[d1.weekday()] -= 1
            if d2.weekday() in counts:
                counts[d2.weekday()] += 1
        self.total += delta

    @property
    def value(self) -> int:
        return self.total

    # -- moves between weeks (S5) ------------------------------------------------------
    def _week_state(self) -> None:
        from .heuristic import week_bounds
        from .penalties import week_targets

        enc = self.enc
        self.w5 = int(self._weights.get("S5", 0))
        self.s5 = {(wt.clinician_id, wt.monday): wt for wt in week_targets(enc)}
        self.bounds = {}
        for cid in enc.partners:
            for monday, b in week_bounds(enc, cid).items():
                self.bounds[(cid, monday)] = b
        self.q = {(cid, monday): sum(self.x[(cid, d)] for d in wk.dates if self._open(cid, d))
                  for (cid, monday), wk in enc.weeks.items()}

    def _s5(self, key: tuple[str, date], q: int) -> int:
        wt = self.s5.get(key)
        return 0 if wt is None else self.w5 * abs(10 * (wt.fixed + q) - wt.target)

    def _one_sided(self, c: str, d: date, sign: int) -> int:
        """Approximate change of the day-level terms when ``c`` starts (+1) or stops (-1) working ``d``
        (S2 and S6 left out); used to rank candidate moves, which are then priced exactly."""
        n = self.n_day[d]
        delta = self._day(d, n + sign) - self._day(d, n)
        for item in self.s3_items.get((c, d), ()):
            if sign < 0 and self.s3_present[item] == 1:
                delta += self.w["S3"]
            elif sign > 0 and self.s3_present[item] == 0:
                delta -= self.w["S3"]
        for other in self.s4_other.get((c, d), ()):
            wo = self._works(other, d)
            delta += self.w["S4"] * (abs(self.x[(c, d)] + sign - wo) - abs(self.x[(c, d)] - wo))
        return delta

    def run_weeks(self, deadline: float | None = None, width: int = 12) -> int:
        """Move a partner's shift to another week when S5 and the day-level terms gain together.

        For each partner the ``width`` most promising removals (a week above its S5 target, a day
        where the shift is least needed) and additions are paired and priced exactly; the best
        improving move is applied, until none improves."""
        enc = self.enc
        if not hasattr(self, "q"):
            self._week_state()
        floors = {d: floor_staffing(enc.min_doctors[d]) - enc.fixed_cover[d] for d in enc.dates}
        week_of = {d: week_monday(d) for d in enc.dates}
        moves = 0
        for cid in enc.partners:
            cells = [c.day for c in enc.free_cells(cid) if not c.pinned]
            for _ in range(10 * len(cells) + 1):
                outs, ins = [], []
                for d in cells:
                    k = (cid, week_of[d])
                    if self.x[(cid, d)]:
                        if self.q[k] > self.bounds[k][0] and self.n_day[d] - 1 >= floors[d]:
                            outs.append((self._s5(k, self.q[k] - 1) - self._s5(k, self.q[k]) + self._one_sided(cid, d, -1), d))
                    elif self.q[k] < self.bounds[k][1]:
                        ins.append((self._s5(k, self.q[k] + 1) - self._s5(k, self.q[k]) + self._one_sided(cid, d, 1), d))
                outs.sort()
                ins.sort()
                best = None
                for ga, d1 in outs[:width]:
                    for gb, d2 in ins[:width]:
                        a, b = (cid, week_of[d1]), (cid, week_of[d2])
                        if a == b or ga + gb >= 0:
                            continue
                        delta = (self._s5(a, self.q[a] - 1) - self._s5(a, self.q[a]) + self._s5(b, self.q[b] + 1)
                                 - self._s5(b, self.q[b]) + self._delta_days(cid, d1, d2))
                        if delta < 0 and (best is None or delta < best[0]):
                            best = (delta, a, b, d1, d2)
                if best is None:
                    break
                delta, a, b, d1, d2 = best
                self.apply(cid, d1, d2, delta)
                self.q[a] -= 1
                self.q[b] += 1
                moves += 1
                if deadline is not None and time.monotonic() > deadline:
                    return moves
        return moves

    # -- search -----------------------------------------------------------------------
    def run(self, deadline: float | None = None, max_passes: int = 20) -> int:
        """First-improvement passes over every partner-week until none improves (or the deadline)."""
        enc = self.enc
        weeks = sorted(enc.weeks)
        floors = {d: floor_staffing(enc.min_doctors[d]) - enc.fixed_cover[d] for d in enc.dates}
        moves = 0
        for _ in range(max_passes):
            improved = False
            for cid, monday in weeks:
                days = [d for d in enc.weeks[(cid, monday)].dates if self._open(cid, d)]
                on = [d for d in days if self.x[(cid, d)] and not enc.cells[(cid, d)].pinned]
                off = [d for d in days if not self.x[(cid, d)]]
                for d1 in on:
                    if self.n_day[d1] - 1 < floors[d1]:
                        continue
                    best = None
                    for d2 in off:
                        delta = self.delta(cid, d1, d2)
                        if delta < 0 and (best is None or delta < best[0]):
                            best = (delta, d2)
                    if best is not None:
                        self.apply(cid, d1, best[1], best[0])
                        off.remove(best[1])
                        off.append(d1)
                        moves += 1
                        improved = True
                if deadline is not None and time.monotonic() > deadline:
                    return moves
            if not improved:
                break
        return moves


def improve_days(enc: Encoding, weights: Mapping[str, int], x: Mapping[Key, int], seconds: float = 2.0) -> dict[Key, int]:
    """``x`` improved by :class:`DayMoves` within ``seconds``."""
    ls = DayMoves(enc, weights, x)
    deadline = time.monotonic() + seconds
    ls.run(deadline)
    while time.monotonic() < deadline:
        if not (ls.run_weeks(deadline) + ls.run(deadline)):
            break
    return dict(ls.x)
