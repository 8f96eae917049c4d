"""The forecasting models, on ``statsforecast`` (imported lazily: it pulls in numba).

``snaive``  seasonal naive, "the same day last week", on the raw daily series: the
            baseline every skill score is measured against. It sees no calendar layer.
``ets``     AutoETS with the weekly season on the open-day series, after removing a
            yearly Fourier curve fitted by least squares (added back to the forecast).
``arima``   AutoARIMA with the weekly season and the yearly Fourier terms as
            regressors (regression with ARIMA errors).
``mstl``    MSTL: STL decomposition with the weekly and the yearly season and an ETS
            trend. STL needs two full years for the yearly season; with less history
            the yearly season is the same Fourier curve as ``ets`` uses.

All but ``snaive`` go through the calendar layer (``calendar_layer``): closed
weekdays, special-day factors, gaps, the log transform.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from .calendar_layer import Prepared, fourier, special_multipliers, CLOSED_FACTOR

MODELS = ("ets", "arima", "mstl", "snaive")
BASELINE = "snaive"
LEVELS = (80, 95)
MAX_HORIZON = 84
FOURIER_K = 3


def numba_cache_dir() -> Path:
    """Where numba keeps compiled statsforecast functions between processes."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "rotacc-lab" / "numba"


def _statsforecast():
    """Import statsforecast's models with numba's on-disk cache switched on (set before the import)."""
    if "NUMBA_CACHE_DIR" not in os.environ:
        path = numba_cache_dir()
        try:
            path.mkdir(parents=True, exist_ok=True)
            os.environ["NUMBA_CACHE_DIR"] = str(path)
        except OSError:  # an unwritable home: numba then compiles in memory every run
            pass
    os.environ.setdefault("NIXTLA_NUMBA_CACHE", "1")
    import statsforecast.models as sfm

    return sfm


@dataclass(frozen=True)
class Forecast:
    """Daily forecasts with 80 % and 95 % intervals (``closed`` days are exactly 0)."""

    series: str
    model: str
    origin: date  # the last observed day
    dates: tuple[date, ...]
    mean: tuple[float, ...]
    lo80: tuple[float, ...]
    hi80: tuple[float, ...]
    lo95: tuple[float, ...]
    hi95: tuple[float, ...]
    closed: tuple[bool, ...]

    def bounds(self, level: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
        if level == 80:
            return self.lo80, self.hi80
        if level == 95:
            return self.lo95, self.hi95
        raise ValueError(f"level: {level!r} is not accepted; give 80 or 95")

    def rows(self) -> list[dict]:
        return [
            {"date": d, "series": self.series, "model": self.model, "mean": m, "lo80": a, "hi80": b, "lo95": c,
             "hi95": e, "closed": z}
            for d, m, a, b, c, e, z in zip(self.dates, self.mean, self.lo80, self.hi80, self.lo95, self.hi95,
                                           self.closed)
        ]


def check_model(model: str) -> str:
    if model not in MODELS:
        raise ValueError(f"model: {model!r} is not accepted; give one of {', '.join(MODELS)}")
    return model


def check_horizon(horizon: object) -> int:
    if not (isinstance(horizon, int) and not isinstance(horizon, bool) and 1 <= horizon <= MAX_HORIZON):
        raise ValueError(f"horizon: {horizon!r} is not accepted; give a whole number of days from 1 to {MAX_HORIZON} "
                         "(12 weeks)")
    return horizon


def _yearly_k(prep: Prepared) -> int:
    """Fourier pairs for the yearly season: none with under a year of history."""
    return FOURIER_K if len(prep.dates) >= 365 else 0


def _remove_yearly(prep: Prepared, z: np.ndarray, k: int, future_days: list[date]) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares yearly curve (with weekday dummies so the weekly pattern does not leak in).

    Returns (its in-sample values, its values on ``future_days``); zeros when ``k`` is 0.
    """
    days = prep.open_dates
    if k == 0:
        return np.zeros(len(days)), np.zeros(len(future_days))
    wd = sorted({d.weekday() for d in days})

    def design(ds: list[date]) -> np.ndarray:
        dummies = np.array([[1.0 if d.weekday() == w else 0.0 for w in wd] for d in ds])
        return np.column_stack([dummies, fourier(ds, k)])

    coef, *_ = np.linalg.lstsq(design(days), z, rcond=None)
    yearly = coef[len(wd):]
    return fourier(days, k) @ yearly, fourier(future_days, k) @ yearly


def _regressors(prep: Prepared, days: list[date], k: int) -> np.ndarray:
    """Dummies of the open weekdays but the first (the reference) and ``k`` yearly Fourier pairs."""
    weekdays = [w for w in range(7) if w not in prep.closed][1:]
    dummies = np.array([[1.0 if d.weekday() == w else 0.0 for w in weekdays] for d in days]).reshape(len(days), -1)
    return np.column_stack([dummies, fourier(days, k)])


def _model_forecast(prep: Prepared, model: str, h_open: int, future_open: list[date]) -> dict[str, np.ndarray]:
    """Forecast ``h_open`` open days in model space: keys mean, lo-80, hi-80, lo-95, hi-95."""
    sfm = _statsforecast()
    z = prep.to_model(prep.clean)
    s = prep.season
    levels = list(LEVELS)
    if model == "arima":
        k = _yearly_k(prep)
        x, xf = _regressors(prep, prep.open_dates, k), _regressors(prep, future_open, k)
        return sfm.AutoARIMA(season_length=1, approximation=True).forecast(y=z, h=h_open, X=x, X_future=xf, level=levels)
    if model == "mstl":
        yearly_period = int(round(365.25 * s / 7))
        if len(z) >= 2 * yearly_period + s:
            m = sfm.MSTL(season_length=[s, yearly_period], trend_forecaster=sfm.AutoETS(model="ZZN"))
            return m.forecast(y=z, h=h_open, level=levels)
        insample, ahead = _remove_yearly(prep, z, _yearly_k(prep), future_open)
        m = sfm.MSTL(season_length=s, trend_forecaster=sfm.AutoETS(model="ZZN"))
        out = m.forecast(y=z - insample, h=h_open, level=levels)
        return {key: np.asarray(v) + ahead for key, v in out.items()}
    if model == "ets":
        insample, ahead = _remove_yearly(prep, z, _yearly_k(prep), future_open)
        out = sfm.AutoETS(season_length=s).forecast(y=z - insample, h=h_open, level=levels)
        return {key: np.asarray(v) + ahead for key, v in out.items()}
    raise AssertionError(model)  # pragma: no cover - check_model ran first


_KEYS = ("mean", "lo-80", "hi-80", "lo-95", "hi-95")


def forecast_prepared(prep: Prepared, model: str, horizon: int) -> Forecast:
    """Forecast the ``horizon`` days after the history of ``prep`` with ``model``."""
    check_model(model)
    check_horizon(horizon)
    days, cats, open_ahead = prep.future(horizon)
    if model == "snaive":
        return _snaive(prep, days, horizon)
    future_open = [d for d, o in zip(days, open_ahead) if o]
    cols = {k: np.zeros(horizon) for k in _KEYS}
    if future_open:
        with warnings.catch_warnings():
            # statsforecast's optimisers warn about convergence on near-deterministic series; the fit
            # is still used and scored, so the warning would only alarm a user of the CLI
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            out = _model_forecast(prep, model, len(future_open), future_open)
        for k in _KEYS:
            cols[k][open_ahead] = np.maximum(prep.from_model(np.asarray(out[k], dtype=float)), 0.0)
    mult = special_multipliers(prep, cats)
    shut = (~open_ahead) | (mult < CLOSED_FACTOR)
    for k in _KEYS:
        cols[k] = np.where(shut, 0.0, cols[k] * mult)
    return _make(prep, model, days, cols, shut)


def _snaive(prep: Prepared, days: list[date], horizon: int) -> Forecast:
    sfm = _statsforecast()
    y = prep.actual.copy()
    if np.isnan(y).any():  # a gap: carry the same weekday forward (a week earlier), else 0
        for i in np.flatnonzero(np.isnan(y)):
            y[i] = y[i - 7] if i >= 7 and not np.isnan(y[i - 7]) else 0.0
    out = sfm.SeasonalNaive(season_length=7).forecast(y=y, h=horizon, level=list(LEVELS))
    cols = {k: np.maximum(np.asarray(out[k], dtype=float), 0.0) for k in _KEYS}
    shut = np.zeros(horizon, dtype=bool)
    return _make(prep, "snaive", days, cols, shut)


def _make(prep: Prepared, model: str, days: list[date], cols: dict[str, np.ndarray], shut: np.ndarray) -> Forecast:
    t = lambda a: tuple(float(x) for x in a)  # noqa: E731
    return Forecast(prep.series, model, prep.origin, tuple(days), t(cols["mean"]), t(cols["lo-80"]), t(cols["hi-80"]),
                    t(cols["lo-95"]), t(cols["hi-95"]), tuple(bool(x) for x in shut))
