"""What notebooks show: rota calendar frames and charts, tables, reports with a narrative."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import polars as pl

    from ..domain import PracticeSnapshot



#: colours of the rota calendar, in legend order
CALENDAR_KINDS = {
    "DUTY": "#c0504d",
    "STANDARD": "#4f81bd",
    "STANDARD (half)": "#9bbbe0",
    "STUDY_LEAVE": "#8064a2",
    "CORONERS": "#4bacc6",
    "LEAVE": "#f2c14e",
    "SICK": "#7f7f7f",
}


def rota_calendar_frame(snapshot: "PracticeSnapshot", start: date, end: date) -> "pl.DataFrame":
    """One row per (clinician, day) in ``[start, end]`` that has a live shift, approved leave or sickness.

    Columns: ``clinician_id, name, date, kind`` where ``kind`` is the shift type
    (``"STANDARD (half)"`` for a half-day standard shift), else ``LEAVE`` or
    ``SICK``. A shift wins over leave on the same day (it is what happens).
    """
    import polars as pl

    from ..domain import Duration, LeaveStatus, ShiftStatus, ShiftType

    rows: dict[tuple[str, date], str] = {}
    for lv in snapshot.leave:
        if lv.status is LeaveStatus.APPROVED and lv.start_date <= end and lv.end_date >= start:
            for d in _days(max(lv.start_date, start), min(lv.end_date, end)):
                if d.weekday() < 5:
                    rows[(lv.clinician_id, d)] = "LEAVE"
    for sk in snapshot.sick_leave:
        hi = end if sk.end_date is None else min(sk.end_date, end)
        for d in _days(max(sk.start_date, start), hi):
            if d.weekday() < 5:
                rows[(sk.clinician_id, d)] = "SICK"
    for s in snapshot.shifts:
        if s.status is ShiftStatus.CANCELLED or not start <= s.date <= end:
            continue
        kind = s.shift_type.value
        if s.shift_type is ShiftType.STANDARD and s.duration is Duration.HALF:
            kind = "STANDARD (half)"
        rows[(s.clinician_id, s.date)] = kind
    names = {c.clinician_id: c.name for c in snapshot.clinicians}
    keys = sorted(rows)
    return pl.DataFrame(
        {
            "clinician_id": [k[0] for k in keys],
            "name": [names.get(k[0], k[0]) for k in keys],
            "date": [k[1] for k in keys],
            "kind": [rows[k] for k in keys],
        },
        schema={"clinician_id": pl.String, "name": pl.String, "date": pl.Date, "kind": pl.String},
    )


def _days(lo: date, hi: date) -> Iterable[date]:
    from datetime import timedelta

    d = lo
    while d <= hi:
        yield d
        d += timedelta(days=1)


def rota_calendar_runs(frame: "pl.DataFrame") -> "pl.DataFrame":
    """``rota_calendar_frame`` rows merged into runs: one row per clinician and stretch of consecutive
    days of the same kind (a bar never covers a day without that kind, so weekends split runs).

    Columns ``clinician_id, name, kind, start, end`` (``end`` exclusive, the day after the
    run's last day) and ``days``. A year of a 100-clinician practice is about half as many runs
    as day cells, so the chart has fewer marks to draw.
    """
    import polars as pl
    from datetime import timedelta

    rows: list[dict] = []
    for r in frame.sort("clinician_id", "date").iter_rows(named=True):
        last = rows[-1] if rows else None
        d = r["date"]
        gap = (d - last["_last"]).days if last else None
        if last and last["clinician_id"] == r["clinician_id"] and last["kind"] == r["kind"] and gap == 1:
            last["_last"] = d
            last["days"] += 1
        else:
            rows.append({"clinician_id": r["clinician_id"], "name": r["name"], "kind": r["kind"], "start": d,
                         "_last": d, "days": 1})
    schema = {"clinician_id": pl.String, "name": pl.String, "kind": pl.String, "start": pl.Date, "end": pl.Date,
              "days": pl.Int64}
    return pl.DataFrame([{**{k: v for k, v in r.items() if k != "_last"}, "end": r["_last"] + timedelta(days=1)}
                         for r in rows], schema=schema)


def rota_calendar_chart(frame: "pl.DataFrame", title: str = "Rota") -> Any:
    """Altair calendar: clinician (rows) × date, one bar per run of days coloured by shift type / absence.

    ``frame`` is :func:`rota_calendar_frame`'s; consecutive working days of the same
    kind are drawn as one bar (:func:`rota_calendar_runs`), so a large practice's year
    stays within a few thousand marks.
    """
    from .._alt import alt

    if frame.height == 0:
        import polars as pl

        return (alt.Chart(pl.DataFrame({"text": [f"{title}: nothing scheduled in this range"]}))
                .mark_text(align="left").encode(text="text:N").properties(title=title, height=30))
    kinds = [k for k in CALENDAR_KINDS if k in set(frame["kind"].to_list())]
    days = frame["date"].n_unique()
    runs = rota_calendar_runs(frame)
    return (
        alt.Chart(runs)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("start:T", title="Date", axis=alt.Axis(labelAngle=-90, labelOverlap=True, format="%d %b")),
            x2="end:T",
            y=alt.Y("clinician_id:N", title="Clinician", sort="ascending"),
            color=alt.Color("kind:N", title="Shift / absence",
                            scale=alt.Scale(domain=kinds, range=[CALENDAR_KINDS[k] for k in kinds])),
            tooltip=["clinician_id", "name", "kind", alt.Tooltip("start:T", title="from"),
                     alt.Tooltip("end:T", title="until (exclusive)"), "days"],
        )
        .properties(title=title, width=min(1600, max(420, 14 * days)), height=alt.Step(16))
    )


def run_alerts_frame(workspace: str | Path, run_id: int) -> "pl.DataFrame":
    """The open alerts one generation run raised: ``severity, kind, date, clinician_id, message``.

    Alerts since resolved (by hand or superseded by a later run) are left out.
    """
    import polars as pl

    from ..store import Workspace

    rows = [a for a in Workspace.open(workspace, read_only=True).list_alerts(include_resolved=False)
            if a["run_id"] == run_id]
    schema = {"severity": pl.String, "kind": pl.String, "date": pl.Date, "clinician_id": pl.String,
              "message": pl.String}
    return pl.DataFrame([{k: a[k] for k in schema} for a in rows], schema=schema)


# --------------------------------------------------------------------------- display


def show_chart(chart: Any) -> None:
    """Display an Altair chart as Vega-Lite 5 display data.

    JupyterLab and Voila draw it offline with their bundled renderer;
    :func:`export_html` turns it into HTML for the exported report.
    """
    from IPython.display import display

    from ..ui.widgets import chart_output

    out = chart_output(chart)
    display(out["data"], raw=True, metadata=out["metadata"])


def show_table(frame: "pl.DataFrame", max_rows: int = 400) -> None:
    """Display a polars frame as a full HTML table (up to ``max_rows`` rows), readable in the exported HTML."""
    from IPython.display import HTML, display

    from ..ui.widgets import table_html

    display(HTML(table_html(frame, max_rows=max_rows)))


def show_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


from ..reports.narrative import REPORT_HEADINGS, report_narrative  # noqa: E402  (re-exported for notebooks)


def show_report(result: Any, *, with_table: bool = True) -> None:
    """Heading, narrative, chart (if any), notes and table of one computed report."""
    heading = REPORT_HEADINGS.get(result.name, result.name)
    show_markdown(f"## {heading}\n\n*{result.spec.description}*\n\n{report_narrative(result)}")
    chart = result.chart()
    if chart is not None:
        show_chart(chart)
    if with_table:
        show_table(result.frame)
