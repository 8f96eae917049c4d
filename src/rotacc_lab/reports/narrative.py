"""Words for computed reports: a human heading and a one- or two-sentence narrative per report.

Shared by the monthly report notebook (:mod:`rotacc_lab.nb.display`) and the
all-reports HTML (:mod:`rotacc_lab.exports.html`), so both say the same thing.
Every figure in a narrative is read from the report's own frame or notes.
"""

from __future__ import annotations

from typing import Any


#: report name -> human heading (monthly report notebook and all-reports HTML)
REPORT_HEADINGS = {
    "staffing-overview": "Staffing: were there enough doctors each day?",
    "weekly-availability": "Weekly availability: how each working day was spent",
    "partner-wte": "Partner WTE: target after the leave entitlement, worked and scheduled",
    "partner-wte-availability": "Fair share from available weeks against actual shifts",
    "partner-wte-availability-chart": "Fair share from available weeks against actual shifts (chart)",
    "monday-balance": "Mondays: are they shared fairly?",
    "duty-fairness": "Duty: who carried it?",
    "remaining-leave": "Annual leave remaining",
    "alerts": "Open alerts",
}


def _fmt(x: object) -> str:
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def report_narrative(result: Any, period: str = "month") -> str:
    """One or two sentences that say what a computed report shows (figures taken from its frame).

    ``period`` names the range in the empty case ("No rows in this month.").
    """
    import polars as pl

    f: pl.DataFrame = result.frame
    name = result.name
    if f.height == 0:
        return f"No rows in this {period}."
    if name == "staffing-overview":
        below = int(f["below_minimum"].sum())
        floor = int(f["below_66"].sum())
        planned = f.filter(pl.col("planned"))
        unplanned = f.height - planned.height
        if planned.height == 0:
            return f"{f.height} working day(s), none planned yet: no rota has been generated for this range."
        text = f"{planned.height} planned working day(s); {below} below the minimum, {floor} below the 66 % floor."
        if unplanned:
            text += f" {unplanned} working day(s) have no rota yet (not planned, not counted as short)."
        if below:
            worst = planned.sort("surplus").row(0, named=True)
            text += f" Worst: {worst['date']} ({_fmt(worst['doctors_working'])} of {worst['minimum']} needed)."
        return text
    if name == "weekly-availability":
        weeks = f.select("week", "week_surplus").unique().sort("week")
        short = weeks.filter(pl.col("week_surplus") < 0).height
        return f"{weeks.height} week(s); {short} with fewer doctor-days than the weekly minimum."
    if name == "partner-wte":
        counts = f.group_by("status").len().sort("status")
        parts = ", ".join(f"{r['len']} {r['status']}" for r in counts.iter_rows(named=True))
        return f"{f.height} partner(s) against the target after the leave entitlement: {parts}."
    if name.startswith("partner-wte-availability"):
        total = result.notes.get("sum_abs_fair_difference")
        top = f.sort(pl.col("fair_difference").abs(), descending=True).row(0, named=True)
        return (f"Σ |fair difference| = {_fmt(total)} shifts; furthest from the fair share from available weeks: {top['clinician_id']} "
                f"({_fmt(top['fair_difference'])}).")
    if name == "monday-balance":
        return (f"{f.height} partner(s); Monday-equivalency spread {_fmt(float(f['spread'].max() or 0))} "
                "(max − min of Mondays ÷ WTE).")
    if name == "duty-fairness":
        dev = f.filter(pl.col("deviation").is_not_null())
        if dev.height == 0:
            return f"{f.height} clinician(s); no duty recorded."
        top = dev.sort(pl.col("deviation").abs(), descending=True).row(0, named=True)
        return (f"{_fmt(float(f['duty_days'].sum()))} duty day(s) over {f.height} clinician(s); largest WTE-adjusted "
                f"deviation from the mean: {top['clinician_id']} ({_fmt(top['deviation'])}).")
    if name == "remaining-leave":
        col = "remaining_including_pending"
        known = f.filter(pl.col(col).is_not_null())
        if known.height == 0:
            return f"{f.height} clinician(s); no entitlements recorded."
        low = known.sort(col).row(0, named=True)
        return f"{f.height} clinician(s); least remaining (pending included): {low['clinician_id']} ({_fmt(low[col])} {low.get('unit') or ''})."
    if name == "alerts":
        counts = f.group_by("severity").len().sort("severity")
        return f"{f.height} alert(s): " + ", ".join(f"{r['len']} {r['severity']}" for r in counts.iter_rows(named=True)) + "."
    return f"{f.height} row(s)."
