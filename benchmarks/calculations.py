"""Benchmark: the practice status table over 5 years of shifts.

Builds a 20-clinician practice with ``rotacc_lab.synth`` (13 partners, 4 salaried,
plus the FY, ST and locum doctors it adds), generates about 5 years of shifts
(a realistic mix of types, half days, completed/scheduled/cancelled), then times
``status_frame`` after the snapshot exists:

* first  - the very first call in the process (cold, plus one-off lazy initialisation);
* cold   - first call on a fresh snapshot (builds the snapshot indexes and the shifts frame);
* warm   - a second, uncached call on the same snapshot (frame reused, everything recomputed);
* cached - through ``CalculationCache`` keyed by workspace and data_version (a hit).

Prints a table; no assertions. Usage: ``.venv/bin/python benchmarks/calculations.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date, timedelta

from rotacc_lab.calculations import CalculationCache, status_frame
from rotacc_lab.domain import Duration, PracticeSnapshot, Shift, ShiftStatus, ShiftType, TermType
from rotacc_lab.synth import synthetic_practice

START = date(2021, 1, 4)
WEEKS = 5 * 52 + 1
AS_OF = date(2025, 7, 1)


def five_year_practice(seed: int = 1) -> PracticeSnapshot:
    """20 clinicians and ~5 years of generated shifts."""
    rng = random.Random(seed)
    snap = synthetic_practice(13, 4, start=START, weeks=WEEKS, seed=seed)
    end = START + timedelta(days=7 * WEEKS - 1)
    shifts: list[Shift] = []
    sid = 0
    day = START
    while day <= end:
        if day.weekday() < 5 and day not in snap.bank_holidays:
            for c in snap.clinicians:
                term = snap.term_on(c.clinician_id, day)
                if term is None:
                    continue
                if term.term_type is TermType.PARTNER:
                    works = rng.random() < 0.7 * term.percentage / 100 + 0.05
                elif term.fixed_working_days or term.week_a_days:
                    works = day.weekday() in (*term.fixed_working_days, *term.week_a_days, *term.week_b_days)
                else:
                    works = rng.random() < 0.3
                if not works or snap.approved_leave_on(c.clinician_id, day):
                    continue
                sid += 1
                kind = rng.choices(list(ShiftType), weights=(80, 12, 5, 3))[0]
                status = ShiftStatus.COMPLETED if day < AS_OF else ShiftStatus.SCHEDULED
                if rng.random() < 0.02:
                    status = ShiftStatus.CANCELLED
                dur = Duration.HALF if rng.random() < 0.1 else Duration.FULL
                shifts.append(Shift(sid, c.clinician_id, day, kind, dur, status, origin="bench"))
        day += timedelta(days=1)
    return PracticeSnapshot(
        settings=snap.settings, clinicians=snap.clinicians, terms=snap.terms, leave=snap.leave,
        sick_leave=snap.sick_leave, locum_bookings=snap.locum_bookings, shifts=tuple(shifts),
        leave_adjustments=snap.leave_adjustments, trainer_requirements=snap.trainer_requirements,
        affinity_pairs=snap.affinity_pairs, data_version=1,
    )


def _copy(snap: PracticeSnapshot) -> PracticeSnapshot:
    """A fresh snapshot object with the same data (no cached indexes, no cached frame)."""
    return snap.with_shifts(snap.shifts)


def _ms(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is shown")
    args = parser.parse_args(argv)
    base = five_year_practice()
    scenarios = [
        ("year to date", date(2025, 1, 1), AS_OF),
        ("whole 5 years", START, START + timedelta(days=7 * WEEKS - 1)),
    ]
    rows = []
    first_ms = None
    for label, start, as_of in scenarios:
        cold, warm, cached = [], [], []
        for _ in range(args.repeat):
            snap = _copy(base)
            ms, frame = _ms(lambda: status_frame(snap, start, as_of))
            cold.append(ms)
            first_ms = ms if first_ms is None else first_ms
            warm.append(_ms(lambda: status_frame(snap, start, as_of))[0])
            cache = CalculationCache()
            cache.call("bench.duckdb", snap, status_frame, start, as_of)
            cached.append(_ms(lambda: cache.call("bench.duckdb", snap, status_frame, start, as_of))[0])
            assert cache.hits == 1
        med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
        rows.append((label, frame.height, len(base.shifts), first_ms, med(cold), med(warm), med(cached)))
        first_ms = float("nan")  # only the first scenario has a first-in-process call
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    head = (f"{'scenario':<14} {'clinicians':>10} {'shifts':>8} {'first ms':>9} {'cold ms':>9} {'warm ms':>9} "
            f"{'cached ms':>10}")
    print(head)
    print("-" * len(head))
    for label, n, s, f, c, w, k in rows:
        print(f"{label:<14} {n:>10} {s:>8} {f:>9.1f} {c:>9.1f} {w:>9.1f} {k:>10.3f}")
    print(f"peak RSS: {peak_mb:.0f} MB (whole process, including building the practice); target: cold <= 100 ms")
    print(f"times are medians of {args.repeat} runs; 'first' is a single run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
