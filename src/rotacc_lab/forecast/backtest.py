"""Rolling-origin backtests: refit at each origin, forecast the next days, score against what happened.

With ``folds`` = 4 and ``horizon`` = 28 the origins are the last day before each
of the last four 28-day blocks of the history; each fold fits on everything up
to its origin only (nothing later leaks in) and forecasts its block. Days are
scored when they have a value above zero (MAPE is undefined at zero, and a
closed day forecast as closed says nothing about skill); every model is scored
on the same days. Skill is ``1 - MAE / MAE(snaive)`` (and the same for MAPE):
above 0 the model beats "the same day last week".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

import numpy as np

from ..activity import ActivitySeries
from .calendar_layer import prepare
from .models import BASELINE, MAX_HORIZON, Forecast, check_model, forecast_prepared

MAX_FOLDS = 52


@dataclass(frozen=True)
class Score:
    """One model's errors over all folds."""

    model: str
    days: int
    mae: float
    mape: float  # percent
    cover80: float  # percent of scored days inside the 80 % interval
    cover95: float
    skill_mae: float  # 1 - MAE / MAE(baseline)
    skill_mape: float
    seconds: float  # fitting and forecasting, all folds

    def row(self) -> dict:
        return {k: getattr(self, k) for k in ("model", "days", "mae", "mape", "cover80", "cover95", "skill_mae",
                                               "skill_mape", "seconds")}


@dataclass(frozen=True)
class Fold:
    origin: date
    forecasts: dict[str, Forecast]
    actual: tuple[float, ...]  # NaN where the history has no value


@dataclass(frozen=True)
class Backtest:
    series: str
    horizon: int
    folds: tuple[Fold, ...]
    scores: tuple[Score, ...]

    def score(self, model: str) -> Score:
        for s in self.scores:
            if s.model == model:
                return s
        raise KeyError(model)

    def table(self) -> str:
        """The scores as an aligned text table."""
        head = f"{'model':<8}{'days':>6}{'MAE':>9}{'MAPE %':>9}{'cover80 %':>11}{'cover95 %':>11}{'skill MAE':>11}" \
               f"{'skill MAPE':>12}{'seconds':>9}"
        lines = [f"backtest of {self.series}: {len(self.folds)} folds x {self.horizon} days, origins "
                 f"{', '.join(str(f.origin) for f in self.folds)}", head]
        for s in self.scores:
            lines.append(f"{s.model:<8}{s.days:>6}{s.mae:>9.2f}{s.mape:>9.2f}{s.cover80:>11.1f}{s.cover95:>11.1f}"
                         f"{s.skill_mae:>11.3f}{s.skill_mape:>12.3f}{s.seconds:>9.2f}")
        return "\n".join(lines)


def _check(folds: object, horizon: object, n: int) -> None:
    if not (isinstance(folds, int) and not isinstance(folds, bool) and 1 <= folds <= MAX_FOLDS):
        raise ValueError(f"folds: {folds!r} is not accepted; give a whole number from 1 to {MAX_FOLDS}")
    if not (isinstance(horizon, int) and not isinstance(horizon, bool) and 1 <= horizon <= MAX_HORIZON):
        raise ValueError(f"horizon: {horizon!r} is not accepted; give a whole number of days from 1 to {MAX_HORIZON}")
    if n - folds * horizon < 56:
        raise ValueError(f"folds x horizon: {folds} x {horizon} days leaves {n - folds * horizon} days to fit the first "
                         "fold on; give fewer folds, a shorter horizon or a longer history (at least 56 days to fit)")


def backtest(series: ActivitySeries, nation: str, models: Sequence[str] = ("ets",), folds: int = 4,
             horizon: int = 28, *, progress: Callable[[int, int, str], None] | None = None) -> Backtest:
    """Rolling-origin evaluation of ``models`` (the baseline ``snaive`` is always added)."""
    names = list(dict.fromkeys([check_model(m) for m in models] + [BASELINE]))
    span = (series.end - series.start).days + 1
    _check(folds, horizon, span)
    full = series.as_dict()
    out_folds: list[Fold] = []
    seconds = {m: 0.0 for m in names}
    step, total = 0, folds * len(names)
    for f in range(folds):
        cut = span - horizon * (folds - f)
        origin = series.start.fromordinal(series.start.toordinal() + cut - 1)
        prep = prepare(series.between(end=origin), nation)
        fcs = {}
        for m in names:
            t0 = time.perf_counter()
            fcs[m] = forecast_prepared(prep, m, horizon)
            seconds[m] += time.perf_counter() - t0
            step += 1
            if progress is not None:
                progress(step, total, f"fold {f + 1}/{folds} {m}")
        actual = tuple(full.get(d, math.nan) for d in fcs[names[0]].dates)
        out_folds.append(Fold(origin, fcs, actual))
    return Backtest(series.name, horizon, tuple(out_folds), tuple(_scores(out_folds, names, seconds)))


def _scores(folds: list[Fold], names: list[str], seconds: dict[str, float]) -> list[Score]:
    raw = {}
    for m in names:
        ae, ape, c80, c95 = [], [], [], []
        for f in folds:
            a = np.array(f.actual)
            fc = f.forecasts[m]
            ok = ~np.isnan(a) & (np.nan_to_num(a) > 0)
            mean = np.array(fc.mean)
            err = np.abs(a - mean)[ok]
            ae += list(err)
            ape += list(err / a[ok])
            for level, acc in ((80, c80), (95, c95)):
                lo, hi = (np.array(b) for b in fc.bounds(level))
                acc += list(((lo <= a) & (a <= hi))[ok])
        days = len(ae)
        raw[m] = (days, _mean(ae), 100 * _mean(ape), 100 * _mean(c80), 100 * _mean(c95))
    base = raw[BASELINE]
    out = []
    for m in names:
        days, mae, mape, c80, c95 = raw[m]
        out.append(Score(m, days, mae, mape, c80, c95, _skill(mae, base[1]), _skill(mape, base[2]), seconds[m]))
    return out


def _mean(xs: list) -> float:
    return float(np.mean(xs)) if xs else math.nan


def _skill(err: float, base: float) -> float:
    return 1 - err / base if base > 0 else math.nan
