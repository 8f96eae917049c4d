"""The phase 5 :class:`SolveReport`: how the solve went and why the rota looks as it does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import polars as pl

from .partners import PARTNER_SCHEMA

__all__ = ["ProgressEvent", "SolveReport", "TERMS_SCHEMA", "ITEMS_SCHEMA", "TERM_NAMES", "describe_item",
           "items_frame", "terms_frame"]

#: Soft-term names by id, in S1..S13 order (the objective's registry mirrors it).
TERM_NAMES = {
    "S1": "WTE fairness (pairwise)",
    "S2": "Monday fairness",
    "S3": "trainer requirement",
    "S4": "doctor affinity",
    "S5": "weekly evenness",
    "S6": "day-of-week spread",
    "S7": "WTE target deviation",
    "S8": "moderate staffing gap",
    "S9": "severe staffing gap",
    "S10": "exponential fairness (pairwise)",
    "S11": "report fairness",
    "S12": "exponential report fairness",
    "S13": "progressive overstaffing",
}

TERMS_SCHEMA = {
    "term": pl.String,
    "name": pl.String,
    "clinician_id": pl.String,
    "penalty": pl.Int64,
    "weight": pl.Int64,
    "weighted": pl.Int64,
}
ITEMS_SCHEMA = {
    "term": pl.String,
    "item": pl.String,
    "clinician_id": pl.String,
    "penalty": pl.Int64,
    "weight": pl.Int64,
    "weighted": pl.Int64,
}
@dataclass(frozen=True)
class ProgressEvent:
    """An improving solution or bound during the solve."""

    wall_s: float
    objective: float | None
    bound: float | None


def _args(item: str) -> list[str]:
    return item[item.index("[") + 1 : -1].split(",") if "[" in item else []


def describe_item(item: str, penalty: int, names: Mapping[str, str] | None = None) -> str:
    """One penalty item in words, e.g. ``weekly evenness: Dr A, week of 2026-03-02, 0.4 shifts off the weekly target``."""
    names = names or {}
    term = item.split("_")[0].split("[")[0]
    a = _args(item)
    who = lambda c: names.get(c, c)  # noqa: E731
    shifts = f"{penalty / 10:g} shifts"
    if term == "S1":
        return f"WTE fairness: {who(a[0])} and {who(a[1])} differ by {shifts} (scaled to the group's WTE)"
    if term == "S2":
        return f"Monday fairness: {who(a[0])} and {who(a[1])} cost {penalty} (Mondays apart beyond the one tolerated)"
    if term == "S3":
        return f"trainer requirement {a[0]}: no trainer on {a[1]}"
    if term == "S4":
        return f"doctor affinity: {who(a[0])} and {who(a[1])} work apart on {a[2]}"
    if term == "S5":
        return f"weekly evenness: {who(a[0])}, week of {a[1]}, {shifts} off the weekly target"
    if term == "S6":
        return f"day-of-week spread: {who(a[0])} on {a[1]}s deviates by {penalty} from an even spread"
    if term == "S7":
        return f"WTE target: {who(a[0])} is {shifts} from the target"
    if term == "S8":
        return f"moderate staffing gap on {a[0]}: {penalty} doctor(s) short of the minimum"
    if term == "S9":
        return f"severe staffing gap on {a[0]}: {penalty} doctor(s) below 84 % of the minimum"
    if term == "S10":
        return f"exponential fairness: {who(a[0])} and {who(a[1])} cost {penalty}"
    if term == "S11":
        return f"report fairness: {who(a[0])} is {shifts} from the fair share"
    if term == "S12":
        return f"exponential report fairness: {who(a[0])} costs {penalty} for the distance from the fair share"
    if term == "S13":
        return f"overstaffing on {a[0]}: {penalty} (the k-th doctor above the minimum costs k)"
    return f"{item} = {penalty}"


def items_frame(items: Mapping[str, list], weights: Mapping[str, int]) -> pl.DataFrame:
    """``penalties.evaluate`` output as rows ``term, item, clinician_id, penalty, weight, weighted``."""
    rows = [
        dict(term=t, item=i.name, clinician_id=i.clinician_id, penalty=int(i.value), weight=int(weights[t]),
             weighted=int(i.value) * int(weights[t]))
        for t, its in items.items()
        for i in its
    ]
    return pl.DataFrame(rows, schema=ITEMS_SCHEMA, orient="row") if rows else pl.DataFrame(schema=ITEMS_SCHEMA)


@dataclass(frozen=True)
class SolveReport:
    """How a phase 5 solve went and why the rota looks as it does.

    ``status`` is OPTIMAL only when the objective equals the certified bound; a solve stopped
    by the gap limit is FEASIBLE with its (honest) ``gap``. ``bound_source`` says which
    relaxation gave ``best_bound`` ("flow relaxation", "LP relaxation" or "CP-SAT");
    ``stop_reason`` why the solve ended. ``items`` keeps every named penalty of the rota
    (``S5_week_dev[P03,2026-03-02] = 4``), ``terms`` their sums per term and clinician.
    ``solver_params`` is what a run record should keep: mode, seed, workers, limits and the
    CP-SAT parameters applied, including any ``ROTACC_CPSAT_PARAMS`` override.
    """

    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | MODEL_INVALID | UNKNOWN
    objective: float | None
    best_bound: float | None
    gap: float | None  # (objective - bound) / max(1, objective)
    wall_s: float
    mode: str  # "reproducible" | "parallel"
    seed: int
    workers: int  # 0 = CP-SAT's automatic choice
    time_limit: float
    n_variables: int
    n_constraints: int
    terms: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TERMS_SCHEMA))
    explanation: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    items: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ITEMS_SCHEMA))
    gap_limit: float = 0.0
    bound_source: str | None = None
    stop_reason: str = ""
    deterministic_time: float = 0.0
    solver_params: dict[str, Any] = field(default_factory=dict)
    #: per stage: {"stage", "wall_s", "objective", "bound"}
    stages: list[dict[str, Any]] = field(default_factory=list)
    #: per partner: the calculators' target against the rota, and why a target is not reached
    partners: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PARTNER_SCHEMA))
    #: shifts of the rota that differ from the stability reference (None: no reference given)
    shifts_moved: int | None = None

    @property
    def bound(self) -> float | None:
        """Alias of ``best_bound``."""
        return self.best_bound

    def by_term(self) -> pl.DataFrame:
        """Penalty and weighted penalty per soft term (terms in S1..S13 order)."""
        order = {t: i for i, t in enumerate(TERM_NAMES)}
        return (
            self.terms.group_by("term", "name", "weight")
            .agg(pl.col("penalty").sum(), pl.col("weighted").sum())
            .with_columns(pl.col("term").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_o"))
            .sort("_o")
            .drop("_o")
            .select("term", "name", "penalty", "weight", "weighted")
        )

    def by_clinician(self) -> pl.DataFrame:
        """Weighted penalty per clinician (``None`` = day- or pair-level terms), one column per term."""
        if self.terms.is_empty():
            return pl.DataFrame(schema={"clinician_id": pl.String, "total": pl.Int64})
        wide = self.terms.pivot(on="term", index="clinician_id", values="weighted", aggregate_function="sum").fill_null(0)
        cols = [t for t in self.terms["term"].unique(maintain_order=True).to_list() if t in wide.columns]
        cols.sort(key=lambda t: list(TERM_NAMES).index(t) if t in TERM_NAMES else len(TERM_NAMES))
        return wide.select("clinician_id", *cols).with_columns(pl.sum_horizontal(cols).alias("total")).sort(
            "clinician_id", nulls_last=True
        )

    def largest(self, n: int = 10, names: Mapping[str, str] | None = None) -> pl.DataFrame:
        """The ``n`` largest weighted penalty items, with a ``text`` column saying each in words."""
        top = self.items.filter(pl.col("weighted") > 0).sort(["weighted", "item"], descending=[True, False]).head(n)
        return top.with_columns(
            pl.Series("text", [describe_item(i, p, names) for i, p in zip(top["item"], top["penalty"])], dtype=pl.String)
        )


def terms_frame(items: pl.DataFrame) -> pl.DataFrame:
    """``items`` summed per (term, clinician), with the term's name (the ``SolveReport.terms`` frame)."""
    sums: dict[tuple[str, str | None, int], list[int]] = {}
    for term, cid, weight, penalty, weighted in zip(items["term"], items["clinician_id"], items["weight"],
                                                    items["penalty"], items["weighted"]):
        acc = sums.setdefault((term, cid, weight), [0, 0])
        acc[0] += penalty
        acc[1] += weighted
    rows = [dict(term=t, name=TERM_NAMES.get(t, t), clinician_id=c, penalty=p, weight=w, weighted=v)
            for (t, c, w), (p, v) in sums.items()]
    return pl.DataFrame(rows, schema=TERMS_SCHEMA, orient="row") if rows else pl.DataFrame(schema=TERMS_SCHEMA)
