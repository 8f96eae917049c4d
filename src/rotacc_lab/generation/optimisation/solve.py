"""Phase 5 entry point: validate, encode, start, bound, search, decode, explain.

``optimise(snapshot, start, end, current_shifts, ...)`` returns a :class:`Phase5Result`
whose :class:`SolveReport` says how the solve went (status, objective, certified bound,
gap, wall time, stages, solver parameters) and why the rota looks as it does (every named
penalty, sums per term and per clinician, each partner's target), or, when the hard rules
conflict, which ones.

Stages (``docs/model.md``, "Solving"), each skipped once the gap limit is met:

1. **flow**: the min-cost-flow relaxation (``flow.py``) gives a certified lower bound and a
   starting rota, which the day-level local search (``local_search.py``) improves; the
   existing rota and the constructive heuristic are the other candidates;
2. **LP**: the CP-SAT model's LP relaxation solved by GLOP, its bound certified by exact
   weak duality (``lp_bound.py``), for models small enough to solve quickly;
3. **CP-SAT** with presolve off (its LP then sees the model's tight convex-hull encodings),
   hinted with the best rota, stopped as soon as the objective is within the relative gap
   limit of the best bound of any stage, or by the time limit.

Modes: *reproducible* runs one CP-SAT worker with a fixed seed and stops on a deterministic
time limit (``max_deterministic_time`` = the time limit); the stages before it are
deterministic too, so the same inputs give the same shifts. *parallel* runs ``num_workers``
(0 = one per core) against the wall-clock limit, which is faster but not repeatable when the
limit cuts the search.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping

from ...domain import OptimiserSettings, PracticeSnapshot, Shift, validate_optimiser
from ...errors import RotaccError
from .decode import decode
from .encoding import Encoding, build_encoding
from .heuristic import greedy_rota
from .penalties import evaluate
from .report import TERM_NAMES, ProgressEvent, SolveReport, items_frame, terms_frame
from .rules import hard_violations

__all__ = ["ProgressEvent", "SolveReport", "Phase5Result", "OptimiserInputError", "optimise", "validate_inputs",
           "greedy_rota", "CPSAT_PARAMS", "LP_MAX_TERMS"]

Key = tuple[str, date]

#: CP-SAT parameters of the search stage. Presolve off: presolve rewrites the many small
#: penalty-line constraints into forms CP-SAT's LP leaves out, and the bound then stalls
#: (docs/model.md has the measurements).
CPSAT_PARAMS: dict[str, Any] = {"cp_model_presolve": False}
#: The LP stage runs on models with at most this many constraint terms (GLOP's time grows
#: quickly beyond; the flow bound is close enough there).
LP_MAX_TERMS = 60_000


class OptimiserInputError(RotaccError, ValueError):
    """Bad optimiser input (settings, dates); the message names the parameter and what is accepted."""


@dataclass
class Phase5Result:
    """What phase 5 asks the pipeline to change, and the report."""

    report: SolveReport
    create: list[Shift]
    delete: list[tuple[str, date]]
    feasible: bool
    warnings: list[str]


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
        validate_optimiser(settings.time_limit_seconds, settings.num_workers, settings.seed, dict(settings.weights),
                           getattr(settings, "relative_gap_limit", 0.001))
    except ValueError as exc:
        raise OptimiserInputError(str(exc)) from None
    return settings


def cpsat_overrides() -> dict[str, str]:
    """``ROTACC_CPSAT_PARAMS="name=value name=value"`` as a dict (a tuning hook for benchmarks),
    checked against CP-SAT's parameters before anything is solved."""
    out: dict[str, str] = {}
    text = os.environ.get("ROTACC_CPSAT_PARAMS", "").split()
    if not text:
        return out
    from ortools.sat import sat_parameters_pb2

    probe = sat_parameters_pb2.SatParameters()
    for item in text:
        if "=" not in item:
            raise OptimiserInputError(f"ROTACC_CPSAT_PARAMS: {item!r} is not name=value")
        name, value = item.split("=", 1)
        _set_param(probe, name, value)
        out[name] = value
    return out


def _set_param(params, name: str, value: str) -> None:
    try:
        current = getattr(params, name)
        setattr(params, name, (value in ("1", "true", "True")) if isinstance(current, bool) else type(current)(value))
    except (AttributeError, ValueError, TypeError) as exc:
        raise OptimiserInputError(f"ROTACC_CPSAT_PARAMS: {name}={value} is not a CP-SAT parameter value ({exc})") from None


def _configure(solver, reproducible: bool, workers: int, seed: int, seconds: float, gap_limit: float,
               overrides: Mapping[str, str]) -> dict[str, Any]:
    """Set the search stage's parameters; returns them as recorded in ``solver_params``."""
    p = solver.parameters
    p.random_seed = seed
    # Ctrl-C belongs to the caller (the CLI sets the ``stop`` event, sweeps cancel futures);
    # CP-SAT's own SIGINT handler would swallow the first press and reset the handler after.
    p.catch_sigint_signal = False
    p.relative_gap_limit = gap_limit
    applied: dict[str, Any] = {}
    for name, value in CPSAT_PARAMS.items():
        setattr(p, name, value)
        applied[name] = value
    for name, value in overrides.items():
        _set_param(p, name, value)
        applied[name] = getattr(p, name)
    if reproducible:
        p.num_workers = 1
        p.max_deterministic_time = seconds
        p.max_time_in_seconds = 4 * seconds + 5  # safety net only; the deterministic limit stops first
    else:
        if workers:
            p.num_workers = workers
        p.max_time_in_seconds = seconds
    applied.update(num_workers=int(p.num_workers), random_seed=seed, relative_gap_limit=gap_limit)
    if reproducible:
        applied["max_deterministic_time"] = seconds
    else:
        applied["max_time_in_seconds"] = seconds
    return applied


def _gap(objective: int, bound: int) -> float:
    return max(0.0, (objective - bound) / max(1.0, abs(objective)))


class _Search:
    """The incumbent rota and the best certified bound, shared by the stages."""

    def __init__(self, enc: Encoding, weights: Mapping[str, int], gap_limit: float, t0: float,
                 progress: Callable[[ProgressEvent], None] | None):
        self.enc = enc
        self.weights = weights
        self.gap_limit = gap_limit
        self.t0 = t0
        self.progress = progress
        self.x: dict[Key, int] | None = None
        self.objective: int | None = None
        self.label = ""
        self.bound: int | None = None
        self.bound_source: str | None = None
        self.stages: list[dict[str, Any]] = []

    def offer(self, label: str, x: Mapping[Key, int], objective: int) -> bool:
        if self.objective is None or objective < self.objective:
            self.x, self.objective, self.label = dict(x), int(objective), label
            return True
        return False

    def raise_bound(self, source: str, bound: int | None) -> None:
        if bound is not None and (self.bound is None or bound > self.bound):
            self.bound, self.bound_source = int(bound), source

    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return _gap(self.objective, self.bound)

    def done(self) -> bool:
        g = self.gap()
        return g is not None and g <= self.gap_limit

    def stage(self, name: str, started: float) -> None:
        now = time.monotonic()
        self.stages.append(dict(stage=name, wall_s=round(now - started, 3), objective=self.objective, bound=self.bound))
        if self.progress is not None:
            self.progress(ProgressEvent(now - self.t0, None if self.objective is None else float(self.objective),
                                        None if self.bound is None else float(self.bound)))


def _objective(enc: Encoding, x: Mapping[Key, int], weights: Mapping[str, int]) -> int:
    from .penalties import objective_value

    return objective_value(enc, x, weights)


def _complete(ctx, assignment: Mapping[Key, int], seconds: float, seed: int):
    """Solve ``ctx``'s model with every ``assign`` fixed to ``assignment``: ``(objective, full solution)``
    or ``None`` when the assignment breaks a hard rule. The auxiliary variables (counts,
    penalties, equivalencies) follow from the decision variables, so this takes well under a second."""
    from ortools.sat.python import cp_model

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
    overrides = cpsat_overrides()
    t0 = time.monotonic()
    enc = build_encoding(snapshot, start, end, current_shifts, period_start)
    if not enc.dates:
        raise OptimiserInputError(f"start/end: {start}..{end} contains no working dates (Mon-Fri outside bank holidays)")
    weights = {t: int(settings.weights.get(t, 0)) for t in TERM_NAMES}
    if reproducible is None:
        reproducible = settings.num_workers == 1
    mode = "reproducible" if reproducible else "parallel"
    workers = 1 if reproducible else int(settings.num_workers)
    limit = float(settings.time_limit_seconds)
    gap_limit = float(getattr(settings, "relative_gap_limit", 0.001))
    seed = int(settings.seed)
    search = _Search(enc, weights, gap_limit, t0, progress)
    messages = [
        f"{len(enc.partners)} partners, {len(enc.dates)} working dates, {len(enc.cells)} decision variables",
        f"mode {mode}, seed {seed}, workers {workers or 'auto'}, time limit {limit:g} s, gap limit {100 * gap_limit:g} %",
    ]
    stopped = lambda: stop is not None and stop.is_set()  # noqa: E731

    # 1. flow relaxation: bound and starting rota; the existing rota and the greedy one compete
    t = time.monotonic()
    flow_size = _flow_stage(search, enc, weights, reproducible, limit)
    search.stage("flow", t)

    solver_params: dict[str, Any] = dict(mode=mode, seed=seed, workers=workers, time_limit_seconds=limit,
                                         relative_gap_limit=gap_limit, cpsat_overrides=dict(overrides))
    det_time = 0.0
    stop_reason = ""
    status_name = ""
    explanation: list[str] = []
    n_variables, n_constraints = flow_size  # the largest model solved: the flow network unless CP-SAT's is built

    if search.done():
        stop_reason = "optimal" if search.gap() == 0 else "gap limit"
    elif stopped():
        stop_reason = "stopped"
    else:
        # 2. the CP-SAT model (the LP and the search use it)
        from ortools.sat.python import cp_model

        from .constraints import ModelContext, add_hard_constraints
        from .objectives import build_objective

        ctx = ModelContext(enc)
        add_hard_constraints(ctx)
        build_objective(ctx, weights)
        proto = ctx.model.proto
        n_variables, n_constraints = len(proto.variables), len(proto.constraints)

        # 3. LP bound, when the model is small enough
        if search.objective is not None:
            terms = sum(len(c.linear.vars) for c in proto.constraints if c.has_linear())
            remaining = limit - (time.monotonic() - t0)
            if terms <= LP_MAX_TERMS and (remaining > 0.5 or reproducible):
                from .lp_bound import lp_bound

                t = time.monotonic()
                got = lp_bound(ctx.model, seconds=max(0.5, 0.5 * remaining) if not reproducible else 4 * limit + 5)
                search.raise_bound("LP relaxation", got.bound)
                search.stage("lp", t)

        # 4. CP-SAT search from the best rota, stopped at the gap limit
        if search.done():
            stop_reason = "optimal" if search.gap() == 0 else "gap limit"
        elif stopped():
            stop_reason = "stopped"
        else:
            t = time.monotonic()
            status_name, det_time, applied, stop_reason = _cpsat_stage(
                search, ctx, cp_model, reproducible, workers, seed, limit, t0, gap_limit, overrides, stop, messages)
            solver_params["cpsat"] = applied
            search.stage("cp-sat", t)
            if status_name == "INFEASIBLE":
                from .explain import explain_infeasibility

                explanation = explain_infeasibility(enc)
            elif status_name == "MODEL_INVALID":
                explanation = [f"internal error: the optimisation model is invalid ({ctx.model.validate()})"]

    feasible = search.x is not None and status_name not in ("INFEASIBLE", "MODEL_INVALID")
    create: list[Shift] = []
    delete: list[tuple[str, date]] = []
    items = items_frame({}, weights)
    partners = None
    objective = bound = gap = None
    if feasible:
        assert search.x is not None and search.objective is not None
        create, delete = decode(enc, search.x)
        evaluated = evaluate(enc, search.x, [t for t in TERM_NAMES if weights[t] > 0])
        items = items_frame(evaluated, weights)
        objective = float(items["weighted"].sum()) if items.height else 0.0
        if search.bound is None or search.bound > objective:  # pragma: no cover - a bound above a rota is a bug
            raise AssertionError(f"phase 5: bound {search.bound} above the objective {objective}")
        bound = float(search.bound)
        gap = _gap(int(objective), int(bound))
        status_name = "OPTIMAL" if gap == 0 else "FEASIBLE"
        messages.append(f"rota from {search.label}; bound from the {search.bound_source}")
        from .partners import explain_targets

        final = dict(current_shifts)
        for key in delete:
            final.pop(key, None)
        final.update({(sh.clinician_id, sh.date): sh for sh in create})
        partners = explain_targets(snapshot, enc.period_start, end, final, partners=enc.partners)
        messages.append(f"{len(create)} shifts created, {len(delete)} deleted")
    elif not status_name:
        status_name = "UNKNOWN"
    if not feasible and not explanation:
        why = "it was stopped" if stopped() else f"the time limit of {limit:g} s was reached"
        explanation = [f"no rota meeting every hard rule was found before {why}; nothing is changed"]
    if stopped():
        messages.append("stopped on request; the best solution found so far is kept")
    report = SolveReport(
        status=status_name,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_s=time.monotonic() - t0,
        mode=mode,
        seed=seed,
        workers=workers,
        time_limit=limit,
        n_variables=n_variables,
        n_constraints=n_constraints,
        terms=terms_frame(items),
        explanation=explanation,
        messages=messages,
        items=items,
        gap_limit=gap_limit,
        bound_source=search.bound_source if feasible else None,
        stop_reason=stop_reason,
        deterministic_time=det_time,
        solver_params=solver_params,
        stages=search.stages,
        **({"partners": partners} if partners is not None else {}),
    )
    return Phase5Result(report=report, create=create, delete=delete, feasible=feasible, warnings=list(enc.warnings))


def _flow_stage(search: _Search, enc: Encoding, weights: Mapping[str, int], reproducible: bool,
                limit: float) -> tuple[int, int]:
    """The flow bound, and the best feasible rota among the flow + local search one, the existing
    rota and the constructive one; returns the network's size (arcs, nodes)."""
    from .flow import FlowNetwork, flow_bound, flow_rota
    from .local_search import improve_days

    net = FlowNetwork(enc, weights)
    relaxed = flow_bound(enc, weights, net)
    search.raise_bound("flow relaxation", relaxed.bound)
    candidates: list[tuple[str, Mapping[Key, int]]] = []
    x = flow_rota(enc, weights, net)
    if x is not None:
        # a deterministic amount of work in reproducible mode; a wall-clock share otherwise
        seconds = float("inf") if reproducible else max(0.5, 0.25 * limit)
        candidates.append(("the flow relaxation and local search", improve_days(enc, weights, x, seconds)))
    candidates.append(("the existing rota", {key: cell.hint for key, cell in enc.cells.items()}))
    candidates.append(("a constructive rota", greedy_rota(enc)))
    for label, cand in candidates:
        if not hard_violations(enc, cand):
            search.offer(label, cand, _objective(enc, cand, weights))
    return len(net.tails), len(net.nodes)


def _cpsat_stage(search: _Search, ctx, cp_model, reproducible: bool, workers: int, seed: int, limit: float,
                 t0: float, gap_limit: float, overrides: Mapping[str, str], stop: threading.Event | None,
                 messages: list[str]):
    """CP-SAT from the incumbent; returns ``(status name, deterministic time, parameters, stop reason)``."""
    enc = search.enc
    if search.x is not None:
        got = _complete(ctx, search.x, seconds=max(1.0, limit / 4), seed=seed)
        if got is not None:
            for i, value in enumerate(got[1]):
                ctx.model.add_hint(ctx.model.get_int_var_from_proto_index(i), value)
            messages.append(f"starting solution: {search.label} (objective {search.objective})")
    solver = cp_model.CpSolver()
    remaining = limit if reproducible else max(0.1, limit - (time.monotonic() - t0))
    applied = _configure(solver, reproducible, workers, seed, remaining, gap_limit, overrides)
    outside = search.bound

    class Callback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            obj = int(round(self.objective_value))
            if search.progress is not None:
                search.progress(ProgressEvent(time.monotonic() - t0, float(obj), float(max(self.best_objective_bound,
                                                                                          outside or 0))))
            if outside is not None and _gap(obj, outside) <= gap_limit:
                self.stop_search()
            if stop is not None and stop.is_set():
                self.stop_search()

    if search.progress is not None:
        solver.best_bound_callback = lambda b: search.progress(ProgressEvent(time.monotonic() - t0, None, b))
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
        status = solver.solve(ctx.model, Callback())
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    name = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        x = {key: int(solver.value(v)) for key, v in ctx.x.items()}
        search.offer("the CP-SAT search", x, _objective(enc, x, search.weights))
        bound = solver.best_objective_bound
        # CP-SAT reports OPTIMAL also when its own gap limit stopped it: take its bound, not the status
        search.raise_bound("CP-SAT", math.ceil(bound - 1e-6))
    elif status == cp_model.INFEASIBLE:
        search.x = None
    if stop is not None and stop.is_set():
        reason = "stopped"
    elif search.done():
        reason = "optimal" if search.gap() == 0 else "gap limit"
    elif name == "INFEASIBLE":
        reason = "infeasible"
    else:
        reason = "time limit"
    return name, float(solver.deterministic_time), applied, reason
