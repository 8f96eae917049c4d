"""The calendar layer every forecasting model shares (numpy only; no statsforecast).

A daily activity series is turned into a regular series the models can fit, and
a model's output back into daily values, in four steps (docs/forecasting.md):

1. **Closed weekdays.** A weekday that never has a value, or whose values are at
   least 90 % zeros, is closed: it is forecast as exactly 0 and left out of the
   modelled series. What remains are the *open days*, a regular series of
   ``season`` open weekdays a week (5 for a practice, 7 for a department).
2. **Special days.** Bank holidays (of the workspace's nation), Christmas Day,
   Boxing Day, New Year's Day, the rest of the Christmas period (24 and 27-31
   December) and the first open day after a bank holiday each form a category.
   In the history their values are replaced by a *baseline*: the mean of the same
   weekday one and two weeks before and after (ordinary days only). A category's
   *factor* is the median ratio of actual to baseline over its history (1 when
   it has none). Forecasts on a special day are multiplied by its factor; a factor
   below 0.05 means the site is shut that day (a practice on a bank holiday) and
   the day is forecast as 0.
3. **Gaps** (missing days on open weekdays) are filled with the same baseline,
   then by interpolation, and are never scored.
4. **Transform.** Models fit ``log(1 + y)`` (count-like data: the spread grows
   with the level); point forecasts and interval bounds are transformed back,
   which keeps interval probabilities exact (quantiles survive a monotone
   transform) and makes the point forecast a median.

Yearly seasonality enters as ``K`` Fourier pairs of the day of the year
(:func:`fourier`), computed from calendar dates so they line up across gaps and
closed days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

import numpy as np

from ..activity import ActivitySeries
from ..calendar import bank_holidays

#: special-day categories, in the order a day is classified
CATEGORIES = ("christmas_day", "boxing_day", "new_year", "bank_holiday", "christmas_period", "after_bank_holiday")
CLOSED_FACTOR = 0.05
CLOSED_ZERO_SHARE = 0.9
MAX_GAP_SHARE = 0.1


@dataclass(frozen=True)
class Calendar:
    """Which days are special or closed, for a span of dates (history + horizon)."""

    start: date
    days: int
    nation: str
    closed_weekdays: frozenset[int]

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def categories(self) -> list[str | None]:
        """The special-day category of each date (None for an ordinary day)."""
        ds = self.dates()
        hols = bank_holidays(self.nation, range(ds[0].year, ds[-1].year + 1))
        out: list[str | None] = []
        for d in ds:
            out.append(_category(d, hols))
        # the first open, ordinary day after a bank holiday (or a run of them)
        for i, d in enumerate(ds):
            if d not in hols and out[i] not in ("christmas_day", "boxing_day", "new_year"):
                continue
            j = i + 1
            while j < len(ds) and (ds[j].weekday() in self.closed_weekdays or out[j] is not None):
                j += 1
            if j < len(ds) and out[j] is None and j > i:
                out[j] = "after_bank_holiday"
        return out


def _category(d: date, hols: frozenset[date]) -> str | None:
    if d.month == 12 and d.day == 25:
        return "christmas_day"
    if d.month == 12 and d.day == 26:
        return "boxing_day"
    if d.month == 1 and d.day == 1:
        return "new_year"
    if d in hols:
        return "bank_holiday"
    if d.month == 12 and d.day in (24, 27, 28, 29, 30, 31):
        return "christmas_period"
    return None


def closed_weekdays(series: ActivitySeries) -> frozenset[int]:
    """Weekdays (0 = Monday) with no values, or with at least 90 % zeros."""
    seen: dict[int, list[float]] = {w: [] for w in range(7)}
    for d, v in zip(series.dates, series.values):
        seen[d.weekday()].append(v)
    closed = set()
    for w, vals in seen.items():
        if not vals or sum(1 for v in vals if v == 0) >= CLOSED_ZERO_SHARE * len(vals):
            closed.add(w)
    if len(closed) == 7:
        raise ValueError(f"series {series.name}: every weekday is zero or empty; there is nothing to forecast")
    return frozenset(closed)


def fourier(days: Sequence[date], k: int) -> np.ndarray:
    """``2k`` columns sin/cos(2 pi j t / 365.25), j = 1..k, t = days since 2000-01-01."""
    if k == 0:
        return np.zeros((len(days), 0))
    t = np.array([(d - date(2000, 1, 1)).days for d in days], dtype=float)
    cols = []
    for j in range(1, k + 1):
        w = 2 * math.pi * j * t / 365.25
        cols += [np.sin(w), np.cos(w)]
    return np.column_stack(cols)


@dataclass(frozen=True)
class Prepared:
    """A history made ready for the models, and what is needed to map forecasts back."""

    series: str
    dates: tuple[date, ...]  # every date of the history span
    actual: np.ndarray  # values with NaN for gaps (closed weekdays hold their values, usually 0)
    open_mask: np.ndarray  # True on open weekdays
    clean: np.ndarray  # open-day values with special days and gaps replaced by the baseline
    categories: tuple[str | None, ...]
    factors: dict[str, float]
    closed: frozenset[int]
    season: int  # open weekdays a week
    nation: str
    transform: str

    @property
    def open_dates(self) -> list[date]:
        return [d for d, o in zip(self.dates, self.open_mask) if o]

    @property
    def origin(self) -> date:
        return self.dates[-1]

    def to_model(self, y: np.ndarray) -> np.ndarray:
        return np.log1p(y) if self.transform == "log" else y

    def from_model(self, z: np.ndarray) -> np.ndarray:
        return np.expm1(z) if self.transform == "log" else z

    def future(self, horizon: int) -> tuple[list[date], list[str | None], np.ndarray]:
        """The next ``horizon`` dates, their categories and which are open weekdays."""
        cal = Calendar(self.dates[0], len(self.dates) + horizon, self.nation, self.closed)
        cats = cal.categories()[len(self.dates):]
        days = [self.origin + timedelta(days=i) for i in range(1, horizon + 1)]
        return days, cats, np.array([d.weekday() not in self.closed for d in days])


def _baseline(values: np.ndarray, ordinary: np.ndarray, i: int) -> float:
    """Mean of the same weekday 1 and 2 weeks either side, over ordinary, present days."""
    picks = [values[j] for j in (i - 14, i - 7, i + 7, i + 14)
             if 0 <= j < len(values) and ordinary[j] and not math.isnan(values[j])]
    return float(np.mean(picks)) if picks else math.nan


def prepare(series: ActivitySeries, nation: str, transform: str = "log") -> Prepared:
    """Regularise ``series`` (see the module docstring). Raises ValueError with the series named."""
    if transform not in ("log", "none"):
        raise ValueError(f"transform: {transform!r} is not accepted; give log or none")
    if len(series) < 28:
        raise ValueError(f"series {series.name}: {len(series)} days is too short to forecast; give at least 28 days")
    closed = closed_weekdays(series)
    span = (series.end - series.start).days + 1
    dates = tuple(series.start + timedelta(days=i) for i in range(span))
    actual = np.full(span, np.nan)
    for d, v in zip(series.dates, series.values):
        actual[(d - series.start).days] = v
    open_mask = np.array([d.weekday() not in closed for d in dates])
    gaps = int(np.isnan(actual[open_mask]).sum())
    if gaps > MAX_GAP_SHARE * open_mask.sum():
        raise ValueError(f"series {series.name}: {gaps} of {int(open_mask.sum())} open days have no value (more than "
                         f"{MAX_GAP_SHARE:.0%}); fill the gaps or forecast from a shorter, complete span")
    cats = Calendar(series.start, span, nation, closed).categories()
    ordinary = np.array([c is None for c in cats]) & open_mask
    base = np.array([_baseline(actual, ordinary, i) if open_mask[i] and (cats[i] is not None or math.isnan(actual[i]))
                     else math.nan for i in range(span)])
    factors: dict[str, float] = {}
    for cat in CATEGORIES:
        ratios = [actual[i] / base[i] for i in range(span)
                  if cats[i] == cat and open_mask[i] and not math.isnan(actual[i]) and base[i] > 0]
        factors[cat] = float(np.median(ratios)) if ratios else 1.0
    clean = actual.copy()
    fill = open_mask & (np.array([c is not None for c in cats]) | np.isnan(actual))
    clean[fill] = base[fill]
    open_vals = clean[open_mask]
    if np.isnan(open_vals).any():  # long gaps: interpolate in open-day order
        idx = np.arange(len(open_vals))
        ok = ~np.isnan(open_vals)
        open_vals = np.interp(idx, idx[ok], open_vals[ok])
    season = 7 - len(closed)
    return Prepared(series.name, dates, actual, open_mask, open_vals, tuple(cats), factors, closed, season, nation,
                    transform)


def special_multipliers(prep: Prepared, cats: Sequence[str | None]) -> np.ndarray:
    return np.array([1.0 if c is None else prep.factors.get(c, 1.0) for c in cats])
