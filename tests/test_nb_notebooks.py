"""The four notebooks executed headless with papermill on small parameters, checked again by nbval.

One module-scoped fixture executes each notebook once (the demo practice in a
tmp folder, two weeks of March 2026, phase 5 limited to 2 s in reproducible
mode) and the monthly report through ``rotacc-lab batch-reports`` with one
good and one missing workspace. The tests then read the executed notebooks;
``test_nbval_reexecutes_the_executed_notebooks`` runs ``pytest --nbval-lax`` on
the executed copies (their injected parameters keep the re-run small; the
validation cells are tagged ``nbval-check-output``, so their echo of the
parameters must match).
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from _nb_helpers import END, START, TIME_LIMIT, _nb_demo_template, _nb_generated_template  # noqa: F401
from rotacc_lab.cli import app
from rotacc_lab.domain import Weekday
from rotacc_lab.notebook_support import VALIDATE_TAG, VEGALITE_MIME, NotebookFailed, execute_notebook
from rotacc_lab.store import Workspace

pytestmark = pytest.mark.slow

DATES = {"start": START.isoformat(), "end": END.isoformat()}


def _texts(nb: nbformat.NotebookNode) -> str:
    """Everything a reader sees: streams, plain text, markdown and HTML outputs."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", ()):
            if out.get("output_type") == "stream":
                parts.append(out["text"])
            for key in ("text/plain", "text/markdown", "text/html"):
                if key in out.get("data", {}):
                    parts.append(out["data"][key])
    return "\n".join(parts)


def _charts(nb: nbformat.NotebookNode) -> list[dict]:
    return [out["data"][VEGALITE_MIME] for cell in nb.cells for out in cell.get("outputs", ())
            if VEGALITE_MIME in out.get("data", {})]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, _nb_demo_template: Path, _nb_generated_template: Path) -> dict:
    d = tmp_path_factory.mktemp("nb-runs")
    fresh = shutil.copyfile(_nb_demo_template, d / "fresh.duckdb")
    generated = shutil.copyfile(_nb_generated_template, d / "harbour.duckdb")
    tune_target = shutil.copyfile(_nb_demo_template, d / "tuned.duckdb")
    out: dict = {"dir": d, "fresh": Path(fresh), "generated": Path(generated), "tuned": Path(tune_target)}
    out["generate_rota"] = execute_notebook("generate_rota", d / "generate_rota.ipynb", {
        "workspace": str(fresh), **DATES, "time_limit": TIME_LIMIT, "workers": 1, "weights": {"S5": 60}})
    out["what_if_digest"] = _digest(generated)
    out["what_if"] = execute_notebook("what_if", d / "what_if.ipynb", {
        "workspace": str(generated), **DATES, "time_limit": TIME_LIMIT})
    out["objective_weights"] = execute_notebook("objective_weights", d / "objective_weights.ipynb", {
        "workspace": str(generated), **DATES, "time_limit": 1.0, "grid": {"S5": [0, 200], "S11": [100, 500]},
        "save_to": str(tune_target)})
    batch = d / "batch"
    out["batch"] = CliRunner().invoke(app, [
        "batch-reports", "--workspaces", str(generated), str(d / "missing.duckdb"), "--months", "2026-03",
        "--out", str(batch), "--quiet"])
    out["batch_dir"] = batch
    return out


def _digest(path: Path) -> str:
    from rotacc_lab.notebook_support import file_digest

    return file_digest(path)


def test_generate_rota_notebook_writes_the_rota_and_explains_it(runs: dict) -> None:
    nb = nbformat.read(runs["generate_rota"], as_version=4)
    text = _texts(nb)
    assert "run 1: 2026-03-02..2026-03-13, phases 1,2,3,4,5,6" in text
    assert "weekly evenness" in text and "Weighted penalty per clinician" in text  # SolveReport breakdown
    assert "reproducible mode (seed 0, workers 1)" in text
    assert "alert(s)." in text
    calendar = [c for c in _charts(nb) if c.get("mark", {}).get("type") == "rect"]
    assert calendar and calendar[0]["encoding"]["color"]["field"] == "kind"
    ws = Workspace.open(runs["fresh"], read_only=True)
    run = ws.list_runs()[-1]
    assert run["status"] == "COMPLETED" and run["actor"] == "notebook:generate_rota"
    shifts = [s for s in ws.load_snapshot().shifts if START <= s.date <= END]
    assert len(shifts) > 40  # two weeks for 13 clinicians
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               or o.get("name") == "stderr" for c in nb.cells for o in c.get("outputs", ()))  # tqdm bar


def test_what_if_notebook_compares_and_never_touches_the_baseline(runs: dict) -> None:
    nb = nbformat.read(runs["what_if"], as_version=4)
    text = _texts(nb)
    assert "baseline unchanged: sha256" in text
    assert _digest(runs["generated"]) == runs["what_if_digest"]
    for heading in ("Headline figures", "Fairness per partner", "Staffing gaps", "Per clinician",
                    "Shifts that moved"):
        assert heading in text
    assert "Mon minimum 6 -&gt; 7" in text or "Mon minimum 6 -> 7" in text
    branch = runs["generated"].with_name("harbour.what-if.duckdb")
    snap = Workspace.open(branch, read_only=True).load_snapshot()
    assert snap.settings.min_doctors[Weekday.MON] == 7 and "L90" in snap.clinician_by_id
    assert Workspace.open(branch, read_only=True).list_runs()[-1]["actor"] == "what-if:notebook"


def test_objective_weights_notebook_sweeps_marks_the_front_and_saves(runs: dict) -> None:
    nb = nbformat.read(runs["objective_weights"], as_version=4)
    text = _texts(nb)
    assert "4 weight combination(s);" in text and "on the Pareto front" in text
    assert "the primary term S11 kept on: S5 = " in text  # the balanced pick, in words
    scatter = [c for c in _charts(nb) if "hconcat" in c]
    assert scatter and len(scatter[0]["hconcat"]) == 3
    saved = Workspace.open(runs["tuned"], read_only=True)
    weights = saved.load_settings().optimiser.weights
    assert weights["S5"] in (0, 200) and weights["S11"] in (100, 500)
    assert saved.audit_history("settings", "practice")[-1]["actor"] == "notebook:objective_weights"


def test_batch_reports_isolates_a_failing_pair(runs: dict) -> None:
    result = runs["batch"]
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any("harbour.duckdb" in ln and " ok " in ln for ln in lines)
    failed = [ln for ln in lines if "missing.duckdb" in ln]
    assert failed and "FAILED" in failed[0] and "ParameterError: workspace:" in failed[0]
    assert lines[-1] == "1 of 2 report(s) written, 1 failed"
    html = (runs["batch_dir"] / "harbour-2026-03.html").read_text(encoding="utf-8")
    for heading in ("Staffing: were there enough doctors", "Weekly availability", "Partner WTE",
                    "Fair share from available weeks", "Mondays", "Duty: who carried it", "Annual leave remaining",
                    "Open alerts"):
        assert heading in html
    assert "from rotacc_lab" not in html  # no input cells
    assert "Every admin report" not in html and "| month 2026-03" not in html  # report-hide cells left out
    assert "Harbour Lane Medical Practice: March 2026" in html
    assert html.count('class="rotacc-chart"') >= 5
    assert (runs["batch_dir"] / "missing-2026-03.ipynb").exists()
    assert stat.S_IMODE(runs["batch_dir"].stat().st_mode) == 0o700  # private whatever the umask
    assert {stat.S_IMODE(p.stat().st_mode) for p in runs["batch_dir"].iterdir()} == {0o600}
    assert not (runs["batch_dir"] / "missing-2026-03.html").exists()


def test_batch_reports_refuses_a_bad_month_before_running(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch-reports", "--workspaces", "x.duckdb", "--months", "2026-1",
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "--months: '2026-1' is not accepted" in result.output
    assert not (tmp_path / "o").exists()


BAD = [
    ("monthly_report", {"workspace": "{missing}", "month": "2026-03"},
     r"workspace: '.*missing\.duckdb' does not exist"),
    ("monthly_report", {"workspace": "{ws}", "month": "March 2026"},
     r"month: 'March 2026' is not accepted; give a month as YYYY-MM"),
    ("generate_rota", {"workspace": "{ws}", **DATES, "weights": {"S5": "high"}},
     r"weights\.S5: 'high' is not a number"),
    ("objective_weights", {"workspace": "{ws}", **DATES, "grid": {"S5": [0], "fairness": [1]}},
     r"grid: unknown term name 'fairness'"),
    ("what_if", {"workspace": "{ws}", "start": "2026-03-13", "end": "2026-03-02"},
     r"start: 2026-03-13 is after end 2026-03-02"),
]


@pytest.mark.parametrize(("name", "params", "pattern"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_parameters_stop_in_the_validation_cell(name: str, params: dict, pattern: str, tmp_path: Path,
                                                   _nb_demo_template: Path) -> None:
    import re

    ws = shutil.copyfile(_nb_demo_template, tmp_path / "ws.duckdb")
    values = {k: (v.format(ws=ws, missing=tmp_path / "missing.duckdb") if isinstance(v, str) else v)
              for k, v in params.items()}
    before = _digest(Path(ws))
    with pytest.raises(NotebookFailed) as info:
        execute_notebook(name, tmp_path / "out.ipynb", values)
    err = info.value
    assert err.ename == "ParameterError"
    assert re.match(pattern, err.evalue), err.evalue
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    # papermill adds markdown "An Exception was encountered" cells to the output; cell_index counts without them
    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    tagged = [i for i, c in enumerate(nb.cells) if VALIDATE_TAG in c.metadata.get("tags", [])]
    assert err.cell_index == tagged[0]
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])]
    assert code_cells[code_cells.index(injected[0]) + 1] == err.cell_index  # first code cell after parameters
    assert all(nb.cells[i].execution_count is None for i in code_cells if i > err.cell_index)
    assert _digest(Path(ws)) == before


def test_nbval_reexecutes_the_executed_notebooks(runs: dict) -> None:
    files = [runs["generate_rota"], runs["what_if"], runs["objective_weights"],
             runs["batch_dir"] / "harbour-2026-03.ipynb"]
    for f in files:  # each carries the validation echo that nbval compares
        nb = nbformat.read(f, as_version=4)
        assert any("nbval-check-output" in c.metadata.get("tags", []) and c.outputs for c in nb.cells)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=300",
         "-p", "no:cacheprovider", "-q", "-o", "addopts=", "--rootdir", str(runs["dir"]), *map(str, files)],
        cwd=runs["dir"], capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
