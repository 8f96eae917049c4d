"""Scenario sweeps and multi-practice batches, serially or on Dask (see docs/scale.md).

``load_spec(path)`` reads and validates a sweep TOML file; ``run_sweep(spec, ...)``
runs the grid workspaces x scenarios x weight settings x seeds through the pure
generation ``plan`` and the admin reports, and ``write_results`` stores the
gathered table as DuckDB or Parquet.
"""

from .runner import SweepInterrupted, SweepResult, comparable, load_practices, run_sweep, write_results
from .spec import Scenario, SpecError, SweepSpec, TaskSpec, apply_change, load_spec, parse_spec
from .tasks import PARTNER_SCHEMA, RESULT_SCHEMA, pack_snapshot, run_task

__all__ = [
    "PARTNER_SCHEMA",
    "RESULT_SCHEMA",
    "Scenario",
    "SpecError",
    "SweepInterrupted",
    "SweepResult",
    "SweepSpec",
    "TaskSpec",
    "apply_change",
    "comparable",
    "load_practices",
    "load_spec",
    "pack_snapshot",
    "parse_spec",
    "run_sweep",
    "run_task",
    "write_results",
]
