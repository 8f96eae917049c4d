"""Objective-weight tuning: sweep optimiser weights with the pure pipeline and find the Pareto front.

:func:`sweep` runs :func:`rotacc_lab.generation.pipeline.plan` once per weight
combination on the same snapshot (nothing is written), applies each plan to
the snapshot in memory and measures the resulting rota with the report
functions. The four outcome measures (all "lower is better"):

``report_fairness``
    Σ |fair difference| over partners (``partner-wte-availability``; the S11 quantity).
``overstaffing``
    Σ over working days of max(0, doctors working − minimum) (``staffing-overview``; what S13 discourages).
``monday_fairness``
    Monday-equivalency spread, max − min of mondays / WTE over partners (``monday-balance``; S2).
``weekly_evenness``
    Σ over partners of (max − min) shifts per week, over the weeks in which the
    partner was fully available (5 working days in range, no leave, contracted
    every day) (``weekly-availability``; S5).

:func:`pareto_front` marks the non-dominated rows; :func:`choose_balanced` picks the
front row with the smallest sum of min-max-normalised measures that keeps the
primary term S11 on (its notice says when that mattered, or when every front row
has S11 off);
:func:`save_weights` writes weights into a workspace's settings (audited).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import polars as pl

from .domain import SOFT_TERMS, OptimiserSettings, PracticeSnapshot, Settings, TermType, validate_optimiser
from .errors import RotaccError

#: the outcome measures of a sweep (column names), all minimised
OBJECTIVES = ("report_fairness", "overstaffing", "monday_fairness", "weekly_evenness")

#: phases a sweep runs by default: phase 6 (duty) does not depend on the weights
SWEEP_PHASES = (1, 2, 3, 4, 5)


class TuningError(RotaccError, ValueError):
    """A sweep or Pareto parameter is wrong; the message names it and what is accepted."""


def expand_grid(grid: Mapping[str, Sequence[int]] | Sequence[Mapping[str, int]],
                base: Mapping[str, int]) -> list[dict[str, int]]:
    """Every weight combination of ``grid`` on top of ``base`` (S1..S13 each), in a stable order.

    ``grid`` is either ``{"S5": [0, 50], "S11": [100, 500]}`` (the cartesian
    product, last term varying fastest) or a list of partial weight mappings.
    Duplicates are dropped, keeping the first.
    """
    if isinstance(grid, Mapping):
        terms = list(grid)
        points = [dict(zip(terms, combo)) for combo in itertools.product(*(list(grid[t]) for t in terms))]
    else:
        points = [dict(p) for p in grid]
    if not points:
        raise TuningError("grid: no weight combination; give at least one value per term")
    out: list[dict[str, int]] = []
    seen: set[tuple[int, ...]] = set()
    for point in points:
        full = {t: int(base.get(t, 0)) for t in SOFT_TERMS}
        full.update({str(k).upper(): v for k, v in point.items()})
        try:
            validate_optimiser(1.0, 0, 0, full)
        except ValueError as err:
            raise TuningError(f"grid: {err}") from None
        key = tuple(full[t] for t in SOFT_TERMS)
        if key not in seen:
            seen.add(key)
            out.append(full)
    return out


def outcome_metrics(snapshot: PracticeSnapshot, start: date, end: date) -> dict[str, float]:
    """The four outcome measures (see the module docstring) of the rota held by ``snapshot``.

    They are four of :func:`rotacc_lab.reports.outcomes.outcome_measures` (monday_fairness
    is its ``monday_spread``), so a sweep, a what-if and a tuning run report the same figures.
    """
    from .reports.outcomes import outcome_measures

    o = outcome_measures(snapshot, start, end)
    return {
        "report_fairness": o.report_fairness,
        "overstaffing": o.overstaffing,
        "monday_fairness": o.monday_spread,
        "weekly_evenness": o.weekly_evenness,
    }


def sweep(
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    grid: Mapping[str, Sequence[int]] | Sequence[Mapping[str, int]],
    *,
    phases: Iterable[int] = SWEEP_PHASES,
    seed: int = 0,
    time_limit: float = 5.0,
    workers: int = 1,
    overwrite: bool = True,
    progress: bool = False,
) -> pl.DataFrame:
    """Plan ``[start, end]`` once per weight combination and measure each outcome (pure: nothing written).

    Rows: one per combination, with the swept terms' weights (``S<n>`` columns,
    only the terms that vary), ``status``, ``objective``, ``wall_s``, the four
    :data:`OBJECTIVES` and ``weights`` (the full S1..S13 mapping as a struct).
    ``workers=1`` (default) runs CP-SAT in its reproducible mode so the same
    grid gives the same table; ``overwrite`` replans the range from scratch
    (past-protection does not apply to an in-memory plan).
    ``progress`` shows a ``tqdm.auto`` bar over the combinations.
    """
    from .generation.pipeline import plan
    from .generation.request import GenerationRequest

    base = snapshot.settings.optimiser
    points = expand_grid(grid, base.weights)
    named = {str(k).upper() for k in grid} if isinstance(grid, Mapping) else \
        {str(k).upper() for point in grid for k in point}
    varying = [t for t in SOFT_TERMS if t in named]
    phases = tuple(phases)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(points), unit="run", desc="sweep")
    rows: list[dict[str, Any]] = []
    try:
        for weights in points:
            request = GenerationRequest.build(start, end, phases=phases, seed=seed, overwrite=overwrite,
                                              time_limit_seconds=time_limit, workers=workers, weights=weights)
            result = plan(snapshot, request)
            planned = result.apply(snapshot)
            rep = result.solve_report
            row: dict[str, Any] = {t: weights[t] for t in varying}
            row.update(
                status=getattr(rep, "status", "n/a"),
                objective=getattr(rep, "objective", None),
                wall_s=round(float(getattr(rep, "wall_s", 0.0)), 2),
            )
            row.update(outcome_metrics(planned, start, end))
            row["weights"] = dict(weights)
            rows.append(row)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(fairness=row["report_fairness"], over=row["overstaffing"], refresh=False)
    finally:
        if bar is not None:
            bar.close()
    schema = {t: pl.Int64 for t in varying}
    schema.update({"status": pl.String, "objective": pl.Float64, "wall_s": pl.Float64})
    schema.update({o: pl.Float64 for o in OBJECTIVES})
    schema["weights"] = pl.Struct({t: pl.Int64 for t in SOFT_TERMS})
    return pl.DataFrame(rows, schema=schema)


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """``a`` is no worse than ``b`` everywhere and better somewhere (minimisation)."""
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def pareto_front(df: pl.DataFrame, objectives: Sequence[str], *, maximise: Iterable[str] = ()) -> pl.DataFrame:
    """``df`` with a boolean ``pareto`` column: True for rows no other row dominates.

    Objectives are minimised except those in ``maximise``. A row with a null or
    NaN objective is never on the front (and dominates nothing). Identical
    rows do not dominate each other, so duplicates are all on the front.
    """
    objectives = list(objectives)
    if not objectives:
        raise TuningError("objectives: none given; name at least one column to minimise")
    missing = [o for o in objectives if o not in df.columns]
    if missing:
        raise TuningError(f"objectives: column(s) {', '.join(missing)} not in the table; columns: {', '.join(df.columns)}")
    flip = set(maximise)
    unknown = flip - set(objectives)
    if unknown:
        raise TuningError(f"maximise: {', '.join(sorted(unknown))} not among the objectives")
    points: list[tuple[float, ...] | None] = []
    for row in df.select(objectives).iter_rows():
        if any(v is None or v != v for v in row):
            points.append(None)
        else:
            points.append(tuple(-float(v) if o in flip else float(v) for o, v in zip(objectives, row)))
    valid = [p for p in points if p is not None]
    flags = [p is not None and not any(dominates(q, p) for q in valid) for p in points]
    return df.with_columns(pl.Series("pareto", flags, dtype=pl.Boolean))


#: the primary soft term (partner fairness, Σ |fair difference|): a pick that sets it to 0 must say so
PRIMARY_TERM = "S11"


@dataclass(frozen=True)
class Choice:
    """The balanced pick: its weights, its score, and a notice when it concerns the primary term S11."""

    weights: dict[str, int]
    #: sum of min-max-normalised objectives over the front (lower is better)
    score: float
    #: None, or a sentence a reader must see: the primary term is off in the pick, or a
    #: better-scoring front point was passed over because it switched the primary term off
    notice: str | None
    #: the row of the pick in the front (0-based, in the table's order)
    front_index: int

    def label(self, terms: Sequence[str] = ()) -> str:
        shown = terms or sorted(self.weights, key=lambda t: int(t[1:]))
        return ", ".join(f"{t} = {self.weights[t]}" for t in shown)


def _scores(front: pl.DataFrame, objectives: Sequence[str]) -> list[float]:
    scores = [0.0] * front.height
    for o in objectives:
        col = front[o].cast(pl.Float64)
        lo, hi = col.min(), col.max()
        if hi is None or lo is None or hi == lo:
            continue
        for i, v in enumerate(col.to_list()):
            scores[i] += (v - lo) / (hi - lo)
    return scores


def choose_balanced(df: pl.DataFrame, objectives: Sequence[str] = OBJECTIVES) -> Choice:
    """The Pareto-front row with the smallest sum of min-max-normalised objectives, primary term kept on.

    Each objective is scaled to 0..1 over the front (a constant objective counts
    0), so no measure wins just by having larger numbers; ties go to the first
    row. Front rows that set :data:`PRIMARY_TERM` (S11) to 0 are passed over
    while a front row keeps it on; the :attr:`Choice.notice` says when that
    changed the pick, or when every front row has it off (then the pick has it
    off too, and says so).
    """
    marked = df if "pareto" in df.columns else pareto_front(df, objectives)
    front = marked.filter(pl.col("pareto"))
    if front.height == 0:
        raise TuningError("no row with all objectives measured; nothing to choose from")
    scores = _scores(front, objectives)
    weights = [dict(w) for w in front["weights"]]
    order = sorted(range(front.height), key=lambda i: (scores[i], i))
    on = [i for i in order if weights[i].get(PRIMARY_TERM, 1) > 0]
    best = order[0]
    notice = None
    if not on:
        notice = (f"{PRIMARY_TERM} (partner fairness, the primary term) is 0 in every Pareto-front point, so "
                  f"the pick switches it off: the optimiser will not pursue fair shares. Sweep {PRIMARY_TERM} "
                  "over values above 0 to keep it on.")
        pick = best
    else:
        pick = on[0]
        if pick != best:
            notice = (f"The best-scoring front point ({_weights_label(weights[best], front)}; score "
                      f"{scores[best]:.2f}) sets {PRIMARY_TERM} = 0, which switches off the primary term "
                      f"(partner fairness). It was passed over for the best point that keeps {PRIMARY_TERM} on "
                      f"(score {scores[pick]:.2f}).")
    return Choice(weights[pick], round(scores[pick], 4), notice, pick)


def _weights_label(weights: Mapping[str, int], table: pl.DataFrame) -> str:
    swept = [c for c in table.columns if c in SOFT_TERMS] or sorted(weights, key=lambda t: int(t[1:]))
    return ", ".join(f"{t} = {weights[t]}" for t in swept)


def choose(df: pl.DataFrame, objectives: Sequence[str] = OBJECTIVES) -> dict[str, int]:
    """The weights of :func:`choose_balanced` (use that to see its notice about the primary term)."""
    return choose_balanced(df, objectives).weights


def save_weights(workspace: str | Path, weights: Mapping[str, int], *, actor: str = "notebook") -> Settings:
    """Write ``weights`` (partial or full) into the workspace's optimiser settings; returns the new settings."""
    from .store import Workspace

    ws = Workspace.open(workspace)
    settings = ws.load_settings()
    merged = dict(settings.optimiser.weights)
    merged.update({str(k).upper(): v for k, v in weights.items()})
    try:
        optimiser = OptimiserSettings(settings.optimiser.time_limit_seconds, settings.optimiser.num_workers,
                                      settings.optimiser.seed, merged)
    except ValueError as err:
        raise TuningError(str(err)) from None
    new = replace(settings, optimiser=optimiser)
    ws.save_settings(new, actor=actor, action="tune-weights")
    return new


def tradeoff_chart(df: pl.DataFrame, x: str, y: str, *, label_terms: Sequence[str] = ()) -> Any:
    """Scatter of two objectives with the Pareto-front rows highlighted (lower-left is better).

    The front is the one in ``df['pareto']`` when present (e.g. over all four
    objectives), else the two-objective front of ``x`` and ``y``. Each point is
    labelled with its weights: the ``label_terms`` (the swept terms), or every
    term of the ``weights`` column when none are given.
    """
    from ._alt import alt

    marked = df if "pareto" in df.columns else pareto_front(df, [x, y])
    terms = [t for t in label_terms if t in marked.columns]
    if terms:
        label = pl.concat_str([pl.lit(f"{t}=") + pl.col(t).cast(pl.String) for t in terms], separator=" ")
    elif "weights" in marked.columns:
        label = pl.concat_str([pl.lit(f"{t}=") + pl.col("weights").struct.field(t).cast(pl.String)
                               for t in SOFT_TERMS], separator=" ")
    else:
        label = pl.lit("")
    tips = [*terms, x, y, "status", "pareto"]
    data = marked.select(*[c for c in dict.fromkeys(tips) if c in marked.columns], label.alias("weights_label"))
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:Q", title=x.replace("_", " ")),
        y=alt.Y(f"{y}:Q", title=y.replace("_", " ")),
    )
    points = base.mark_point(filled=True, size=70).encode(
        color=alt.Color("pareto:N", title="Pareto front", scale=alt.Scale(domain=[True, False],
                                                                         range=["#c0504d", "#9e9e9e"])),
        tooltip=list(data.columns),
    )
    labels = base.mark_text(align="left", dx=6, dy=-6, fontSize=9, color="#444").encode(text="weights_label:N")
    return alt.layer(points, labels).properties(title=f"{y.replace('_', ' ')} vs {x.replace('_', ' ')}",
                                                width=260, height=220)
