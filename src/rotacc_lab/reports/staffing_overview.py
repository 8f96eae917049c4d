"""Report 4, ``staffing-overview``: doctors working per day against the minimum.

Columns (one row per working day in range)
    date, weekday ("Mon".."Fri"), week (the Monday of its week)
    doctors_working   Σ amount of non-cancelled STANDARD/DUTY shifts that day
                      (the shift types that count toward the minimum; half day = 0.5)
    minimum           settings.min_doctors for that weekday
    planned           the day is inside the rota that has been planned: a completed
                      generation run covered it, or it lies between the rota's first
                      and last shift (:func:`._frames.planned_days`)
    surplus           doctors_working − minimum (negative = deficit); null when not planned
    floor_66          ceil(minimum × 0.66), the optimiser's hard floor H7
    below_minimum     planned and doctors_working < minimum
    below_66          planned and doctors_working < floor_66
    flag              "below_66", "below_minimum" or "ok" (the worst that applies), or
                      "not_planned": no rota yet that day, so it is never counted as short
    on_leave          ids of clinicians on approved leave that day, sorted, joined by ", "
    on_leave_count    how many
    off_sick          ids of clinicians on sick leave that day, sorted, joined by ", "

Bank holidays and weekends have no row. A month that starts before the rota
(or runs past it) shows its outside days as not planned, with no surplus.
"""

from __future__ import annotations

from ..staffing import staffing_floor_expr

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot
from ._frames import (
    TOWARD_MINIMUM,
    approved_leave_days,
    check_range,
    planned_days,
    shifts_in,
    sick_days,
    working_days,
)

COLUMNS = [
    "date",
    "weekday",
    "week",
    "doctors_working",
    "minimum",
    "planned",
    "surplus",
    "floor_66",
    "below_minimum",
    "below_66",
    "flag",
    "on_leave",
    "on_leave_count",
    "off_sick",
]

_LABELS = {0: "Mon", 1: "Tue", 2: "Wed", 3: "Thu", 4: "Fri"}


def floor_66(minimum: pl.Expr) -> pl.Expr:
    """ceil(minimum × 0.66) (:func:`rotacc_lab.staffing.staffing_floor_expr`)."""
    return staffing_floor_expr(minimum)


def _names_per_day(days: pl.DataFrame, alias: str) -> pl.DataFrame:
    return days.group_by("date").agg(
        pl.col("clinician_id").sort().str.join(", ").alias(alias),
        pl.len().cast(pl.Int64).alias(alias + "_count"),
    )


def report_staffing_overview(snapshot: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Per working day in ``[start, end]``: staffing against the minimum and who is away."""
    start, end = check_range(start, end)
    days = working_days(snapshot, start, end)
    days = days.with_columns(planned_days(snapshot, days))
    working = (
        shifts_in(snapshot, start, end)
        .filter(pl.col("shift_type").is_in(TOWARD_MINIMUM))
        .group_by("date")
        .agg(doctors_working=pl.col("amount").sum())
    )
    leave = _names_per_day(approved_leave_days(snapshot, start, end), "on_leave")
    sick = _names_per_day(sick_days(snapshot, start, end), "off_sick")
    out = (
        days.join(working, on="date", how="left")
        .join(leave, on="date", how="left")
        .join(sick.select("date", "off_sick"), on="date", how="left")
        .with_columns(
            pl.col("doctors_working").fill_null(0.0),
            pl.col("on_leave").fill_null(""),
            pl.col("on_leave_count").fill_null(0),
            pl.col("off_sick").fill_null(""),
            floor_66=floor_66(pl.col("minimum")),
            weekday=pl.col("weekday").replace_strict(_LABELS, return_dtype=pl.String),
        )
        .with_columns(
            surplus=pl.when(pl.col("planned")).then(pl.col("doctors_working") - pl.col("minimum")),
            below_minimum=pl.col("planned") & (pl.col("doctors_working") < pl.col("minimum")),
            below_66=pl.col("planned") & (pl.col("doctors_working") < pl.col("floor_66")),
        )
        .with_columns(
            flag=pl.when(~pl.col("planned"))
            .then(pl.lit("not_planned"))
            .when(pl.col("below_66"))
            .then(pl.lit("below_66"))
            .when(pl.col("below_minimum"))
            .then(pl.lit("below_minimum"))
            .otherwise(pl.lit("ok"))
        )
        .sort("date")
    )
    return out.select(COLUMNS)
