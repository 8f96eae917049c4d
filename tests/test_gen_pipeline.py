"""The generation pipeline against real workspaces (DuckDB files) and the real CP-SAT optimiser."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.domain import OptimiserSettings
from rotacc_lab.errors import RunConflict, WorkspaceNotFound
from rotacc_lab.generation.phases import OptimisationInfeasible
from rotacc_lab.generation.pipeline import GenerationInterrupted, PhaseProgress, generate, plan
from rotacc_lab.generation.rebalance import FixedPeriodError, rebalance
from rotacc_lab.store import Workspace, import_source

from _gen_helpers import apply_plan

START, END = date(2026, 1, 5), date(2026, 3, 27)
NO5 = (1, 2, 3, 4, 6)
TODAY = date(2026, 1, 1)


def view(shifts):
    return sorted((s.clinician_id, s.date, s.shift_type.value, s.duration.value, s.status.value, s.is_pinned)
                  for s in shifts if s.status.value != "CANCELLED")


def runs_of(ws):
    return ws.list_runs()


def test_generate_writes_the_plan_in_one_transaction(workspace):
    before = workspace.load_snapshot()
    summary = generate(workspace.path, START, END, phases=NO5, seed=3, actor="tester", today=TODAY)
    after = workspace.load_snapshot()
    expected = plan(before, START, END, phases=NO5, seed=3, keep_before=TODAY)
    assert view(after.shifts) == view(apply_plan(before, expected))
    assert summary.created == len(expected.creates) > 0 and summary.updated == len(expected.updates)

    (run,) = runs_of(workspace)
    assert run["run_id"] == summary.run_id and run["status"] == "COMPLETED" and run["actor"] == "tester"
    assert run["stats"]["shifts_created"] == summary.created
    assert set(run["stats"]["phases"]) == {"phase1", "phase2", "phase3", "phase4", "phase6"}
    actions = [row["action"] for row in workspace.audit_history("run", str(summary.run_id))]
    assert actions[:3] == ["begin", "running", "completed"]
    with workspace.connect(read_only=True) as con:
        stamps = con.execute(
            "SELECT count(DISTINCT \"at\"), count(*) FROM audit_log WHERE entity = 'shift' AND run_id = ?",
            [summary.run_id],
        ).fetchall()[0]
    assert stamps[0] == 1 and stamps[1] >= summary.created  # every shift change in one transaction
    alerts = workspace.list_alerts()
    assert len(alerts) == summary.alerts and all(a["run_id"] == summary.run_id for a in alerts)
    assert {a["kind"] for a in alerts} <= {"below_minimum", "below_floor", "missing_duty", "far_from_target"}


def test_failure_deep_inside_leaves_shifts_unchanged_and_run_failed(workspace):
    before = view(workspace.load_snapshot().shifts)

    def explode(event):
        if isinstance(event, PhaseProgress) and event.phase == 4 and event.stage == "done":
            raise RuntimeError("injected failure after phase 4")

    with pytest.raises(RuntimeError, match="injected"):
        generate(workspace.path, START, END, phases=NO5, progress=explode, today=TODAY)
    assert view(workspace.load_snapshot().shifts) == before
    (run,) = runs_of(workspace)
    assert run["status"] == "FAILED" and "injected failure" in run["error"]
    # the lock is released: a new run over the same range goes through
    generate(workspace.path, START, END, phases=NO5, today=TODAY)
    assert [r["status"] for r in runs_of(workspace)] == ["FAILED", "COMPLETED"]


@pytest.mark.parametrize("how", ["stop", "ctrl-c"])
def test_interruption_marks_the_run_failed_interrupted(workspace, how):
    before = view(workspace.load_snapshot().shifts)
    stop = threading.Event()

    def interrupt(event):
        if isinstance(event, PhaseProgress) and event.phase == 2 and event.stage == "done":
            if how == "stop":
                stop.set()
            else:
                raise KeyboardInterrupt

    expected = GenerationInterrupted if how == "stop" else KeyboardInterrupt
    with pytest.raises(expected):
        generate(workspace.path, START, END, phases=NO5, progress=interrupt, stop=stop, today=TODAY)
    assert view(workspace.load_snapshot().shifts) == before
    (run,) = runs_of(workspace)
    assert (run["status"], run["error"]) == ("FAILED", "interrupted")


HOLDER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from rotacc_lab.store import Workspace, runs
    ws = Workspace.open(sys.argv[1])
    rid = runs.begin_run(ws, date(2026, 2, 2), date(2026, 2, 27), (1, 2, 3), {}, "process-one")
    runs.mark_running(ws, rid)
    print(rid, flush=True)
    sys.stdin.readline()
    runs.fail_run(ws, rid, "released by the test")
    """
)


def test_run_conflict_between_two_processes(workspace):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(workspace.path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rid = int(holder.stdout.readline().strip())
        before = view(workspace.load_snapshot().shifts)
        with pytest.raises(RunConflict, match=rf"run {rid} \(2026-02-02\.\.2026-02-27.*process-one.*RUNNING"):
            generate(workspace.path, START, END, phases=NO5, today=TODAY)
        assert view(workspace.load_snapshot().shifts) == before
        # a range that does not overlap is not blocked
        generate(workspace.path, date(2026, 4, 13), date(2026, 4, 24), phases=NO5, today=TODAY)
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    assert holder.returncode == 0, holder.stderr.read()
    statuses = {r["run_id"]: r["status"] for r in runs_of(workspace)}
    assert statuses[rid] == "FAILED" and list(statuses.values()).count("COMPLETED") == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": date(2026, 2, 1), "end": date(2026, 1, 1)}, "end: 2026-01-01 is before start 2026-02-01"),
        ({"start": date(2026, 4, 3), "end": date(2026, 4, 6)}, "no working day"),  # Good Friday .. Easter Monday
        ({"phases": (1, 7)}, "phases: 7 is not a phase"),  # the one message (GenerationRequest)
        ({"phases": ()}, "no phase given"),
        ({"mondays_only": True, "skip_mondays": True}, "mondays_only and skip_mondays"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_written(workspace, kwargs, message):
    before = view(workspace.load_snapshot().shifts)
    args = {"start": START, "end": END, "phases": NO5, **kwargs}
    start, end = args.pop("start"), args.pop("end")
    with pytest.raises(ValueError, match=message):
        generate(workspace.path, start, end, today=TODAY, **args)
    assert runs_of(workspace) == [] and view(workspace.load_snapshot().shifts) == before


def test_missing_workspace(tmp_path):
    with pytest.raises(WorkspaceNotFound, match="does not exist"):
        generate(tmp_path / "nope.duckdb", START, END)
    assert not (tmp_path / "nope.duckdb").exists()


def test_same_workspace_and_seed_give_identical_shifts(tiny_folder, tmp_path):
    results = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.duckdb"
        import_source(path, tiny_folder, actor="t")
        generate(path, START, END, phases=NO5, seed=11, today=TODAY)
        results.append(view(Workspace.open(path).load_snapshot().shifts))
    assert results[0] == results[1]


def test_overwrite_regeneration_keeps_pinned_and_is_stable(workspace):
    generate(workspace.path, START, END, phases=NO5, today=TODAY)
    first = workspace.load_snapshot()
    pinned = {(s.clinician_id, s.date) for s in first.shifts if s.is_pinned and s.status.value != "CANCELLED"}
    assert pinned  # phase 2 pins, plus the imported pinned shift
    generate(workspace.path, START, END, phases=NO5, overwrite=True, today=TODAY)
    second = workspace.load_snapshot()
    assert pinned <= {(s.clinician_id, s.date) for s in second.shifts if s.status.value != "CANCELLED"}
    assert view(second.shifts) == view(first.shifts)


def test_phase5_infeasible_fails_the_run_with_the_explanation(workspace):
    before = view(workspace.load_snapshot().shifts)
    fast = OptimiserSettings(time_limit_seconds=5, num_workers=1)
    with pytest.raises(OptimisationInfeasible, match="no feasible rota"):
        generate(workspace.path, date(2026, 1, 12), date(2026, 1, 16), optimiser=fast, today=TODAY)
    assert view(workspace.load_snapshot().shifts) == before
    (run,) = runs_of(workspace)
    assert run["status"] == "FAILED" and "H7" in run["error"]


def test_rebalance_refuses_the_fixed_period_and_reports_before_after(workspace):
    with pytest.raises(FixedPeriodError, match="first date that may be rebalanced is 2026-02-16"):
        rebalance(workspace.path, date(2026, 2, 2), END, today=date(2026, 1, 5))
    assert runs_of(workspace) == []
    generate(workspace.path, START, END, phases=NO5, today=TODAY)
    result = rebalance(workspace.path, date(2026, 3, 2), END, today=date(2026, 1, 5), fixed_period_weeks=8,
                       phases=NO5)
    df = result.comparison
    assert df.columns == ["clinician_id", "shifts_before", "shifts_after", "shift_change", "deficiency_before",
                          "deficiency_after", "deficiency_change"]
    assert set(df["clinician_id"]) == {"P01", "P02", "S01", "S02"}
    assert (df["shifts_after"] - df["shifts_before"] == df["shift_change"]).all()
    assert result.summary.stats["overwrite"]["deleted"] > 0
    with pytest.raises(FixedPeriodError, match="2026-03-02"):
        rebalance(workspace.path, date(2026, 3, 2), END, today=date(2026, 1, 6), fixed_period_weeks=8)


# --------------------------------------------------------------------------- CLI


def test_cli_generate_and_errors(workspace, tmp_path):
    runner = CliRunner()
    path = str(workspace.path)
    ok = runner.invoke(app, ["generate", path, "--start", "2026-01-05", "--end", "2026-02-27", "--phases", "1,2,3,4,6",
                             "--seed", "2", "--today", "2026-01-01", "--no-progress"])
    assert ok.exit_code == 0, ok.output
    assert "written:" in ok.output and "phase3" in ok.output
    cases = [
        (["--phases", "1,9"], "--phases: '9' is not a phase"),
        (["--mondays-only", "--skip-mondays"], "mondays_only and skip_mondays"),
        (["--start", "2026-13-01"], "--start: '2026-13-01' is not a date"),
    ]
    for extra, message in cases:
        args = ["generate", path, "--start", "2026-03-02", "--end", "2026-03-27", "--no-progress", *extra]
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and message in res.output, res.output
    res = runner.invoke(app, ["generate", str(tmp_path / "missing.duckdb"), "--start", "2026-03-02", "--end",
                              "2026-03-27"])
    assert res.exit_code == 2 and "does not exist" in res.output
    res = runner.invoke(app, ["rebalance", path, "--start", "2026-01-12", "--end", "2026-03-27", "--today",
                              "2026-01-05"])
    assert res.exit_code == 2 and "first date that may be rebalanced is 2026-02-16" in res.output
    res = runner.invoke(app, ["rebalance", path, "--start", "2026-03-02", "--end", "2026-03-27", "--today",
                              "2026-01-05", "--phases", "1,2,3,4,6"])
    assert res.exit_code == 0 and "shift_change" in res.output and "P01" in res.output, res.output


@pytest.mark.slow
def test_cli_ctrl_c_during_phase5_fails_the_run_and_writes_nothing(tmp_path):
    """A real SIGINT to ``rotacc-lab generate`` while CP-SAT is solving the demo year."""
    import signal

    demo = Path(__file__).resolve().parents[1] / "data" / "demo"
    path = tmp_path / "demo.duckdb"
    import_source(path, demo, actor="t")
    before = view(Workspace.open(path).load_snapshot().shifts)
    exe = Path(sys.executable).with_name("rotacc-lab")
    proc = subprocess.Popen([str(exe), "generate", str(path), "--start", "2026-01-05", "--end", "2026-12-25",
                             "--time-limit", "300", "--today", "2026-01-01"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = ""
    while "phase 5" not in seen:  # the progress bar names the phase it is in
        ch = proc.stderr.read(1)
        assert ch, f"generate ended before phase 5: {seen[-500:]}"
        seen += ch
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=280)
    assert proc.returncode == 130, seen + err
    assert "interrupted: the run is marked FAILED and nothing was written" in err
    ws = Workspace.open(path)
    (run,) = ws.list_runs()
    assert (run["status"], run["error"]) == ("FAILED", "interrupted")
    assert view(ws.load_snapshot().shifts) == before
