"""Demand forecasting from daily activity, with prediction intervals and honest backtests.

Public API (statsforecast and numba are imported only when a model runs)::

    forecast_series(series, nation, model="ets", horizon=28) -> Forecast
    backtest(series, nation, models, folds=4, horizon=28) -> Backtest
    StaffingRule, cover_plan                     activity -> required cover, rounded up
    MODELS, DEFAULT_MODEL, BASELINE, MAX_HORIZON

See docs/forecasting.md for the method and measured figures.
"""

from __future__ import annotations

from ..activity import ActivitySeries
from .backtest import Backtest, Fold, Score, backtest
from .calendar_layer import prepare
from .models import BASELINE, LEVELS, MAX_HORIZON, MODELS, Forecast, check_horizon, check_model, numba_cache_dir
from .staffing import CoverDay, StaffingRule, cover_plan

DEFAULT_MODEL = "ets"


def forecast_series(series: ActivitySeries, nation: str, model: str = DEFAULT_MODEL, horizon: int = 28) -> Forecast:
    """Forecast the ``horizon`` days after the last day of ``series`` (bank holidays of ``nation``)."""
    from .models import forecast_prepared

    check_model(model)
    check_horizon(horizon)
    return forecast_prepared(prepare(series, nation), model, horizon)


__all__ = [
    "forecast_series", "backtest", "Backtest", "Fold", "Score", "Forecast", "StaffingRule", "CoverDay", "cover_plan",
    "MODELS", "DEFAULT_MODEL", "BASELINE", "LEVELS", "MAX_HORIZON", "numba_cache_dir", "prepare",
]
