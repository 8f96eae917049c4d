"""The workflow commands through typer's CliRunner on a real workspace (and a real SMTP server)."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.workflows.notifications import list_outbox

from _wf_helpers import CollectingHandler, SmtpServer

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_leave_commands(workspace, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[leave_policy]\n[[leave_policy.blackouts]]\nname='Christmas'\nmonth=12\nday=25\n"
                      "days_either_side=14\n", encoding="utf-8")
    r = run("leave", "submit", workspace.path, "P01", "annual_leave", "2026-12-28", "2026-12-30",
            "--policy", policy, "--id", "X1", "--actor", "ada")
    assert r.exit_code == 0, r.output
    assert "leave X1: PENDING" in r.output
    assert "2026-12-28 (and 2 more day(s) up to 2026-12-30) are inside the Christmas blackout" in r.output
    r = run("leave", "approve", workspace.path, "X1", "--actor", "alice")
    assert r.exit_code == 0 and "APPROVED" in r.output
    r = run("leave", "list", workspace.path, "--clinician", "P01", "--status", "approved")
    assert "X1\tP01\tANNUAL_LEAVE\t2026-12-28" in r.output
    r = run("leave", "cancel", workspace.path, "X1")
    assert r.exit_code == 0 and "rebalance needed: 2026-12-28 to 2026-12-30" in r.output


def test_user_errors_exit_2_with_message(workspace, tmp_path):
    r = run("leave", "submit", workspace.path, "P01", "annual_leave", "2026-13-01", "2026-12-30")
    assert r.exit_code == 2 and "start: '2026-13-01' is not a date (there is no month 13); give YYYY-MM-DD" in r.output
    r = run("leave", "approve", workspace.path, "nope")
    assert r.exit_code == 2 and "leave_id: 'nope' does not exist" in r.output
    r = run("shift", "add", tmp_path / "missing.duckdb", "P01", "2026-03-03")
    assert r.exit_code == 2 and "does not exist" in r.output
    r = run("swap", "request", workspace.path, "P01", "1")
    assert r.exit_code == 2 and "exactly one of --to" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[leave_policy]\nmax_working_days = -2\n", encoding="utf-8")
    r = run("leave", "submit", workspace.path, "P01", "annual_leave", "2026-03-02", "2026-03-02", "--policy", bad)
    assert r.exit_code == 2 and "leave_policy.max_working_days: -2" in r.output


def test_shift_swap_locum_commands(workspace):
    # a manually added shift is pinned unless --no-pin (issue 20 item 5); pin it by hand here
    r = run("shift", "add", workspace.path, "P01", "2026-03-03", "--actor", "alice", "--no-pin")
    assert r.exit_code == 0, r.output
    sid = int(r.output.split()[1].rstrip(":"))
    assert run("shift", "pin", workspace.path, sid).exit_code == 0
    assert run("shift", "unpin", workspace.path, sid).exit_code == 0
    r = run("shift", "move", workspace.path, sid, "--to-date", "2026-03-04")
    assert r.exit_code == 0 and "now P01 2026-03-04" in r.output
    r = run("swap", "request", workspace.path, "P01", sid, "--to", "S02")
    assert r.exit_code == 0, r.output
    swap_id = r.output.split()[1].rstrip(":")
    assert run("swap", "reject", workspace.path, swap_id).exit_code == 0
    r = run("swap", "request", workspace.path, "P01", sid, "--to", "S02")
    swap_id = r.output.split()[1].rstrip(":")
    assert run("swap", "approve", workspace.path, swap_id).exit_code == 0
    assert run("shift", "delete", workspace.path, sid).exit_code == 0
    r = run("locum", "book", workspace.path, "L01", "2026-03-10", "2026-03-11", "--id", "B9")
    assert r.exit_code == 0 and "locum booking B9: 2 shift(s) for L01" in r.output


def test_export_ics_command_writes_one_calendar_per_clinician(workspace, tmp_path):
    import icalendar

    folder = tmp_path / "calendars"
    r = run("export-ics", workspace.path, folder, "--start", "2026-01-01", "--end", "2026-01-31")
    assert r.exit_code == 0, r.output
    snap = workspace.load_snapshot()
    ids = sorted(c.clinician_id for c in snap.clinicians)
    assert sorted(p.name for p in folder.iterdir()) == [f"{cid}.ics" for cid in ids]
    assert f"{len(ids)} calendar(s) in {folder}" in r.output
    for cid in ids:
        cal = icalendar.Calendar.from_ical((folder / f"{cid}.ics").read_bytes())
        uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
        want = {f"shift-{s.shift_id}@rotacc-lab" for s in snap.shifts
                if s.clinician_id == cid and date(2026, 1, 1) <= s.date <= date(2026, 1, 31)}
        assert want <= uids, cid
        assert snap.clinician(cid).name in str(cal["X-WR-CALNAME"])
    p01 = icalendar.Calendar.from_ical((folder / "P01.ics").read_bytes())
    assert "leave-LV1@rotacc-lab" in {str(e["UID"]) for e in p01.walk("VEVENT")}


def test_export_ics_for_chosen_clinicians_and_bad_ids(workspace, tmp_path):
    folder = tmp_path / "two"
    r = run("export-ics", workspace.path, folder, "--clinician", "P02", "--clinician", "P01")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in folder.iterdir()) == ["P01.ics", "P02.ics"]
    r = run("export-ics", workspace.path, tmp_path / "none", "--clinician", "P01", "--clinician", "ZZ")
    assert r.exit_code == 2 and "'ZZ' is not in the workspace" in r.output
    assert not (tmp_path / "none").exists(), "nothing is written when one id is bad"
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = run("export-ics", workspace.path, blocker / "sub")
    assert r.exit_code == 2 and "cannot write" in r.output and "is a file, not a folder" in r.output


def test_outbox_send_command(workspace, monkeypatch):
    run("shift", "add", workspace.path, "P01", "2026-03-03", "--today", "2026-03-01")
    [msg] = list_outbox(workspace)
    handler = CollectingHandler()
    with SmtpServer(handler) as srv:
        monkeypatch.setenv("ROTACC_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ROTACC_SMTP_PORT", str(srv.port))
        r = run("outbox", "send", workspace.path)
    assert r.exit_code == 0 and "sent 1" in r.output, r.output
    assert handler.message_ids() == [f"<{msg['message_id']}@rotacc-lab>"]
    r = run("outbox", "list", workspace.path, "--status", "sent")
    assert msg["message_id"] in r.output
    r = run("outbox", "requeue", workspace.path, msg["message_id"])
    assert r.exit_code == 2 and "only FAILED messages can be requeued" in r.output


def test_leave_impact_preview_and_a_forced_approval_below_the_floor(workspace):
    """Issue 20 item 1: the impact is shown before and on approval; the floor needs --force and a reason."""
    from rotacc_lab.workflows.adjustments import history

    version = workspace.data_version()
    r = run("leave", "impact", workspace.path, "P02", "ANNUAL_LEAVE", "2026-01-05", "2026-01-06")
    assert r.exit_code == 0, r.output
    assert "1 shift(s) removed" in r.output
    assert "Mon 05 Jan 2026: 2 -> 1 doctor(s), minimum 2, floor 2 (below the 66 % floor)" in r.output
    assert "a rebalance would need 1 more doctor-day(s)" in r.output
    assert "approval needs --force with a --reason" in r.output
    assert workspace.data_version() == version  # a preview writes nothing
    r = run("leave", "submit", workspace.path, "P02", "annual_leave", "2026-01-05", "2026-01-06", "--id", "F1")
    assert r.exit_code == 0 and "leave F1: PENDING" in r.output
    r = run("leave", "impact", workspace.path, "F1")
    assert r.exit_code == 0 and "leave F1 of P02" in r.output and "below the 66 % floor" in r.output
    r = run("leave", "approve", workspace.path, "F1")
    assert r.exit_code == 2 and "would take 1 day(s) below the 66 % staffing floor" in r.output
    assert "approve with --force and a --reason" in r.output
    r = run("leave", "approve", workspace.path, "F1", "--force")
    assert r.exit_code == 2 and "--force needs a reason" in r.output
    r = run("leave", "approve", workspace.path, "F1", "--force", "--reason", "locum booked", "--actor", "alice")
    assert r.exit_code == 0 and "leave F1: APPROVED" in r.output and "2 -> 1 doctor(s)" in r.output
    steps = history(workspace, "leave", "F1")
    assert steps[-1]["action"] == "approved" and "approved below the staffing floor: locum booked" in str(steps[-1])
    r = run("leave", "impact", workspace.path, "P01", "ANNUAL_LEAVE", "2026-01-06", "5 Jan")
    assert r.exit_code == 2 and "end: '5 Jan' is not a date" in r.output
