"""Auto-approval policy: each rule, every failure listed, TOML loading, year-boundary blackouts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftType,
    Weekday,
)
from rotacc_lab.workflows.policy import Blackout, LeavePolicy, LeaveRequest, evaluate

XMAS = Blackout("Christmas", 12, 25, 14)


def snap(shifts=(), leave=(), mins=2) -> PracticeSnapshot:
    clinicians = tuple(Clinician(f"C{i}", f"Dr {i}", None, ClinicianType.PARTNER) for i in range(6))
    return PracticeSnapshot(
        settings=Settings(min_doctors={d: mins for d in Weekday}),
        clinicians=clinicians,
        shifts=tuple(shifts),
        leave=tuple(leave),
    )


def req(start, end, kind=LeaveType.ANNUAL_LEAVE, who="C0"):
    return LeaveRequest(who, kind, start, end)


def test_all_rules_pass_means_auto_approval():
    d = evaluate(LeavePolicy(blackouts=(XMAS,)), snap(), req(date(2026, 6, 1), date(2026, 6, 5)))
    assert d.auto_approve and d.failures == ()


def test_blackout_message_wording():
    d = evaluate(LeavePolicy(blackouts=(XMAS,)), snap(), req(date(2026, 12, 24), date(2026, 12, 24)))
    assert not d.auto_approve
    assert d.reasons == ["2026-12-24 is inside the Christmas blackout (25 Dec ± 14 days)"]


def test_every_failing_rule_is_listed():
    policy = LeavePolicy(
        allowed_types=(LeaveType.ANNUAL_LEAVE,), max_working_days=3, blackouts=(XMAS,), max_clinicians_off=1
    )
    others = [Leave("L1", "C1", LeaveType.ANNUAL_LEAVE, date(2026, 12, 1), date(2026, 12, 31), LeaveStatus.APPROVED)]
    # C0 and C1 working on 2026-12-14 (Mon); minimum 2
    shifts = [Shift(1, "C0", date(2026, 12, 14)), Shift(2, "C2", date(2026, 12, 14))]
    d = evaluate(policy, snap(shifts, others), req(date(2026, 12, 14), date(2026, 12, 18), LeaveType.NOT_WORKING))
    rules = [f.rule for f in d.failures]
    assert rules == ["allowed_types", "max_working_days", "blackouts", "max_clinicians_off", "enforce_minimum_staffing"]
    assert "NOT_WORKING" in d.reasons[0]
    assert "5 working days" in d.reasons[1]
    assert "2026-12-14 would have 1 doctor(s), below the minimum of 2" in d.reasons[4]


def test_switching_rules_off():
    policy = LeavePolicy(allowed_types=None, max_working_days=None, max_clinicians_off=None,
                         enforce_minimum_staffing=False)
    others = [Leave(f"L{i}", f"C{i}", LeaveType.ANNUAL_LEAVE, date(2026, 3, 2), date(2026, 3, 30), LeaveStatus.APPROVED)
              for i in range(1, 5)]
    d = evaluate(policy, snap((Shift(1, "C0", date(2026, 3, 2)),), others, mins=9),
                 req(date(2026, 3, 2), date(2026, 3, 27), LeaveType.NOT_WORKING))
    assert d.auto_approve


def test_policy_master_switch_off():
    d = evaluate(LeavePolicy(auto_approve=False), snap(), req(date(2026, 6, 1), date(2026, 6, 1)))
    assert not d.auto_approve and d.failures[0].rule == "auto_approve"


def test_max_clinicians_counts_per_day_not_over_whole_range():
    # two other clinicians off, but on different days: never more than 1 other on a day
    leave = [
        Leave("A", "C1", LeaveType.ANNUAL_LEAVE, date(2026, 6, 1), date(2026, 6, 2), LeaveStatus.APPROVED),
        Leave("B", "C2", LeaveType.ANNUAL_LEAVE, date(2026, 6, 4), date(2026, 6, 5), LeaveStatus.APPROVED),
        Leave("P", "C3", LeaveType.ANNUAL_LEAVE, date(2026, 6, 1), date(2026, 6, 5), LeaveStatus.PENDING),
    ]
    policy = LeavePolicy(max_clinicians_off=2)
    assert evaluate(policy, snap(leave=leave), req(date(2026, 6, 1), date(2026, 6, 5))).auto_approve
    policy1 = LeavePolicy(max_clinicians_off=1)
    d = evaluate(policy1, snap(leave=leave), req(date(2026, 6, 1), date(2026, 6, 5)))
    assert d.failures[0].rule == "max_clinicians_off"
    assert d.reasons[0].startswith("2026-06-01 (and 3 more day(s))")


def test_staffing_rule_ignores_days_requester_not_rostered_and_non_counting_shifts():
    shifts = [
        Shift(1, "C0", date(2026, 6, 1), ShiftType.STUDY_LEAVE),  # does not count toward minimum
        Shift(2, "C1", date(2026, 6, 1)),
        Shift(3, "C0", date(2026, 6, 2), ShiftType.DUTY),
        Shift(4, "C1", date(2026, 6, 2)),
        Shift(5, "C2", date(2026, 6, 2)),
    ]
    d = evaluate(LeavePolicy(), snap(shifts, mins=2), req(date(2026, 6, 1), date(2026, 6, 2)))
    assert d.auto_approve
    d = evaluate(LeavePolicy(), snap(shifts, mins=3), req(date(2026, 6, 1), date(2026, 6, 2)))
    assert d.reasons == ["2026-06-02 would have 2 doctor(s), below the minimum of 3"]


def test_working_days_exclude_weekends_and_bank_holidays_and_half_days():
    policy = LeavePolicy(max_working_days=3)
    # Fri 2026-12-25 and Mon 2026-12-28 are bank holidays (England): 24,29,30,31 Dec -> 4 days
    d = evaluate(policy, snap(), req(date(2026, 12, 24), date(2026, 12, 31)))
    assert "4 working days" in d.reasons[0]
    half = LeaveRequest("C0", LeaveType.ANNUAL_LEAVE, date(2026, 6, 1), date(2026, 6, 1), half_day=True)
    assert evaluate(LeavePolicy(max_working_days=0.5), snap(), half).auto_approve


@settings(max_examples=60, deadline=None)
@given(year=st.integers(2000, 2090), offset=st.integers(-40, 40), n=st.integers(0, 30))
def test_blackout_across_year_boundary(year, offset, n):
    """A day is inside "25 Dec ± n" exactly when it is within n days of *some* 25 December."""
    b = Blackout("Christmas", 12, 25, n)
    day = date(year, 12, 25) + timedelta(days=offset)
    assert b.contains(day) == (abs(offset) <= n)
    # the same day seen from the policy
    d = evaluate(LeavePolicy(blackouts=(b,)), snap(), req(day, day))
    assert any(f.rule == "blackouts" for f in d.failures) == (abs(offset) <= n)


def test_early_january_is_inside_previous_christmas_blackout():
    for day in range(2, 6):
        assert XMAS.contains(date(2027, 1, day))
    assert not XMAS.contains(date(2027, 1, 9))
    d = evaluate(LeavePolicy(blackouts=(XMAS,)), snap(), req(date(2027, 1, 4), date(2027, 1, 5)))
    assert d.reasons == ["2027-01-04 (and 1 more day(s) up to 2027-01-05) are inside the Christmas blackout (25 Dec ± 14 days)"]


@settings(max_examples=40, deadline=None)
@given(year=st.integers(2001, 2090), offset=st.integers(-10, 10))
def test_leap_day_blackout(year, offset):
    b = Blackout("Leap", 2, 29, 3)
    centre = date(year, 2, 29) if year % 4 == 0 and (year % 100 or year % 400 == 0) else date(year, 2, 28)
    day = centre + timedelta(days=offset)
    assert b.contains(day) == (abs(offset) <= 3)


def test_validation_errors_name_the_field():
    with pytest.raises(ValueError, match=r"leave_policy.max_working_days: -1"):
        LeavePolicy(max_working_days=-1)
    with pytest.raises(ValueError, match=r"leave_policy.max_working_days: 1.3"):
        LeavePolicy(max_working_days=1.3)
    with pytest.raises(ValueError, match=r"leave_policy.max_clinicians_off: 0"):
        LeavePolicy(max_clinicians_off=0)
    with pytest.raises(ValueError, match=r"leave_policy.allowed_types: 'HOLIDAY' is not one of"):
        LeavePolicy(allowed_types=("HOLIDAY",))
    with pytest.raises(ValueError, match=r"\.day: 31 is not accepted; give an integer 1..30 for month 11"):
        Blackout("x", 11, 31, 1)
    with pytest.raises(ValueError, match=r"days_either_side: 200"):
        Blackout("x", 1, 1, 200)
    with pytest.raises(ValueError, match=r"duplicate blackout names"):
        LeavePolicy(blackouts=(XMAS, XMAS))


def test_toml_loading(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        """
[leave_policy]
allowed_types = ["annual_leave"]
max_working_days = 7.5
max_clinicians_off = 0
enforce_minimum_staffing = false

[[leave_policy.blackouts]]
name = "Christmas"
month = 12
day = 25
days_either_side = 14
""",
        encoding="utf-8",
    )
    p = LeavePolicy.from_toml(path)
    assert p.allowed_types == (LeaveType.ANNUAL_LEAVE,)
    assert str(p.max_working_days) == "7.5"
    assert p.max_clinicians_off is None and p.enforce_minimum_staffing is False
    assert p.blackouts == (XMAS,)
    path.write_text("[leave_policy]\nmax_days = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key.*max_days.*accepted"):
        LeavePolicy.from_toml(path)
    path.write_text("[leave_policy]\n[[leave_policy.blackouts]]\nname='x'\nmonth=13\nday=1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"month: 13"):
        LeavePolicy.from_toml(path)
    path.write_text("[other]\n", encoding="utf-8")
    assert LeavePolicy.from_toml(path) == LeavePolicy()
