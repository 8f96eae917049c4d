"""Repeatable demo (issue 20 item 6): generate and the demo default to the reproducible mode, and say which mode ran."""

from __future__ import annotations

import tomllib
from datetime import date

from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.domain import OptimiserSettings
from rotacc_lab.store import Workspace, import_source

from conftest import TINY_FILES, write_practice_folder

#: the tiny practice with NO num_workers in [optimiser] (the default applies); one doctor on Fridays, which
#: only one partner may work (two would break the 66 % floor in phase 5)
DEFAULT_SETTINGS = TINY_FILES["settings.toml"].replace("num_workers = 1\n", "").replace("fri = 2", "fri = 1")
START, END = "2026-02-02", "2026-02-27"


def rota(path):
    return sorted((s.shift_id, s.clinician_id, s.date, s.shift_type.value, s.duration.value, s.status.value,
                   s.is_pinned, s.origin) for s in Workspace.open(path, read_only=True).load_snapshot().shifts)


def test_two_generations_with_the_default_settings_give_identical_rotas(tmp_path):
    assert "num_workers" not in DEFAULT_SETTINGS
    folder = write_practice_folder(tmp_path / "tiny", **{"settings.toml": DEFAULT_SETTINGS})
    out, rotas = [], []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.duckdb"
        import_source(path, folder, actor="t")
        assert Workspace.open(path).load_settings().optimiser.num_workers == 1
        r = CliRunner().invoke(app, ["generate", str(path), "--start", START, "--end", END, "--today", "2026-01-01",
                                     "--time-limit", "5", "--no-progress"])
        assert r.exit_code == 0, r.output
        out.append(r.output)
        rotas.append(rota(path))
        (run,) = Workspace.open(path, read_only=True).list_runs()
        assert run["params"]["mode"] == "reproducible" and run["stats"]["phase5"]["solver_params"]["workers"] == 1
    assert rotas[0] == rotas[1] and len(rotas[0]) > 10
    for text in out:
        assert "mode reproducible (seed 7, 1 CP-SAT worker, deterministic time limit)" in text, text
    objective = [line for line in out[0].splitlines() if line.startswith("phase 5: status")]
    assert objective and objective == [line for line in out[1].splitlines() if line.startswith("phase 5: status")]


def test_a_parallel_run_says_plainly_that_it_is_not_reproducible(tmp_path):
    path = tmp_path / "p.duckdb"
    import_source(path, write_practice_folder(tmp_path / "tiny", **{"settings.toml": DEFAULT_SETTINGS}), actor="t")
    r = CliRunner().invoke(app, ["generate", str(path), "--start", START, "--end", END, "--today",
                                 "2026-01-01", "--time-limit", "2", "--workers", "2", "--no-progress"])
    assert r.exit_code == 0, r.output
    assert "mode parallel (2 CP-SAT workers, wall-clock limit): NOT reproducible" in r.output
    assert "use --workers 1" in r.output


def test_the_defaults_and_the_demo_practice_are_reproducible():
    from rotacc_lab.commands.demo import demo_folder

    assert OptimiserSettings().num_workers == 1
    demo = tomllib.loads((demo_folder() / "settings.toml").read_text(encoding="utf-8"))
    assert demo["optimiser"]["num_workers"] == 1
