"""The folders shipped with rotacc-lab: ``notebooks/``, ``dashboards/`` and ``data/``.

In a checkout they are the repository's top-level folders. An installed wheel
carries them inside the package as ``rotacc_lab/_bundled/<folder>`` (see
``setup.py``), found here with :mod:`importlib.resources`. The packaged copy
wins when it exists; an editable install (``make setup``) has none and uses
the checkout's folders, so edits there are seen at once.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from .errors import RotaccError

#: the shipped folders
BUNDLED = ("notebooks", "dashboards", "data")


def bundled_dir(name: str) -> Path:
    """The shipped folder ``name`` (one of :data:`BUNDLED`) as a filesystem path."""
    if name not in BUNDLED:
        raise ValueError(f"unknown shipped folder {name!r}; known: {', '.join(BUNDLED)}")
    packaged = files("rotacc_lab") / "_bundled" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise RotaccError(
        f"the {name}/ folder shipped with rotacc-lab was not found (looked in {packaged} and {checkout}); "
        "reinstall the package"
    )


def checkout_root() -> Path | None:
    """The repository root when running from a checkout (editable install), else ``None``."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "src" / "rotacc_lab").is_dir() else None


#: environment variable naming the folder that relative notebook paths are resolved from
ENV_PROJECT_ROOT = "ROTACC_PROJECT_ROOT"


def project_root(cwd: Path | None = None) -> Path:
    """The folder relative notebook parameters (``workspace = "out/demo.duckdb"``) are resolved from.

    ``$ROTACC_PROJECT_ROOT`` when set; else, when the current folder is inside a
    checkout of rotacc-lab (a kernel started in ``notebooks/`` or ``dashboards/``
    by JupyterLab), the checkout's root; else the current folder.
    """
    override = os.environ.get(ENV_PROJECT_ROOT)
    if override:
        return Path(override).expanduser()
    here = (cwd or Path.cwd()).resolve()
    root = checkout_root()
    if root is not None and (here == root or root in here.parents):
        return root
    return here


def project_path(value: str | os.PathLike) -> Path:
    """``value`` as a path: ``~`` expanded; a relative path is taken from :func:`project_root`."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else project_root() / path
