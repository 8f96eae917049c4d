"""``rotacc-lab report WORKSPACE NAME --start DATE --end DATE``: the admin reports on the command line.

``NAME`` is any name of ``rotacc_lab.reports.registry.REPORTS`` or ``all``.
Formats: ``table`` (default, aligned text), ``csv``, ``json`` (a list of row
objects; dates as ISO strings, decimals as numbers), ``html`` (one page with
the chart) and ``xlsx`` (needs ``--out``). ``all`` writes every report, with
charts, into ONE HTML file given by ``--out``.

The workspace is opened read-only just long enough to load its snapshot and
alerts, so a report never blocks a writer for longer than that.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from typing import TYPE_CHECKING

import typer

from ..dates import require_date
from ..errors import RotaccError
from ..private import open_private, write_private_text

if TYPE_CHECKING:  # polars and the report registry (with Altair) load only when a report runs
    import polars as pl

    from ..reports.registry import ReportResult

#: the registered report names, for --help without importing the registry (a test keeps them equal)
REPORT_NAMES = (
    "duty-fairness", "monday-balance", "remaining-leave", "staffing-overview", "partner-wte",
    "partner-wte-availability", "partner-wte-availability-chart", "weekly-availability", "alerts",
)

#: the same for the reports of department workspaces (registry.DEPARTMENT_REPORTS)
DEPARTMENT_REPORT_NAMES = ("department-pool", "department-pool-weekly")

FORMATS = ("table", "csv", "json", "html", "xlsx")


# --------------------------------------------------------------------------- parsing


def parse_format(text: str) -> str:
    from ..reports._frames import ReportError

    fmt = text.strip().lower()
    if fmt not in FORMATS:
        raise ReportError(f"--format: {text!r} is not accepted; give one of {', '.join(FORMATS)}")
    return fmt


# --------------------------------------------------------------------------- output


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def to_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (dates ISO strings, decimals numbers)."""
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def render_table(result: ReportResult) -> str:
    """The frame as aligned text, every row and column, followed by the notes."""
    import polars as pl

    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=200, tbl_width_chars=1000, tbl_hide_dataframe_shape=True):
        text = str(result.frame)
    head = f"{result.name}: {result.start.isoformat()} to {result.end.isoformat()} ({result.frame.height} rows)"
    notes = "".join(f"\n{k}: {v}" for k, v in result.notes.items())
    return f"{head}\n{text}{notes}\n"


def write_xlsx(result: ReportResult, path: Path) -> None:
    """One sheet with the report (header row bold, dates as dates), plus a ``notes`` sheet when it has notes."""
    import polars as pl
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..exports.xlsx import append_text_safe

    wb = Workbook()
    ws = wb.active
    ws.title = result.name[:31]
    append_text_safe(ws, result.frame.columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in result.frame.iter_rows():
        append_text_safe(ws, [float(v) if isinstance(v, Decimal) else v for v in row])
    for i, col in enumerate(result.frame.columns, start=1):
        if result.frame.schema[col] == pl.Date:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    if result.notes:
        notes = wb.create_sheet("notes")
        for k, v in result.notes.items():
            append_text_safe(notes, [k, str(v) if not isinstance(v, (int, float)) else v])
    with open_private(path, "wb") as fh:
        wb.save(fh)


def emit(result: ReportResult, fmt: str, out: Path | None) -> None:
    """Write ``result`` in ``fmt`` to ``out`` (or stdout for text formats)."""
    from ..reports._frames import ReportError

    if fmt == "xlsx":
        if out is None:
            raise ReportError("--format xlsx: an Excel file cannot go to the terminal; give --out FILE.xlsx")
        write_xlsx(result, out)
        typer.echo(f"wrote {out}", err=True)
        return
    if fmt == "table":
        text = render_table(result)
    elif fmt == "csv":
        text = result.frame.write_csv()
    elif fmt == "json":
        text = json.dumps(to_records(result.frame), indent=2) + "\n"
    else:  # html
        from ..exports.html import render_bundle

        text = render_bundle([result], f"{result.name}", f"{result.start.isoformat()} to {result.end.isoformat()}")
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_private_text(out, text)
        typer.echo(f"wrote {out}", err=True)


# --------------------------------------------------------------------------- workspace


def load_workspace(path: Path) -> tuple[Any, list[Mapping[str, object]]]:
    """Open the workspace read-only, load its snapshot and its open alerts, close it."""
    from ..reports._frames import ReportError
    from ..store.workspace import Workspace

    if not path.exists():
        raise ReportError(f"workspace {str(path)!r} does not exist; give the path of a .duckdb workspace file")
    ws = Workspace.open(path, read_only=True)
    try:
        snapshot = ws.load_snapshot()
        alerts = list(ws.list_alerts())  # open only: resolved alerts are not reported
    finally:
        close = getattr(ws, "close", None)
        if callable(close):
            close()
    return snapshot, alerts


def run_command(
    workspace: Path,
    name: str,
    start_text: str | None,
    end_text: str | None,
    fmt_text: str,
    out: Path | None,
    as_of_text: str | None = None,
) -> None:
    """Everything ``rotacc-lab report`` does, raising ``RotaccError``/``ValueError`` on user errors."""
    from ..reports._frames import ReportError, check_range
    from ..reports.registry import check_within_data, get_report, report_names, run_report

    fmt = parse_format(fmt_text)
    if name != "all" and get_report(name).source == "department":  # unknown names fail before any file is opened
        return run_department_report(workspace, name, start_text, end_text, fmt, out)
    start = require_date(start_text, "--start")
    end = require_date(end_text, "--end")
    check_range(start, end)
    opts: dict[str, Any] = {}
    if as_of_text is not None:
        if name != "partner-wte":
            raise ReportError(f"--as-of: only the partner-wte report takes it, not {name!r}")
        opts["as_of"] = require_date(as_of_text, "--as-of")
    if name == "all":
        if fmt not in ("table", "html"):
            raise ReportError(f"--format {fmt}: 'all' writes one HTML file; use --format html (or leave it out)")
        if out is None:
            raise ReportError("'all' writes every report into one HTML file; give --out FILE.html")
    snapshot, alerts = load_workspace(workspace)
    check_within_data(snapshot, start, end)
    if name == "all":
        from ..exports.html import write_bundle_html

        write_bundle_html(snapshot, start, end, out, alerts=alerts)  # type: ignore[arg-type]
        typer.echo(f"wrote {out} ({len(report_names())} reports)", err=True)
        return
    emit(run_report(name, snapshot, start, end, alerts=alerts, **opts), fmt, out)


def run_department_report(workspace: Path, name: str, start_text: str | None, end_text: str | None, fmt: str,
                          out: Path | None) -> None:
    """A department report; ``--start``/``--end`` default to the reference period."""
    from ..reports._frames import check_range
    from ..reports.registry import run_report
    from ..store.department_io import load_department

    dept = load_department(workspace)
    start = require_date(start_text, "--start") if start_text else dept.period.start
    end = require_date(end_text, "--end") if end_text else dept.period.end
    check_range(start, end)
    emit(run_report(name, dept, start, end), fmt, out)


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_cmd(
        workspace: Path = typer.Argument(..., help="the practice's workspace file (.duckdb)"),
        name: str = typer.Argument(..., help="report name, or 'all' for every report in one HTML file; "
                                   + ", ".join(REPORT_NAMES) + "; for a department: "
                                   + ", ".join(DEPARTMENT_REPORT_NAMES)),
        start: str = typer.Option(None, "--start", help="first day, YYYY-MM-DD (department reports: default "
                                  "the reference period)"),
        end: str = typer.Option(None, "--end", help="last day, YYYY-MM-DD (inclusive)"),
        fmt: str = typer.Option("table", "--format", help="table, csv, json, html or xlsx"),
        out: Path = typer.Option(None, "--out", help="write to this file instead of the terminal"),
        as_of: str = typer.Option(None, "--as-of", help="partner-wte only: the day the question is asked "
                                  "(default: today clamped into the range)"),
    ) -> None:
        """Compute an admin report (or all of them) for a date range."""
        try:
            run_command(workspace, name, start, end, fmt, out, as_of)
        except (RotaccError, ValueError, KeyError, OSError) as err:
            message = err.args[0] if isinstance(err, KeyError) and err.args else err
            typer.echo(f"error: {message}", err=True)
            raise typer.Exit(2)
