"""Crashes leave nothing behind and dead runs do not block: real ``kill -9`` of child processes.

Every child signals the point it has reached on stdout and then blocks reading
stdin, so the parent kills it at exactly that point (no sleeps, no races).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.errors import RunConflict
from rotacc_lab.generation.pipeline import generate
from rotacc_lab.store import Workspace, begin_run, mark_running
from rotacc_lab.store import processes
from rotacc_lab.store.runs import RunLost, fail_dead_runs

START, END = date(2026, 1, 5), date(2026, 3, 27)
NO5 = (1, 2, 3, 4, 6)
TODAY = date(2026, 1, 1)
runner = CliRunner()


class Child:
    """A Python child running ``code``; ``wait_for(word)`` reads its stdout up to a line ``word``."""

    def __init__(self, code: str, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for(self, word: str) -> None:
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait(timeout=60)
                raise AssertionError(f"child ended before {word!r}: {self.proc.stderr.read()}")
            if line.strip() == word:
                return

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        assert self.proc.returncode == -signal.SIGKILL

    def release(self) -> tuple[int, str, str]:
        out, err = self.proc.communicate("\n", timeout=300)
        return self.proc.returncode, out, err


GENERATE_AND_PAUSE = """
    import sys
    from datetime import date
    from rotacc_lab.generation.pipeline import generate
    from rotacc_lab.store.runs import RunLost

    def progress(event):
        if event.phase == 3 and event.stage == "start":
            print("IN-PHASE-3", flush=True)
            sys.stdin.readline()

    try:
        generate(sys.argv[1], date(2026, 1, 5), date(2026, 3, 27), phases=(1, 2, 3, 4, 6), progress=progress,
                 today=date(2026, 1, 1), actor="first")
    except RunLost as err:
        print("RUNLOST", err, flush=True)
        sys.exit(3)
    print("DONE", flush=True)
"""


def _shifts(ws: Workspace) -> list[tuple]:
    return sorted((s.shift_id, s.clinician_id, s.date, s.shift_type.value, s.status.value)
                  for s in ws.load_snapshot().shifts)


def test_kill_9_during_generation_does_not_block_the_next(workspace):
    before = _shifts(workspace)
    child = Child(GENERATE_AND_PAUSE, str(workspace.path))
    child.wait_for("IN-PHASE-3")
    child.kill9()
    (run,) = workspace.list_runs()
    assert run["status"] == "RUNNING" and run["owner_pid"] == child.proc.pid
    assert _shifts(workspace) == before  # killed before its one write transaction

    res = runner.invoke(app, ["generate", str(workspace.path), "--start", "2026-01-05", "--end", "2026-03-27",
                              "--phases", "1,2,3,4,6", "--today", "2026-01-01"])
    assert res.exit_code == 0, res.output
    first, second = workspace.list_runs()
    assert first["status"] == "FAILED"
    assert first["error"] == (f"process {child.proc.pid} on {first['owner_host']} ended without finishing the run"
                              " (killed or crashed); marked FAILED automatically")
    assert second["status"] == "COMPLETED"
    assert [h["action"] for h in workspace.audit_history("run", str(first["run_id"]))] == ["begin", "running", "failed"]


def test_clearing_a_live_run_makes_its_late_commit_write_nothing(workspace):
    child = Child(GENERATE_AND_PAUSE, str(workspace.path))
    try:
        child.wait_for("IN-PHASE-3")
        res = runner.invoke(app, ["runs", str(workspace.path), "--fail", "1", "--reason", "cleared by the test"])
        assert res.exit_code == 0, res.output
        assert "run 1 marked FAILED" in res.output
        assert f"note: its process {child.proc.pid} on" in res.output and "will find its run FAILED" in res.output
        second = generate(workspace.path, START, END, phases=NO5, seed=9, today=TODAY, actor="second")
        after_second = _shifts(workspace)
    finally:
        code, out, err = child.release()
    assert code == 3, (out, err)
    assert ("RUNLOST run 1 was marked FAILED by someone else while it ran (cleared by the test); its result was not"
            " written") in out
    assert "ConstraintException" not in out + err
    assert _shifts(workspace) == after_second  # the first run's late result was rolled back
    statuses = {r["run_id"]: (r["status"], r["error"]) for r in workspace.list_runs()}
    assert statuses == {1: ("FAILED", "cleared by the test"), second.run_id: ("COMPLETED", None)}


def _set_owner(ws: Workspace, run_id: int, host: str, pid: int, started: float | None) -> None:
    with ws.connect() as con:
        con.execute("UPDATE generation_runs SET owner_host = ?, owner_pid = ?, owner_started = ? WHERE run_id = ?",
                    [host, pid, started, run_id])


def test_a_reused_pid_does_not_keep_a_dead_run_alive(workspace):
    me = processes.current()
    rid = begin_run(workspace, START, END, (1,), {}, "ghost")
    mark_running(workspace, rid)
    # this very PID, but a process that started an hour earlier: the PID was reused
    _set_owner(workspace, rid, me.host, me.pid, me.started - 3600)
    assert processes.liveness(processes.ProcessId(me.host, me.pid, me.started - 3600)) is processes.Liveness.GONE
    assert fail_dead_runs(workspace) == [rid]
    (run,) = workspace.list_runs()
    assert run["status"] == "FAILED" and "ended without finishing the run" in run["error"]
    assert fail_dead_runs(workspace) == []  # nothing left: no write


def test_a_run_from_another_host_is_never_failed_automatically(workspace):
    rid = begin_run(workspace, START, END, (1,), {}, "remote")
    _set_owner(workspace, rid, "some-other-host", 1, 0.0)
    assert fail_dead_runs(workspace) == []
    with pytest.raises(RunConflict, match=r"process 1 on some-other-host\) is still PENDING and its process is on"
                                          r" another host, so it cannot be checked from here"):
        begin_run(workspace, START, END, (1,), {}, "local")


def test_runs_command_marks_dead_runs_failed(workspace):
    child = Child("""
        import sys
        from datetime import date
        from rotacc_lab.store import Workspace, begin_run
        begin_run(Workspace.open(sys.argv[1]), date(2026, 1, 5), date(2026, 1, 9), (1,), {}, "doomed")
        print("BEGUN", flush=True)
        sys.stdin.readline()
    """, str(workspace.path))
    child.wait_for("BEGUN")
    res = runner.invoke(app, ["runs", str(workspace.path)])
    assert res.exit_code == 0 and "PENDING" in res.output and f"(process {child.proc.pid} on" in res.output
    child.kill9()
    res = runner.invoke(app, ["runs", str(workspace.path)])
    assert res.exit_code == 0, res.output
    assert "run 1: its process is gone; marked FAILED" in res.output
    assert "FAILED" in res.output.splitlines()[-1] and "ended without finishing" in res.output


def test_a_lost_run_is_refused_at_commit_in_process(workspace):
    rid = begin_run(workspace, START, END, (1,), {}, "me")
    mark_running(workspace, rid)
    _set_owner(workspace, rid, "some-other-host", 1, 0.0)
    from rotacc_lab.store.runs import check_owner

    with pytest.raises(RunLost, match=f"run {rid} belongs to process 1 on some-other-host, not to this process"):
        with workspace.transaction("me") as tx:
            check_owner(tx, rid)


# --------------------------------------------------------------------------- killed imports leave nothing behind

IMPORT_AND_PAUSE = """
    import sys
    from rotacc_lab.store import importer

    real = importer._replace_practice
    where = sys.argv[3]

    def paused(con, snap, actor, source):
        if where == "before-write":
            print("PAUSED", flush=True)
            sys.stdin.readline()
        real(con, snap, actor, source)
        if where == "after-write":
            print("PAUSED", flush=True)
            sys.stdin.readline()

    importer._replace_practice = paused
    importer.import_source(sys.argv[1], sys.argv[2])
    print("DONE", flush=True)
"""


def _hidden(ws_path: Path) -> list[str]:
    return sorted(p.name for p in ws_path.parent.iterdir() if p.name.startswith(f".{ws_path.name}."))


@pytest.mark.parametrize("where", ["before-write", "after-write"])
def test_kill_9_during_import_leaves_nothing_after_the_next_command(workspace, tiny_folder, where):
    before = workspace.path.read_bytes()
    child = Child(IMPORT_AND_PAUSE, str(workspace.path), str(tiny_folder), where)
    child.wait_for("PAUSED")
    hidden = _hidden(workspace.path)
    assert any(".import-" in n for n in hidden), hidden
    assert all(stat_mode(workspace.path.parent / n) == 0o600 for n in hidden)  # never world-readable
    # while the importer lives, its copy is in use and is left alone
    assert runner.invoke(app, ["runs", str(workspace.path)]).exit_code == 0
    assert _hidden(workspace.path) == hidden
    child.kill9()
    assert _hidden(workspace.path) == hidden and workspace.path.read_bytes() == before
    res = runner.invoke(app, ["status", str(workspace.path), "--start", "2026-01-05", "--as-of", "2026-01-30"])
    assert res.exit_code == 0, res.output
    assert _hidden(workspace.path) == []
    assert workspace.path.read_bytes() == before


def test_an_import_into_a_new_workspace_sweeps_its_own_killed_predecessor(tmp_path, tiny_folder):
    target = tmp_path / "new.duckdb"
    child = Child(IMPORT_AND_PAUSE, str(target), str(tiny_folder), "after-write")
    child.wait_for("PAUSED")
    child.kill9()
    assert not target.exists() and _hidden(target)
    res = runner.invoke(app, ["import", str(target), str(tiny_folder)])
    assert res.exit_code == 0, res.output
    assert _hidden(target) == [] and Workspace.open(target).load_snapshot().clinicians


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_only_dead_owners_on_this_host_are_swept(workspace):
    from rotacc_lab.store import leftovers

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(gone.stdout)
    me = processes.current()
    d, name = workspace.path.parent, workspace.path.name
    files = {
        "old-format, dead": f".{name}.import-{dead_pid}.tmp",
        "old-format wal, dead": f".{name}.import-{dead_pid}.tmp.wal",
        "dead": f".{name}.import-{processes.ProcessId(me.host, dead_pid, 0.0).token()}.tmp",
        "reused pid": f".{name}.branch-{processes.ProcessId(me.host, me.pid, me.started - 3600).token()}.tmp",
        "dead writer intent": f".{name}.write-intent-{processes.ProcessId(me.host, dead_pid, 0.0).token()}-7",
        "mine": f".{name}.import-{me.token()}.tmp",
        "other host": f".{name}.import-elsewhere.example-{dead_pid}-0.tmp",
        "other workspace": f".other.duckdb.import-{dead_pid}.tmp",
        "not ours": f".{name}.notes",
    }
    for f in files.values():
        (d / f).write_bytes(b"x")
    (d / f".{name}.import-{dead_pid}.tmp.tmp").mkdir()  # DuckDB's spill folder of the dead copy
    removed = {p.name for p in leftovers.sweep(workspace.path)}
    expected = {files[k] for k in ("old-format, dead", "old-format wal, dead", "dead", "reused pid",
                                   "dead writer intent")} | {f".{name}.import-{dead_pid}.tmp.tmp"}
    assert removed == expected
    assert {p.name for p in d.iterdir()} >= {files[k] for k in ("mine", "other host", "other workspace", "not ours")}
