"""Every hard rule H1..H9 holds in the optimiser's solutions on random small practices."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotacc_lab.domain import ClinicianType, LeaveStatus, ShiftType, Weekday
from rotacc_lab.generation.optimisation.encoding import floor_staffing

from _opt_helpers import leave, partner, practice, run, salaried, shift

START = date(2026, 3, 30)  # two weeks around Easter: Good Friday 3 Apr and Easter Monday 6 Apr
DAYS = [START + timedelta(days=i) for i in range(14)]
WORKDAYS = [d for d in DAYS if d.weekday() < 5]


@st.composite
def practices(draw):
    n = draw(st.integers(2, 4))
    people, leaves, shifts = [], [], []
    for i in range(n):
        cid = f"P{i}"
        cannot = draw(st.lists(st.sampled_from(list(Weekday)), max_size=1, unique=True))
        minimum = draw(st.sampled_from([None, 1, 2, 3]))
        maximum = draw(st.sampled_from([None, 2, 3, 4, 5]))
        people.append(partner(cid, draw(st.sampled_from([40, 60, 80, 100])), cannot=cannot, minimum=minimum, maximum=maximum))
        if draw(st.booleans()):
            a = draw(st.sampled_from(DAYS))
            leaves.append(leave(cid, a, a + timedelta(days=draw(st.integers(0, 4)))))
        for d in draw(st.lists(st.sampled_from(WORKDAYS), max_size=4, unique=True)):
            kind = draw(st.sampled_from(["std", "pin", "duty"]))
            shifts.append(shift(cid, d, pinned=kind == "pin", kind=ShiftType.DUTY if kind == "duty" else ShiftType.STANDARD))
    people.append(salaried("S0", [Weekday.TUE, Weekday.THU]))
    shifts += [shift("S0", d) for d in WORKDAYS if d.weekday() in (1, 3) and d.month == 4 and d.day != 3]
    mins = {d: draw(st.integers(0, 3)) for d in Weekday}
    return practice(people, mins=mins, leaves=leaves, shifts=shifts)


def _weekly(after, cid, monday):
    return sum(
        1 for i in range(7)
        if (s := after.get((cid, monday + timedelta(days=i)))) is not None and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY)
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices())
def test_hard_rules_hold(snap):
    res, after = run(snap, START, weeks=2, limit=3.0)
    if not res.feasible:
        assert res.report.status == "INFEASIBLE"
        assert res.report.explanation and res.report.explanation[0].startswith("the hard rules cannot all hold")
        assert any(line.startswith(("H7", "H8", "H9")) for line in res.report.explanation[1:])
        return
    before = {(s.clinician_id, s.date): s for s in snap.shifts}
    hols = snap.bank_holidays
    partners = {c.clinician_id for c in snap.clinicians if c.clinician_type is ClinicianType.PARTNER}
    created = {(s.clinician_id, s.date) for s in res.create}
    # H5: only partner shifts change; H6: nothing on bank holidays or weekends
    assert all(k[0] in partners for k in created | set(res.delete))
    assert all(k[1] not in hols and k[1].weekday() < 5 for k in created)
    # H1/H4b: never a second shift on a day (run() asserts creates land on empty keys)
    assert not created & set(before)
    for cid in partners:
        term = snap.terms_by_clinician[cid][0]
        for d in WORKDAYS:
            s = after.get((cid, d))
            if s is None or s.is_pinned or s.shift_type is not ShiftType.STANDARD or d in hols:
                continue  # fixed shifts and shifts on bank holidays (no variable, H6) are left alone
            # H2 / H3: no unpinned STANDARD shift on leave or a cannot-work day
            assert snap.approved_leave_on(cid, d) is None
            assert Weekday(d.weekday()) not in term.cannot_work_days
    # H4: pinned shifts survive unless downgraded with a warning
    for key in res.delete:
        if before[key].is_pinned:
            assert any("downgraded" in w and str(key[1]) in w for w in res.warnings)
    # H7: floor staffing every working day
    for d in WORKDAYS:
        if d in hols:
            continue
        total = sum(1 for (c, dd), s in after.items() if dd == d and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY))
        assert total >= floor_staffing(snap.settings.min_doctors[Weekday(d.weekday())])
    # H8 / H9 per partner week
    for cid in partners:
        term = snap.terms_by_clinician[cid][0]
        for monday in (START, START + timedelta(days=7)):
            n = _weekly(after, cid, monday)
            week = [monday + timedelta(days=i) for i in range(5)]
            # shifts the optimiser cannot remove: DUTY, and anything on a bank holiday
            duty = sum(1 for d in week if (s := before.get((cid, d))) is not None
                       and (s.shift_type is ShiftType.DUTY or d in hols))
            # pins on leave / cannot-work days stay in place but are excluded from the model's counts
            excluded = sum(
                1 for d in week
                if (s := before.get((cid, d))) is not None and s.is_pinned and s.shift_type is ShiftType.STANDARD
                and (snap.approved_leave_on(cid, d) is not None or Weekday(d.weekday()) in term.cannot_work_days)
            )
            if term.max_shifts_per_week is not None:
                assert n - excluded <= max(term.max_shifts_per_week, duty)
            if term.minimum_shifts_per_week:
                possible = sum(
                    1 for d in week
                    if d not in hols and snap.approved_leave_on(cid, d) is None
                    and Weekday(d.weekday()) not in term.cannot_work_days
                )
                if possible >= term.minimum_shifts_per_week and (term.max_shifts_per_week or 5) >= term.minimum_shifts_per_week:
                    assert n >= term.minimum_shifts_per_week or possible < term.minimum_shifts_per_week
    # leave statuses used are approved only
    assert all(lv.status is LeaveStatus.APPROVED for lv in snap.leave)
