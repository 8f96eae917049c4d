"""Shift types: parsing, lengths across midnight, night / long / long-evening flags, assignments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from rotacc_lab.rostering.shifts import Assignment, ShiftType, overlap_minutes, parse_hhmm

DAY = date(2026, 12, 24)


def st_(start: str, end: str, code: str = "s") -> ShiftType:
    return ShiftType.parse(code, start, end)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("text,expected", [("00:00", time(0)), ("8:05", time(8, 5)), ("23:59", time(23, 59)),
                                           (" 13:00 ", time(13))])
def test_parse_hhmm_accepts_clock_times(text, expected):
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "1200", "12:5", "", None, "noon", "12:00:00", "-1:00"])
def test_parse_hhmm_rejects_other_text_naming_what_and_format(text):
    with pytest.raises(ValueError, match=r"late start: .* is not a time HH:MM"):
        parse_hhmm(text, "late start")


def test_parse_hhmm_rejects_seconds_in_a_time_value():
    with pytest.raises(ValueError, match="whole minutes"):
        parse_hhmm(time(8, 0, 30))


def test_shift_type_error_names_the_code_and_field():
    with pytest.raises(ValueError, match="shift_type night end"):
        ShiftType.parse("night", "22:00", "8.30")
    with pytest.raises(ValueError, match="non-empty code"):
        ShiftType.parse(" ", "22:00", "08:30")
    with pytest.raises(ValueError, match="clinical"):
        ShiftType("nc", time(9), time(17), clinical="yes")


# --------------------------------------------------------------------------- lengths


@pytest.mark.parametrize("start,end,hours,crosses", [
    ("08:00", "18:00", 10.0, False),
    ("22:00", "08:30", 10.5, True),
    ("17:00", "02:00", 9.0, True),
    ("13:00", "23:00", 10.0, False),
    ("20:00", "00:00", 4.0, True),   # ends at midnight: next day
    ("08:00", "08:00", 24.0, True),  # end equal to start: 24 hours
    ("00:00", "00:01", 1 / 60, False),
])
def test_hours_and_midnight(start, end, hours, crosses):
    s = st_(start, end)
    assert s.hours == pytest.approx(hours)
    assert s.crosses_midnight is crosses
    lo, hi = s.interval(DAY)
    assert lo == datetime.combine(DAY, s.start)
    assert hi - lo == timedelta(hours=hours)
    assert hi.date() == DAY + timedelta(days=1 if crosses else 0)


# --------------------------------------------------------------------------- flags


@pytest.mark.parametrize("start,end,night,long,long_evening", [
    ("22:00", "08:30", True, True, False),   # the story's night
    ("17:00", "02:00", True, False, False),  # late: 3 h from 23:00 to 02:00 exactly
    ("17:00", "01:59", False, False, False), # one minute short of 3 h
    ("13:00", "23:00", False, False, False), # mid: exactly 10 h is not long
    ("13:00", "23:01", False, True, True),   # one minute more: long, ends after 23:00
    ("08:00", "18:00", False, False, False),
    ("08:00", "18:01", False, True, False),  # long day, not evening
    ("15:59", "02:00", True, True, True),    # starts before 16:00
    ("16:00", "02:30", True, True, False),   # starts at 16:00: not a long evening
    ("14:00", "00:30", False, True, True),   # 1.5 h of night, ends after 23:00
    ("03:00", "09:00", True, False, False),  # early-morning: 3 h from 03:00 to 06:00
    ("04:00", "12:00", False, False, False), # only 2 h in the window
    ("20:00", "20:00", True, True, False),   # 24 h, starts after 16:00
    ("08:00", "08:00", True, True, True),    # 24 h from the morning
])
def test_derived_flags(start, end, night, long, long_evening):
    s = st_(start, end)
    assert (s.night, s.long, s.long_evening) == (night, long, long_evening)


def _brute_night_minutes(s: ShiftType) -> int:
    lo, hi = s.interval(DAY)
    count = 0
    t = lo
    while t < hi:
        if t.time() >= time(23) or t.time() < time(6):
            count += 1
        t += timedelta(minutes=1)
    return count


times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 29, 30, 45, 59]))


@hsettings(max_examples=150, deadline=None)
@given(start=times, end=times)
def test_properties_of_any_shift_type(start, end):
    s = ShiftType("x", start, end)
    assert 1 <= s.minutes <= 1440
    lo, hi = s.interval(DAY)
    assert lo < hi and hi - lo <= timedelta(days=1)
    assert (hi.date() > DAY) == s.crosses_midnight
    assert s.night_minutes == _brute_night_minutes(s)
    assert s.night == (s.night_minutes >= 180)
    assert s.long == (s.minutes > 600)
    if s.long_evening:
        assert s.long and s.start < time(16) and hi > datetime.combine(DAY, time(23))


def test_overlap_minutes():
    a = datetime(2026, 1, 1, 22)
    assert overlap_minutes(a, a + timedelta(hours=3), a + timedelta(hours=1), a + timedelta(hours=10)) == 120
    assert overlap_minutes(a, a + timedelta(hours=1), a + timedelta(hours=2), a + timedelta(hours=3)) == 0


# --------------------------------------------------------------------------- assignments


def test_assignment_start_end_and_sort_key():
    night = st_("22:00", "08:30", "night")
    a = Assignment("D1", DAY, night)
    assert a.start == datetime(2026, 12, 24, 22)
    assert a.end == datetime(2026, 12, 25, 8, 30)
    assert a.minutes == 630
    b = Assignment("D1", DAY + timedelta(days=1), st_("08:00", "18:00", "day"))
    assert sorted([b, a], key=lambda x: x.sort_key) == [a, b]


def test_assignment_validates():
    night = st_("22:00", "08:30", "night")
    with pytest.raises(ValueError, match="person"):
        Assignment("", DAY, night)
    with pytest.raises(ValueError, match="must be a date"):
        Assignment("D1", datetime(2026, 1, 1), night)
    with pytest.raises(ValueError, match="ShiftType"):
        Assignment("D1", DAY, "night")


def test_shift_types_are_hashable_values():
    assert st_("22:00", "08:30", "n") == ShiftType("n", time(22), time(8, 30))
    assert len({st_("22:00", "08:30", "n"), ShiftType("n", time(22), time(8, 30))}) == 1
