"""Start-up time of the command line (target: ``rotacc-lab --help`` <= 0.5 s).

Run: ``.venv/bin/python benchmarks/startup.py [--repeat 7]``

Times whole processes, as a user sees them: ``--version``, ``--help``,
``report --help`` and ``status`` on the demo practice (imported into a
temporary workspace; no rota generated, so ``status`` is mostly start-up and
snapshot loading). Prints the median and best wall time of ``--repeat`` runs
with the median CPU time (user + system, less sensitive to other jobs) and the
load average, since other jobs on the machine slow every process.
``python -X importtime -m rotacc_lab --help`` shows where the time goes.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "rotacc_lab"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], repeat: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time (user + system) of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - c0)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    from rotacc_lab.commands.demo import demo_folder
    from rotacc_lab.store import import_source

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "demo.duckdb"
        import_source(ws, demo_folder(), actor="bench")
        cases = {
            "--version": [*CLI, "--version"],
            "--help": [*CLI, "--help"],
            "report --help": [*CLI, "report", "--help"],
            "status (demo, no rota)": [*CLI, "status", str(ws), "--start", "2026-01-05", "--as-of", "2026-03-01"],
        }
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'command':<24} {'median s':>9} {'best s':>8} {'cpu s':>7}")
        for name, argv in cases.items():
            median, best, cpu = timed(argv, args.repeat)
            print(f"{name:<24} {median:>9.3f} {best:>8.3f} {cpu:>7.3f}")
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
