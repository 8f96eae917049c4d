"""Bad input at the command line: a clear ``error: ...`` naming the file or value, exit 2, nothing changed.

Each case runs the real console entry point (``python -m rotacc_lab``, which is
``rotacc-lab``'s ``main``) in a subprocess, so a traceback anywhere on the way
would show. These are the cases that printed a Python traceback before: an
over-long CSV cell, a shift id beyond 64 bits, ``export --xlsx`` into a missing
folder, and export / import / init / branch / batch-reports / leave submit /
generate where the folder cannot be written.

Tests run as root here, and root ignores permission bits, so "cannot be
written" is made two ways root respects: a path below a regular file (the OS
answers "Not a directory"), and a folder marked immutable with ``chattr +i``
(where the filesystem supports it; as a normal user, ``chmod 555`` instead).
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rotacc_lab.store import import_source

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


def cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rotacc_lab", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_user_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.stderr.startswith("error: ") or "\nerror: " in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad-input") / "demo.duckdb"
    import_source(path, DEMO, actor="test")
    return path


@pytest.fixture
def ws(demo_ws: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    shutil.copyfile(demo_ws, path)
    return path


def _make_immutable(folder: Path) -> bool:
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _release(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)
    elif shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder nobody (root included) can create files in; ``prepare(files)`` puts files in it first."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    state = {"locked": False}

    def lock(*files: Path) -> Path:
        for f in files:
            shutil.copyfile(f, folder / f.name)
        if not _make_immutable(folder):
            pytest.skip("cannot make a folder unwritable for root here (no chattr, or the filesystem refuses +i)")
        state["locked"] = True
        return folder

    yield lock
    if state["locked"]:
        _release(folder)


@pytest.fixture(params=["below a regular file", "read-only folder"])
def unwritable(request, tmp_path: Path, read_only_folder) -> Path:
    """A folder path that cannot be written, in both ways."""
    if request.param == "below a regular file":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder\n")
        return blocker / "sub"
    return read_only_folder()


# --------------------------------------------------------------------------- import files


def _copy_demo(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "practice"
    shutil.copytree(DEMO, folder)
    edit(folder)
    return folder


def _edit_csv(path: Path, row: int, column: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[row][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_an_over_long_csv_cell_is_named_and_nothing_is_written(ws: Path, tmp_path: Path):
    source = _copy_demo(tmp_path, lambda f: _edit_csv(f / "clinicians.csv", 1, "name", "x" * 200_000))
    before = digest(ws)
    proc = cli("import", ws, source)
    assert_user_error(proc, "clinicians.csv, row 1, column name", "200,000 characters")
    assert len(proc.stderr) < 2_000, "the over-long value is shortened in the message"
    assert proc.stderr.count("\n  - ") == 1, proc.stderr  # the cause only, no knock-on problems
    assert digest(ws) == before


def test_a_shift_id_beyond_64_bits_is_named_and_nothing_is_written(ws: Path, tmp_path: Path):
    huge = str(2**64)
    source = _copy_demo(tmp_path, lambda f: _edit_csv(f / "shifts.csv", 1, "shift_id", huge))
    before = digest(ws)
    assert_user_error(cli("import", ws, source), "shifts.csv, row 1, column shift_id", huge)
    assert digest(ws) == before
    assert_user_error(cli("import", tmp_path / "new.duckdb", source), "shift_id")
    assert not (tmp_path / "new.duckdb").exists()


# --------------------------------------------------------------------------- files that cannot be written


def test_export_xlsx_into_a_missing_folder_writes_nothing(ws: Path, tmp_path: Path):
    proc = cli("export", ws, tmp_path / "folder", "--xlsx", tmp_path / "missing" / "p.xlsx")
    assert_user_error(proc, str(tmp_path / "missing" / "p.xlsx"), "does not exist")
    assert not (tmp_path / "folder").exists()


def test_export_into_an_unwritable_folder(ws: Path, unwritable: Path):
    assert_user_error(cli("export", ws, unwritable / "out"), "cannot write", str(unwritable))


def test_export_xlsx_into_an_unwritable_folder(ws: Path, tmp_path: Path, unwritable: Path):
    assert_user_error(cli("export", ws, tmp_path / "folder", "--xlsx", unwritable / "p.xlsx"),
                      "cannot write", str(unwritable / "p.xlsx"))


def test_import_into_an_unwritable_folder(unwritable: Path):
    target = unwritable / "ws.duckdb"
    proc = cli("import", target, DEMO)
    assert_user_error(proc, f"cannot write {target}")
    assert ".tmp" not in proc.stderr, "the message names the user's file, not a temporary one"


def test_init_in_an_unwritable_folder(unwritable: Path):
    assert_user_error(cli("init", unwritable / "ws.duckdb"), f"cannot write {unwritable / 'ws.duckdb'}")


def test_branch_into_an_unwritable_folder(ws: Path, unwritable: Path):
    before = digest(ws)
    proc = cli("branch", ws, unwritable / "what-if.duckdb")
    assert_user_error(proc, str(unwritable / "what-if.duckdb"))
    assert "cannot be written" in proc.stderr or "is a file, not a folder" in proc.stderr, proc.stderr
    assert digest(ws) == before


def test_batch_reports_into_an_unwritable_folder(ws: Path, unwritable: Path):
    proc = cli("batch-reports", "--workspaces", ws, "--months", "2026-01", "--out", unwritable / "reports")
    assert_user_error(proc, "--out" if "a-file" in str(unwritable) else "cannot write")


def test_leave_submit_on_a_workspace_whose_folder_cannot_be_written(ws: Path, read_only_folder):
    folder = read_only_folder(ws)
    locked = folder / ws.name
    before = digest(locked)
    proc = cli("leave", "submit", locked, "P01", "ANNUAL_LEAVE", "2026-05-11", "2026-05-12")
    assert_user_error(proc, f"cannot write {locked}", f"folder {folder} cannot be written")
    assert "rollback" not in proc.stderr.lower()
    assert digest(locked) == before


def test_generate_on_a_workspace_whose_folder_cannot_be_written(ws: Path, read_only_folder):
    folder = read_only_folder(ws)
    locked = folder / ws.name
    before = digest(locked)
    proc = cli("generate", locked, "--start", "2026-01-05", "--end", "2026-01-09", "--phases", "1")
    assert_user_error(proc, f"cannot write {locked}")
    assert digest(locked) == before
