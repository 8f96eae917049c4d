"""Builders for the scale tests: small real workspaces and sweep specs written as TOML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rotacc_lab.store import import_source
from rotacc_lab.store.exporter import write_folder
from rotacc_lab.synth import tiny_practice

#: tiny_practice's default start: a Monday with no bank holiday nearby
START = date(2026, 3, 2)


def make_workspace(folder: Path, name: str = "tiny", *, n_partners: int = 4, weeks: int = 2) -> Path:
    """A real workspace file holding a hand-sized practice (imported through the store)."""
    snap = tiny_practice(n_partners=n_partners, weeks=weeks, start=START, percentages=(100, 80, 60, 40))
    src = write_folder(snap, folder / f"{name}-src")[0].parent
    path = folder / f"{name}.duckdb"
    import_source(path, src, actor="test")
    return path


def write_spec(folder: Path, body: str, name: str = "sweep.toml") -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


#: a grid over the tiny workspace: 3 scenarios (one impossible) x 2 weight settings x 2 seeds = 12 tasks
GRID_SPEC = """
workspaces = ["tiny.duckdb"]
start = 2026-03-02
end = 2026-03-13
seeds = [0, 7]
time_limit_seconds = 5
reproducible = true

[weights.default]
[weights.fair_mondays]
S2 = 400
S11 = 50

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "P02 at 40%"
changes = [{ kind = "wte", clinician_id = "P02", percentage = 40, effective_from = 2026-03-09 },
           { kind = "leave", clinician_id = "P01", start = 2026-03-04, end = 2026-03-05 }]

[[scenarios]]
name = "impossible mondays"
changes = [{ kind = "minimum", weekday = "Mon", doctors = 40 }]
"""
