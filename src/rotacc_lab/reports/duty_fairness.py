"""Report 1, ``duty-fairness``: duty days per clinician, raw and WTE-adjusted.

Phase 6 compares clinicians by their duty count uprated by 1/WTE; this report
shows the same figure so a rota lead can see whether duty is shared fairly.

Columns
    clinician_id, name, clinician_type
    wte             mean WTE over the working days in range covered by a term
    duty_days       Σ amount of non-cancelled DUTY shifts in range (half day = 0.5)
    duty_days_wte   duty_days / wte (null when wte is 0 or unknown)
    group_mean      mean of duty_days_wte over the rows where it is not null
    deviation       duty_days_wte − group_mean

Rows: every clinician with a partner or salaried term overlapping the range,
plus anyone else holding a DUTY shift in range; sorted by clinician_id.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot, ShiftType, TermType
from ._frames import check_range, clinician_names, mean_wte, round2, shifts_in

COLUMNS = ["clinician_id", "name", "clinician_type", "wte", "duty_days", "duty_days_wte", "group_mean", "deviation"]

_DUTY_TERMS = [TermType.PARTNER.value, TermType.SALARIED.value, TermType.ALTERNATE_WEEKS.value]


def report_duty_fairness(snapshot: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Duty days per clinician in ``[start, end]`` with WTE adjustment and deviation from the mean."""
    start, end = check_range(start, end)
    wte_all = mean_wte(snapshot, start, end)
    eligible = mean_wte(snapshot, start, end, _DUTY_TERMS).select("clinician_id")
    duty = (
        shifts_in(snapshot, start, end)
        .filter(pl.col("shift_type") == ShiftType.DUTY.value)
        .group_by("clinician_id")
        .agg(duty_days=pl.col("amount").sum())
    )
    ids = pl.concat([eligible, duty.select("clinician_id")]).unique()
    adjusted = pl.when(pl.col("wte") > 0).then(pl.col("duty_days") / pl.col("wte"))
    out = (
        ids.join(clinician_names(snapshot), on="clinician_id", how="left")
        .join(wte_all.select("clinician_id", "wte"), on="clinician_id", how="left")
        .join(duty, on="clinician_id", how="left")
        .with_columns(pl.col("duty_days").fill_null(0.0))
        .with_columns(duty_days_wte=adjusted)
        .with_columns(group_mean=pl.col("duty_days_wte").mean())
        .with_columns(deviation=pl.col("duty_days_wte") - pl.col("group_mean"))
        .with_columns(round2(pl.col(c)) for c in ("wte", "duty_days", "duty_days_wte", "group_mean", "deviation"))
        .sort("clinician_id")
    )
    return out.select(COLUMNS)
