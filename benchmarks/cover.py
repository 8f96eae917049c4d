"""The care-home cover model on the demo provider (issue 16). Prints a table.

For each horizon (7, 14 and 28 days from the demo's start) and each mode: the greedy
fill's objective, CP-SAT's objective, bound and gap, the status, wall time, peak RSS,
the saving against the greedy, agency and short posts, and the independent checker's
violations (must be 0). ``uptime``'s load average is printed with it.

    .venv/bin/python benchmarks/cover.py [--days 7 14 28] [--time-limit 30] [--workers 1 2] [--method by-home whole]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
from pathlib import Path

from rotacc_lab.carehomes.cover import (CoverProblem, evaluate_cover, gaps, plan_problems, solve_cover,
                                        solve_cover_by_home)
from rotacc_lab.commands.carehomes import demo_provider_folder
from rotacc_lab.store.provider_io import import_provider, load_provider


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, nargs="+", default=[7, 14, 28])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[8, 1])
    ap.add_argument("--method", nargs="+", default=["by-home", "whole"], choices=["by-home", "whole"],
                    help="by-home: one model per home then the whole polished from it; whole: one model")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "demo-provider.duckdb"
        import_provider(ws, demo_provider_folder(), actor="bench")
        p = load_provider(ws)
        print(f"load average {os.getloadavg()[0]:.1f}; {len(p.staff)} staff, {len(p.units)} units; "
              f"time limit {args.time_limit:g} s")
        head = ["days", "method", "workers", "status", "wall s", "greedy £", "cp-sat £", "bound £", "gap %", "saving %",
                "agency", "short", "violations", "peak RSS MB"]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for days, method, workers in ((d, m, w) for d in args.days for m in args.method for w in args.workers):
            problem = CoverProblem(p, p.settings.horizon_start, days)
            solve = solve_cover_by_home if method == "by-home" else solve_cover
            plan, greedy = solve(problem, time_limit=args.time_limit, workers=workers)
            c, g = evaluate_cover(problem, plan), evaluate_cover(problem, greedy)
            gs = gaps(problem, plan)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            row = [days, method, workers, plan.status, f"{plan.wall_seconds:.1f}", f"{g.total / 100:,.0f}",
                   f"{c.total / 100:,.0f}", f"{(plan.bound_centipence or 0) / 10000:,.0f}", plan.gap_percent,
                   f"{100 * (g.total - c.total) / max(g.total, 1):.1f}", sum(x.agency for x in gs),
                   sum(x.shortfall for x in gs), len(plan_problems(problem, plan)), f"{rss:.0f}"]
            print("| " + " | ".join(str(x) for x in row) + " |", flush=True)


if __name__ == "__main__":
    main()
