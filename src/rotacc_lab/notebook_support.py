"""What the papermill notebooks call: parameter validation, progress, display and execution helpers.

The notebooks under ``notebooks/`` are thin: a papermill ``parameters`` cell,
then ONE validation cell that calls a ``validate_*`` function from here, then
library calls and presentation. Validation raises :class:`ParameterError`
whose message names the parameter, the bad value and what is accepted, so a
bad papermill run stops in the first cell after the parameters with a one-line
reason instead of a traceback from deep inside the pipeline.

Module-level imports are kept light (no polars/altair/ortools): the validation
cell imports this module first and should fail fast.

Execution helpers:

* :func:`execute_notebook` runs a notebook with papermill (no papermill
  progress bar; callers show their own);
* :func:`export_html` renders an executed notebook to HTML with nbconvert's
  ``HTMLExporter`` (no input cells, no prompts, images embedded) and turns the
  Vega-Lite chart outputs into HTML that draws them;
* :func:`run_monthly_report` = both, for ``notebooks/monthly_report.ipynb``.
"""

from __future__ import annotations

import calendar as _calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .errors import RotaccError
from .private import make_private_dir, reserve_private, write_private_text

if TYPE_CHECKING:  # heavy imports only for type checkers
    import polars as pl

    from .domain import OptimiserSettings, PracticeSnapshot

#: the soft-term names the optimiser accepts weights for (S1..S13)
_TERMS = tuple(f"S{i}" for i in range(1, 14))
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

#: tag of the validation cell in every notebook (tests check that bad parameters stop there)
VALIDATE_TAG = "validate-parameters"

#: cells with this tag are left out of the exported HTML (notebook introductions, the parameter echo)
HIDE_TAG = "report-hide"

#: MIME type of the Vega-Lite 5 renderer bundled with JupyterLab / Voila (see rotacc_lab.ui.widgets)
VEGALITE_MIME = "application/vnd.vegalite.v5+json"


class ParameterError(RotaccError, ValueError):
    """A notebook parameter is wrong; the message names it, the value given and what is accepted."""


class NotebookFailed(RotaccError):
    """A notebook run raised; the message names the notebook, the cell and the error it raised."""

    def __init__(self, message: str, *, ename: str = "", evalue: str = "", cell_index: int | None = None,
                 output: Path | None = None):
        super().__init__(message)
        self.ename = ename
        self.evalue = evalue
        self.cell_index = cell_index
        self.output = output


# --------------------------------------------------------------------------- scalar validators


def validate_workspace(workspace: object, *, param: str = "workspace", must_exist: bool = True) -> Path:
    """A path to an existing rotacc-lab workspace file (opened read-only once to check it)."""
    __tracebackhide__ = True  # IPython hides this frame: the notebook shows the message, not our internals
    if workspace is None or (isinstance(workspace, str) and not workspace.strip()):
        raise ParameterError(f"{param}: missing; give the path of a workspace file (.duckdb)")
    if not isinstance(workspace, (str, Path)):
        raise ParameterError(f"{param}: {workspace!r} is not a path; give the path of a workspace file (.duckdb)")
    from .resources import project_path

    path = project_path(workspace)  # relative: from the project root, wherever the kernel started
    if not must_exist:
        return path
    if not path.is_file():
        raise ParameterError(
            f"{param}: {str(workspace)!r} does not exist; give the path of a workspace file "
            "(create one with `rotacc-lab import WORKSPACE SOURCE`)"
        )
    from .errors import WorkspaceBusy
    from .store import Workspace

    try:
        Workspace.open(path, read_only=True)
    except WorkspaceBusy:
        raise
    except RotaccError as err:
        raise ParameterError(f"{param}: {str(workspace)!r} is not a usable rotacc-lab workspace: {err}") from None
    return path


def parse_date(value: object, param: str) -> date:
    """A ``date`` or an ISO ``YYYY-MM-DD`` string."""
    __tracebackhide__ = True
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(f"{param}: {value!r} is not a date; give YYYY-MM-DD, e.g. 2026-03-02")


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
    if phases is None or (isinstance(phases, str) and phases.strip().lower() in ("", "all")):
        return (1, 2, 3, 4, 5, 6)
    items: Iterable[object]
    if isinstance(phases, str):
        items = [p.strip() for p in phases.split(",") if p.strip()]
    elif isinstance(phases, int) and not isinstance(phases, bool):
        items = [phases]
    elif isinstance(phases, (list, tuple)):
        items = phases
    else:
        raise ParameterError(f"phases: {phases!r} is not accepted; give a list of phase numbers from 1..6 or 'all'")
    out: set[int] = set()
    for p in items:
        n = int(p) if isinstance(p, str) and p.isdigit() else p
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 6:
            raise ParameterError(f"phases: {p!r} is not a phase; accepted: 1, 2, 3, 4, 5, 6 (or 'all')")
        out.add(n)
    if not out:
        raise ParameterError("phases: empty; give phase numbers from 1..6 or 'all'")
    return tuple(sorted(out))


def validate_seed(seed: object) -> int:
    __tracebackhide__ = True
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed: {seed!r} is not accepted; give an integer >= 0")
    return seed


def validate_time_limit(time_limit: object, *, allow_none: bool = True) -> float | None:
    """Seconds for the CP-SAT solve (> 0), or ``None`` = the workspace setting."""
    __tracebackhide__ = True
    if time_limit is None and allow_none:
        return None
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not time_limit > 0:
        raise ParameterError(f"time_limit: {time_limit!r} is not accepted; give a number of seconds > 0"
                             + (" or None for the workspace setting" if allow_none else ""))
    return float(time_limit)


def _weight_value(name: str, value: object, param: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{param}.{name}: {value!r} is not a number; give an integer >= 0")
    if isinstance(value, float) and not value.is_integer():
        raise ParameterError(f"{param}.{name}: {value!r} is not a whole number; give an integer >= 0")
    if value < 0:
        raise ParameterError(f"{param}.{name}: {value!r} is negative; give an integer >= 0")
    return int(value)


def validate_weights(weights: object, *, param: str = "weights") -> dict[str, int] | None:
    """Objective weights as ``{"S5": 50, ...}``: a dict, a JSON object string, or ``None`` (= settings).

    Term names are accepted in any case; unknown names and values that are not
    whole numbers >= 0 are refused. Terms not given keep the workspace's weights.
    """
    __tracebackhide__ = True
    if weights is None or (isinstance(weights, str) and not weights.strip()):
        return None
    if isinstance(weights, str):
        try:
            weights = json.loads(weights)
        except json.JSONDecodeError as err:
            raise ParameterError(
                f"{param}: {weights!r} is not valid JSON ({err.msg}); give an object such as "
                '{"S5": 50, "S11": 500}'
            ) from None
    if not isinstance(weights, Mapping):
        raise ParameterError(f"{param}: {weights!r} is not accepted; give a mapping of term name to weight, "
                             'e.g. {"S5": 50, "S11": 500}, or None')
    out: dict[str, int] = {}
    unknown = []
    for key, value in weights.items():
        name = str(key).strip().upper()
        if name not in _TERMS:
            unknown.append(str(key))
            continue
        out[name] = _weight_value(name, value, param)
    if unknown:
        raise ParameterError(f"{param}: unknown term name(s) {', '.join(map(repr, unknown))}; "
                             f"accepted: {', '.join(_TERMS)}")
    return out


def validate_grid(grid: object) -> dict[str, list[int]] | list[dict[str, int]]:
    """A weight grid for :func:`rotacc_lab.tuning.sweep`.

    Either ``{"S5": [0, 50, 200], "S11": [100, 500]}`` (every combination) or a
    list of weight mappings (each one point). JSON strings are accepted.
    """
    __tracebackhide__ = True
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
            name = str(key).strip().upper()
            if name not in _TERMS:
                raise ParameterError(f"grid: unknown term name {key!r}; accepted: {', '.join(_TERMS)}")
            if isinstance(values, (int, float)) and not isinstance(values, bool):
                values = [values]
            if not isinstance(values, (list, tuple)) or not values:
                raise ParameterError(f"grid.{name}: {values!r} is not accepted; give a non-empty list of weights")
            out[name] = sorted({_weight_value(name, v, "grid") for v in values})
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
    from .resources import project_path

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

    def optimiser(self) -> "OptimiserSettings":
        """The workspace's optimiser settings with this run's overrides applied."""
        from .store import Workspace

        base = Workspace.open(self.workspace, read_only=True).load_settings().optimiser
        return optimiser_settings(base, time_limit=self.time_limit, seed=self.seed, weights=self.weights,
                                  workers=self.workers)


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
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParameterError(f"workers: {value!r} is not accepted; give an integer >= 0 (1 = reproducible) or None")
    return value


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
    from .reports._frames import data_extent
    from .store import Workspace

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
    from .scenarios import ScenarioError, default_branch_path, parse_changes
    from .store import Workspace

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


# --------------------------------------------------------------------------- progress


class PhaseBar:
    """A ``tqdm.auto`` bar over the generation phases (a widget in Jupyter, text elsewhere).

    Pass the instance as ``progress=`` to ``generate``/``plan``: phase events
    advance it, optimiser events show the objective and bound.
    """

    def __init__(self, phases: Sequence[int], desc: str = "generate", **tqdm_kwargs: Any):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=len(phases), unit="phase", desc=desc, **tqdm_kwargs)

    def __call__(self, event: Any) -> None:
        from .generation.pipeline import PhaseProgress

        if isinstance(event, PhaseProgress):
            if event.stage == "start":
                self.bar.set_description(f"phase {event.phase}")
            else:
                self.bar.update(1)
        elif hasattr(event, "objective"):
            self.bar.set_postfix(objective=event.objective, bound=getattr(event, "bound", None), refresh=False)

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> "PhaseBar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- rota frames and charts


#: colours of the rota calendar, in legend order
CALENDAR_KINDS = {
    "DUTY": "#c0504d",
    "STANDARD": "#4f81bd",
    "STANDARD (half)": "#9bbbe0",
    "STUDY_LEAVE": "#8064a2",
    "CORONERS": "#4bacc6",
    "LEAVE": "#f2c14e",
    "SICK": "#7f7f7f",
}


def rota_calendar_frame(snapshot: "PracticeSnapshot", start: date, end: date) -> "pl.DataFrame":
    """One row per (clinician, day) in ``[start, end]`` that has a live shift, approved leave or sickness.

    Columns: ``clinician_id, name, date, kind`` where ``kind`` is the shift type
    (``"STANDARD (half)"`` for a half-day standard shift), else ``LEAVE`` or
    ``SICK``. A shift wins over leave on the same day (it is what happens).
    """
    import polars as pl

    from .domain import Duration, LeaveStatus, ShiftStatus, ShiftType

    rows: dict[tuple[str, date], str] = {}
    for lv in snapshot.leave:
        if lv.status is LeaveStatus.APPROVED and lv.start_date <= end and lv.end_date >= start:
            for d in _days(max(lv.start_date, start), min(lv.end_date, end)):
                if d.weekday() < 5:
                    rows[(lv.clinician_id, d)] = "LEAVE"
    for sk in snapshot.sick_leave:
        hi = end if sk.end_date is None else min(sk.end_date, end)
        for d in _days(max(sk.start_date, start), hi):
            if d.weekday() < 5:
                rows[(sk.clinician_id, d)] = "SICK"
    for s in snapshot.shifts:
        if s.status is ShiftStatus.CANCELLED or not start <= s.date <= end:
            continue
        kind = s.shift_type.value
        if s.shift_type is ShiftType.STANDARD and s.duration is Duration.HALF:
            kind = "STANDARD (half)"
        rows[(s.clinician_id, s.date)] = kind
    names = {c.clinician_id: c.name for c in snapshot.clinicians}
    keys = sorted(rows)
    return pl.DataFrame(
        {
            "clinician_id": [k[0] for k in keys],
            "name": [names.get(k[0], k[0]) for k in keys],
            "date": [k[1] for k in keys],
            "kind": [rows[k] for k in keys],
        },
        schema={"clinician_id": pl.String, "name": pl.String, "date": pl.Date, "kind": pl.String},
    )


def _days(lo: date, hi: date) -> Iterable[date]:
    from datetime import timedelta

    d = lo
    while d <= hi:
        yield d
        d += timedelta(days=1)


def rota_calendar_runs(frame: "pl.DataFrame") -> "pl.DataFrame":
    """``rota_calendar_frame`` rows merged into runs: one row per clinician and stretch of consecutive
    days of the same kind (a bar never covers a day without that kind, so weekends split runs).

    Columns ``clinician_id, name, kind, start, end`` (``end`` exclusive, the day after the
    run's last day) and ``days``. A year of a 100-clinician practice is about half as many runs
    as day cells, so the chart has fewer marks to draw.
    """
    import polars as pl
    from datetime import timedelta

    rows: list[dict] = []
    for r in frame.sort("clinician_id", "date").iter_rows(named=True):
        last = rows[-1] if rows else None
        d = r["date"]
        gap = (d - last["_last"]).days if last else None
        if last and last["clinician_id"] == r["clinician_id"] and last["kind"] == r["kind"] and gap == 1:
            last["_last"] = d
            last["days"] += 1
        else:
            rows.append({"clinician_id": r["clinician_id"], "name": r["name"], "kind": r["kind"], "start": d,
                         "_last": d, "days": 1})
    schema = {"clinician_id": pl.String, "name": pl.String, "kind": pl.String, "start": pl.Date, "end": pl.Date,
              "days": pl.Int64}
    return pl.DataFrame([{**{k: v for k, v in r.items() if k != "_last"}, "end": r["_last"] + timedelta(days=1)}
                         for r in rows], schema=schema)


def rota_calendar_chart(frame: "pl.DataFrame", title: str = "Rota") -> Any:
    """Altair calendar: clinician (rows) × date, one bar per run of days coloured by shift type / absence.

    ``frame`` is :func:`rota_calendar_frame`'s; consecutive working days of the same
    kind are drawn as one bar (:func:`rota_calendar_runs`), so a large practice's year
    stays within a few thousand marks.
    """
    from ._alt import alt

    if frame.height == 0:
        import polars as pl

        return (alt.Chart(pl.DataFrame({"text": [f"{title}: nothing scheduled in this range"]}))
                .mark_text(align="left").encode(text="text:N").properties(title=title, height=30))
    kinds = [k for k in CALENDAR_KINDS if k in set(frame["kind"].to_list())]
    days = frame["date"].n_unique()
    runs = rota_calendar_runs(frame)
    return (
        alt.Chart(runs)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("start:T", title="Date", axis=alt.Axis(labelAngle=-90, labelOverlap=True, format="%d %b")),
            x2="end:T",
            y=alt.Y("clinician_id:N", title="Clinician", sort="ascending"),
            color=alt.Color("kind:N", title="Shift / absence",
                            scale=alt.Scale(domain=kinds, range=[CALENDAR_KINDS[k] for k in kinds])),
            tooltip=["clinician_id", "name", "kind", alt.Tooltip("start:T", title="from"),
                     alt.Tooltip("end:T", title="until (exclusive)"), "days"],
        )
        .properties(title=title, width=min(1600, max(420, 14 * days)), height=alt.Step(16))
    )


def run_alerts_frame(workspace: str | Path, run_id: int) -> "pl.DataFrame":
    """The alerts one generation run raised: ``severity, kind, date, clinician_id, message``."""
    import polars as pl

    from .store import Workspace

    rows = [a for a in Workspace.open(workspace, read_only=True).list_alerts() if a["run_id"] == run_id]
    schema = {"severity": pl.String, "kind": pl.String, "date": pl.Date, "clinician_id": pl.String,
              "message": pl.String}
    return pl.DataFrame([{k: a[k] for k in schema} for a in rows], schema=schema)


# --------------------------------------------------------------------------- display


def show_chart(chart: Any) -> None:
    """Display an Altair chart as Vega-Lite 5 display data.

    JupyterLab and Voila draw it offline with their bundled renderer;
    :func:`export_html` turns it into HTML for the exported report.
    """
    from IPython.display import display

    from .ui.widgets import chart_output

    out = chart_output(chart)
    display(out["data"], raw=True, metadata=out["metadata"])


def show_table(frame: "pl.DataFrame", max_rows: int = 400) -> None:
    """Display a polars frame as a full HTML table (up to ``max_rows`` rows), readable in the exported HTML."""
    from IPython.display import HTML, display

    from .ui.widgets import table_html

    display(HTML(table_html(frame, max_rows=max_rows)))


def show_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


#: report name -> short heading for the monthly report
REPORT_HEADINGS = {
    "staffing-overview": "Staffing: were there enough doctors each day?",
    "weekly-availability": "Weekly availability: how each working day was spent",
    "partner-wte": "Partner WTE: target, worked and scheduled",
    "partner-wte-availability": "Fair share of shifts by availability",
    "partner-wte-availability-chart": "Fair share of shifts by availability (chart)",
    "monday-balance": "Mondays: are they shared fairly?",
    "duty-fairness": "Duty: who carried it?",
    "remaining-leave": "Annual leave remaining",
    "alerts": "Alerts raised by generation runs",
}


def _fmt(x: object) -> str:
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def report_narrative(result: Any) -> str:
    """One or two sentences that say what a computed report shows (figures taken from its frame)."""
    import polars as pl

    f: pl.DataFrame = result.frame
    name = result.name
    if f.height == 0:
        return "No rows in this month."
    if name == "staffing-overview":
        below = int(f["below_minimum"].sum())
        floor = int(f["below_66"].sum())
        worst = f.sort("surplus").row(0, named=True)
        text = f"{f.height} working day(s); {below} below the minimum, {floor} below the 66 % floor."
        if below:
            text += f" Worst: {worst['date']} ({_fmt(worst['doctors_working'])} of {worst['minimum']} needed)."
        return text
    if name == "weekly-availability":
        weeks = f.select("week", "week_surplus").unique().sort("week")
        short = weeks.filter(pl.col("week_surplus") < 0).height
        return f"{weeks.height} week(s); {short} with fewer doctor-days than the weekly minimum."
    if name == "partner-wte":
        counts = f.group_by("status").len().sort("status")
        parts = ", ".join(f"{r['len']} {r['status']}" for r in counts.iter_rows(named=True))
        return f"{f.height} partner(s): {parts}."
    if name.startswith("partner-wte-availability"):
        total = result.notes.get("sum_abs_fair_difference")
        top = f.sort(pl.col("fair_difference").abs(), descending=True).row(0, named=True)
        return (f"Σ |fair difference| = {_fmt(total)} shifts; furthest from a fair share: {top['clinician_id']} "
                f"({_fmt(top['fair_difference'])}).")
    if name == "monday-balance":
        return (f"{f.height} partner(s); Monday-equivalency spread {_fmt(float(f['spread'].max() or 0))} "
                "(max − min of Mondays ÷ WTE).")
    if name == "duty-fairness":
        dev = f.filter(pl.col("deviation").is_not_null())
        if dev.height == 0:
            return f"{f.height} clinician(s); no duty recorded."
        top = dev.sort(pl.col("deviation").abs(), descending=True).row(0, named=True)
        return (f"{_fmt(float(f['duty_days'].sum()))} duty day(s) over {f.height} clinician(s); largest WTE-adjusted "
                f"deviation from the mean: {top['clinician_id']} ({_fmt(top['deviation'])}).")
    if name == "remaining-leave":
        col = "remaining_including_pending"
        known = f.filter(pl.col(col).is_not_null())
        if known.height == 0:
            return f"{f.height} clinician(s); no entitlements recorded."
        low = known.sort(col).row(0, named=True)
        return f"{f.height} clinician(s); least remaining (pending included): {low['clinician_id']} ({_fmt(low[col])} {low.get('unit') or ''})."
    if name == "alerts":
        counts = f.group_by("severity").len().sort("severity")
        return f"{f.height} alert(s): " + ", ".join(f"{r['len']} {r['severity']}" for r in counts.iter_rows(named=True)) + "."
    return f"{f.height} row(s)."


def show_report(result: Any, *, with_table: bool = True) -> None:
    """Heading, narrative, chart (if any), notes and table of one computed report."""
    heading = REPORT_HEADINGS.get(result.name, result.name)
    show_markdown(f"## {heading}\n\n*{result.spec.description}*\n\n{report_narrative(result)}")
    chart = result.chart()
    if chart is not None:
        show_chart(chart)
    if with_table:
        show_table(result.frame)


# --------------------------------------------------------------------------- execution and HTML export


def notebooks_dir() -> Path:
    """The ``notebooks/`` folder shipped with the package (the checkout's, in an editable install)."""
    from .resources import bundled_dir

    return bundled_dir("notebooks")


def notebook_path(name: str) -> Path:
    """``notebooks/<name>.ipynb`` (``name`` with or without the suffix)."""
    stem = name[:-6] if name.endswith(".ipynb") else name
    path = notebooks_dir() / f"{stem}.ipynb"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in notebooks_dir().glob("*.ipynb")))
        raise RotaccError(f"notebook {name!r} does not exist; known notebooks: {known}")
    return path


def execute_notebook(notebook: str | Path, output: str | Path, parameters: Mapping[str, Any], *,
                     timeout: float | None = 600, cwd: str | Path | None = None) -> Path:
    """Execute ``notebook`` with papermill into ``output``; raise :class:`NotebookFailed` on a cell error.

    The executed notebook is written in either case (papermill keeps the
    failing cell's error in it), so the caller can point at it.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    src = Path(notebook) if Path(notebook).suffix == ".ipynb" and Path(notebook).exists() else notebook_path(str(notebook))
    out = reserve_private(output)  # papermill truncates the file, which keeps its private mode
    from .kernels import kernel_manager_class

    manager = kernel_manager_class()  # IPC sockets: no "TCP without encryption" warning, nothing on the network
    try:
        pm.execute_notebook(str(src), str(out), parameters=dict(parameters), progress_bar=False,
                            execution_timeout=timeout, cwd=str(cwd) if cwd else None, log_output=False,
                            kernel_name="python3", **({"kernel_manager_class": manager} if manager else {}))
    except PapermillExecutionError as err:
        raise NotebookFailed(
            f"{src.name} failed in cell {err.cell_index} (execution {err.exec_count}): {err.ename}: {err.evalue}",
            ename=err.ename, evalue=err.evalue, cell_index=err.cell_index, output=out,
        ) from None
    return out


def vegalite_html(spec: Mapping[str, Any], element_id: str) -> str:
    """HTML that draws a Vega-Lite spec with the inlined vega-embed.

    The renderer itself is put once in the page's head by :func:`export_html`
    (``rotacc_lab.exports.html.vega_bundle``, an ES module); this draw script is
    a module too, so it runs after it. Without JavaScript the element keeps a
    short note; the table next to each chart carries every figure.
    """
    body = json.dumps(dict(spec), default=str).replace("</", "<\\/")
    return (
        f'<div id="{element_id}" class="rotacc-chart"><p style="color:#a33;font-size:.9rem">Chart not drawn: '
        "this browser could not run the embedded chart renderer. The table has every figure.</p></div>"
        '<script type="module">'
        f"const spec={body};const id={json.dumps(element_id)};"
        "window.vegaEmbed('#'+id,spec,{actions:false}).catch(e=>{document.getElementById(id).textContent=String(e);});"
        "</script>"
    )


#: nbconvert's lab template without the scripts a report does not need (require.js, MathJax, Mermaid),
#: so the file loads nothing from the network except the chart renderer
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def export_html(executed: str | Path, html_path: str | Path | None = None) -> Path:
    """Render an executed notebook to one HTML file: outputs only (no code cells, no prompts).

    Cells tagged ``report-hide`` are left out. The CSS is inlined, images are embedded, tables are plain HTML, and the
    template loads no script from the network (no require.js, MathJax or
    Mermaid). Vega-Lite chart outputs get an HTML rendering (see
    :func:`vegalite_html`) drawn by the renderer inlined once in the head, so
    the file opens offline. Returns the HTML path
    (default: next to the notebook with ``.html``).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    src = Path(executed)
    out = Path(html_path) if html_path else src.with_suffix(".html")
    nb = nbformat.read(src, as_version=4)
    n = 0
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data") or {}
            spec = data.get(VEGALITE_MIME)
            if spec is not None and "text/html" not in data:
                n += 1
                data["text/html"] = vegalite_html(spec, f"rotacc-chart-{n}")
    from jinja2 import DictLoader

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True, extra_loaders=[DictLoader({"rotacc_report.html.j2": _REPORT_TEMPLATE})],
                            template_file="rotacc_report.html.j2")
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={HIDE_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    if n:
        from .exports.html import vega_bundle

        head_end = body.index("</head>")
        body = body[:head_end] + f'<script type="module">{vega_bundle()}</script>' + body[head_end:]
    write_private_text(out, body)
    return out


def run_monthly_report(workspace: str | Path, month: str, out_dir: str | Path, *,
                       name: str | None = None, timeout: float | None = 600) -> Path:
    """Execute ``monthly_report.ipynb`` for ``(workspace, month)`` and export it; returns the HTML path.

    Writes ``<out_dir>/<name>.ipynb`` (the executed notebook) and
    ``<out_dir>/<name>.html``; ``name`` defaults to ``<workspace stem>-<month>``.
    Raises :class:`NotebookFailed` when the notebook raised (bad parameters
    included: the message carries the notebook's own error).
    """
    out = make_private_dir(out_dir)
    stem = name or f"{Path(str(workspace)).stem}-{month}"
    executed = execute_notebook("monthly_report", out / f"{stem}.ipynb",
                                {"workspace": str(Path(str(workspace)).resolve()), "month": str(month)},
                                timeout=timeout)
    return export_html(executed, out / f"{stem}.html")
