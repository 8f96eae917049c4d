"""Forecasting: series whose answer is known, the calendar layer, backtests, the staffing rule, the CLI."""

from __future__ import annotations

import json
import math
import warnings
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotacc_lab.activity import ActivitySeries
from rotacc_lab.calendar import bank_holidays
from rotacc_lab.forecast import (
    BASELINE,
    MODELS,
    StaffingRule,
    backtest,
    cover_plan,
    forecast_series,
    prepare,
)

warnings.filterwarnings("ignore", category=RuntimeWarning)

START = date(2024, 1, 1)


def _series(values, name="x", start=START) -> ActivitySeries:
    days = tuple(start + timedelta(days=i) for i in range(len(values)))
    return ActivitySeries(name, days, tuple(float(v) for v in values))


WEEK = [120.0, 100.0, 95.0, 90.0, 110.0, 60.0, 50.0]


@pytest.mark.parametrize("model", MODELS)
def test_a_pure_weekly_pattern_is_forecast_exactly(model) -> None:
    """Seven values repeating without noise: every model gives the pattern back, intervals collapse on it.

    The span (5 June to 22 October 2023) holds the August bank holiday; its value follows
    the pattern, so its learned factor is 1 and it changes nothing.
    """
    start = date(2023, 6, 5)
    s = _series([WEEK[(start + timedelta(days=i)).weekday()] for i in range(140)], start=start)
    f = forecast_series(s, "england", model, 28)
    want = [WEEK[d.weekday()] for d in f.dates]
    assert f.dates[0] == s.end + timedelta(days=1) and len(f.dates) == 28
    np.testing.assert_allclose(f.mean, want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(f.lo95, want, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(f.hi95, want, rtol=1e-4, atol=1e-3)


def _practice_pattern(start: date, n: int, nation: str = "england") -> ActivitySeries:
    days = [start + timedelta(days=i) for i in range(n)]
    hols = bank_holidays(nation, range(days[0].year, days[-1].year + 2))
    week = [300.0, 260.0, 250.0, 240.0, 220.0, 0.0, 0.0]
    return ActivitySeries("appointments", tuple(days), tuple(0.0 if d in hols else week[d.weekday()] for d in days))


@pytest.mark.parametrize("model", [m for m in MODELS if m != BASELINE])
def test_a_practice_is_forecast_shut_at_weekends_and_on_bank_holidays(model) -> None:
    s = _practice_pattern(date(2024, 1, 1), 700)  # to 2025-11-30; the horizon holds Christmas 2025
    f = forecast_series(s, "england", model, 42)
    hols = bank_holidays("england", [2025, 2026])
    for d, m, closed in zip(f.dates, f.mean, f.closed):
        assert closed == (d.weekday() >= 5 or d in hols), d
        if closed:
            assert m == 0
    assert date(2025, 12, 25) in f.dates and f.closed[f.dates.index(date(2025, 12, 25))]


def test_exporting_only_open_days_means_the_same_as_zeros_at_weekends() -> None:
    full = _practice_pattern(date(2024, 1, 1), 364)
    open_only = ActivitySeries(full.name, *zip(*[(d, v) for d, v in zip(full.dates, full.values) if d.weekday() < 5]))
    a, b = prepare(full, "england"), prepare(open_only, "england")
    assert a.closed == b.closed == frozenset({5, 6}) and a.season == 5
    np.testing.assert_array_equal(a.clean, b.clean)
    assert a.factors == b.factors and a.factors["bank_holiday"] == 0.0


def test_special_day_factors_are_learned_from_history() -> None:
    days = [date(2023, 1, 2) + timedelta(days=i) for i in range(730)]
    hols = bank_holidays("england", [2023, 2024])
    vals = [200.0 * (1.5 if d in hols else 1.0) for d in days]
    p = prepare(ActivitySeries("a", tuple(days), tuple(vals)), "england")
    assert p.closed == frozenset() and p.season == 7
    assert p.factors["bank_holiday"] == pytest.approx(1.5)
    assert p.factors["christmas_day"] == pytest.approx(1.5)  # 25 Dec 2023 is a bank holiday (a Monday)
    assert p.factors["after_bank_holiday"] == pytest.approx(1.0)
    assert np.allclose(p.clean, 200.0)


def test_gaps_are_filled_and_too_many_are_refused() -> None:
    vals = [WEEK[(START + timedelta(days=i)).weekday()] for i in range(120)]
    s = _series(vals)
    gappy = ActivitySeries("x", s.dates[:50] + s.dates[53:], s.values[:50] + s.values[53:])
    p = prepare(gappy, "scotland")
    assert not np.isnan(p.clean).any()
    np.testing.assert_allclose(p.clean[50:53], [WEEK[d.weekday()] for d in s.dates[50:53]])
    holey = ActivitySeries("x", s.dates[::2], s.values[::2])
    with pytest.raises(ValueError, match="open days have no value"):
        prepare(holey, "england")


@pytest.mark.parametrize("bad, fragment", [
    ({"model": "prophet"}, "model: 'prophet' is not accepted; give one of ets, arima, mstl, snaive"),
    ({"horizon": 0}, "horizon: 0 is not accepted"),
    ({"horizon": 85}, "horizon: 85 is not accepted"),
])
def test_bad_parameters_are_named(bad, fragment) -> None:
    s = _series([WEEK[(START + timedelta(days=i)).weekday()] for i in range(60)])
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        forecast_series(s, "england", **{"model": "ets", "horizon": 7, **bad})
    with pytest.raises(ValueError, match="too short"):
        forecast_series(_series([1.0] * 20), "england")
    with pytest.raises(ValueError, match="every weekday is zero"):
        forecast_series(_series([0.0] * 60), "england")


def test_intervals_on_pure_noise_of_known_variance_cover_nominally() -> None:
    """Gaussian noise around a constant, 36 fixed seeds, 28 days each: coverage near 80 % and 95 %.

    The days of one draw share one fitted model, so the draws, not the days, are the
    independent units: the per-draw coverages are averaged and the tolerance is 4
    standard errors of that average, estimated from the 36 draws (at least 1 point).
    The seeds are fixed, so the test is deterministic; the tolerance says how far a
    correct model may stray on this many draws.
    """
    per_draw = {80: [], 95: []}
    for seed in range(36):
        rng = np.random.default_rng(1000 + seed)
        s = _series(100 + 10 * rng.standard_normal(126 + 28), start=date(2023, 6, 5))
        hist = s.between(end=s.dates[125])
        f = forecast_series(hist, "scotland", "ets", 28)
        actual = np.array(s.values[126:])
        for level in (80, 95):
            lo, hi = (np.array(b) for b in f.bounds(level))
            per_draw[level].append(float(np.mean((lo <= actual) & (actual <= hi))))
    for level in (80, 95):
        cover = np.array(per_draw[level])
        tol = max(4 * cover.std(ddof=1) / math.sqrt(len(cover)), 0.01)
        assert abs(cover.mean() - level / 100) <= tol, (level, cover.mean(), tol)


def test_backtest_folds_are_honest_and_scored_on_the_same_days() -> None:
    rng = np.random.default_rng(7)
    vals = [WEEK[(START + timedelta(days=i)).weekday()] * (1 + 0.05 * rng.standard_normal()) for i in range(224)]
    s = _series(vals)
    bt = backtest(s, "scotland", ["ets", "mstl"], folds=3, horizon=14)
    assert [f.origin for f in bt.folds] == [s.dates[223 - 14 * k] for k in (3, 2, 1)]
    # a fold's forecast is exactly the forecast from the history cut at its origin: nothing later leaks in
    again = forecast_series(s.between(end=bt.folds[1].origin), "scotland", "ets", 14)
    assert again.mean == bt.folds[1].forecasts["ets"].mean
    assert {sc.days for sc in bt.scores} == {42}
    base = bt.score(BASELINE)
    assert base.skill_mae == 0 and base.skill_mape == 0
    assert "backtest of x: 3 folds x 14 days" in bt.table()
    with pytest.raises(ValueError, match="leaves 0 days to fit"):
        backtest(s, "england", ["ets"], folds=8, horizon=28)
    with pytest.raises(ValueError, match="folds: 0 is not accepted"):
        backtest(s, "england", ["ets"], folds=0)


def test_staffing_rule_rounds_every_bound_up() -> None:
    r = StaffingRule("doctors", "appointments", per=30, minimum=2)
    assert r.cover(121) == 5  # 4.03 -> 5, where int() would give 4
    assert r.cover(120) == 4
    assert r.cover(120 + 1e-12) == 4  # floating-point noise above a whole number does not add a person
    assert r.cover(10) == 2  # the minimum
    assert r.cover(500, closed=True) == 0
    night = StaffingRule("night", "attendances", per=25, share=0.2)
    assert night.cover(260) == 3  # 52 / 25 = 2.08 -> 3
    for kwargs, fragment in (({"per": 0}, "per: 0"), ({"share": 1.5}, "share: 1.5"), ({"minimum": -1}, "minimum: -1"),
                             ({"target": " "}, "target"), ({"series": "Bad"}, "series: 'Bad'")):
        with pytest.raises(ValueError, match=fragment):
            StaffingRule(**{"target": "t", "series": "s", "per": 1.0, **kwargs})


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 5000), st.floats(0.5, 100), st.floats(0.01, 1), st.integers(0, 5))
def test_cover_is_the_least_whole_number_that_is_enough(activity, per, share, minimum) -> None:
    r = StaffingRule("t", "s", per, share, minimum)
    c = r.cover(activity)
    need = share * activity / per
    assert c >= minimum and c >= need - 1e-9
    if c > minimum:
        assert c - 1 < need


def test_cover_plan_orders_the_bounds() -> None:
    rng = np.random.default_rng(3)
    s = _series([WEEK[(START + timedelta(days=i)).weekday()] * (1 + 0.1 * rng.standard_normal()) for i in range(150)])
    f = forecast_series(s, "england", "ets", 14)
    plan = cover_plan(f, [StaffingRule("staff", "x", per=20)], level=95)
    assert len(plan) == 14
    for c in plan:
        assert c.lower <= c.point <= c.upper and c.level == 95
    with pytest.raises(ValueError, match="none applies to series x"):
        cover_plan(f, [StaffingRule("staff", "y", per=20)])


# --------------------------------------------------------------------------- the CLI on a real workspace


@pytest.fixture
def activity_ws(workspace, tmp_path):
    from rotacc_lab.activity import write_activity_csv
    from rotacc_lab.store.activity import import_activity
    from rotacc_lab.synth_activity import synthetic_activity

    s = synthetic_activity("practice", seed=11, start=date(2025, 1, 1), end=date(2025, 12, 31), scale=0.5)
    p = tmp_path / "act.csv"
    write_activity_csv(p, [ActivitySeries("appointments", s["appointments"].dates, s["appointments"].values)])
    import_activity(workspace.path, p)
    return workspace


def _cli(*args):
    import typer
    from typer.testing import CliRunner

    from rotacc_lab.commands.forecast import register

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_forecast_json_with_cover_and_chart(activity_ws, tmp_path) -> None:
    chart = tmp_path / "f.html"
    res = _cli("forecast", activity_ws.path, "--horizon", "14", "--per", "30", "--target", "doctors", "--json",
               "--chart", chart)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["series"], out["model"], out["origin"], out["nation"]) == ("appointments", "ets", "2025-12-31", "england")
    assert chart.stat().st_mode & 0o777 == 0o600  # private, whatever the umask
    days = out["days"]
    assert [d["date"] for d in days][:2] == ["2026-01-01", "2026-01-02"] and len(days) == 14
    assert days[0]["closed"] and days[0]["cover"] == 0  # New Year's Day: the practice is shut
    for d in days:
        assert d["lo95"] <= d["lo80"] <= d["mean"] <= d["hi80"] <= d["hi95"]
        if not d["closed"]:
            assert d["cover"] == math.ceil(d["mean"] / 30 - 1e-9)
            assert d["cover_lo80"] == math.ceil(d["lo80"] / 30 - 1e-9)
    assert "vega" in chart.read_text()


def test_cli_backtest_prints_every_model_and_the_baseline(activity_ws) -> None:
    res = _cli("forecast", activity_ws.path, "--backtest", "--folds", "2", "--horizon", "14", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [s["model"] for s in out["scores"]] == ["ets", "arima", "mstl", "snaive"]
    assert out["origins"] == ["2025-12-03", "2025-12-17"]
    base = out["scores"][-1]
    assert base["skill_mae"] == 0 and base["days"] > 0
    text = _cli("forecast", activity_ws.path, "--backtest", "--folds", "2", "--horizon", "14")
    assert text.exit_code == 0 and "skill MAE" in text.stdout and "snaive" in text.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--model", "prophet"], "model: 'prophet' is not accepted"),
    (["--horizon", "100"], "horizon: 100 is not accepted"),
    (["--series", "beds"], "--series: 'beds' is not stored"),
    (["--per", "0"], "per: 0.0 is not accepted"),
    (["--per", "30", "--level", "90"], "--level: 90 is not accepted"),
])
def test_cli_errors_exit_2_without_a_traceback(activity_ws, args, fragment) -> None:
    res = _cli("forecast", activity_ws.path, *args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output and "Traceback" not in res.output


def test_cli_on_a_workspace_without_activity(workspace) -> None:
    res = _cli("forecast", workspace.path)
    assert res.exit_code == 2 and "holds no activity to forecast" in res.output
