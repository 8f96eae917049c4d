"""How an import full of bad rows fails: wall time, peak RSS and the size of the error message.

Writes a practice folder whose ``shifts.csv`` holds ROWS bad rows (an unknown clinician,
a bad date or a bad status, in turn) beside the tiny valid practice of the tests, imports it
into a fresh workspace and prints one table row. Issue 22 item 6 measured 729,721 problems,
128 MB of error output and 1.6 GB before the list was capped.

    .venv/bin/python benchmarks/import_errors.py [ROWS]     # default 300,000
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import TINY_FILES, write_practice_folder  # noqa: E402

from rotacc_lab.errors import ValidationError  # noqa: E402
from rotacc_lab.store import import_source  # noqa: E402


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    bad = []
    for i in range(rows):  # shift_id,clinician_id,date,shift_type,duration,status,is_pinned,origin
        kind = i % 3
        bad.append(",".join(["", "P99" if kind == 0 else "P01", "2026-13-01" if kind == 1 else "2026-03-02",
                             "STANDARD", "FULL", "NOT_A_STATUS" if kind == 2 else "SCHEDULED", "false", ""]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_practice_folder(Path(tmp) / "src", **{"shifts.csv": TINY_FILES["shifts.csv"] + "\n".join(bad) + "\n"})
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        t0 = time.perf_counter()
        try:
            import_source(Path(tmp) / "ws.duckdb", folder)
            outcome, problems, message = "imported?!", 0, ""
        except ValidationError as err:
            outcome, problems, message = "refused", getattr(err, "total", len(err.problems)), str(err)
        wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'bad rows':>9} {'folder MB':>9} {'outcome':>8} {'problems':>9} {'message KB':>10} {'lines':>6} {'wall s':>7} {'peak RSS MB':>11}")
    print(f"{rows:>9,} {size:>9.1f} {outcome:>8} {problems:>9,} {len(message) / 1e3:>10.1f} {message.count(chr(10)) + 1:>6} "
          f"{wall:>7.1f} {rss:>11.0f}")


if __name__ == "__main__":
    main()
