"""Benchmark of the phase 5 CP-SAT optimiser on realistic generated practices.

Each size runs in its own subprocess so peak RSS is clean. The starting rota is the
output of phases 1-4 (``generation.pipeline.plan(phases=(1, 2, 3, 4))``) when the
pipeline is available, otherwise empty.

    .venv/bin/python benchmarks/optimiser.py                 # table: 10, 20, 40 partners x 52 weeks
    .venv/bin/python benchmarks/optimiser.py --json          # one JSON object per line
    .venv/bin/python benchmarks/optimiser.py --sizes 20 --time-limit 10 --workers 0

JSON keys: partners, weeks, status, objective, bound, gap, wall_s, peak_rss_mb
(plus hint, mode, workers, time_limit, n_variables, n_constraints, prep_s).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date

START = date(2026, 1, 5)


def _one(partners: int, weeks: int, time_limit: float, workers: int, seed: int, reproducible: bool) -> dict:
    from rotacc_lab.domain import OptimiserSettings
    from rotacc_lab.generation.optimisation import optimise
    from rotacc_lab.synth import range_end, synthetic_practice

    t0 = time.perf_counter()
    snap = synthetic_practice(partners, max(2, partners // 4), start=START, weeks=weeks, seed=seed)
    end = range_end(START, weeks)
    try:
        from rotacc_lab.generation.pipeline import plan

        ledger = dict(plan(snap, START, end, phases=(1, 2, 3, 4)).ledger.shifts)
        hint = "phases 1-4"
    except ImportError:
        ledger = {(s.clinician_id, s.date): s for s in snap.shifts}
        hint = "empty"
    prep = time.perf_counter() - t0
    settings = OptimiserSettings(time_limit_seconds=time_limit, num_workers=workers, seed=seed)
    res = optimise(snap, START, end, ledger, settings=settings, reproducible=reproducible)
    rep = res.report
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "partners": partners,
        "weeks": weeks,
        "status": rep.status,
        "objective": rep.objective,
        "bound": rep.best_bound,
        "gap": None if rep.gap is None else round(rep.gap, 4),
        "wall_s": round(rep.wall_s, 2),
        "peak_rss_mb": round(rss, 1),
        "hint": hint,
        "mode": rep.mode,
        "workers": rep.workers,
        "time_limit": time_limit,
        "n_variables": rep.n_variables,
        "n_constraints": rep.n_constraints,
        "prep_s": round(prep, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40], help="numbers of partners")
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=0, help="0 = CP-SAT's choice")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reproducible", action="store_true", help="one worker, deterministic time limit")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.one is not None:
        print(json.dumps(_one(args.one, args.weeks, args.time_limit, args.workers, args.seed, args.reproducible)))
        return 0

    rows = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--weeks", str(args.weeks), "--time-limit", str(args.time_limit),
               "--workers", str(args.workers), "--seed", str(args.seed)] + (["--reproducible"] if args.reproducible else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
    if not args.json:
        head = f"{'partners':>8} {'weeks':>5} {'status':>9} {'objective':>12} {'bound':>12} {'gap':>7} {'wall_s':>7} {'rss_MB':>7} {'vars':>6}  hint"
        print(head)
        print("-" * len(head))
        for r in rows:
            gap = "-" if r["gap"] is None else f"{100 * r['gap']:.2f}%"
            obj = "-" if r["objective"] is None else f"{r['objective']:.0f}"
            bnd = "-" if r["bound"] is None else f"{r['bound']:.0f}"
            print(f"{r['partners']:>8} {r['weeks']:>5} {r['status']:>9} {obj:>12} {bnd:>12} {gap:>7} {r['wall_s']:>7} "
                  f"{r['peak_rss_mb']:>7} {r['n_variables']:>6}  {r['hint']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
