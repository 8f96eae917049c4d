"""The model, the evaluator, the bounds and the local search agree with each other.

* the CP-SAT model's value of every named penalty item equals ``penalties.evaluate`` on the
  same assignment (so the solver optimises exactly the reference's terms);
* the flow bound and the certified LP bound never exceed the proven optimum (hypothesis on
  random small practices), and the flow relaxation's own value of its rota is that bound;
* the local search's tracked objective equals a fresh evaluation after every run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotacc_lab.domain import DEFAULT_WEIGHTS, OptimiserSettings
from rotacc_lab.generation.optimisation import optimise
from rotacc_lab.generation.optimisation.constraints import ModelContext, add_hard_constraints
from rotacc_lab.generation.optimisation.encoding import build_encoding
from rotacc_lab.generation.optimisation.flow import FlowNetwork, flow_bound, flow_rota, relaxed_value
from rotacc_lab.generation.optimisation.local_search import DayMoves
from rotacc_lab.generation.optimisation.lp_bound import lp_bound
from rotacc_lab.generation.optimisation.objectives import build_objective
from rotacc_lab.generation.optimisation.penalties import evaluate, objective_value
from rotacc_lab.generation.optimisation.rules import hard_violations
from rotacc_lab.generation.optimisation.solve import _complete
from rotacc_lab.synth import range_end, synthetic_practice

from test_opt_hard import START, practices

ALL_ONE = {t: 1 for t in DEFAULT_WEIGHTS}


def _ledger(snap):
    return {(s.clinician_id, s.date): s for s in snap.shifts}


def _model(enc, w):
    ctx = ModelContext(enc)
    add_hard_constraints(ctx)
    return ctx, build_objective(ctx, w)


def _synth(weeks=3, seed=3, partners=5):
    start = START
    snap = synthetic_practice(partners, 2, start=start, weeks=weeks, seed=seed)
    return snap, start, range_end(start, weeks)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_model_values_every_item_as_the_evaluator_does(seed):
    snap, start, end = _synth(seed=seed)
    enc = build_encoding(snap, start, end, _ledger(snap))
    ctx, items = _model(enc, ALL_ONE)
    x = flow_rota(enc, ALL_ONE)
    assert x is not None and hard_violations(enc, x) == []
    obj, solution = _complete(ctx, x, 10.0, 0)
    expected = {i.name: i.value for its in evaluate(enc, x).values() for i in its}
    model = {name: (p if isinstance(p, int) else solution[p.index]) for its in items.values() for name, _, p in its}
    assert model == expected
    assert obj == objective_value(enc, x, ALL_ONE) == sum(expected.values())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices(), st.sampled_from(["default", "all"]))
def test_flow_and_lp_bounds_never_exceed_the_optimum(snap, which):
    w = dict(DEFAULT_WEIGHTS) if which == "default" else dict(ALL_ONE, S7=10, S11=5)
    end = START + timedelta(days=13)
    enc = build_encoding(snap, START, end, _ledger(snap))
    s = OptimiserSettings(time_limit_seconds=20.0, num_workers=1, weights=w, relative_gap_limit=0.0)
    res = optimise(snap, START, end, _ledger(snap), settings=s)
    relaxed = flow_bound(enc, w)
    if not res.feasible:
        return
    if res.report.status != "OPTIMAL":  # pragma: no cover - tiny models are proven in time
        pytest.skip("not proven optimal in time")
    opt = res.report.objective
    assert relaxed.bound is not None and relaxed.bound <= opt
    assert relaxed.bound == relaxed_value(enc, relaxed.x, w)
    ctx, _ = _model(enc, w)
    lp = lp_bound(ctx.model, 20.0)
    assert lp.status == "OPTIMAL" and lp.bound <= opt
    start_rota = flow_rota(enc, w)
    if start_rota is not None and not hard_violations(enc, start_rota):
        assert objective_value(enc, start_rota, w) >= opt


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices())
def test_local_search_tracks_the_objective_exactly(snap):
    w = dict(ALL_ONE, S6=2, S8=3, S9=4)
    enc = build_encoding(snap, START, START + timedelta(days=13), _ledger(snap))
    x = FlowNetwork(enc, w).solve()[1]
    if x is None:
        return
    ls = DayMoves(enc, w, x)
    ls.run()
    assert ls.value == objective_value(enc, ls.x, w)
    ls.run_weeks()
    assert ls.value == objective_value(enc, ls.x, w)
    assert objective_value(enc, ls.x, w) <= objective_value(enc, x, w)
    # moves keep the hard rules a rota met
    if not hard_violations(enc, x):
        assert hard_violations(enc, ls.x) == []


def test_the_report_keeps_named_items_and_their_sums():
    snap, start, end = _synth(weeks=4, seed=5, partners=6)
    res = optimise(snap, start, end, _ledger(snap), settings=OptimiserSettings(time_limit_seconds=5.0, num_workers=1))
    rep = res.report
    assert res.feasible and rep.items.height > 0
    assert rep.items["weighted"].sum() == rep.objective == rep.terms["weighted"].sum()
    assert rep.items["item"].str.contains(r"^S\d+[_\[]").all()
    top = rep.largest(5)
    assert top.height == 5 and top["weighted"].is_sorted(descending=True) and top["text"].str.len_chars().min() > 10
    assert rep.best_bound <= rep.objective and rep.gap == pytest.approx((rep.objective - rep.best_bound) / rep.objective)
    assert rep.bound_source in ("flow relaxation", "LP relaxation", "CP-SAT")
    assert rep.solver_params["mode"] == "reproducible" and rep.solver_params["seed"] == 0
    assert rep.solver_params["relative_gap_limit"] == 0.001 and rep.stages[0]["stage"] == "flow"
    assert set(rep.partners["clinician_id"]) == {c for c in enc_partners(snap, start, end)}


def enc_partners(snap, start, end):
    return build_encoding(snap, start, end, _ledger(snap)).partners


def test_cpsat_parameter_overrides_are_applied_and_recorded(monkeypatch):
    snap, start, end = _synth(weeks=2, seed=4, partners=4)
    monkeypatch.setenv("ROTACC_CPSAT_PARAMS", "linearization_level=2")
    s = OptimiserSettings(time_limit_seconds=3.0, num_workers=1, relative_gap_limit=0.0)
    rep = optimise(snap, start, end, _ledger(snap), settings=s).report
    assert rep.solver_params["cpsat_overrides"] == {"linearization_level": "2"}
    if "cpsat" in rep.solver_params:  # the search ran (it does unless a relaxation proved the rota optimal)
        assert rep.solver_params["cpsat"]["linearization_level"] == 2
    monkeypatch.setenv("ROTACC_CPSAT_PARAMS", "no_such_parameter=1")
    from rotacc_lab.generation.optimisation import OptimiserInputError

    with pytest.raises(OptimiserInputError, match="no_such_parameter"):
        optimise(snap, start, end, _ledger(snap), settings=OptimiserSettings(time_limit_seconds=3.0, num_workers=1,
                                                                            relative_gap_limit=0.0))
