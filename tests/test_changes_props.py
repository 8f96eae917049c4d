"""The one write path: a ChangeSet applied in memory gives exactly the snapshot its commit leaves behind.

For random changes of every kind (what-if changes, manual shift edits, leave
decisions, locum bookings, swaps, a generation's plan), computed by the pure
functions on the demo practice, ``apply_to_snapshot`` must equal reading the
workspace back after ``store.commit`` - rows, ids (new shifts numbered the way
the workspace numbers them) and settings alike. Plus the committer's refusals.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rotacc_lab import scenarios as sc
from rotacc_lab.changes import ChangeError, ChangeSet, apply_to_snapshot, inserted, shift_rows, updated
from rotacc_lab.domain import LeaveStatus, LeaveType, PracticeSnapshot, Weekday
from rotacc_lab.errors import RotaccError
from rotacc_lab.generation.pipeline import generate, plan
from rotacc_lab.store import Workspace, import_source
from rotacc_lab.store.committer import StaleChange, commit
from rotacc_lab.workflows import adjustments, leave, locums, swaps
from rotacc_lab.workflows.adjustments import WorkflowError
from rotacc_lab.workflows.policy import LeavePolicy

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
START, END = date(2026, 1, 5), date(2026, 3, 27)
TODAY = date(2026, 1, 5)


@lru_cache(maxsize=1)
def template() -> Path:
    """The demo practice with phases 1-4 generated for a quarter (shifts to edit), built once."""
    folder = Path(tempfile.mkdtemp(prefix="rotacc-changes-"))
    path = folder / "template.duckdb"
    import_source(path, DEMO, actor="test")
    generate(path, START, END, phases=(1, 2, 3, 4), today=TODAY, actor="test")
    return path


@lru_cache(maxsize=1)
def template_snapshot() -> PracticeSnapshot:
    return Workspace.open(template(), read_only=True).load_snapshot()


def fresh(tmp: Path) -> Workspace:
    dst = tmp / "ws.duckdb"
    shutil.copyfile(template(), dst)
    return Workspace.open(dst)


def comparable(s: PracticeSnapshot) -> tuple:
    """Everything a snapshot holds, swap request times left out (the committer stamps them)."""
    swaps_ = tuple(replace(q, created_at=None, decided_at=None) for q in s.swap_requests)
    return replace(s, data_version=0), swaps_, s.next_shift_id


def _day(draw, lo: date = START, hi: date = END) -> date:
    return lo + timedelta(days=draw(st.integers(0, (hi - lo).days)))


@st.composite
def a_change(draw):
    """A function snapshot -> ChangeSet, of a random kind with random arguments (drawn on the template)."""
    snap = template_snapshot()
    ids = sorted(snap.clinician_by_id)
    cid = draw(st.sampled_from(ids))
    live = [s for s in snap.shifts if s.status.value != "CANCELLED"]
    kind = draw(st.sampled_from(["wte", "leave", "locum", "minimum", "partner_leaves", "add", "move", "delete",
                                 "pin", "submit", "approve", "cancel", "book", "swap", "plan"]))
    if kind == "wte":
        change = sc.WteChange(cid, draw(st.integers(0, 100)), _day(draw))
        return change.changes
    if kind == "leave":
        d0 = _day(draw)
        change = sc.ExtraLeave(cid, d0, d0 + timedelta(days=draw(st.integers(0, 12))))
        return change.changes
    if kind == "locum":
        days = sorted({_day(draw) for _ in range(draw(st.integers(1, 4)))})
        assume(all(d.weekday() < 5 for d in days))
        return sc.NewLocum(f"LX{draw(st.integers(1, 99))}", "Dr Random", days).changes
    if kind == "minimum":
        return sc.MinimumChange(draw(st.sampled_from(list(Weekday))), draw(st.integers(0, 9))).changes
    if kind == "partner_leaves":
        return sc.PartnerLeaves(cid, _day(draw)).changes
    if kind == "add":
        d = _day(draw)
        return lambda s: adjustments.plan_add_shift(s, cid, d, actor="prop", today=TODAY)
    if kind in ("move", "delete", "pin"):
        assume(live)
        shift = draw(st.sampled_from(live))
        if kind == "move":
            d = _day(draw)
            return lambda s: adjustments.plan_move_shift(s, shift.shift_id, actor="prop", to_date=d,
                                                         to_clinician=cid, today=TODAY)
        if kind == "delete":
            return lambda s: adjustments.plan_delete_shift(s, shift.shift_id, actor="prop", today=TODAY)
        return lambda s: adjustments.plan_set_pinned(s, shift.shift_id, not shift.is_pinned, actor="prop")
    if kind == "submit":
        d0 = _day(draw)
        d1 = d0 + timedelta(days=draw(st.integers(0, 6)))
        ltype = draw(st.sampled_from([LeaveType.ANNUAL_LEAVE, LeaveType.STUDY_LEAVE]))
        auto = draw(st.booleans())  # the policy approves at once (pending row inserted and approved in one commit)
        policy = LeavePolicy(auto_approve=auto, max_working_days=None, max_clinicians_off=None,
                             enforce_minimum_staffing=False)

        def submit(s: PracticeSnapshot) -> ChangeSet:
            from rotacc_lab.changes import next_id
            from rotacc_lab.domain import Duration, Leave

            lv = Leave(next_id((x.leave_id for x in s.leave), "LV-"), cid, ltype, d0, d1, LeaveStatus.PENDING,
                       Duration.FULL)
            return leave.plan_submit(s, lv, actor="prop", policy=policy, today=TODAY)

        return submit
    if kind in ("approve", "cancel"):
        pending = [lv for lv in snap.leave if lv.status in (LeaveStatus.PENDING, LeaveStatus.APPROVED)]
        assume(pending)
        lv = draw(st.sampled_from(pending))
        if kind == "approve":
            return lambda s: leave.plan_approve(s, lv.leave_id, actor="prop", today=TODAY)
        return lambda s: leave.plan_cancel(s, lv.leave_id, actor="prop")
    if kind == "book":
        days = sorted({_day(draw) for _ in range(draw(st.integers(1, 3)))})
        return lambda s: locums.plan_book_locum(s, cid, days, actor="prop", today=TODAY)
    if kind == "swap":
        assume(live)
        shift = draw(st.sampled_from(live))
        return lambda s: swaps.plan_request_swap(s, shift.clinician_id, shift.shift_id, actor="prop",
                                                 to_clinician=cid)
    # a generation's plan (phases 1-4, overwrite), as generate commits it
    d0 = _day(draw, START, END - timedelta(days=14))
    overwrite = draw(st.booleans())
    return lambda s: plan(s, d0, d0 + timedelta(days=13), phases=(1, 2, 3, 4), overwrite=overwrite).changeset(s)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_changeset_applied_in_memory_equals_its_commit_read_back(data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = fresh(Path(tmp))
        snap = ws.load_snapshot()
        make = data.draw(a_change())
        try:
            cs = make(snap)
        except (WorkflowError, sc.ScenarioError, ValueError):
            assume(False)
        expected = apply_to_snapshot(snap, cs)
        done = commit(ws, cs, actor="prop")
        actual = ws.load_snapshot()
        assert comparable(actual) == comparable(expected)
        assert actual.data_version == snap.data_version + (1 if done.written else 0)
        # the committed ChangeSet numbers new shifts exactly as the in-memory one did
        assert [s.shift_id for s in done.inserted("shift")] == [
            s.shift_id for s in expected.shifts if s.shift_id >= snap.new_shift_id()]


def test_the_same_what_if_on_the_same_baseline_gives_the_same_rows(tmp_path: Path) -> None:
    change = sc.ExtraLeave("P02", date(2026, 2, 2), date(2026, 2, 6))
    contents = []
    for i in range(2):
        folder = tmp_path / str(i)
        folder.mkdir()
        ws = fresh(folder)
        commit(ws, change.changes, actor="what-if:t")
        snap = ws.load_snapshot()
        contents.append((snap.leave, snap.shifts, snap.next_shift_id))
    assert contents[0] == contents[1]
    assert any(lv.leave_id == "WHATIF-L00001" for lv in contents[0][0])


def test_a_row_changed_since_the_changeset_was_computed_refuses_the_whole_commit(tmp_path: Path) -> None:
    ws = fresh(tmp_path)
    snap = ws.load_snapshot()
    shift = next(s for s in snap.shifts if not s.is_pinned)
    stale = ChangeSet("stale", shift_rows(deletes=[shift]) + (inserted("shift", replace(shift, shift_id=None,
                                                                                        date=date(2026, 3, 30))),))
    adjustments.set_pinned(ws, shift.shift_id, True, actor="someone")  # another writer moves first
    before = ws.load_snapshot()
    with pytest.raises(StaleChange, match=f"shift {shift.shift_id} changed since"):
        commit(ws, stale, actor="late")
    assert ws.load_snapshot() == before and ws.data_version() == before.data_version


def test_an_empty_changeset_writes_nothing(tmp_path: Path) -> None:
    ws = fresh(tmp_path)
    version = ws.data_version()
    done = commit(ws, lambda s: ChangeSet("nothing to do"), actor="t")
    assert not done.written and ws.data_version() == version


def test_steps_of_one_row_must_chain() -> None:
    snap = Workspace.open(template(), read_only=True).load_snapshot()
    lv = replace(snap.leave[0], status=LeaveStatus.PENDING)
    a = replace(lv, status=LeaveStatus.APPROVED)
    b = replace(lv, status=LeaveStatus.REJECTED)
    ChangeSet("ok", (updated("leave", lv, a), updated("leave", a, b)))
    with pytest.raises(ChangeError, match="does not start where the first ended"):
        ChangeSet("broken", (updated("leave", lv, a), updated("leave", lv, b)))


def test_a_term_with_leave_adjustments_cannot_be_deleted_and_nothing_is_written(tmp_path: Path) -> None:
    from rotacc_lab.changes import deleted

    ws = fresh(tmp_path)
    snap = ws.load_snapshot()
    adj = snap.leave_adjustments[0]
    term = snap.term_by_id[adj.term_id]
    with pytest.raises(RotaccError, match=f"leave adjustment {adj.adjustment_id} refers to it"):
        commit(ws, ChangeSet("drop a term", (deleted("term", term),)), actor="t")
    assert ws.load_snapshot() == snap


def test_a_leave_adjustment_must_point_at_an_existing_term(tmp_path: Path) -> None:
    from decimal import Decimal

    from rotacc_lab.domain import LeaveAdjustment

    ws = fresh(tmp_path)
    snap = ws.load_snapshot()
    orphan = LeaveAdjustment("ADJ-X", "NO-SUCH-TERM", Decimal("1.00"), "test")
    with pytest.raises(RotaccError, match="refers to term NO-SUCH-TERM, which does not exist"):
        commit(ws, ChangeSet("orphan", (inserted("leave_adjustment", orphan),)), actor="t")
    assert ws.load_snapshot() == snap
