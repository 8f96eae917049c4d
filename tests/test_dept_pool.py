"""Pool versus demand: pro rata, doctor rows, leave, rounding, demand resolution, weekly spread, the demo's figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from _dept_helpers import DEMO_DEPARTMENT, write_department
from rotacc_lab.departments import Request, RequestKind, pool_analysis, read_department
from rotacc_lab.departments.model import DepartmentSettings
from rotacc_lab.departments.pool import availability, largest_remainder, owed_shifts, round_half_up


@pytest.fixture()
def tiny(tmp_path):
    return read_department(write_department(tmp_path))


def owed(dept) -> dict[tuple[str, str], int]:
    return {(o.doctor_id, o.shift_type): o.shifts for o in owed_shifts(dept)}


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.fractions(min_value=0, max_value=40, max_denominator=20), min_size=1, max_size=6))
def test_largest_remainder_keeps_the_rounded_total_and_moves_each_by_less_than_one(values):
    keys = [f"k{i}" for i in range(len(values))]
    exact = dict(zip(keys, values))
    whole = largest_remainder(exact, keys)
    assert sum(whole.values()) == round_half_up(sum(values, Fraction(0)))
    for k in keys:
        assert exact[k] - 1 < whole[k] < exact[k] + 1
        assert whole[k] in (int(exact[k] // 1), int(exact[k] // 1) + 1)


def test_round_half_up():
    assert [round_half_up(Fraction(n, 2)) for n in range(6)] == [0, 1, 1, 2, 2, 3]


def test_group_quotas_are_pro_rated_and_a_doctor_row_overrides_only_its_shift_type(tiny):
    o = owed(tiny)
    assert (o[("A", "night")], o[("A", "day")]) == (4, 4)
    assert (o[("B", "night")], o[("B", "day")], o[("B", "nc")]) == (2, 2, 2)  # 50 %, own nc row not pro-rated
    assert (o[("C", "day")], o[("C", "nc")]) == (6, 1)
    assert ("A", "nc") not in o  # no group row, no doctor row: nothing owed
    basis = {(x.doctor_id, x.shift_type): x.basis for x in owed_shifts(tiny)}
    assert basis[("B", "nc")] == "doctor" and basis[("B", "night")] == "group"


def test_requested_leave_reduces_every_quota_in_proportion_to_workable_weekdays(tiny):
    leave = Request("A", date(2026, 11, 30), date(2026, 12, 6), RequestKind.ANNUAL_LEAVE)  # 5 of 10 weekdays
    d = replace(tiny, requests=(leave,))
    assert availability(d, d.doctor_by_id["A"]).factor == Fraction(1, 2)
    o = owed(d)
    assert (o[("A", "night")], o[("A", "day")]) == (2, 2)
    # OFF and WORK requests do not change what is owed
    other = replace(tiny, requests=(replace(leave, kind=RequestKind.OFF),))
    assert owed(other) == owed(tiny)


def test_leave_on_a_day_a_doctor_cannot_work_does_not_count(tiny):
    # B cannot work Mon or Tue: 6 workable weekdays in the 2 weeks; leave on the two Mondays changes nothing
    mondays = tuple(Request("B", day, day, RequestKind.STUDY_LEAVE) for day in (date(2026, 11, 30), date(2026, 12, 7)))
    d = replace(tiny, requests=mondays)
    a = availability(d, d.doctor_by_id["B"])
    assert (a.workable_weekdays, a.leave_weekdays, a.factor) == (6, 0, 1)
    wed = replace(tiny, requests=(Request("B", date(2026, 12, 2), date(2026, 12, 4), RequestKind.ANNUAL_LEAVE),))
    assert availability(wed, wed.doctor_by_id["B"]).factor == Fraction(1, 2)


def test_rounding_keeps_each_doctors_total(tiny):
    leave = Request("B", date(2026, 12, 2), date(2026, 12, 2), RequestKind.ANNUAL_LEAVE)  # 5 of 6 days left
    d = replace(tiny, requests=(leave,))
    rows = [x for x in owed_shifts(d) if x.doctor_id == "B"]
    exact = sum((x.exact for x in rows), Fraction(0))
    assert exact == Fraction(5, 6) * (2 + 2 + 2)
    assert sum(x.shifts for x in rows) == round_half_up(exact) == 5


def test_demand_a_date_overrides_a_bank_holiday_which_overrides_the_weekday(tiny):
    d = replace(tiny, settings=DepartmentSettings("T", tiny.settings.uk_nation, date(2026, 12, 21), 1))
    christmas, boxing_day_sub, sat = date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 26)
    assert christmas in d.bank_holidays
    assert d.demand_on(christmas, "day").minimum == 0  # bank_holiday row
    assert d.demand_on(date(2026, 12, 24), "day").minimum == 1  # Thursday row
    assert d.demand_on(sat, "day") is None
    assert d.demand_on(date(2026, 12, 5), "day").minimum == 2  # the date row (a Saturday)
    assert boxing_day_sub not in d.days
    a = pool_analysis(d)
    day = next(x for x in a.by_shift_type if x.shift_type == "day")
    assert (day.minimum, day.ideal) == (4, 9)  # Mon-Thu 1 each, Christmas 0; ideal 2 each + 1


def test_pool_lines_of_the_tiny_department(tiny):
    a = pool_analysis(tiny)
    lines = {x.shift_type: x for x in a.by_shift_type}
    assert (lines["night"].owed, lines["night"].minimum, lines["night"].vs_minimum) == (6, 14, -8)
    # 10 weekdays of 1, plus the Saturday 5 Dec row of 2
    assert (lines["day"].owed, lines["day"].minimum, lines["day"].ideal) == (12, 12, 22)
    assert lines["nc"].clinical is False and a.total_owed == 18 and a.total_minimum == 26
    assert [(g.shift_type, g.group, g.needed, g.owed) for g in a.by_group] == [("night", "HST", 14, 6)]
    assert a.summary()[0].startswith("18 clinical shifts owed against a minimum demand of 26 (ideal 36)")


def test_weekly_spread_adds_up_to_the_period_and_follows_leave(tiny):
    leave = Request("A", date(2026, 11, 30), date(2026, 12, 6), RequestKind.ANNUAL_LEAVE)
    a = pool_analysis(replace(tiny, requests=(leave,)))
    for line in a.clinical:
        weekly = [w.owed for w in a.by_week if w.shift_type == line.shift_type]
        assert sum(weekly) == pytest.approx(line.owed, abs=0.1 * len(weekly))
    night = {w.week_start: w.owed for w in a.by_week if w.shift_type == "night"}
    # A owes 2 nights, all in week 2; B's 2 split 3:3 over B's workable weekdays
    assert night == {date(2026, 11, 30): 1.0, date(2026, 12, 7): 3.0}


def test_the_demo_departments_figures():
    """The figures docs/departments.md quotes: the story's "short overall, too many days"."""
    a = pool_analysis(read_department(DEMO_DEPARTMENT))
    lines = {x.shift_type: x for x in a.clinical}
    assert (a.total_owed, a.total_minimum, a.total_ideal) == (375, 406, 483)
    assert {k: (v.owed, v.minimum, v.vs_minimum) for k, v in lines.items()} == {
        "night": (88, 113, -25), "late": (59, 62, -3), "mid": (78, 119, -41), "day": (150, 112, 38)}
    assert [(g.shift_type, g.group, g.needed, g.owed) for g in a.by_group] == [("night", "HST", 56, 45)]
    text = "\n".join(a.summary())
    assert "31 short" in text and "day (+38)" in text and "mid (-41)" in text
    # Christmas week and New Year week are the thinnest
    weeks = {}
    for w in a.by_week:
        weeks.setdefault(w.week_start, 0.0)
        weeks[w.week_start] += w.vs_minimum
    worst = sorted(weeks, key=weeks.get)[:2]
    assert set(worst) == {date(2026, 12, 21), date(2026, 12, 28)}
    d = a.as_dict()
    assert d["total_owed"] == 375 and len(d["by_doctor"]) == len(a.owed)
    assert next(x for x in d["by_shift_type"] if x["shift_type"] == "nc")["vs_minimum"] is None
