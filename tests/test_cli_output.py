"""Output a user can read in a log: one progress line per phase when stderr is not a terminal, no warnings.

The real console entry point runs in a subprocess with stdout and stderr going
to pipes (as in CI or a cron job's log).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rotacc_lab.store import import_source

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("output") / "demo.duckdb"
    import_source(path, ROOT / "data" / "demo", actor="test")
    return path


def test_generate_in_a_log_prints_one_line_per_phase(demo_ws: Path, tmp_path: Path):
    ws = tmp_path / "ws.duckdb"
    shutil.copyfile(demo_ws, ws)
    proc = subprocess.run([sys.executable, "-m", "rotacc_lab", "generate", str(ws), "--start", "2026-01-05", "--end",
                           "2026-01-30", "--phases", "1,2,3,4,6"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr, "no carriage-return progress updates in a log"
    progress = [line for line in proc.stderr.splitlines() if line.startswith("generate: phase")]
    assert [line.split()[2] for line in progress] == ["1", "2", "3", "4", "6"]
    assert all(" done in " in line for line in progress)
    assert "warning" not in proc.stderr.lower(), proc.stderr


def test_papermill_kernels_use_ipc_and_print_no_tcp_warning(demo_ws: Path, tmp_path: Path):
    from rotacc_lab.kernels import kernel_manager_class

    manager = kernel_manager_class()
    assert manager is not None and manager().transport == "ipc"
    code = ("from rotacc_lab.notebook_support import run_monthly_report; "
            f"run_monthly_report({str(demo_ws)!r}, '2026-01', {str(tmp_path)!r})")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "without encryption" not in proc.stderr + proc.stdout, proc.stderr
