"""What one sweep task does on a worker: scenario -> plan -> reports -> one result row.

:func:`run_task` is a plain function of (pickled snapshot, :class:`TaskSpec`)
so the same code runs in the driver (serial mode) and on a Dask worker. It
never raises for a failure of the task itself: any exception becomes a row with
``status = "error"`` and the error text, so one bad scenario cannot sink a batch.

Snapshots travel as bytes (:func:`pack_snapshot`): cloudpickle, because the
frozen dataclasses hold ``MappingProxyType`` values the standard pickle refuses,
of a fresh copy, so the lazily built indexes are not shipped.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import replace
from datetime import date
from typing import Any, Callable

import cloudpickle
import polars as pl

from ..domain import SOFT_TERMS, PracticeSnapshot
from .spec import TaskSpec

__all__ = ["RESULT_SCHEMA", "PARTNER_SCHEMA", "TaskResult", "pack_snapshot", "unpack_snapshot", "run_task",
           "after_plan", "report_metrics", "error_result", "task_columns"]

#: the results table: scenario parameters, outcome, solve summary, report metrics
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "task_id": pl.Int64,
    "workspace": pl.String,
    "practice": pl.String,
    "scenario": pl.String,
    "changes": pl.String,
    "weights": pl.String,
    **{f"w_{t}": pl.Int64 for t in SOFT_TERMS},
    "seed": pl.Int64,
    "start": pl.Date,
    "end": pl.Date,
    "phases": pl.String,
    "time_limit_seconds": pl.Float64,
    "reproducible": pl.Boolean,
    "status": pl.String,
    "error": pl.String,
    "solve_status": pl.String,
    "objective": pl.Float64,
    "bound": pl.Float64,
    "gap": pl.Float64,
    "solve_wall_s": pl.Float64,
    "n_variables": pl.Int64,
    "shifts_created": pl.Int64,
    "shifts_deleted": pl.Int64,
    "shifts_updated": pl.Int64,
    "alerts": pl.Int64,
    "sum_abs_fair_difference": pl.Float64,
    "monday_spread": pl.Float64,
    "duty_max_abs_deviation": pl.Float64,
    "days_below_minimum": pl.Int64,
    "days_below_66": pl.Int64,
    "min_surplus": pl.Float64,
    "wall_s": pl.Float64,
    "worker": pl.String,
}

#: columns that depend on timing or placement, not on the inputs (left out when comparing runs)
VOLATILE_COLUMNS = ("solve_wall_s", "wall_s", "worker")

#: per-partner rows of the partner-wte-availability report, one block per successful task
PARTNER_SCHEMA: dict[str, pl.DataType] = {
    "task_id": pl.Int64,
    "clinician_id": pl.String,
    "percentage": pl.Int64,
    "available_weeks": pl.Float64,
    "wte_weeks": pl.Float64,
    "fair_share": pl.Float64,
    "actual": pl.Float64,
    "fair_difference": pl.Float64,
}

#: a task's outcome: (one results row, its partner-availability rows)
TaskResult = tuple[dict[str, Any], list[dict[str, Any]]]


def pack_snapshot(snap: PracticeSnapshot) -> bytes:
    """Serialise a snapshot for a worker (without its cached indexes)."""
    return cloudpickle.dumps(replace(snap))


def unpack_snapshot(payload: bytes | PracticeSnapshot) -> PracticeSnapshot:
    return payload if isinstance(payload, PracticeSnapshot) else cloudpickle.loads(payload)


def effective_weights(snap: PracticeSnapshot, task: TaskSpec) -> dict[str, int]:
    """The workspace's own weights with the task's overrides on top."""
    return {t: int({**snap.settings.optimiser.weights, **task.weights}.get(t, 0)) for t in SOFT_TERMS}


def task_columns(task: TaskSpec, practice: str | None = None, weights: dict[str, int] | None = None) -> dict[str, Any]:
    """The scenario-parameter columns of a task's row."""
    row: dict[str, Any] = {
        "task_id": task.task_id,
        "workspace": task.workspace,
        "practice": practice,
        "scenario": task.scenario.name,
        "changes": task.scenario.describe(),
        "weights": task.weights_name,
    }
    for t in SOFT_TERMS:
        row[f"w_{t}"] = (weights or {}).get(t, task.weights.get(t))
    row.update(seed=task.seed, start=task.start, end=task.end, phases=",".join(map(str, task.phases)),
               time_limit_seconds=task.time_limit_seconds, reproducible=task.reproducible)
    return row


def error_result(task: TaskSpec, error: str, practice: str | None = None, wall_s: float | None = None,
                 worker: str | None = None, weights: dict[str, int] | None = None) -> TaskResult:
    """The row of a task that failed (or never ran: a lost worker, a cancelled future)."""
    row = {k: None for k in RESULT_SCHEMA}
    row.update(task_columns(task, practice, weights))
    row.update(status="error", error=error[:4000], wall_s=wall_s, worker=worker)
    return row, []


def after_plan(snap: PracticeSnapshot, p: Any) -> PracticeSnapshot:
    """The practice as it would be once plan ``p`` is written (its ChangeSet applied in memory)."""
    return p.apply(snap)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def report_metrics(snap: PracticeSnapshot, start: date, end: date) -> tuple[dict[str, Any], pl.DataFrame]:
    """The sweep's result columns of :func:`~rotacc_lab.reports.outcomes.outcome_measures`, and the
    partner-availability frame."""
    from ..reports.outcomes import outcome_measures

    o = outcome_measures(snap, start, end)
    metrics = {
        "sum_abs_fair_difference": o.report_fairness,
        "monday_spread": o.monday_spread,
        "duty_max_abs_deviation": o.duty_max_abs_deviation,
        "days_below_minimum": o.days_below_minimum,
        "days_below_66": o.days_below_66,
        "min_surplus": o.min_surplus,
    }
    return metrics, o.availability


def run_task(payload: bytes | PracticeSnapshot, task: TaskSpec,
             progress: Callable[[Any], None] | None = None) -> TaskResult:
    """Apply the scenario, plan the range, compute the reports; never raises an ``Exception``.

    ``progress`` receives ``plan``'s progress events (serial mode re-arms its Ctrl-C
    handler there). A ``KeyboardInterrupt`` is not an ``Exception`` and propagates.
    """
    from ..generation.pipeline import plan_request

    t0 = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    practice = weights = None
    try:
        base = unpack_snapshot(payload)
        practice = base.settings.practice_name
        weights = effective_weights(base, task)
        snap = task.scenario.apply(base)
        p = plan_request(snap, task.request(weights), progress=progress)
        metrics, avail = report_metrics(after_plan(snap, p), task.start, task.end)
    except Exception as err:  # noqa: BLE001 - the error is the result
        return error_result(task, f"{type(err).__name__}: {err}", practice, time.perf_counter() - t0, worker, weights)

    rep = p.solve_report
    row = task_columns(task, practice, weights)
    row.update(
        status="ok",
        error=None,
        solve_status=getattr(rep, "status", None),
        objective=_num(getattr(rep, "objective", None)),
        bound=_num(getattr(rep, "best_bound", None)),
        gap=_num(getattr(rep, "gap", None)),
        solve_wall_s=_num(getattr(rep, "wall_s", None)),
        n_variables=getattr(rep, "n_variables", None),
        shifts_created=len(p.creates),
        shifts_deleted=len(p.deletes),
        shifts_updated=len(p.updates),
        alerts=len(p.alerts),
        **metrics,
        wall_s=time.perf_counter() - t0,
        worker=worker,
    )
    partners = [
        {k: (task.task_id if k == "task_id" else r.get(k)) for k in PARTNER_SCHEMA}
        for r in avail.to_dicts()
    ]
    return row, partners

