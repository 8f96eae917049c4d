"""Report 2, ``monday-balance``: Mondays worked per partner against the WTE-fair share.

The optimiser's S2 term penalises pairwise differences of Monday-equivalency
between partners; this report shows those quantities.

Columns
    clinician_id, name
    wte                   mean WTE over the working days in range covered by a partner term
    mondays               Σ amount of non-cancelled STANDARD/DUTY shifts on Mondays in range
    monday_equivalency    mondays / wte
    fair_share            (Σ mondays over partners) × wte / Σ wte
    difference            mondays − fair_share
    deviation             monday_equivalency − mean(monday_equivalency)
    spread                max − min monday_equivalency over all partners (same on every row)

Rows: clinicians with a PARTNER term overlapping the range and WTE > 0.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot, TermType
from ._frames import TOWARD_MINIMUM, check_range, clinician_names, mean_wte, round2, shifts_in

COLUMNS = [
    "clinician_id",
    "name",
    "wte",
    "mondays",
    "monday_equivalency",
    "fair_share",
    "difference",
    "deviation",
    "spread",
]


def report_monday_balance(snapshot: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Mondays per partner in ``[start, end]``, their fair share and the Monday-equivalency spread."""
    start, end = check_range(start, end)
    partners = mean_wte(snapshot, start, end, [TermType.PARTNER.value]).filter(pl.col("wte") > 0)
    mondays = (
        shifts_in(snapshot, start, end)
        .filter(pl.col("date").dt.weekday() == 1, pl.col("shift_type").is_in(TOWARD_MINIMUM))
        .group_by("clinician_id")
        .agg(mondays=pl.col("amount").sum())
    )
    eq = pl.col("mondays") / pl.col("wte")
    out = (
        partners.select("clinician_id", "wte")
        .join(clinician_names(snapshot).select("clinician_id", "name"), on="clinician_id", how="left")
        .join(mondays, on="clinician_id", how="left")
        .with_columns(pl.col("mondays").fill_null(0.0))
        .with_columns(
            monday_equivalency=eq,
            fair_share=pl.col("mondays").sum() * pl.col("wte") / pl.col("wte").sum(),
        )
        .with_columns(
            difference=pl.col("mondays") - pl.col("fair_share"),
            deviation=pl.col("monday_equivalency") - pl.col("monday_equivalency").mean(),
            spread=pl.col("monday_equivalency").max() - pl.col("monday_equivalency").min(),
        )
        .with_columns(
            round2(pl.col(c))
            for c in ("wte", "mondays", "monday_equivalency", "fair_share", "difference", "deviation", "spread")
        )
        .sort("clinician_id")
    )
    return out.select(COLUMNS)
