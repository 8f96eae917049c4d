"""Leave usage, pro-rata entitlement, shifts affected, remaining quota and sick-leave credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rotacc_lab.calculations import (
    leave_amount,
    leave_used,
    partner_leave_weeks,
    pro_rata_entitlement,
    remaining_leave,
    shifts_affected,
    sick_leave_credit,
    sick_leave_credit_year,
)
from rotacc_lab.domain import ClinicianType, Duration, LeaveAdjustment, LeaveStatus, LeaveType, SickLeave

from _calc_helpers import MON, THU, TUE, alternate_term, annual, clin, partner_term, salaried_term, snapshot

D = Decimal
APPROVED, PENDING, REJECTED = LeaveStatus.APPROVED, LeaveStatus.PENDING, LeaveStatus.REJECTED
SAL = ClinicianType.SALARIED


def test_partner_leave_weeks_round_up():
    assert partner_leave_weeks(date(2026, 1, 5), date(2026, 1, 7)) == 1  # 3 days
    assert partner_leave_weeks(date(2026, 1, 5), date(2026, 1, 11)) == 1  # 7 days
    assert partner_leave_weeks(date(2026, 1, 5), date(2026, 1, 12)) == 2  # 8 days
    assert partner_leave_weeks(date(2026, 1, 5), date(2026, 1, 5)) == 1


def test_salaried_leave_counts_fixed_days_half_days_and_non_working_days():
    lv = [
        annual("a", "S", date(2026, 1, 5), date(2026, 1, 16)),  # Mon/Wed/Fri x 2 = 6
        annual("b", "S", date(2026, 1, 21), date(2026, 1, 21), dur=Duration.HALF),  # half a Wednesday
        annual("c", "S", date(2026, 1, 27), date(2026, 1, 27)),  # a Tuesday: not a working day -> 0
    ]
    snap = snapshot([clin("S", SAL)], [salaried_term("t", "S", date(2026, 1, 1), leave=25)], leave=lv)
    assert [leave_amount(snap, x) for x in lv] == [6, D("0.5"), 0]
    assert leave_used(snap, "S", date(2026, 1, 1), date(2026, 12, 31)) == D("6.50")
    assert shifts_affected(snap, lv[0]) == D("6.00")
    assert shifts_affected(snap, lv[1]) == D("0.50")


def test_alternate_weeks_leave_counts_pattern_days():
    # pattern from Mon 12 Jan 2026: A = Mon/Tue, B = Thu; leave 12..25 Jan covers A (2) + B (1)
    lv = [annual("a", "A", date(2026, 1, 12), date(2026, 1, 25))]
    snap = snapshot([clin("A", SAL)], [alternate_term("t", "A", date(2026, 1, 7), a=(MON, TUE), b=(THU,), leave=10)],
                    leave=lv)
    assert leave_used(snap, "A", date(2026, 1, 1), date(2026, 12, 31)) == D("3.00")


def test_leave_crossing_the_year_boundary_is_split_without_double_charging():
    # partner: Mon 28 Dec 2026 .. Sun 3 Jan 2027 is one week, shared 4/7 : 3/7
    p = snapshot([clin("P")], [partner_term("t", "P", date(2026, 1, 1), leave=6)],
                 leave=[annual("x", "P", date(2026, 12, 28), date(2027, 1, 3))])
    assert leave_used(p, "P", date(2026, 1, 1), date(2026, 12, 31)) == D("0.57")
    assert leave_used(p, "P", date(2027, 1, 1), date(2027, 12, 31)) == D("0.43")
    assert leave_used(p, "P", date(2026, 1, 1), date(2027, 12, 31)) == D("1.00")
    # salaried (Mon/Wed/Fri): 28, 30 Dec | 1, 4, 6, 8 Jan
    s = snapshot([clin("S", SAL)], [salaried_term("t", "S", date(2026, 1, 1), leave=25)],
                 leave=[annual("x", "S", date(2026, 12, 28), date(2027, 1, 8))])
    assert leave_used(s, "S", date(2026, 1, 1), date(2026, 12, 31)) == D("2.00")
    assert leave_used(s, "S", date(2027, 1, 1), date(2027, 12, 31)) == D("4.00")


def test_only_annual_leave_with_wanted_status_counts():
    lv = [
        annual("a", "P", date(2026, 3, 2), date(2026, 3, 9)),  # 8 days -> 2 weeks, approved
        annual("b", "P", date(2026, 5, 4), date(2026, 5, 6), PENDING),  # 1 week pending
        annual("c", "P", date(2026, 6, 1), date(2026, 6, 5), REJECTED),
        annual("d", "P", date(2026, 7, 6), date(2026, 7, 10), kind=LeaveType.STUDY_LEAVE),
        annual("e", "P", date(2026, 8, 3), date(2026, 8, 7), kind=LeaveType.NOT_WORKING),
    ]
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2026, 1, 1), leave=6)], leave=lv)
    assert leave_used(snap, "P", date(2026, 1, 1), date(2026, 12, 31)) == D("2.00")
    assert leave_used(snap, "P", date(2026, 1, 1), date(2026, 12, 31), (PENDING,)) == D("1.00")
    assert leave_used(snap, "P", date(2026, 1, 1), date(2026, 12, 31), ("approved", "pending")) == D("3.00")
    with pytest.raises(ValueError, match="statuses"):
        leave_used(snap, "P", date(2026, 1, 1), date(2026, 12, 31), ("GRANTED",))


def test_pro_rata_entitlement():
    # 1 Jul .. 31 Dec 2026: 184 days = 26.29 weeks; 6 * 26.29/52 = 3.03 -> 4
    assert pro_rata_entitlement(6, date(2026, 7, 1), date(2026, 12, 31)) == D("4.00")
    # 1 Apr .. 31 Dec: 275 days; 20 * 39.29/52 = 15.11 -> 16
    assert pro_rata_entitlement(20, date(2026, 4, 1), date(2026, 12, 31)) == D("16.00")
    # a whole year is 52.14 weeks; capped at the full entitlement
    assert pro_rata_entitlement(25, date(2026, 1, 1), date(2026, 12, 31)) == D("25.00")
    assert pro_rata_entitlement(D("27.5"), date(2028, 1, 1), date(2028, 12, 31)) == D("27.50")
    with pytest.raises(ValueError):
        pro_rata_entitlement(-1, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValueError, match="no 'total' key"):
        pro_rata_entitlement({"weeks": 6}, date(2026, 1, 1), date(2026, 12, 31))


def test_shifts_affected_partner():
    lv = annual("a", "P", date(2026, 3, 2), date(2026, 3, 11))  # 10 days -> 2 weeks
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2026, 1, 1), pct=50)], leave=[lv])
    assert shifts_affected(snap, lv) == D("3.50")  # 2 * 3.5 * 0.5


def test_remaining_leave_partner_with_pending_and_adjustment():
    lv = [
        annual("a", "P", date(2026, 3, 2), date(2026, 3, 9)),  # 2 weeks approved
        annual("b", "P", date(2026, 5, 4), date(2026, 5, 6), PENDING),  # 1 week pending
        annual("c", "P", date(2026, 6, 1), date(2026, 6, 5), REJECTED),
    ]
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2025, 1, 1), leave=6)], leave=lv,
                    adjustments=[LeaveAdjustment("adj", "t", D(1), "carried over")])
    r = remaining_leave(snap, "P", 2026)
    assert r.as_dict() == {
        "has_entitlement": True, "unit": "weeks", "entitlement": D("6.00"), "adjustments": D("1.00"),
        "effective_entitlement": D("7.00"), "used_approved": D("2.00"), "used_pending": D("1.00"),
        "remaining": D("5.00"), "remaining_including_pending": D("4.00"),
    }


def test_remaining_leave_salaried_mid_year_starter_and_overbooked():
    lv = [annual("a", "S", date(2026, 7, 6), date(2026, 7, 17)),  # Mon/Wed/Fri x2 = 6 days
          annual("b", "S", date(2026, 7, 22), date(2026, 7, 22), PENDING, Duration.HALF)]
    snap = snapshot([clin("S", SAL)], [salaried_term("t", "S", date(2026, 7, 1), leave=4)], leave=lv)
    r = remaining_leave(snap, "S", 2026)
    assert (r.unit, r.entitlement, r.used_approved, r.used_pending) == ("days", D("3.00"), D("6.00"), D("0.50"))
    # 4 * 26.29/52 = 2.02 -> 3 days pro rata; 6 used -> over-booked by 3
    assert (r.remaining, r.remaining_including_pending) == (D("-3.00"), D("-3.50"))


def test_remaining_leave_without_entitlement_and_range_form():
    lv = [annual("a", "L", date(2026, 3, 2), date(2026, 3, 6))]
    snap = snapshot([clin("L", ClinicianType.LOCUM), clin("P")],
                    [salaried_term("t", "L", date(2026, 1, 1), days=(MON, TUE)),
                     partner_term("p", "P", date(2026, 4, 1), leave=6)], leave=lv)
    r = remaining_leave(snap, "L", 2026)
    assert not r.has_entitlement and r.remaining == 0 and r.used_approved == D("2.00")
    # a leave year April..March, the term covers all of it -> full entitlement
    r = remaining_leave(snap, "P", (date(2026, 4, 1), date(2027, 3, 31)))
    assert r.entitlement == D("6.00") and r.unit == "weeks"
    with pytest.raises(TypeError):
        remaining_leave(snap, "P", "2026")
    with pytest.raises(ValueError, match="before start"):
        remaining_leave(snap, "P", (date(2027, 3, 31), date(2026, 4, 1)))


# --------------------------------------------------------------------------- sick-leave credit


def _sick_snap(*spells):
    return snapshot(
        [clin("P"), clin("S", SAL)],
        [partner_term("p", "P", date(2025, 1, 1), pct=50), salaried_term("s", "S", date(2025, 1, 1))],
        sick=[SickLeave(f"k{i}", cid, s, e) for i, (cid, s, e) in enumerate(spells)],
    )


def test_sick_credit_closed_ongoing_clamped_and_fractional():
    snap = _sick_snap(("P", date(2026, 1, 5), date(2026, 1, 18)), ("P", date(2026, 3, 2), None),
                      ("S", date(2026, 1, 5), date(2026, 1, 18)))
    year = (date(2026, 1, 1), date(2026, 12, 31))
    # 14 days = 2 weeks * 3.5 (not FTE-scaled, as the reference) + ongoing 2..11 Mar = 10 days -> 5.0
    assert sick_leave_credit(snap, "P", *year, as_of=date(2026, 3, 11)) == D("12.00")
    # clamped to the range: 12..18 Jan = 7 days
    assert sick_leave_credit(snap, "P", date(2026, 1, 12), date(2026, 1, 31), date(2026, 3, 11)) == D("3.50")
    # fractional weeks: 5..7 Jan = 3 days -> 1.5
    assert sick_leave_credit(snap, "P", date(2026, 1, 1), date(2026, 1, 7), date(2026, 3, 11)) == D("1.50")
    # ongoing spell before it started: nothing
    assert sick_leave_credit(snap, "P", date(2026, 2, 1), date(2026, 12, 31), date(2026, 2, 15)) == D("0.00")
    # salaried: never credited
    assert sick_leave_credit(snap, "S", *year, as_of=date(2026, 3, 11)) == D("0.00")
    assert sick_leave_credit_year(snap, "P", 2026, date(2026, 3, 11)) == D("12.00")


def test_sick_credit_overlapping_spells_counted_once_and_only_under_partner_terms():
    snap = snapshot(
        [clin("P")],
        [partner_term("p", "P", date(2026, 1, 8))],
        sick=[SickLeave("a", "P", date(2026, 1, 5), date(2026, 1, 14)), SickLeave("b", "P", date(2026, 1, 10), date(2026, 1, 20))],
    )
    # union 5..20 Jan, partner from 8 Jan: 13 days -> 13/7 * 3.5 = 6.5
    assert sick_leave_credit(snap, "P", date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1)) == D("6.50")
