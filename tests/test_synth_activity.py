"""Synthetic activity: deterministic from the seed, shaped as documented, and consistent with its own truth."""

from __future__ import annotations

import math
from datetime import date

import pytest

from rotacc_lab.calendar import bank_holidays
from rotacc_lab.synth_activity import KINDS, synthetic_activity


@pytest.mark.parametrize("kind", list(KINDS))
def test_same_seed_same_series_other_seed_other_series(kind) -> None:
    a = synthetic_activity(kind, seed=5)
    b = synthetic_activity(kind, seed=5)
    c = synthetic_activity(kind, seed=6)
    assert list(a) == list(KINDS[kind])
    for name in a:
        assert a[name].values == b[name].values
        assert a[name].values != c[name].values
        assert len(a[name].values) == 731  # 2024 is a leap year


def test_practice_is_shut_at_weekends_and_on_bank_holidays_and_busiest_on_monday() -> None:
    s = synthetic_activity("practice", seed=1)["appointments"]
    hols = bank_holidays("england", [2024, 2025])
    for d, v, closed in zip(s.dates, s.values, s.truth.closed):
        assert closed == (d.weekday() >= 5 or d in hols)
        if closed:
            assert v == 0
    by_day = {wd: [m for d, m, c in zip(s.dates, s.truth.mean, s.truth.closed) if d.weekday() == wd and not c]
              for wd in range(5)}
    means = {wd: sum(v) / len(v) for wd, v in by_day.items()}
    assert max(means, key=means.get) == 0
    # winter pressure: January's open-day mean is above August's
    jan = [m for d, m, c in zip(s.dates, s.truth.mean, s.truth.closed) if d.month == 1 and not c]
    aug = [m for d, m, c in zip(s.dates, s.truth.mean, s.truth.closed) if d.month == 8 and not c]
    assert sum(jan) / len(jan) > 1.1 * sum(aug) / len(aug)


def test_department_christmas_and_boxing_day() -> None:
    s = synthetic_activity("department", seed=1)["attendances"]
    mean = dict(zip(s.dates, s.truth.mean))
    assert mean[date(2024, 12, 25)] < 0.8 * mean[date(2024, 12, 18)]
    assert mean[date(2024, 12, 26)] > mean[date(2024, 12, 19)]


@pytest.mark.parametrize("kind, series", [("practice", "appointments"), ("department", "attendances")])
def test_each_value_is_the_true_quantile_at_its_uniform(kind, series) -> None:
    s = synthetic_activity(kind, seed=2)[series]
    for i in range(1, len(s.values), 37):
        assert s.truth.quantiles(i - 1, 1, [s.uniforms[i]])[0][0] == s.values[i]


def _tolerance(n: int, p: float) -> float:
    """Four binomial standard deviations of a coverage fraction over n days."""
    return 4 * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("kind, series", [("practice", "appointments"), ("department", "attendances"),
                                          ("care_home", "occupancy"), ("care_home", "dependency")])
@pytest.mark.parametrize("level", [0.8, 0.95])
def test_true_intervals_cover_nominally(kind, series, level) -> None:
    """Over many days of several seeds, the truth's own central interval 14 days ahead covers about ``level``.

    Discrete series (counts, rounded occupancy) cover at least nominally, by up to the
    probability mass at the interval ends, so their upper tolerance is wider.
    """
    hits = n = 0
    for seed in range(4):
        s = synthetic_activity(kind, seed=seed)[series]
        lo_p, hi_p = (1 - level) / 2, (1 + level) / 2
        for i in range(14, len(s.values), 3):
            if s.truth.closed and s.truth.closed[i]:
                continue
            lo, hi = s.truth.quantiles_on(i, i - 14, [lo_p, hi_p])
            n += 1
            hits += lo <= s.values[i] <= hi
    cover = hits / n
    tol = _tolerance(n, level)
    upper = level + tol + (0.1 if series == "occupancy" else 0.02)
    assert level - tol <= cover <= upper, (cover, n)


def test_occupancy_stays_within_the_beds_and_dependency_follows_occupancy() -> None:
    out = synthetic_activity("care_home", seed=3, beds=30)
    occ, dep = out["occupancy"], out["dependency"]
    assert all(0 <= v <= 30 and v == int(v) for v in occ.values)
    ratio = [d / o for d, o in zip(dep.values, occ.values)]
    assert 2.5 < min(ratio) and max(ratio) < 4.5


@pytest.mark.parametrize("kwargs, fragment", [
    ({"kind": "zoo"}, "kind: 'zoo' is not accepted"),
    ({"kind": "practice", "start": date(2025, 1, 10), "end": date(2025, 1, 1)}, "is before start"),
    ({"kind": "practice", "start": date(2025, 1, 1), "end": date(2025, 1, 5)}, "too short"),
    ({"kind": "practice", "scale": 0}, "scale: 0 is not accepted"),
    ({"kind": "care_home", "beds": 2}, "beds: 2 is not accepted"),
])
def test_bad_parameters_are_named(kwargs, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        synthetic_activity(**kwargs)


def test_truth_refuses_days_outside_the_series() -> None:
    s = synthetic_activity("department", seed=0, start=date(2025, 1, 1), end=date(2025, 1, 31))["attendances"]
    with pytest.raises(ValueError, match="outside the series"):
        s.truth.quantiles(29, 5, [0.5])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        s.truth.quantiles(0, 1, [1.0])
