"""Altair charts of history, forecast and its 80 % and 95 % intervals (altair imported lazily)."""

from __future__ import annotations

from datetime import timedelta

from ..activity import ActivitySeries
from .backtest import Backtest
from .models import Forecast


def _frames(history: ActivitySeries, forecasts: list[Forecast], history_days: int):
    import pandas as pd

    start = history.end - timedelta(days=history_days - 1) if history_days else history.start
    hist = pd.DataFrame({"date": pd.to_datetime(list(history.dates)), "value": list(history.values)})
    hist = hist[hist["date"] >= pd.Timestamp(start)]
    fc = pd.DataFrame([{**r, "date": pd.Timestamp(r["date"]), "origin": str(f.origin)}
                       for f in forecasts for r in f.rows()])
    return hist, fc


def forecast_chart(history: ActivitySeries, forecast: Forecast, history_days: int = 182):
    """History (the last ``history_days``), the point forecast and both interval bands."""
    return _chart(history, [forecast], history_days, f"{forecast.series}: {forecast.model} forecast from {forecast.origin}")


def backtest_chart(history: ActivitySeries, bt: Backtest, model: str, history_days: int = 182):
    """Each fold's forecast of ``model`` laid over what actually happened."""
    return _chart(history, [f.forecasts[model] for f in bt.folds], history_days,
                  f"{bt.series}: {model} backtest, {len(bt.folds)} folds x {bt.horizon} days")


def _chart(history: ActivitySeries, forecasts: list[Forecast], history_days: int, title: str):
    from .._alt import alt

    hist, fc = _frames(history, forecasts, history_days)
    x = alt.X("date:T", title=None)
    band95 = alt.Chart(fc).mark_area(opacity=0.18, color="#4c78a8").encode(
        x=x, y=alt.Y("lo95:Q", title=history.name), y2="hi95:Q", detail="origin:N")
    band80 = alt.Chart(fc).mark_area(opacity=0.32, color="#4c78a8").encode(x=x, y="lo80:Q", y2="hi80:Q",
                                                                           detail="origin:N")
    point = alt.Chart(fc).mark_line(color="#1f4e79").encode(
        x=x, y="mean:Q", detail="origin:N",
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("mean:Q", format=".1f"), alt.Tooltip("lo80:Q", format=".1f"),
                 alt.Tooltip("hi80:Q", format=".1f"), alt.Tooltip("lo95:Q", format=".1f"),
                 alt.Tooltip("hi95:Q", format=".1f")])
    actual = alt.Chart(hist).mark_line(color="#555555", strokeWidth=1).encode(
        x=x, y="value:Q", tooltip=[alt.Tooltip("date:T"), alt.Tooltip("value:Q")])
    return (band95 + band80 + actual + point).properties(width=760, height=260, title=title)
