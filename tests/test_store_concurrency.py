"""Real cross-process behaviour: busy files, run locking, and what-if branches."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from rotacc_lab.domain import Shift
from rotacc_lab.errors import RotaccError, RunConflict, WorkspaceBusy
from rotacc_lab.store import Workspace, begin_run, fail_run, finish_run, mark_running


class Holder:
    """A child Python process that runs ``code`` (with ``ws`` bound), prints READY and waits for stdin to close."""

    def __init__(self, workspace: Path, code: str):
        script = textwrap.dedent(
            f"""
            import sys, duckdb
            from datetime import date
            from rotacc_lab.store import Workspace, begin_run, mark_running
            ws = Workspace.open({str(workspace)!r})
            """
        ) + textwrap.dedent(code) + "\nprint('READY', flush=True)\nsys.stdin.read()\n"
        self.proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "READY":
            self.proc.kill()
            raise AssertionError(f"holder did not start: {line!r} {self.proc.stderr.read()}")

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_busy_workspace_raises_clear_error_then_recovers(workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0.3")
    holder = Holder(workspace.path, "con = duckdb.connect(str(ws.path))\ncon.execute('SELECT 1').fetchall()\n")
    try:
        with pytest.raises(WorkspaceBusy) as exc:
            Workspace.open(workspace.path).load_snapshot()
        msg = str(exc.value)
        assert f"workspace {workspace.path} is busy (another process has it open)" in msg
        assert "tried for" in msg and "ROTACC_BUSY_TIMEOUT" in msg
        with pytest.raises(WorkspaceBusy):
            with workspace.transaction("t"):
                pass
    finally:
        holder.stop()
    assert Workspace.open(workspace.path).load_snapshot().clinicians


def test_read_only_readers_share_but_block_writers(workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0.3")
    holder = Holder(workspace.path, "con = duckdb.connect(str(ws.path), read_only=True)\n")
    try:
        assert Workspace.open(workspace.path, read_only=True).load_snapshot().clinicians
        with pytest.raises(WorkspaceBusy, match="is busy"):
            workspace.save_settings(workspace.load_snapshot().settings, actor="t")
    finally:
        holder.stop()


def test_run_lock_across_processes(workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "20")
    holder = Holder(
        workspace.path,
        "rid = begin_run(ws, date(2026, 1, 5), date(2026, 3, 27), (1, 2, 3), {'seed': 1}, 'alice')\n"
        "mark_running(ws, rid)\n",
    )
    try:
        with pytest.raises(RunConflict) as exc:
            begin_run(workspace, date(2026, 3, 1), date(2026, 4, 30), (5,), {}, "bob")
        msg = str(exc.value)
        assert "run 1 (2026-01-05..2026-03-27, phases 1,2,3, started by alice at" in msg
        assert "is still RUNNING and its process is alive; wait for it or mark it failed" in msg
    finally:
        holder.stop()
    # the other process ended without finishing: the next begin_run marks its run FAILED and goes ahead
    assert begin_run(workspace, date(2026, 1, 1), date(2026, 1, 31), (1,), {}, "bob") == 2
    run1 = workspace.list_runs()[0]
    assert run1["status"] == "FAILED" and run1["owner_pid"] == holder.proc.pid
    assert run1["error"] == (f"process {holder.proc.pid} on {run1['owner_host']} ended without finishing the run"
                             " (killed or crashed); marked FAILED automatically")


def test_run_lock_rules(workspace: Workspace) -> None:
    r1 = begin_run(workspace, date(2026, 1, 5), date(2026, 2, 27), (1, 2), {"x": 1}, "alice")
    with pytest.raises(RunConflict, match=f"run {r1} .* is still PENDING"):
        begin_run(workspace, date(2026, 2, 27), date(2026, 3, 6), (1,), {}, "bob")  # touches the last day
    r2 = begin_run(workspace, date(2026, 3, 2), date(2026, 3, 27), (1,), {}, "bob")  # no overlap
    mark_running(workspace, r1)
    with workspace.transaction("alice") as tx:
        (sid,) = tx.insert_shifts([Shift(None, "P02", date(2026, 1, 19))], run_id=r1)
        finish_run(tx, r1, {"phase1": {"created": 1, "deleted": 0}})
    r3 = begin_run(workspace, date(2026, 1, 5), date(2026, 2, 27), (1,), {}, "carol")  # r1 COMPLETED
    fail_run(workspace, r2, "boom")
    r4 = begin_run(workspace, date(2026, 3, 2), date(2026, 3, 27), (1,), {}, "dan")  # r2 FAILED
    runs = {r["run_id"]: r for r in workspace.list_runs()}
    assert runs[r1]["status"] == "COMPLETED" and runs[r1]["stats"] == {"phase1": {"created": 1, "deleted": 0}}
    assert runs[r1]["params"] == {"x": 1} and runs[r1]["started_at"] and runs[r1]["completed_at"]
    assert runs[r2]["status"] == "FAILED" and runs[r2]["error"] == "boom"
    assert runs[r3]["status"] == runs[r4]["status"] == "PENDING"
    assert [h["action"] for h in workspace.audit_history("run", str(r1))] == ["begin", "running", "completed"]
    assert workspace.audit_history("shift", str(sid))[0]["run_id"] == r1
    with pytest.raises(RotaccError, match="is COMPLETED"):
        fail_run(workspace, r1, "late")
    with pytest.raises(RotaccError, match="before start"):
        begin_run(workspace, date(2026, 5, 2), date(2026, 5, 1), (1,), {}, "x")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_branch_is_isolated(workspace: Workspace, tmp_path: Path) -> None:
    original = workspace.load_snapshot()
    before = _sha(workspace.path)
    child = workspace.branch(tmp_path / "whatif.duckdb", actor="planner")
    assert _sha(workspace.path) == before
    meta = child.meta()
    assert meta["branch_parent"] == str(workspace.path.resolve()) and meta["branched_at"]
    assert "branch_parent" not in workspace.meta()
    with child.transaction("planner") as tx:
        tx.insert_shifts([Shift(None, "P02", date(2026, 1, 21))])
        tx.delete_shifts([1])
    child.save_settings(dataclasses.replace(original.settings, practice_name="What if"), actor="planner")
    assert _sha(workspace.path) == before
    assert workspace.load_snapshot() == original
    changed = child.load_snapshot()
    assert changed.settings.practice_name == "What if" and 1 not in {s.shift_id for s in changed.shifts}
    with pytest.raises(RotaccError, match="already exists"):
        workspace.branch(tmp_path / "whatif.duckdb")


READER_LOOP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rotacc_lab.errors import WorkspaceBusy
    from rotacc_lab.store import Workspace
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    reads = busy = 0
    print("READY", flush=True)
    while not stop.exists():
        try:
            Workspace(path, read_only=True).load_snapshot()
            reads += 1
        except WorkspaceBusy:
            busy += 1
    print(reads, busy, flush=True)
    """
)


def test_a_writer_is_not_starved_by_readers_in_tight_loops(workspace: Workspace, tmp_path: Path, monkeypatch) -> None:
    """Three processes read as fast as they can; every write still gets in (readers yield to a waiting writer)."""
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "10")
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER_LOOP, str(workspace.path), str(stop)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    try:
        for r in readers:
            assert r.stdout.readline().strip() == "READY", r.stderr.read()
        written = 0
        for _ in range(10):  # 20 write transactions: add a shift, then take it away again
            with workspace.transaction("writer") as tx:
                (sid,) = tx.insert_shifts([Shift(None, "P02", date(2026, 4, 7))])
            with workspace.transaction("writer") as tx:
                tx.delete_shifts([sid])
            written += 2
    finally:
        stop.write_text("")
        outs = [r.communicate(timeout=60) for r in readers]
    counts = [tuple(map(int, out.split())) for out, _ in outs]
    assert written == 20
    assert all(reads > 0 for reads, _ in counts), counts  # the readers were really reading meanwhile
    assert not list(workspace.path.parent.glob(f".{workspace.path.name}.write-intent-*"))  # markers are removed
