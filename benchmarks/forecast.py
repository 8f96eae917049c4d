"""Forecasting targets on synthetic activity with a known truth (issue 17). Prints tables.

1. Accuracy: rolling-origin backtests (4 folds x 28 days) of every model on the
   synthetic practice, department and care-home series over several seeds, pooled
   per series, next to the *oracle* (the truth's own median and intervals from
   each origin: the best any model could do). Targets: interval coverage within
   +-5 points of nominal, MAPE below the seasonal-naive baseline's.
2. Speed: one full backtest of one series (every model, 4 folds x 28 days) in a
   fresh process, with an empty numba cache (cold) and again with the cache
   filled (warm); target <= 10 s. Also the statsforecast import and first-call
   costs. Peak RSS of each process. ``uptime``'s load average is printed with it.

    .venv/bin/python benchmarks/forecast.py [--seeds 5] [--skip-speed] [--skip-accuracy]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rotacc_lab.activity import ActivitySeries
from rotacc_lab.forecast import MODELS, backtest
from rotacc_lab.synth_activity import KINDS, synthetic_activity

FOLDS, HORIZON = 4, 28


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[:3].__str__() if Path("/proc/loadavg").exists() else "?"


def _oracle(s, origins_idx: list[int]) -> tuple[list, list, list, list]:
    """Truth median and 80/95 % bounds for every fold day (conditional on each origin)."""
    point, b80, b95, actual = [], [], [], []
    for o in origins_idx:
        q = s.truth.quantiles(o, HORIZON, [0.025, 0.1, 0.5, 0.9, 0.975])
        for h, row in enumerate(q, start=1):
            point.append(row[2])
            b80.append((row[1], row[3]))
            b95.append((row[0], row[4]))
            actual.append(s.values[o + h])
    return point, b80, b95, actual


def accuracy(seeds: int) -> list[dict]:
    rows = []
    for kind, names in KINDS.items():
        for name in names:
            pooled: dict[str, dict[str, list]] = {}
            oracle = {"ape": [], "ae": [], "c80": [], "c95": []}
            t0 = time.perf_counter()
            for seed in range(seeds):
                s = synthetic_activity(kind, seed=seed)[name]
                series = ActivitySeries(name, s.dates, s.values)
                bt = backtest(series, "england", [m for m in MODELS if m != "snaive"], FOLDS, HORIZON)
                for sc in bt.scores:
                    p = pooled.setdefault(sc.model, {k: [] for k in ("days", "mae", "mape", "c80", "c95")})
                    p["days"].append(sc.days)
                    p["mae"].append(sc.mae * sc.days)
                    p["mape"].append(sc.mape * sc.days)
                    p["c80"].append(sc.cover80 * sc.days)
                    p["c95"].append(sc.cover95 * sc.days)
                idx = [s.dates.index(f.origin) for f in bt.folds]
                point, b80, b95, actual = _oracle(s, idx)
                for pt, (l8, h8), (l9, h9), a in zip(point, b80, b95, actual):
                    if a > 0:
                        oracle["ae"].append(abs(a - pt))
                        oracle["ape"].append(abs(a - pt) / a)
                        oracle["c80"].append(l8 <= a <= h8)
                        oracle["c95"].append(l9 <= a <= h9)
            base_mape = sum(pooled["snaive"]["mape"]) / sum(pooled["snaive"]["days"])
            base_mae = sum(pooled["snaive"]["mae"]) / sum(pooled["snaive"]["days"])
            for model, p in pooled.items():
                n = sum(p["days"])
                r = {"kind": kind, "series": name, "model": model, "days": n, "mae": sum(p["mae"]) / n,
                     "mape": sum(p["mape"]) / n, "cover80": sum(p["c80"]) / n, "cover95": sum(p["c95"]) / n}
                r["skill_mape"] = 1 - r["mape"] / base_mape
                r["skill_mae"] = 1 - r["mae"] / base_mae
                rows.append(r)
            n = len(oracle["ae"])
            rows.append({"kind": kind, "series": name, "model": "oracle", "days": n, "mae": float(np.mean(oracle["ae"])),
                         "mape": 100 * float(np.mean(oracle["ape"])), "cover80": 100 * float(np.mean(oracle["c80"])),
                         "cover95": 100 * float(np.mean(oracle["c95"])), "skill_mape": 1 - 100 * float(np.mean(oracle["ape"])) / base_mape,
                         "skill_mae": 1 - float(np.mean(oracle["ae"])) / base_mae})
            print(f"  {kind}/{name}: {seeds} seeds in {time.perf_counter() - t0:.1f} s (load {load()})", file=sys.stderr)
    return rows


def print_accuracy(rows: list[dict], seeds: int) -> None:
    print(f"\nAccuracy: {seeds} seeds x {FOLDS} folds x {HORIZON} days per series, pooled over scored days")
    print("targets: |cover - nominal| <= 5 points; MAPE below snaive. 'ok' marks both met.")
    print(f"{'series':<24}{'model':<8}{'days':>6}{'MAE':>8}{'MAPE %':>8}{'cov80':>7}{'cov95':>7}{'skill':>7}  target")
    for r in rows:
        if r["model"] in ("snaive", "oracle"):
            verdict = "baseline" if r["model"] == "snaive" else "truth"
        else:
            ok = abs(r["cover80"] - 80) <= 5 and abs(r["cover95"] - 95) <= 5 and r["skill_mape"] > 0
            verdict = "ok" if ok else "MISSED"
        print(f"{r['kind'] + '/' + r['series']:<24}{r['model']:<8}{r['days']:>6}{r['mae']:>8.2f}{r['mape']:>8.2f}"
              f"{r['cover80']:>7.1f}{r['cover95']:>7.1f}{r['skill_mape']:>7.3f}  {verdict}")


_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from rotacc_lab.activity import ActivitySeries
from rotacc_lab.forecast import MODELS, backtest
from rotacc_lab.forecast.models import _statsforecast
from rotacc_lab.synth_activity import synthetic_activity
s = synthetic_activity("department", seed=0)["attendances"]
series = ActivitySeries("attendances", s.dates, s.values)
t1 = time.perf_counter()
_statsforecast()
t2 = time.perf_counter()
c2 = time.process_time()
bt = backtest(series, "england", [m for m in MODELS if m != "snaive"], 4, 28)
t3 = time.perf_counter()
c3 = time.process_time()
bt2 = backtest(series, "england", [m for m in MODELS if m != "snaive"], 4, 28)
t4 = time.perf_counter()
c4 = time.process_time()
print(json.dumps({"setup": t1 - t0, "import_statsforecast": t2 - t1, "first_backtest": t3 - t2,
                  "second_backtest": t4 - t3, "first_cpu": c3 - c2, "second_cpu": c4 - c3, "per_model_first": {x.model: x.seconds for x in bt.scores},
                  "per_model_second": {x.model: x.seconds for x in bt2.scores},
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def speed() -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("cold cache", "warm cache"):
            before = load()
            t0 = time.perf_counter()
            res = subprocess.run([sys.executable, "-W", "ignore", "-c", _CHILD], env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            if res.returncode != 0:
                raise SystemExit(res.stderr)
            d = json.loads(res.stdout.strip().splitlines()[-1])
            out.append({"run": label, "process_wall": wall, "load_before": before, "load_after": load(), **d})
    return out


def print_speed(rows: list[dict]) -> None:
    print("\nSpeed: one full backtest of department/attendances (ets, arima, mstl, snaive; 4 folds x 28 days), "
          "in a fresh process; target <= 10 s")
    print("(wall seconds, and CPU seconds of the process in brackets: on a shared machine the CPU time is the"
          " figure that does not depend on the other sessions)")
    print(f"{'run':<12}{'process s':>10}{'import sf s':>12}{'1st backtest s':>20}{'2nd backtest s':>20}{'RSS MB':>8}"
          "  load before -> after")
    for r in rows:
        first = f"{r['first_backtest']:.2f} ({r['first_cpu']:.2f})"
        second = f"{r['second_backtest']:.2f} ({r['second_cpu']:.2f})"
        print(f"{r['run']:<12}{r['process_wall']:>10.1f}{r['import_statsforecast']:>12.2f}{first:>20}"
              f"{second:>20}{r['rss_mb']:>8.0f}  {r['load_before']} -> {r['load_after']}")
        print(f"{'':<12}per model, 1st: " + ", ".join(f"{k} {v:.2f}" for k, v in r["per_model_first"].items())
              + " | 2nd: " + ", ".join(f"{k} {v:.2f}" for k, v in r["per_model_second"].items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-accuracy", action="store_true")
    a = ap.parse_args()
    print(f"load average at start: {load()}  (2 cores shared)")
    if not a.skip_speed:
        print_speed(speed())
    if not a.skip_accuracy:
        print_accuracy(accuracy(a.seeds), a.seeds)
    print(f"\nload average at end: {load()}")


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    main()
