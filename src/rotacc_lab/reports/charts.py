"""Altair charts of the reports. Each takes the report's frame and returns a chart.

Charts only pass the columns they draw (Altair embeds the data in the spec),
and the ones whose report can exceed a few thousand rows aggregate first, so
five years of data stay far below Altair's 5 000-row guard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from .._alt import alt

_WIDTH = 560


def _empty(title: str) -> alt.Chart:
    """A placeholder when a report has no rows (Altair cannot infer types of empty data)."""
    from .._alt import alt

    return (
        alt.Chart(pl.DataFrame({"text": [f"{title}: no rows in this range"]}))
        .mark_text(align="left")
        .encode(text="text:N")
        .properties(title=title, width=_WIDTH, height=30)
    )


def duty_fairness_chart(frame: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Bars of WTE-adjusted duty days per clinician with a rule at the group mean."""
    from .._alt import alt

    title = "Duty days per clinician (WTE-adjusted)"
    data = frame.select("clinician_id", "name", "duty_days", "duty_days_wte", "group_mean", "deviation")
    if data.height == 0:
        return _empty(title)
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        x=alt.X("clinician_id:N", title="Clinician", sort=None),
        y=alt.Y("duty_days_wte:Q", title="Duty days / WTE"),
        color=alt.condition("datum.deviation > 0", alt.value("#c0504d"), alt.value("#4f81bd")),
        tooltip=["clinician_id", "name", "duty_days", "duty_days_wte", "deviation"],
    )
    mean = base.mark_rule(color="black", strokeDash=[4, 3]).encode(y="mean(group_mean):Q")
    return alt.layer(bars, mean).properties(title=title, width=_WIDTH)


def monday_balance_chart(frame: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Mondays worked per partner (bars) against the WTE-fair share (ticks)."""
    from .._alt import alt

    title = "Mondays worked vs WTE-fair share"
    data = frame.select("clinician_id", "name", "wte", "mondays", "fair_share", "monday_equivalency")
    if data.height == 0:
        return _empty(title)
    base = alt.Chart(data).encode(x=alt.X("clinician_id:N", title="Partner", sort=None))
    bars = base.mark_bar(color="#4f81bd").encode(
        y=alt.Y("mondays:Q", title="Mondays"),
        tooltip=["clinician_id", "name", "wte", "mondays", "fair_share", "monday_equivalency"],
    )
    ticks = base.mark_tick(color="black", thickness=3, size=30).encode(y="fair_share:Q")
    return alt.layer(bars, ticks).properties(title=title, width=_WIDTH)


def staffing_calendar_chart(frame: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Calendar heatmap: one cell per working day (week × weekday), coloured by surplus.

    Days with no rota yet (``planned`` false) are grey and say "not planned": they
    are never drawn as short.
    """
    from .._alt import alt

    title = "Staffing against the minimum (red = below, grey = not planned yet)"
    data = frame.select("date", "weekday", "week", "doctors_working", "minimum", "planned", "surplus", "flag",
                        "on_leave")
    if data.height == 0:
        return _empty(title)
    base = alt.Chart(data).encode(
        x=alt.X("yearmonthdate(week):O", title="Week (Monday)", axis=alt.Axis(labelAngle=-90, labelOverlap=True)),
        y=alt.Y("weekday:N", sort=["Mon", "Tue", "Wed", "Thu", "Fri"], title=None),
    )
    planned = (
        base.transform_filter("datum.planned")
        .mark_rect(stroke="white")
        .encode(
            color=alt.Color("surplus:Q", scale=alt.Scale(scheme="redblue", domainMid=0), title="Surplus"),
            tooltip=["date:T", "weekday", "doctors_working", "minimum", "surplus", "flag", "on_leave"],
        )
    )
    layers = [planned]
    if not bool(data["planned"].all()):
        layers.append(
            base.transform_filter("!datum.planned")
            .mark_rect(stroke="white", color="#d9d9d9")
            .encode(tooltip=["date:T", "weekday", alt.Tooltip("flag:N", title="status"), "minimum"])
        )
    return alt.layer(*layers).properties(title=title, width=max(_WIDTH, 12 * frame["week"].n_unique()), height=110)


def availability_chart(frame: pl.DataFrame) -> alt.Chart:
    """Fair share vs actual shifts per partner (report 7, the data of report 6)."""
    from .._alt import alt

    title = "Fair share from available weeks vs actual shifts"
    if frame.height == 0:
        return _empty(title)
    ident = "clinician_id"
    long = frame.select(
        pl.col(ident),
        pl.col("fair_share").cast(pl.Float64).alias("fair share"),
        pl.col("actual").cast(pl.Float64).alias("actual"),
    ).unpivot(index=ident, variable_name="measure", value_name="shifts")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(f"{ident}:N", title="Partner"),
            xOffset=alt.XOffset("measure:N"),
            y=alt.Y("shifts:Q", title="Shifts"),
            color=alt.Color("measure:N", scale=alt.Scale(range=["#9bbb59", "#4f81bd"])),
            tooltip=[ident, "measure", "shifts"],
        )
        .properties(title=title, width=_WIDTH)
    )


def weekly_availability_chart(frame: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Doctor-days working per week (area) against the week's summed minimum (line)."""
    from .._alt import alt

    title = "Doctor-days per week (bars) vs the week's minimum (red tick)"
    if frame.height == 0:
        return _empty(title)
    weekly = frame.group_by("week").agg(
        pl.col("week_doctor_days").first(),
        pl.col("week_minimum").first(),
        pl.col("leave_days").sum().alias("leave_days"),
    )
    # an ordinal (banded) week axis: on a time axis a bar is a day wide, a hairline on a long range
    week = alt.X("yearmonthdate(week):O", title="Week (Monday)", axis=alt.Axis(labelAngle=-90, labelOverlap=True))
    base = alt.Chart(weekly).encode(x=week)
    worked = base.mark_bar(color="#4f81bd", opacity=0.8).encode(
        y=alt.Y("week_doctor_days:Q", title="Doctor-days"),
        tooltip=["week:T", "week_doctor_days", "week_minimum", "leave_days"],
    )
    minimum = base.mark_tick(color="#c0504d", thickness=2).encode(y="week_minimum:Q")
    return alt.layer(worked, minimum).properties(title=title, width=max(_WIDTH, 14 * weekly.height))


def partner_wte_chart(frame: pl.DataFrame) -> alt.Chart:
    """Deficiency per partner (historical), coloured by status."""
    from .._alt import alt

    title = "Partner deficiency: target after the leave entitlement − worked"
    if frame.height == 0:
        return _empty(title)
    data = frame.select(
        "clinician_id",
        "status",
        *(pl.col(c).cast(pl.Float64) for c in ("target", "worked", "scheduled", "deficiency")),
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("clinician_id:N", title="Partner"),
            y=alt.Y("deficiency:Q", title="Deficiency (shifts)"),
            color=alt.Color("status:N", scale=alt.Scale(domain=["under", "on_track", "over"], range=["#c0504d", "#9bbb59", "#4f81bd"])),
            tooltip=["clinician_id", "target", "worked", "scheduled", "deficiency", "status"],
        )
        .properties(title=title, width=_WIDTH)
    )
