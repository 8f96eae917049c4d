"""``alerts``: the workspace's open alerts as a frame.

Unlike the other reports this one reads the store's alert table, not the
snapshot: ``report_alerts(rows, start, end)`` takes the dicts returned by
``Workspace.list_alerts()``. Resolved alerts (by hand, or superseded by a later
generation over their dates) are left out unless ``include_resolved=True``:
reports and dashboards show what still needs attention.

Columns
    alert_id, run_id, kind, date, clinician_id, message, severity,
    created_at, resolved_at,
    state     "open" when resolved_at is null, else "resolved"

Rows: open alerts whose ``date`` lies in ``[start, end]`` (alerts without a date
are kept: they concern the whole workspace), by date and alert_id; with
``include_resolved`` the resolved ones follow.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Mapping

import polars as pl

from ._frames import check_range

SCHEMA = {
    "alert_id": pl.Int64,
    "run_id": pl.Int64,
    "kind": pl.String,
    "date": pl.Date,
    "clinician_id": pl.String,
    "message": pl.String,
    "severity": pl.String,
    "created_at": pl.Datetime("us"),
    "resolved_at": pl.Datetime("us"),
}

COLUMNS = [*SCHEMA, "state"]


def _cell(name: str, value: object) -> object:
    if value is None:
        return None
    if name in ("alert_id", "run_id"):
        return int(value)  # type: ignore[call-overload]
    if name == "date":
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if name in ("created_at", "resolved_at"):
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    return str(value)


def report_alerts(rows: Iterable[Mapping[str, object]], start: date, end: date, *,
                  include_resolved: bool = False) -> pl.DataFrame:
    """Open alerts dated in ``[start, end]`` (or undated), with their ``state``; resolved ones too on request."""
    start, end = check_range(start, end)
    data = [{k: _cell(k, r.get(k)) for k in SCHEMA} for r in rows
            if include_resolved or r.get("resolved_at") is None]
    frame = pl.DataFrame(data, schema=SCHEMA, orient="row") if data else pl.DataFrame(schema=SCHEMA)
    return (
        frame.filter(pl.col("date").is_null() | pl.col("date").is_between(start, end))
        .with_columns(
            state=pl.when(pl.col("resolved_at").is_null()).then(pl.lit("open")).otherwise(pl.lit("resolved"))
        )
        .sort(pl.col("state") != "open", "date", "alert_id", nulls_last=True)
        .select(COLUMNS)
    )
