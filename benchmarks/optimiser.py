"""Benchmark of the phase 5 optimiser on realistic generated practices and on the demo practice.

Each case runs in its own subprocess so peak RSS is clean. For the synthetic practices the
starting rota is the output of phases 1-4 (``generation.pipeline.plan(phases=(1, 2, 3, 4))``);
the demo cases run the real ``rotacc-lab generate`` (year) and ``plan`` (quarter) end to end.

    .venv/bin/python benchmarks/optimiser.py                   # the target table (parallel mode)
    .venv/bin/python benchmarks/optimiser.py --reproducible    # same cases, one worker, deterministic limits
    .venv/bin/python benchmarks/optimiser.py --cases 20 --time-limit 10 --gap-limit 0
    .venv/bin/python benchmarks/optimiser.py --json            # one JSON object per line

Columns: status, objective, bound (certified; its source), gap, wall (phase 5 for the
synthetic cases, end to end for the demo), CP-SAT deterministic time, peak RSS, and
``to_best`` = (objective - best known) / best known against ``benchmarks/reference_objectives.json``
(how those were obtained is written there). ``load`` is the 1-minute load average when the case
started: the machine is shared, so read every wall time with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

START = date(2026, 1, 5)
HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference_objectives.json"

#: case -> (time limit s, gap limit, the target in words)
CASES = {
    "10": (3.0, 0.0, "OPTIMAL within 3 s"),
    "20": (10.0, 0.0, "OPTIMAL within 10 s"),
    "40": (10.0, 0.001, "gap <= 0.5 % within 10 s"),
    "80": (30.0, 0.001, "gap <= 2 % within 30 s, RSS <= 1 GB"),
    "demo-year": (None, None, "generate <= 10 s, phase 5 OPTIMAL or gap <= 0.5 %"),
    "demo-quarter": (None, None, "quarter replan <= 2 s"),
}


def synthetic(partners: int, weeks: int = 52, seed: int = 0):
    """The benchmark practice with ``partners`` partners and its phases 1-4 rota: ``(snap, end, ledger)``."""
    from rotacc_lab.generation.pipeline import plan
    from rotacc_lab.synth import range_end, synthetic_practice

    snap = synthetic_practice(partners, max(2, partners // 4), start=START, weeks=weeks, seed=seed)
    end = range_end(START, weeks)
    ledger = dict(plan(snap, START, end, phases=(1, 2, 3, 4)).ledger.shifts)
    return snap, end, ledger


def _report_row(rep) -> dict:
    return {
        "status": rep.status,
        "objective": rep.objective,
        "bound": rep.best_bound,
        "bound_source": rep.bound_source,
        "gap": None if rep.gap is None else round(rep.gap, 6),
        "stop": rep.stop_reason,
        "det_s": round(rep.deterministic_time, 2),
        "mode": rep.mode,
        "workers": rep.workers,
        "n_variables": rep.n_variables,
        "stages": [(s["stage"], s["wall_s"]) for s in rep.stages],
    }


def _synthetic_case(partners: int, time_limit: float, gap_limit: float, workers: int, seed: int, reproducible: bool) -> dict:
    from rotacc_lab.domain import OptimiserSettings
    from rotacc_lab.generation.optimisation import optimise

    snap, end, ledger = synthetic(partners, seed=seed)
    settings = OptimiserSettings(time_limit_seconds=time_limit, num_workers=workers, seed=seed,
                                 relative_gap_limit=gap_limit)
    t0 = time.perf_counter()
    res = optimise(snap, START, end, ledger, settings=settings, reproducible=reproducible)
    wall = time.perf_counter() - t0
    return {"wall_s": round(wall, 2), "time_limit": time_limit, "gap_limit": gap_limit, **_report_row(res.report)}


def _demo_year(reproducible: bool) -> dict:
    """``rotacc-lab generate`` for the demo year on a fresh workspace, timed end to end (CLI start-up
    included); the phase 5 figures come from the run record."""
    from rotacc_lab.commands.demo import DEMO_END, DEMO_START, demo_folder
    from rotacc_lab.store import Workspace, import_source

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "demo.duckdb"
        import_source(ws, demo_folder(), actor="bench")
        if reproducible:
            from dataclasses import replace

            w = Workspace.open(ws)
            s = w.load_settings()
            w.save_settings(replace(s, optimiser=replace(s.optimiser, num_workers=1)), actor="bench")
        exe = Path(sys.executable).with_name("rotacc-lab")
        cmd = [str(exe), "generate", str(ws), "--start", DEMO_START.isoformat(), "--end", DEMO_END.isoformat(),
               "--overwrite", "--today", DEMO_START.isoformat(), "--no-progress"]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if out.returncode != 0:
            return {"status": "ERROR", "wall_s": round(wall, 2), "error": out.stderr.strip()[-400:]}
        runs = Workspace.open(ws, read_only=True).list_runs()
        stats = runs[-1].get("stats") or {}
        p5 = stats.get("phase5", {}) if isinstance(stats, dict) else {}
        return {"wall_s": round(wall, 2), "status": p5.get("status"), "objective": p5.get("objective"),
                "bound": p5.get("bound"), "gap": p5.get("gap"), "det_s": p5.get("deterministic_time", "-"),
                "bound_source": p5.get("bound_source")}


def _demo_quarter(reproducible: bool) -> dict:
    """A what-if style replan of the demo's second quarter with ``plan`` (what-ifs and sweeps call it)."""
    from rotacc_lab.commands.demo import demo_folder
    from rotacc_lab.generation.pipeline import plan
    from rotacc_lab.store import Workspace, import_source

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "demo.duckdb"
        import_source(ws, demo_folder(), actor="bench")
        snap = Workspace.open(ws, read_only=True).load_snapshot()
    opt = snap.settings.optimiser
    if reproducible:
        from dataclasses import replace

        opt = replace(opt, num_workers=1)
    t0 = time.perf_counter()
    p = plan(snap, date(2026, 4, 6), date(2026, 6, 28), overwrite=True, optimiser=opt, keep_before=date(2026, 4, 6))
    wall = time.perf_counter() - t0
    return {"wall_s": round(wall, 2), **_report_row(p.solve_report)}


def run_case(case: str, args) -> dict:
    limit, gap, target = CASES.get(case, (args.time_limit or 10.0, args.gap_limit, ""))
    if args.time_limit is not None:
        limit = args.time_limit
    if args.gap_limit is not None:
        gap = args.gap_limit
    load = os.getloadavg()[0]
    if case == "demo-year":
        row = _demo_year(args.reproducible)
    elif case == "demo-quarter":
        row = _demo_quarter(args.reproducible)
    else:
        workers = 1 if args.reproducible else args.workers
        row = _synthetic_case(int(case), limit, 0.001 if gap is None else gap, workers, args.seed, args.reproducible)
    row.update(case=case, target=target, load=round(load, 2),
               peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    best = json.loads(REFERENCE.read_text()).get(case, {}).get("objective") if REFERENCE.exists() else None
    if best and row.get("objective") is not None:
        row["best"] = best
        row["to_best"] = round((row["objective"] - best) / best, 6)
    return row


def _pct(v) -> str:
    return "-" if v is None else f"{100 * v:.3f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=list(CASES), help="10 20 40 80 (partners x 52 weeks), demo-year, demo-quarter")
    ap.add_argument("--time-limit", type=float, default=None, help="override the case's time limit")
    ap.add_argument("--gap-limit", type=float, default=None, help="override the case's relative gap limit (0 = prove optimal)")
    ap.add_argument("--workers", type=int, default=0, help="0 = one per core")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reproducible", action="store_true", help="one worker, deterministic limits")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.one is not None:
        print(json.dumps(run_case(args.one, args)))
        return 0
    rows = []
    for case in args.cases:
        cmd = [sys.executable, __file__, "--one", case, "--workers", str(args.workers), "--seed", str(args.seed)]
        if args.time_limit is not None:
            cmd += ["--time-limit", str(args.time_limit)]
        if args.gap_limit is not None:
            cmd += ["--gap-limit", str(args.gap_limit)]
        if args.reproducible:
            cmd.append("--reproducible")
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            row = {"case": case, "status": "ERROR", "error": out.stderr.strip()[-300:]}
        else:
            row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
    if not args.json:
        head = (f"{'case':>12} {'status':>9} {'objective':>10} {'bound':>10} {'gap':>8} {'to_best':>8} {'wall_s':>7} "
                f"{'det_s':>6} {'rss_MB':>7} {'load':>5}  bound from / target")
        print(head)
        print("-" * len(head))
        for r in rows:
            obj = "-" if r.get("objective") is None else f"{r['objective']:.0f}"
            bnd = "-" if r.get("bound") is None else f"{r['bound']:.0f}"
            print(f"{r['case']:>12} {r.get('status', '?'):>9} {obj:>10} {bnd:>10} {_pct(r.get('gap')):>8} "
                  f"{_pct(r.get('to_best')):>8} {r.get('wall_s', '-'):>7} {r.get('det_s', '-'):>6} "
                  f"{r.get('peak_rss_mb', '-'):>7} {r.get('load', '-'):>5}  {r.get('bound_source') or '-'} / {r.get('target', '')}")
            if r.get("error"):
                print(f"{'':>12} error: {r['error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
