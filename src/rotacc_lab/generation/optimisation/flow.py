"""A min-cost-flow relaxation of phase 5: a certified lower bound and a starting rota in milliseconds.

Most of the objective is a sum of convex functions of *counts* along one chain of
choices: a partner's total (S7, S11, S12), its weekly counts (S5), and each day's staffing
(S13, S9), under hard rules that are bounds on those counts (H8, H9, H7, pins H4, and the
open cells H1-H3/H4b). That is a network:

    source -> partner c -> partner-week (c, w) -> day d -> sink      (+ a bypass source -> sink)

with one unit of flow per STANDARD shift: a partner-week -> day arc per open cell
(capacity 1, kept pins forced), convex costs split into parallel arcs of increasing unit
cost, lower bounds (H9 minima, pins, the H7 floor) moved into node supplies. Network
matrices are totally unimodular, so the min-cost flow is integral: it is an optimal rota
for the relaxed objective

    R(x) = S5 + S7 + S9 + S11 + S12 + S13 (weighted) + w3 x sum over one-trainer S3 items of (1 - x)

over every rota meeting H1-H9. The dropped terms (S1, S2, S4, S6, S8, S10, group S3
requirements) are never negative, so ``R(x) <= objective(x)`` for every rota and
``R(flow rota)`` is a lower bound of the phase 5 optimum, computed exactly in integers.
(S8 is dropped because it is not convex; with its default weight 0 nothing is lost.)

The same network with small tie-breaking costs (Mondays to whoever is behind on Mondays,
affinity partners on the same days) gives the starting rota the solver polishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Mapping

from .encoding import Encoding, floor_staffing
from .heuristic import week_bounds
from .penalties import (
    EXP_BUCKETS,
    EXP_WIDTH,
    evaluate,
    exponential_cost,
    s9_gap,
    s13_cost,
    week_targets,
)

__all__ = ["FlowResult", "FlowNetwork", "flow_bound", "flow_rota", "relaxed_value", "RELAXED_TERMS"]

Key = tuple[str, date]

#: the terms the flow represents exactly (S3 only for one-trainer requirements)
RELAXED_TERMS = ("S3", "S5", "S7", "S9", "S11", "S12", "S13")


@dataclass(frozen=True)
class FlowResult:
    """A rota of the flow relaxation and, when solved without tie-breaking, its certified bound."""

    status: str  # "OPTIMAL" | "INFEASIBLE" | another min-cost-flow status name
    x: dict[Key, int] | None
    #: ``R(x)``: a lower bound of the phase 5 objective (only for ``tie_break=False``)
    bound: int | None


class _Net:
    def __init__(self) -> None:
        self.tails: list[int] = []
        self.heads: list[int] = []
        self.caps: list[int] = []
        self.costs: list[int] = []
        self.supply: dict[int, int] = {}
        self.n = 0

    def node(self) -> int:
        self.n += 1
        return self.n - 1

    def arc(self, u: int, v: int, cap: int, cost: int) -> int:
        self.tails.append(u)
        self.heads.append(v)
        self.caps.append(cap)
        self.costs.append(cost)
        return len(self.tails) - 1

    def force(self, u: int, v: int, units: int) -> None:
        """``units`` of flow that must go from ``u`` to ``v`` (a lower bound, moved into the supplies)."""
        if units:
            self.supply[u] = self.supply.get(u, 0) - units
            self.supply[v] = self.supply.get(v, 0) + units

    def convex(self, u: int, v: int, lo: int, hi: int, cost: Callable[[int], int]) -> None:
        """Flow ``k`` in ``[lo, hi]`` on ``u -> v`` costing ``cost(k)`` (convex): ``lo`` forced, the
        rest as parallel arcs of the successive marginal costs (equal ones merged)."""
        self.force(u, v, lo)
        k = lo
        while k < hi:
            step = cost(k + 1) - cost(k)
            run = 1
            while k + run < hi and cost(k + run + 1) - cost(k + run) == step:
                run += 1
            self.arc(u, v, run, step)
            k += run


class FlowNetwork:
    """The network of the module docstring, built once; :meth:`solve` takes extra costs per open cell."""

    def __init__(self, enc: Encoding, weights: Mapping[str, int]):
        import numpy as np

        self.enc = enc
        self.weights = weights
        w = {t: int(weights.get(t, 0)) for t in ("S3", "S5", "S7", "S9", "S11", "S12", "S13")}
        net = _Net()
        source, sink = net.node(), net.node()
        day_node = {d: net.node() for d in enc.dates}
        s5 = {(wt.clinician_id, wt.monday): wt for wt in week_targets(enc)}
        single_trainer: dict[Key, int] = {}
        for req in enc.snapshot.trainer_requirements:
            if len(req.clinician_ids) != 1:
                continue
            cid = req.clinician_ids[0]
            for d in enc.dates:
                if d.weekday() == int(req.weekday) and enc.fixed_work.get((cid, d), 0) == 0:
                    single_trainer[(cid, d)] = single_trainer.get((cid, d), 0) + 1
        total_hi = 0
        cell_arcs: dict[Key, int] = {}
        for cid in enc.partners:
            info = enc.partner_info[cid]
            bounds = week_bounds(enc, cid)
            hi_c = sum(h for _, h in bounds.values())
            total_hi += hi_c
            p_node = net.node()

            def partner_cost(n: int, info=info) -> int:
                a = info.base_tenths + 10 * n
                return (w["S7"] * abs(a - info.target_tenths) + w["S11"] * abs(a - info.fair_tenths)
                        + w["S12"] * exponential_cost(a - info.fair_tenths, EXP_WIDTH, EXP_BUCKETS["S12"]))

            net.convex(source, p_node, 0, hi_c, partner_cost)
            for monday, (lo, hi) in sorted(bounds.items()):
                wk_node = net.node()
                wt = s5.get((cid, monday))

                def week_cost(q: int, wt=wt) -> int:
                    return 0 if wt is None else w["S5"] * abs(10 * (wt.fixed + q) - wt.target)

                net.convex(p_node, wk_node, lo, hi, week_cost)
                for d in enc.weeks[(cid, monday)].dates:
                    cell = enc.cells[(cid, d)]
                    if cell.blocked is not None:
                        continue
                    if cell.pinned:
                        net.force(wk_node, day_node[d], 1)
                    else:
                        cell_arcs[(cid, d)] = net.arc(wk_node, day_node[d], 1, -w["S3"] * single_trainer.get((cid, d), 0))
        open_on = {d: 0 for d in enc.dates}
        for cell in enc.free_cells():
            open_on[cell.day] += 1
        for d in enc.dates:
            fixed, m = enc.fixed_cover[d], enc.min_doctors[d]

            def day_cost(n: int, fixed=fixed, m=m) -> int:
                return w["S13"] * s13_cost(fixed, m, n) + w["S9"] * s9_gap(fixed, m, n)

            net.convex(day_node[d], sink, min(open_on[d], max(0, floor_staffing(m) - fixed)), open_on[d], day_cost)
        net.arc(source, sink, total_hi, 0)
        net.force(source, sink, -total_hi)  # the source offers every possible shift; unused ones bypass
        self.tails = np.array(net.tails, dtype=np.int64)
        self.heads = np.array(net.heads, dtype=np.int64)
        self.caps = np.array(net.caps, dtype=np.int64)
        self.costs = np.array(net.costs, dtype=np.int64)
        nodes = sorted(net.supply)
        self.nodes = np.array(nodes, dtype=np.int64)
        self.supplies = np.array([net.supply[n] for n in nodes], dtype=np.int64)
        self.cell_keys = sorted(cell_arcs)
        self.cell_index = np.array([cell_arcs[k] for k in self.cell_keys], dtype=np.int64)

    def solve(self, cell_costs=None, scale: int = 1) -> tuple[str, dict[Key, int] | None]:
        """Min-cost flow with the costs multiplied by ``scale`` plus ``cell_costs`` (aligned with
        ``cell_keys``) on the cell arcs; ``(status, rota)``."""
        from ortools.graph.python import min_cost_flow

        costs = self.costs * scale
        if cell_costs is not None:
            costs = costs.copy()
            costs[self.cell_index] += cell_costs
        smcf = min_cost_flow.SimpleMinCostFlow()
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, self.caps, costs)
        smcf.set_nodes_supplies(self.nodes, self.supplies)
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            return getattr(status, "name", str(status)), None
        flows = smcf.flows(arcs)[self.cell_index]
        x = {key: int(cell.pinned) for key, cell in self.enc.cells.items()}
        for key, f in zip(self.cell_keys, flows.tolist()):
            x[key] = int(f)
        return "OPTIMAL", x


def flow_bound(enc: Encoding, weights: Mapping[str, int], network: FlowNetwork | None = None) -> FlowResult:
    """The relaxation's optimal rota and ``R`` of it: a certified lower bound of the phase 5 objective."""
    net = network or FlowNetwork(enc, weights)
    status, x = net.solve()
    return FlowResult(status, x, None if x is None else relaxed_value(enc, x, weights))


def flow_rota(enc: Encoding, weights: Mapping[str, int], network: FlowNetwork | None = None) -> dict[Key, int] | None:
    """A starting rota: the relaxation's rota with its Mondays shared out by WTE (S2).

    S2 wants each partner's Mondays in proportion to their WTE-Mondays, which the flow cannot
    count. So the relaxation is solved once; its number of partners on each Monday is kept
    and those places are shared out again by a second, small flow (partners -> Mondays, each
    partner's quota in proportion to their WTE-Mondays, preferring the Mondays the first rota
    gave them); the relaxation is then solved again with these Monday cells fixed, so the
    weekly counts settle around them. ``None`` when the hard rules conflict.
    """
    import numpy as np
    from ortools.graph.python import min_cost_flow

    from .penalties import monday_partners

    net = network or FlowNetwork(enc, weights)
    status, x0 = net.solve()
    if x0 is None:
        return None
    ids = [c for c in monday_partners(enc)]
    if len(ids) < 2:
        return x0
    mondays = sorted({d for d in enc.dates if d.weekday() == 0})
    open_mon = {c: [d for d in mondays if (c, d) in enc.cells and enc.cells[(c, d)].blocked is None] for c in ids}
    places = {d: sum(x0.get((c, d), 0) for c in ids if (c, d) in enc.cells and enc.cells[(c, d)].blocked is None)
              for d in mondays}
    info = enc.partner_info
    total = sum(places.values()) + sum(info[c].fixed_mondays for c in ids)
    total_wm = sum(info[c].wte_mondays for c in ids)
    want = {c: total * info[c].wte_mondays / total_wm - info[c].fixed_mondays for c in ids}
    quota = {c: max(0, min(len(open_mon[c]), int(want[c]))) for c in ids}
    short = sum(places.values()) - sum(quota.values())
    for c in sorted(ids, key=lambda c: want[c] - int(want[c]), reverse=True):
        if short <= 0:
            break
        if quota[c] < len(open_mon[c]):
            quota[c] += 1
            short -= 1
    # partners -> Mondays: fill every place, meet the quotas, keep the first rota's choices where possible
    node = {c: i + 2 for i, c in enumerate(ids)}
    day = {d: len(ids) + 2 + i for i, d in enumerate(mondays)}
    tails, heads, caps, costs, cells = [], [], [], [], []
    big = 1000
    supply = {0: 0, 1: 0}
    for c in ids:
        pins = [d for d in open_mon[c] if enc.cells[(c, d)].pinned]
        tails += [0, 0]
        heads += [node[c], node[c]]
        caps += [max(0, quota[c] - len(pins)), len(open_mon[c])]
        costs += [-big, big]
        for d in open_mon[c]:
            if enc.cells[(c, d)].pinned:
                supply[node[c]] = supply.get(node[c], 0) + 1
                supply[day[d]] = supply.get(day[d], 0) - 1
                continue
            cells.append((len(tails), (c, d)))
            tails.append(node[c])
            heads.append(day[d])
            caps.append(1)
            costs.append(-1 if x0.get((c, d)) else 0)
    for d in mondays:
        pinned = sum(1 for c in ids if (c, d) in enc.cells and enc.cells[(c, d)].pinned)
        tails += [day[d], day[d]]
        heads += [1, 1]
        caps += [max(0, places[d] - pinned), len(ids)]
        costs += [-100 * big, 100 * big]
    n_units = sum(len(v) for v in open_mon.values())
    tails.append(0)
    heads.append(1)
    caps.append(n_units)
    costs.append(0)
    supply[0] += n_units
    supply[1] -= n_units
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(*(np.array(v, dtype=np.int64) for v in (tails, heads, caps, costs)))
    nodes = sorted(supply)
    smcf.set_nodes_supplies(np.array(nodes, dtype=np.int64), np.array([supply[n] for n in nodes], dtype=np.int64))
    if smcf.solve() != smcf.OPTIMAL:
        return x0
    flows = smcf.flows(arcs)
    chosen = {key for i, key in cells if flows[i]}
    # the relaxation again, Monday cells fixed to the shared-out places, group trainer days and
    # affinity days priced (S3 groups, S4), twice so the affinity prices follow the rota
    extra = np.zeros(len(net.cell_keys), dtype=np.int64)
    index = {key: i for i, key in enumerate(net.cell_keys)}
    fix = 10**7
    for i, (c, d) in enumerate(net.cell_keys):
        if d.weekday() == 0 and c in node:
            extra[i] = -fix if (c, d) in chosen else fix
    extra -= _group_trainer_prices(enc, weights, index)
    x = x0
    for _ in range(2):
        status, got = net.solve(extra - _affinity_prices(enc, weights, index, x))
        if got is None:
            break
        x = got
    return x


def _group_trainer_prices(enc: Encoding, weights: Mapping[str, int], index: Mapping[Key, int]):
    """S3 for a group requirement is met by any one member: each required day, the member with an
    open cell who has the most open cells on that weekday is priced ``-w3`` (rotating among ties)."""
    import numpy as np

    out = np.zeros(len(index), dtype=np.int64)
    w3 = int(weights.get("S3", 0))
    for req in enc.snapshot.trainer_requirements:
        if len(req.clinician_ids) < 2 or not w3:
            continue
        days = [d for d in enc.dates if d.weekday() == int(req.weekday)]
        for i, d in enumerate(days):
            if any(enc.fixed_work.get((c, d), 0) and (c, d) not in index for c in req.clinician_ids):
                continue
            members = [c for c in req.clinician_ids if (c, d) in index]
            if members:
                out[index[(members[i % len(members)], d)]] += w3
    return out


def _affinity_prices(enc: Encoding, weights: Mapping[str, int], index: Mapping[Key, int], x: Mapping[Key, int]):
    """S4: a partner of an affinity pair is priced ``-w4`` on the days the other one works in ``x``."""
    import numpy as np

    out = np.zeros(len(index), dtype=np.int64)
    w4 = int(weights.get("S4", 0))
    for pair in enc.snapshot.affinity_pairs:
        for c, other in ((pair.clinician_a, pair.clinician_b), (pair.clinician_b, pair.clinician_a)):
            for d in enc.dates:
                i = index.get((c, d))
                if i is not None and x.get((other, d), enc.fixed_work.get((other, d), 0)):
                    out[i] += w4
    return out


def relaxed_value(enc: Encoding, x: Mapping[Key, int], weights: Mapping[str, int]) -> int:
    """``R(x)`` of the module docstring: the relaxed terms' weighted penalties (S3 one-trainer items only)."""
    items = evaluate(enc, x, [t for t in RELAXED_TERMS if weights.get(t, 0) > 0])
    total = 0
    for term, its in items.items():
        if term == "S3":  # one-trainer requirements name their clinician; group ones do not
            its = [i for i in its if i.clinician_id is not None]
        total += int(weights[term]) * sum(i.value for i in its)
    return total

