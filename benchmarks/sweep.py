"""Benchmark: a 32-task sweep of the demo practice, serial vs a 2-worker Dask LocalCluster.

The grid is 4 weight settings x 8 seeds over a ``--weeks``-week range (default 4,
from 2026-03-02) of the demo practice (``data/demo`` imported into a temporary
workspace), each task a full six-phase ``plan`` (reproducible CP-SAT: one worker,
fixed seed, deterministic ``--time-limit``) plus the report metrics.

Both modes are timed warm: the serial run after one warm-up task in this process
(imports: polars, altair, ortools, holidays), the Dask run after the cluster has
started and every worker has imported the same modules. Cluster start-up is
reported separately. The two result tables are compared (minus timing columns)
to show the parallel run computed the same thing. No assertions.

``ratio`` = serial_s / parallel_s (the speed-up; 2 workers can give at most 2 on an
idle 2-core machine).

Usage::

    .venv/bin/python benchmarks/sweep.py [--weeks 4] [--seeds 8] [--workers 2] [--time-limit 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

START = date(2026, 3, 2)
WEIGHTS = {
    "workspace": {},
    "monday_fairness": {"S2": 400},
    "report_fairness": {"S11": 2000, "S12": 300},
    "target_first": {"S7": 3000, "S11": 100},
}


def _warm() -> None:
    """Import what a task needs (run in the driver and on every worker before timing)."""
    import rotacc_lab.generation.optimisation  # noqa: F401
    import rotacc_lab.generation.pipeline  # noqa: F401
    import rotacc_lab.reports  # noqa: F401
    from rotacc_lab.calendar import bank_holidays
    from rotacc_lab.domain import UKNation

    bank_holidays(UKNation.ENGLAND, range(2025, 2028))


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    from rotacc_lab.commands.demo import demo_folder
    from rotacc_lab.scale import comparable, run_sweep, run_task
    from rotacc_lab.scale.spec import SweepSpec
    from rotacc_lab.scale.tasks import pack_snapshot
    from rotacc_lab.store import Workspace, import_source

    with tempfile.TemporaryDirectory(prefix="rotacc-sweep-bench-") as tmp:
        ws = Path(tmp) / "demo.duckdb"
        import_source(ws, demo_folder(), actor="bench")
        spec = SweepSpec(
            workspaces=(ws,),
            start=START,
            end=START + timedelta(days=7 * args.weeks - 1),
            seeds=tuple(range(args.seeds)),
            time_limit_seconds=args.time_limit,
            weights=WEIGHTS,
        )
        n = len(spec.tasks())

        _warm()
        first = spec.tasks()[0]
        t0 = time.perf_counter()
        run_task(pack_snapshot(Workspace.open(ws, read_only=True).load_snapshot()), replace(first, task_id=-1))
        warmup_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        serial = run_sweep(spec, serial=True, progress=False)
        serial_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=40) as cluster, Client(cluster) as client:
            client.run(_warm)
            startup_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            parallel = run_sweep(spec, client=client, progress=False)
            parallel_s = time.perf_counter() - t0

    same = comparable(serial.results).equals(comparable(parallel.results))
    ratio = serial_s / parallel_s if parallel_s else float("nan")
    if args.json:
        print(json.dumps({"scenarios": n, "workers": args.workers, "serial_s": round(serial_s, 2),
                          "parallel_s": round(parallel_s, 2), "ratio": round(ratio, 2)}))
        return
    ok = serial.results.filter(serial.results["status"] == "ok")
    print(f"sweep benchmark: demo practice, {args.weeks} weeks from {START}, {len(WEIGHTS)} weight settings x "
          f"{args.seeds} seeds = {n} tasks, reproducible CP-SAT (deterministic limit {args.time_limit:g})")
    print(f"{'mode':<10} {'workers':>7} {'wall s':>8} {'tasks/min':>10} {'s/task':>8}")
    for mode, w, s in (("serial", 1, serial_s), ("dask", args.workers, parallel_s)):
        print(f"{mode:<10} {w:>7} {s:>8.1f} {60 * n / s:>10.1f} {s / n:>8.2f}")
    print(f"ratio (serial/parallel): {ratio:.2f}; cluster start-up + worker warm-up {startup_s:.1f} s; "
          f"driver warm-up task {warmup_s:.1f} s")
    print(f"tasks ok: {ok.height}/{n}; solve status: {dict(ok['solve_status'].value_counts().iter_rows())}; "
          f"mean solve wall {ok['solve_wall_s'].mean():.2f} s; serial == parallel results: {same}")
    print(f"peak RSS: driver {_rss_mb(resource.RUSAGE_SELF):.0f} MB, largest child {_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    with open("/proc/loadavg") as fh:
        print(f"load average at the end: {fh.read().split()[0]} (the machine is shared; wall times are noisy)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
