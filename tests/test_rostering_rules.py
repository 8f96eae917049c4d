"""The contract safety checker: every rule met exactly and broken by the smallest step (one minute,
one shift, one weekend), the choices documented in docs/departments.md, overrides and properties."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from rotacc_lab.errors import ValidationError
from rotacc_lab.rostering.rules import (
    RULES,
    Period,
    RuleSet,
    check_rota,
    rest_periods,
    runs_on_consecutive_days,
)
from rotacc_lab.rostering.shifts import Assignment, ShiftType

MON = date(2026, 1, 5)  # a Monday
assert MON.weekday() == 0


def shift(start: str, end: str) -> ShiftType:
    return ShiftType.parse(f"{start}-{end}", start, end)


def on(day_offset: int, start: str, end: str, person: str = "D1") -> Assignment:
    return Assignment(person, MON + timedelta(days=day_offset), shift(start, end))


def daily(first: int, count: int, start: str, end: str) -> list[Assignment]:
    return [on(first + i, start, end) for i in range(count)]


def later(hours: float, after: datetime, end: str = None, person: str = "D1") -> Assignment:
    """A one-hour shift starting ``hours`` after ``after``."""
    begin = after + timedelta(minutes=round(hours * 60))
    stop = (begin + timedelta(hours=1)).time() if end is None else end
    return Assignment(person, begin.date(), ShiftType(f"x{begin:%H%M}", begin.time(), stop if isinstance(stop, time)
                                                      else time.fromisoformat(stop)))


def violations(rota, rule_id, period=None, rules=None):
    return check_rota(rota, rules, period, only=[rule_id]).violations


# Each case: rule -> (rota that meets the rule exactly, rota that breaks it by the smallest step, period)
# The breaking rota differs from the meeting one by one minute, one shift or one weekend.


def _average():
    meet = daily(0, 4, "08:00", "20:00")  # 48 h in one week
    brk = meet[:3] + [on(3, "08:00", "20:01")]
    return meet, brk, Period(MON, 1)


def _hours_168():
    meet = daily(0, 6, "08:00", "20:00")  # 72 h within 6 days
    brk = meet[:5] + [on(5, "08:00", "20:01")]
    return meet, brk, Period(MON, 1)


def _shift_length():
    return [on(0, "08:00", "21:00")], [on(0, "08:00", "21:01")], Period(MON, 1)


def _rest_between():
    first = on(0, "08:00", "18:00")
    return [first, on(1, "05:00", "06:00")], [first, on(1, "04:59", "06:00")], Period(MON, 1)


def _runs_then_rest(start: str, end: str, limit_days: int, rest_hours: float):
    run = daily(0, limit_days, start, end)
    last_end = run[-1].end
    meet = run + [later(rest_hours, last_end)]
    brk_rest = run + [later(rest_hours - 1 / 60, last_end)]
    brk_run = daily(0, limit_days + 1, start, end)
    return meet, brk_rest, brk_run


def _long_shifts():
    meet, brk, _ = _runs_then_rest("08:00", "18:01", 4, 48)
    return meet, brk, Period(MON, 2)


def _long_evenings():
    meet, brk, _ = _runs_then_rest("13:00", "23:30", 4, 48)
    return meet, brk, Period(MON, 2)


def _nights():
    return daily(0, 4, "22:00", "08:30"), daily(0, 5, "22:00", "08:30"), Period(MON, 2)


def _rest_after_nights():
    run = daily(0, 4, "22:00", "08:30")
    return run + [later(46, run[-1].end)], run + [later(46 - 1 / 60, run[-1].end)], Period(MON, 2)


def _consecutive_shifts():
    meet, brk, _ = _runs_then_rest("08:00", "16:00", 7, 48)
    return meet, brk, Period(MON, 2)


def _weekends():
    # 8 weekends; working 4 (1 in 2) is allowed (with a warning), 5 breaks it
    sat = [on(5 + 7 * w, "09:00", "17:00") for w in range(8)]
    return sat[:4], sat[:5], Period(MON, 8)


def _weekly_rest():
    # a fortnight of 08:00-16:00 shifts (16 h rest each night) but for one 48 h rest: day 5 off
    # and day 6's shift moved to 16:00, so Fri 16:00 to Sun 16:00 is the only rest of 24 h or more
    base = [on(d, "08:00", "16:00") for d in range(14) if d not in (5, 6)]
    return base + [on(6, "16:00", "20:00")], base + [on(6, "15:59", "20:00")], Period(MON, 2)


CASES = {
    "average_weekly_hours": _average,
    "hours_in_168": _hours_168,
    "shift_length": _shift_length,
    "rest_between_shifts": _rest_between,
    "consecutive_long_shifts": _long_shifts,
    "consecutive_long_evenings": _long_evenings,
    "consecutive_nights": _nights,
    "rest_after_nights": _rest_after_nights,
    "consecutive_shifts": _consecutive_shifts,
    "weekend_frequency": _weekends,
    "weekly_rest": _weekly_rest,
}


def test_every_rule_has_a_meet_and_break_case_and_the_issue_ids():
    assert list(RULES) == list(CASES)


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_met_exactly(rule_id):
    meet, _, period = CASES[rule_id]()
    errors = [v for v in violations(meet, rule_id, period) if v.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_broken_by_the_smallest_step(rule_id):
    _, brk, period = CASES[rule_id]()
    found = [v for v in violations(brk, rule_id, period) if v.severity == "error"]
    assert len(found) == 1
    v = found[0]
    assert v.rule == rule_id and v.person == "D1"
    assert v.start < v.end
    assert v.message.startswith(("D1", "after", "in the"))
    d = v.as_dict()
    assert set(d) >= {"rule", "doctor_id", "start", "end", "value", "limit", "message"}
    json.dumps(d)


# --------------------------------------------------------------------------- values reported


def test_values_and_limits_are_reported_in_the_rule_units():
    _, brk, period = _average()
    (v,) = violations(brk, "average_weekly_hours", period)
    assert (v.value, v.limit, v.unit) == (48.02, 48, "hours a week")
    _, brk, period = _rest_between()
    (v,) = violations(brk, "rest_between_shifts", period)
    assert (v.value, v.limit) == (10.98, 11)
    assert v.start == datetime(2026, 1, 5, 18) and v.end == datetime(2026, 1, 6, 4, 59)
    _, brk, period = _nights()
    (v,) = violations(brk, "consecutive_nights", period)
    assert (v.value, v.limit, v.unit) == (5, 4, "nights")


def test_runs_then_rest_rules_break_on_run_length_too():
    for rule_id, (start, end, n) in {
        "consecutive_long_shifts": ("08:00", "18:01", 4),
        "consecutive_long_evenings": ("13:00", "23:30", 4),
        "consecutive_shifts": ("08:00", "16:00", 7),
    }.items():
        *_, too_long = _runs_then_rest(start, end, n, 48)
        found = violations(too_long, rule_id, Period(MON, 2))
        assert [(v.value, v.limit, v.unit) for v in found] == [(n + 1, n, "days")]


def test_rest_rule_after_a_run_applies_only_after_the_longest_allowed_run():
    run = daily(0, 3, "08:00", "18:01")  # 3 long shifts, then a short rest: not this rule's business
    assert violations(run + [later(12, run[-1].end)], "consecutive_long_shifts") == ()


def test_overlapping_shifts_are_a_negative_rest():
    (v,) = violations([on(0, "08:00", "18:00"), on(0, "17:00", "20:00")], "rest_between_shifts")
    assert v.value == -1.0 and "overlaps" in v.message


# --------------------------------------------------------------------------- documented choices


def test_consecutive_days_count_the_day_a_shift_starts():
    """A night from Mon 22:00 to Tue 08:30 belongs to Monday: nights Mon-Fri are 5 in a row."""
    nights = daily(0, 5, "22:00", "08:30")
    assert [len(r) for r in runs_on_consecutive_days(nights, lambda a: a.shift.night)] == [5]
    # a day off breaks the run even though the previous night ended that morning
    broken = daily(0, 2, "22:00", "08:30") + daily(3, 3, "22:00", "08:30")
    assert violations(broken, "consecutive_nights") == ()


def test_a_non_night_shift_in_between_breaks_a_run_of_nights_but_rest_after_nights_catches_it():
    rota = daily(0, 3, "22:00", "08:30") + [on(3, "20:00", "23:00")] + daily(4, 2, "22:00", "08:30")
    assert violations(rota, "consecutive_nights") == ()
    assert len(violations(rota, "rest_after_nights")) == 1


def test_rest_after_a_single_night():
    rota = [on(0, "22:00", "08:30"), on(2, "08:00", "18:00")]
    (v,) = violations(rota, "rest_after_nights")
    assert v.value == 23.5


def test_no_following_shift_means_no_rest_violation():
    assert violations(daily(0, 4, "22:00", "08:30"), "rest_after_nights") == ()


def test_weekend_is_saturday_0001_to_sunday_2359():
    period = Period(MON, 1)
    fri_to_midnight = [on(4, "16:00", "00:01")]  # ends 00:01 Saturday: no weekend minute worked
    fri_into_sat = [on(4, "16:00", "00:02")]
    sun_late = [on(6, "23:59", "07:00")]          # starts 23:59 Sunday: not weekend work
    sun_earlier = [on(6, "23:58", "07:00")]
    assert violations(fri_to_midnight, "weekend_frequency", period) == ()
    assert violations(sun_late, "weekend_frequency", period) == ()
    # one weekend in a one-week period is 1 in 1: more than 1 in 2
    assert len(violations(fri_into_sat, "weekend_frequency", period)) == 1
    assert len(violations(sun_earlier, "weekend_frequency", period)) == 1


def test_weekend_frequency_over_an_odd_number_of_weekends_rounds_down():
    sat = [on(5 + 7 * w, "09:00", "17:00") for w in range(9)]
    period = Period(MON, 9)
    assert [v.severity for v in violations(sat[:4], "weekend_frequency", period)] == ["warning"]
    (v,) = violations(sat[:5], "weekend_frequency", period)
    assert v.severity == "error" and "4 of 9" in v.message


def test_weekend_warning_above_one_in_three():
    sat = [on(5 + 7 * w, "09:00", "17:00") for w in range(9)]
    assert violations(sat[:3], "weekend_frequency", Period(MON, 9)) == ()  # exactly 1 in 3
    (v,) = violations(sat[:3], "weekend_frequency", Period(MON, 8))       # 3 of 8
    assert v.severity == "warning" and "weekend allowance" in v.message
    result = check_rota(sat[:3], period=Period(MON, 8), only=["weekend_frequency"])
    assert result.compliant and len(result.warnings) == 1


def test_weekly_rest_two_rests_of_24_hours_instead_of_one_of_48():
    # shifts 08:00-16:00 every day except days 3 and 10, each day off giving 40 h of rest
    rota = [on(d, "08:00", "16:00") for d in range(14) if d not in (3, 10)]
    assert violations(rota, "weekly_rest", Period(MON, 2)) == ()
    only_one = rota + [on(10, "08:00", "09:00")]  # splits the second rest into 16 h and 23 h
    (v,) = violations(only_one, "weekly_rest", Period(MON, 2))
    assert v.value == 40 and v.limit == 48


def test_weekly_rest_windows_are_fixed_from_the_period_start():
    # 40 h of rest straddling two fortnights is not counted whole in either
    rota = [on(d, "08:00", "16:00") for d in range(28) if d not in (13, 14)]
    found = violations(rota, "weekly_rest", Period(MON, 4))
    assert [(v.start.date(), v.value) for v in found] == [(MON, 32.0), (MON + timedelta(days=14), 32.0)]


def test_weekly_rest_final_single_week_needs_24_hours():
    period = Period(MON, 3)
    fortnight = [on(d, "08:00", "16:00") for d in range(14) if d not in (3, 4, 10, 11)]
    week3 = [on(14 + d, "08:00", "16:00") for d in range(7) if d != 3]
    # day 17's shift from 16:00 leaves exactly 24 h after day 16's
    assert violations(fortnight + week3 + [on(17, "16:00", "20:00")], "weekly_rest", period) == ()
    (v,) = violations(fortnight + week3 + [on(17, "15:59", "20:00")], "weekly_rest", period)
    assert v.start.date() == MON + timedelta(days=14) and (v.value, v.limit) == (23.98, 24)


def test_average_counts_shifts_by_the_day_they_start():
    """A night starting on the period's last Sunday counts fully; one starting before does not."""
    period = Period(MON, 1)
    rota = daily(0, 3, "08:00", "20:00") + [on(6, "20:00", "08:01")]  # 36 h + 12 h 01 min
    (v,) = violations(rota, "average_weekly_hours", period)
    assert v.value == 48.02
    before = [on(-1, "20:00", "08:01")] + daily(0, 3, "08:00", "20:00")
    assert violations(before + [on(6, "08:00", "20:00")], "average_weekly_hours", period) == ()


def test_hours_in_168_one_violation_per_stretch_with_the_worst_window():
    rota = daily(0, 7, "08:00", "20:00")  # 84 h in 7 days
    (v,) = violations(rota, "hours_in_168")
    assert v.value == 84 and v.start == datetime(2026, 1, 5, 8)
    far = rota + daily(21, 7, "08:00", "20:00")
    assert len(violations(far, "hours_in_168")) == 2


times15 = st.integers(0, 4 * 24 - 1).map(lambda q: time(q // 4, 15 * (q % 4)))


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 13), times15, times15), min_size=1, max_size=12))
def test_hours_in_168_finds_the_worst_window_of_a_brute_force_scan(items):
    rota = [Assignment("D1", MON + timedelta(days=d), ShiftType("s", s, e)) for d, s, e in items]
    rota.sort(key=lambda a: a.sort_key)
    lo = datetime.combine(MON - timedelta(days=7), time(0))
    slots = [0] * (4 * 24 * 30)  # quarter hours worked (shifts lie on the 15-minute grid)
    for a in rota:
        for q in range(int((a.start - lo).total_seconds()) // 900, int((a.end - lo).total_seconds()) // 900):
            slots[q] += 15
    prefix = [0]
    for m in slots:
        prefix.append(prefix[-1] + m)
    width = 4 * 168  # every window start on the grid, a brute-force scan
    best = max(prefix[i + width] - prefix[i] for i in range(len(slots) - width))
    limit_h = 24
    found = violations(rota, "hours_in_168", rules=RuleSet.from_overrides({"hours_in_168": limit_h}))
    if best > limit_h * 60:
        assert max(v.value for v in found) == round(best / 60, 2)
    else:
        assert found == ()


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), times15, times15), max_size=15))
def test_rest_periods_and_work_tile_the_window(items):
    rota = sorted((Assignment("D1", MON + timedelta(days=d), ShiftType("s", s, e)) for d, s, e in items),
                  key=lambda a: a.sort_key)
    lo, hi = datetime.combine(MON, time(0)), datetime.combine(MON + timedelta(days=14), time(0))
    gaps = rest_periods(rota, lo, hi)
    for a, b in gaps:
        assert lo <= a < b <= hi
        assert not any(x.start < b and x.end > a for x in rota)
    covered = set()
    for x in rota:
        t = max(x.start, lo)
        while t < min(x.end, hi):
            covered.add(t)
            t += timedelta(minutes=15)
    rest_minutes = sum((b - a).total_seconds() // 60 for a, b in gaps)
    assert rest_minutes + 15 * len(covered) == 14 * 24 * 60


# --------------------------------------------------------------------------- rule sets


def test_overrides_number_table_and_disable():
    rules = RuleSet.from_overrides({
        "consecutive_nights": 3,
        "consecutive_shifts": {"max_consecutive": 6, "rest_hours": 24},
        "weekend_frequency": False,
        "average_weekly_hours": {"enabled": False},
    })
    assert rules.limits["consecutive_nights"]["max_consecutive"] == 3
    assert rules.limits["consecutive_shifts"] == {"max_consecutive": 6, "rest_hours": 24}
    assert "weekend_frequency" not in rules.enabled and "average_weekly_hours" not in rules.enabled
    assert RuleSet.from_overrides(rules.overrides()) == rules
    assert RuleSet.default().overrides() == {}
    # the override changes the verdict
    four = daily(0, 4, "22:00", "08:30")
    assert violations(four, "consecutive_nights") == ()
    assert len(violations(four, "consecutive_nights", rules=rules)) == 1
    assert check_rota(four, rules, only=["weekend_frequency"]).violations == ()


def test_overrides_relative_to_a_base_rule_set():
    wtr = RuleSet.only(["average_weekly_hours", "rest_between_shifts", "weekly_rest", "consecutive_nights"])
    assert wtr.enabled == {"average_weekly_hours", "rest_between_shifts", "weekly_rest", "consecutive_nights"}
    rules = RuleSet.from_overrides({"hours_in_168": True, "weekly_rest": {"enabled": False, "rest_hours": 30}},
                                   base=wtr)
    assert "hours_in_168" in rules.enabled and "weekly_rest" not in rules.enabled
    assert rules.overrides(wtr) == {"hours_in_168": {"enabled": True},
                                    "weekly_rest": {"enabled": False, "rest_hours": 30}}
    assert RuleSet.from_overrides(rules.overrides(wtr), base=wtr) == rules
    assert wtr.overrides(wtr) == {}
    with pytest.raises(ValueError, match="unknown"):
        RuleSet.only(["nope"])


def test_overrides_report_every_problem_at_once():
    with pytest.raises(ValidationError) as err:
        RuleSet.from_overrides({
            "no_such_rule": 1,
            "shift_length": -1,
            "consecutive_nights": 4.5,
            "rest_after_nights": {"min_hour": 40},
            "weekly_rest": {"enabled": "no"},
            "hours_in_168": "72",
            "rest_between_shifts": 11.001,
        }, source="department.toml [rules]")
    problems = err.value.problems
    assert [p.column for p in problems] == [
        "no_such_rule", "shift_length", "consecutive_nights", "rest_after_nights.min_hour",
        "weekly_rest.enabled", "hours_in_168", "rest_between_shifts"]
    assert all(p.source == "department.toml [rules]" for p in problems)
    assert "accepted: enabled, min_hours" in str(err.value)


def test_check_rota_sorts_by_person_and_start_and_rejects_unknown_rule_ids():
    rota = [on(0, "08:00", "22:00", "B"), on(0, "08:00", "22:00", "A"), on(1, "08:00", "08:00", "A")]
    result = check_rota(rota)
    assert [v.person for v in result.violations] == sorted(v.person for v in result.violations)
    assert not result.compliant
    with pytest.raises(ValueError, match="unknown"):
        check_rota(rota, only=["bogus"])
    assert check_rota([]).compliant


def test_period_validation_and_covering():
    with pytest.raises(ValueError, match="weeks"):
        Period(MON, 0)
    p = Period.covering([on(2, "08:00", "18:00"), on(15, "22:00", "08:30")])
    assert (p.start, p.weeks, p.end) == (MON, 3, MON + timedelta(days=20))
