"""Targets: hand-computed cases for partners, salaried, ALTERNATE_WEEKS and calendar-year targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rotacc_lab.calculations import calendar_year_target, target_breakdown, target_shifts
from rotacc_lab.domain import ClinicianType, TermType, WorkingTerm

from _calc_helpers import FRI, MON, THU, TUE, WED, alternate_term, clin, partner_term, salaried_term, snapshot

D = Decimal


def test_partner_full_week_is_target_days_per_week():
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2026, 1, 1))])
    # Mon 5 .. Sun 11 January: 7 days inclusive = 1 week x 3.5 x 1.0
    assert target_shifts(snap, "P", date(2026, 1, 5), date(2026, 1, 11)) == D("3.50")
    # one day: 1/7 x 3.5 = 0.5
    assert target_shifts(snap, "P", date(2026, 1, 5), date(2026, 1, 5)) == D("0.50")


def test_partner_two_terms_in_one_period_with_leave():
    # 100 % for 4 weeks (5 Jan .. 1 Feb), then 50 % (2 Feb ..); period 5 Jan .. 1 Mar (8 weeks)
    terms = [
        partner_term("a", "P", date(2026, 1, 5), date(2026, 2, 1), 100),
        partner_term("b", "P", date(2026, 2, 2), None, 50),
    ]
    snap = snapshot([clin("P")], terms)
    assert target_shifts(snap, "P", date(2026, 1, 5), date(2026, 3, 1)) == D("21.00")  # 4*3.5 + 4*3.5*0.5
    # with 6 weeks' entitlement on both: deductions 6*28/365*3.5*(1 + 0.5) = 2.4164...
    terms = [
        partner_term("a", "P", date(2026, 1, 5), date(2026, 2, 1), 100, leave=6),
        partner_term("b", "P", date(2026, 2, 2), None, 50, leave=6),
    ]
    snap = snapshot([clin("P")], terms)
    assert target_shifts(snap, "P", date(2026, 1, 5), date(2026, 3, 1)) == D("18.58")
    parts = target_breakdown(snap, "P", date(2026, 1, 5), date(2026, 3, 1))
    assert [(p.term_id, p.start, p.end) for p in parts] == [
        ("a", date(2026, 1, 5), date(2026, 2, 1)),
        ("b", date(2026, 2, 2), date(2026, 3, 1)),
    ]
    assert parts[0].base == D(14) and parts[1].base == D(7)


def test_partner_full_year_and_leap_year():
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2020, 1, 1), leave=6)])
    # 2026: 365/7 * 3.5 - 6 * 3.5 = 182.5 - 21
    assert target_shifts(snap, "P", date(2026, 1, 1), date(2026, 12, 31)) == D("161.50")
    # 2028 (leap): 366/7 * 3.5 - 6 * 3.5 = 183 - 21; the whole leave year is deducted, no more
    assert target_shifts(snap, "P", date(2028, 1, 1), date(2028, 12, 31)) == D("162.00")


def test_partner_range_crossing_into_leap_year_prorates_each_year_by_its_own_length():
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2027, 12, 1), date(2028, 1, 31), leave=6)])
    # 62 days: base 62/7*3.5 = 31; deduction 6*3.5*(31/365 + 31/366) = 3.56225...
    assert target_shifts(snap, "P", date(2027, 1, 1), date(2028, 12, 31)) == D("27.44")


def test_mid_year_starter_partner():
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2026, 7, 1), leave=6)])
    # clamped to 1 Jul .. 31 Dec = 184 days: 184/7*3.5 = 92; minus 6*184/365*3.5 = 10.586...
    assert target_shifts(snap, "P", date(2026, 1, 1), date(2026, 12, 31)) == D("81.41")
    # nothing before the start
    assert target_shifts(snap, "P", date(2026, 1, 1), date(2026, 6, 30)) == D("0.00")


def test_zero_percent_partner_and_non_target_types():
    terms = [
        partner_term("z", "Z", date(2026, 1, 1), pct=0, leave=6),
        WorkingTerm("l", "L", TermType.LOCUM, date(2026, 1, 1), None, 100, fixed_working_days=(MON,)),
        WorkingTerm("f", "F", TermType.FY_DOCTOR, date(2026, 1, 1), None, 100),
        WorkingTerm("s", "S", TermType.ST_DOCTOR, date(2026, 1, 1), None, 100),
    ]
    snap = snapshot([clin("Z"), clin("L", ClinicianType.LOCUM), clin("F", ClinicianType.FY_DOCTOR),
                     clin("S", ClinicianType.ST_DOCTOR), clin("N")], terms)
    for cid in "ZLFSN":  # N has no term at all
        assert target_shifts(snap, cid, date(2026, 1, 1), date(2026, 3, 31)) == D("0.00")
        assert calendar_year_target(snap, cid, 2026) == D("0.00")


def test_salaried_fixed_days_minus_prorated_leave():
    snap = snapshot([clin("S", ClinicianType.SALARIED)], [salaried_term("t", "S", date(2026, 1, 1))])
    # Mon 5 .. Sun 18 Jan: Mon/Wed/Fri twice = 6
    assert target_shifts(snap, "S", date(2026, 1, 5), date(2026, 1, 18)) == D("6.00")
    snap = snapshot([clin("S", ClinicianType.SALARIED)], [salaried_term("t", "S", date(2026, 1, 1), leave=20)])
    # 6 - 20 * 14/365 = 6 - 0.767...
    assert target_shifts(snap, "S", date(2026, 1, 5), date(2026, 1, 18)) == D("5.23")
    # 2026 starts on a Thursday: 52 weeks + one Thursday -> 156 Mon/Wed/Fri; minus 20
    assert target_shifts(snap, "S", date(2026, 1, 1), date(2026, 12, 31)) == D("136.00")


def test_alternate_weeks_target():
    # term starts Wed 7 Jan 2026; the pattern starts on the first full Monday (12 Jan) with week A
    snap = snapshot([clin("A", ClinicianType.SALARIED)],
                    [alternate_term("t", "A", date(2026, 1, 7), a=(MON, TUE), b=(THU,))])
    # weeks from 12 Jan: A(2) B(1) A(2) B(1) up to Sun 8 Feb
    assert target_shifts(snap, "A", date(2026, 1, 5), date(2026, 2, 8)) == D("6.00")
    # starting mid-pattern: week B of 19 Jan only -> Thu 22 Jan
    assert target_shifts(snap, "A", date(2026, 1, 19), date(2026, 1, 25)) == D("1.00")
    snap = snapshot([clin("A", ClinicianType.SALARIED)],
                    [alternate_term("t", "A", date(2026, 1, 7), a=(MON, TUE), b=(THU,), leave=10)])
    # effective range 7 Jan .. 8 Feb = 33 days: 6 - 10*33/365
    assert target_shifts(snap, "A", date(2026, 1, 5), date(2026, 2, 8)) == D("5.10")


def test_calendar_year_target_reference_formulas():
    snap = snapshot(
        [clin("P"), clin("H"), clin("S", ClinicianType.SALARIED), clin("A", ClinicianType.SALARIED)],
        [
            partner_term("p", "P", date(2020, 1, 1), leave=6),
            partner_term("h", "H", date(2020, 1, 1), pct=50, leave=6),
            salaried_term("s", "S", date(2020, 1, 1), days=(MON, WED, FRI), leave=20, pct=60),
            alternate_term("a", "A", date(2020, 1, 1), a=(MON, TUE), b=(THU,), leave=10),
        ],
    )
    # England 2026 has 8 weekday bank holidays: (3.5*52 - 8 - 6*3.5) * 1.0
    assert calendar_year_target(snap, "P", 2026) == D("153.00")
    assert calendar_year_target(snap, "H", 2026) == D("76.50")
    # 2028 (leap) also has 8 (New Year substitute on Mon 3 Jan): full weeks still 52
    assert calendar_year_target(snap, "P", 2028) == D("153.00")
    # salaried: (3 * 52 - 20) * 0.60, as the reference states (the FTE factor is applied)
    assert calendar_year_target(snap, "S", 2026) == D("81.60")
    # alternate weeks: mean 1.5 days/week: (1.5 * 52 - 10) * 0.50
    assert calendar_year_target(snap, "A", 2026) == D("34.00")


def test_calendar_year_target_prorates_part_year_terms():
    snap = snapshot([clin("P")], [partner_term("p", "P", date(2026, 7, 1), leave=6)])
    # 153 * 184/365 = 77.128...
    assert calendar_year_target(snap, "P", 2026) == D("77.13")


def test_target_validation():
    snap = snapshot([clin("P"), clin("B")], [
        partner_term("t", "P", date(2026, 1, 1)),
        partner_term("bad", "B", date(2026, 1, 1), pct=150),
    ])
    with pytest.raises(ValueError, match="before start"):
        target_shifts(snap, "P", date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="unknown clinician 'Q'"):
        target_shifts(snap, "Q", date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValueError, match="term bad percentage.*outside 0..100"):
        target_shifts(snap, "B", date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(TypeError):
        target_shifts(snap, "P", "2026-01-01", date(2026, 2, 1))
    with pytest.raises(TypeError):
        calendar_year_target(snap, "P", "2026")
