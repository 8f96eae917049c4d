"""A Jupyter contents hook: the project's own notebooks are saved without outputs.

JupyterLab autosaves outputs into the notebook file, which would dirty the
tracked ``notebooks/*.ipynb`` and ``dashboards/*.ipynb`` after any session.
:func:`strip_outputs_pre_save` is registered as ``FileContentsManager.pre_save_hook``
by the ``jupyter_server_config.d/rotacc-lab.json`` file that the package installs
into the environment (``make setup`` does it), so it applies to every Jupyter
server started from the project's ``.venv``. It only touches notebooks inside
the ``notebooks/`` or ``dashboards/`` folder of a rotacc-lab checkout; any
other notebook a researcher saves keeps its outputs. The open session keeps
showing its outputs: only the file on disk is stripped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: the tracked notebook folders of a checkout
TRACKED_FOLDERS = ("notebooks", "dashboards")


def _is_checkout(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and 'name = "rotacc-lab"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def is_tracked_notebook(path: Path) -> bool:
    """True for ``<checkout>/notebooks/**.ipynb`` and ``<checkout>/dashboards/**.ipynb``."""
    path = Path(path).resolve()
    if path.suffix != ".ipynb":
        return False
    for parent in path.parents:
        if _is_checkout(parent):
            rel = path.relative_to(parent)
            return len(rel.parts) > 1 and rel.parts[0] in TRACKED_FOLDERS
    return False


def strip_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """``nb`` (nbformat JSON) with no outputs, execution counts or saved widget state."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def strip_outputs_pre_save(model: dict[str, Any], path: str, contents_manager: Any, **kwargs: Any) -> None:
    """``FileContentsManager.pre_save_hook``: strip a tracked notebook's outputs before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = Path(getattr(contents_manager, "root_dir", "."))
    if is_tracked_notebook(root / path.lstrip("/")):
        strip_notebook(model["content"])
