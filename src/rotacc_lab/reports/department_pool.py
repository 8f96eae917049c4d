"""Department reports: pool versus demand per shift type and per week, with their charts.

Both take a :class:`~rotacc_lab.departments.model.Department` and cover its
reference period (``start``/``end`` are accepted for the registry's signature and
must lie inside the period; the pool is a whole-period figure). Columns are
explained in docs/departments.md ("Pool versus demand").
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..departments.model import Department
from ..departments.pool import pool_analysis
from ._frames import ReportError

_WIDTH = 480


def _check_inside(dept: Department, start: date, end: date) -> None:
    p = dept.period
    if start < p.start or end > p.end:
        raise ReportError(
            f"the department's reports cover its reference period {p.start.isoformat()}..{p.end.isoformat()}; "
            f"give dates inside it (or leave --start/--end out)")


def report_department_pool(dept: Department, start: date, end: date) -> pl.DataFrame:
    """One row per shift type and a ``total`` row over the clinical ones.

    A non-clinical shift type has no demand, so its ``vs_minimum``/``vs_ideal`` are null.
    """
    _check_inside(dept, start, end)
    a = pool_analysis(dept)
    rows = [{"shift_type": x.shift_type, "clinical": x.clinical, "owed": x.owed, "owed_exact": x.owed_exact,
             "minimum": x.minimum, "ideal": x.ideal,
             "vs_minimum": x.vs_minimum if x.clinical else None, "vs_ideal": x.vs_ideal if x.clinical else None,
             "weekend_owed": x.weekend_owed, "weekend_minimum": x.weekend_minimum} for x in a.by_shift_type]
    clinical = [r for r in rows if r["clinical"]]
    rows.append({"shift_type": "total", "clinical": True,
                 **{k: sum(r[k] for r in clinical) for k in ("owed", "minimum", "ideal", "vs_minimum", "vs_ideal",
                                                             "weekend_owed", "weekend_minimum")},
                 "owed_exact": round(sum(r["owed_exact"] for r in clinical), 1)})
    return pl.DataFrame(rows, schema={"shift_type": pl.String, "clinical": pl.Boolean, "owed": pl.Int64,
                                      "owed_exact": pl.Float64, "minimum": pl.Int64, "ideal": pl.Int64,
                                      "vs_minimum": pl.Int64, "vs_ideal": pl.Int64, "weekend_owed": pl.Int64,
                                      "weekend_minimum": pl.Int64})


def pool_summary(frame: pl.DataFrame) -> dict[str, object]:
    total = frame.filter(pl.col("shift_type") == "total").row(0, named=True)
    gap = total["vs_minimum"]
    return {"clinical shifts owed": total["owed"], "minimum demand": total["minimum"],
            "short of the minimum" if gap < 0 else "to spare over the minimum": abs(gap)}


def report_department_pool_weekly(dept: Department, start: date, end: date) -> pl.DataFrame:
    """One row per week and clinical shift type: owed (spread by availability) against demand."""
    _check_inside(dept, start, end)
    a = pool_analysis(dept)
    return pl.DataFrame(
        [{"week_start": w.week_start, "shift_type": w.shift_type, "owed": w.owed, "minimum": w.minimum,
          "ideal": w.ideal, "vs_minimum": w.vs_minimum} for w in a.by_week],
        schema={"week_start": pl.Date, "shift_type": pl.String, "owed": pl.Float64, "minimum": pl.Int64,
                "ideal": pl.Int64, "vs_minimum": pl.Float64})


def department_pool_chart(frame: pl.DataFrame):
    """Bars of shifts owed per clinical shift type, with ticks at the minimum and the ideal demand."""
    from .._alt import alt

    data = frame.filter(pl.col("clinical") & (pl.col("shift_type") != "total")).select(
        "shift_type", "owed", "minimum", "ideal", "vs_minimum")
    base = alt.Chart(data).encode(x=alt.X("shift_type:N", title="Shift type", sort=None))
    bars = base.mark_bar().encode(
        y=alt.Y("owed:Q", title="Shifts over the period"),
        color=alt.condition("datum.vs_minimum < 0", alt.value("#c0504d"), alt.value("#4f81bd")),
        tooltip=["shift_type", "owed", "minimum", "ideal", "vs_minimum"],
    )
    minimum = base.mark_tick(color="black", thickness=3, size=40).encode(y="minimum:Q")
    ideal = base.mark_tick(color="grey", thickness=2, size=40, strokeDash=[4, 2]).encode(y="ideal:Q")
    return alt.layer(bars, minimum, ideal).properties(
        title="Pool versus demand (bars owed; black tick minimum, grey ideal; red = short)", width=_WIDTH)


def department_pool_weekly_chart(frame: pl.DataFrame):
    """Heat map: week x shift type, coloured by owed minus minimum (red = short)."""
    from .._alt import alt

    data = frame.with_columns(pl.col("week_start").cast(pl.String)).select(
        "week_start", "shift_type", "owed", "minimum", "vs_minimum")
    limit = max(1.0, float(data["vs_minimum"].abs().max() or 1))
    return alt.Chart(data).mark_rect().encode(
        x=alt.X("week_start:O", title="Week starting"),
        y=alt.Y("shift_type:N", title="Shift type", sort=None),
        color=alt.Color("vs_minimum:Q", title="owed - minimum",
                        scale=alt.Scale(scheme="redblue", domain=[-limit, limit])),
        tooltip=["week_start", "shift_type", "owed", "minimum", "vs_minimum"],
    ).properties(title="Pool versus demand per week", width=_WIDTH)
