"""Every row a workflow inserts, changes or deletes has an audit row for that entity and id."""

from __future__ import annotations

from datetime import date, timedelta

from rotacc_lab.workflows import adjustments as adj
from rotacc_lab.workflows import leave, swaps
from rotacc_lab.workflows.locums import book_locum
from rotacc_lab.workflows.notifications import OutboxSender, requeue
from rotacc_lab.workflows.policy import LeavePolicy
from rotacc_lab.workflows.smtp import SmtpProvider, SmtpSettings

from _wf_helpers import CollectingHandler, SmtpServer

TODAY = date(2026, 1, 1)

#: table -> (primary key expression, audit entity)
TABLES = {
    "shifts": ("CAST(shift_id AS VARCHAR)", "shift"),
    "leave": ("leave_id", "leave"),
    "swap_requests": ("swap_id", "swap_request"),
    "locum_bookings": ("booking_id", "locum_booking"),
    "outbox": ("message_id", "outbox"),
    "alerts": ("CAST(alert_id AS VARCHAR)", "alert"),
}


def dump(ws) -> dict[str, dict[str, tuple]]:
    out = {}
    with ws.connect(read_only=True) as con:
        for table, (key, _) in TABLES.items():
            rows = con.execute(f"SELECT {key} AS k, * FROM {table}").fetchall()
            out[table] = {r[0]: r[1:] for r in rows}
    return out


def audited(ws, after_id: int) -> dict[str, dict[str, int]]:
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT entity, entity_id, count(*) FROM audit_log WHERE audit_id > ? GROUP BY ALL",
                           [after_id]).fetchall()
    out: dict[str, dict[str, int]] = {}
    for entity, eid, n in rows:
        out.setdefault(entity, {})[eid] = n
    return out


def test_every_workflow_mutation_is_audited(workspace):
    with workspace.connect(read_only=True) as con:
        start_audit = con.execute("SELECT coalesce(max(audit_id), 0) FROM audit_log").fetchone()[0]
    before = dump(workspace)

    a = adj.add_shift(workspace, "P01", date(2026, 2, 10), actor="alice", today=TODAY, pinned=False)
    b = adj.add_shift(workspace, "P02", date(2026, 2, 11), actor="alice", today=TODAY)
    adj.move_shift(workspace, a.shift_id, to_date=date(2026, 2, 9), actor="alice", today=TODAY, pin=False)
    adj.pin_shift(workspace, a.shift_id, actor="alice")
    adj.unpin_shift(workspace, a.shift_id, actor="alice")
    req = swaps.request_swap(workspace, "P01", a.shift_id, shift_b=b.shift_id, actor="ada")
    swaps.approve_swap(workspace, req.swap_id, actor="admin", today=TODAY)
    rej = swaps.request_swap(workspace, "P01", b.shift_id, to_clinician="S02", actor="ada")
    swaps.reject_swap(workspace, rej.swap_id, actor="admin")
    book_locum(workspace, "L01", [date(2026, 2, 2)], actor="alice", today=TODAY)
    c = adj.add_shift(workspace, "P02", date(2026, 1, 19), actor="alice", today=TODAY)
    lv = leave.submit(workspace, "P02", "ANNUAL_LEAVE", date(2026, 1, 19), date(2026, 1, 20), actor="ben",
                      policy=LeavePolicy(auto_approve=False), today=TODAY)
    leave.approve(workspace, lv.leave.leave_id, actor="alice", today=TODAY,   # deletes shift c
                  force=True, reason="covered by a locum")  # the day is already short: forced
    leave.cancel(workspace, lv.leave.leave_id, actor="ben")                    # rebalance alert
    auto = leave.submit(workspace, "P01", "STUDY_LEAVE", date(2026, 1, 5), date(2026, 1, 5), actor="ada",
                        policy=LeavePolicy(enforce_minimum_staffing=False), today=TODAY)  # conflict alert
    r2 = leave.submit(workspace, "S02", "NOT_WORKING", date(2026, 4, 6), date(2026, 4, 6), actor="di")
    leave.reject(workspace, r2.leave.leave_id, actor="alice")
    adj.delete_shift(workspace, b.shift_id, actor="alice", today=TODAY)
    handler = CollectingHandler(reject_first=1)
    with SmtpServer(handler) as srv:
        OutboxSender(workspace, SmtpProvider(SmtpSettings(host="127.0.0.1", port=srv.port)),
                     base_delay=timedelta(seconds=1), max_attempts=1).run()
    failed = [m for m, in _failed(workspace)]
    requeue(workspace, failed[0], "alice")

    after = dump(workspace)
    audit = audited(workspace, start_audit)
    changed_total = 0
    for table, (_, entity) in TABLES.items():
        old, new = before[table], after[table]
        changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        changed_total += len(changed)
        missing = sorted(k for k in changed if k not in audit.get(entity, {}))
        assert not missing, f"{table}: rows changed without an audit row: {missing}"
    assert changed_total >= 20  # the scenario really touched every table
    assert auto.conflicts and c.shift_id not in after["shifts"]


def _failed(ws):
    with ws.connect(read_only=True) as con:
        return con.execute("SELECT message_id FROM outbox WHERE status = 'FAILED' AND to_address IS NOT NULL").fetchall()
