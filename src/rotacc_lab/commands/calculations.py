"""``rotacc-lab status WORKSPACE --start DATE --as-of DATE``: targets, deficiency, leave and sick credit.

The workspace is opened read-only just long enough to load its snapshot; the numbers
come from :func:`rotacc_lab.calculations.status_frame`. ``--json`` prints a list of
objects with exactly the keys of ``STATUS_COLUMNS`` (decimals as strings with 2 dp).
User errors (bad dates, reversed range, unknown clinician, missing workspace) print
``error: ...`` and exit with code 2.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Optional

import typer

from ..dates import require_date
from ..errors import RotaccError

#: columns shown by the default table, with their headings
TABLE_COLUMNS = (
    ("clinician_id", "id"),
    ("clinician_type", "type"),
    ("target", "target"),
    ("worked", "worked"),
    ("scheduled", "scheduled"),
    ("deficiency", "deficiency"),
    ("deficiency_including_scheduled", "incl. sched."),
    ("status", "status"),
    ("leave_unit", "leave unit"),
    ("leave_remaining", "leave left"),
    ("leave_remaining_including_pending", "left incl. pending"),
    ("sick_leave_credit", "sick credit"),
)


class StatusInputError(RotaccError, ValueError):
    """A bad command-line value (the message names the option)."""


def render_table(records: list[dict]) -> str:
    """Aligned plain-text table of the :data:`TABLE_COLUMNS` (numbers right-aligned)."""
    heads = [h for _, h in TABLE_COLUMNS]
    rows = [[str(r[k]) for k, _ in TABLE_COLUMNS] for r in records]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(heads)]
    numeric = [k not in ("clinician_id", "clinician_type", "status", "leave_unit") for k, _ in TABLE_COLUMNS]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)).rstrip()

    out = [line(heads), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    return "\n".join(out)


def run_status(
    workspace: Path, start: str, as_of: str, clinicians: list[str] | None, end: str | None, threshold: str
) -> list[dict]:
    """Load the snapshot and compute the status records (all extra columns included)."""
    from ..calculations import STATUS_COLUMNS, status_frame, status_records
    from ..store import Workspace

    period_start = require_date(start, "--start")
    as_of_day = require_date(as_of, "--as-of")
    period_end = require_date(end, "--end") if end is not None else None
    try:
        limit = Decimal(threshold)
    except ArithmeticError:
        raise StatusInputError(f"--threshold: {threshold!r} is not a number; give e.g. 1.0") from None
    if as_of_day < period_start:
        raise StatusInputError(
            f"--as-of: {as_of_day.isoformat()} is before --start {period_start.isoformat()}; give --start <= --as-of"
        )
    ws = Workspace.open(workspace, read_only=True)
    snap = ws.load_snapshot()
    if period_end is None:
        from ..calculations.deficiency import projection_end

        generated = [r["end_date"] for r in ws.list_runs() if r["status"] == "COMPLETED"]
        period_end, why = projection_end(snap, as_of_day, max(generated) if generated else None)
    else:
        why = "--end"
    frame = status_frame(snap, period_start, as_of_day, clinicians or None, period_end=period_end, threshold=limit)
    columns = [*STATUS_COLUMNS, *(c for c in frame.columns if c not in STATUS_COLUMNS)]
    records = status_records(frame, columns)
    for r in records:
        r["projection_end_reason"] = why
    return records


def projection_line(records: list[dict]) -> str:
    """The line above the table that says where "incl. sched." stops, and why."""
    if not records:
        return "no clinicians"
    end = records[0]["period_end"]
    end = end.isoformat() if hasattr(end, "isoformat") else str(end)
    return f"scheduled shifts and 'incl. sched.' run to {end} ({records[0]['projection_end_reason']})"


def register(app: typer.Typer) -> None:
    @app.command("status")
    def status(
        workspace: Path = typer.Argument(..., help="Workspace file (.duckdb)."),
        start: str = typer.Option(..., "--start", help="Period start (ISO date), inclusive."),
        as_of: str = typer.Option(..., "--as-of", help="Target date (ISO date), inclusive: worked/target run to here."),
        clinician: Optional[list[str]] = typer.Option(None, "--clinician", help="Only this clinician id (repeatable)."),
        end: Optional[str] = typer.Option(
            None, "--end", help="Last day of the projection including scheduled shifts (default: the "
            "last day the rota has been generated for, or the end of the reporting period containing --as-of "
            "(else 31 December) if that is earlier; the table's first line says which)."),
        threshold: str = typer.Option("1.0", "--threshold", help="|deficiency| <= threshold is on_track."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects instead of a table."),
    ) -> None:
        """Targets, worked and scheduled shifts, deficiency, leave balance and sick-leave credit per clinician."""
        try:
            records = run_status(workspace, start, as_of, clinician, end, threshold)
        except (RotaccError, ValueError, TypeError, KeyError, OSError) as err:
            message = err.args[0] if isinstance(err, KeyError) and err.args else err
            typer.echo(f"error: {message}", err=True)
            raise typer.Exit(code=2) from None
        if as_json:
            from ..calculations import STATUS_COLUMNS

            typer.echo(json.dumps([{k: r[k] for k in STATUS_COLUMNS} for r in records], indent=2))
        else:
            typer.echo(projection_line(records))
            typer.echo(render_table(records))
