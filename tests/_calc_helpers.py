"""Builders for the calculations tests: small hand-made snapshots and random ones for hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveAdjustment,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    ReportingPeriod,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
    TermType,
    Weekday,
    WorkingTerm,
)

import builders

MON, TUE, WED, THU, FRI = Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI
D = Decimal


def clin(cid: str, kind: ClinicianType = ClinicianType.PARTNER) -> Clinician:
    return builders.clinician(cid, kind)


def _entitlement(leave) -> D | None:
    return None if leave is None else D(leave)


def partner_term(tid, cid, start, end=None, pct=100, leave=None) -> WorkingTerm:
    return builders.term(cid, TermType.PARTNER, tid=tid, start=start, end=end, pct=pct,
                  annual_leave_entitlement=_entitlement(leave))


def salaried_term(tid, cid, start, end=None, days=(MON, WED, FRI), leave=None, pct=60) -> WorkingTerm:
    return builders.term(cid, TermType.SALARIED, tid=tid, start=start, end=end, pct=pct, fixed_working_days=days,
                  annual_leave_entitlement=_entitlement(leave))


def alternate_term(tid, cid, start, end=None, a=(MON, TUE), b=(THU,), leave=None) -> WorkingTerm:
    return builders.term(cid, TermType.ALTERNATE_WEEKS, tid=tid, start=start, end=end, pct=50, week_a_days=a,
                         week_b_days=b, annual_leave_entitlement=_entitlement(leave))


def shift(cid, day, kind=ShiftType.STANDARD, dur=Duration.FULL, status=ShiftStatus.SCHEDULED, sid=None) -> Shift:
    return builders.shift(cid, day, sid=sid, kind=kind, duration=dur, status=status)


def annual(lid, cid, start, end, status=LeaveStatus.APPROVED, dur=Duration.FULL, kind=LeaveType.ANNUAL_LEAVE) -> Leave:
    return builders.leave(lid, cid, start, end, kind=kind, status=status, duration=dur)


def snapshot(clinicians=(), terms=(), shifts=(), leave=(), sick=(), adjustments=(), periods=(), version=0,
             **settings) -> PracticeSnapshot:
    return builders.snapshot(clinicians=clinicians, terms=terms, settings=Settings(reporting_periods=tuple(periods), **settings),
                      shifts=shifts, leave=leave, sick_leave=sick, leave_adjustments=adjustments, data_version=version)


# --------------------------------------------------------------------------- random practices

BASE = date(2027, 11, 1)  # random practices straddle the 2027/2028 boundary and a leap year
SPAN = 200  # days


def _day(i: int) -> date:
    return BASE + timedelta(days=i)


@st.composite
def random_practice(draw) -> PracticeSnapshot:
    """A small random practice: 1-5 clinicians of mixed types, 1-2 terms each, shifts, leave, sickness."""
    n = draw(st.integers(1, 5))
    clinicians, terms, shifts, leave, sick, adjustments = [], [], [], [], [], []
    days_st = st.lists(st.sampled_from(list(Weekday)), min_size=0, max_size=5, unique=True)
    for k in range(n):
        cid = f"C{k}"
        kind = draw(st.sampled_from(["partner", "salaried", "alternate", "locum"]))
        clinicians.append(clin(cid, ClinicianType.LOCUM if kind == "locum" else
                               ClinicianType.PARTNER if kind == "partner" else ClinicianType.SALARIED))
        cut = draw(st.integers(10, SPAN - 10))
        starts = [draw(st.integers(-30, cut - 1))]
        ends = [cut - 1]
        if draw(st.booleans()):
            starts.append(cut)
            ends.append(draw(st.one_of(st.none(), st.integers(cut, SPAN + 30))))
        else:
            ends[0] = draw(st.one_of(st.none(), st.integers(cut, SPAN + 30)))
        for j, (s, e) in enumerate(zip(starts, ends)):
            tid = f"{cid}t{j}"
            ent = draw(st.one_of(st.none(), st.integers(0, 30)))
            end = None if e is None else _day(e)
            if kind == "partner":
                terms.append(partner_term(tid, cid, _day(s), end, draw(st.integers(0, 100)), ent))
            elif kind == "salaried":
                terms.append(salaried_term(tid, cid, _day(s), end, draw(days_st), ent))
            elif kind == "alternate":
                terms.append(alternate_term(tid, cid, _day(s), end, draw(days_st), draw(days_st), ent))
            else:
                terms.append(WorkingTerm(tid, cid, TermType.LOCUM, _day(s), end, 100))
            if ent is not None and draw(st.booleans()):
                adjustments.append(LeaveAdjustment(f"{tid}a", tid, D(draw(st.integers(-3, 3))), "test"))
        for i in sorted(draw(st.sets(st.integers(0, SPAN), max_size=40))):
            shifts.append(shift(cid, _day(i), draw(st.sampled_from(list(ShiftType))),
                                draw(st.sampled_from(list(Duration))), draw(st.sampled_from(list(ShiftStatus)))))
        for j in range(draw(st.integers(0, 3))):
            s = draw(st.integers(0, SPAN))
            e = s + draw(st.integers(0, 20))
            leave.append(annual(f"{cid}l{j}", cid, _day(s), _day(e), draw(st.sampled_from(list(LeaveStatus))),
                                draw(st.sampled_from(list(Duration))), draw(st.sampled_from(list(LeaveType)))))
        for j in range(draw(st.integers(0, 2))):
            s = draw(st.integers(0, SPAN))
            e = draw(st.one_of(st.none(), st.integers(s, SPAN + 10)))
            sick.append(SickLeave(f"{cid}s{j}", cid, _day(s), None if e is None else _day(e)))
    periods = [ReportingPeriod("H1", _day(0), _day(99)), ReportingPeriod("H2", _day(100), _day(SPAN))]
    return snapshot(clinicians, terms, shifts, leave, sick, adjustments, periods)


day_index = st.integers(0, SPAN)
