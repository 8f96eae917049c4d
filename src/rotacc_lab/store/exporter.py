"""Write a workspace back out as a practice folder (CSV + settings.toml) or an xlsx workbook.

The output is exactly the import format (docs/data-format.md) in a canonical
form: every table file is written (header only when empty), rows are ordered by
id, lists are ';'-joined, days are written ``Mon``..``Fri``, booleans
``true``/``false``, blanks mean "none". Import -> export -> import round-trips,
and exporting the same data twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain import PracticeSnapshot, Weekday
from ..errors import RotaccError
from ..private import make_private_dir, open_private, write_private_text
from .settings_io import render_toml, to_flat
from .source import TABLES
from .workspace import Workspace


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (tuple, list)):
        return ";".join(_text(x) for x in v)
    if hasattr(v, "label"):  # Weekday
        return v.label
    if hasattr(v, "value") and isinstance(v.value, str):  # string enums
        return v.value
    return str(v)


def table_rows(s: PracticeSnapshot) -> dict[str, list[list[Any]]]:
    """Every table of the format as rows of python values, in the column order of ``TABLES``."""
    return {
        "clinicians": [[c.clinician_id, c.name, c.email, c.clinician_type] for c in s.clinicians],
        "working_terms": [
            [t.term_id, t.clinician_id, t.term_type, t.start_date, t.end_date, t.percentage, t.fixed_working_days,
             t.must_work_days, t.cannot_work_days, t.week_a_days, t.week_b_days, t.minimum_shifts_per_week,
             t.max_shifts_per_week, t.annual_leave_entitlement]
            for t in s.terms
        ],
        "leave": [[x.leave_id, x.clinician_id, x.leave_type, x.start_date, x.end_date, x.status, x.duration]
                  for x in s.leave],
        "sick_leave": [[x.sick_id, x.clinician_id, x.start_date, x.end_date] for x in s.sick_leave],
        "locum_bookings": [[x.booking_id, x.clinician_id, x.dates] for x in s.locum_bookings],
        "shifts": [[x.shift_id, x.clinician_id, x.date, x.shift_type, x.duration, x.status, x.is_pinned, x.origin]
                   for x in s.shifts],
        "leave_adjustments": [[x.adjustment_id, x.term_id, x.amount, x.reason] for x in s.leave_adjustments],
        "trainer_requirements": [[x.requirement_id, x.weekday, x.clinician_ids] for x in s.trainer_requirements],
        "affinity_pairs": [[x.clinician_a, x.clinician_b] for x in s.affinity_pairs],
    }


def _columns(table: str) -> list[str]:
    required, optional = TABLES[table]
    return list(required + optional)


def _snapshot(workspace: Workspace | str | Path) -> PracticeSnapshot:
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace, read_only=True)
    return ws.load_snapshot()


def export_folder(workspace: Workspace | str | Path, folder: str | Path) -> list[Path]:
    """Write ``settings.toml`` and one CSV per table into ``folder`` (created if needed); return the files."""
    return write_folder(_snapshot(workspace), folder)


def write_folder(snap: PracticeSnapshot, folder: str | Path) -> list[Path]:
    """Write a snapshot in the folder format (what :func:`export_folder` does after loading)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise RotaccError(f"export folder {folder} is a file; give a folder path")
    make_private_dir(folder)
    written = [folder / "settings.toml"]
    write_private_text(written[0], render_toml(snap.settings), newline="\n")
    for table, rows in table_rows(snap).items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(_columns(table))
        w.writerows([[_text(v) for v in r] for r in rows])
        path = folder / f"{table}.csv"
        write_private_text(path, buf.getvalue(), newline="")
        written.append(path)
    return written


def _cell(v: Any) -> Any:
    """xlsx cell value: dates and integers stay typed, everything else is text."""
    if isinstance(v, Weekday):
        return v.label
    if isinstance(v, bool) or v is None:
        return _text(v) if v is not None else None
    if isinstance(v, (date, int)):
        return v
    if isinstance(v, Decimal):
        return str(v)
    return _text(v) or None


def export_xlsx(workspace: Workspace | str | Path, path: str | Path) -> Path:
    """Write the practice as one workbook: a ``settings`` sheet (key, value) and one sheet per table."""
    return write_xlsx(_snapshot(workspace), path)


def write_xlsx(snap: PracticeSnapshot, path: str | Path) -> Path:
    """Write a snapshot as an xlsx workbook (what :func:`export_xlsx` does after loading)."""
    import openpyxl

    from ..exports.xlsx import append_text_safe

    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "settings"
    ws.append(["key", "value"])
    for k, v in to_flat(snap.settings).items():
        append_text_safe(ws, [k, _cell(v) if not isinstance(v, float) else v])
    for table, rows in table_rows(snap).items():
        sheet = wb.create_sheet(table)
        sheet.append(_columns(table))
        for r in rows:
            append_text_safe(sheet, [_cell(v) for v in r])
    with open_private(path, "wb") as fh:
        wb.save(fh)
    return path
