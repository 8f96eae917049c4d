"""Phase 5 inside the pipeline: the real CP-SAT optimiser on a small synthetic practice."""

from __future__ import annotations

import sys
from datetime import date

from rotacc_lab.domain import OptimiserSettings, TermType, Weekday
from rotacc_lab.generation.pipeline import PhaseProgress, plan
from rotacc_lab.generation.phases.phase5 import UNAVAILABLE
from rotacc_lab.synth import synthetic_practice

from _gen_helpers import apply_plan

START, END = date(2026, 3, 2), date(2026, 3, 27)
ONE_WORKER = OptimiserSettings(time_limit_seconds=5, num_workers=1, seed=1)


def test_phase5_runs_between_4_and_6_and_is_reproducible_with_one_worker():
    snap = synthetic_practice(6, 2, start=START, weeks=4, seed=2)
    events = []
    a = plan(snap, START, END, optimiser=ONE_WORKER, seed=4, progress=events.append)
    b = plan(snap, START, END, optimiser=ONE_WORKER, seed=4)
    assert (a.creates, a.deletes, a.updates) == (b.creates, b.deletes, b.updates)
    assert a.solve_report is not None and a.solve_report.status in ("OPTIMAL", "FEASIBLE")
    assert a.summary_stats()["phase5"]["status"] == a.solve_report.status
    phases_seen = [e.phase for e in events if isinstance(e, PhaseProgress) and e.stage == "done"]
    assert phases_seen == [1, 2, 3, 4, 5, 6]
    # phase 5 shifts obey the hard rules too; DUTY only comes from phase 6 afterwards
    final = apply_plan(snap, a)
    assert len({(s.clinician_id, s.date) for s in final}) == len(final)
    for s in a.creates:
        assert snap.approved_leave_on(s.clinician_id, s.date) is None and s.date not in snap.bank_holidays
        term = snap.term_on(s.clinician_id, s.date)
        if s.origin == "phase5":
            assert term.term_type is TermType.PARTNER
            assert Weekday(s.date.weekday()) not in term.cannot_work_days
    assert not {s.shift_id for s in snap.shifts if s.is_pinned} & set(a.deletes)


def test_phase5_missing_module_is_skipped_with_a_visible_note(monkeypatch):
    snap = synthetic_practice(4, 1, start=START, weeks=2, seed=3)
    monkeypatch.setitem(sys.modules, "rotacc_lab.generation.optimisation", None)  # import now raises ImportError
    p = plan(snap, START, date(2026, 3, 13), phases=(3, 5))
    assert UNAVAILABLE in p.messages and p.stats["phase5"]["skipped"] and p.solve_report is None
