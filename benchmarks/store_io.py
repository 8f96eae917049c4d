"""Benchmark the workspace store: import, snapshot load, export and a generation-sized write.

Synthetic practice: CLINICIANS clinicians with one term each and a shift on every
working day of YEARS years (~250 shifts per clinician-year), some leave.
Prints a table of wall time and peak RSS. Run: ``.venv/bin/python benchmarks/store_io.py``.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rotacc_lab.domain import Clinician, ClinicianType, Leave, LeaveStatus, LeaveType, PracticeSnapshot, Settings, Shift, TermType, WorkingTerm
from rotacc_lab.store import Workspace, export_folder, import_source
from rotacc_lab.store.exporter import write_folder

CLINICIANS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
YEARS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def practice() -> PracticeSnapshot:
    start = date(2022, 1, 3)
    days = [start + timedelta(i) for i in range(365 * YEARS) if (start + timedelta(i)).weekday() < 5]
    clinicians = [Clinician(f"C{i:02d}", f"Dr {i}", None, ClinicianType.PARTNER) for i in range(CLINICIANS)]
    terms = [WorkingTerm(f"T{i:02d}", c.clinician_id, TermType.PARTNER, start, None, 80) for i, c in enumerate(clinicians)]
    shifts, leave, sid = [], [], 1
    for c in clinicians:
        for d in days:
            shifts.append(Shift(sid, c.clinician_id, d))
            sid += 1
        for y in range(YEARS):
            b = date(2022 + y, 8, 1)
            leave.append(Leave(f"{c.clinician_id}-{y}", c.clinician_id, LeaveType.ANNUAL_LEAVE, b, b + timedelta(9),
                               LeaveStatus.APPROVED))
    return PracticeSnapshot(Settings(), tuple(clinicians), tuple(terms), tuple(leave), shifts=tuple(shifts))


def timed(label: str, fn, rows: list) -> object:
    t = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    return out


def main() -> None:
    rows: list = []
    snap = practice()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        write_folder(snap, d / "src")
        ws_path = d / "w.duckdb"
        timed("import (new workspace)", lambda: import_source(ws_path, d / "src"), rows)
        timed("import (replace existing)", lambda: import_source(ws_path, d / "src"), rows)
        ws = Workspace.open(ws_path)
        loaded = timed("load_snapshot", ws.load_snapshot, rows)
        timed("export_folder", lambda: export_folder(ws, d / "out"), rows)
        year = [s for s in loaded.shifts if s.date.year == 2023]

        def rewrite() -> None:  # what a generation run does: delete a year, insert a year
            with ws.transaction("bench") as tx:
                tx.delete_shifts([s.shift_id for s in year])
                tx.insert_shifts([dataclasses.replace(s, shift_id=None, origin="phase3") for s in year])

        timed(f"tx delete+insert {len(year)} shifts", rewrite, rows)
        timed("branch", lambda: ws.branch(d / "b.duckdb"), rows)
        size = ws_path.stat().st_size / 1e6
    print(f"store benchmark: {CLINICIANS} clinicians x {YEARS} years = {len(snap.shifts)} shifts, "
          f"{len(snap.leave)} leave; workspace file {size:.1f} MB")
    print(f"{'step':<34}{'wall s':>9}{'peak RSS MB':>13}")
    for label, secs, rss in rows:
        print(f"{label:<34}{secs:>9.3f}{rss:>13.0f}")


if __name__ == "__main__":
    main()
