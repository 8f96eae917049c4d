"""The folders shipped with rotacc-lab: ``notebooks/``, ``dashboards/`` and ``data/``.

In a checkout they are the repository's top-level folders. An installed wheel
carries them inside the package as ``rotacc_lab/_bundled/<folder>`` (see
``setup.py``), found here with :mod:`importlib.resources`. The packaged copy
wins when it exists; an editable install (``make setup``) has none and uses
the checkout's folders, so edits there are seen at once.
"""

from __future__ import annotations

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
