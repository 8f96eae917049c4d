"""Alerts that resolve (issue 20 item 3): a new generation supersedes earlier runs' open alerts in its range,
`alerts resolve` closes one by hand (audited), old files stay readable, reports and dashboards show open ones only."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest
from typer.testing import CliRunner

from rotacc_lab.changes import AlertResolution, ChangeError
from rotacc_lab.cli import app
from rotacc_lab.generation.pipeline import generate
from rotacc_lab.store import Workspace, migrations
from rotacc_lab.workflows.alerts import resolve_alert

START, END = date(2026, 1, 5), date(2026, 3, 27)
LATER = date(2026, 2, 2)
NO5 = (1, 2, 3, 4, 6)
TODAY = date(2026, 1, 1)

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def by_id(ws):
    return {a["alert_id"]: a for a in ws.list_alerts(include_resolved=True)}


def test_a_new_generation_supersedes_the_open_alerts_of_earlier_runs_in_its_range(workspace):
    first = generate(workspace.path, START, END, phases=NO5, actor="ann", today=TODAY)
    old = by_id(workspace)
    assert len(old) == first.alerts > 0 and all(a["resolved_at"] is None for a in old.values())
    inside = {i for i, a in old.items() if a["date"] is not None and a["date"] >= LATER}
    before = {i for i, a in old.items() if a["date"] is not None and a["date"] < LATER}
    undated = {i for i, a in old.items() if a["date"] is None}
    assert inside and before and undated

    second = generate(workspace.path, LATER, END, phases=NO5, overwrite=True, actor="ben", today=TODAY)
    assert second.superseded == len(inside)
    assert f"{len(inside)} earlier alert(s) superseded" in "\n".join(second.lines())
    now = by_id(workspace)
    for i in inside:
        a = now[i]
        assert (a["resolution_note"], a["resolved_by"]) == (f"superseded by run {second.run_id}", "ben")
    # before the new range, and the undated alerts of a run wider than the new one, stay open
    assert all(now[i]["resolved_at"] is None for i in before | undated)
    new = [a for a in now.values() if a["run_id"] == second.run_id]
    assert len(new) == second.alerts and all(a["resolved_at"] is None for a in new)
    # in the run's own transaction: the resolution time is the new alerts' creation time
    assert {now[i]["resolved_at"] for i in inside} == {a["created_at"] for a in new}
    open_ids = {a["alert_id"] for a in workspace.list_alerts()}
    assert open_ids == (before | undated | {a["alert_id"] for a in new})
    hist = workspace.audit_history("alert", str(min(inside)))
    assert [h["action"] for h in hist] == ["insert", "superseded"]
    assert hist[1]["run_id"] == second.run_id and hist[1]["actor"] == "ben"
    assert hist[1]["before"]["state"] == "open" and hist[1]["after"]["resolution_note"].startswith("superseded")

    # the same range again: every open alert of the earlier runs there (dated or not) is superseded
    third = generate(workspace.path, START, END, phases=NO5, overwrite=True, actor="cy", today=TODAY)
    assert {a["run_id"] for a in workspace.list_alerts()} == {third.run_id}


def test_alerts_resolve_by_hand_is_audited_and_refuses_bad_ids(workspace):
    generate(workspace.path, START, END, phases=NO5, today=TODAY)
    target, other = workspace.list_alerts()[:2]
    r = run("alerts", workspace.path)
    assert r.exit_code == 0, r.output
    assert f"#{target['alert_id']} [" in r.output and r.output.count("\n") == len(workspace.list_alerts())

    r = run("alerts", "resolve", workspace.path, target["alert_id"], "--note", "locum booked", "--by", "dora")
    assert r.exit_code == 0, r.output
    assert f"alert {target['alert_id']}: resolved by dora: locum booked" in r.output
    a = by_id(workspace)[target["alert_id"]]
    assert (a["resolved_by"], a["resolution_note"]) == ("dora", "locum booked") and a["resolved_at"] is not None
    hist = workspace.audit_history("alert", str(target["alert_id"]))
    assert [h["action"] for h in hist] == ["insert", "resolved"] and hist[1]["actor"] == "dora"
    assert hist[1]["after"] == {"state": "resolved", "resolved_by": "dora", "resolution_note": "locum booked",
                                "resolved_at": a["resolved_at"].isoformat()}

    listed = run("alerts", workspace.path).output
    assert f"#{target['alert_id']} " not in listed and f"#{other['alert_id']} " in listed
    assert run("alerts", "list", workspace.path).output == listed
    shown = run("alerts", workspace.path, "--all").output
    assert f"#{target['alert_id']} " in shown and "(resolved by dora" in shown and "locum booked)" in shown

    version = workspace.data_version()
    again = run("alerts", "resolve", workspace.path, target["alert_id"], "--note", "twice")
    assert again.exit_code == 2 and f"alert {target['alert_id']} is already resolved (by dora" in again.output
    missing = run("alerts", "resolve", workspace.path, 99999, "--note", "x")
    assert missing.exit_code == 2 and "alert 99999 does not exist" in missing.output
    blank = run("alerts", "resolve", workspace.path, other["alert_id"], "--note", "  ")
    assert blank.exit_code == 2 and "--note" in blank.output
    assert run("alerts", "resolve", workspace.path, "abc", "--note", "x").exit_code == 2
    assert run("alerts", "resolve", workspace.path, other["alert_id"]).exit_code == 2  # --note is required
    assert workspace.data_version() == version  # nothing was written by any refusal
    with pytest.raises(ValueError, match="not an alert id"):
        resolve_alert(workspace, True, note="x", by="a")
    with pytest.raises(ChangeError, match="either an alert_id or superseded_by"):
        AlertResolution("x")


def test_no_open_alerts_says_so(workspace):
    r = run("alerts", workspace.path)
    assert r.exit_code == 0 and "no open alerts" in r.output
    assert "no alerts" in run("alerts", workspace.path, "--all").output
    assert "no open alerts" in run("alerts", workspace.path, "--open").output  # the old flag still works


def test_a_file_from_before_version_7_is_readable_and_upgraded_on_write(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrations.create_version_1(con)
    migrations.migrate(con, target=6)
    con.execute("INSERT INTO alerts VALUES (1, NULL, 'below_minimum', DATE '2026-01-05', NULL, 'short', 'warning',"
                " TIMESTAMP '2026-01-01 09:00:00', NULL)")
    con.close()
    ro = Workspace.open(path, read_only=True)
    assert ro.meta()["schema_version"] == "6"
    (a,) = ro.list_alerts()
    assert a["kind"] == "below_minimum" and a["resolved_by"] is None and a["resolution_note"] is None
    assert run("alerts", path).exit_code == 0
    resolve_alert(Workspace.open(path), 1, note="covered", by="eve")
    assert Workspace.open(path, read_only=True).meta()["schema_version"] == str(migrations.SCHEMA_VERSION)
    assert ro.list_alerts() == [] and ro.list_alerts(include_resolved=True)[0]["resolved_by"] == "eve"


def test_reports_and_dashboards_show_only_open_alerts(workspace):
    from rotacc_lab.nb.display import run_alerts_frame
    from rotacc_lab.ui.loader import load_workspace

    s = generate(workspace.path, START, END, phases=NO5, today=TODAY)
    first = workspace.list_alerts()
    dated = [a for a in first if a["date"] is not None]
    resolve_alert(workspace, dated[0]["alert_id"], note="fixed by hand", by="fay")
    open_ids = {a["alert_id"] for a in first} - {dated[0]["alert_id"]}

    r = run("report", workspace.path, "alerts", "--start", START, "--end", END, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {x["alert_id"] for x in rows} == open_ids and {x["state"] for x in rows} == {"open"}
    data = load_workspace(workspace.path)
    assert {a["alert_id"] for a in data.alerts} == open_ids
    frame = run_alerts_frame(workspace.path, s.run_id)
    assert frame.height == len(open_ids)
