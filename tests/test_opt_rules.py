"""Each hard rule H1..H9 on a fixed hand-made practice and assignment.

Every rule is checked three ways: which cells its predicate decides, what the pure checker
``rules.hard_violations`` says about an assignment that keeps / breaks it, and whether the
real CP-SAT model accepts the same assignment (every ``assign`` fixed, the rest follows).
"""

from __future__ import annotations

from datetime import date, timedelta

from rotacc_lab.domain import LeaveType, ShiftStatus, ShiftType, Weekday
from rotacc_lab.generation.optimisation.constraints import HARD_CONSTRAINTS, ModelContext, add_hard_constraints
from rotacc_lab.generation.optimisation.encoding import build_encoding
from rotacc_lab.generation.optimisation.objectives import build_objective
from rotacc_lab.generation.optimisation.rules import (
    h1_other_shift,
    h2_away,
    h3_cannot_work,
    h4_pinned,
    h4b_duty,
    hard_violations,
)
from rotacc_lab.generation.optimisation.solve import _complete

from _opt_helpers import EASTER_MONDAY_WEEK, MONDAY, leave, partner, practice, salaried, shift, weekdays, weights

MON, TUE, WED, THU, FRI = weekdays(MONDAY)


def _snapshot(**kw):
    """A: 100 %, minimum 3 a week; B: 50 %, cannot work Fri; C: 100 %, at most 3 a week; S: salaried Mon/Tue.
    A is on annual leave on Wed and has a completed shift on Tue; B has a pin on Mon; C has DUTY on Thu."""
    people = [partner("A", minimum=3), partner("B", 50, cannot=[Weekday.FRI]), partner("C", maximum=3),
              salaried("S", [Weekday.MON, Weekday.TUE])]
    completed = shift("A", TUE)
    completed = type(completed)(None, "A", TUE, ShiftType.STANDARD, status=ShiftStatus.COMPLETED)
    shifts = [shift("S", MON), shift("S", TUE), completed, shift("B", MON, pinned=True),
              shift("C", THU, kind=ShiftType.DUTY)]
    mins = {Weekday.MON: 3, Weekday.TUE: 2, Weekday.WED: 2, Weekday.THU: 2, Weekday.FRI: 0}
    return practice(people, mins=kw.get("mins", mins), leaves=[leave("A", WED, WED)], shifts=shifts)


def _encoding(snap=None, start=MONDAY, end=MONDAY + timedelta(days=6)):
    snap = snap or _snapshot()
    return build_encoding(snap, start, end, {(s.clinician_id, s.date): s for s in snap.shifts})


def _model_accepts(enc, x) -> bool:
    ctx = ModelContext(enc)
    add_hard_constraints(ctx)
    build_objective(ctx, weights(S11=1))
    return _complete(ctx, x, 5.0, 0) is not None


#: an assignment meeting every rule: A Mon Thu Fri, B Mon (pin) Wed, C Tue Wed
GOOD = {("A", MON): 1, ("A", THU): 1, ("A", FRI): 1, ("B", MON): 1, ("B", WED): 1, ("C", TUE): 1, ("C", WED): 1}


def _with(**changes):
    x = {k: 0 for k in _encoding().cells} | GOOD
    for name, value in changes.items():
        cid, day = name.split("_")
        x[(cid, {"mon": MON, "tue": TUE, "wed": WED, "thu": THU, "fri": FRI}[day])] = value
    return x


def _rules(violations: list[str]) -> set[str]:
    return {v.split(":")[0] for v in violations}


def test_the_good_assignment_meets_every_rule():
    enc = _encoding()
    x = _with()
    assert hard_violations(enc, x) == []
    assert _model_accepts(enc, x)
    assert set(HARD_CONSTRAINTS) == {"H1", "H2", "H3", "H4", "H4b", "H5", "H6", "H7", "H8", "H9"}


def test_h1_a_day_holding_another_shift_gets_no_standard_shift():
    enc = _encoding()
    decided = {k for k, c in enc.cells.items() if h1_other_shift(c)}
    assert decided == {("A", TUE)} and enc.cells[("A", TUE)].reason == "completed shift"
    x = _with(A_tue=1)
    assert _rules(hard_violations(enc, x)) == {"H1"}
    assert not _model_accepts(enc, x)


def test_h2_no_standard_shift_on_leave_of_any_type():
    snap = _snapshot()
    snap = practice(list(zip(snap.clinicians, snap.terms)), mins={d: 0 for d in Weekday},
                    leaves=[leave("A", WED, WED), leave("C", FRI, FRI, LeaveType.STUDY_LEAVE)], shifts=snap.shifts)
    enc = _encoding(snap)
    assert {k: h2_away(c) for k, c in enc.cells.items() if h2_away(c)} == {("A", WED): "annual leave",
                                                                         ("C", FRI): "study leave"}
    x = {k: 0 for k in enc.cells} | GOOD | {("A", WED): 1}
    assert _rules(hard_violations(enc, x)) == {"H2"}
    assert not _model_accepts(enc, x)


def test_h3_no_standard_shift_on_a_cannot_work_day():
    enc = _encoding()
    assert {k for k, c in enc.cells.items() if h3_cannot_work(c)} == {("B", FRI)}
    x = _with(B_fri=1)
    assert _rules(hard_violations(enc, x)) == {"H3"}
    assert not _model_accepts(enc, x)


def test_h4_a_kept_pin_is_worked():
    enc = _encoding()
    assert {k for k, c in enc.cells.items() if h4_pinned(c)} == {("B", MON)}
    x = _with(B_mon=0)
    assert _rules(hard_violations(enc, x)) == {"H4"}
    assert not _model_accepts(enc, x)


def test_h4_a_pin_on_leave_is_excluded_not_kept():
    snap = _snapshot()
    snap = practice(list(zip(snap.clinicians, snap.terms)), mins=0, shifts=[shift("A", WED, pinned=True)],
                    leaves=[leave("A", WED, WED)])
    enc = _encoding(snap)
    cell = enc.cells[("A", WED)]
    assert not h4_pinned(cell) and cell.pin == "excluded" and cell.blocked == "H2"
    assert any("excluded from the pinned set" in w for w in enc.warnings)


def test_h4b_a_duty_day_gets_no_standard_shift():
    enc = _encoding()
    assert {k for k, c in enc.cells.items() if h4b_duty(c)} == {("C", THU)}
    x = _with(C_thu=1, C_tue=0, A_tue=0)
    assert _rules(hard_violations(enc, x)) == {"H4b"}
    assert not _model_accepts(enc, x)


def test_h5_non_partner_shifts_are_fixed_cover_not_variables():
    enc = _encoding()
    assert not any(c == "S" for c, _ in enc.cells)
    assert enc.fixed_work[("S", MON)] == enc.fixed_work[("S", TUE)] == 1
    # Monday: S plus nobody else fixed (B's pin is a variable forced to 1, C's duty is Thursday)
    assert enc.fixed_cover[MON] == 1 and enc.fixed_cover[THU] == 1


def test_h6_bank_holidays_have_no_variable():
    snap = practice([partner("A")], mins=0)
    enc = build_encoding(snap, EASTER_MONDAY_WEEK, EASTER_MONDAY_WEEK + timedelta(days=6), {})
    assert EASTER_MONDAY_WEEK not in enc.dates and not any(d == EASTER_MONDAY_WEEK for _, d in enc.cells)
    assert EASTER_MONDAY_WEEK in enc.bank_holidays


def test_h7_every_day_keeps_the_floor():
    enc = _encoding()
    # Monday needs ceil(0.66 x 3) = 2 doctors: S plus B's pin; dropping nobody else keeps it, but
    # Wednesday (floor 2) with only C breaks it
    x = _with(B_wed=0)
    assert _rules(hard_violations(enc, x)) == {"H7"}
    assert not _model_accepts(enc, x)


def test_h8_the_weekly_maximum_holds():
    enc = _encoding()
    # C may work 3 a week and has DUTY on Thursday: at most 2 more shifts
    x = _with(C_mon=1)
    assert _rules(hard_violations(enc, x)) == {"H8"}
    assert not _model_accepts(enc, x)


def test_h9_the_weekly_minimum_holds_where_it_can():
    enc = _encoding()
    x = _with(A_mon=0, A_fri=0)  # the completed Tuesday and Thursday: below A's minimum of 3
    assert _rules(hard_violations(enc, x)) == {"H9"}
    assert not _model_accepts(enc, x)
    # a week in which A is away four days cannot reach the minimum: H9 is waived
    snap = practice([partner("A", minimum=2)], mins=0, leaves=[leave("A", MON, THU)])
    enc = _encoding(snap)
    x = {k: 0 for k in enc.cells}
    assert hard_violations(enc, x) == [] and _model_accepts(enc, x)


def test_rule_functions_add_exactly_the_groups_their_predicates_decide():
    enc = _encoding()
    ctx = ModelContext(enc, explain=True)
    groups = add_hard_constraints(ctx)
    assert groups["H1"] == [("H1", "A", MONDAY)]
    assert groups["H2"] == [("H2", "A", MONDAY)]
    assert groups["H3"] == [("H3", "B", Weekday.FRI)]
    assert groups["H4"] == [("H4", "B", MONDAY)]
    assert groups["H4b"] == [("H4b", "C", MONDAY)]
    assert [g[1] for g in groups["H8"]] == ["C"] and [g[1] for g in groups["H9"]] == ["A"]
    assert {g[2] for g in groups["H7"]} == {MON, TUE, WED, THU}  # Friday's minimum is 0


def test_date_helpers_of_this_file():
    assert (MON, FRI) == (date(2026, 3, 2), date(2026, 3, 6))
