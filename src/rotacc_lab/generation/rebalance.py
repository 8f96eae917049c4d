"""Rebalancing: regenerate a future range after changes, outside the fixed period.

The fixed period is ``[today, today + 7 x fixed_period_weeks)``: shifts in it
are promised to people and never moved. A rebalance range must start on or
after ``today + 7 x fixed_period_weeks`` (the first allowed date). The
rebalance captures each clinician's shift count and deficiency before,
regenerates the range with ``overwrite=True`` (unpinned SCHEDULED shifts are
replaced, pinned ones kept - manual adds and moves are pinned by default) and
captures them again, returning a comparison table as a polars DataFrame and one
sentence per clinician (:func:`explain`): who gained or lost shifts, from which
balance against the target after leave, and the leave and pinned shifts around it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable

import polars as pl

from ..domain import OptimiserSettings, PracticeSnapshot, ShiftStatus, ShiftType
from ..errors import RotaccError
from .ledger import RotaLedger
from .phases.common import Availability, aligned_period, generation_days
from .phases.phase3 import CANDIDATE_TERMS, clinician_balances
from .pipeline import ALL_PHASES, RunSummary, generate
from .request import GenerationRequest

COMPARISON_COLUMNS = (
    "clinician_id",
    "shifts_before",
    "shifts_after",
    "shift_change",
    "deficiency_before",
    "deficiency_after",
    "deficiency_change",
)


class FixedPeriodError(RotaccError, ValueError):
    """The rebalance range starts inside the fixed period."""


@dataclass
class RebalanceResult:
    summary: RunSummary
    #: one row per clinician with a target-bearing term in the range; columns COMPARISON_COLUMNS
    comparison: pl.DataFrame
    #: one sentence per clinician (same order as ``comparison``): who gained or lost shifts, and why
    explanations: list[str] = field(default_factory=list)


def first_allowed_date(today: date, fixed_period_weeks: int) -> date:
    """The first date outside the fixed period."""
    return today + timedelta(days=7 * fixed_period_weeks)


def check_outside_fixed_period(start: date, today: date, fixed_period_weeks: int) -> None:
    """Raise :class:`FixedPeriodError` naming the first allowed date when ``start`` is too early."""
    if isinstance(fixed_period_weeks, bool) or not isinstance(fixed_period_weeks, int) or fixed_period_weeks < 0:
        raise ValueError(f"fixed_period_weeks: {fixed_period_weeks!r} is not accepted; give an integer >= 0")
    first = first_allowed_date(today, fixed_period_weeks)
    if start < first:
        raise FixedPeriodError(
            f"rebalance start {start} is inside the fixed period ({fixed_period_weeks} week(s) from {today}, "
            f"up to {first - timedelta(days=1)}); the first date that may be rebalanced is {first}"
        )


def clinician_state(snapshot: PracticeSnapshot, start: date, end: date, period_start: date | None) -> pl.DataFrame:
    """Per clinician: STANDARD+DUTY shifts in ``[start, end]`` and deficiency (phase 3 measure) over the period."""
    ledger = RotaLedger.from_snapshot(snapshot)
    lo, hi = aligned_period(start, end, period_start)
    ids = sorted({t.clinician_id for t in snapshot.terms if t.term_type in CANDIDATE_TERMS and t.overlaps(start, end)})
    balances = clinician_balances(snapshot, ledger, lo, hi, Availability(snapshot, lo, hi), ids)
    counts = {c: 0 for c in ids}
    for s in ledger:
        if s.clinician_id in counts and start <= s.date <= end and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY):
            counts[s.clinician_id] += 1
    return pl.DataFrame(
        {
            "clinician_id": ids,
            "shifts": [counts[c] for c in ids],
            "deficiency": [round(balances[c][0] - balances[c][1], 2) for c in ids],
        },
        schema={"clinician_id": pl.String, "shifts": pl.Int64, "deficiency": pl.Float64},
    )


def compare(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """Join two :func:`clinician_state` frames into the comparison report."""
    joined = before.join(after, on="clinician_id", how="full", suffix="_after", coalesce=True).fill_null(0)
    return joined.select(
        pl.col("clinician_id"),
        pl.col("shifts").alias("shifts_before"),
        pl.col("shifts_after"),
        (pl.col("shifts_after") - pl.col("shifts")).alias("shift_change"),
        pl.col("deficiency").alias("deficiency_before"),
        pl.col("deficiency_after"),
        (pl.col("deficiency_after") - pl.col("deficiency")).round(2).alias("deficiency_change"),
    ).sort("clinician_id")


def _standing(deficiency: float) -> str:
    """A deficiency (target after leave - shifts counted) in words."""
    if deficiency > 0.05:
        return f"{deficiency:.1f} below target after leave"
    if deficiency < -0.05:
        return f"{-deficiency:.1f} over target after leave"
    return "on target after leave"


def explain(comparison: pl.DataFrame, snapshot: PracticeSnapshot, start: date, end: date) -> list[str]:
    """One sentence per row of ``comparison``: the change in shifts, the balance that drove it, the balance after.

    The balance is phase 3's own measure (the deficiency columns: target after leave
    minus the shifts counted, bank holidays included, over the aligned period); the
    context is the clinician's leave and sickness in the range and the pinned shifts
    the rebalance had to keep (``snapshot`` = the workspace after the rebalance).
    """
    avail = Availability(snapshot, start, end)
    pinned: dict[str, int] = {}
    for s in snapshot.shifts:
        if (s.is_pinned and s.status is not ShiftStatus.CANCELLED and start <= s.date <= end
                and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY)):
            pinned[s.clinician_id] = pinned.get(s.clinician_id, 0) + 1
    out = []
    for r in comparison.iter_rows(named=True):
        cid, change = r["clinician_id"], int(r["shift_change"])
        before, after = float(r["deficiency_before"]), float(r["deficiency_after"])
        n = abs(change)
        counts = f"({r['shifts_before']} -> {r['shifts_after']})"
        if change > 0:
            why = (f"{_standing(before)} before" if before > 0.05 else
                   f"although {_standing(before)} before (cover for days below the minimum comes first)")
            head = f"{cid} +{n} shift{'s' if n != 1 else ''} {counts}: {why}"
        elif change < 0:
            why = (f"{_standing(before)} before" if before < -0.05 else
                   f"although {_standing(before)} before (fewer shifts were needed or could be placed)")
            head = f"{cid} -{n} shift{'s' if n != 1 else ''} {counts}: {why}"
        else:
            head = f"{cid} no change ({r['shifts_before']} shifts): {_standing(before)}"
        extra = []
        leave = float(avail.leave_amount(cid, start, end, snapshot.bank_holidays))
        if leave:
            extra.append(f"{leave:g} day(s) of leave in the range")
        sick = sum(1 for d in generation_days(snapshot, start, end) if avail.sick(cid, d))
        if sick:
            extra.append(f"off sick {sick} working day(s) of the range")
        if pinned.get(cid):
            extra.append(f"{pinned[cid]} pinned shift(s) kept")
        tail = f", now {_standing(after)}" if change else ""
        out.append(head + tail + ("; " + ", ".join(extra) if extra else "") + ".")
    return out


def rebalance(
    workspace_path: str | Path,
    start: date | GenerationRequest,
    end: date | None = None,
    *,
    today: date | None = None,
    fixed_period_weeks: int | None = None,
    actor: str = "cli",
    phases: Iterable[int] = ALL_PHASES,
    seed: int | None = None,
    period_start: date | None = None,
    optimiser: OptimiserSettings | None = None,
    progress: Callable[[Any], None] | None = None,
    stop: threading.Event | None = None,
) -> RebalanceResult:
    """Regenerate ``[start, end]`` with overwrite after checking the fixed period; return the before/after table.

    Give a :class:`GenerationRequest` as ``start`` or the parameters. ``fixed_period_weeks``
    defaults to the workspace setting; ``today`` to the real date.
    """
    from ..store import Workspace

    if isinstance(start, GenerationRequest):
        request = start.with_(overwrite=True, today=start.today or today or date.today())
    else:
        if optimiser is not None:
            seed = optimiser.seed if seed is None else seed
        request = GenerationRequest.build(
            start, end, phases=tuple(phases), seed=seed, period_start=period_start, overwrite=True,
            today=today or date.today(),
            time_limit_seconds=None if optimiser is None else optimiser.time_limit_seconds,
            workers=None if optimiser is None else optimiser.num_workers,
            weights=None if optimiser is None else dict(optimiser.weights),
        )
    ws = Workspace.open(workspace_path)
    weeks = ws.load_settings().fixed_period_weeks if fixed_period_weeks is None else fixed_period_weeks
    check_outside_fixed_period(request.start, request.today, weeks)
    before = clinician_state(ws.load_snapshot(), request.start, request.end, request.period_start)
    summary = generate(workspace_path, request, actor=actor, progress=progress, stop=stop)
    snap_after = ws.load_snapshot()
    after = clinician_state(snap_after, request.start, request.end, request.period_start)
    comparison = compare(before, after)
    return RebalanceResult(summary, comparison, explain(comparison, snap_after, request.start, request.end))
