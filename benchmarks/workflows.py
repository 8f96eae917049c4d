"""Benchmark the workflow operations on a realistic workspace.

Synthetic practice (``synth.synthetic_practice``: 16 partners + 4 salaried, 52
weeks, shifts included) imported into a temporary workspace; each operation is
run REPEATS times and the median wall time is shown with peak RSS. Every
operation is one full write transaction (open file, read snapshot, validate,
write, audit, commit, close), which is what a CLI call or a dashboard button costs.
The outbox is delivered to a local aiosmtpd server.

Run: ``.venv/bin/python benchmarks/workflows.py [REPEATS]``.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _wf_helpers import CollectingHandler, SmtpServer  # noqa: E402

from rotacc_lab.store import Workspace, import_source  # noqa: E402
from rotacc_lab.store.exporter import write_folder  # noqa: E402
from rotacc_lab.synth import synthetic_practice  # noqa: E402
from rotacc_lab.workflows import adjustments as adj  # noqa: E402
from rotacc_lab.workflows import leave, swaps  # noqa: E402
from rotacc_lab.workflows.locums import book_locum  # noqa: E402
from rotacc_lab.workflows.notifications import OutboxSender, list_outbox  # noqa: E402
from rotacc_lab.workflows.policy import LeavePolicy  # noqa: E402
from rotacc_lab.workflows.smtp import SmtpProvider, SmtpSettings  # noqa: E402

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def with_rota(snap):
    """Fill a plausible year of STANDARD shifts: each clinician works 3 weekdays a week where free."""
    from dataclasses import replace

    from rotacc_lab.calendar import is_working_day
    from rotacc_lab.domain import Shift, Weekday

    shifts = list(snap.shifts)
    taken = {(s.clinician_id, s.date) for s in shifts}
    for k, c in enumerate(sorted(snap.clinician_by_id)):
        days = {(k + j) % 5 for j in range(3)}
        for n in range(364):
            d = date(2026, 1, 5) + timedelta(n)
            term = snap.term_on(c, d)
            if (d.weekday() in days and is_working_day(d, snap.bank_holidays) and term is not None
                    and Weekday(d.weekday()) not in term.cannot_work_days and (c, d) not in taken
                    and snap.approved_leave_on(c, d) is None and snap.sick_on(c, d) is None):
                shifts.append(Shift(None, c, d, origin="bench"))
                taken.add((c, d))
    return replace(snap, shifts=tuple(replace(s, shift_id=i + 1) for i, s in enumerate(shifts)))


def main() -> None:
    snap = with_rota(synthetic_practice(16, 4, start=date(2026, 1, 5), weeks=52, seed=1, with_shifts=True))
    rows: list[tuple[str, float, int]] = []

    def bench(label: str, fn) -> None:
        times = []
        for i in range(REPEATS):
            t = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - t)
        rows.append((label, statistics.median(times) * 1000, REPEATS))

    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        write_folder(snap, d / "src")
        import_source(d / "w.duckdb", d / "src", actor="bench")
        ws = Workspace.open(d / "w.duckdb")
        loaded = ws.load_snapshot()
        free = [(s.clinician_id, s.date) for s in loaded.shifts]
        cids = sorted(c.clinician_id for c in loaded.clinicians)
        today = date(2026, 1, 5)
        no_auto = LeavePolicy(auto_approve=False)

        # candidate (clinician, day) pairs with no shift yet, for add_shift
        taken = set(free)
        open_days = [(c, date(2026, 1, 5) + timedelta(k)) for k in range(0, 360) for c in cids
                     if (date(2026, 1, 5) + timedelta(k)).weekday() < 5
                     and (c, date(2026, 1, 5) + timedelta(k)) not in taken]
        added: list[int] = []

        def add(i):
            for j, (c, day) in enumerate(open_days):
                if not adj.eligibility_problems(loaded, c, day):
                    open_days.pop(j)
                    added.append(adj.add_shift(ws, c, day, actor="bench", today=today).shift_id)
                    return
            raise RuntimeError("no free slot")

        bench("shift add", add)
        bench("shift pin", lambda i: adj.pin_shift(ws, added[i], actor="bench"))
        bench("shift delete", lambda i: adj.delete_shift(ws, added[i], actor="bench", today=today))
        ids = []
        bench("leave submit (pending)", lambda i: ids.append(leave.submit(
            ws, cids[i], "STUDY_LEAVE", date(2026, 11, 2) + timedelta(7 * i), date(2026, 11, 3) + timedelta(7 * i),
            actor="bench", policy=no_auto).leave.leave_id))
        bench("leave approve (removes shifts)", lambda i: leave.approve(ws, ids[i], actor="bench", today=today,
                                                                       force=True, reason="benchmark"))
        bench("locum book (2 dates)", lambda i: book_locum(
            ws, cids[-1 - i], [date(2027, 1, 4) + timedelta(7 * i), date(2027, 1, 5) + timedelta(7 * i)],
            actor="bench", today=today))
        n_out = len(list_outbox(ws))
        handler = CollectingHandler()
        with SmtpServer(handler) as srv:
            sender = OutboxSender(ws, SmtpProvider(SmtpSettings(host="127.0.0.1", port=srv.port)))
            t = time.perf_counter()
            report = sender.run()
            send_ms = (time.perf_counter() - t) * 1000
        rows.append((f"outbox send ({len(report.sent)} msgs), per message", send_ms / max(len(report.sent), 1), 1))

    print(f"practice: {len(snap.clinicians)} clinicians, {len(snap.shifts)} shifts, {len(snap.leave)} leave rows; "
          f"outbox rows queued by the run: {n_out}")
    print(f"{'operation':<44}{'median ms':>10}{'runs':>6}")
    for label, ms, n in rows:
        print(f"{label:<44}{ms:>10.1f}{n:>6}")
    print(f"peak RSS: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
