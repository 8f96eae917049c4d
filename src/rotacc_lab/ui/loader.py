"""Load a workspace for a dashboard: read-only, short-lived, patient with a busy file.

DuckDB lets only one process write a file and, while it does, nobody may even
read it. A dashboard must therefore never hold a connection (it would block
every notebook and CLI command that writes) and must never crash because one
of them is writing. :func:`load_workspace` opens the workspace read-only, reads
the snapshot, the alerts and the meta table through the store (each a
connection that is closed before the call returns) and keeps the result in
memory. When the store gives up on a locked file (``WorkspaceBusy``, after its
own ``ROTACC_BUSY_TIMEOUT`` seconds of retries) the loader tells the caller
through ``on_busy`` — the dashboard shows "workspace busy, retrying…" — waits
with exponential back-off and tries again, until ``patience`` seconds are used
up.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Mapping

from ..domain import PracticeSnapshot
from ..errors import RotaccError, WorkspaceBusy, WorkspaceNotFound

#: back-off between attempts on a busy workspace, in seconds (the last value repeats)
BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)
#: seconds to keep trying a busy workspace before showing an error
DEFAULT_PATIENCE = 120.0


@dataclass(frozen=True)
class WorkspaceData:
    """Everything a dashboard reads from one workspace, held in memory."""

    path: Path
    snapshot: PracticeSnapshot
    alerts: tuple[Mapping[str, object], ...]
    meta: Mapping[str, str] = field(default_factory=dict)
    loaded_at: datetime = field(default_factory=datetime.now)

    @property
    def extent(self) -> tuple[date, date] | None:
        """Earliest and latest dated fact (see ``reports._frames.data_extent``), or ``None``."""
        from ..reports._frames import data_extent

        return data_extent(self.snapshot)

    @property
    def rota_span(self) -> tuple[date, date] | None:
        """First and last shift date, or the data's extent when there are no shifts.

        The default date range of a dashboard: terms often run for years beyond the
        rota, and a range full of empty weeks hides the rota it is meant to show.
        """
        dates = [s.date for s in self.snapshot.shifts]
        if dates:
            return min(dates), max(dates)
        return self.extent

    @property
    def branch_parent(self) -> str | None:
        """The workspace this one was branched from, when it is a branch."""
        return self.meta.get("branch_parent") or None


@dataclass(frozen=True)
class BusyEvent:
    """Passed to ``on_busy``: which attempt failed, how long we waited, how long until the next."""

    path: Path
    attempt: int
    waited: float
    retry_in: float
    reason: str


def _read(path: Path) -> WorkspaceData:
    from ..store.workspace import Workspace  # imported late: the store pulls in duckdb

    ws = Workspace.open(path, read_only=True)
    snapshot = ws.load_snapshot()
    alerts = tuple(ws.list_alerts())  # the open ones: a resolved alert is history, not news
    meta = ws.meta()
    return WorkspaceData(path=path, snapshot=snapshot, alerts=alerts, meta=meta)


def check_workspace_path(path: str | os.PathLike | None) -> Path:
    """The path as a ``Path``; ``WorkspaceNotFound`` with a clear message when it is empty, a folder or missing."""
    text = "" if path is None else str(path).strip()
    if not text:
        raise WorkspaceNotFound(
            "no workspace chosen; type the path of a .duckdb workspace (or a folder of them) "
            "in the Workspace box, or start the dashboards with ROTACC_WORKSPACE=PATH"
        )
    target = Path(text).expanduser()
    if target.is_dir():
        raise WorkspaceNotFound(f"{target} is a folder with no workspace chosen; pick a .duckdb file from the Branch list")
    if not target.exists():
        raise WorkspaceNotFound(
            f"workspace {target} does not exist; check the path, or create it with "
            f"`rotacc-lab import {target} SOURCE`"
        )
    return target


def load_workspace(
    path: str | os.PathLike | None,
    *,
    on_busy: Callable[[BusyEvent], None] | None = None,
    patience: float = DEFAULT_PATIENCE,
    backoff: tuple[float, ...] = BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
) -> WorkspaceData:
    """Read the workspace at ``path`` read-only into memory, retrying while it is busy.

    Raises ``WorkspaceNotFound`` for an empty/missing path, ``WorkspaceBusy``
    when the file stayed locked for ``patience`` seconds, and ``RotaccError``
    for a file that is not a readable workspace. ``should_stop`` lets a caller
    abandon the wait (e.g. the user picked another workspace meanwhile); the
    last ``WorkspaceBusy`` is raised then.
    """
    target = check_workspace_path(path)
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            return _read(target)
        except WorkspaceBusy as err:
            waited = time.monotonic() - started
            delay = backoff[min(attempt - 1, len(backoff) - 1)]
            if waited + delay > patience or should_stop():
                raise WorkspaceBusy(
                    f"workspace {target} is still busy after {waited:.0f} s ({attempt} attempts): another "
                    "process (a notebook, the CLI or a generation run) is writing to it. Click Reload once it "
                    "has finished."
                ) from err
            if on_busy is not None:
                on_busy(BusyEvent(target, attempt, waited, delay, str(err)))
            sleep(delay)
        except (WorkspaceNotFound, RotaccError):
            raise
        except Exception as err:  # duckdb or OS errors on a damaged / foreign file
            raise RotaccError(
                f"cannot read workspace {target}: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
            ) from err
