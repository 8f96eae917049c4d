"""Notebook parameters: the validation cell of every notebook calls a ``validate_*`` function from here.

A bad papermill run stops in the first cell after the parameters with a
one-line :class:`ParameterError` naming the parameter, the value and what is
accepted. Generation parameters (phases, seed, time limit, weights, workers)
are checked by the same parsers as the CLI and sweeps
(:mod:`rotacc_lab.generation.request`), so the messages are the same
everywhere. Imports stay light (no polars/altair/ortools).
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..errors import RotaccError

if TYPE_CHECKING:  # heavy imports only for type checkers
    from ..domain import OptimiserSettings
    from ..generation.request import GenerationRequest

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

#: tag of the validation cell in every notebook (tests check that bad parameters stop there)
VALIDATE_TAG = "validate-parameters"


class ParameterError(RotaccError, ValueError):
    """A notebook parameter is wrong; the message names it, the value given and what is accepted."""


# --------------------------------------------------------------------------- scalar validators


def validate_workspace(workspace: object, *, param: str = "workspace", must_exist: bool = True) -> Path:
    """A path to an existing rotacc-lab workspace file (opened read-only once to check it)."""
    __tracebackhide__ = True  # IPython hides this frame: the notebook shows the message, not our internals
    if workspace is None or (isinstance(workspace, str) and not workspace.strip()):
        raise ParameterError(f"{param}: missing; give the path of a workspace file (.duckdb)")
    if not isinstance(workspace, (str, Path)):
        raise ParameterError(f"{param}: {workspace!r} is not a path; give the path of a workspace file (.duckdb)")
    from ..resources import project_path

    path = project_path(workspace)  # relative: from the project root, wherever the kernel started
    if not must_exist:
        return path
    if not path.is_file():
        raise ParameterError(
            f"{param}: {str(workspace)!r} does not exist; give the path of a workspace file "
            "(create one with `rotacc-lab import WORKSPACE SOURCE`)"
        )
    from ..errors import WorkspaceBusy
    from ..store import Workspace

    try:
        Workspace.open(path, read_only=True)
    except WorkspaceBusy:
        raise
    except RotaccError as err:
        raise ParameterError(f"{param}: {str(workspace)!r} is not a usable rotacc-lab workspace: {err}") from None
    return path


def _checked(parser: Callable[..., Any], *args: Any) -> Any:
    """Run one of the shared parsers (dates, generation parameters); its message becomes a ParameterError."""
    __tracebackhide__ = True
    try:
        return parser(*args)
    except ValueError as err:
        raise ParameterError(str(err)) from None


def parse_date(value: object, param: str) -> date:
    """A ``date`` or a ``YYYY-MM-DD`` string (:func:`rotacc_lab.dates.parse_date`, the one strict parser)."""
    __tracebackhide__ = True
    from ..dates import parse_date as strict

    return _checked(strict, value, param)


def validate_range(start: object, end: object) -> tuple[date, date]:
    """``(start, end)`` as dates with ``start <= end``."""
    __tracebackhide__ = True
    d0, d1 = parse_date(start, "start"), parse_date(end, "end")
    if d0 > d1:
        raise ParameterError(f"start: {d0} is after end {d1}; give a start on or before the end")
    return d0, d1


def validate_month(month: object) -> tuple[date, date]:
    """``"YYYY-MM"`` -> (first day, last day) of that month."""
    __tracebackhide__ = True
    m = _MONTH.match(month.strip()) if isinstance(month, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ParameterError(f"month: {month!r} is not accepted; give a month as YYYY-MM, e.g. 2026-03")
    year, mon = int(m.group(1)), int(m.group(2))
    return date(year, mon, 1), date(year, mon, _calendar.monthrange(year, mon)[1])


def validate_phases(phases: object) -> tuple[int, ...]:
    """Phase numbers from 1..6: a list of ints, ``"1,2,5"`` or ``"all"``/``None`` (every phase)."""
    __tracebackhide__ = True
    from ..generation.request import parse_phases

    return _checked(parse_phases, phases, "phases")


def validate_seed(seed: object) -> int:
    """The run's seed (phase 6 and CP-SAT): an integer >= 0."""
    __tracebackhide__ = True
    from ..generation.request import parse_seed

    return _checked(parse_seed, seed, "seed")


def validate_time_limit(time_limit: object, *, allow_none: bool = True) -> float | None:
    """Seconds for the CP-SAT solve (> 0), or ``None`` = the workspace setting."""
    __tracebackhide__ = True
    from ..generation.request import parse_time_limit

    if time_limit is None and not allow_none:
        raise ParameterError("time_limit: None is not accepted; give a number of seconds > 0")
    return _checked(parse_time_limit, time_limit, "time_limit")


def validate_weights(weights: object, *, param: str = "weights") -> dict[str, int] | None:
    """Objective weights as ``{"S5": 50, ...}``: a dict, a JSON object string, or ``None`` (= settings).

    Term names are accepted in any case; unknown names and values that are not
    whole numbers >= 0 are refused. Terms not given keep the workspace's weights.
    """
    __tracebackhide__ = True
    from ..generation.request import parse_weights

    if weights is None or (isinstance(weights, str) and not weights.strip()):
        return None
    return _checked(parse_weights, weights, param)


def validate_grid(grid: object) -> dict[str, list[int]] | list[dict[str, int]]:
    """A weight grid for :func:`rotacc_lab.tuning.sweep`.

    Either ``{"S5": [0, 50, 200], "S11": [100, 500]}`` (every combination) or a
    list of weight mappings (each one point). JSON strings are accepted.
    """
    __tracebackhide__ = True
    import json

    from ..generation.request import parse_term, parse_weight

    if isinstance(grid, str):
        try:
            grid = json.loads(grid)
        except json.JSONDecodeError as err:
            raise ParameterError(f"grid: not valid JSON ({err.msg}); give e.g. "
                                 '{"S5": [0, 50, 200], "S11": [100, 500]}') from None
    if isinstance(grid, Mapping):
        if not grid:
            raise ParameterError("grid: empty; give at least one term with a list of weights")
        out: dict[str, list[int]] = {}
        for key, values in grid.items():
            name = _checked(parse_term, key, "grid")
            if isinstance(values, (int, float)) and not isinstance(values, bool):
                values = [values]
            if not isinstance(values, (list, tuple)) or not values:
                raise ParameterError(f"grid.{name}: {values!r} is not accepted; give a non-empty list of weights")
            out[name] = sorted({_checked(parse_weight, name, v, "grid") for v in values})
        return out
    if isinstance(grid, (list, tuple)) and grid:
        points = []
        for i, point in enumerate(grid):
            w = validate_weights(point, param=f"grid[{i}]")
            if w is None:
                raise ParameterError(f"grid[{i}]: empty; give a mapping of term name to weight")
            points.append(w)
        return points
    raise ParameterError(f"grid: {grid!r} is not accepted; give a mapping of term name to a list of weights, "
                         "or a list of weight mappings")


def validate_out_dir(out_dir: object, param: str = "out_dir") -> Path:
    """A folder to write into (created when missing; its parent must exist)."""
    __tracebackhide__ = True
    if not isinstance(out_dir, (str, Path)) or not str(out_dir).strip():
        raise ParameterError(f"{param}: {out_dir!r} is not a folder path")
    from ..private import make_private_dir
    from ..resources import project_path

    path = project_path(out_dir)
    if path.exists() and not path.is_dir():
        raise ParameterError(f"{param}: {str(out_dir)!r} exists and is not a folder")
    if not path.exists() and not path.parent.is_dir():
        raise ParameterError(f"{param}: the parent folder of {str(out_dir)!r} does not exist")
    make_private_dir(path)
    return path


# --------------------------------------------------------------------------- notebook parameter sets


@dataclass(frozen=True)
class GenerateParams:
    """Validated parameters of ``generate_rota.ipynb``."""

    workspace: Path
    start: date
    end: date
    phases: tuple[int, ...]
    seed: int
    time_limit: float | None
    weights: dict[str, int] | None
    overwrite: bool
    workers: int | None

    def request(self) -> "GenerationRequest":
        """These parameters as the GenerationRequest every entry point builds (same checks, same meaning)."""
        from ..generation.request import GenerationRequest

        return GenerationRequest.build(self.start, self.end, phases=self.phases, seed=self.seed,
                                       overwrite=self.overwrite, time_limit_seconds=self.time_limit,
                                       workers=self.workers, weights=self.weights)

    def optimiser(self) -> "OptimiserSettings":
        """The workspace's optimiser settings with this run's overrides applied."""
        from ..store import Workspace

        base = Workspace.open(self.workspace, read_only=True).load_settings().optimiser
        return self.request().optimiser(base)


def optimiser_settings(base: "OptimiserSettings", *, time_limit: float | None = None, seed: int | None = None,
                       weights: Mapping[str, int] | None = None, workers: int | None = None) -> "OptimiserSettings":
    """``base`` with the given overrides; ``weights`` update the base weights term by term."""
    from dataclasses import replace

    merged = dict(base.weights)
    merged.update(weights or {})
    return replace(
        base,
        time_limit_seconds=base.time_limit_seconds if time_limit is None else time_limit,
        seed=base.seed if seed is None else seed,
        num_workers=base.num_workers if workers is None else workers,
        weights=merged,
    )


def _bool(value: object, param: str) -> bool:
    __tracebackhide__ = True
    if not isinstance(value, bool):
        raise ParameterError(f"{param}: {value!r} is not accepted; give True or False")
    return value


def _workers(value: object) -> int | None:
    __tracebackhide__ = True
    from ..generation.request import parse_workers

    return None if value is None else _checked(parse_workers, value, "workers")


def validate_generate_params(workspace: object, start: object, end: object, phases: object = None,
                             seed: object = 0, time_limit: object = None, weights: object = None,
                             overwrite: object = False, workers: object = None) -> GenerateParams:
    """Check every parameter of ``generate_rota.ipynb`` (cheap checks first, the workspace last)."""
    __tracebackhide__ = True
    d0, d1 = validate_range(start, end)
    params = GenerateParams(
        workspace=Path(str(workspace)) if isinstance(workspace, (str, Path)) else Path("."),
        start=d0,
        end=d1,
        phases=validate_phases(phases),
        seed=validate_seed(seed),
        time_limit=validate_time_limit(time_limit),
        weights=validate_weights(weights),
        overwrite=_bool(overwrite, "overwrite"),
        workers=_workers(workers),
    )
    from dataclasses import replace

    return replace(params, workspace=validate_workspace(workspace))


@dataclass(frozen=True)
class ReportParams:
    """Validated parameters of ``monthly_report.ipynb``."""

    workspace: Path
    month: str
    start: date
    end: date


def validate_report_params(workspace: object, month: object) -> ReportParams:
    """Check ``monthly_report.ipynb``'s parameters; the month must overlap the workspace's data."""
    __tracebackhide__ = True
    d0, d1 = validate_month(month)
    path = validate_workspace(workspace)
    from ..reports._frames import data_extent
    from ..store import Workspace

    extent = data_extent(Workspace.open(path, read_only=True).load_snapshot())
    if extent is None:
        raise ParameterError(f"workspace: {str(workspace)!r} holds no dated data; import a practice first")
    lo, hi = extent
    if d1 < lo or d0 > hi:
        raise ParameterError(f"month: {month!r} is outside the workspace's data, which spans {lo}..{hi}; "
                             "give a month that overlaps it")
    return ReportParams(path, str(month).strip(), d0, d1)


@dataclass(frozen=True)
class WhatIfParams:
    """Validated parameters of ``what_if.ipynb`` (changes parsed and checked against the baseline)."""

    workspace: Path
    branch: Path
    replace_branch: bool
    start: date
    end: date
    changes: tuple[Any, ...]
    baseline_mode: str
    seed: int
    time_limit: float
    workers: int

    def request(self) -> "GenerationRequest":
        """The replan of the range, the same for the branch and the baseline: overwrite, the seed and limits."""
        from ..generation.request import GenerationRequest

        return GenerationRequest.build(self.start, self.end, seed=self.seed, overwrite=True,
                                       time_limit_seconds=self.time_limit, workers=self.workers, today=self.start)


#: how the what-if baseline rota is obtained
BASELINE_MODES = ("replan", "stored")


def validate_what_if_params(workspace: object, start: object, end: object, changes: object,
                            branch: object = None, replace_branch: object = True, baseline_mode: object = "replan",
                            seed: object = 0, time_limit: object = 5.0, workers: object = 1) -> WhatIfParams:
    """Check ``what_if.ipynb``'s parameters; each change is parsed and checked against the baseline."""
    __tracebackhide__ = True
    d0, d1 = validate_range(start, end)
    seed_ = validate_seed(seed)
    limit = validate_time_limit(time_limit, allow_none=False)
    n_workers = _workers(workers)
    replace_ = _bool(replace_branch, "replace_branch")
    if baseline_mode not in BASELINE_MODES:
        raise ParameterError(f"baseline_mode: {baseline_mode!r} is not accepted; give one of {', '.join(BASELINE_MODES)}")
    path = validate_workspace(workspace)
    from ..scenarios import ScenarioError, default_branch_path, parse_changes
    from ..store import Workspace

    target = default_branch_path(path) if branch is None else validate_workspace(branch, param="branch",
                                                                                  must_exist=False)
    if Path(target).resolve() == path.resolve():
        raise ParameterError(f"branch: {str(branch)!r} is the baseline workspace itself; give another path")
    try:
        parsed = parse_changes(changes, Workspace.open(path, read_only=True).load_snapshot())  # type: ignore[arg-type]
    except ScenarioError as err:
        raise ParameterError(str(err)) from None
    if not parsed:
        raise ParameterError("changes: empty; give at least one change, e.g. "
                             '[{"kind": "minimum", "weekday": "Mon", "doctors": 7}]')
    return WhatIfParams(path, Path(target), replace_, d0, d1, tuple(parsed), str(baseline_mode), seed_,
                        float(limit or 5.0), 1 if n_workers is None else n_workers)


@dataclass(frozen=True)
class TuningParams:
    """Validated parameters of ``objective_weights.ipynb``."""

    workspace: Path
    start: date
    end: date
    grid: Any
    seed: int
    time_limit: float
    save_to: Path | None


def validate_tuning_params(workspace: object, start: object, end: object, grid: object, seed: object = 0,
                           time_limit: object = 5.0, save_to: object = None) -> TuningParams:
    """Check ``objective_weights.ipynb``'s parameters (``save_to``: a workspace to save the chosen weights in)."""
    __tracebackhide__ = True
    d0, d1 = validate_range(start, end)
    g = validate_grid(grid)
    seed_ = validate_seed(seed)
    limit = validate_time_limit(time_limit, allow_none=False)
    path = validate_workspace(workspace)
    target = None if save_to is None else validate_workspace(save_to, param="save_to")
    return TuningParams(path, d0, d1, g, seed_, float(limit or 5.0), target)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the what-if notebook proves the baseline was not modified)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


