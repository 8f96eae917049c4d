"""Which workspaces a served dashboard may open (see docs/dashboards.md, "Who can see the dashboards").

``rotacc-lab dashboards`` passes the workspaces given on its command line
(``ROTACC_ALLOWED_WORKSPACES``, paths joined by ``os.pathsep``) and the
configured folder (``ROTACC_WORKSPACE_DIR``) to the dashboards' kernels. With
either variable set, the Workspace box lists and opens only those files and the
``*.duckdb`` files inside that folder; anything else is refused with a message
saying how to serve it. With neither set (a dashboard run in the user's own
JupyterLab kernel), every path is allowed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import RotaccError

ENV_ALLOWED = "ROTACC_ALLOWED_WORKSPACES"
ENV_FOLDER = "ROTACC_WORKSPACE_DIR"


def _resolved(path: str | os.PathLike) -> Path:
    return Path(path).expanduser().resolve()


@dataclass(frozen=True)
class WorkspacePolicy:
    """The workspaces a dashboard may open: ``files`` plus ``*.duckdb`` inside ``folder``."""

    files: frozenset[Path] = frozenset()
    folder: Path | None = None
    restricted: bool = False

    @classmethod
    def serving(cls, files: Iterable[str | os.PathLike] = (), folder: str | os.PathLike | None = None) -> "WorkspacePolicy":
        """The restricted policy of a server started with ``files`` and ``folder``."""
        return cls(frozenset(_resolved(f) for f in files), _resolved(folder) if folder else None, True)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "WorkspacePolicy":
        """The policy the server put in the environment (unrestricted when it put none)."""
        env = os.environ if env is None else env
        if ENV_ALLOWED not in env and ENV_FOLDER not in env:
            return cls()
        files = [p for p in env.get(ENV_ALLOWED, "").split(os.pathsep) if p.strip()]
        return cls.serving(files, env.get(ENV_FOLDER) or None)

    def to_env(self) -> dict[str, str]:
        """The environment variables that carry this policy to the kernels."""
        env = {ENV_ALLOWED: os.pathsep.join(sorted(str(f) for f in self.files))}
        if self.folder is not None:
            env[ENV_FOLDER] = str(self.folder)
        return env

    def allows(self, path: str | os.PathLike) -> bool:
        """Whether ``path`` (after resolving ``~``, ``..`` and symlinks) may be opened."""
        if not self.restricted:
            return True
        target = _resolved(path)
        if target in self.files:
            return True
        return self.folder is not None and target.suffix == ".duckdb" and target.is_relative_to(self.folder)

    def check(self, path: str | os.PathLike) -> None:
        """Raise ``RotaccError`` naming the path and what is served when ``path`` may not be opened."""
        if self.allows(path):
            return
        offered = [str(f) for f in sorted(self.files)]
        if self.folder is not None:
            offered.append(f"the *.duckdb files in {self.folder}")
        served = ", ".join(offered) if offered else "no workspace"
        raise RotaccError(
            f"Workspace {path} is not served by this dashboard server: it opens only {served}. "
            "To open it, restart `rotacc-lab dashboards` with --workspace pointing at it or "
            "--workspace-dir at the folder holding it."
        )

    def offered(self) -> list[Path]:
        """The workspaces to offer when nothing is typed (empty when unrestricted)."""
        if not self.restricted:
            return []
        found = set(self.files)
        if self.folder is not None:
            try:
                found.update(p.resolve() for p in self.folder.glob("*.duckdb") if p.is_file())
            except OSError:
                pass
        return sorted(p for p in found if self.allows(p))  # a symlink out of the folder is not offered
