"""Phase 5 entry point: validate, encode, build, solve, decode, explain.

``optimise(snapshot, start, end, current_shifts, ...)`` returns a :class:`Phase5Result`
whose :class:`SolveReport` says how the solve went (status, objective, bound, gap,
wall time, mode/seed/workers) and why the rota looks as it does (objective broken
down per term and per clinician), or, when the hard rules conflict, which ones.

Modes: *reproducible* runs one worker with a fixed seed and stops on a deterministic
time limit (``max_deterministic_time`` = the time limit), so the same inputs give the
same shifts; *parallel* runs ``num_workers`` (0 = CP-SAT's choice) against the
wall-clock limit, which is faster but not repeatable when the limit cuts the search.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping

import polars as pl
from ortools.sat.python import cp_model

from ...domain import OptimiserSettings, PracticeSnapshot, Shift, validate_optimiser
from ...errors import RotaccError
from .constraints import ModelContext, add_hard_constraints
from .decode import decode
from ...calendar import week_monday
from .encoding import build_encoding, floor_staffing
from .explain import explain_infeasibility
from .heuristic import greedy_rota
from .objectives import SOFT_TERMS, build_objective

__all__ = ["ProgressEvent", "SolveReport", "Phase5Result", "OptimiserInputError", "optimise", "validate_inputs"]

_TERMS_SCHEMA = {
    "term": pl.String,
    "name": pl.String,
    "clinician_id": pl.String,
    "penalty": pl.Int64,
    "weight": pl.Int64,
    "weighted": pl.Int64,
}


class OptimiserInputError(RotaccError, ValueError):
    """Bad optimiser input (settings, dates); the message names the parameter and what is accepted."""


@dataclass(frozen=True)
class ProgressEvent:
    """An improving solution or bound during the solve."""

    wall_s: float
    objective: float | None
    bound: float | None


@dataclass(frozen=True)
class SolveReport:
    """How a phase 5 solve went and why the rota looks as it does."""

    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | MODEL_INVALID | UNKNOWN
    objective: float | None
    best_bound: float | None
    gap: float | None  # |objective - bound| / max(1, |objective|)
    wall_s: float
    mode: str  # "reproducible" | "parallel"
    seed: int
    workers: int  # 0 = CP-SAT's automatic choice
    time_limit: float
    n_variables: int
    n_constraints: int
    terms: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_TERMS_SCHEMA))
    explanation: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def bound(self) -> float | None:
        """Alias of ``best_bound``."""
        return self.best_bound

    def by_term(self) -> pl.DataFrame:
        """Penalty and weighted penalty per soft term (terms in S1..S13 order)."""
        order = {t: i for i, t in enumerate(SOFT_TERMS)}
        return (
            self.terms.group_by("term", "name", "weight")
            .agg(pl.col("penalty").sum(), pl.col("weighted").sum())
            .with_columns(pl.col("term").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
            .sort("_o")
            .drop("_o")
            .select("term", "name", "penalty", "weight", "weighted")
        )

    def by_clinician(self) -> pl.DataFrame:
        """Weighted penalty per clinician (``None`` = day- or pair-level terms), one column per term."""
        if self.terms.is_empty():
            return pl.DataFrame(schema={"clinician_id": pl.String, "total": pl.Int64})
        wide = self.terms.pivot(on="term", index="clinician_id", values="weighted", aggregate_function="sum").fill_null(0)
        cols = [t for t in SOFT_TERMS if t in wide.columns]
        return wide.select("clinician_id", *cols).with_columns(pl.sum_horizontal(cols).alias("total")).sort(
            "clinician_id", nulls_last=True
        )


@dataclass
class Phase5Result:
    """What phase 5 asks the pipeline to change, and the report."""

    report: SolveReport
    create: list[Shift]
    delete: list[tuple[str, date]]
    feasible: bool
    warnings: list[str]


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Callable[[ProgressEvent], None] | None, stop: threading.Event | None):
        super().__init__()
        self.progress = progress
        self.stop = stop
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.progress is not None:
            self.progress(ProgressEvent(self.wall_time, self.objective_value, self.best_objective_bound))
        if self.stop is not None and self.stop.is_set():
            self.stop_search()


def _complete(ctx: ModelContext, assignment: Mapping[tuple[str, date], int], seconds: float, seed: int):
    """Solve ``ctx``'s model with every ``assign`` fixed to ``assignment``: ``(objective, full solution)``
    or ``None`` when the assignment breaks a hard rule. The auxiliary variables (counts,
    penalties, equivalencies) follow from the decision variables, so this takes well under a second."""
    fixed = ctx.model.clone()
    for key, var in ctx.x.items():
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == int(assignment[key]))
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(fixed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver.objective_value, list(solver.response_proto.solution)


#: Lighter presolve: the model is already tight (convex hulls, exact floors), and on a year of
#: 20 partners full presolve costs seconds that the search uses better from a good start.
LIGHT_PRESOLVE = {"max_presolve_iterations": 1, "cp_model_probing_level": 0, "symmetry_level": 0}


def _configure(solver: cp_model.CpSolver, reproducible: bool, workers: int, seed: int, seconds: float) -> None:
    p = solver.parameters
    p.random_seed = seed
    # Ctrl-C belongs to the caller (the CLI sets the ``stop`` event, sweeps cancel futures);
    # CP-SAT's own SIGINT handler would swallow the first press and reset the handler after.
    p.catch_sigint_signal = False
    for name, value in LIGHT_PRESOLVE.items():
        setattr(p, name, value)
    # tuning hook for benchmarks: ROTACC_CPSAT_PARAMS="name=value name=value" overrides CP-SAT parameters
    for item in os.environ.get("ROTACC_CPSAT_PARAMS", "").split():
        name, value = item.split("=")
        current = getattr(p, name)
        setattr(p, name, (value == "1") if isinstance(current, bool) else type(current)(value))
    if reproducible:
        p.num_workers = 1
        p.max_deterministic_time = seconds
        p.max_time_in_seconds = 4 * seconds + 5  # safety net only; the deterministic limit stops first
    else:
        if workers:
            p.num_workers = workers
        p.max_time_in_seconds = seconds


def _add_hint(ctx: ModelContext, candidates: list[tuple[str, Mapping]], seconds: float, seed: int):
    """Hint the best feasible candidate completely (every model variable); returns ``(note, best)``
    where ``best`` is ``(label, objective, full solution)`` or ``None``.

    A complete, feasible hint is CP-SAT's first solution as soon as presolve is done, and it
    is kept as the answer if the solver finds nothing better in time. When no candidate meets
    the hard rules only the decision variables of the first are hinted and CP-SAT repairs.
    """
    best = None
    for label, assignment in candidates:
        got = _complete(ctx, assignment, seconds, seed)
        if got is not None and (best is None or got[0] < best[1]):
            best = (label, got[0], got[1])
    if best is not None:
        for i, value in enumerate(best[2]):
            ctx.model.add_hint(ctx.model.get_int_var_from_proto_index(i), value)
        return f"starting solution: {best[0]} (objective {best[1]:.0f})", best
    label, assignment = candidates[0]
    for key, var in ctx.x.items():
        ctx.model.add_hint(var, int(assignment[key]))
    return f"starting point: {label}, which breaks a hard rule; the solver repairs it", None


def validate_inputs(start: object, end: object, period_start: object, settings: object) -> OptimiserSettings:
    """Check dates and settings before anything is built; raise :class:`OptimiserInputError`."""
    for label, value in (("start", start), ("end", end)):
        if not isinstance(value, date):
            raise OptimiserInputError(f"{label}: {value!r} is not a date")
    if start > end:  # type: ignore[operator]
        raise OptimiserInputError(f"start: {start} is after end {end}; give start <= end")
    if period_start is not None and (not isinstance(period_start, date) or period_start > start):  # type: ignore[operator]
        raise OptimiserInputError(f"period_start: {period_start!r} is not accepted; give a date on or before start {start}")
    if not isinstance(settings, OptimiserSettings):
        raise OptimiserInputError(f"settings: {settings!r} is not an OptimiserSettings")
    try:
        validate_optimiser(settings.time_limit_seconds, settings.num_workers, settings.seed, dict(settings.weights))
    except ValueError as exc:
        raise OptimiserInputError(str(exc)) from None
    return settings


def optimise(
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    current_shifts: Mapping[tuple[str, date], Shift],
    settings: OptimiserSettings | None = None,
    period_start: date | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    stop: threading.Event | None = None,
    reproducible: bool | None = None,
) -> Phase5Result:
    """Optimise the partner STANDARD shifts of ``[start, end]`` (see module docstring).

    ``reproducible=None`` takes the mode from the settings: reproducible when
    ``num_workers == 1``, parallel otherwise.
    """
    settings = validate_inputs(start, end, period_start, snapshot.settings.optimiser if settings is None else settings)
    t0 = time.monotonic()
    enc = build_encoding(snapshot, start, end, current_shifts, period_start)
    if not enc.dates:
        raise OptimiserInputError(f"start/end: {start}..{end} contains no working dates (Mon-Fri outside bank holidays)")
    weights = {t: int(settings.weights.get(t, 0)) for t in SOFT_TERMS}
    if reproducible is None:
        reproducible = settings.num_workers == 1
    mode = "reproducible" if reproducible else "parallel"
    workers = 1 if reproducible else int(settings.num_workers)
    limit = float(settings.time_limit_seconds)

    seed = int(settings.seed)
    ledger = {key: cell.hint for key, cell in enc.cells.items()}
    candidates: list[tuple[str, Mapping]] = [("the existing rota", ledger), ("a constructive rota", greedy_rota(enc))]

    ctx = ModelContext(enc)
    add_hard_constraints(ctx)
    term_items = build_objective(ctx, weights)
    hint_note, start_solution = _add_hint(ctx, candidates, seconds=min(5.0, max(0.5, limit / 4)), seed=seed)

    solver = cp_model.CpSolver()
    remaining = limit if reproducible else max(0.1, limit - (time.monotonic() - t0))
    _configure(solver, reproducible, workers, seed, remaining)
    callback = _Callback(progress, stop)
    if progress is not None:
        solver.best_bound_callback = lambda b: progress(ProgressEvent(time.monotonic() - t0, None, b))

    done = threading.Event()
    watcher = None
    if stop is not None:

        def watch() -> None:
            while not done.is_set():
                if stop.wait(0.05):
                    solver.stop_search()
                    return

        watcher = threading.Thread(target=watch, name="phase5-stop-watcher", daemon=True)
        watcher.start()
    try:
        status = solver.solve(ctx.model, callback)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    status_name = solver.status_name(status)
    wall = time.monotonic() - t0
    proto = ctx.model.proto
    messages = [
        f"{len(enc.partners)} partners, {len(enc.dates)} working dates, {len(ctx.x)} decision variables",
        f"mode {mode}, seed {settings.seed}, workers {workers or 'auto'}, time limit {limit:g} s",
        hint_note,
    ]
    if stop is not None and stop.is_set():
        messages.append("stopped on request; the best solution found so far is kept")

    feasible = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    create: list[Shift] = []
    delete: list[tuple[str, date]] = []
    explanation: list[str] = []
    terms = pl.DataFrame(schema=_TERMS_SCHEMA)
    objective = bound = gap = None
    value: Callable | None = solver.value if feasible else None
    if not feasible and status == cp_model.UNKNOWN and start_solution is not None:
        # the solver ran out of time (or was stopped) before reporting the hinted start: keep the start
        sol = start_solution[2]
        value = lambda v: sol[v.index]  # noqa: E731
        feasible = True
        status_name = "FEASIBLE"
        messages.append(f"no better solution found in time; the starting solution ({start_solution[0]}) is kept")
    if feasible:
        assert value is not None
        values = {key: value(v) for key, v in ctx.x.items()}
        create, delete = decode(enc, values)
        rows: dict[tuple[str, str | None], int] = {}
        for term, items in term_items.items():
            for _name, cid, pen in items:
                k = (term, cid)
                rows[k] = rows.get(k, 0) + (pen if isinstance(pen, int) else value(pen))
        terms = pl.DataFrame(
            [
                dict(term=t, name=SOFT_TERMS[t][0], clinician_id=c, penalty=v, weight=weights[t], weighted=v * weights[t])
                for (t, c), v in rows.items()
            ],
            schema=_TERMS_SCHEMA,
            orient="row",
        )
        objective = float(sum(rows[k] * weights[k[0]] for k in rows))
        bound = float(solver.best_objective_bound)
        gap = abs(objective - bound) / max(1.0, abs(objective))
        messages.append(f"{len(create)} shifts created, {len(delete)} deleted")
    elif status == cp_model.INFEASIBLE:
        explanation = explain_infeasibility(enc)
    elif status == cp_model.MODEL_INVALID:
        explanation = [f"internal error: the optimisation model is invalid ({ctx.model.validate()})"]
    else:
        why = "it was stopped" if stop is not None and stop.is_set() else f"the time limit of {limit:g} s was reached"
        explanation = [f"no rota meeting every hard rule was found before {why}; nothing is changed"]
    report = SolveReport(
        status=status_name,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_s=time.monotonic() - t0 if not feasible else wall,
        mode=mode,
        seed=int(settings.seed),
        workers=workers,
        time_limit=limit,
        n_variables=len(proto.variables),
        n_constraints=len(proto.constraints),
        terms=terms,
        explanation=explanation,
        messages=messages,
    )
    return Phase5Result(report=report, create=create, delete=delete, feasible=feasible, warnings=list(enc.warnings))
