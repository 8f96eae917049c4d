"""The outcome measures of a rota: one function, used by what-if comparisons, weight tuning and sweeps.

Every measure comes from the admin reports (so it is the figure a report or a
dashboard shows for the same range), and all are "lower is better" except
``doctor_days_worked``:

``report_fairness``
    Σ |fair difference| over partners (``partner-wte-availability``; the S11 quantity).
``monday_spread``
    Monday-equivalency spread, max − min of Mondays / WTE over partners (``monday-balance``; S2).
``duty_max_abs_deviation``
    largest |WTE-adjusted deviation from the mean| of duty days (``duty-fairness``).
``days_below_minimum`` / ``days_below_66``
    planned working days with fewer doctors than the minimum / than the 66 % floor (``staffing-overview``;
    a day with no rota yet is never counted short).
``doctor_days_short`` / ``overstaffing``
    Σ over planned working days of the doctors missing below the minimum / working above it.
``min_surplus``
    the worst planned day's doctors working − minimum (None on a range without planned working days).
``doctor_days_worked``
    Σ doctors working over the working days.
``weekly_evenness``
    Σ over partners of (max − min) shifts per week, over the weeks in which the partner was
    fully available (5 working days in range, no leave, contracted every day) (``weekly-availability``; S5).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import polars as pl

from ..domain import PracticeSnapshot, TermType


@dataclass(frozen=True)
class Outcome:
    report_fairness: float
    monday_spread: float
    duty_max_abs_deviation: float
    days_below_minimum: int
    days_below_66: int
    doctor_days_short: float
    overstaffing: float
    min_surplus: float | None
    doctor_days_worked: float
    weekly_evenness: float
    #: the partner-wte-availability frame the fairness figures come from (per partner)
    availability: pl.DataFrame

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("availability")
        return out


def outcome_measures(snapshot: PracticeSnapshot, start: date, end: date) -> Outcome:
    """Every outcome measure of the rota held by ``snapshot`` over ``[start, end]`` (see the module docstring)."""
    from . import (
        availability_summary,
        report_duty_fairness,
        report_monday_balance,
        report_partner_wte_availability,
        report_staffing_overview,
        report_weekly_availability,
    )

    avail = report_partner_wte_availability(snapshot, start, end)
    mondays = report_monday_balance(snapshot, start, end)
    duty = report_duty_fairness(snapshot, start, end)
    staffing = report_staffing_overview(snapshot, start, end)
    weekly = report_weekly_availability(snapshot, start, end)

    deviation = duty["deviation"].drop_nulls() if duty.height else pl.Series([], dtype=pl.Float64)
    # surplus is null on days with no rota yet: they count neither as short nor as over
    surplus = staffing["surplus"].drop_nulls() if staffing.height else pl.Series([], dtype=pl.Float64)
    partners = {t.clinician_id for t in snapshot.terms if t.term_type is TermType.PARTNER}
    full_weeks = weekly.filter(
        pl.col("clinician_id").is_in(sorted(partners))
        & (pl.col("leave_days") == 0)
        & (pl.col("not_contracted_days") == 0)
        & ((pl.col("working_days") + pl.col("not_rostered_days")) == 5)
    )
    evenness = 0.0
    if full_weeks.height:
        ranges = full_weeks.group_by("clinician_id").agg(
            (pl.col("working_amount").max() - pl.col("working_amount").min()).alias("r"))
        evenness = float(ranges["r"].sum())
    return Outcome(
        report_fairness=round(float(availability_summary(avail)["sum_abs_fair_difference"]), 2),
        monday_spread=round(float(mondays["spread"].max() or 0.0) if mondays.height else 0.0, 2),
        duty_max_abs_deviation=round(float(deviation.abs().max() or 0.0) if deviation.len() else 0.0, 2),
        days_below_minimum=int(staffing["below_minimum"].sum()) if staffing.height else 0,
        days_below_66=int(staffing["below_66"].sum()) if staffing.height else 0,
        doctor_days_short=round(float(surplus.clip(upper_bound=0).abs().sum()), 2) if surplus.len() else 0.0,
        overstaffing=round(float(surplus.clip(lower_bound=0).sum()), 2) if surplus.len() else 0.0,
        min_surplus=float(surplus.min()) if surplus.len() else None,
        doctor_days_worked=round(float(staffing["doctors_working"].sum()), 2) if staffing.height else 0.0,
        weekly_evenness=round(evenness, 2),
        availability=avail,
    )
