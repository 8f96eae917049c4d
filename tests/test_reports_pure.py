"""The snapshot-only reports on the hand-built practice of ``_reports_helpers`` (values worked out by hand)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _reports_helpers import END, START, tiny_snapshot
from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Duration,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    TermType,
    Weekday,
    WorkingTerm,
)
from rotacc_lab.reports import (
    ReportError,
    report_alerts,
    report_duty_fairness,
    report_monday_balance,
    report_staffing_overview,
    report_weekly_availability,
)
from rotacc_lab.reports import duty_fairness, monday_balance, staffing_overview, weekly_availability
from rotacc_lab.synth import synthetic_practice


@pytest.fixture(scope="module")
def snap() -> PracticeSnapshot:
    return tiny_snapshot()


def by_id(frame: pl.DataFrame, key: str = "clinician_id") -> dict:
    return {row[key]: row for row in frame.iter_rows(named=True)}


# --------------------------------------------------------------------------- 1 duty fairness


def test_duty_fairness_hand_computed(snap):
    df = report_duty_fairness(snap, START, END)
    assert df.columns == duty_fairness.COLUMNS
    rows = by_id(df)
    # partners + salaried always; the locum only because it holds a DUTY shift
    assert list(rows) == ["L1", "P1", "P2", "P3", "S1"]
    # duty days: cancelled P2 duty and P1's duty before the range do not count; P3 has a half duty
    assert {k: r["duty_days"] for k, r in rows.items()} == {"L1": 1.0, "P1": 2.0, "P2": 1.0, "P3": 2.5, "S1": 1.0}
    assert rows["P3"]["wte"] == 0.6  # 80 % for 5 days, then 40 % for 5 days
    # uprated by 1/WTE
    assert {k: r["duty_days_wte"] for k, r in rows.items()} == {
        "L1": 1.0, "P1": 2.0, "P2": 2.0, "P3": 4.17, "S1": 1.67,
    }
    # mean of (1 + 2 + 2 + 2.5/0.6 + 1/0.6) / 5 = 2.1667
    assert set(df["group_mean"]) == {2.17}
    assert {k: r["deviation"] for k, r in rows.items()} == {
        "L1": -1.17, "P1": -0.17, "P2": -0.17, "P3": 2.0, "S1": -0.5,
    }


def test_duty_fairness_without_duty_keeps_eligible_clinicians_at_zero(snap):
    df = report_duty_fairness(snap, date(2026, 3, 16), date(2026, 3, 20))
    assert df["clinician_id"].to_list() == ["P1", "P2", "P3", "S1"]  # no locum: no duty shift
    assert df["duty_days"].to_list() == [0.0] * 4
    assert df["deviation"].to_list() == [0.0] * 4


# --------------------------------------------------------------------------- 2 Monday balance


def test_monday_balance_hand_computed(snap):
    df = report_monday_balance(snap, START, END)
    assert df.columns == monday_balance.COLUMNS
    rows = by_id(df)
    assert list(rows) == ["P1", "P2", "P3"]  # partners only
    # P1: 2 duty Mondays; P2: 1 (its study-leave Monday does not count); P3: 1 + a half day
    assert {k: r["mondays"] for k, r in rows.items()} == {"P1": 2.0, "P2": 1.0, "P3": 1.5}
    assert {k: r["monday_equivalency"] for k, r in rows.items()} == {"P1": 2.0, "P2": 2.0, "P3": 2.5}
    # fair share = 4.5 x wte / 2.1
    assert {k: r["fair_share"] for k, r in rows.items()} == {"P1": 2.14, "P2": 1.07, "P3": 1.29}
    assert {k: r["difference"] for k, r in rows.items()} == {"P1": -0.14, "P2": -0.07, "P3": 0.21}
    assert {k: r["deviation"] for k, r in rows.items()} == {"P1": -0.17, "P2": -0.17, "P3": 0.33}
    assert set(df["spread"]) == {0.5}


# --------------------------------------------------------------------------- 4 staffing overview


def test_staffing_overview_hand_computed(snap):
    df = report_staffing_overview(snap, START, END)
    assert df.columns == staffing_overview.COLUMNS
    assert df.height == 10  # working days only
    rows = by_id(df, "date")
    d = lambda day: date(2026, 3, day)  # noqa: E731
    expected = {
        2: (4.0, 5, 4, "below_minimum"),
        3: (2.0, 4, 3, "below_66"),
        4: (3.5, 4, 3, "below_minimum"),
        5: (4.0, 4, 3, "ok"),
        6: (4.0, 4, 3, "ok"),
        9: (1.5, 5, 4, "below_66"),
        10: (4.0, 4, 3, "ok"),
        11: (3.0, 4, 3, "below_minimum"),
        12: (3.0, 4, 3, "below_minimum"),
        13: (3.0, 4, 3, "below_minimum"),
    }
    for day, (working, minimum, floor, flag) in expected.items():
        row = rows[d(day)]
        assert (row["doctors_working"], row["minimum"], row["floor_66"], row["flag"]) == (working, minimum, floor, flag)
        assert row["surplus"] == working - minimum
        assert row["below_minimum"] == (working < minimum)
        assert row["below_66"] == (working < floor)
    assert rows[d(12)]["on_leave"] == "P1" and rows[d(12)]["on_leave_count"] == 1
    assert rows[d(13)]["on_leave"] == "P1"  # P3's PENDING leave is not shown
    assert rows[d(5)]["on_leave"] == ""  # P2's REJECTED leave is not shown
    assert rows[d(13)]["off_sick"] == "L1" and rows[d(12)]["off_sick"] == ""
    assert rows[d(9)]["weekday"] == "Mon" and rows[d(9)]["week"] == d(9)


@pytest.mark.parametrize("minimum,floor", [(0, 0), (1, 1), (3, 2), (4, 3), (5, 4), (6, 4), (10, 7), (50, 33)])
def test_floor_66_is_exact_ceiling(minimum, floor):
    out = pl.select(staffing_overview.floor_66(pl.lit(minimum))).item()
    assert out == floor


def test_staffing_skips_bank_holidays():
    snap = tiny_snapshot()
    # Good Friday 3 April and Easter Monday 6 April 2026 (England)
    df = report_staffing_overview(snap, date(2026, 4, 1), date(2026, 4, 8))
    assert df["date"].to_list() == [date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 7), date(2026, 4, 8)]


# --------------------------------------------------------------------------- 8 weekly availability


def test_weekly_availability_hand_computed(snap):
    df = report_weekly_availability(snap, START, END)
    assert df.columns == weekly_availability.COLUMNS
    got = {
        (r["week"].day, r["clinician_id"]): (
            r["working_days"], r["leave_days"], r["not_contracted_days"], r["not_rostered_days"], r["working_amount"]
        )
        for r in df.iter_rows(named=True)
    }
    assert got == {
        (2, "L1"): (2, 0, 0, 3, 2.0),
        (2, "P1"): (5, 0, 0, 0, 5.0),
        (2, "P2"): (4, 0, 0, 1, 4.0),  # the cancelled Friday duty leaves Friday not rostered
        (2, "P3"): (4, 0, 0, 1, 3.5),
        (2, "S1"): (3, 0, 2, 0, 3.0),  # Tue/Thu are outside the fixed days
        (9, "L1"): (2, 1, 0, 2, 2.0),  # sick on Friday
        (9, "P1"): (3, 2, 0, 0, 3.0),  # annual leave Thu-Fri
        (9, "P2"): (3, 2, 0, 0, 3.0),  # study-leave and coroners shifts are away days
        (9, "P3"): (5, 0, 0, 0, 4.5),
        (9, "S1"): (2, 0, 2, 1, 2.0),
    }
    weeks = df.group_by("week").agg(pl.col("week_doctor_days").first(), pl.col("week_minimum").first(),
                                     pl.col("week_surplus").first()).sort("week")
    assert weeks.rows() == [(START, 17.5, 21, -3.5), (date(2026, 3, 9), 14.5, 21, -6.5)]


def test_alternate_weeks_contract_follows_the_ab_pattern():
    term = WorkingTerm(
        "ta", "A1", TermType.ALTERNATE_WEEKS, date(2026, 3, 4), None, 40,
        week_a_days=(Weekday.MON, Weekday.TUE), week_b_days=(Weekday.THU,),
    )
    snap = PracticeSnapshot(Settings(), (Clinician("A1", "Alt", None, ClinicianType.SALARIED),), (term,),
                            shifts=(Shift(1, "A1", date(2026, 3, 9)),))
    df = report_weekly_availability(snap, date(2026, 3, 2), date(2026, 3, 22))
    got = {r["week"]: (r["working_days"], r["not_contracted_days"], r["not_rostered_days"]) for r in df.iter_rows(named=True)}
    # week of 2 March: before the first full Monday (9 March) nothing is contracted
    assert got[date(2026, 3, 2)] == (0, 5, 0)
    assert got[date(2026, 3, 9)] == (1, 3, 1)  # week A: Mon worked, Tue not rostered
    assert got[date(2026, 3, 16)] == (0, 4, 1)  # week B: Thu only


# --------------------------------------------------------------------------- alerts


def test_alerts_frame_filters_by_date_and_orders_open_first():
    rows = [
        dict(alert_id=1, run_id=3, kind="understaffed", date=date(2026, 3, 3), clinician_id=None,
             message="2 of 4", severity="warning", created_at=datetime(2026, 3, 1, 9), resolved_at=datetime(2026, 3, 2)),
        dict(alert_id=2, run_id=3, kind="understaffed", date=date(2026, 3, 9), clinician_id=None,
             message="1.5 of 5", severity="critical", created_at=datetime(2026, 3, 1, 9), resolved_at=None),
        dict(alert_id=3, run_id=None, kind="duty", date=date(2026, 5, 1), clinician_id="P1",
             message="outside", severity="info", created_at=datetime(2026, 3, 1, 9), resolved_at=None),
        dict(alert_id=4, run_id=None, kind="solver", date=None, clinician_id=None,
             message="time limit", severity="info", created_at="2026-03-01T10:00:00", resolved_at=None),
    ]
    df = report_alerts(rows, START, END, include_resolved=True)
    assert df["alert_id"].to_list() == [2, 4, 1]
    assert df["state"].to_list() == ["open", "open", "resolved"]
    assert report_alerts(rows, START, END)["alert_id"].to_list() == [2, 4]  # open ones only by default
    assert report_alerts([], START, END).height == 0


# --------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    "fn", [report_duty_fairness, report_monday_balance, report_staffing_overview, report_weekly_availability]
)
def test_reversed_range_is_refused(snap, fn):
    with pytest.raises(ReportError, match="reversed"):
        fn(snap, END, START)


@pytest.mark.parametrize(
    "fn,module",
    [
        (report_duty_fairness, duty_fairness),
        (report_monday_balance, monday_balance),
        (report_staffing_overview, staffing_overview),
        (report_weekly_availability, weekly_availability),
    ],
)
def test_weekend_only_range_keeps_the_documented_columns(snap, fn, module):
    df = fn(snap, date(2026, 3, 7), date(2026, 3, 8))
    assert df.columns == module.COLUMNS
    assert df.height == 0  # no working day: nobody is covered, nothing to count


# --------------------------------------------------------------------------- properties on generated practices


_SHIFT = st.tuples(
    st.integers(0, 40),  # clinician index (mod the number of clinicians)
    st.integers(0, 69),  # day offset from the first Monday
    st.sampled_from(list(ShiftType)),
    st.booleans(),  # half day
    st.sampled_from(list(ShiftStatus)),
)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    partners=st.integers(1, 6),
    salaried=st.integers(0, 3),
    offset=st.integers(0, 20),
    days=st.integers(0, 60),
    raw_shifts=st.lists(_SHIFT, max_size=120),
)
def test_reports_agree_with_each_other(seed, partners, salaried, offset, days, raw_shifts):
    start = date(2026, 1, 5)
    base = synthetic_practice(partners, salaried, start=start, weeks=10, seed=seed)
    ids = [c.clinician_id for c in base.clinicians]
    unique = {(ids[i % len(ids)], start + timedelta(days=d)): (t, h, stt) for i, d, t, h, stt in raw_shifts}
    shifts = tuple(
        Shift(n, cid, day, t, Duration.HALF if h else Duration.FULL, stt)
        for n, ((cid, day), (t, h, stt)) in enumerate(sorted(unique.items()), start=1)
    )
    snap = base.with_shifts(shifts)
    lo = start + timedelta(days=offset)
    hi = lo + timedelta(days=days)
    staffing = report_staffing_overview(snap, lo, hi)
    weekly = report_weekly_availability(snap, lo, hi)
    # independent count: non-cancelled STANDARD/DUTY shifts on working days in range
    expected = sum(
        s.amount for s in shifts
        if s.status is not ShiftStatus.CANCELLED and s.shift_type.counts_toward_minimum
        and lo <= s.date <= hi and s.date.weekday() < 5 and s.date not in snap.bank_holidays
    )
    assert staffing["doctors_working"].sum() == pytest.approx(float(expected))
    # every doctor-day of a clinician with a term is a working day in the weekly view
    with_term = set(weekly["clinician_id"])
    assert weekly["working_amount"].sum() == pytest.approx(float(sum(
        s.amount for s in shifts
        if s.clinician_id in with_term and s.status is not ShiftStatus.CANCELLED
        and s.shift_type.counts_toward_minimum and lo <= s.date <= hi and s.date.weekday() < 5
        and s.date not in snap.bank_holidays
    )))
    # the four categories partition each clinician's working days in the week
    days_per_week = staffing.group_by("week").len()
    joined = weekly.join(days_per_week, on="week", how="left")
    total = joined["working_days"] + joined["leave_days"] + joined["not_contracted_days"] + joined["not_rostered_days"]
    assert (total == joined["len"]).all()
    # flags follow the numbers
    assert (~staffing["below_66"] | staffing["below_minimum"]).all()
    assert (staffing["floor_66"] <= staffing["minimum"]).all()
    # Monday fair shares add up to the Mondays worked; deviations from the mean add up to ~0
    monday = report_monday_balance(snap, lo, hi)
    if monday.height:
        assert monday["fair_share"].sum() == pytest.approx(monday["mondays"].sum(), abs=0.01 * monday.height)
        assert monday["deviation"].sum() == pytest.approx(0, abs=0.01 * monday.height)
    duty = report_duty_fairness(snap, lo, hi)
    expected_duty = sum(
        s.amount for s in shifts
        if s.status is not ShiftStatus.CANCELLED and s.shift_type is ShiftType.DUTY and lo <= s.date <= hi
    )
    assert duty["duty_days"].sum() == pytest.approx(float(expected_duty))
    adjusted = duty.filter(pl.col("duty_days_wte").is_not_null())
    if adjusted.height:
        assert adjusted["deviation"].sum() == pytest.approx(0, abs=0.01 * adjusted.height)
