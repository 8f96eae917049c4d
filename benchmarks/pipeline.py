"""Benchmark: the generation pipeline (``plan``) over 52 weeks for 10, 20 and 40 clinicians.

Each size runs in its own child process so peak RSS (``resource.getrusage``) is
per size. The practice comes from ``rotacc_lab.synth.synthetic_practice``
(``n`` partners plus 3 salaried doctors and the FY/ST/locum doctors it adds;
"clinicians" below is the partner count). Wall time is reported per phase, as
measured by ``plan`` itself; phase 5 runs with ``--time-limit`` seconds (skip it
with ``--no-phase5``). No assertions.

Usage::

    .venv/bin/python benchmarks/pipeline.py [--sizes 10,20,40] [--time-limit 20] [--workers 0] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

START = date(2026, 1, 5)
WEEKS = 52


def run_one(n: int, time_limit: float, workers: int, phase5: bool, seed: int) -> dict:
    """Synthesise a practice of ``n`` partners and time ``plan`` on it (in this process)."""
    from rotacc_lab.domain import OptimiserSettings
    from rotacc_lab.generation.pipeline import plan
    from rotacc_lab.synth import synthetic_practice

    t0 = time.perf_counter()
    snap = synthetic_practice(n, 3, start=START, weeks=WEEKS, seed=seed)
    synth_s = time.perf_counter() - t0
    end = START + timedelta(days=7 * WEEKS - 1)
    phases = (1, 2, 3, 4, 5, 6) if phase5 else (1, 2, 3, 4, 6)
    opt = OptimiserSettings(time_limit_seconds=time_limit, num_workers=workers, seed=seed)
    t0 = time.perf_counter()
    p = plan(snap, START, end, phases=phases, seed=seed, optimiser=opt)
    total = time.perf_counter() - t0
    rep = p.solve_report
    row = {
        "clinicians": n,
        "all_clinicians": len(snap.clinicians),
        "weeks": WEEKS,
        "synth_s": round(synth_s, 3),
        **{f"phase{k}_s": p.stats.get(f"phase{k}", {}).get("wall_s") for k in range(1, 7)},
        "plan_s": round(total, 3),
        "created": len(p.creates),
        "converted": len(p.updates) + sum(1 for s in p.creates if s.shift_type.value == "DUTY"),
        "alerts": len(p.alerts),
        "phase5_status": getattr(rep, "status", "skipped"),
        "phase5_gap": getattr(rep, "gap", None),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,20,40", help="partner counts, comma separated")
    ap.add_argument("--time-limit", type=float, default=20.0, help="phase 5 time limit (s)")
    ap.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0 = automatic)")
    ap.add_argument("--no-phase5", action="store_true", help="run phases 1-4 and 6 only")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: one size, JSON out
    args = ap.parse_args()

    if args.one is not None:
        print(json.dumps(run_one(args.one, args.time_limit, args.workers, not args.no_phase5, args.seed)))
        return

    rows = []
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        cmd = [sys.executable, __file__, "--one", str(n), "--time-limit", str(args.time_limit),
               "--workers", str(args.workers), "--seed", str(args.seed)]
        if args.no_phase5:
            cmd.append("--no-phase5")
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:  # e.g. phase 5 found no solution in the time limit: report, carry on
            last = (out.stderr.strip().splitlines() or ["?"])[-1]
            row = {"clinicians": n, "error": last[:200]}
        else:
            row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
    if args.json:
        return
    cols = [("clinicians", "partners"), ("all_clinicians", "all"), ("phase1_s", "p1 s"), ("phase2_s", "p2 s"),
            ("phase3_s", "p3 s"), ("phase4_s", "p4 s"), ("phase5_s", "p5 s"), ("phase6_s", "p6 s"),
            ("plan_s", "plan s"), ("created", "created"), ("alerts", "alerts"), ("phase5_status", "p5 status"),
            ("phase5_gap", "p5 gap"), ("peak_rss_mb", "peak RSS MB")]

    def cell(v) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.3f}"
        return str(v)

    table = [[h for _, h in cols]] + [[cell(r.get(k)) for k, _ in cols] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(cols))]
    print(f"generation pipeline, {WEEKS} weeks from {START}, phase 5 time limit {args.time_limit:g} s")
    for i, line in enumerate(table):
        print("  ".join(c.rjust(w) for c, w in zip(line, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if "error" in r:
            print(f"{r['clinicians']} partners failed: {r['error']}")


if __name__ == "__main__":
    main()
