"""Generated practices obey the domain's own rules and are deterministic."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from rotacc_lab.calendar import bank_holidays_between, post_bank_holiday_days, week_ab_index
from rotacc_lab.domain import (
    ClinicianType,
    LeaveStatus,
    LeaveType,
    ShiftStatus,
    ShiftType,
    TermType,
    UKNation,
    Weekday,
)
from rotacc_lab.synth import partner_limits, range_end, synthetic_practice, tiny_practice


def check_invariants(snap, start: date, weeks: int) -> None:
    """The rules every generated practice must satisfy, whatever the seed and size."""
    end = range_end(start, weeks)
    ids = [c.clinician_id for c in snap.clinicians]
    assert len(ids) == len(set(ids)), "clinician ids unique"
    assert len({c.name for c in snap.clinicians}) == len(ids), "names unique"
    assert all(c.email and c.email.endswith("@example.org") for c in snap.clinicians)
    for group in (snap.terms, snap.leave, snap.sick_leave, snap.locum_bookings):
        keys = [getattr(x, f) for x in group for f in x.__dataclass_fields__ if f.endswith("_id") and f != "clinician_id"]
        assert len(keys) == len(set(keys)), f"ids unique in {type(group[0]).__name__ if group else group}"
    known = set(ids)
    # every clinician has at least one term, of a type matching the clinician
    for cid, terms in snap.terms_by_clinician.items():
        assert terms, f"{cid} has no term"
        ctype = snap.clinician(cid).clinician_type
        for t in terms:
            assert t.clinician_id in known
            expected = {ClinicianType.SALARIED: (TermType.SALARIED, TermType.ALTERNATE_WEEKS)}.get(
                ctype, (TermType(ctype.value),)
            )
            assert t.term_type in expected
            assert 0 <= t.percentage <= 100
            assert t.start_date <= end and (t.end_date is None or t.start_date <= t.end_date)
        # terms of one clinician never overlap
        for a, b in zip(terms, terms[1:]):
            assert a.end_date is not None and a.end_date < b.start_date, f"{cid}: overlapping terms"
    for t in snap.terms:
        if t.term_type is TermType.PARTNER:
            assert 40 <= t.percentage <= 100 and t.percentage % 10 == 0
            assert not set(t.must_work_days) & set(t.cannot_work_days)
            assert t.max_shifts_per_week is not None and 1 <= t.max_shifts_per_week <= 5
            assert t.max_shifts_per_week <= 5 - len(t.cannot_work_days)
            if t.minimum_shifts_per_week is not None:
                assert 0 <= t.minimum_shifts_per_week <= t.max_shifts_per_week
            assert t.annual_leave_entitlement == Decimal(6)
        elif t.term_type is TermType.SALARIED:
            assert t.fixed_working_days and t.percentage == 20 * len(t.fixed_working_days)
            assert Decimal(25) <= t.annual_leave_entitlement <= Decimal(30)
        elif t.term_type is TermType.ALTERNATE_WEEKS:
            assert t.week_a_days and t.week_b_days and not t.fixed_working_days
            assert t.percentage == 10 * (len(t.week_a_days) + len(t.week_b_days))
        if t.term_type is not TermType.ALTERNATE_WEEKS:
            assert not t.week_a_days and not t.week_b_days
    # leave and sickness lie inside the range, on known clinicians, never overlapping per clinician
    for lv in snap.leave:
        assert lv.clinician_id in known and start <= lv.start_date <= lv.end_date <= end
        assert snap.term_on(lv.clinician_id, lv.start_date) is not None
    for cid, items in snap.leave_by_clinician.items():
        for a, b in zip(items, items[1:]):
            assert a.end_date < b.start_date, f"{cid}: overlapping leave"
    for s in snap.sick_leave:
        assert s.clinician_id in known and start <= s.start_date <= s.end_date <= end
        assert snap.approved_leave_on(s.clinician_id, s.start_date) is None
    for b in snap.locum_bookings:
        assert snap.clinician(b.clinician_id).clinician_type is ClinicianType.LOCUM
        assert all(start <= d <= end and d.weekday() < 5 for d in b.dates)
    # staffing: Monday is never below another day, and partner + salaried capacity exceeds demand
    mins = snap.settings.min_doctors
    assert all(mins[Weekday.MON] >= mins[d] >= 0 for d in Weekday)
    capacity = 0
    for t in snap.terms:
        if t.covers(start):
            if t.term_type is TermType.PARTNER:
                capacity += t.max_shifts_per_week
            capacity += len(t.fixed_working_days) if t.term_type.is_salaried else 0
            capacity += min(len(t.week_a_days), len(t.week_b_days))
    assert sum(mins.values()) <= capacity
    for req in snap.trainer_requirements:
        for cid in req.clinician_ids:
            assert req.weekday not in snap.term_on(cid, start).cannot_work_days
    for pair in snap.affinity_pairs:
        assert {pair.clinician_a, pair.clinician_b} <= known and pair.clinician_a != pair.clinician_b
    for p in snap.settings.reporting_periods:
        assert start <= p.start <= p.end <= end


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_partners=st.integers(1, 40),
    n_salaried=st.integers(0, 6),
    weeks=st.integers(1, 60),
    nation=st.sampled_from(list(UKNation)),
    leave_fraction=st.sampled_from([0.0, 0.05, 0.1, 0.2]),
)
def test_invariants_hold_for_any_seed_and_size(seed, n_partners, n_salaried, weeks, nation, leave_fraction):
    start = date(2026, 1, 5)
    snap = synthetic_practice(
        n_partners, n_salaried, start=start, weeks=weeks, seed=seed, nation=nation, leave_fraction=leave_fraction
    )
    check_invariants(snap, start, weeks)
    assert Counter(c.clinician_type for c in snap.clinicians)[ClinicianType.PARTNER] == n_partners


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_partners=st.integers(2, 20), n_salaried=st.integers(0, 4))
def test_completed_shifts_respect_leave_terms_and_weekly_maximum(seed, n_partners, n_salaried):
    start = date(2026, 1, 5)
    snap = synthetic_practice(n_partners, n_salaried, start=start, weeks=8, seed=seed, with_shifts=True)
    check_invariants(snap, start, 8)
    hols = set(bank_holidays_between(UKNation.ENGLAND, start, range_end(start, 8)))
    assert snap.shifts, "with_shifts gives shifts"
    assert len({s.shift_id for s in snap.shifts}) == len(snap.shifts)
    assert len({(s.clinician_id, s.date) for s in snap.shifts}) == len(snap.shifts), "one shift per day"
    per_week = Counter()
    for s in snap.shifts:
        assert s.status is ShiftStatus.COMPLETED
        assert start <= s.date < start + timedelta(days=14) and s.date.weekday() < 5 and s.date not in hols
        assert snap.approved_leave_on(s.clinician_id, s.date) is None
        assert snap.sick_on(s.clinician_id, s.date) is None
        term = snap.term_on(s.clinician_id, s.date)
        assert term is not None and term.term_type in (TermType.PARTNER, TermType.SALARIED, TermType.ALTERNATE_WEEKS)
        wd = Weekday(s.date.weekday())
        if term.term_type is TermType.PARTNER:
            assert wd not in term.cannot_work_days
            per_week[(s.clinician_id, (s.date - start).days // 7)] += 1
            assert per_week[(s.clinician_id, (s.date - start).days // 7)] <= term.max_shifts_per_week
        elif term.term_type is TermType.SALARIED:
            assert wd in term.fixed_working_days
        else:
            days = term.week_a_days if week_ab_index(s.date, term.start_date) == 0 else term.week_b_days
            assert wd in days
    pinned = [s for s in snap.shifts if s.is_pinned]
    assert len(pinned) in (1, 2, 3)
    # the worked rota has its duty doctors: one a day, one more after a bank holiday
    post = post_bank_holiday_days(start, range_end(start, 8), hols)
    by_day = defaultdict(list)
    for s in snap.shifts:
        by_day[s.date].append(s)
    for day, items in by_day.items():
        required = 1 + (day in post)
        assert sum(s.shift_type is ShiftType.DUTY for s in items) == min(required, len(items)), day


def test_same_seed_same_practice_and_different_seed_differs():
    a = synthetic_practice(seed=7, with_shifts=True)
    b = synthetic_practice(seed=7, with_shifts=True)
    c = synthetic_practice(seed=8, with_shifts=True)
    assert a == b
    assert (a.terms, a.leave) != (c.terms, c.leave)


def test_default_practice_has_every_promised_feature():
    start = date(2026, 1, 5)
    snap = synthetic_practice()
    check_invariants(snap, start, 52)
    kinds = Counter(t.term_type for t in snap.terms)
    assert kinds[TermType.ALTERNATE_WEEKS] == 1 and kinds[TermType.SALARIED] == 2
    assert kinds[TermType.FY_DOCTOR] == kinds[TermType.ST_DOCTOR] == kinds[TermType.LOCUM] == 1
    assert kinds[TermType.PARTNER] == 9, "8 partners, one with a mid-year WTE change"
    assert any(t.cannot_work_days for t in snap.terms) and any(t.must_work_days for t in snap.terms)
    assert snap.locum_bookings and snap.locum_bookings[0].dates
    assert len(snap.sick_leave) == 1
    assert {lv.leave_type for lv in snap.leave} >= {LeaveType.ANNUAL_LEAVE, LeaveType.STUDY_LEAVE}
    assert any(lv.status is LeaveStatus.PENDING for lv in snap.leave)
    assert len(snap.trainer_requirements) == 2 and len(snap.affinity_pairs) == 1
    assert [p.name for p in snap.settings.reporting_periods] == ["full", "Q1", "Q2", "Q3", "Q4"]
    mins = snap.settings.min_doctors
    assert all(mins[Weekday.MON] > mins[d] for d in Weekday if d is not Weekday.MON)
    # annual leave is about leave_fraction of the weeks, per partner and salaried doctor
    weeks_off = Counter(lv.clinician_id for lv in snap.leave if lv.leave_type is LeaveType.ANNUAL_LEAVE
                        and lv.status is LeaveStatus.APPROVED)
    assert set(weeks_off.values()) == {round(0.1 * 52)}
    # demand is below the partners' WTE target capacity plus salaried days, with room to spare
    target = sum(3.5 * t.percentage / 100 for t in snap.terms if t.term_type is TermType.PARTNER and t.end_date is None)
    salaried = sum(len(t.fixed_working_days) for t in snap.terms if t.term_type is TermType.SALARIED)
    assert sum(mins.values()) < 0.9 * (target + salaried)


def test_scales_to_forty_partners():
    snap = synthetic_practice(40, 8, seed=1, with_shifts=True)
    check_invariants(snap, date(2026, 1, 5), 52)
    assert snap.settings.min_doctors[Weekday.MON] >= 10


@pytest.mark.parametrize("pct, expected", [(40, (0, 3)), (50, (0, 4)), (60, (1, 4)), (80, (1, 5)), (100, (2, 5))])
def test_partner_limits(pct, expected):
    assert partner_limits(pct) == expected
    assert partner_limits(pct, 2)[1] == 2


def test_tiny_practice_is_small_and_valid():
    snap = tiny_practice()
    check_invariants(snap, date(2026, 3, 2), 1)
    assert len(snap.clinicians) == 3 and not snap.leave
    assert [t.percentage for t in snap.terms] == [100, 60, 40]


@pytest.mark.parametrize(
    "kwargs, word",
    [({"n_partners": 0}, "n_partners"), ({"n_salaried": -1}, "n_salaried"), ({"weeks": 0}, "weeks"),
     ({"leave_fraction": 1.0}, "leave_fraction"), ({"nation": "france"}, "nation")],
)
def test_bad_arguments_are_named(kwargs, word):
    with pytest.raises(ValueError, match=word):
        synthetic_practice(**kwargs)


def test_completed_shifts_over_easter_skip_holidays_and_double_the_duty_after():
    start = date(2026, 3, 30)  # Good Friday 3 April and Easter Monday 6 April fall in the first two weeks
    snap = synthetic_practice(10, 3, start=start, weeks=4, seed=5, with_shifts=True)
    dates = {s.date for s in snap.shifts}
    assert date(2026, 4, 3) not in dates and date(2026, 4, 6) not in dates
    duty_on = Counter(s.date for s in snap.shifts if s.shift_type is ShiftType.DUTY)
    assert duty_on[date(2026, 4, 7)] == 2, "Tuesday after Easter Monday has an extra duty doctor"
    assert duty_on[date(2026, 4, 8)] == 1
