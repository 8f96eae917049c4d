"""Read a workspace's activity series for forecasting (the workspace's UK nation decides the bank holidays)."""

from __future__ import annotations

from pathlib import Path

from ..activity import ActivitySeries
from ..errors import RotaccError


def load_series(workspace: str | Path, series: str | None = None) -> tuple[ActivitySeries, str]:
    """(the series, the workspace's UK nation); without ``series`` the only stored one."""
    from ..store import Workspace
    from ..store.activity import load_activity

    ws = Workspace.open(workspace, read_only=True)
    stored = load_activity(ws)
    if not stored:
        raise RotaccError(f"{workspace} holds no activity to forecast; add some with "
                          f"`rotacc-lab activity import {workspace} FILE.csv`")
    if series is None:
        if len(stored) > 1:
            raise RotaccError(f"--series: {workspace} holds {len(stored)} series ({', '.join(stored)}); name one")
        series = next(iter(stored))
    if series not in stored:
        raise RotaccError(f"--series: {series!r} is not stored in {workspace}; stored: {', '.join(stored)}")
    try:
        nation = ws.load_settings().uk_nation.value.lower()
    except Exception:  # a workspace kind without practice settings: English bank holidays
        nation = "england"
    return stored[series], nation
