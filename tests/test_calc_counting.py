"""Shift counting and deficiency: hand-computed cases (half shifts, cancelled, as_of splits)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rotacc_lab.calculations import (
    classify,
    count_all,
    count_by_type,
    count_completed,
    count_duty_days,
    count_scheduled,
    count_toward_minimum,
    count_worked,
    deficiency,
    deficiency_including_scheduled,
    deficiency_status,
    period_deficiency,
    two_week_average,
    year_to_date_average,
)
from rotacc_lab.domain import Duration, ReportingPeriod, ShiftStatus, ShiftType

from _calc_helpers import clin, partner_term, shift, snapshot

D = Decimal
F, H = Duration.FULL, Duration.HALF
STD, DUTY, STUDY, COR = ShiftType.STANDARD, ShiftType.DUTY, ShiftType.STUDY_LEAVE, ShiftType.CORONERS
SCH, DONE, CANC = ShiftStatus.SCHEDULED, ShiftStatus.COMPLETED, ShiftStatus.CANCELLED


@pytest.fixture
def snap():
    shifts = [
        shift("P", date(2026, 1, 5), STD, F, DONE),
        shift("P", date(2026, 1, 6), STD, H, SCH),
        shift("P", date(2026, 1, 7), DUTY, F, SCH),
        shift("P", date(2026, 1, 8), STUDY, H, SCH),
        shift("P", date(2026, 1, 9), COR, F, SCH),
        shift("P", date(2026, 1, 12), STD, F, CANC),  # never counts
        shift("P", date(2026, 1, 13), DUTY, H, SCH),
        shift("P", date(2026, 1, 14), STD, F, DONE),  # marked completed ahead of its date
        shift("Q", date(2026, 1, 5), STD, F, DONE),  # someone else's
    ]
    periods = [ReportingPeriod("Q1", date(2026, 1, 5), date(2026, 3, 29))]
    return snapshot([clin("P"), clin("Q")], [partner_term("t", "P", date(2026, 1, 5))], shifts, periods=periods)


def test_counts(snap):
    r = ("P", date(2026, 1, 5), date(2026, 1, 14))
    as_of = date(2026, 1, 8)
    assert count_worked(snap, *r) == D("5.00")  # 1 + .5 + 1 + 1 + .5 + 1 (study leave and cancelled out)
    assert count_all(snap, *r) == D("5.50")  # plus the half study-leave shift
    assert count_completed(snap, *r, as_of) == D("3.50")  # 5th, 6th, 7th (past scheduled) + 14th (completed)
    assert count_scheduled(snap, *r, as_of) == D("2.00")  # 8th (.5), 9th, 13th (.5)
    assert count_scheduled(snap, *r, as_of, worked_only=True) == D("1.50")
    assert count_completed(snap, *r, as_of, worked_only=True) == D("3.50")
    assert count_duty_days(snap, *r) == D("1.50")
    assert count_toward_minimum(snap, *r) == D("4.00")  # standard + duty
    assert count_by_type(snap, *r, STD) == D("2.50")
    assert count_by_type(snap, *r, "coroners") == D("1.00")
    assert count_by_type(snap, *r, STUDY) == D("0.50")
    # ranges are inclusive at both ends
    assert count_worked(snap, "P", date(2026, 1, 6), date(2026, 1, 6)) == D("0.50")
    assert count_worked(snap, "P", date(2026, 1, 10), date(2026, 1, 11)) == D("0.00")
    assert count_worked(snap, "Q", *r[1:]) == D("1.00")


def test_count_validation(snap):
    with pytest.raises(ValueError, match="before start"):
        count_worked(snap, "P", date(2026, 1, 14), date(2026, 1, 5))
    with pytest.raises(ValueError, match="unknown clinician"):
        count_all(snap, "nobody", date(2026, 1, 5), date(2026, 1, 14))
    with pytest.raises(ValueError, match="shift_type.*not one of"):
        count_by_type(snap, "P", date(2026, 1, 5), date(2026, 1, 14), "NIGHT")
    with pytest.raises(TypeError, match="as_of"):
        count_completed(snap, "P", date(2026, 1, 5), date(2026, 1, 14), None)


def test_deficiency(snap):
    # 5..11 Jan: target 3.5, worked 1 + .5 + 1 + 1 = 3.5
    assert deficiency(snap, "P", date(2026, 1, 5), date(2026, 1, 11)) == D("0.00")
    # 5..18 Jan: target 7, worked 5
    assert deficiency(snap, "P", date(2026, 1, 5), date(2026, 1, 18)) == D("2.00")
    # Q has no term: target 0, worked 1 -> over-worked, negative
    assert deficiency(snap, "Q", date(2026, 1, 5), date(2026, 1, 18)) == D("-1.00")


def test_deficiency_status_labels(snap):
    s = deficiency_status(snap, "P", date(2026, 1, 5), date(2026, 1, 18))
    assert s == {"deficiency": D("2.00"), "target": D("7.00"), "actual": D("5.00"), "status": "under"}
    assert deficiency_status(snap, "P", date(2026, 1, 5), date(2026, 1, 18), threshold=2)["status"] == "on_track"
    assert deficiency_status(snap, "P", date(2026, 1, 5), date(2026, 1, 11))["status"] == "on_track"
    assert deficiency_status(snap, "Q", date(2026, 1, 5), date(2026, 1, 18), threshold="0.5")["status"] == "over"
    assert classify(D("1.00")) == "on_track" and classify(D("-1.00")) == "on_track"
    assert classify(D("1.01")) == "under" and classify(D("-1.01")) == "over"
    with pytest.raises(ValueError, match="threshold"):
        classify(D(0), -1)


def test_deficiency_including_scheduled(snap):
    # period 5..18 Jan (target 7), as of 8 Jan: completed worked 3.5 + scheduled worked 1.5
    assert deficiency_including_scheduled(snap, "P", date(2026, 1, 5), date(2026, 1, 18), date(2026, 1, 8)) == D("2.00")
    # the split point does not change the sum of completed + scheduled
    for as_of in (date(2026, 1, 1), date(2026, 1, 10), date(2026, 2, 1)):
        assert deficiency_including_scheduled(snap, "P", date(2026, 1, 5), date(2026, 1, 18), as_of) == D("2.00")
    with pytest.raises(ValueError, match="period: end"):
        deficiency_including_scheduled(snap, "P", date(2026, 1, 18), date(2026, 1, 5), date(2026, 1, 8))


def test_period_deficiency(snap):
    assert period_deficiency(snap, "P", "Q1", date(2026, 1, 11)) == D("0.00")
    # as_of after the period end stops at the period end: 12 weeks * 3.5 - 5 worked
    assert period_deficiency(snap, "P", "Q1", date(2026, 6, 1)) == D("37.00")
    with pytest.raises(ValueError, match=r"unknown reporting period 'Q9'; known periods: 'Q1'"):
        period_deficiency(snap, "P", "Q9", date(2026, 1, 11))
    with pytest.raises(ValueError, match="before reporting period 'Q1' starts"):
        period_deficiency(snap, "P", "Q1", date(2026, 1, 1))


def test_averages(snap):
    # 14 days ending Sun 18 Jan: 5 worked / 2 weeks
    assert two_week_average(snap, "P", date(2026, 1, 18)) == D("2.50")
    # 1..11 Jan = 11 days = 11/7 weeks; worked 3.5 -> 24.5/11 = 2.227
    assert year_to_date_average(snap, "P", date(2026, 1, 11)) == D("2.23")
    # 1 January: 1/7 week, nothing worked
    assert year_to_date_average(snap, "P", date(2026, 1, 1)) == D("0.00")
