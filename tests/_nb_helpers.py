"""Fixtures for the notebook tests: the demo practice imported (and a short rota generated) once per session.

Test modules import the fixtures they use (``from _nb_helpers import demo_ws, ...``);
every test gets its own copy of the session's workspace files, so tests never
share a file they write to.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

#: the short range every notebook test uses (two weeks of March 2026, no bank holiday)
START = date(2026, 3, 2)
END = date(2026, 3, 13)
#: phase 5 time limit for the tests (reproducible mode, one worker)
TIME_LIMIT = 2.0


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def _nb_demo_template(tmp_path_factory) -> Path:
    """``data/demo`` imported once per session (never written to by tests)."""
    from rotacc_lab.store import import_source

    path = tmp_path_factory.mktemp("nb-demo") / "demo-template.duckdb"
    import_source(path, repo_root() / "data" / "demo", actor="fixture")
    return path


@pytest.fixture(scope="session")
def _nb_generated_template(_nb_demo_template: Path, tmp_path_factory) -> Path:
    """The demo with START..END generated (reproducible mode) once per session."""
    from rotacc_lab.domain import OptimiserSettings
    from rotacc_lab.generation.pipeline import generate
    from rotacc_lab.store import Workspace

    path = tmp_path_factory.mktemp("nb-generated") / "demo-generated.duckdb"
    shutil.copyfile(_nb_demo_template, path)
    base = Workspace.open(path, read_only=True).load_settings().optimiser
    opt = OptimiserSettings(TIME_LIMIT, 1, 0, base.weights)
    generate(path, START, END, actor="fixture", optimiser=opt, today=START)
    return path


def _copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture
def demo_ws(_nb_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the freshly imported demo workspace (path)."""
    return _copy(_nb_demo_template, tmp_path / "demo.duckdb")


@pytest.fixture
def generated_ws(_nb_generated_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace with START..END generated (path)."""
    return _copy(_nb_generated_template, tmp_path / "harbour.duckdb")
