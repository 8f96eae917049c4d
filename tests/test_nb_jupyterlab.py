"""Notebooks in JupyterLab: relative defaults resolve from the project root, saves never dirty the repo.

* A kernel JupyterLab starts in ``notebooks/`` resolves ``workspace = "out/demo.duckdb"``
  from the checkout's root, not from ``notebooks/``.
* The Jupyter config installed into the environment (``make setup``; the wheel's
  data files) registers ``rotacc_lab.jupyter_hooks.strip_outputs_pre_save``: a real
  jupyter_server ``FileContentsManager`` configured from that file saves a tracked
  notebook without outputs and leaves other notebooks alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from rotacc_lab.notebook_support import ParameterError, validate_out_dir, validate_workspace
from rotacc_lab.resources import ENV_PROJECT_ROOT, checkout_root, project_path, project_root

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "rotacc-lab.json"


def test_the_checkout_root_is_found():
    assert checkout_root() == ROOT


@pytest.mark.parametrize("start", ["notebooks", "dashboards", "."])
def test_relative_paths_resolve_from_the_project_root_inside_the_checkout(monkeypatch, start):
    monkeypatch.delenv(ENV_PROJECT_ROOT, raising=False)
    monkeypatch.chdir(ROOT / start)
    assert project_root() == ROOT
    assert project_path("out/demo.duckdb") == ROOT / "out" / "demo.duckdb"


def test_outside_a_checkout_relative_paths_are_from_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_PROJECT_ROOT, raising=False)
    monkeypatch.chdir(tmp_path)
    assert project_path("out/demo.duckdb") == tmp_path.resolve() / "out" / "demo.duckdb"
    assert project_path(tmp_path / "abs.duckdb") == tmp_path / "abs.duckdb"


def test_notebook_parameters_use_the_project_root(monkeypatch, tmp_path, workspace):
    """The validators a notebook's first cell calls resolve a relative default from the project root."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "demo.duckdb").write_bytes(workspace.path.read_bytes())
    (tmp_path / "notebooks").mkdir()
    monkeypatch.setenv(ENV_PROJECT_ROOT, str(tmp_path))
    monkeypatch.chdir(tmp_path / "notebooks")  # where JupyterLab starts the kernel
    assert validate_workspace("out/demo.duckdb") == tmp_path / "out" / "demo.duckdb"
    assert validate_out_dir("out/reports") == tmp_path / "out" / "reports"
    with pytest.raises(ParameterError, match="'out/missing.duckdb' does not exist"):
        validate_workspace("out/missing.duckdb")


# --------------------------------------------------------------------------- outputs stripped on save


def _notebook_with_outputs() -> dict:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('hi')", execution_count=3,
                                     outputs=[nbformat.v4.new_output("stream", name="stdout", text="hi\n")])
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return json.loads(nbformat.writes(nb))


@pytest.fixture
def contents_manager(tmp_path):
    """A real FileContentsManager over a fake checkout, configured from the installed config file."""
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config.loader import JSONFileConfigLoader

    assert CONFIG.is_file(), f"{CONFIG} is missing; run `make setup`"
    config = JSONFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()
    assert config.FileContentsManager.pre_save_hook == "rotacc_lab.jupyter_hooks.strip_outputs_pre_save"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "rotacc-lab"\n')
    for folder in ("notebooks", "dashboards", "scratch"):
        (tmp_path / folder).mkdir()
    return FileContentsManager(root_dir=str(tmp_path), config=config)


@pytest.mark.parametrize("folder", ["notebooks", "dashboards"])
def test_a_tracked_notebook_is_saved_without_outputs(contents_manager, tmp_path, folder):
    model = {"type": "notebook", "format": "json", "content": _notebook_with_outputs()}
    contents_manager.save(model, f"{folder}/report.ipynb")
    saved = json.loads((tmp_path / folder / "report.ipynb").read_text())
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "widgets" not in saved["metadata"]
    assert "".join(code[0]["source"]) == "print('hi')", "the code itself is kept"


def test_other_notebooks_keep_their_outputs(contents_manager, tmp_path):
    model = {"type": "notebook", "format": "json", "content": _notebook_with_outputs()}
    contents_manager.save(model, "scratch/mine.ipynb")
    saved = json.loads((tmp_path / "scratch" / "mine.ipynb").read_text())
    assert saved["cells"][1]["outputs"] and saved["cells"][1]["execution_count"] == 3
