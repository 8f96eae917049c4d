"""Leave approval as a check, not a rule list (issue 16 item 4).

The paper gives several contradictory lists of auto-approval rules; none is copied.
Instead :func:`check_leave` re-solves the cover of the weeks a request touches twice,
without and with the request, and approves it only when the cover with it has no
shortfall (no post short, no skill mix missing) and costs at most ``max_extra_pence``
more. Anything else is left for a manager (recorded as PENDING), with the reason.

*Choices.* The window is the whole weeks (Monday to Sunday) that hold the request, at
most 8 weeks (a longer request is checked in parts). The extra cost is the difference
of the two plans' objectives (bank pay, uplift, overtime, agency and the penalties;
permanent staff's contracted pay is paid whatever the rota, so it is not part of it).
Both solves run in the reproducible mode with the same seed and limit, so the same
request on the same provider gets the same answer; with a short limit the figures are
those of the plans found, not proven optima, and the check says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from .cover import CoverProblem, evaluate_cover, solve_cover, solve_cover_by_home
from .model import Leave, LeaveKind, LeaveStatus, Provider

#: the longest request checked in one go, in weeks
MAX_WEEKS = 8


@dataclass(frozen=True)
class LeaveCheck:
    request: Leave
    start: date
    days: int
    objective_before: int  # pence
    objective_after: int
    short_before: int  # people missing over the window (posts and skill mix)
    short_after: int
    max_extra_pence: int
    proven: bool  # both solves proved their optimum

    @property
    def extra_pence(self) -> int:
        return self.objective_after - self.objective_before

    @property
    def approved(self) -> bool:
        return self.short_after == 0 and self.extra_pence <= self.max_extra_pence

    def reasons(self) -> list[str]:
        out = []
        if self.short_after:
            already = f" (already {self.short_before} without it)" if self.short_before else ""
            out.append(f"with the leave the cover is short by {self.short_after} people over "
                       f"{self.start} to {self.start + timedelta(days=self.days - 1)}{already}")
        if self.extra_pence > self.max_extra_pence:
            out.append(f"covering it costs £{self.extra_pence / 100:,.2f} more, above the limit of "
                       f"£{self.max_extra_pence / 100:,.2f}")
        if not out:
            out.append(f"the cover stays without shortfall and costs £{self.extra_pence / 100:,.2f} more "
                       f"(limit £{self.max_extra_pence / 100:,.2f})")
        if not self.proven:
            out.append("the plans compared were the best found in the time limit, not proven optima")
        return out


def request_window(start: date, end: date) -> tuple[date, int]:
    """The whole weeks holding ``[start, end]``: (Monday, days)."""
    monday = start - timedelta(days=start.weekday())
    days = 7 * (((end - monday).days // 7) + 1)
    return monday, days


def check_leave(provider: Provider, staff_id: str, start: date, end: date, kind: LeaveKind = LeaveKind.ANNUAL, *,
                max_extra_pence: int = 0, time_limit: float = 10.0, seed: int = 0,
                method: str = "by-home") -> LeaveCheck:
    """Re-solve the cover without and with the request; see the module docstring."""
    if staff_id not in {s.staff_id for s in provider.staff}:
        raise ValueError(f"staff: {staff_id!r} is not one of the provider's staff")
    if end < start:
        raise ValueError(f"end: {end} is before start {start}; give end >= start")
    if isinstance(max_extra_pence, bool) or not isinstance(max_extra_pence, int) or max_extra_pence < 0:
        raise ValueError(f"max extra cost: {max_extra_pence!r} must be a whole number of pence, 0 or more")
    if method not in ("by-home", "whole"):
        raise ValueError(f"method: {method!r} is not one of by-home, whole")
    monday, days = request_window(start, end)
    if days > 7 * MAX_WEEKS:
        raise ValueError(f"leave {start} to {end} spans {days // 7} weeks; check at most {MAX_WEEKS} weeks at a "
                         "time (split the request)")
    request = Leave(staff_id, start, end, kind, LeaveStatus.APPROVED)
    solve = solve_cover_by_home if method == "by-home" else solve_cover
    results = []
    for p in (provider, replace(provider, leave=(*provider.leave, request))):
        problem = CoverProblem(p, monday, days)
        plan, _ = solve(problem, time_limit=time_limit, seed=seed, workers=1)
        cost = evaluate_cover(problem, plan)
        results.append((cost.total, sum(plan.shortfall.values()) + sum(plan.mix_short.values()),
                        plan.status == "OPTIMAL"))
    (b_cost, b_short, b_ok), (a_cost, a_short, a_ok) = results
    return LeaveCheck(replace(request, status=LeaveStatus.PENDING), monday, days, b_cost, a_cost, b_short, a_short,
                      max_extra_pence, b_ok and a_ok)
