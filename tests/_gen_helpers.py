"""Builders and a hypothesis strategy for the generation tests (small, hand-sized practices)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    PracticeSnapshot,
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

MON, TUE, WED, THU, FRI = Weekday
#: a Monday with no bank holiday within three weeks
QUIET_MONDAY = date(2026, 3, 2)


def settings(mins=(2, 2, 2, 2, 2), duty=1, post_bh=1) -> Settings:
    return Settings(
        min_doctors=dict(zip(Weekday, mins)),
        duty_doctors_per_day=duty,
        duty_doctors_post_bank_holiday=post_bh,
    )


def partner(cid: str, pct: int = 100, *, start=date(2025, 1, 1), end=None, cannot=(), must=(), lo=None, hi=None):
    return builders.person(cid, ClinicianType.PARTNER, start=start, end=end, pct=pct, must_work_days=must,
                           cannot_work_days=cannot, minimum_shifts_per_week=lo, max_shifts_per_week=hi,
                           annual_leave_entitlement=Decimal(6))


def salaried(cid: str, days=(MON, WED), pct: int = 60, *, start=date(2025, 1, 1), end=None):
    return builders.person(cid, ClinicianType.SALARIED, start=start, end=end, pct=pct, fixed_working_days=days,
                           annual_leave_entitlement=Decimal(25))


def alternate(cid: str, a=(MON, TUE), b=(THU,), *, start=date(2025, 1, 6), end=None, pct=50):
    return builders.person(cid, ClinicianType.SALARIED, TermType.ALTERNATE_WEEKS, start=start, end=end, pct=pct,
                           week_a_days=a, week_b_days=b)


def locum(cid: str, days=(), *, start=date(2025, 1, 1), end=None):
    return builders.person(cid, ClinicianType.LOCUM, start=start, end=end, pct=0, fixed_working_days=days)


def leave(cid: str, start: date, end: date | None = None, *, status=LeaveStatus.APPROVED, half=False, n=[0]):
    n[0] += 1
    return builders.leave(f"L{n[0]}", cid, start, end, status=status, duration=Duration.HALF if half else Duration.FULL)


def shift(sid: int | None, cid: str, day: date, *, kind=ShiftType.STANDARD, status=ShiftStatus.SCHEDULED,
          pinned=False, origin="import") -> Shift:
    return builders.shift(cid, day, sid=sid, kind=kind, status=status, pinned=pinned, origin=origin)


def snapshot(people, *, mins=(2, 2, 2, 2, 2), duty=1, post_bh=1, leave=(), sick=(), bookings=(), shifts=()):
    return builders.snapshot(people, settings=settings(mins, duty, post_bh), leave=leave, sick_leave=sick,
                             locum_bookings=bookings, shifts=shifts)


def weekdays_between(start: date, end: date):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += timedelta(days=1)


# --------------------------------------------------------------------------- hypothesis

#: starts chosen to put bank holidays (Easter, May, Christmas 2026) inside some ranges
STARTS = [date(2026, 3, 2), date(2026, 3, 30), date(2026, 4, 1), date(2026, 4, 29), date(2026, 5, 20),
          date(2026, 12, 21), date(2026, 8, 26)]

day_sets = st.sets(st.sampled_from(list(Weekday)), max_size=2).map(lambda s: tuple(sorted(s)))


@st.composite
def practices(draw):
    """A random small practice and a generation range ``(snapshot, start, end)``."""
    start = draw(st.sampled_from(STARTS))
    weeks = draw(st.integers(1, 3))
    end = start + timedelta(days=7 * weeks - 1 + draw(st.integers(0, 3)))
    people = []
    n_partners = draw(st.integers(2, 5))
    for i in range(n_partners):
        pct = draw(st.sampled_from([40, 50, 60, 80, 100]))
        cannot = draw(day_sets)
        must = tuple(d for d in draw(day_sets) if d not in cannot)
        hi = draw(st.sampled_from([None, 2, 3, 4, 5]))
        lo = draw(st.sampled_from([None, 1, 2, 3]))
        if hi is not None and lo is not None and lo > hi:
            lo = hi
        people.append(partner(f"P{i}", pct, cannot=cannot, must=must, lo=lo, hi=hi))
    if draw(st.booleans()):
        people.append(salaried("S0", draw(day_sets) or (MON,)))
    if draw(st.booleans()):
        people.append(salaried("S1", draw(day_sets) or (TUE,), start=start + timedelta(days=draw(st.integers(0, 9)))))
    if draw(st.booleans()):
        people.append(alternate("A0", start=start - timedelta(days=7 * draw(st.integers(0, 3)))))
    bookings = []
    if draw(st.booleans()):
        people.append(locum("L0", draw(day_sets)))
        bookings.append(LocumBooking("B1", "L0", tuple(start + timedelta(days=k) for k in
                                                       draw(st.sets(st.integers(0, 20), max_size=4)))))
    ids = [c.clinician_id for c, _ in people]
    lv = []
    for _ in range(draw(st.integers(0, 5))):
        cid = draw(st.sampled_from(ids))
        s0 = start + timedelta(days=draw(st.integers(-3, 20)))
        lv.append(leave(cid, s0, s0 + timedelta(days=draw(st.integers(0, 6))),
                        status=draw(st.sampled_from([LeaveStatus.APPROVED, LeaveStatus.APPROVED, LeaveStatus.PENDING])),
                        half=draw(st.booleans())))
    sick = []
    if draw(st.booleans()):
        cid = draw(st.sampled_from(ids))
        s0 = start + timedelta(days=draw(st.integers(0, 10)))
        sick.append(SickLeave("K1", cid, s0, draw(st.sampled_from([None, s0 + timedelta(days=3)]))))
    shifts = []
    taken = set()
    sid = 1
    for _ in range(draw(st.integers(0, 8))):
        cid = draw(st.sampled_from([c for c in ids if c.startswith("P")]))
        d = start + timedelta(days=draw(st.integers(-2, 20)))
        if d.weekday() >= 5 or (cid, d) in taken:
            continue
        taken.add((cid, d))
        shifts.append(shift(sid, cid, d, pinned=draw(st.booleans()),
                            status=draw(st.sampled_from([ShiftStatus.SCHEDULED, ShiftStatus.COMPLETED])),
                            kind=draw(st.sampled_from([ShiftType.STANDARD, ShiftType.STANDARD, ShiftType.DUTY]))))
        sid += 1
    mins = tuple(draw(st.integers(0, 4)) for _ in range(5))
    snap = snapshot(people, mins=mins, duty=draw(st.integers(0, 2)), post_bh=draw(st.integers(0, 1)),
                    leave=lv, sick=sick, bookings=bookings, shifts=shifts)
    return snap, start, end


def apply_plan(snap: PracticeSnapshot, p) -> list[Shift]:
    """The non-cancelled shifts after writing plan ``p`` (what the store would hold)."""
    gone = set(p.deletes)
    upd = {s.shift_id: s for s in p.updates}
    out = [upd.get(s.shift_id, s) for s in snap.shifts if s.shift_id not in gone and s.status is not ShiftStatus.CANCELLED]
    return out + list(p.creates)
