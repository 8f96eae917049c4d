"""Every file the project writes is private (0600, folders 0700) whatever the umask; overwriting keeps a mode."""

from __future__ import annotations

import os
import stat
import threading
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_practice_folder
from rotacc_lab.cli import app
from rotacc_lab.domain import Shift
from rotacc_lab.private import make_private_dir, open_private, private_umask, reserve_private, write_private_text
from rotacc_lab.store import Workspace, export_folder, export_xlsx, import_source

runner = CliRunner()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The laxest umask there is: whatever the project creates must still come out private."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_open_private_creates_0600_and_keeps_an_existing_mode(tmp_path, open_umask):
    new = tmp_path / "new.txt"
    write_private_text(new, "x")
    assert mode(new) == 0o600
    shared = tmp_path / "shared.txt"
    shared.write_text("old")
    os.chmod(shared, 0o640)
    write_private_text(shared, "new")
    assert mode(shared) == 0o640 and shared.read_text() == "new"
    with open_private(shared, "w", keep_mode=False) as fh:
        fh.write("tight")
    assert mode(shared) == 0o600
    assert mode(reserve_private(tmp_path / "later.ipynb")) == 0o600
    with pytest.raises(ValueError, match="mode 'r' is not accepted"):
        open_private(new, "r")


def test_make_private_dir_makes_every_new_folder_0700(tmp_path, open_umask):
    os.chmod(tmp_path, 0o755)
    deep = make_private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", deep)] == [0o700] * 3
    assert mode(tmp_path) == 0o755  # an existing folder keeps its mode
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        make_private_dir(tmp_path / "file")


def test_private_umask_is_shared_by_threads_and_restored_by_the_last(open_umask):
    inside, release, done = threading.Event(), threading.Event(), []

    def worker():
        with private_umask():
            inside.set()
            release.wait(10)
            done.append(os.umask(0o077))  # read it (and put it back)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(10)
    with private_umask():
        pass  # this block ends first; the worker's block still needs 077
    release.set()
    t.join(10)
    assert done == [0o077]
    assert os.umask(0) == 0  # the last block out restored the original umask


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def test_workspace_files_are_private(tmp_path, open_umask):
    src = write_practice_folder(tmp_path / "src")
    ws_path = tmp_path / "w.duckdb"
    import_source(ws_path, src)
    assert mode(ws_path) == 0o600
    ws = Workspace.open(ws_path)
    with ws.transaction("t") as tx:
        tx.insert_shifts([Shift(None, "P02", date(2026, 1, 21))])
    with ws.connect() as con:  # a write leaves a WAL until the connection closes
        con.execute("CREATE TABLE scratch AS SELECT range AS x FROM range(1000)")
        assert _wal(ws_path).exists() and mode(_wal(ws_path)) == 0o600
        con.execute("DROP TABLE scratch")
    branch = ws.branch(tmp_path / "what-if.duckdb")
    assert mode(branch.path) == 0o600
    created = Workspace.create(tmp_path / "empty.duckdb")
    assert mode(created.path) == 0o600


def test_an_import_keeps_the_mode_the_workspace_had(tmp_path, open_umask):
    src = write_practice_folder(tmp_path / "src")
    ws_path = tmp_path / "w.duckdb"
    import_source(ws_path, src)
    for wanted in (0o600, 0o640):
        os.chmod(ws_path, wanted)
        import_source(ws_path, src)
        assert mode(ws_path) == wanted


def test_exports_reports_and_calendars_are_private(workspace, tmp_path, open_umask):
    out = tmp_path / "export" / "nested"
    files = export_folder(workspace, out)
    assert mode(out) == mode(out.parent) == 0o700
    assert {mode(f) for f in files} == {0o600}
    assert mode(export_xlsx(workspace, tmp_path / "p.xlsx")) == 0o600
    for fmt in ("csv", "html", "xlsx", "json"):
        target = tmp_path / f"report.{fmt}"
        res = runner.invoke(app, ["report", str(workspace.path), "staffing-overview", "--start", "2026-01-05",
                                  "--end", "2026-01-30", "--format", fmt, "--out", str(target)])
        assert res.exit_code == 0, res.output
        assert mode(target) == 0o600, fmt
    calendars = tmp_path / "calendars"
    res = runner.invoke(app, ["export-ics", str(workspace.path), str(calendars), "--clinician", "P01"])
    assert res.exit_code == 0, res.output
    assert mode(calendars) == 0o700 and mode(calendars / "P01.ics") == 0o600
    res = runner.invoke(app, ["export", str(workspace.path), str(tmp_path / "cli-export")])
    assert res.exit_code == 0, res.output
    assert mode(tmp_path / "cli-export") == 0o700
    assert {mode(p) for p in (tmp_path / "cli-export").iterdir()} == {0o600}


def test_department_workspaces_and_exports_are_private(tmp_path, open_umask):
    from _dept_helpers import DEMO_DEPARTMENT
    from rotacc_lab.store.department_io import export_department, import_department

    ws = tmp_path / "dept.duckdb"
    import_department(ws, DEMO_DEPARTMENT)
    assert mode(ws) == 0o600
    os.chmod(ws, 0o640)
    import_department(ws, DEMO_DEPARTMENT)
    assert mode(ws) == 0o640  # a re-import keeps the mode the workspace had
    out = tmp_path / "out"
    export_department(ws, out)
    assert mode(out) == 0o700 and {mode(p) for p in out.iterdir()} == {0o600}


def test_provider_workspaces_and_exports_are_private(tmp_path, open_umask):
    from _care_helpers import DEMO_PROVIDER
    from rotacc_lab.store.provider_io import export_provider, import_provider

    ws = tmp_path / "care.duckdb"
    import_provider(ws, DEMO_PROVIDER)
    assert mode(ws) == 0o600
    os.chmod(ws, 0o640)
    import_provider(ws, DEMO_PROVIDER)
    assert mode(ws) == 0o640
    out = tmp_path / "out"
    export_provider(ws, out)
    assert mode(out) == 0o700 and {mode(p) for p in out.iterdir()} == {0o600}
