"""tuning: Pareto front on hand-made points (and properties), choice, grid expansion, saving, a real sweep."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _nb_helpers import END, START, _nb_demo_template, demo_ws  # noqa: F401 - fixtures
from rotacc_lab import tuning
from rotacc_lab.domain import DEFAULT_WEIGHTS, SOFT_TERMS
from rotacc_lab.store import Workspace


def _front(points: list[tuple], **kw) -> list[bool]:
    df = pl.DataFrame(points, schema=["a", "b"], orient="row")
    return tuning.pareto_front(df, ["a", "b"], **kw)["pareto"].to_list()


def test_pareto_front_of_hand_made_points() -> None:
    #            p0      p1      p2      p3 (dominated by p1)  p4 (dominated by p0 and p1)
    points = [(1.0, 5.0), (2.0, 2.0), (5.0, 1.0), (3.0, 3.0), (2.0, 6.0)]
    assert _front(points) == [True, True, True, False, False]


def test_pareto_front_edge_cases() -> None:
    assert _front([(1.0, 1.0), (1.0, 1.0), (2.0, 2.0)]) == [True, True, False]  # duplicates are both on it
    assert _front([(1.0, 2.0), (1.0, 3.0)]) == [True, False]  # equal on one, worse on the other
    assert _front([(None, 1.0), (3.0, 3.0)]) == [False, True]  # an unmeasured row is never on the front
    assert _front([(float("nan"), 0.0), (3.0, 3.0)]) == [False, True]
    assert _front([(1.0, 5.0), (2.0, 2.0)], maximise=["b"]) == [True, False]  # (1, 5) now better on both


def test_pareto_front_refuses_unknown_columns() -> None:
    df = pl.DataFrame({"a": [1.0]})
    with pytest.raises(tuning.TuningError, match=r"objectives: column\(s\) zz not in the table"):
        tuning.pareto_front(df, ["a", "zz"])
    with pytest.raises(tuning.TuningError, match="maximise: b not among the objectives"):
        tuning.pareto_front(df, ["a"], maximise=["b"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=25))
def test_front_properties(points: list[tuple[int, int, int]]) -> None:
    df = pl.DataFrame(points, schema=["x", "y", "z"], orient="row")
    flags = tuning.pareto_front(df, ["x", "y", "z"])["pareto"].to_list()
    front = [p for p, f in zip(points, flags) if f]
    assert front, "a non-empty set always has a non-dominated point"
    for p, f in zip(points, flags):
        if f:  # nothing dominates a front point
            assert not any(tuning.dominates(q, p) for q in points)
        else:  # every other point is dominated by some front point (dominance is transitive)
            assert any(tuning.dominates(q, p) for q in front)


def test_choose_takes_the_balanced_front_point() -> None:
    w = lambda s5: {t: (s5 if t == "S5" else 0) for t in SOFT_TERMS}  # noqa: E731
    df = pl.DataFrame({
        "a": [0.0, 10.0, 4.0, 9.0],
        "b": [10.0, 0.0, 4.0, 9.0],
        "weights": [w(1), w(2), w(3), w(4)],
    })
    assert tuning.choose(df, ["a", "b"])["S5"] == 3  # 0.4 + 0.4 beats 0 + 1 and 1 + 0; row 4 is dominated


def test_expand_grid_products_and_lists() -> None:
    pts = tuning.expand_grid({"S5": [0, 50], "s11": [100, 500]}, DEFAULT_WEIGHTS)
    assert [(p["S5"], p["S11"]) for p in pts] == [(0, 100), (0, 500), (50, 100), (50, 500)]
    assert all(p["S7"] == DEFAULT_WEIGHTS["S7"] for p in pts)
    same = tuning.expand_grid([{"S5": 1}, {"S5": 1}, {"S5": 2}], DEFAULT_WEIGHTS)
    assert [p["S5"] for p in same] == [1, 2]
    with pytest.raises(tuning.TuningError, match=r"unknown term\(s\) S99"):
        tuning.expand_grid({"S99": [1]}, DEFAULT_WEIGHTS)
    with pytest.raises(tuning.TuningError, match=r"optimiser\.weights\.S5: -1"):
        tuning.expand_grid({"S5": [-1]}, DEFAULT_WEIGHTS)


def test_save_weights_writes_an_audited_settings_row(demo_ws: Path) -> None:
    new = tuning.save_weights(demo_ws, {"S5": 75}, actor="notebook:test")
    assert new.optimiser.weights["S5"] == 75
    ws = Workspace.open(demo_ws, read_only=True)
    assert ws.load_settings().optimiser.weights["S5"] == 75
    assert ws.load_settings().optimiser.weights["S11"] == 500  # other terms kept
    row = ws.audit_history("settings", "practice")[-1]
    assert row["action"] == "tune-weights" and row["actor"] == "notebook:test"
    assert row["before"]["optimiser.weights.S5"] == 50 and row["after"]["optimiser.weights.S5"] == 75
    with pytest.raises(tuning.TuningError, match="S5"):
        tuning.save_weights(demo_ws, {"S5": -3})


@pytest.mark.slow
def test_sweep_is_pure_and_reproducible(demo_ws: Path) -> None:
    ws = Workspace.open(demo_ws, read_only=True)
    snap = ws.load_snapshot()
    version = ws.data_version()
    grid = {"S5": [0, 200]}
    one = tuning.sweep(snap, START, END, grid, time_limit=1.0)
    assert one.height == 2 and one["S5"].to_list() == [0, 200]
    assert set(tuning.OBJECTIVES) <= set(one.columns)
    assert one.filter(pl.col("status").is_in(["OPTIMAL", "FEASIBLE"])).height == 2
    assert ws.data_version() == version  # nothing written
    again = tuning.sweep(snap, START, END, grid, time_limit=1.0)
    assert one.select(tuning.OBJECTIVES).equals(again.select(tuning.OBJECTIVES))  # reproducible mode


def test_outcome_metrics_on_the_imported_demo(demo_ws: Path) -> None:
    from datetime import date

    snap = Workspace.open(demo_ws, read_only=True).load_snapshot()
    m = tuning.outcome_metrics(snap, date(2026, 1, 5), date(2026, 1, 9))  # the imported first week
    assert set(m) == set(tuning.OBJECTIVES) and all(v >= 0 for v in m.values())
    # the imported week has no rota for most days: nobody is over the minimum
    assert m["overstaffing"] == 0.0


def _front_table(rows: list[tuple[int, int, float, float]]) -> pl.DataFrame:
    """(S5, S11, a, b) rows; weights hold every term (0 except S5 and S11)."""
    w = lambda s5, s11: {t: (s5 if t == "S5" else s11 if t == "S11" else 0) for t in SOFT_TERMS}  # noqa: E731
    return pl.DataFrame({
        "S5": [r[0] for r in rows], "S11": [r[1] for r in rows],
        "a": [r[2] for r in rows], "b": [r[3] for r in rows],
        "weights": [w(r[0], r[1]) for r in rows],
    })


def test_the_balanced_pick_keeps_the_primary_term_on_and_says_when_that_mattered() -> None:
    # the best-scoring front point (0.4 + 0.4) has S11 = 0; the pick is the best one that keeps S11 on
    df = _front_table([(1, 500, 0.0, 10.0), (2, 500, 10.0, 0.0), (3, 0, 4.0, 4.0), (4, 500, 2.0, 6.0)])
    choice = tuning.choose_balanced(df, ["a", "b"])
    assert choice.weights["S11"] == 500 and choice.weights["S5"] == 4  # 0.2 + 0.6 beats 0 + 1
    assert choice.notice is not None
    assert "S5 = 3, S11 = 0" in choice.notice and "switches off the primary term" in choice.notice
    assert tuning.choose(df, ["a", "b"]) == choice.weights
    # when the best point keeps S11 on, there is nothing to say
    on = _front_table([(1, 500, 0.0, 10.0), (2, 500, 10.0, 0.0), (3, 100, 4.0, 4.0), (4, 0, 2.0, 9.0)])
    quiet = tuning.choose_balanced(on, ["a", "b"])
    assert quiet.weights["S5"] == 3 and quiet.notice is None
    # S11 off in every front point: the pick has it off and says so
    off = _front_table([(1, 0, 0.0, 10.0), (3, 0, 4.0, 4.0)])
    forced = tuning.choose_balanced(off, ["a", "b"])
    assert forced.weights["S11"] == 0 and "is 0 in every Pareto-front point" in forced.notice


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0, 100, 500]), st.integers(0, 6), st.integers(0, 6)),
                min_size=1, max_size=12))
def test_the_balanced_pick_is_on_the_front_and_never_silently_drops_s11(rows) -> None:
    df = _front_table([(a, b, float(x), float(y)) for a, b, x, y in rows])
    marked = tuning.pareto_front(df, ["a", "b"])
    choice = tuning.choose_balanced(marked, ["a", "b"])
    front = marked.filter(pl.col("pareto"))
    assert choice.weights in [dict(w) for w in front["weights"]]
    if choice.weights["S11"] == 0:
        assert choice.notice is not None  # switched off: always said
        assert all(dict(w)["S11"] == 0 for w in front["weights"])


def test_tradeoff_points_are_labelled_with_their_weights() -> None:
    df = _front_table([(0, 100, 1.0, 3.0), (50, 500, 2.0, 1.0)]).rename({"a": "report_fairness", "b": "overstaffing"})
    spec = tuning.tradeoff_chart(df, "report_fairness", "overstaffing", label_terms=["S5", "S11"]).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert "text" in marks
    (data,) = spec["datasets"].values()
    assert [row["weights_label"] for row in data] == ["S5=0 S11=100", "S5=50 S11=500"]
    unlabelled = tuning.tradeoff_chart(df.drop("S5", "S11"), "report_fairness", "overstaffing").to_dict()
    (rows,) = unlabelled["datasets"].values()
    assert rows[0]["weights_label"].startswith("S1=0 S2=0") and "S11=100" in rows[0]["weights_label"]
