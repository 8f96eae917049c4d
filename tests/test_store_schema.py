"""The workspace schema enforces its rules itself; Tx writes audit rows; migrations upgrade old files."""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import pytest

from rotacc_lab.domain import Shift, ShiftStatus, ShiftType, Duration
from rotacc_lab.errors import RotaccError, WorkspaceNotFound
from rotacc_lab.store import SCHEMA_VERSION, Workspace, migrations


def _raw(ws: Workspace) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(ws.path))


SHIFT_SQL = (
    "INSERT INTO shifts (shift_id, clinician_id, date, shift_type, duration, status, is_pinned, origin, cancel_key)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@pytest.mark.parametrize(
    "sql, params, fragment",
    [
        # second non-cancelled shift for the same clinician and date
        (SHIFT_SQL, [100, "P01", "2026-01-05", "STANDARD", "FULL", "SCHEDULED", False, "t", 0], "Duplicate key"),
        # cancelled shift must carry cancel_key = shift_id
        (SHIFT_SQL, [101, "P01", "2026-01-07", "STANDARD", "FULL", "CANCELLED", False, "t", 0], "CHECK constraint"),
        (SHIFT_SQL, [102, "P01", "2026-01-07", "STANDARD", "FULL", "SCHEDULED", False, "t", 102], "CHECK constraint"),
        (SHIFT_SQL, [103, "P01", "2026-01-07", "NIGHT", "FULL", "SCHEDULED", False, "t", 0], "CHECK constraint"),
        (SHIFT_SQL, [104, "NOPE", "2026-01-07", "STANDARD", "FULL", "SCHEDULED", False, "t", 0], "foreign key"),
        ("INSERT INTO clinicians VALUES ('X1', 'x', NULL, 'NURSE')", [], "CHECK constraint"),
        ("INSERT INTO clinicians VALUES ('P01', 'dup', NULL, 'PARTNER')", [], "Duplicate key"),
        ("INSERT INTO working_terms VALUES ('TX', 'P01', 'PARTNER', '2030-01-01', NULL, 101, [], [], [], [], [], NULL, NULL, NULL)",
         [], "CHECK constraint"),
        ("INSERT INTO working_terms VALUES ('TX', 'P01', 'PARTNER', '2030-01-01', '2029-01-01', 50, [], [], [], [], [], NULL, NULL, NULL)",
         [], "CHECK constraint"),
        ("INSERT INTO working_terms VALUES ('TX', 'P01', 'PARTNER', '2030-01-01', NULL, 50, ['SAT'], [], [], [], [], NULL, NULL, NULL)",
         [], "CHECK constraint"),
        ("INSERT INTO working_terms VALUES ('TX', 'P01', 'PARTNER', '2030-01-01', NULL, 50, [], [], [], [], [], 4, 2, NULL)",
         [], "CHECK constraint"),
        ("INSERT INTO working_terms VALUES ('TX', 'P01', 'PARTNER', '2030-01-01', NULL, 50, [], [], [], ['MON'], [], NULL, NULL, NULL)",
         [], "CHECK constraint"),
        ("INSERT INTO working_terms VALUES ('TX', 'P01', 'ALTERNATE_WEEKS', '2030-01-01', NULL, 50, [], [], [], [], [], NULL, NULL, NULL)",
         [], "CHECK constraint"),
        ("INSERT INTO working_terms VALUES ('TX', 'ZZ', 'PARTNER', '2030-01-01', NULL, 50, [], [], [], [], [], NULL, NULL, NULL)",
         [], "foreign key"),
        ("INSERT INTO leave VALUES ('LX', 'P01', 'ANNUAL_LEAVE', '2026-05-02', '2026-05-01', 'APPROVED', 'FULL')", [],
         "CHECK constraint"),
        ("INSERT INTO leave VALUES ('LX', 'P01', 'ANNUAL_LEAVE', '2026-05-01', '2026-05-01', 'MAYBE', 'FULL')", [],
         "CHECK constraint"),
        # the term reference itself is the committer's check since schema 6 (tests/test_changes_props.py)
        ("INSERT INTO leave_adjustments VALUES ('AX', '', 1, 'x')", [], "CHECK constraint"),
        ("INSERT INTO affinity_pairs VALUES ('P01', 'P01')", [], "CHECK constraint"),
        ("INSERT INTO trainer_requirements VALUES ('RX', 'SAT', ['P01'])", [], "CHECK constraint"),
        ("INSERT INTO alerts VALUES (99, NULL, 'x', NULL, NULL, 'm', 'fatal', now(), NULL, NULL, NULL)", [], "CHECK constraint"),
    ],
)
def test_schema_rejects_bad_rows(workspace: Workspace, sql: str, params: list, fragment: str) -> None:
    con = _raw(workspace)
    try:
        with pytest.raises(duckdb.ConstraintException, match=fragment):
            con.execute(sql, params)
    finally:
        con.close()


def test_cancelled_shifts_may_share_a_date_with_a_live_one(workspace: Workspace) -> None:
    with workspace.transaction("t") as tx:
        ids = tx.insert_shifts([Shift(None, "P01", date(2026, 1, 5), status=ShiftStatus.CANCELLED)] * 2)
    snap = workspace.load_snapshot()
    on_day = [s for s in snap.shifts if s.clinician_id == "P01" and s.date == date(2026, 1, 5)]
    assert sorted(s.shift_id for s in on_day if s.status is ShiftStatus.CANCELLED) == sorted(ids)
    assert sum(s.status is not ShiftStatus.CANCELLED for s in on_day) == 1


def test_tx_cancel_then_replace_and_date_swap_in_one_transaction(workspace: Workspace) -> None:
    """DuckDB unique checks inside one transaction: cancel + new shift, move a shift twice."""
    snap = workspace.load_snapshot()
    duty = next(s for s in snap.shifts if s.shift_id == 1)
    with workspace.transaction("t") as tx:
        tx.update_shifts([dataclasses.replace(duty, status=ShiftStatus.CANCELLED)])
        (new_id,) = tx.insert_shifts([dataclasses.replace(duty, shift_id=None, shift_type=ShiftType.STANDARD)])
        tx.update_shifts([dataclasses.replace(duty, shift_id=new_id, date=date(2026, 1, 6))])
        tx.update_shifts([dataclasses.replace(duty, shift_id=new_id, date=date(2026, 1, 7))])
        tx.delete_shifts([2])
    after = {s.shift_id: s for s in workspace.load_snapshot().shifts}
    assert after[1].status is ShiftStatus.CANCELLED
    assert after[new_id].date == date(2026, 1, 7)
    assert 2 not in after


def test_tx_rolls_back_on_error_and_keeps_data_version(workspace: Workspace) -> None:
    before = workspace.load_snapshot()
    with pytest.raises(duckdb.ConstraintException):
        with workspace.transaction("t") as tx:
            tx.insert_shifts([Shift(None, "P02", date(2026, 2, 9))])
            tx.insert_shifts([Shift(None, "P02", date(2026, 2, 9))])  # duplicate live shift
    assert workspace.load_snapshot() == before
    assert workspace.data_version() == before.data_version


def test_every_tx_mutation_writes_audit_rows(workspace: Workspace) -> None:
    v0 = workspace.data_version()
    with workspace.transaction("alice") as tx:
        (sid,) = tx.insert_shifts([Shift(None, "P02", date(2026, 2, 10), duration=Duration.HALF)], run_id=None)
    with workspace.transaction("bob") as tx:
        tx.update_shifts([Shift(sid, "P02", date(2026, 2, 10), shift_type=ShiftType.DUTY)])
    with workspace.transaction("carol") as tx:
        tx.delete_shifts([sid])
        tx.add_alerts([{"kind": "below_minimum", "date": date(2026, 2, 10), "clinician_id": None,
                        "message": "3 of 4 doctors", "severity": "warning"}])
        tx.audit("leave", "LV1", "approve", {"status": "PENDING"}, {"status": "APPROVED"})
    assert workspace.data_version() == v0 + 3
    hist = workspace.audit_history("shift", str(sid))
    assert [(h["actor"], h["action"]) for h in hist] == [("alice", "insert"), ("bob", "update"), ("carol", "delete")]
    assert hist[0]["before"] is None and hist[0]["after"]["duration"] == "HALF"
    assert hist[1]["before"]["shift_type"] == "STANDARD" and hist[1]["after"]["shift_type"] == "DUTY"
    assert hist[2]["before"]["shift_type"] == "DUTY" and hist[2]["after"] is None
    (alert,) = workspace.list_alerts()
    assert alert["kind"] == "below_minimum" and alert["resolved_at"] is None
    assert [h["action"] for h in workspace.audit_history("alert", str(alert["alert_id"]))] == ["insert"]
    assert workspace.audit_history("leave", "LV1")[-1]["after"] == {"status": "APPROVED"}


def test_save_settings_is_audited_and_round_trips(workspace: Workspace) -> None:
    s = workspace.load_snapshot().settings
    new = dataclasses.replace(s, practice_name="Renamed", duty_doctors_per_day=2)
    workspace.save_settings(new, actor="dana")
    assert workspace.load_snapshot().settings == new
    last = workspace.audit_history("settings", "practice")[-1]
    assert last["actor"] == "dana"
    assert last["before"]["practice.name"] == "Tiny Practice" and last["after"]["practice.name"] == "Renamed"


def test_import_audits_each_entity(workspace: Workspace) -> None:
    (row,) = workspace.audit_history("clinician", "P01")
    assert row["action"] == "import" and row["actor"] == "fixture" and row["after"]["name"] == "Dr Ada Partner"
    assert workspace.audit_history("affinity_pair", "P01+P02")[0]["action"] == "import"


def test_snapshot_is_immutable(workspace: Workspace) -> None:
    snap = workspace.load_snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.shifts = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.clinicians[0].name = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.terms[0].fixed_working_days = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.settings.min_doctors[next(iter(snap.settings.min_doctors))] = 9  # type: ignore[index]
    assert all(isinstance(getattr(snap, f.name), tuple) for f in dataclasses.fields(snap)
               if f.name not in ("settings", "data_version", "next_shift_id"))
    assert isinstance(snap.trainer_requirements[0].clinician_ids, tuple)
    assert isinstance(snap.locum_bookings[0].dates, tuple)


def test_open_missing_workspace_names_the_path(tmp_path) -> None:
    missing = tmp_path / "nope.duckdb"
    with pytest.raises(WorkspaceNotFound, match="nope.duckdb"):
        Workspace.open(missing)


def test_create_refuses_existing_file(workspace: Workspace) -> None:
    with pytest.raises(RotaccError, match="already exists"):
        Workspace.create(workspace.path)


def test_version_1_file_is_migrated_on_writable_open(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrations.create_version_1(con)
    con.execute("INSERT INTO settings SELECT key, CAST(value AS JSON) FROM (VALUES ('practice.name', '\"Old\"')) t(key, value)")
    con.close()

    def indexes() -> set[str]:
        c = duckdb.connect(str(path), read_only=True)
        try:
            return {r[0] for r in c.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
        finally:
            c.close()

    assert SCHEMA_VERSION >= 2
    assert "audit_entity_idx" not in indexes()
    ro = Workspace.open(path, read_only=True)  # read-only: readable, not upgraded
    assert ro.load_snapshot().settings.practice_name == "Old"
    assert ro.meta()["schema_version"] == "1"
    ws = Workspace.open(path)
    assert ws.meta()["schema_version"] == str(SCHEMA_VERSION)
    assert "audit_entity_idx" in indexes()
    assert ws.load_snapshot().settings.practice_name == "Old"


def test_newer_schema_version_is_refused(workspace: Workspace) -> None:
    con = _raw(workspace)
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(RotaccError, match="schema version 999"):
        Workspace.open(workspace.path)


def test_update_can_swap_two_shifts_dates(workspace: Workspace) -> None:
    with workspace.transaction("t") as tx:
        a, b = tx.insert_shifts([Shift(None, "P02", date(2026, 2, 2)), Shift(None, "P02", date(2026, 2, 3))])
    s = {x.shift_id: x for x in workspace.load_snapshot().shifts}
    with workspace.transaction("t") as tx:
        tx.update_shifts([dataclasses.replace(s[a], date=s[b].date), dataclasses.replace(s[b], date=s[a].date)])
    after = {x.shift_id: x.date for x in workspace.load_snapshot().shifts}
    assert (after[a], after[b]) == (date(2026, 2, 3), date(2026, 2, 2))


def test_update_and_delete_of_unknown_shift_ids_are_refused(workspace: Workspace) -> None:
    with pytest.raises(RotaccError, match="shift id"):
        with workspace.transaction("t") as tx:
            tx.delete_shifts([999])
    with pytest.raises(RotaccError, match="needs shifts with a shift_id"):
        with workspace.transaction("t") as tx:
            tx.update_shifts([Shift(None, "P01", date(2026, 1, 5))])
    with pytest.raises(RotaccError, match="severity"):
        with workspace.transaction("t") as tx:
            tx.add_alerts([{"kind": "x", "message": "m", "severity": "fatal"}])


def test_reading_inside_an_open_transaction_shares_the_connection(workspace: Workspace) -> None:
    """A snapshot may be loaded while this process holds the write transaction (no self-deadlock)."""
    with workspace.transaction("t") as tx:
        tx.insert_shifts([Shift(None, "P02", date(2026, 2, 16))])
        snap = workspace.load_snapshot()  # sees committed data only
    assert date(2026, 2, 16) not in {s.date for s in snap.shifts}
    assert date(2026, 2, 16) in {s.date for s in workspace.load_snapshot().shifts}
