"""Calendar: bank holidays against the official UK lists, working days, weeks.

The expected bank holiday lists are written out by hand from the published
government lists (gov.uk for England and Wales, Scotland and Northern Ireland),
so a change in the ``holidays`` package's rules shows up here. They give the
day off that is actually taken: the substitute Monday/Tuesday, not the weekend
date itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from rotacc_lab.calendar import (
    bank_holidays,
    bank_holidays_between,
    daterange,
    first_full_monday,
    is_working_day,
    iso_week,
    post_bank_holiday_days,
    week_ab_index,
    week_monday,
    working_days,
)
from rotacc_lab.domain import UKNation


def _dates(year: int, *month_days: tuple[int, int]) -> set[date]:
    return {date(year, m, d) for m, d in month_days}


ENGLAND_AND_WALES = {
    2025: _dates(2025, (1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)),
    # Boxing Day 2026 is a Saturday: the substitute day is Monday 28 December
    2026: _dates(2026, (1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)),
}
OFFICIAL = {
    UKNation.ENGLAND: ENGLAND_AND_WALES,
    UKNation.WALES: ENGLAND_AND_WALES,
    UKNation.SCOTLAND: {
        # 2 January; no Easter Monday; summer holiday first Monday of August;
        # St Andrew's Day 30 Nov 2025 is a Sunday, substitute Monday 1 December
        2025: _dates(2025, (1, 1), (1, 2), (4, 18), (5, 5), (5, 26), (8, 4), (12, 1), (12, 25), (12, 26)),
        # one-off bank holiday on Monday 15 June 2026 (FIFA World Cup)
        2026: _dates(2026, (1, 1), (1, 2), (4, 3), (5, 4), (5, 25), (6, 15), (8, 3), (11, 30), (12, 25), (12, 28)),
    },
    UKNation.NORTHERN_IRELAND: {
        # St Patrick's Day; Battle of the Boyne 12 July 2025 is a Saturday -> Monday 14 July
        2025: _dates(2025, (1, 1), (3, 17), (4, 18), (4, 21), (5, 5), (5, 26), (7, 14), (8, 25), (12, 25), (12, 26)),
        # 12 July 2026 is a Sunday -> Monday 13 July
        2026: _dates(2026, (1, 1), (3, 17), (4, 3), (4, 6), (5, 4), (5, 25), (7, 13), (8, 31), (12, 25), (12, 28)),
    },
}


@pytest.mark.parametrize("nation", list(UKNation))
@pytest.mark.parametrize("year", [2025, 2026])
def test_bank_holidays_equal_the_official_list(nation, year):
    assert set(bank_holidays(nation, [year])) == OFFICIAL[nation][year]


def test_bank_holidays_over_several_years_is_the_union():
    both = bank_holidays(UKNation.SCOTLAND, [2025, 2026])
    assert set(both) == OFFICIAL[UKNation.SCOTLAND][2025] | OFFICIAL[UKNation.SCOTLAND][2026]


def test_nation_parsing_accepts_any_case_and_rejects_unknown_with_the_accepted_list():
    assert bank_holidays("Northern_Ireland", [2026]) == bank_holidays(UKNation.NORTHERN_IRELAND, [2026])
    with pytest.raises(ValueError) as err:
        bank_holidays("ulster", [2026])
    message = str(err.value)
    assert "'ulster'" in message and "ENGLAND" in message and "NORTHERN_IRELAND" in message


def test_bank_holidays_between_is_sorted_and_inclusive():
    got = bank_holidays_between(UKNation.ENGLAND, date(2025, 12, 25), date(2026, 4, 3))
    assert got == [date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3)]
    assert bank_holidays_between(UKNation.ENGLAND, date(2026, 4, 4), date(2026, 4, 5)) == []


@settings(max_examples=40, deadline=None)
@given(nation=st.sampled_from(list(UKNation)), year=st.integers(2000, 2040))
def test_bank_holidays_are_weekdays_of_that_year_and_at_least_eight(nation, year):
    hols = bank_holidays(nation, [year])
    assert all(d.year == year and d.weekday() < 5 for d in hols)
    assert len(hols) >= 8
    assert date(year, 12, 25) in hols or date(year, 12, 25).weekday() >= 5


# --------------------------------------------------------------------------- working days


def test_working_days_january_and_whole_year_2026():
    hols = bank_holidays(UKNation.ENGLAND, [2026])
    january = working_days(date(2026, 1, 1), date(2026, 1, 31), hols)
    assert len(january) == 21 and january[0] == date(2026, 1, 2) and january[-1] == date(2026, 1, 30)
    # 2026 has 261 weekdays (52 weeks + Thursday 1 January), 8 of them bank holidays
    assert len(working_days(date(2026, 1, 1), date(2026, 12, 31), hols)) == 253
    scotland = bank_holidays(UKNation.SCOTLAND, [2026])
    assert len(working_days(date(2026, 1, 1), date(2026, 12, 31), scotland)) == 251


def test_working_days_edges():
    hols = bank_holidays(UKNation.ENGLAND, [2026])
    assert working_days(date(2026, 1, 10), date(2026, 1, 11), hols) == []  # a weekend
    assert working_days(date(2026, 1, 9), date(2026, 1, 9), hols) == [date(2026, 1, 9)]
    assert working_days(date(2026, 1, 9), date(2026, 1, 8), hols) == []  # end before start
    assert not is_working_day(date(2026, 12, 28), hols) and is_working_day(date(2026, 12, 29), hols)
    assert not is_working_day(date(2026, 12, 27), hols)


@settings(max_examples=50, deadline=None)
@given(start=st.dates(date(2024, 1, 1), date(2030, 12, 31)), span=st.integers(0, 120))
def test_working_days_are_the_weekdays_that_are_not_bank_holidays(start, span):
    end = start + timedelta(days=span)
    hols = bank_holidays(UKNation.WALES, range(start.year, end.year + 1))
    got = working_days(start, end, hols)
    assert got == sorted(got) and len(set(got)) == len(got)
    assert set(got) | {d for d in daterange(start, end) if d.weekday() >= 5 or d in hols} == set(daterange(start, end))
    assert all(d.weekday() < 5 and d not in hols for d in got)


# --------------------------------------------------------------------------- weeks


def test_first_full_monday_and_week_monday():
    assert first_full_monday(date(2026, 1, 5)) == date(2026, 1, 5)  # a Monday is its own first full Monday
    assert first_full_monday(date(2026, 1, 7)) == date(2026, 1, 12)  # Wednesday -> next Monday
    assert first_full_monday(date(2026, 1, 11)) == date(2026, 1, 12)  # Sunday -> next day
    assert first_full_monday(date(2026, 12, 29)) == date(2027, 1, 4)  # across the year end
    assert week_monday(date(2026, 1, 11)) == date(2026, 1, 5)
    assert week_monday(date(2026, 1, 1)) == date(2025, 12, 29)


def test_week_ab_index_counts_from_the_first_full_monday():
    anchor = date(2026, 1, 7)  # Wednesday: week A starts Monday 12 January
    assert week_ab_index(date(2026, 1, 9), anchor) is None
    assert week_ab_index(date(2026, 1, 11), anchor) is None
    assert week_ab_index(date(2026, 1, 12), anchor) == 0
    assert week_ab_index(date(2026, 1, 18), anchor) == 0  # Sunday still in week A
    assert week_ab_index(date(2026, 1, 19), anchor) == 1
    assert week_ab_index(date(2026, 1, 26), anchor) == 0
    assert week_ab_index(date(2026, 1, 5), date(2026, 1, 5)) == 0


@settings(max_examples=50, deadline=None)
@given(anchor=st.dates(date(2025, 1, 1), date(2028, 12, 31)), offset=st.integers(0, 800))
def test_week_ab_alternates_every_seven_days(anchor, offset):
    day = first_full_monday(anchor) + timedelta(days=offset)
    now, next_week = week_ab_index(day, anchor), week_ab_index(day + timedelta(days=7), anchor)
    assert now in (0, 1) and next_week == 1 - now
    assert week_ab_index(week_monday(day), anchor) == now  # constant within a Monday-Sunday week


def test_iso_weeks():
    assert iso_week(date(2026, 1, 1)) == (2026, 1)  # Thursday: week 1 of 2026
    assert iso_week(date(2025, 12, 29)) == (2026, 1)  # Monday of that week belongs to 2026
    assert iso_week(date(2026, 12, 31)) == (2026, 53)  # 2026 is a 53-week ISO year
    assert iso_week(date(2027, 1, 3)) == (2026, 53)
    assert iso_week(date(2027, 1, 4)) == (2027, 1)
    assert iso_week(date(2025, 12, 28)) == (2025, 52)


# --------------------------------------------------------------------------- post bank holiday days


def test_post_bank_holiday_days_england_2026():
    hols = bank_holidays(UKNation.ENGLAND, [2026, 2027])
    got = post_bank_holiday_days(date(2026, 1, 1), date(2026, 12, 31), hols)
    assert got == {
        date(2026, 1, 2),  # Friday after New Year's Day
        date(2026, 4, 7),  # Tuesday after Easter Monday (Good Friday is followed by another holiday)
        date(2026, 5, 5),
        date(2026, 5, 26),
        date(2026, 9, 1),
        date(2026, 12, 29),  # day after the Boxing Day substitute (Christmas Fri, Boxing Day Sat -> Mon 28)
    }


def test_post_bank_holiday_days_scotland_2026_and_range_edges():
    hols = bank_holidays(UKNation.SCOTLAND, [2026])
    got = post_bank_holiday_days(date(2026, 1, 1), date(2026, 12, 31), hols)
    assert got == {
        date(2026, 1, 5),  # after 1 and 2 January
        date(2026, 4, 6),  # no Easter Monday in Scotland: the Monday after Good Friday
        date(2026, 5, 5), date(2026, 5, 26), date(2026, 6, 16), date(2026, 8, 4), date(2026, 12, 1),
        date(2026, 12, 29),
    }
    # only days inside the range are returned, but a holiday just before the range still counts
    assert post_bank_holiday_days(date(2026, 4, 7), date(2026, 4, 10), bank_holidays(UKNation.ENGLAND, [2026])) == {
        date(2026, 4, 7)
    }


@settings(max_examples=40, deadline=None)
@given(nation=st.sampled_from(list(UKNation)), year=st.integers(2020, 2032))
def test_every_run_of_bank_holidays_is_followed_by_exactly_one_post_day(nation, year):
    hols = bank_holidays(nation, [year - 1, year, year + 1])
    start, end = date(year, 1, 1), date(year, 12, 31)
    got = post_bank_holiday_days(start, end, hols)
    expected = set()
    for h in hols:
        nxt = h + timedelta(days=1)
        while nxt.weekday() >= 5 or nxt in hols:
            nxt += timedelta(days=1)
        if start <= nxt <= end:
            expected.add(nxt)
    assert got == expected
    assert not got & hols


# --------------------------------------------------------------------------- leap year


def test_leap_year_2028():
    hols = bank_holidays(UKNation.ENGLAND, [2028])
    assert set(hols) == _dates(2028, (1, 3), (4, 14), (4, 17), (5, 1), (5, 29), (8, 28), (12, 25), (12, 26))
    february = working_days(date(2028, 2, 1), date(2028, 2, 29), hols)
    assert len(february) == 21 and february[-1] == date(2028, 2, 29)
    assert len(list(daterange(date(2028, 1, 1), date(2028, 12, 31)))) == 366
    assert iso_week(date(2028, 2, 29)) == (2028, 9)
    assert iso_week(date(2028, 12, 31)) == (2028, 52)
    # the A/B pattern does not skip a beat over 29 February
    anchor = date(2028, 2, 21)
    assert [week_ab_index(date(2028, 2, d), anchor) for d in (21, 28, 29)] == [0, 1, 1]
    assert week_ab_index(date(2028, 3, 6), anchor) == 0
    assert post_bank_holiday_days(date(2028, 1, 1), date(2028, 1, 31), hols) == {date(2028, 1, 4)}
