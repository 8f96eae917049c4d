"""Phase 5 infeasibility, explained in words a rota lead understands.

The hard rules are rebuilt with one enforcement literal per group -- (rule, clinician,
week) for H1/H2/H4b/H8/H9, (H3, clinician, weekday), (H7, day) -- and solved with all
literals as assumptions. CP-SAT returns a sufficient subset of assumptions that cannot
hold together; a short deletion pass makes it minimal where time allows, and each group
of the subset is described with the facts behind it (leave days, bank holidays, the
weekly maximum, who is unavailable on a short day).
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

from ortools.sat.python import cp_model

from ...calendar import week_monday
from ...domain import Weekday
from .constraints import Group, ModelContext, add_hard_constraints, assignable_days
from .encoding import Encoding, floor_staffing
from .rules import BLOCKING_RULES, h4_pinned

__all__ = ["explain_infeasibility", "describe_group"]

_ORDER = {"H7": 0, "H9": 1, "H8": 2, "H2": 3, "H3": 4, "H4b": 5, "H1": 6, "H4": 7}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _week_reasons(enc: Encoding, cid: str, monday: date) -> list[str]:
    """Why days of the partner's week are not assignable, e.g. ``2 days of annual leave``, ``a bank holiday``."""
    wk = enc.weeks[(cid, monday)]
    reasons: Counter[str] = Counter()
    for d in wk.dates:
        cell = enc.cells[(cid, d)]
        if cell.blocked is not None:
            reasons[cell.reason] += 1
    out = [f"{_plural(n, 'day')} of {r}" if not r.startswith("cannot") else f"{r} ({_plural(n, 'day')})" for r, n in sorted(reasons.items())]
    n_bh = sum(1 for d in enc.bank_holidays if week_monday(d) == monday)
    if n_bh:
        out.append("a bank holiday" if n_bh == 1 else f"{n_bh} bank holidays")
    return out


def describe_group(enc: Encoding, group: Group, core: set[Group] | None = None) -> str:
    """One sentence for one group of hard rules."""
    rule, cid, key = group
    core = core or set()
    name = enc.name(cid) if cid else ""
    if rule == "H7":
        d: date = key  # type: ignore[assignment]
        m = enc.min_doctors[d]
        free = [c for (c, dd), cell in enc.cells.items() if dd == d and cell.blocked is None]
        away = sorted(
            (enc.name(c), cell.reason) for (c, dd), cell in enc.cells.items() if dd == d and cell.blocked is not None and cell.reason != "DUTY shift"
        )
        limited = sorted(enc.name(c) for c in free if ("H8", c, week_monday(d)) in core)
        parts = [
            f"{Weekday(d.weekday()).label} {d}: at least {floor_staffing(m)} doctors are needed "
            f"(66 % of the minimum of {m}), but only {enc.fixed_cover[d]} fixed doctor(s) and "
            f"{len(free)} partner(s) are available"
        ]
        if limited:
            parts.append(f"of whom {', '.join(limited)} already reach their weekly maximum")
        if away:
            parts.append("unavailable: " + ", ".join(f"{n} ({r})" for n, r in away))
        return "; ".join(parts)
    if rule in ("H8", "H9"):
        monday: date = key  # type: ignore[assignment]
        wk = enc.weeks[(cid, monday)]
        if rule == "H8":
            return (
                f"week of {monday}: {name} may work at most {wk.maximum} shifts that week"
                + (f" ({wk.fixed_count} already fixed)" if wk.fixed_count else "")
            )
        reasons = _week_reasons(enc, cid, monday)
        text = (
            f"week of {monday}: {name}'s minimum of {wk.minimum} shifts cannot be met"
            f" ({assignable_days(enc, cid, monday)} assignable day(s)"
            + (f", {wk.fixed_count} fixed shift(s)" if wk.fixed_count else "")
            + ")"
        )
        extra = list(reasons)
        if ("H8", cid, monday) in core and wk.maximum is not None:
            extra.append(f"the weekly maximum of {wk.maximum}")
        return text + (": " + " and ".join(extra) if extra else "")
    if rule == "H3":
        return f"{name} cannot work on {Weekday(key).label}s"  # type: ignore[arg-type]
    monday = key  # type: ignore[assignment]
    if rule == "H4":
        days = sorted(d for (c, d), cell in enc.cells.items() if c == cid and week_monday(d) == monday and h4_pinned(cell))
        return f"week of {monday}: {name} has pinned shifts on {', '.join(str(d) for d in days)}"
    decides = BLOCKING_RULES[rule]
    why = {d: decides(cell) for (c, d), cell in enc.cells.items() if c == cid and week_monday(d) == monday}
    days = sorted(d for d, r in why.items() if r)
    what = Counter(why[d] for d in days)
    listing = ", ".join(str(d) for d in days)
    if rule == "H2":
        return f"week of {monday}: {name} is on {' / '.join(sorted(what))} on {listing}"
    return f"week of {monday}: {name} already has a {' / '.join(sorted(what))} on {listing}"


def _solve_with(model: cp_model.CpModel, lits: list, seconds: float) -> tuple[int, cp_model.CpSolver]:
    model.clear_assumptions()
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False  # Ctrl-C belongs to the caller
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    return solver.solve(model), solver


def explain_infeasibility(enc: Encoding, time_limit: float = 20.0) -> list[str]:
    """Sentences naming a (near-)minimal set of conflicting hard rules; never empty."""
    t0 = time.monotonic()
    ctx = ModelContext(enc, explain=True)
    add_hard_constraints(ctx)
    groups = list(ctx.group_literals)
    lits = [ctx.group_literals[g] for g in groups]
    by_index = {ctx.group_literals[g].index: g for g in groups}
    status, solver = _solve_with(ctx.model, lits, time_limit / 2)
    if status != cp_model.INFEASIBLE:
        return [
            "the solver could not find a rota that meets every hard rule within the time limit, "
            "but no conflict between the rules could be isolated; try a longer time limit"
        ]
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    # deletion pass: drop each group whose removal keeps the rest infeasible
    i = 0
    while i < len(core) and time.monotonic() - t0 < time_limit and len(core) > 1:
        trial = core[:i] + core[i + 1 :]
        st, sv = _solve_with(ctx.model, [ctx.group_literals[g] for g in trial], min(2.0, time_limit - (time.monotonic() - t0)))
        if st == cp_model.INFEASIBLE:
            sub = {by_index[j] for j in sv.sufficient_assumptions_for_infeasibility()}
            core = [g for g in trial if g in sub] or trial
        else:
            i += 1
    core_set = set(core)
    core.sort(key=lambda g: (_ORDER.get(g[0], 9), str(g[1]), str(g[2])))
    lines = ["the hard rules cannot all hold; this set of rules conflicts:"]
    lines += [f"{g[0]} {describe_group(enc, g, core_set)}" for g in core]
    return lines
