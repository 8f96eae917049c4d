"""optimise(): validation, determinism, explanations, decoding rules, breakdown, availability frame."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from rotacc_lab.domain import DEFAULT_WEIGHTS, OptimiserSettings, ShiftType, Weekday
from rotacc_lab.generation.optimisation import OptimiserInputError, availability_frame, build_encoding, optimise
from rotacc_lab.generation.optimisation.constraints import ModelContext, add_hard_constraints
from rotacc_lab.generation.optimisation.objectives import build_objective
from rotacc_lab.synth import range_end, synthetic_practice

from _opt_helpers import EASTER_MONDAY_WEEK, MONDAY, count, leave, partner, practice, run, salaried, shift, weights, weekdays

WEEK = weekdays(MONDAY)


def _small_synth():
    start = date(2026, 1, 5)
    snap = synthetic_practice(4, 1, start=start, weeks=3, seed=3)
    return snap, start, range_end(start, 3)


# ------------------------------------------------------------------ validation


def _bad(**changes) -> OptimiserSettings:
    s = OptimiserSettings()
    for k, v in changes.items():
        object.__setattr__(s, k, v)  # bypass the constructor's own validation
    return s


@pytest.mark.parametrize(
    "settings, words",
    [
        (_bad(weights={"S1": -1}), "optimiser.weights.S1"),
        (_bad(weights={"S2": 1.5}), "optimiser.weights.S2"),
        (_bad(weights={"S99": 1}), "unknown term(s) S99"),
        (_bad(time_limit_seconds=0), "optimiser.time_limit_seconds"),
        (_bad(time_limit_seconds=-3.0), "optimiser.time_limit_seconds"),
    ],
)
def test_bad_settings_are_rejected_before_solving(settings, words):
    snap = practice([partner("A")])
    with pytest.raises(OptimiserInputError) as err:
        optimise(snap, MONDAY, MONDAY + timedelta(days=6), {}, settings=settings)
    assert words in str(err.value)


def test_bad_dates_are_rejected():
    snap = practice([partner("A")])
    with pytest.raises(OptimiserInputError, match="after end"):
        optimise(snap, MONDAY + timedelta(days=3), MONDAY, {})
    with pytest.raises(OptimiserInputError, match="no working dates"):
        optimise(snap, MONDAY + timedelta(days=5), MONDAY + timedelta(days=6), {})  # a weekend
    with pytest.raises(OptimiserInputError, match="no working dates"):
        optimise(snap, EASTER_MONDAY_WEEK, EASTER_MONDAY_WEEK, {})  # Easter Monday only
    with pytest.raises(OptimiserInputError, match="period_start"):
        optimise(snap, MONDAY, MONDAY + timedelta(days=6), {}, period_start=MONDAY + timedelta(days=1))


# ------------------------------------------------------------------ model shape


def _model_size(snap, w):
    enc = build_encoding(snap, MONDAY, MONDAY + timedelta(days=13), {})
    ctx = ModelContext(enc)
    add_hard_constraints(ctx)
    build_objective(ctx, w)
    proto = ctx.model.proto
    return len(proto.variables), len(proto.constraints), [v.name for v in proto.variables]


@pytest.mark.parametrize("term", [t for t in DEFAULT_WEIGHTS])
def test_a_zero_weight_builds_nothing(term):
    snap = practice([partner("A"), partner("B", 60), partner("C", 80)], mins=1,
                    trainers=[], affinity=[])
    base = weights(S7=1) if term != "S7" else weights(S11=1)
    with_zero = dict(base, **{term: 0})
    with_one = dict(base, **{term: 1})
    assert _model_size(snap, base)[:2] == _model_size(snap, with_zero)[:2]
    assert not any(n.startswith((f"{term}_", f"{term}[")) for n in _model_size(snap, with_zero)[2])
    if term not in ("S3", "S4"):  # no trainer requirements / affinity pairs here: nothing to build
        assert _model_size(snap, with_one)[1] > _model_size(snap, with_zero)[1]


def test_pairwise_terms_are_only_built_with_weight():
    snap = practice([partner(c) for c in "ABCD"])
    n0 = _model_size(snap, weights(S11=1))[0]
    assert _model_size(snap, weights(S11=1, S1=1))[0] >= n0 + 6  # one gap variable per pair
    assert _model_size(snap, weights(S11=1, S10=1))[0] >= n0 + 6


# ------------------------------------------------------------------ solving


def test_reproducible_mode_is_deterministic():
    snap, start, end = _small_synth()
    s = OptimiserSettings(time_limit_seconds=2.0, num_workers=1, seed=7)
    a = optimise(snap, start, end, {}, settings=s)
    b = optimise(snap, start, end, {}, settings=s)
    assert a.feasible and a.report.mode == "reproducible" and a.report.workers == 1 and a.report.seed == 7
    assert [(x.clinician_id, x.date) for x in a.create] == [(x.clinician_id, x.date) for x in b.create]
    assert a.delete == b.delete and a.report.objective == b.report.objective


def test_objective_breakdown_sums_to_the_objective():
    snap, start, end = _small_synth()
    res = optimise(snap, start, end, {}, settings=OptimiserSettings(time_limit_seconds=2.0, num_workers=1))
    rep = res.report
    assert res.feasible
    assert rep.terms["weighted"].sum() == pytest.approx(rep.objective)
    assert rep.by_term()["weighted"].sum() == pytest.approx(rep.objective)
    assert rep.by_clinician()["total"].sum() == pytest.approx(rep.objective)
    assert set(rep.terms["term"]) <= {t for t, w in DEFAULT_WEIGHTS.items() if w > 0}
    assert (rep.terms["weighted"] == rep.terms["penalty"] * rep.terms["weight"]).all()
    assert rep.n_variables > 0 and rep.n_constraints > 0 and rep.gap is not None and rep.bound == rep.best_bound


def test_progress_events_and_stop():
    snap, start, end = _small_synth()
    events = []
    res = optimise(snap, start, end, {}, settings=OptimiserSettings(time_limit_seconds=2.0, num_workers=1),
                   progress=events.append)
    assert res.feasible and any(e.objective is not None for e in events)
    stop = threading.Event()
    stop.set()
    res = optimise(snap, start, end, {}, settings=OptimiserSettings(time_limit_seconds=30.0), stop=stop)
    # stopped at once: the (feasible) starting solution is kept and said to be kept
    assert res.feasible and res.report.status in ("FEASIBLE", "OPTIMAL")
    assert any("stopped" in m for m in res.report.messages)
    assert res.report.terms["weighted"].sum() == pytest.approx(res.report.objective)


def test_constructive_start_respects_the_hard_rules():
    from rotacc_lab.generation.optimisation.solve import greedy_rota

    start = date(2026, 1, 5)
    snap = synthetic_practice(8, 2, start=start, weeks=8, seed=5)
    enc = build_encoding(snap, start, range_end(start, 8), {})
    x = greedy_rota(enc)
    assert all(x[k] == 0 for k, cell in enc.cells.items() if cell.blocked is not None)  # H1-H4b
    for (cid, monday), wk in enc.weeks.items():
        n = sum(x[(cid, d)] for d in wk.dates)
        if wk.maximum is not None:
            assert n + wk.fixed_count <= max(wk.maximum, wk.fixed_count)  # H8


def test_existing_rota_is_the_starting_point_and_only_unpinned_partner_standard_changes():
    people = [partner("A"), partner("B"), salaried("S", [Weekday.MON, Weekday.TUE])]
    ledger = [shift("A", d) for d in WEEK] + [shift("B", WEEK[0], pinned=True), shift("B", WEEK[1], kind=ShiftType.DUTY),
                                            shift("S", WEEK[0]), shift("S", WEEK[1])]
    res, after = run(practice(people, shifts=ledger), weeks=1, w=weights(S11=1))
    assert res.feasible
    assert all(s.origin == "phase5" and s.shift_type is ShiftType.STANDARD and not s.is_pinned and s.shift_id is None
               for s in res.create)
    assert all(k[0] == "A" for k in res.delete)  # B's pin and DUTY, and the salaried shifts, are untouched
    assert ("B", WEEK[0]) in after and after[("B", WEEK[1])].shift_type is ShiftType.DUTY
    assert count(after, "A", WEEK) in (3, 4) and count(after, "B", WEEK) in (3, 4)  # fair share 3.5 each


def test_pins_over_the_weekly_maximum_are_downgraded_latest_first():
    snap = practice([partner("A", maximum=2)], shifts=[shift("A", d, pinned=True) for d in WEEK[:3]])
    res, after = run(snap, w=weights(S11=1))
    assert res.feasible
    assert res.delete == [("A", WEEK[2])]
    assert any("downgraded" in w and str(WEEK[2]) in w for w in res.warnings)


def test_pins_on_leave_are_excluded_with_a_warning_and_left_alone():
    snap = practice([partner("A"), partner("B")], shifts=[shift("A", WEEK[0], pinned=True), shift("B", WEEK[0])],
                    leaves=[leave("A", WEEK[0], WEEK[0]), leave("B", WEEK[0], WEEK[0])])
    res, after = run(snap, w=weights(S11=1))
    assert res.feasible
    assert any("pinned shift of Dr A" in w and "annual leave" in w for w in res.warnings)
    assert ("A", WEEK[0]) not in res.delete  # the pin stays
    assert ("B", WEEK[0]) in res.delete  # an unpinned shift on leave goes (H2)


def test_prior_period_balance_is_compensated():
    prior_week = [d - timedelta(days=7) for d in WEEK]
    snap = practice([partner("A"), partner("B")], shifts=[shift("A", d) for d in prior_week])
    res, after = run(snap, w=weights(S11=1), period_start=MONDAY - timedelta(days=7))
    assert res.feasible
    # fair share 7 each over the two weeks: A already has 5 and gets 2 more, B gets the full week
    assert count(after, "A", WEEK) == 2 and count(after, "B", WEEK) == 5


# ------------------------------------------------------------------ infeasibility


def test_floor_staffing_conflict_names_the_day_and_the_absent_partner():
    mins = {d: 0 for d in Weekday} | {Weekday.MON: 5}  # floor ceil(3.3) = 4
    snap = practice([partner("A"), partner("B"), partner("C"), partner("D", cannot=[Weekday.MON])],
                    mins=mins, leaves=[leave("A", WEEK[0], WEEK[0])])
    res, _ = run(snap, w=weights(S11=1))
    assert not res.feasible and res.report.status == "INFEASIBLE"
    text = "\n".join(res.report.explanation)
    assert f"H7 Mon {WEEK[0]}" in text and "at least 4 doctors" in text
    assert "Dr A (annual leave)" in text and "Dr D (cannot work Mon)" in text
    assert "H2 week of 2026-03-02: Dr A is on annual leave" in text or "H3 Dr D cannot work on Mons" in text


def test_minimum_above_maximum_names_the_partner_and_week():
    snap = practice([partner("A", minimum=3, maximum=2)])
    res, _ = run(snap, w=weights(S11=1))
    assert not res.feasible
    text = "\n".join(res.report.explanation)
    assert f"H9 week of {MONDAY}: Dr A's minimum of 3 shifts cannot be met" in text
    assert f"H8 week of {MONDAY}: Dr A may work at most 2 shifts" in text


def test_minimum_with_leave_and_a_bank_holiday_is_explained():
    # Easter Monday week: bank holiday Monday, leave Tue-Wed -> only Thu/Fri; the minimum of 2 is then
    # enforceable, and a floor of 1 doctor on Thursday and Friday makes A's maximum of 1 conflict with it
    snap = practice([partner("A", minimum=2, maximum=1)], leaves=[leave("A", EASTER_MONDAY_WEEK + timedelta(days=1),
                                                                       EASTER_MONDAY_WEEK + timedelta(days=2))])
    res, _ = run(snap, EASTER_MONDAY_WEEK, w=weights(S11=1))
    assert not res.feasible
    text = "\n".join(res.report.explanation)
    assert "Dr A's minimum of 2 shifts cannot be met" in text
    assert "2 days of annual leave" in text and "a bank holiday" in text


# ------------------------------------------------------------------ availability frame


def test_availability_frame_agrees_with_s11():
    snap, start, end = _small_synth()
    res = optimise(snap, start, end, {}, settings=OptimiserSettings(time_limit_seconds=2.0, num_workers=1))
    assert res.feasible
    after = {(s.clinician_id, s.date): s for s in snap.shifts}
    for key in res.delete:
        del after[key]
    for s in res.create:
        after[(s.clinician_id, s.date)] = s
    frame = availability_frame(snap, start, end, after)
    assert frame.columns == ["clinician_id", "name", "percentage", "available_weeks", "wte_weeks", "target",
                             "group_rate", "fair_share", "actual", "fair_difference"]
    s11 = res.report.terms.filter(term="S11")
    by_cid = dict(zip(s11["clinician_id"], s11["penalty"]))
    for row in frame.iter_rows(named=True):
        assert round(abs(row["fair_difference"]) * 10) == by_cid[row["clinician_id"]]
    assert frame["fair_share"].sum() == pytest.approx(frame["target"].sum(), abs=0.1 * frame.height)


def test_available_weeks_exclude_any_week_with_annual_leave():
    snap = practice([partner("A", 80), partner("B")], leaves=[leave("A", MONDAY + timedelta(days=2), MONDAY + timedelta(days=2))])
    frame = availability_frame(snap, MONDAY, MONDAY + timedelta(days=20))
    rows = {r["clinician_id"]: r for r in frame.iter_rows(named=True)}
    assert rows["A"]["available_weeks"] == 2 and rows["A"]["wte_weeks"] == 160
    assert rows["B"]["available_weeks"] == 3 and rows["B"]["wte_weeks"] == 300


def test_a_practice_without_partners_changes_nothing():
    people = [salaried("S", [Weekday.MON, Weekday.TUE])]
    res, after = run(practice(people, mins=1, shifts=[shift("S", WEEK[0]), shift("S", WEEK[1])]),
                     end=WEEK[1], w=weights(S11=1))
    assert res.feasible and res.create == [] and res.delete == []
    res, _ = run(practice(people, mins=1, shifts=[shift("S", WEEK[0])]), end=WEEK[1], w=weights(S11=1))
    assert not res.feasible and any(line.startswith(f"H7 Tue {WEEK[1]}") for line in res.report.explanation)
