"""Report timings over 5 years x 20 clinicians (budget: <= 200 ms per report after the snapshot is loaded).

Run: ``.venv/bin/python benchmarks/reports.py [--years 5] [--partners 14] [--salaried 6] [--repeat 5]``

The practice comes from ``rotacc_lab.synth.synthetic_practice`` (terms, leave,
sick leave); its rota is filled here with a seeded, WTE-proportional pattern
(about 0.7 x WTE of working days per clinician, one duty doctor per day) so the
reports see a realistic number of shifts (~20 000 over five years).

Columns: ``cold`` is the first call on a fresh snapshot object (includes
turning the snapshot into polars frames and any calculator caches; modules are
imported before timing);
``warm`` is the median of ``--repeat`` further calls (``warm cpu``: process
CPU time, all threads, less sensitive to other jobs); ``chart`` builds the
Altair spec (``to_dict``). A final row times the all-in-one HTML bundle.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import rotacc_lab.calculations  # noqa: F401  (imported up front: module import is not report time)
import rotacc_lab.generation.optimisation.encoding  # noqa: F401
from rotacc_lab.calendar import working_days
from rotacc_lab.domain import LeaveStatus, PracticeSnapshot, Shift, ShiftStatus, ShiftType
from rotacc_lab.exports.html import write_bundle_html
from rotacc_lab.reports import registry
from rotacc_lab.synth import synthetic_practice

BUDGET_MS = 200.0


def with_rota(snap: PracticeSnapshot, start: date, end: date, seed: int = 1) -> PracticeSnapshot:
    """``snap`` plus a seeded WTE-proportional rota over ``[start, end]`` (past shifts COMPLETED)."""
    rng = random.Random(seed)
    today = date.today()
    shifts: list[Shift] = []
    for day in working_days(start, end, snap.bank_holidays):
        working = []
        for c in snap.clinicians:
            term = snap.term_on(c.clinician_id, day)
            if term is None or snap.approved_leave_on(c.clinician_id, day) or snap.sick_on(c.clinician_id, day):
                continue
            if rng.random() < 0.7 * term.percentage / 100:
                working.append(c.clinician_id)
        duty = rng.choice(working) if working else None
        for cid in working:
            shifts.append(
                Shift(
                    len(shifts) + 1,
                    cid,
                    day,
                    ShiftType.DUTY if cid == duty else ShiftType.STANDARD,
                    status=ShiftStatus.COMPLETED if day < today else ShiftStatus.SCHEDULED,
                )
            )
    return snap.with_shifts(tuple(shifts))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--partners", type=int, default=14)
    ap.add_argument("--salaried", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    start = date(2026, 1, 5)
    weeks = 52 * args.years
    end = start + timedelta(weeks=weeks) - timedelta(days=3)  # a Friday
    t0 = time.perf_counter()
    base = synthetic_practice(args.partners, args.salaried, start=start, weeks=weeks, seed=3)
    snap = with_rota(base, start, end)
    build_s = time.perf_counter() - t0
    approved = sum(1 for lv in snap.leave if lv.status is LeaveStatus.APPROVED)
    print(
        f"practice: {len(snap.clinicians)} clinicians, {len(snap.terms)} terms, {len(snap.shifts)} shifts, "
        f"{approved} approved leave, {start}..{end} ({args.years} years); built in {build_s:.1f} s"
    )
    alerts = [
        dict(alert_id=i, run_id=1, kind="understaffed", date=start + timedelta(days=7 * i), clinician_id=None,
             message="below minimum", severity="warning", created_at=None, resolved_at=None)
        for i in range(200)
    ]

    rows = []
    for name in registry.report_names():
        fresh = replace(snap)  # a new snapshot object: nothing cached yet
        t, c = time.perf_counter(), time.process_time()
        result = registry.run_report(name, fresh, start, end, alerts=alerts)
        cold = (time.perf_counter() - t) * 1000
        cold_cpu = (time.process_time() - c) * 1000
        warm_runs, cpu_runs = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            registry.run_report(name, fresh, start, end, alerts=alerts)
            warm_runs.append((time.perf_counter() - t) * 1000)
            cpu_runs.append((time.process_time() - c) * 1000)
        warm = statistics.median(warm_runs)
        cpu = statistics.median(cpu_runs)
        t = time.perf_counter()
        chart = result.chart()
        if chart is not None:
            chart.to_dict()
        chart_ms = (time.perf_counter() - t) * 1000 if chart is not None else None
        rows.append((name, result.frame.height, cold, cold_cpu, warm, cpu, chart_ms))

    with tempfile.TemporaryDirectory() as tmp:
        fresh = replace(snap)
        t = time.perf_counter()
        path = write_bundle_html(fresh, start, end, Path(tmp) / "all.html", alerts=alerts)
        bundle_ms = (time.perf_counter() - t) * 1000
        size_kb = path.stat().st_size / 1024

    print()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with other jobs' load)")
    print(f"{'report':32s} {'rows':>6s} {'cold ms':>9s} {'cold cpu':>9s} {'warm ms':>9s} {'warm cpu':>9s} {'chart ms':>9s}  budget {BUDGET_MS:.0f} ms")
    print("-" * 106)
    over = 0
    for name, n, cold, cold_cpu, warm, cpu, chart_ms in rows:
        flag = "ok" if cold <= BUDGET_MS else "OVER"
        over += flag == "OVER"
        chart_txt = f"{chart_ms:9.1f}" if chart_ms is not None else f"{'-':>9s}"
        print(f"{name:32s} {n:6d} {cold:9.1f} {cold_cpu:9.1f} {warm:9.1f} {cpu:9.1f} {chart_txt}  {flag}")
    print("-" * 106)
    print(f"{'all (HTML bundle, incl. charts)':32s} {'':6s} {bundle_ms:9.1f} {'':9s} {'':9s} {'':9s} {'':9s}  {size_kb:.0f} KiB")
    print(f"peak RSS {peak_rss_mb():.0f} MiB; python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
