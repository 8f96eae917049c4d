"""The Python API refuses bad arguments like the CLI does (issue 22 item 8).

Every public entry point a notebook or script calls directly (``Workspace.open``,
``read_source``, the workflow shells) raises a :class:`RotaccError` whose message
names the parameter, shows the bad value and says what is accepted - never a raw
``TypeError``, and never "does not exist" for an id given as a string. Nothing is
written when an argument is refused. Real workspaces (the ``workspace`` fixture).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from rotacc_lab import args
from rotacc_lab.domain import LeaveStatus
from rotacc_lab.errors import RotaccError
from rotacc_lab.store import Workspace
from rotacc_lab.store.source import read_source, read_source_full
from rotacc_lab.workflows import adjustments as adj
from rotacc_lab.workflows import leave, locums, notifications, swaps
from rotacc_lab.workflows.policy import LeavePolicy

TODAY = date(2026, 1, 1)
NO_STAFFING = LeavePolicy(enforce_minimum_staffing=False)


def state(ws: Workspace) -> tuple:
    """Everything a refused call must leave as it was: shifts, leave, swaps, bookings, outbox."""
    snap = ws.load_snapshot()
    return (sorted(map(repr, snap.shifts)), sorted(map(repr, snap.leave)), sorted(map(repr, snap.swap_requests)),
            sorted(map(repr, snap.locum_bookings)), len(notifications.list_outbox(ws)))


# ------------------------------------------------------------------ the checkers themselves

@pytest.mark.parametrize("value, expected", [(13, 13), ("13", 13), (" 7 ", 7)])
def test_shift_id_accepts_int_and_digit_strings(value, expected):
    assert args.shift_id_arg(value) == expected


@pytest.mark.parametrize("value, fragment", [
    (True, "True is not a shift id; give a whole number such as 13 \\(not True/False\\)"),
    (1.0, "1.0 is not a shift id; give a whole number such as 13"),
    ("13a", "'13a' is not a shift id"),
    ("-3", "'-3' is not a shift id"),
    (0, "0 is not a shift id; give a whole number of 1 or more"),
    (None, "None is not a shift id"),
    ([13], r"\[13\] is not a shift id"),
])
def test_shift_id_refuses_other_values(value, fragment):
    with pytest.raises(args.ArgumentError, match=rf"^shift_id: {fragment}"):
        args.shift_id_arg(value)


def test_date_checker_is_the_strict_parser():
    assert args.date_arg("2026-01-05", "start") == date(2026, 1, 5) == args.date_arg(date(2026, 1, 5), "start")
    with pytest.raises(RotaccError, match=r"^start: '20260105' is not a date; give YYYY-MM-DD"):
        args.date_arg("20260105", "start")
    with pytest.raises(RotaccError, match=r"^start: 20260105 is not a date; give YYYY-MM-DD.*or a datetime.date"):
        args.date_arg(20260105, "start")
    with pytest.raises(RotaccError, match=r"^start: .* is a date and time"):
        args.date_arg(datetime(2026, 1, 5, 9), "start")
    with pytest.raises(args.ArgumentError, match=r"^dates: '2026-01-05' is not a list of dates"):
        args.dates_arg("2026-01-05")
    with pytest.raises(RotaccError, match=r"^dates\[1\]: 'soon' is not a date"):
        args.dates_arg(["2026-01-05", "soon"])


# ------------------------------------------------------------------ paths

@pytest.mark.parametrize("value", [123, None, b"practice.duckdb", "  ", 1.5])
def test_workspace_open_refuses_non_paths(value):
    with pytest.raises(RotaccError, match=r"^workspace: .* is not a file path; give the workspace file"):
        Workspace.open(value)


@pytest.mark.parametrize("reader", [read_source, read_source_full])
@pytest.mark.parametrize("value", [42, None, ["tiny"], b"tiny"])
def test_read_source_refuses_non_paths(reader, value):
    with pytest.raises(RotaccError, match=r"^source: .* is not a file path; give a practice folder or an .xlsx"):
        reader(value)


def test_read_source_takes_str_and_path(tiny_folder: Path):
    assert read_source(str(tiny_folder)).clinicians == read_source(tiny_folder).clinicians


# ------------------------------------------------------------------ string ids and dates are accepted

def test_move_shift_with_a_string_id_moves_it(workspace):
    s = adj.add_shift(workspace, "S02", "2026-03-10", actor="alice", pinned=False)
    moved = adj.move_shift(workspace, str(s.shift_id), to_date="2026-03-11", actor="alice", pin=False)
    assert moved.shift_id == s.shift_id and moved.date == date(2026, 3, 11)
    assert adj.pin_shift(workspace, str(s.shift_id), actor="alice").is_pinned
    adj.delete_shift(workspace, f" {s.shift_id} ", actor="alice")
    assert s.shift_id not in {x.shift_id for x in workspace.load_snapshot().shifts}


def test_leave_submit_with_string_dates(workspace):
    out = leave.submit(workspace, "P01", "STUDY_LEAVE", "2026-03-03", "2026-03-04", actor="ada", policy=NO_STAFFING,
                       today="2026-01-01")
    assert (out.leave.start_date, out.leave.end_date) == (date(2026, 3, 3), date(2026, 3, 4))
    assert out.leave.status is LeaveStatus.APPROVED


def test_locum_booking_with_string_dates(workspace):
    out = locums.book_locum(workspace, "L01", ["2026-02-03", date(2026, 2, 2)], actor="alice", today=TODAY)
    assert out.booking.dates == (date(2026, 2, 2), date(2026, 2, 3))


# ------------------------------------------------------------------ every public workflow shell

#: (shell, positional args after ws, keyword args, message at the start of the error)
BAD_CALLS = [
    # leave
    (leave.submit, ("P01", "STUDY_LEAVE", "2026/03/03", "2026-03-04"), {},
     r"start: '2026/03/03' is not a date; give YYYY-MM-DD"),
    (leave.submit, ("P01", "STUDY_LEAVE", date(2026, 3, 3), 20260304), {}, r"end: 20260304 is not a date"),
    (leave.submit, ("P01", "STUDY_LEAVE", "2026-03-03", "2026-02-30"), {},
     r"end: '2026-02-30' is not a date \(February 2026 has no day 30\)"),
    (leave.submit, ("P01", "STUDY_LEAVE", "2026-03-03", "2026-03-04"), {"today": 5}, r"today: 5 is not a date"),
    (leave.submit, ("P01", "STUDY_LEAVE", "2026-03-03", "2026-03-04"), {"half_day": "yes"},
     r"half_day: 'yes' is not accepted; give True or False"),
    (leave.submit, (17, "STUDY_LEAVE", "2026-03-03", "2026-03-04"), {},
     r"clinician_id: 17 is not accepted; give the clinician's id"),
    (leave.submit, ("P01", "STUDY_LEAVE", "2026-03-03", "2026-03-04"), {"policy": {"auto_approve": True}},
     r"policy: \{'auto_approve': True\} is not a LeavePolicy"),
    (leave.submit, ("P01", "STUDY_LEAVE", "2026-03-03", "2026-03-04"), {"leave_id": 9},
     r"leave_id: 9 is not accepted; give a leave id"),
    (leave.approve, (1,), {}, r"leave_id: 1 is not accepted; give a leave id \(text\)"),
    (leave.approve, ("LV-00001",), {"today": "tomorrow"}, r"today: 'tomorrow' is not a date"),
    (leave.reject, (None,), {}, r"leave_id: None is not accepted"),
    (leave.cancel, (["LV-1"],), {}, r"leave_id: \['LV-1'\] is not accepted"),
    (leave.list_leave, (), {"clinician_id": 3}, r"clinician_id: 3 is not accepted"),
    # swaps
    (swaps.request_swap, ("P01", 1.0), {"to_clinician": "P02"}, r"shift_a: 1.0 is not a shift id"),
    (swaps.request_swap, ("P01", True), {"to_clinician": "P02"}, r"shift_a: True is not a shift id"),
    (swaps.request_swap, ("P01", 1), {"shift_b": "two"}, r"shift_b: 'two' is not a shift id"),
    (swaps.request_swap, (None, 1), {"to_clinician": "P02"}, r"requester: None is not accepted"),
    (swaps.request_swap, ("P01", 1), {"to_clinician": 2}, r"to_clinician: 2 is not accepted"),
    (swaps.request_swap, ("P01", 1), {"to_clinician": "P02", "reason": 5}, r"reason: 5 is not accepted"),
    (swaps.approve_swap, (7,), {}, r"swap_id: 7 is not accepted; give a swap id"),
    (swaps.approve_swap, ("SW-00001",), {"today": 2026}, r"today: 2026 is not a date"),
    (swaps.reject_swap, ("SW-00001",), {"note": 1}, r"note: 1 is not accepted"),
    (swaps.cancel_swap, (None,), {}, r"swap_id: None is not accepted"),
    (swaps.list_swaps, (), {"status": 1}, r"status: 1 is not one of REQUESTED, APPROVED"),
    (leave.impact, ("P01", "ANNUAL_LEAVE", "5 Jan", "2026-01-06"), {}, r"start: '5 Jan' is not a date"),
    (leave.impact, ("P01", "ANNUAL_LEAVE", "2026-01-05", "2026-01-06"), {"half_day": "yes"},
     r"half_day: 'yes' is not accepted; give True or False"),
    (leave.impact_of, (7,), {}, r"leave_id: 7 is not accepted"),
    # locums
    (locums.book_locum, ("L01", "2026-02-03"), {}, r"dates: '2026-02-03' is not a list of dates"),
    (locums.book_locum, ("L01", ["2026-02-03", "3 Feb"]), {}, r"dates\[1\]: '3 Feb' is not a date"),
    (locums.book_locum, ("L01", [date(2026, 2, 3)]), {"today": "2026-1-1"}, r"today: '2026-1-1' is not a date"),
    (locums.book_locum, ("L01", [date(2026, 2, 3)]), {"booking_id": 4}, r"booking_id: 4 is not accepted"),
    # manual adjustments
    (adj.add_shift, ("S02", "10/03/2026"), {}, r"day: '10/03/2026' is not a date"),
    (adj.add_shift, ("S02", "2026-03-10"), {"pinned": 1}, r"pinned: 1 is not accepted; give True or False"),
    (adj.add_shift, (None, "2026-03-10"), {}, r"clinician_id: None is not accepted"),
    (adj.move_shift, (1.5,), {"to_date": "2026-03-11"}, r"shift_id: 1.5 is not a shift id"),
    (adj.move_shift, ("1",), {"to_date": "11 March"}, r"to_date: '11 March' is not a date"),
    (adj.move_shift, (1,), {"to_clinician": 5}, r"to_clinician: 5 is not accepted"),
    (adj.delete_shift, (False,), {}, r"shift_id: False is not a shift id"),
    (adj.delete_shift, (1,), {"today": datetime(2026, 1, 1)}, r"today: .* is a date and time"),
    (adj.set_pinned, ("x",), {"pinned": True}, r"shift_id: 'x' is not a shift id"),
    (adj.set_pinned, (1,), {"pinned": "no"}, r"pinned: 'no' is not accepted"),
    (adj.pin_shift, (None,), {}, r"shift_id: None is not a shift id"),
    (adj.unpin_shift, ("1.0",), {}, r"shift_id: '1.0' is not a shift id"),
    # outbox
    (notifications.list_outbox, (), {"status": 3}, r"status: 3 is not one of"),
    (notifications.requeue, (5, "alice"), {}, r"message_id: 5 is not accepted"),
]

#: shells that take an actor keyword (the listing functions and requeue do not)
NO_ACTOR = {leave.list_leave, leave.impact, leave.impact_of, swaps.list_swaps, notifications.list_outbox, notifications.requeue}


def _label(case) -> str:
    fn, _, kw, msg = case
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}:{msg.split(':')[0]}"


@pytest.mark.parametrize("fn, posargs, kwargs, message", BAD_CALLS, ids=[_label(c) for c in BAD_CALLS])
def test_every_workflow_shell_refuses_bad_arguments(workspace, fn, posargs, kwargs, message):
    before = state(workspace)
    extra = {} if fn in NO_ACTOR else {"actor": "alice"}
    with pytest.raises(RotaccError, match="^" + message) as caught:
        fn(workspace, *posargs, **kwargs, **extra)
    assert not isinstance(caught.value, TypeError)
    assert state(workspace) == before  # nothing written


def test_every_public_shell_is_covered():
    """A new public shell must get a bad-argument case above."""
    modules = (leave, swaps, locums, adj, notifications)
    covered = {c[0] for c in BAD_CALLS}
    shells = {
        obj for m in modules for name, obj in vars(m).items()
        if callable(obj) and not name.startswith(("_", "plan_")) and getattr(obj, "__module__", "") == m.__name__
        and getattr(obj, "__code__", None) is not None and obj.__code__.co_varnames[:1] == ("ws",)
    }
    # history takes any entity id (str or int) and already checks the entity name
    assert shells - covered == {adj.history}
