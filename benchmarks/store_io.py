"""Benchmark the workspace store: import, snapshot load, export and a generation-sized write.

Synthetic practice: CLINICIANS clinicians with one term each and a shift on every
working day of YEARS years (~250 shifts per clinician-year), some leave.
Prints a table of wall time, peak RSS and rows per step.

    .venv/bin/python benchmarks/store_io.py [CLINICIANS] [YEARS]
    .venv/bin/python benchmarks/store_io.py --import-mb 50     # a valid ~50 MB import (issue 22 item 6)

``--import-mb`` writes a valid practice folder of about that many MB (a shift on every
working day for 26 years per clinician, plus a week of leave a year) line by line, then
imports it twice (a new workspace, then replacing it), each in a fresh interpreter so
its peak RSS is the import's own. docs/scale.md quotes the figures.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rotacc_lab.domain import Clinician, ClinicianType, Leave, LeaveStatus, LeaveType, PracticeSnapshot, Settings, Shift, TermType, WorkingTerm
from rotacc_lab.store import Workspace, export_folder, import_source
from rotacc_lab.store.exporter import write_folder

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
CLINICIANS = int(ARGS[0]) if ARGS and "--import-mb" not in sys.argv else 20
YEARS = int(ARGS[1]) if len(ARGS) > 1 else 5

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


def timed(label: str, fn, rows: list, count=None) -> object:
    t = time.perf_counter()
    out = fn()
    n = count(out) if count else None
    rows.append((label, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, n))
    return out


def print_table(rows: list) -> None:
    print(f"{'step':<34}{'rows':>11}{'wall s':>9}{'peak RSS MB':>13}")
    for label, secs, rss, n in rows:
        print(f"{label:<34}{'' if n is None else f'{n:,}':>11}{secs:>9.3f}{rss:>13.0f}")


# --------------------------------------------------------------------------- a large valid import

_CHILD = """
import json, resource, sys, time
from rotacc_lab.store import import_source
t = time.perf_counter()
s = import_source(sys.argv[1], sys.argv[2], actor="bench")
print(json.dumps({"wall": time.perf_counter() - t, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": sum(s.counts.values())}))
"""

SETTINGS = """[practice]
name = "Benchmark Practice"
uk_nation = "england"

[staffing.min_doctors]
mon = 1
tue = 1
wed = 1
thu = 1
fri = 1
"""


def write_large_folder(folder: Path, mb: float) -> dict[str, int]:
    """A valid practice folder of about ``mb`` MB, written line by line; rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    start, years = date(2000, 1, 3), 26
    days = [start + timedelta(i) for i in range(365 * years) if (start + timedelta(i)).weekday() < 5]
    n = max(1, round(mb * 1e6 / (len(days) * 61)))  # ~61 bytes per shift row
    counts = {"clinicians": n, "working_terms": n, "leave": n * years, "shifts": 0}
    with open(folder / "clinicians.csv", "w", encoding="utf-8") as f:
        f.write("clinician_id,name,email,clinician_type\n")
        f.writelines(f"C{i:04d},Dr {i},,PARTNER\n" for i in range(n))
    with open(folder / "working_terms.csv", "w", encoding="utf-8") as f:
        f.write("term_id,clinician_id,term_type,start_date,end_date,percentage,fixed_working_days,must_work_days,"
                "cannot_work_days,week_a_days,week_b_days,minimum_shifts_per_week,max_shifts_per_week,"
                "annual_leave_entitlement\n")
        f.writelines(f"T{i:04d},C{i:04d},PARTNER,{start},,80,,,,,,,,\n" for i in range(n))
    with open(folder / "leave.csv", "w", encoding="utf-8") as f:
        f.write("leave_id,clinician_id,leave_type,start_date,end_date,status,duration\n")
        for i in range(n):
            for y in range(years):
                b = date(2000 + y, 8, 1)
                f.write(f"L{i:04d}-{y},C{i:04d},ANNUAL_LEAVE,{b},{b + timedelta(6)},APPROVED,FULL\n")
    with open(folder / "shifts.csv", "w", encoding="utf-8") as f:
        f.write("shift_id,clinician_id,date,shift_type,duration,status,is_pinned,origin\n")
        for i in range(n):
            for d in days:
                counts["shifts"] += 1
                f.write(f"{counts['shifts']},C{i:04d},{d},STANDARD,FULL,SCHEDULED,false,import\n")
    return counts


def large_import(mb: float) -> None:
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        counts = write_large_folder(d / "src", mb)
        size = sum(p.stat().st_size for p in (d / "src").iterdir()) / 1e6
        rows = []
        for label in ("import (new workspace)", "import (replace existing)"):
            proc = subprocess.run([sys.executable, "-c", _CHILD, str(d / "w.duckdb"), str(d / "src")],
                                  capture_output=True, text=True, check=True)
            out = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append((label, out["wall"], out["rss"], out["rows"]))
        ws = (d / "w.duckdb").stat().st_size / 1e6
    print(f"large import: {size:.1f} MB folder ({counts['shifts']:,} shifts, {counts['leave']:,} leave, "
          f"{counts['clinicians']:,} clinicians); workspace file {ws:.1f} MB; each import in a fresh interpreter")
    print_table(rows)


def main() -> None:
    rows: list = []
    snap = practice()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        write_folder(snap, d / "src")
        ws_path = d / "w.duckdb"
        total = lambda s: sum(s.counts.values())  # noqa: E731
        timed("import (new workspace)", lambda: import_source(ws_path, d / "src"), rows, total)
        timed("import (replace existing)", lambda: import_source(ws_path, d / "src"), rows, total)
        ws = Workspace.open(ws_path)
        loaded = timed("load_snapshot", ws.load_snapshot, rows, lambda s: len(s.shifts) + len(s.leave))
        timed("export_folder", lambda: export_folder(ws, d / "out"), rows, lambda _: len(loaded.shifts) + len(loaded.leave))
        year = [s for s in loaded.shifts if s.date.year == 2023]

        def rewrite() -> None:  # what a generation run does: delete a year, insert a year
            with ws.transaction("bench") as tx:
                tx.delete_shifts([s.shift_id for s in year])
                tx.insert_shifts([dataclasses.replace(s, shift_id=None, origin="phase3") for s in year])

        timed(f"tx delete+insert {len(year)} shifts", rewrite, rows, lambda _: 2 * len(year))
        timed("branch", lambda: ws.branch(d / "b.duckdb"), rows)
        size = ws_path.stat().st_size / 1e6
    print(f"store benchmark: {CLINICIANS} clinicians x {YEARS} years = {len(snap.shifts)} shifts, "
          f"{len(snap.leave)} leave; workspace file {size:.1f} MB")
    print_table(rows)


if __name__ == "__main__":
    if "--import-mb" in sys.argv:
        large_import(float(sys.argv[sys.argv.index("--import-mb") + 1]))
    else:
        main()
