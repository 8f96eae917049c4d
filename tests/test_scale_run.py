"""Sweeps end to end: serial vs a 2-worker Dask LocalCluster, failures, output files, CLI, Ctrl-C.

Real components throughout: workspace files imported through the store, real
CP-SAT solves (reproducible mode: one worker, fixed seed, deterministic limit; the
tiny instances solve to optimality), real ``distributed`` clusters with worker
*processes* (``processes=True``), so snapshots and task specs really are pickled.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import psutil
import pytest
from distributed import LocalCluster
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.scale import comparable, load_spec, run_sweep, write_results

from _scale_helpers import GRID_SPEC, make_workspace, write_spec

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("scale_run")
    make_workspace(d)
    return write_spec(d, GRID_SPEC)


@pytest.fixture(scope="module")
def serial(spec_path: Path):
    return run_sweep(load_spec(spec_path), serial=True, progress=False)


@pytest.fixture(scope="module")
def on_dask(spec_path: Path):
    """The same sweep on an existing 2-process scheduler, reached by its address."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        return run_sweep(load_spec(spec_path), scheduler=cluster.scheduler_address, progress=False)


def test_dask_results_equal_the_serial_run(serial, on_dask) -> None:
    assert (serial.mode, serial.workers) == ("serial", 1)
    assert (on_dask.mode, on_dask.workers) == ("dask", 2)
    assert on_dask.results.height == serial.results.height == 12
    assert_frame_equal(comparable(on_dask.results), comparable(serial.results))
    assert_frame_equal(on_dask.partners, serial.partners)
    # the columns left out of the comparison are the timing/placement ones, and they are filled in
    assert on_dask.results["wall_s"].null_count() == 0 and on_dask.results["worker"].null_count() == 0


def test_failing_scenario_is_recorded_and_the_rest_complete(serial, on_dask) -> None:
    for result in (serial, on_dask):
        res = result.results
        bad = res.filter(pl.col("scenario") == "impossible mondays")
        good = res.filter(pl.col("scenario") != "impossible mondays")
        assert bad.height == 4 and good.height == 8
        assert bad["status"].to_list() == ["error"] * 4
        assert all("INFEASIBLE" in e and "H7" in e for e in bad["error"])
        assert bad["objective"].null_count() == 4
        assert good["status"].to_list() == ["ok"] * 8 and good["error"].null_count() == 8
        assert set(good["solve_status"]) <= {"OPTIMAL", "FEASIBLE"}
        assert result.n_errors == 4
        # partner rows only for the tasks that ran: 4 partners each
        assert sorted(set(result.partners["task_id"])) == sorted(good["task_id"])
        assert result.partners.height == 8 * 4


def test_scenario_parameters_are_columns(serial) -> None:
    res = serial.results
    row = res.filter(pl.col("task_id") == 6).row(0, named=True)
    assert (row["scenario"], row["weights"], row["seed"]) == ("P02 at 40%", "fair_mondays", 0)
    assert (row["w_S2"], row["w_S11"], row["w_S7"]) == (400, 50, 1000)  # overrides on the workspace's weights
    assert '"kind": "wte"' in row["changes"] and '"percentage": 40' in row["changes"]
    assert res.filter(pl.col("weights") == "default")["w_S2"].unique().to_list() == [100]
    # the WTE cut shows in the report metrics: P02's fair share falls, so the scenario differs from baseline
    base = serial.partners.filter(pl.col("task_id") == 0, pl.col("clinician_id") == "P02").row(0, named=True)
    cut = serial.partners.filter(pl.col("task_id") == 4, pl.col("clinician_id") == "P02").row(0, named=True)
    assert cut["wte_weeks"] < base["wte_weeks"]


def test_results_files_round_trip(serial, tmp_path: Path) -> None:
    (db,) = write_results(serial, tmp_path / "r.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    try:
        back = pl.from_arrow(con.sql("SELECT * FROM results ORDER BY task_id").to_arrow_table())
        partners = pl.from_arrow(con.sql("SELECT * FROM partner_availability").to_arrow_table())
    finally:
        con.close()
    assert_frame_equal(back, serial.results)
    assert partners.height == serial.partners.height
    main, side = write_results(serial, tmp_path / "r.parquet")
    assert_frame_equal(pl.read_parquet(main), serial.results)
    assert_frame_equal(pl.read_parquet(side), serial.partners)
    assert side.name == "r.partners.parquet"
    assert {stat.S_IMODE(p.stat().st_mode) for p in (db, main, side)} == {0o600}  # private whatever the umask


def test_out_refuses_a_workspace_file(serial, spec_path: Path) -> None:
    from rotacc_lab.scale import SpecError

    with pytest.raises(SpecError, match="is a rotacc-lab workspace"):
        write_results(serial, spec_path.parent / "tiny.duckdb")


def test_cli_serial_sweep_writes_results_and_exits_1_on_failed_tasks(spec_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli.parquet"
    res = CliRunner().invoke(app, ["sweep", str(spec_path), "--serial", "--out", str(out), "--no-progress"])
    assert res.exit_code == 1, res.output
    assert "12 task(s)" in res.output and "8 ok, 4 failed" in res.output
    assert "task 8 (impossible mondays, default, seed 0) failed: OptimisationInfeasible" in res.output
    assert pl.read_parquet(out).height == 12


@pytest.mark.parametrize("mode", [["--workers", "2"], ["--serial"]], ids=["dask", "serial"])
def test_ctrl_c_stops_the_sweep_cleanly(spec_path: Path, tmp_path: Path, mode: list[str]) -> None:
    """SIGINT to the process group mid-sweep: exit 130, nothing written, every worker process gone.

    Serial mode matters too: CP-SAT takes over SIGINT while it solves in that process.
    """
    long = GRID_SPEC.replace("seeds = [0, 7]", f"seeds = {list(range(150))}")
    spec = write_spec(spec_path.parent, long, "long.toml")
    out = tmp_path / "never.duckdb"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rotacc_lab.cli import main; main()", "sweep", str(spec), *mode, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
    )
    try:
        # wait until tasks are running: the bar shows a finished task
        deadline = time.monotonic() + 180
        seen = ""
        while time.monotonic() < deadline:
            ch = proc.stderr.read(1)
            if not ch:
                break
            seen += ch
            if "failed=" in seen:
                break
        where = "serially" if mode == ["--serial"] else "on 2 local workers"
        assert f"spec ok: 900 task(s) {where}" in seen, seen[-2000:]
        children = psutil.Process(proc.pid).children(recursive=True)
        if mode != ["--serial"]:
            assert len(children) >= 2  # the worker processes
        # what a terminal Ctrl-C does: the whole foreground group. In serial mode a Ctrl-C that lands
        # inside a CP-SAT solve only ends that solve (CP-SAT's own handler), so press again like a user.
        for _ in range(20):
            os.killpg(proc.pid, signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=3 if mode == ["--serial"] else 120)
                break
            except subprocess.TimeoutExpired:
                continue
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, (seen + err)[-3000:]
    assert "interrupted: interrupted after" in err and "nothing was written" in err
    if mode != ["--serial"]:
        assert "the other tasks were cancelled, the cluster closed" in err
    assert not out.exists()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], [p.pid for p in alive]
