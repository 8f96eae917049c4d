"""Synthetic daily activity with a known truth, for forecasting tests, benchmarks and the demos.

Three kinds of site, each a few named series of one value per day:

``practice``   ``appointments``: a GP practice open Monday to Friday, closed at
               weekends and on bank holidays, busiest on Mondays and on the first
               working day after a bank holiday, with winter pressure (December to
               February), a quieter August and a slow Christmas week.
``department`` ``attendances``: an emergency department open every day, busiest on
               Mondays, with a summer peak, a winter surge, quiet Christmas Day and
               busy Boxing Day and New Year's Day.
``care_home``  ``occupancy`` (residents in beds, capped at the beds) and ``dependency``
               (care hours the residents need that day): occupancy wanders slowly
               around a seasonal mean (fewer residents after winter), dependency is
               occupancy times the hours per resident (higher in winter) plus noise.

Everything is drawn deterministically from ``seed``: one ``random.Random`` per
series, seeded with the text ``"{seed}:{kind}:{series}"`` (string seeds are hashed
the same way on every platform), gives one uniform number per day, and each day's
value is the inverse of the true distribution's CDF at that number. So a value,
its distribution and its rank (the uniform) are all known.

The truth of each series is returned with it (:class:`SeriesTruth`): the
noise-free expected value of every day and the true predictive distribution from
any forecast origin, as quantiles, so interval coverage can be judged against the
truth and not only against one noisy draw. Appointments and attendances are
negative binomial around a deterministic mean (no state: the predictive
distribution does not depend on the origin). Occupancy is an AR(1) deviation
around its mean, rounded and capped; its predictive distribution depends on the
deviation at the origin, which the truth keeps.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist
from typing import Sequence

from .calendar import bank_holidays, daterange
from .domain import UKNation

#: the kinds of site and the series each ships
KINDS: dict[str, tuple[str, ...]] = {
    "practice": ("appointments",),
    "department": ("attendances",),
    "care_home": ("occupancy", "dependency"),
}

#: the default history: two calendar years before the demo rota year 2026
DEFAULT_START = date(2024, 1, 1)
DEFAULT_END = date(2025, 12, 31)

_STD_NORMAL = NormalDist()


def _bump(day: date, centre_month: int, centre_day: int, width_days: float) -> float:
    """A smooth yearly bump in [0, 1], 1 at the centre date, Gaussian in days (wraps at the year end)."""
    centre = date(day.year, centre_month, centre_day)
    d = min(abs((day - centre.replace(year=y)).days) for y in (day.year - 1, day.year, day.year + 1))
    return math.exp(-0.5 * (d / width_days) ** 2)


def _christmas_week(day: date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


def _years_since(start: date, day: date) -> float:
    return (day - start).days / 365.25


# --- the mean of each kind ------------------------------------------------------------

_PRACTICE_WEEKDAY = (1.20, 1.02, 0.97, 0.95, 0.86, 0.0, 0.0)
_DEPARTMENT_WEEKDAY = (1.12, 1.01, 0.98, 0.97, 0.98, 0.96, 0.98)


def _practice_mean(days: Sequence[date], hols: frozenset[date], scale: float) -> list[float]:
    base = 280.0 * scale
    out = []
    after_holiday = set()
    for d in days:
        if d in hols:
            nxt = d + timedelta(days=1)
            while nxt.weekday() >= 5 or nxt in hols:
                nxt += timedelta(days=1)
            after_holiday.add(nxt)
    for d in days:
        if d.weekday() >= 5 or d in hols:
            out.append(0.0)
            continue
        m = base * _PRACTICE_WEEKDAY[d.weekday()] * (1 + 0.02 * _years_since(days[0], d))
        m *= 1 + 0.12 * _bump(d, 1, 20, 30) - 0.09 * _bump(d, 8, 15, 14)
        if _christmas_week(d):
            m *= 0.75
        if d in after_holiday:
            m *= 1.25
        out.append(m)
    return out


def _department_mean(days: Sequence[date], hols: frozenset[date], scale: float) -> list[float]:
    base = 260.0 * scale
    out = []
    for d in days:
        m = base * _DEPARTMENT_WEEKDAY[d.weekday()] * (1 + 0.015 * _years_since(days[0], d))
        m *= 1 + 0.06 * _bump(d, 7, 5, 35) + 0.07 * _bump(d, 1, 5, 20)
        if d.month == 12 and d.day == 25:
            m *= 0.72
        elif (d.month == 12 and d.day == 26) or (d.month == 1 and d.day == 1):
            m *= 1.15
        elif d in hols:
            m *= 1.06
        out.append(m)
    return out


# --- the truth ------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesTruth:
    """What generated a series: its noise-free mean and its true predictive distribution.

    ``family`` is ``"negbin"`` (independent negative binomial days with mean ``mean[i]``
    and dispersion ``size``: variance ``mean + mean**2 / size``), ``"ar1"`` (a rounded,
    capped Gaussian AR(1) deviation with coefficient ``phi`` and innovation sd ``sigma``
    around ``mean``) or ``"ar1_hours"`` (``hours[i]`` times the ``ar1`` occupancy plus
    independent Gaussian noise of sd ``sigma_extra``).
    """

    dates: tuple[date, ...]
    mean: tuple[float, ...]
    family: str
    size: float = 0.0
    phi: float = 0.0
    sigma: float = 0.0
    cap: int = 0
    deviation: tuple[float, ...] = ()  # the AR(1) state of each day (ar1 families)
    hours: tuple[float, ...] = ()  # care hours per resident (ar1_hours)
    occupancy_mean: tuple[float, ...] = ()  # ar1_hours: the occupancy mean
    sigma_extra: float = 0.0
    closed: tuple[bool, ...] = field(default=())  # days the site is shut (value 0 by construction)

    def quantiles(self, origin: int, horizon: int, probs: Sequence[float]) -> list[list[float]]:
        """True quantiles of days ``origin+1 .. origin+horizon`` given everything up to ``origin``.

        ``origin`` is the index of the last observed day (``-1``: nothing observed, the
        marginal distribution). Returns one list of ``len(probs)`` quantiles per day.
        Days past the end of the series are not known to the truth.
        """
        if not 0 < horizon or origin + horizon >= len(self.dates):
            raise ValueError(f"horizon: days {origin + 1}..{origin + horizon} are outside the series (0..{len(self.dates) - 1})")
        for p in probs:
            if not 0.0 < p < 1.0:
                raise ValueError(f"probs: {p!r} is not accepted; give probabilities strictly between 0 and 1")
        idx = range(origin + 1, origin + horizon + 1)
        if self.family == "negbin":
            cols = [_negbin_ppfs([p] * horizon, [self.mean[i] for i in idx], self.size) for p in probs]
            return [list(row) for row in zip(*cols)]
        return [[self._quantile(i, origin, p) for p in probs] for i in idx]

    def quantiles_on(self, day: int, origin: int, probs: Sequence[float]) -> list[float]:
        """True quantiles of day index ``day`` alone, given everything up to ``origin`` (< ``day``)."""
        if not -1 <= origin < day < len(self.dates):
            raise ValueError(f"day: {day} is not after origin {origin} inside the series (0..{len(self.dates) - 1})")
        if self.family == "negbin":
            return _negbin_ppfs(list(probs), [self.mean[day]] * len(probs), self.size)
        return [self._quantile(day, origin, p) for p in probs]

    def _quantile(self, i: int, origin: int, p: float) -> float:
        # AR(1): deviation at i given the deviation at the origin
        h = i - origin
        if origin < 0:
            dev_mean, dev_var = 0.0, self.sigma**2 / (1 - self.phi**2)
        else:
            dev_mean = self.phi**h * self.deviation[origin]
            dev_var = self.sigma**2 * (1 - self.phi ** (2 * h)) / (1 - self.phi**2)
        if self.family == "ar1":
            x = self.mean[i] + dev_mean + math.sqrt(dev_var) * _STD_NORMAL.inv_cdf(p)
            return float(min(max(round(x), 0), self.cap))
        # ar1_hours: a mixture over the integer occupancies, solved by bisection on the CDF
        occ_mean = self.occupancy_mean[i] + dev_mean
        occ_sd = math.sqrt(dev_var)
        return _mixture_ppf(p, occ_mean, occ_sd, self.cap, self.hours[i], self.sigma_extra)


def _negbin_ppfs(p: Sequence[float], mean: Sequence[float], size: float) -> list[float]:
    from scipy.stats import nbinom
    import numpy as np

    m = np.asarray(mean, dtype=float)
    q = np.asarray(p, dtype=float)
    out = np.zeros_like(m)
    open_ = m > 0
    if open_.any():
        out[open_] = nbinom.ppf(q[open_] if q.shape == m.shape else q, size, size / (size + m[open_]))
    return [float(x) for x in out]


def _occupancy_probs(occ_mean: float, occ_sd: float, cap: int) -> list[float]:
    """P(occupancy = j) for j = 0..cap of round(N(occ_mean, occ_sd)) capped to [0, cap]."""
    probs = []
    for j in range(cap + 1):
        lo = -math.inf if j == 0 else (j - 0.5 - occ_mean) / occ_sd
        hi = math.inf if j == cap else (j + 0.5 - occ_mean) / occ_sd
        probs.append((_STD_NORMAL.cdf(hi) if hi != math.inf else 1.0) - (_STD_NORMAL.cdf(lo) if lo != -math.inf else 0.0))
    return probs


def _mixture_ppf(p: float, occ_mean: float, occ_sd: float, cap: int, hours: float, sd: float) -> float:
    probs = [(j, w) for j, w in enumerate(_occupancy_probs(occ_mean, occ_sd, cap)) if w > 1e-12]

    def cdf(x: float) -> float:
        return sum(w * _STD_NORMAL.cdf((x - hours * j) / sd) for j, w in probs)

    lo = min(hours * j for j, _ in probs) - 10 * sd
    hi = max(hours * j for j, _ in probs) + 10 * sd
    for _ in range(60):
        mid = (lo + hi) / 2
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# --- the generated series ----------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticSeries:
    """One generated daily series with the truth that made it."""

    kind: str
    series: str
    dates: tuple[date, ...]
    values: tuple[float, ...]
    truth: SeriesTruth
    uniforms: tuple[float, ...]  # the uniform number each day's value is the inverse CDF of

    def rows(self) -> list[tuple[date, str, float]]:
        """``(date, series, value)`` rows, the activity import format's columns."""
        return [(d, self.series, v) for d, v in zip(self.dates, self.values)]


def _validate(kind: str, start: date, end: date, scale: float) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind: {kind!r} is not accepted; give one of {', '.join(KINDS)}")
    if end < start:
        raise ValueError(f"end: {end} is before start {start}; give end >= start")
    if (end - start).days + 1 < 14:
        raise ValueError(f"start..end: {(end - start).days + 1} days is too short; give at least 14 days")
    if not (isinstance(scale, (int, float)) and 0 < scale <= 100):
        raise ValueError(f"scale: {scale!r} is not accepted; give a number in (0, 100]")


def synthetic_activity(
    kind: str,
    seed: int = 0,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    *,
    nation: UKNation | str = UKNation.ENGLAND,
    scale: float = 1.0,
    beds: int = 40,
) -> dict[str, SyntheticSeries]:
    """Daily activity of one site of ``kind`` from ``start`` to ``end`` inclusive, by series name.

    ``scale`` multiplies the size of a practice or department (1.0: a practice of about
    12,000 patients with ~280 appointments on an ordinary weekday; an emergency department
    with ~260 attendances a day). ``beds`` sizes a care home.
    """
    _validate(kind, start, end, scale)
    if kind == "care_home" and not (isinstance(beds, int) and 5 <= beds <= 500):
        raise ValueError(f"beds: {beds!r} is not accepted; give a whole number from 5 to 500")
    days = tuple(daterange(start, end))
    hols = bank_holidays(nation, range(start.year, end.year + 1))
    if kind == "practice":
        return {"appointments": _negbin_series(kind, "appointments", seed, days, _practice_mean(days, hols, scale), 80.0)}
    if kind == "department":
        return {"attendances": _negbin_series(kind, "attendances", seed, days, _department_mean(days, hols, scale), 150.0)}
    return _care_home(seed, days, beds)


def _uniforms(seed: int, kind: str, series: str, n: int) -> tuple[float, ...]:
    rng = random.Random(f"{seed}:{kind}:{series}")
    # never exactly 0: the inverse CDF at 0 is minus infinity for the Gaussian parts
    return tuple(max(rng.random(), 1e-12) for _ in range(n))


def _negbin_series(kind: str, series: str, seed: int, days: tuple[date, ...], mean: list[float], size: float) -> SyntheticSeries:
    u = _uniforms(seed, kind, series, len(days))
    values = tuple(_negbin_ppfs(u, mean, size))
    closed = tuple(m <= 0 for m in mean)
    truth = SeriesTruth(days, tuple(mean), "negbin", size=size, closed=closed)
    return SyntheticSeries(kind, series, days, values, truth, u)


def _care_home(seed: int, days: tuple[date, ...], beds: int) -> dict[str, SyntheticSeries]:
    phi, sigma = 0.97, 0.012 * beds  # stationary sd ~ 0.05 * beds
    occ_mean = tuple(beds * (0.915 - 0.035 * _bump(d, 3, 1, 30)) for d in days)
    u_occ = _uniforms(seed, "care_home", "occupancy", len(days))
    # start the deviation from its stationary distribution so the first days are typical
    dev, devs, occ = 0.0, [], []
    for i, p in enumerate(u_occ):
        z = _STD_NORMAL.inv_cdf(p)
        dev = (z * sigma / math.sqrt(1 - phi**2)) if i == 0 else phi * dev + sigma * z
        devs.append(dev)
        occ.append(float(min(max(round(occ_mean[i] + dev), 0), beds)))
    occ_truth = SeriesTruth(days, occ_mean, "ar1", phi=phi, sigma=sigma, cap=beds, deviation=tuple(devs))
    hours = tuple(3.2 * (1 + 0.08 * _bump(d, 1, 25, 35)) for d in days)
    extra = 0.04 * 3.2 * beds
    u_dep = _uniforms(seed, "care_home", "dependency", len(days))
    dep = tuple(round(max(h * o + extra * _STD_NORMAL.inv_cdf(p), 0.0), 1) for h, o, p in zip(hours, occ, u_dep))
    dep_truth = SeriesTruth(
        days, tuple(h * m for h, m in zip(hours, occ_mean)), "ar1_hours", phi=phi, sigma=sigma, cap=beds,
        deviation=tuple(devs), hours=hours, occupancy_mean=occ_mean, sigma_extra=extra,
    )
    return {
        "occupancy": SyntheticSeries("care_home", "occupancy", days, tuple(occ), occ_truth, u_occ),
        "dependency": SyntheticSeries("care_home", "dependency", days, dep, dep_truth, u_dep),
    }
