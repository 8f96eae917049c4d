"""Swaps, locum bookings, manual adjustments, eligibility rules and fixed-period notifications."""

from __future__ import annotations

from datetime import date

import pytest

from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Settings,
    Shift,
    SickLeave,
    TermType,
    Weekday,
    WorkingTerm,
)
from rotacc_lab.workflows import adjustments as adj
from rotacc_lab.workflows import swaps
from rotacc_lab.workflows.locums import book_locum
from rotacc_lab.workflows.notifications import list_outbox

TODAY = date(2026, 1, 1)  # fixed period 2026-01-01 .. 2026-02-12 (6 weeks)


def shift(ws, shift_id):
    return next(s for s in ws.load_snapshot().shifts if s.shift_id == shift_id)


# ------------------------------------------------------------------ eligibility (pure)

def elig_snapshot() -> PracticeSnapshot:
    c = Clinician("A", "Dr A", None, ClinicianType.PARTNER)
    term = WorkingTerm("T", "A", TermType.PARTNER, date(2026, 1, 1), date(2026, 12, 31), 100,
                       cannot_work_days=(Weekday.FRI,), max_shifts_per_week=2)
    return PracticeSnapshot(
        settings=Settings(), clinicians=(c,), terms=(term,),
        leave=(Leave("L", "A", LeaveType.ANNUAL_LEAVE, date(2026, 3, 9), date(2026, 3, 10), LeaveStatus.APPROVED),
               Leave("P", "A", LeaveType.ANNUAL_LEAVE, date(2026, 3, 11), date(2026, 3, 11), LeaveStatus.PENDING)),
        sick_leave=(SickLeave("S", "A", date(2026, 3, 16), date(2026, 3, 16)),),
        shifts=(Shift(1, "A", date(2026, 3, 2)), Shift(2, "A", date(2026, 3, 3))),
    )


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 3, 23), None),
        (date(2026, 3, 7), "is a weekend day"),
        (date(2026, 4, 3), "is a bank holiday"),  # Good Friday 2026
        (date(2027, 1, 4), "no working term covers"),
        (date(2026, 3, 9), "on approved ANNUAL_LEAVE (L)"),
        (date(2026, 3, 11), None),  # pending leave does not block
        (date(2026, 3, 16), "on sick leave (S)"),
        (date(2026, 3, 13), "Fri is a cannot-work day of term T"),
        (date(2026, 3, 2), "already has shift 1"),
        (date(2026, 3, 4), "would have 3 shifts in the week of 2026-03-02, above the weekly maximum of 2"),
    ],
)
def test_eligibility_rules(day, expected):
    problems = adj.eligibility_problems(elig_snapshot(), "A", day)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_eligibility_ignores_the_shift_being_moved():
    snap = elig_snapshot()
    assert adj.eligibility_problems(snap, "A", date(2026, 3, 4), ignore_shift_ids=[2]) == []


# ------------------------------------------------------------------ swaps

def test_give_swap_applies_pins_and_notifies_both(workspace):
    a = adj.add_shift(workspace, "P01", date(2026, 2, 10), actor="alice", today=TODAY)
    req = swaps.request_swap(workspace, "P01", a.shift_id, to_clinician="P02", reason="school play", actor="ada")
    assert req.status == "REQUESTED" and req.kind == "GIVE" and req.target_date == date(2026, 2, 10)
    assert shift(workspace, a.shift_id).clinician_id == "P01"  # nothing moves before approval
    done = swaps.approve_swap(workspace, req.swap_id, actor="admin", today=TODAY)
    assert done.status == "APPROVED" and done.decided_by == "admin"
    moved = shift(workspace, a.shift_id)
    assert moved.clinician_id == "P02" and moved.is_pinned
    mails = {m["to_address"]: m["body"] for m in list_outbox(workspace)}
    assert "now goes to Dr Ben Partner" in mails["ada@example.org"]
    assert "you take over the standard shift of Dr Ada Partner" in mails["ben@example.org"]
    assert [h["action"] for h in adj.history(workspace, "swap_request", req.swap_id)] == ["insert", "approved"]
    with pytest.raises(adj.WorkflowError, match="is APPROVED; only REQUESTED swaps can be rejected"):
        swaps.reject_swap(workspace, req.swap_id, actor="admin")


def test_exchange_swap(workspace):
    a = adj.add_shift(workspace, "P01", date(2026, 2, 16), actor="alice")  # Mon
    b = adj.add_shift(workspace, "P02", date(2026, 2, 25), actor="alice")  # Wed
    req = swaps.request_swap(workspace, "P01", a.shift_id, shift_b=b.shift_id, actor="ada")
    swaps.approve_swap(workspace, req.swap_id, actor="admin", today=TODAY)
    assert shift(workspace, a.shift_id).clinician_id == "P02"
    assert shift(workspace, b.shift_id).clinician_id == "P01"
    assert list_outbox(workspace) == []  # both dates after the fixed period


def test_swap_validation_and_revalidation_at_approval(workspace):
    fri = adj.add_shift(workspace, "P01", date(2026, 2, 27), actor="alice")
    with pytest.raises(adj.WorkflowError, match="P02 on 2026-02-27: Fri is a cannot-work day"):
        swaps.request_swap(workspace, "P01", fri.shift_id, to_clinician="P02", actor="ada")
    with pytest.raises(adj.WorkflowError, match="belongs to P01, not to the requester P02"):
        swaps.request_swap(workspace, "P02", fri.shift_id, to_clinician="S02", actor="ben")
    with pytest.raises(adj.WorkflowError, match="exactly one of"):
        swaps.request_swap(workspace, "P01", fri.shift_id, actor="ada")
    tue = adj.add_shift(workspace, "P01", date(2026, 2, 24), actor="alice")
    req = swaps.request_swap(workspace, "P01", tue.shift_id, to_clinician="P02", actor="ada")
    adj.add_shift(workspace, "P02", date(2026, 2, 24), actor="alice")  # P02 becomes double-booked
    with pytest.raises(adj.WorkflowError, match="P02 on 2026-02-24: already has shift"):
        swaps.approve_swap(workspace, req.swap_id, actor="admin")
    assert shift(workspace, tue.shift_id).clinician_id == "P01"  # nothing applied
    assert swaps.cancel_swap(workspace, req.swap_id, actor="ada").status == "CANCELLED"
    assert [s.swap_id for s in swaps.list_swaps(workspace, "cancelled")] == [req.swap_id]


# ------------------------------------------------------------------ locums

def test_locum_booking_creates_pinned_shifts(workspace):
    out = book_locum(workspace, "L01", [date(2026, 2, 3), date(2026, 2, 2)], actor="alice", booking_id="B7",
                     today=TODAY)
    assert out.booking.dates == (date(2026, 2, 2), date(2026, 2, 3))
    assert all(s.is_pinned and s.origin == "locum:B7" for s in out.shifts)
    snap = workspace.load_snapshot()
    assert any(b.booking_id == "B7" for b in snap.locum_bookings)
    [m] = list_outbox(workspace)  # L01 has no e-mail: the message is recorded as FAILED, visibly
    assert out.notifications == (m["message_id"],)
    assert m["status"] == "FAILED" and m["clinician_id"] == "L01"


def test_locum_booking_reports_every_bad_date_and_writes_nothing(workspace):
    before = workspace.data_version()
    with pytest.raises(adj.WorkflowError) as err:
        book_locum(workspace, "L01", [date(2026, 2, 7), date(2026, 1, 8)], actor="alice")
    assert "2026-02-07 is a weekend day" in str(err.value) and "L01 on 2026-01-08: already has shift" in str(err.value)
    assert workspace.data_version() == before


# ------------------------------------------------------------------ manual adjustments

def test_add_move_pin_unpin_delete(workspace):
    s = adj.add_shift(workspace, "S02", date(2026, 3, 10), shift_type="duty", actor="alice", pinned=False)
    assert s.origin == "user:alice" and s.shift_type.value == "DUTY" and not s.is_pinned
    m = adj.move_shift(workspace, s.shift_id, to_date=date(2026, 3, 11), actor="alice", pin=False)
    assert shift(workspace, s.shift_id).date == date(2026, 3, 11) == m.date and not m.is_pinned
    adj.move_shift(workspace, s.shift_id, to_clinician="P01", actor="alice", pin=False)
    assert adj.pin_shift(workspace, s.shift_id, actor="alice").is_pinned
    with pytest.raises(adj.WorkflowError, match="already pinned"):
        adj.pin_shift(workspace, s.shift_id, actor="alice")
    assert not adj.unpin_shift(workspace, s.shift_id, actor="alice").is_pinned
    adj.delete_shift(workspace, s.shift_id, actor="alice")
    assert s.shift_id not in {x.shift_id for x in workspace.load_snapshot().shifts}
    actions = [h["action"] for h in adj.history(workspace, "shift", s.shift_id)]
    assert actions == ["insert", "update", "update", "update", "update", "delete"]
    assert list_outbox(workspace) == []  # today defaults to the real date: March 2026 is outside its fixed period


def test_manual_changes_validated(workspace):
    with pytest.raises(adj.WorkflowError, match="P01 on 2026-01-13: on approved ANNUAL_LEAVE"):
        adj.add_shift(workspace, "P01", date(2026, 1, 13), actor="alice")
    with pytest.raises(adj.WorkflowError, match="shift_id: 999 does not exist"):
        adj.move_shift(workspace, 999, to_date=date(2026, 3, 3), actor="alice")
    with pytest.raises(adj.WorkflowError, match="actor: empty"):
        adj.add_shift(workspace, "P01", date(2026, 3, 3), actor=" ")
    with pytest.raises(adj.WorkflowError, match="entity: 'nope'"):
        adj.history(workspace, "nope", 1)


def test_notifications_only_inside_fixed_period(workspace):
    inside = adj.add_shift(workspace, "P01", date(2026, 2, 12), actor="alice", today=TODAY,
                           pinned=False)  # last day inside
    adj.add_shift(workspace, "P01", date(2026, 2, 13), actor="alice", today=TODAY)  # first day after
    adj.pin_shift(workspace, inside.shift_id, actor="alice")  # pinning is not a rota change
    [m] = list_outbox(workspace)
    assert m["to_address"] == "ada@example.org" and "Thu 2026-02-12: new standard shift" in m["body"]
    assert "2026-02-13" not in m["body"]
    adj.move_shift(workspace, inside.shift_id, to_date=date(2026, 2, 16), actor="alice", today=TODAY)
    bodies = [x["body"] for x in list_outbox(workspace)]
    assert any("Thu 2026-02-12: standard shift moved to Mon 2026-02-16" in b for b in bodies)


def test_weekly_maximum_and_far_future_bank_holiday_through_the_workspace(tmp_path):
    """The windowed snapshot still sees the whole week, and bank holidays of years the data does not reach."""
    from conftest import TINY_FILES, write_practice_folder

    from rotacc_lab.store import Workspace, import_source

    terms = TINY_FILES["working_terms.csv"].replace("T02,P02,PARTNER,2025-04-01,,80,,,Fri,,,2,4,6",
                                                    "T02,P02,PARTNER,2025-04-01,,80,,,Fri,,,2,2,6")
    folder = write_practice_folder(tmp_path / "src", **{"working_terms.csv": terms})
    import_source(tmp_path / "w.duckdb", folder, actor="test")
    ws = Workspace.open(tmp_path / "w.duckdb")
    adj.add_shift(ws, "P02", date(2026, 2, 16), actor="alice")   # Mon
    adj.add_shift(ws, "P02", date(2026, 2, 19), actor="alice")   # Thu
    with pytest.raises(adj.WorkflowError, match="would have 3 shifts in the week of 2026-02-16"):
        adj.add_shift(ws, "P02", date(2026, 2, 17), actor="alice")
    adj.add_shift(ws, "P02", date(2026, 2, 23), actor="alice")   # next week is fine
    with pytest.raises(adj.WorkflowError, match="2031-12-25 is a bank holiday"):
        adj.add_shift(ws, "P01", date(2031, 12, 25), actor="alice")
