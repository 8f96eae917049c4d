"""Reports backed by the calculators and the optimiser: they must reconcile with them exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from _reports_helpers import END, START, tiny_snapshot
from rotacc_lab.calculations import deficiency_including_scheduled, deficiency_status, remaining_leave, target_shifts
from rotacc_lab.generation.optimisation.encoding import availability_frame
from rotacc_lab.reports import (
    ReportError,
    availability_summary,
    report_partner_wte,
    report_partner_wte_availability,
    report_remaining_leave,
    run_report,
)
from rotacc_lab.reports import partner_wte, remaining_leave as remaining_leave_report
from rotacc_lab.synth import synthetic_practice

MID = date(2026, 3, 6)


@pytest.fixture(scope="module")
def snap():
    return tiny_snapshot()


def rows(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["clinician_id"]: r for r in frame.iter_rows(named=True)}


# --------------------------------------------------------------------------- 5 partner-wte


def test_partner_wte_hand_computed_mid_period(snap):
    df = report_partner_wte(snap, START, END, as_of=MID)
    assert df.columns == partner_wte.COLUMNS
    p2 = rows(df)["P2"]
    # 50 %: 5 days / 7 x 3.5 x 0.5 = 1.25 to date; 12 / 7 x 3.5 x 0.5 = 3.00 to the end
    assert p2["target"] == Decimal("1.25")
    assert p2["worked"] == Decimal("4.00")  # Mon-Thu; the Friday duty was cancelled
    assert p2["deficiency"] == Decimal("-2.75")
    # scheduled from Fri 6: Tue 10, Wed 11 (coroners counts as worked), Thu 12, Fri 13; not the study leave
    assert p2["scheduled"] == Decimal("4.00")
    assert p2["target_to_end"] == Decimal("3.00")
    assert p2["deficiency_including_scheduled"] == Decimal("-5.00")
    assert p2["status"] == "over"
    # P3 changes WTE mid-range: 7/7 x 3.5 x 0.8 + 5/7 x 3.5 x 0.4 = 2.8 + 1.0
    assert rows(report_partner_wte(snap, START, END, as_of=END))["P3"]["target"] == Decimal("3.80")


@pytest.mark.parametrize("as_of", [START, MID, END])
def test_partner_wte_reconciles_with_the_calculators(snap, as_of):
    df = report_partner_wte(snap, START, END, as_of=as_of)
    assert df["clinician_id"].to_list() == ["P1", "P2", "P3"]  # partners only
    for cid, r in rows(df).items():
        status = deficiency_status(snap, cid, START, as_of)
        assert r["target"] == target_shifts(snap, cid, START, as_of) == status["target"]
        assert r["worked"] == status["actual"]
        assert r["deficiency"] == status["deficiency"]
        assert r["status"] == status["status"]
        assert r["target_to_end"] == target_shifts(snap, cid, START, END)
        assert r["deficiency_including_scheduled"] == deficiency_including_scheduled(snap, cid, START, END, as_of)


def test_partner_wte_as_of_defaults_to_today_clamped_and_must_lie_in_range(snap):
    assert partner_wte.default_as_of(START, END, today=date(2030, 1, 1)) == END
    assert partner_wte.default_as_of(START, END, today=date(2020, 1, 1)) == START
    assert partner_wte.default_as_of(START, END, today=MID) == MID
    with pytest.raises(ReportError, match="as_of"):
        report_partner_wte(snap, START, END, as_of=date(2026, 4, 1))


# --------------------------------------------------------------------------- 3 remaining leave


def test_remaining_leave_hand_computed(snap):
    df = report_remaining_leave(snap, START, END)
    assert df.columns == remaining_leave_report.COLUMNS
    got = rows(df)
    assert list(got) == ["P1", "P2", "P3", "S1"]  # partners and salaried; not the locum
    p1 = got["P1"]
    # 6 weeks; 2 approved days of leave are one (started) calendar week
    assert (p1["unit"], p1["entitlement"], p1["used"], p1["remaining"]) == ("weeks", 6, 1, 5)
    assert got["P3"]["pending"] == 1  # the pending Friday
    s1 = got["S1"]
    assert (s1["unit"], s1["entitlement"], s1["used"], s1["remaining"]) == ("days", 25, 0, 25)


def test_remaining_leave_reconciles_with_the_leave_calculator(snap):
    for cid, r in rows(report_remaining_leave(snap, START, END)).items():
        calc = remaining_leave(snap, cid, END.year)
        assert r["unit"] == calc.unit
        assert r["entitlement"] == calc.entitlement
        assert r["adjustments"] == calc.adjustments
        assert r["used"] == calc.used_approved
        assert r["pending"] == calc.used_pending
        assert r["remaining"] == calc.remaining
        assert r["remaining_including_pending"] == calc.remaining_including_pending


# --------------------------------------------------------------------------- 6/7 availability


@pytest.mark.parametrize("seed", [0, 5])
def test_availability_report_is_the_optimiser_frame(seed):
    snap = synthetic_practice(5, 2, start=date(2026, 1, 5), weeks=8, seed=seed, with_shifts=True)
    lo, hi = date(2026, 1, 5), date(2026, 2, 27)
    table = run_report("partner-wte-availability", snap, lo, hi)
    chart = run_report("partner-wte-availability-chart", snap, lo, hi)
    expected = availability_frame(snap, lo, hi)
    assert_frame_equal(table.frame, expected)
    assert_frame_equal(chart.frame, expected)
    total = sum(abs(x) for x in expected["fair_difference"].to_list())
    assert table.notes["sum_abs_fair_difference"] == pytest.approx(total)
    assert "group rate" in str(table.notes["method"])
    assert chart.chart() is not None and table.chart() is None


def test_availability_summary_hand_computed():
    frame = pl.DataFrame({"clinician_id": ["A", "B", "C"], "fair_difference": [1.5, -2.0, 0.25]})
    assert availability_summary(frame)["sum_abs_fair_difference"] == 3.75


def test_availability_report_on_the_tiny_practice(snap):
    assert_frame_equal(report_partner_wte_availability(snap, START, END), availability_frame(snap, START, END))
