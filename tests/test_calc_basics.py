"""Rounding, date arithmetic and input validation of rotacc_lab.calculations."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from rotacc_lab.calculations import (
    count_cycle_days,
    count_weekdays,
    days_between,
    full_weeks_in_year,
    q2,
    reporting_period_for,
    require_clinician,
    safe_quantize,
    split_by_year,
    validate_entitlement,
    validate_percentage,
    validate_range,
    weeks_between,
    year_bounds,
)
from rotacc_lab.domain import ReportingPeriod, Settings

from _calc_helpers import clin, snapshot

D = Decimal


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    "value, expected",
    [
        (D("2.345"), D("2.35")),  # half up, not banker's
        (D("2.344"), D("2.34")),
        (D("0.005"), D("0.01")),
        (0.1 + 0.2, D("0.30")),  # floats go through str
        (7, D("7.00")),
        ("1.125", D("1.13")),
        (D("-3"), D("0.00")),  # clamped at 0 by default
        (D("12345"), D("9999.99")),  # clamped at the top
        (D("Infinity"), D("9999.99")),
    ],
)
def test_safe_quantize(value, expected):
    assert safe_quantize(value) == expected
    assert str(safe_quantize(value)) == str(expected)


def test_safe_quantize_negative_allowed_and_bounds():
    assert safe_quantize(D("-2.345"), allow_negative=True) == D("-2.35")  # half away from zero
    assert safe_quantize(D("-12345"), allow_negative=True) == D("-9999.99")
    assert safe_quantize(D("-Infinity"), allow_negative=True) == D("-9999.99")
    assert safe_quantize(D("5"), min_value=D(10)) == D("10.00")
    assert safe_quantize(D("1.23456"), "0.001") == D("1.235")
    assert str(q2(D("-0.001"))) == "0.00"  # never "-0.00"
    assert q2(D("-1.005")) == D("-1.01")


def test_safe_quantize_rejects_nan_and_non_numbers():
    with pytest.raises(ValueError, match="NaN"):
        safe_quantize(D("NaN"))
    with pytest.raises(ValueError, match="NaN"):
        safe_quantize(float("nan"))
    with pytest.raises(TypeError, match="not a number"):
        safe_quantize(True)
    with pytest.raises(TypeError):
        safe_quantize([1])
    with pytest.raises(ValueError, match="not a number"):
        safe_quantize("abc")


# --------------------------------------------------------------------------- dates


def test_weeks_between_reference_and_inclusive():
    # 2026-01-05 (Mon) .. 2026-01-11 (Sun): 6 days apart, 7 days inclusive
    assert weeks_between(date(2026, 1, 5), date(2026, 1, 11)) == 0  # floored 6/7
    assert weeks_between(date(2026, 1, 5), date(2026, 1, 11), round_down=False) == D(6) / D(7)
    assert weeks_between(date(2026, 1, 5), date(2026, 1, 11), round_down=False, inclusive=True) == 1
    assert weeks_between(date(2026, 1, 1), date(2026, 12, 31), round_down=False, inclusive=True) == D(365) / D(7)
    assert weeks_between(date(2026, 1, 1), date(2026, 1, 20)) == 2  # 19 days -> floor(2.71)


def test_weekday_counting_hand_cases():
    # January 2026 starts on a Thursday: 5 Thursdays, Fridays and Saturdays, 4 of everything else
    jan = (date(2026, 1, 1), date(2026, 1, 31))
    assert count_weekdays(*jan, [3]) == 5
    assert count_weekdays(*jan, [0, 2, 4]) == 4 + 4 + 5
    assert count_weekdays(*jan, []) == 0
    assert count_weekdays(date(2026, 1, 5), date(2026, 1, 5), [0]) == 1
    assert count_weekdays(date(2026, 1, 6), date(2026, 1, 6), [0]) == 0
    with pytest.raises(ValueError, match="weekday"):
        count_weekdays(*jan, [7])


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    length=st.integers(0, 800),
    weekdays=st.sets(st.integers(0, 6)),
)
def test_count_weekdays_matches_brute_force(start, length, weekdays):
    end = start + timedelta(days=length)
    brute = sum(1 for i in range(length + 1) if (start + timedelta(days=i)).weekday() in weekdays)
    assert count_weekdays(start, end, weekdays) == brute


@settings(max_examples=40, deadline=None)
@given(
    start=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    length=st.integers(0, 400),
    origin_shift=st.integers(-30, 30),
    offsets=st.sets(st.integers(0, 13)),
)
def test_count_cycle_days_matches_brute_force(start, length, origin_shift, offsets):
    origin = start + timedelta(days=origin_shift)
    end = start + timedelta(days=length)
    brute = sum(1 for i in range(length + 1) if ((start + timedelta(days=i)) - origin).days % 14 in offsets)
    assert count_cycle_days(start, end, origin, 14, offsets) == brute


def test_year_helpers():
    assert year_bounds(date(2028, 6, 1)) == (date(2028, 1, 1), date(2028, 12, 31))
    assert year_bounds(2027) == (date(2027, 1, 1), date(2027, 12, 31))
    assert full_weeks_in_year(date(2028, 2, 29)) == 52  # 366 // 7
    assert full_weeks_in_year(2026) == 52
    assert days_between(date(2028, 2, 28), date(2028, 3, 1)) == 3  # leap day included
    assert days_between(date(2026, 1, 1), date(2026, 1, 1)) == 1
    assert split_by_year(date(2027, 12, 30), date(2028, 1, 2)) == [
        (date(2027, 12, 30), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 1, 2)),
    ]


def test_reporting_period_for():
    q1 = ReportingPeriod("Q1", date(2026, 1, 5), date(2026, 3, 29))
    q2_ = ReportingPeriod("Q2", date(2026, 3, 30), date(2026, 6, 28))
    s = Settings(reporting_periods=(q1, q2_))
    assert reporting_period_for(s, date(2026, 1, 5)) == q1
    assert reporting_period_for(s, date(2026, 3, 30)) == q2_
    assert reporting_period_for(s, date(2026, 1, 4)) is None


# --------------------------------------------------------------------------- validation


def test_validate_range_messages():
    with pytest.raises(ValueError, match=r"period: end 2026-01-01 is before start 2026-02-01"):
        validate_range(date(2026, 2, 1), date(2026, 1, 1), "period")
    with pytest.raises(TypeError, match="not a date"):
        validate_range("2026-01-01", date(2026, 1, 2))
    with pytest.raises(TypeError, match="not a date"):
        validate_range(datetime(2026, 1, 1), date(2026, 1, 2))
    assert validate_range(date(2026, 1, 1), date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 1))


def test_validate_percentage():
    assert validate_percentage(0) == 0
    assert validate_percentage(100) == 100
    assert validate_percentage("62.5") == D("62.5")
    for bad in (-1, 100.5, 150):
        with pytest.raises(ValueError, match="outside 0..100"):
            validate_percentage(bad)
    with pytest.raises(TypeError):
        validate_percentage(None)
    with pytest.raises(TypeError):
        validate_percentage(True)


def test_validate_entitlement():
    assert validate_entitlement(None) is None
    assert validate_entitlement(6) == D(6)
    assert validate_entitlement({"total": "27.5"}) == D("27.5")
    assert validate_entitlement({"total": None}) is None
    with pytest.raises(ValueError, match="no 'total' key"):
        validate_entitlement({"days": 25})
    with pytest.raises(ValueError, match=">= 0"):
        validate_entitlement(-1)
    with pytest.raises(TypeError):
        validate_entitlement([25])


def test_require_clinician_names_known_ids():
    snap = snapshot([clin("P1"), clin("P2")])
    assert require_clinician(snap, "P1") == "P1"
    with pytest.raises(ValueError, match=r"unknown clinician 'X9'; known: P1, P2"):
        require_clinician(snap, "X9")
    with pytest.raises(TypeError):
        require_clinician(snap, 1)
