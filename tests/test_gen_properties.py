"""Property tests of the pure generation pipeline (phases 1-4 and 6) on random small practices."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotacc_lab.domain import ShiftType, TermType, Weekday
from rotacc_lab.generation.pipeline import plan

from _gen_helpers import apply_plan, practices

PHASES = (1, 2, 3, 4, 6)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def monday(d):
    return d - timedelta(days=d.weekday())


@SETTINGS
@given(practices(), st.booleans(), st.integers(0, 5))
def test_generated_rota_respects_hard_rules(case, overwrite, seed):
    snap, start, end = case
    p = plan(snap, start, end, phases=PHASES, seed=seed, overwrite=overwrite)
    final = apply_plan(snap, p)

    # at most one (non-cancelled) shift per clinician per day
    keys = Counter((s.clinician_id, s.date) for s in final)
    assert max(keys.values(), default=1) == 1

    for s in p.creates:
        # never on a weekend or bank holiday, never outside the range
        assert s.date.weekday() < 5 and s.date not in snap.bank_holidays
        assert start <= s.date <= end
        # never on approved leave (full or half day) or sickness
        assert snap.approved_leave_on(s.clinician_id, s.date) is None
        assert snap.sick_on(s.clinician_id, s.date) is None
        term = snap.term_on(s.clinician_id, s.date)
        assert term is not None
        if term.term_type is TermType.PARTNER:
            assert Weekday(s.date.weekday()) not in term.cannot_work_days
        assert s.shift_id is None and s.origin in {f"phase{n}" for n in PHASES}
        assert s.is_pinned == (s.origin == "phase2")

    # pinned shifts survive every regeneration, unchanged apart from a STANDARD -> DUTY conversion
    gone = set(p.deletes)
    for s in snap.shifts:
        if s.is_pinned:
            assert s.shift_id not in gone
    # an overwrite never deletes outside the range, COMPLETED or pinned shifts
    by_id = {s.shift_id: s for s in snap.shifts}
    for sid in p.deletes:
        s = by_id[sid]
        assert overwrite and start <= s.date <= end and not s.is_pinned and s.status.value == "SCHEDULED"

    # weekly maximum respected wherever phase 3 or 4 added a shift
    week = Counter((s.clinician_id, monday(s.date)) for s in final if s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY))
    for s in p.creates:
        if s.origin in ("phase3", "phase4"):
            term = snap.term_on(s.clinician_id, s.date)
            if term.max_shifts_per_week is not None:
                assert week[(s.clinician_id, monday(s.date))] <= term.max_shifts_per_week

    # salaried duty: at most one per ISO week, never in consecutive weeks (no salaried duty exists beforehand)
    salaried = {t.clinician_id for t in snap.terms if t.term_type.is_salaried}
    duty_weeks: dict[str, list] = {}
    for s in final:
        if s.clinician_id in salaried and s.shift_type is ShiftType.DUTY:
            duty_weeks.setdefault(s.clinician_id, []).append(monday(s.date))
    for weeks in duty_weeks.values():
        assert len(weeks) == len(set(weeks))
        ws = sorted(weeks)
        assert all((b - a).days > 7 for a, b in zip(ws, ws[1:]))

    # phase 3 never prefers a clinician with a higher completion than another eligible one
    for dec in p.decisions:
        chosen = dict(dec.eligible)[dec.chosen]
        assert all(chosen <= other for _, other in dec.eligible)
        assert dec.chosen in dec.pool and set(dec.pool) <= set(dict(dec.eligible))


@settings(max_examples=25, deadline=None)
@given(practices(), st.integers(0, 1000), st.booleans())
def test_plan_is_deterministic(case, seed, overwrite):
    snap, start, end = case
    a = plan(snap, start, end, phases=PHASES, seed=seed, overwrite=overwrite)
    b = plan(snap, start, end, phases=PHASES, seed=seed, overwrite=overwrite)
    assert (a.creates, a.deletes, a.updates, a.alerts) == (b.creates, b.deletes, b.updates, b.alerts)


@settings(max_examples=30, deadline=None)
@given(practices(), st.integers(0, 9))
def test_regenerating_with_overwrite_keeps_pinned_and_reproduces_the_rota(case, seed):
    """Write a plan, regenerate with overwrite: pinned shifts survive and the same rota comes back.

    Unpinned SCHEDULED shifts the practice had in the range before the first run
    are dropped from the input, since an overwrite deletes them by design.
    """
    from dataclasses import replace

    snap, start, end = case
    snap = snap.with_shifts(tuple(
        s for s in snap.shifts
        if s.is_pinned or s.status.value != "SCHEDULED" or not start <= s.date <= end
    ))
    first = plan(snap, start, end, phases=PHASES, seed=seed)
    stored = []
    for i, s in enumerate(apply_plan(snap, first)):
        stored.append(replace(s, shift_id=1000 + i) if s.shift_id is None else s)
    snap2 = snap.with_shifts(tuple(stored))
    second = plan(snap2, start, end, phases=PHASES, overwrite=True, seed=seed)
    pinned = {s.shift_id for s in stored if s.is_pinned}
    assert not pinned & set(second.deletes)
    view = lambda shifts: sorted((s.clinician_id, s.date, s.shift_type.value, s.is_pinned) for s in shifts)  # noqa: E731
    assert view(apply_plan(snap2, second)) == view(stored)
