"""Vectorised status/count frames agree with the scalar calculators; the cache hits and invalidates."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rotacc_lab.calculations import (
    COUNT_COLUMNS,
    STATUS_COLUMNS,
    CalculationCache,
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
    remaining_leave,
    shift_counts_frame,
    sick_leave_credit,
    status_frame,
    status_records,
    target_shifts,
)
from rotacc_lab.domain import ShiftType

from _calc_helpers import BASE, SPAN, clin, day_index, partner_term, random_practice, shift, snapshot

D = Decimal


def _scalar_counts(snap, cid, lo, hi, as_of):
    return {
        "worked": count_worked(snap, cid, lo, hi),
        "completed": count_completed(snap, cid, lo, hi, as_of),
        "scheduled": count_scheduled(snap, cid, lo, hi, as_of),
        "completed_worked": count_completed(snap, cid, lo, hi, as_of, worked_only=True),
        "scheduled_worked": count_scheduled(snap, cid, lo, hi, as_of, worked_only=True),
        "all": count_all(snap, cid, lo, hi),
        "duty": count_duty_days(snap, cid, lo, hi),
        "toward_minimum": count_toward_minimum(snap, cid, lo, hi),
        "standard": count_by_type(snap, cid, lo, hi, ShiftType.STANDARD),
        "study_leave": count_by_type(snap, cid, lo, hi, ShiftType.STUDY_LEAVE),
        "coroners": count_by_type(snap, cid, lo, hi, ShiftType.CORONERS),
    }


def _days(a, b):
    lo, hi = sorted((a, b))
    return BASE + timedelta(days=lo), BASE + timedelta(days=hi)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snap=random_practice(), a=day_index, b=day_index, c=st.integers(-10, SPAN + 10))
def test_shift_counts_frame_matches_scalar_counters(snap, a, b, c):
    lo, hi = _days(a, b)
    as_of = BASE + timedelta(days=c)
    frame = shift_counts_frame(snap, lo, hi, as_of)
    assert frame.columns == ["clinician_id", *COUNT_COLUMNS]
    assert frame.get_column("clinician_id").to_list() == [c.clinician_id for c in snap.clinicians]
    for row in frame.iter_rows(named=True):
        cid = row.pop("clinician_id")
        assert row == _scalar_counts(snap, cid, lo, hi, as_of)
        # completed + scheduled partition the non-cancelled shifts
        assert row["completed"] + row["scheduled"] == row["all"]
        assert row["completed_worked"] + row["scheduled_worked"] == row["worked"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snap=random_practice(), a=day_index, b=day_index, extra=st.integers(0, 60))
def test_status_frame_matches_scalar_functions(snap, a, b, extra):
    start, as_of = _days(a, b)
    end = as_of + timedelta(days=extra)
    frame = status_frame(snap, start, as_of, period_end=end)
    assert frame.columns[: len(STATUS_COLUMNS)] == list(STATUS_COLUMNS)
    for row in frame.iter_rows(named=True):
        cid = row["clinician_id"]
        st_ = deficiency_status(snap, cid, start, as_of)
        leave = remaining_leave(snap, cid, as_of.year)
        assert row["target"] == st_["target"] == target_shifts(snap, cid, start, as_of)
        assert row["worked"] == st_["actual"]
        assert row["deficiency"] == st_["deficiency"] == deficiency(snap, cid, start, as_of)
        assert row["status"] == st_["status"]
        assert row["scheduled"] == count_scheduled(snap, cid, start, end, as_of, worked_only=True)
        assert row["deficiency_including_scheduled"] == deficiency_including_scheduled(snap, cid, start, end, as_of)
        assert (row["leave_unit"], row["leave_entitlement"], row["leave_adjustments"]) == (
            leave.unit, leave.entitlement, leave.adjustments)
        assert (row["leave_used"], row["leave_pending"]) == (leave.used_approved, leave.used_pending)
        assert row["leave_remaining"] == leave.remaining
        assert row["leave_remaining_including_pending"] == leave.remaining_including_pending
        assert row["sick_leave_credit"] == sick_leave_credit(snap, cid, start, as_of, as_of)


def test_status_frame_on_a_synthetic_practice():
    synth = pytest.importorskip("rotacc_lab.synth")
    snap = synth.synthetic_practice(4, 2, start=date(2026, 1, 5), weeks=12, seed=3, with_shifts=True)
    start, as_of = date(2026, 1, 5), date(2026, 2, 15)
    frame = status_frame(snap, start, as_of)
    assert frame.height == len(snap.clinicians)
    decimal_cols = [c for c in STATUS_COLUMNS if c not in ("clinician_id", "status", "leave_unit")]
    assert all(frame.schema[c] == pl.Decimal(12, 2) for c in decimal_cols)
    for row in frame.iter_rows(named=True):
        assert row["worked"] == count_worked(snap, row["clinician_id"], start, as_of)
        assert row["target"] == target_shifts(snap, row["clinician_id"], start, as_of)
    assert sum(frame.get_column("worked").to_list()) > 0  # the generator's shifts are counted


def test_status_frame_defaults_selection_and_records():
    snap = snapshot([clin("P"), clin("Q")], [partner_term("t", "P", date(2026, 1, 5))],
                    [shift("P", date(2026, 1, 5)), shift("P", date(2026, 1, 20))])
    frame = status_frame(snap, date(2026, 1, 5), date(2026, 1, 11), ["P"])
    assert frame.height == 1
    row = frame.row(0, named=True)
    # no reporting period: the period runs to 31 December
    assert row["period_end"] == date(2026, 12, 31)
    assert (row["target"], row["worked"], row["scheduled"]) == (D("3.50"), D("1.00"), D("1.00"))
    records = status_records(frame)
    assert list(records[0]) == list(STATUS_COLUMNS)
    assert records[0]["target"] == "3.50" and records[0]["deficiency"] == "2.50"
    with pytest.raises(ValueError, match="unknown clinician 'Z'"):
        status_frame(snap, date(2026, 1, 5), date(2026, 1, 11), ["Z"])
    with pytest.raises(ValueError, match="before start"):
        status_frame(snap, date(2026, 1, 11), date(2026, 1, 5))


# --------------------------------------------------------------------------- cache


def test_cache_hit_then_miss_on_new_version(tmp_path):
    cache = CalculationCache(maxsize=4)
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2026, 1, 5))], [shift("P", date(2026, 1, 5))], version=1)
    calls = []

    def counted(s, *args, **kwargs):
        calls.append(args)
        return status_frame(s, *args, **kwargs)

    ws = tmp_path / "practice.duckdb"
    first = cache.call(ws, snap, counted, date(2026, 1, 5), date(2026, 1, 11))
    second = cache.call(str(ws), snap, counted, date(2026, 1, 5), date(2026, 1, 11))
    assert second is first and len(calls) == 1
    assert (cache.hits, cache.misses) == (1, 1)
    # a write bumps data_version: a miss, recomputed with the new shifts
    newer = dataclasses.replace(snap, shifts=snap.shifts + (shift("P", date(2026, 1, 6)),), data_version=2)
    third = cache.call(ws, newer, counted, date(2026, 1, 5), date(2026, 1, 11))
    assert (cache.hits, cache.misses) == (1, 2) and len(calls) == 2
    assert third.row(0, named=True)["worked"] == D("2.00")
    # other arguments and other workspaces are other entries
    cache.call(ws, newer, counted, date(2026, 1, 5), date(2026, 1, 12))
    cache.call(tmp_path / "other.duckdb", newer, counted, date(2026, 1, 5), date(2026, 1, 11))
    assert cache.stats().misses == 4 and cache.stats().size == 4


def test_cache_is_bounded_lru_and_wraps():
    cache = CalculationCache(maxsize=2)
    snap = snapshot([clin("P")], [partner_term("t", "P", date(2026, 1, 5))])
    cached_target = cache.wrap(target_shifts)
    days = [date(2026, 1, d) for d in (11, 12, 13)]
    for d in days:
        assert cached_target("ws", snap, "P", date(2026, 1, 5), d) == target_shifts(snap, "P", date(2026, 1, 5), d)
    assert len(cache) == 2
    cached_target("ws", snap, "P", date(2026, 1, 5), days[-1])  # most recent: still there
    assert cache.stats().hits == 1
    cached_target("ws", snap, "P", date(2026, 1, 5), days[0])  # least recent: evicted
    assert cache.stats().misses == 4
    cache.clear()
    assert cache.stats() == type(cache.stats())(0, 0, 0, 2)
    with pytest.raises(ValueError, match="maxsize"):
        CalculationCache(0)
    with pytest.raises(TypeError):
        cache.call("ws", snap, target_shifts, bytearray(b"P"))  # unhashable arguments are refused
