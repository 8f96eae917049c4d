"""Leave workflow on a real workspace: policy on submit, quota, approval effects, state machine, concurrency."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date

import pytest

from rotacc_lab.domain import Duration, LeaveStatus
from rotacc_lab.store import Workspace
from rotacc_lab.workflows import leave as wf
from rotacc_lab.workflows.adjustments import WorkflowError, add_shift, history
from rotacc_lab.workflows.notifications import list_outbox
from rotacc_lab.workflows.policy import LeavePolicy

TODAY = date(2026, 1, 1)  # fixed period: 2026-01-01 .. 2026-02-12


def shift_ids(ws, clinician_id):
    return sorted(s.shift_id for s in ws.load_snapshot().shifts_by_clinician.get(clinician_id, ()))


def test_staffing_failure_routes_to_review_then_manual_approval_removes_shift(workspace):
    out = wf.submit(workspace, "P02", "annual_leave", date(2026, 1, 5), date(2026, 1, 6), actor="ben", today=TODAY)
    assert out.leave.status is LeaveStatus.PENDING
    assert out.decision.reasons == ["2026-01-05 would have 1 doctor(s), below the minimum of 2"]
    assert 2 in shift_ids(workspace, "P02")
    # the day would fall below the 66 % floor (ceil(0.66 x 2) = 2): refused, nothing written, unless forced
    version = workspace.data_version()
    with pytest.raises(wf.FloorBreached, match=r"Mon 05 Jan 2026: 2 -> 1 doctor\(s\), minimum 2, floor 2"):
        wf.approve(workspace, out.leave.leave_id, actor="alice", today=TODAY)
    assert workspace.data_version() == version and 2 in shift_ids(workspace, "P02")
    with pytest.raises(WorkflowError, match="--force needs a reason"):
        wf.approve(workspace, out.leave.leave_id, actor="alice", today=TODAY, force=True)
    res = wf.approve(workspace, out.leave.leave_id, actor="alice", today=TODAY, force=True,
                     reason="locum booked for the Monday")
    assert res.leave.status is LeaveStatus.APPROVED and [s.shift_id for s in res.removed] == [2]
    assert [d.day for d in res.impact.below_floor] == [date(2026, 1, 5)] and res.impact.rebalance_shifts == 1
    assert res.rebalance == (date(2026, 1, 5), date(2026, 1, 6))
    assert 2 not in shift_ids(workspace, "P02")
    kinds = [a["kind"] for a in workspace.list_alerts()]
    assert "rebalance_needed" in kinds
    [msg] = list_outbox(workspace)
    assert msg["to_address"] == "ben@example.org" and "2026-01-05: standard shift removed" in msg["body"]
    assert [h["action"] for h in history(workspace, "leave", out.leave.leave_id)] == ["insert", "approved"]
    assert history(workspace, "shift", 2)[-1]["action"] == "delete"


def test_auto_approval_keeps_pinned_shift_and_alerts(workspace):
    out = wf.submit(workspace, "P01", "ANNUAL_LEAVE", date(2026, 1, 5), date(2026, 1, 9), actor="ada",
                    policy=LeavePolicy(enforce_minimum_staffing=False), today=TODAY)
    assert out.decision.auto_approve and out.leave.status is LeaveStatus.APPROVED
    assert [s.shift_id for s in out.conflicts] == [1] and out.removed == () and out.rebalance is None
    assert shift_ids(workspace, "P01").count(1) == 1  # shift 1 is still there
    [conflict] = [a for a in workspace.list_alerts() if a["kind"] == "leave_conflict"]
    assert "pinned DUTY shift 1" in conflict["message"]
    assert list_outbox(workspace) == []  # nothing changed in the rota


def test_half_day_leave_shortens_a_full_shift(workspace):
    s = add_shift(workspace, "P01", date(2026, 3, 3), actor="alice", pinned=False)
    out = wf.submit(workspace, "P01", "STUDY_LEAVE", date(2026, 3, 3), date(2026, 3, 3), half_day=True, actor="ada",
                    policy=LeavePolicy(enforce_minimum_staffing=False), today=TODAY)
    assert out.leave.status is LeaveStatus.APPROVED and [x.shift_id for x in out.shortened] == [s.shift_id]
    [after] = [x for x in workspace.load_snapshot().shifts if x.shift_id == s.shift_id]
    assert after.duration is Duration.HALF


def test_quota_counts_pending_requests(workspace):
    # P01: 6 weeks + 0.25 adjustment, 1 week approved in 2026 -> 5.25 left
    a = wf.submit(workspace, "P01", "ANNUAL_LEAVE", date(2026, 5, 4), date(2026, 5, 24), actor="ada",
                  policy=LeavePolicy(auto_approve=False))
    assert a.leave.status is LeaveStatus.PENDING  # 3 weeks, pending
    with pytest.raises(wf.QuotaExceeded, match=r"P01: annual leave 2026 would be overbooked.*this request 3\.00"):
        wf.submit(workspace, "P01", "ANNUAL_LEAVE", date(2026, 6, 1), date(2026, 6, 21), actor="ada")
    # other leave types have no quota
    wf.submit(workspace, "P01", "STUDY_LEAVE", date(2026, 6, 1), date(2026, 6, 21), actor="ada",
              policy=LeavePolicy(auto_approve=False))
    wf.reject(workspace, a.leave.leave_id, actor="alice", reason="too long")
    wf.submit(workspace, "P01", "ANNUAL_LEAVE", date(2026, 7, 1), date(2026, 7, 21), actor="ada",
              policy=LeavePolicy(auto_approve=False))


@pytest.mark.parametrize(
    "args, message",
    [
        (("X9", "ANNUAL_LEAVE", date(2026, 3, 2), date(2026, 3, 2)), "'X9' is not a clinician"),
        (("P01", "ANNUAL_LEAVE", date(2026, 3, 3), date(2026, 3, 2)), "end: 2026-03-02 is before start"),
        (("P01", "HOLIDAY", date(2026, 3, 2), date(2026, 3, 2)), "leave_type: 'HOLIDAY' is not one of"),
        (("S01", "ANNUAL_LEAVE", date(2026, 8, 3), date(2026, 8, 4)), "S01 has no working term"),
        (("P01", "ANNUAL_LEAVE", date(2026, 1, 16), date(2026, 1, 19)), "already has APPROVED leave LV1"),
    ],
)
def test_submit_validation(workspace, args, message):
    with pytest.raises((WorkflowError, ValueError), match=message):
        wf.submit(workspace, *args, actor="ada")


def test_half_day_must_be_single_day(workspace):
    with pytest.raises(WorkflowError, match="HALF is only accepted for a single day"):
        wf.submit(workspace, "P01", "STUDY_LEAVE", date(2026, 3, 2), date(2026, 3, 3), half_day=True, actor="ada")


def test_state_machine(workspace):
    lv = wf.submit(workspace, "P01", "STUDY_LEAVE", date(2026, 4, 6), date(2026, 4, 7), actor="ada",
                   policy=LeavePolicy(auto_approve=False)).leave
    wf.approve(workspace, lv.leave_id, actor="alice")
    with pytest.raises(WorkflowError, match="is APPROVED; only PENDING leave can be approved"):
        wf.approve(workspace, lv.leave_id, actor="alice")
    with pytest.raises(WorkflowError, match="only PENDING leave can be rejected"):
        wf.reject(workspace, lv.leave_id, actor="alice")
    res = wf.cancel(workspace, lv.leave_id, actor="ada")
    assert res.leave.status is LeaveStatus.CANCELLED and res.rebalance == (date(2026, 4, 6), date(2026, 4, 7))
    with pytest.raises(WorkflowError, match="only PENDING or APPROVED"):
        wf.cancel(workspace, lv.leave_id, actor="ada")
    with pytest.raises(WorkflowError, match="does not exist"):
        wf.approve(workspace, "nope", actor="alice")
    assert [x.leave_id for x in wf.list_leave(workspace, "P01", "cancelled")] == [lv.leave_id]


def _submit_in_process(path: str, start: str, end: str, barrier, results) -> None:
    ws = Workspace.open(path)
    barrier.wait()
    try:
        out = wf.submit(ws, "P01", "ANNUAL_LEAVE", date.fromisoformat(start), date.fromisoformat(end),
                        actor="ada", policy=LeavePolicy(auto_approve=False))
        results.put(("ok", out.leave.leave_id))
    except wf.QuotaExceeded as err:
        results.put(("quota", str(err)))


def test_concurrent_requests_from_two_processes_never_overbook(workspace):
    """Each 3-week request fits the 5.25 weeks left alone; together they do not: exactly one wins."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_submit_in_process, args=(str(workspace.path), s, e, barrier, results))
        for s, e in (("2026-05-04", "2026-05-24"), ("2026-06-01", "2026-06-21"))
    ]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=120)[0] for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert outcomes == ["ok", "quota"]
    pending = wf.list_leave(workspace, "P01", "PENDING")
    assert len(pending) == 1


def test_auto_approval_is_held_when_the_floor_would_break(workspace):
    """Issue 20 item 1: a policy that does not enforce the minimum still never auto-approves below the floor."""
    out = wf.submit(workspace, "P02", "ANNUAL_LEAVE", date(2026, 1, 5), date(2026, 1, 5), actor="ben",
                    policy=LeavePolicy(enforce_minimum_staffing=False), today=TODAY)
    assert out.leave.status is LeaveStatus.PENDING and not out.decision.auto_approve
    assert [f.rule for f in out.decision.failures] == ["staffing_floor"]
    assert "below the 66 % staffing floor" in out.decision.reasons[0]
    assert 2 in shift_ids(workspace, "P02")
    preview = wf.impact_of(workspace, out.leave.leave_id)
    assert [(d.before, d.after, d.minimum, d.floor) for d in preview.days] == [(2, 1, 2, 2)]
