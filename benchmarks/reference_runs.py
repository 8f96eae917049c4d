"""Long runs that give the reference objectives of ``benchmarks/optimiser.py`` (``gap_to_best``).

Each case is solved with the relative gap limit 0 (prove optimality) and a long time limit,
in parallel mode, and the best objective, the certified bound and how the run ended are
written to ``benchmarks/reference_objectives.json``. A case whose bound meets its objective
is proven optimal; otherwise the objective is the best known and the bound says how far
from optimal it can be at most.

    .venv/bin/python benchmarks/reference_runs.py                  # every case (about 30 minutes)
    .venv/bin/python benchmarks/reference_runs.py --cases 40 --time-limit 900

Existing entries are kept unless the new run finds a better objective or a higher bound.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from optimiser import REFERENCE, START, synthetic  # noqa: E402

LIMITS = {"10": 300.0, "20": 300.0, "40": 900.0, "80": 900.0, "demo-year": 300.0}


def _instance(case: str):
    if case == "demo-year":
        import tempfile

        from rotacc_lab.commands.demo import DEMO_END, DEMO_START, demo_folder
        from rotacc_lab.generation.phases.common import aligned_period
        from rotacc_lab.generation.pipeline import plan
        from rotacc_lab.store import Workspace, import_source

        with tempfile.TemporaryDirectory() as tmp:
            ws = Path(tmp) / "demo.duckdb"
            import_source(ws, demo_folder(), actor="reference")
            snap = Workspace.open(ws, read_only=True).load_snapshot()
        p = plan(snap, DEMO_START, DEMO_END, phases=(1, 2, 3, 4), overwrite=True, keep_before=DEMO_START)
        return snap, DEMO_START, DEMO_END, dict(p.ledger.shifts), aligned_period(DEMO_START, DEMO_END, None)[0]
    snap, end, ledger = synthetic(int(case))
    return snap, START, end, ledger, None


def run(case: str, limit: float) -> dict:
    from dataclasses import replace

    from rotacc_lab.generation.optimisation import optimise

    snap, start, end, ledger, period_start = _instance(case)
    settings = replace(snap.settings.optimiser, time_limit_seconds=limit, num_workers=0, relative_gap_limit=0.0)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    res = optimise(snap, start, end, ledger, settings=settings, period_start=period_start, reproducible=False)
    rep = res.report
    return {
        "objective": rep.objective,
        "bound": rep.best_bound,
        "bound_source": rep.bound_source,
        "status": rep.status,
        "proven_optimal": rep.status == "OPTIMAL",
        "how": (f"optimise() with relative_gap_limit 0, time limit {limit:g} s, parallel mode (2 cores), "
                f"seed {settings.seed}; ended by {rep.stop_reason} after {time.perf_counter() - t0:.0f} s "
                f"(load {load:.1f} at the start) on {date.today().isoformat()}"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=list(LIMITS))
    ap.add_argument("--time-limit", type=float, default=None)
    args = ap.parse_args(argv)
    data = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    for case in args.cases:
        got = run(case, args.time_limit or LIMITS[case])
        old = data.get(case)
        if old:
            if old.get("objective") is not None and old["objective"] <= got["objective"]:
                got = dict(old, bound=max(old.get("bound") or 0, got["bound"] or 0),
                           proven_optimal=old.get("proven_optimal") or got["bound"] == old["objective"])
        got["updated"] = datetime.now().isoformat(timespec="seconds")
        data[case] = got
        REFERENCE.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        print(case, json.dumps(got), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
