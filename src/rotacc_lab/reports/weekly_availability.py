"""Report 8, ``weekly-availability``: per week and clinician, how each working day was spent.

Every (clinician, working day) in range falls in exactly one category, tested
in this order:

    working         a non-cancelled STANDARD or DUTY shift that day
    on_leave        approved leave of any type, sick leave, or a STUDY_LEAVE /
                    CORONERS shift that day
    not_contracted  no working term covers the day, or the term's pattern
                    excludes it (salaried fixed days, alternate-week A/B days)
    not_rostered    contracted, not away, but no shift

Columns (one row per week × clinician with a term overlapping the range)
    week (Monday), clinician_id, name
    working_days, leave_days, not_contracted_days, not_rostered_days   (day counts)
    working_amount      Σ shift amounts on working days (half day = 0.5)
    week_doctor_days    Σ working_amount over all clinicians that week
    week_minimum        Σ settings.min_doctors over the week's working days in range
    week_surplus        week_doctor_days − week_minimum
The four day counts of a row add up to the week's working days in range.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot, ShiftType
from ._frames import (
    TOWARD_MINIMUM,
    approved_leave_days,
    check_range,
    clinician_days,
    clinician_names,
    round2,
    shifts_in,
    sick_days,
    working_days,
)

COLUMNS = [
    "week",
    "clinician_id",
    "name",
    "working_days",
    "leave_days",
    "not_contracted_days",
    "not_rostered_days",
    "working_amount",
    "week_doctor_days",
    "week_minimum",
    "week_surplus",
]

_AWAY_SHIFTS = [ShiftType.STUDY_LEAVE.value, ShiftType.CORONERS.value]


def report_weekly_availability(snapshot: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Working / on leave / not contracted / not rostered day counts per week and clinician."""
    start, end = check_range(start, end)
    grid = clinician_days(snapshot, start, end)
    in_range = grid.filter(pl.col("term_id").is_not_null()).select("clinician_id").unique()
    grid = grid.join(in_range, on="clinician_id", how="semi")
    sh = shifts_in(snapshot, start, end)
    work = (
        sh.filter(pl.col("shift_type").is_in(TOWARD_MINIMUM))
        .group_by("clinician_id", "date")
        .agg(working_amount=pl.col("amount").sum())
    )
    away = pl.concat(
        [
            approved_leave_days(snapshot, start, end).select("clinician_id", "date"),
            sick_days(snapshot, start, end),
            sh.filter(pl.col("shift_type").is_in(_AWAY_SHIFTS)).select("clinician_id", "date"),
        ]
    ).unique().with_columns(away=pl.lit(True))
    cat = (
        grid.join(work, on=["clinician_id", "date"], how="left")
        .join(away, on=["clinician_id", "date"], how="left")
        .with_columns(
            category=pl.when(pl.col("working_amount").is_not_null())
            .then(pl.lit("working"))
            .when(pl.col("away").fill_null(False))
            .then(pl.lit("leave"))
            .when(~pl.col("contracted"))
            .then(pl.lit("not_contracted"))
            .otherwise(pl.lit("not_rostered"))
        )
    )
    count = lambda name: (pl.col("category") == name).sum().cast(pl.Int64)  # noqa: E731
    per = cat.group_by("week", "clinician_id").agg(
        working_days=count("working"),
        leave_days=count("leave"),
        not_contracted_days=count("not_contracted"),
        not_rostered_days=count("not_rostered"),
        working_amount=pl.col("working_amount").sum(),
    )
    weekly_min = working_days(snapshot, start, end).group_by("week").agg(week_minimum=pl.col("minimum").sum())
    out = (
        per.join(clinician_names(snapshot).select("clinician_id", "name"), on="clinician_id", how="left")
        .join(weekly_min, on="week", how="left")
        .with_columns(week_doctor_days=pl.col("working_amount").sum().over("week"))
        .with_columns(
            week_surplus=pl.col("week_doctor_days") - pl.col("week_minimum"),
        )
        .with_columns(round2(pl.col(c)) for c in ("working_amount", "week_doctor_days", "week_surplus"))
        .sort("week", "clinician_id")
    )
    return out.select(COLUMNS)
