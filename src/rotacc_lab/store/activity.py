"""Store and read a workspace's daily activity series (table ``activity``, schema version 5).

An import is validated before anything is opened (``rotacc_lab.activity``), its
changes are worked out in memory (:func:`rotacc_lab.activity.plan_import`) and
written in one transaction with one audit row per series (entity ``activity``,
id the series name, before/after: row counts and date span, and how many rows
were inserted, updated, unchanged and deleted). A failure leaves the table as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ..activity import ActivityFile, ActivitySeries, SeriesChange, plan_import, read_activity_csv
from ..errors import Problem
from .workspace import Workspace, registered

_UPSERT = pa.schema([("series", pa.string()), ("date", pa.date32()), ("value", pa.float64())])


@dataclass(frozen=True)
class ActivityImport:
    workspace: Path
    source: Path
    mode: str
    changes: tuple[SeriesChange, ...]
    warnings: tuple[Problem, ...]
    data_version: int

    def __str__(self) -> str:
        lines = [f"imported activity from {self.source} into {self.workspace} ({self.mode}; data version {self.data_version}):"]
        for c in self.changes:
            span = f"{c.after_span[0]}..{c.after_span[1]}" if c.after_span else "empty"
            lines.append(f"  {c.series:<16} {c.after_rows:>6} rows ({span}): {c.inserted} new, {c.updated} changed, "
                         f"{c.unchanged} unchanged, {len(c.deletes)} removed")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'activity'"
    ).fetchall()[0][0])


def _read(con: duckdb.DuckDBPyConnection, names: list[str] | None) -> dict[str, ActivitySeries]:
    if not _has_table(con):  # a read-only handle on a file from before schema version 5
        return {}
    where, params = "", []
    if names is not None:
        where, params = " WHERE series IN (SELECT UNNEST(?::VARCHAR[]))", [list(names)]
    rows = con.execute(f"SELECT series, date, value FROM activity{where} ORDER BY series, date", params).fetchall()
    grouped: dict[str, tuple[list, list]] = {}
    for name, day, value in rows:
        ds, vs = grouped.setdefault(name, ([], []))
        ds.append(day)
        vs.append(float(value))
    return {n: ActivitySeries(n, tuple(ds), tuple(vs)) for n, (ds, vs) in grouped.items()}


def load_activity(ws: Workspace | str | Path, series: list[str] | None = None) -> dict[str, ActivitySeries]:
    """The stored series (all, or those named), by name; absent names are simply not in the result."""
    ws = ws if isinstance(ws, Workspace) else Workspace.open(ws, read_only=True)
    with ws.connect(read_only=True) as con:
        return _read(con, series)


def activity_summary(ws: Workspace | str | Path) -> list[dict]:
    """One row per stored series: name, rows, first, last, mean value."""
    ws = ws if isinstance(ws, Workspace) else Workspace.open(ws, read_only=True)
    with ws.connect(read_only=True) as con:
        if not _has_table(con):
            return []
        cur = con.execute("SELECT series, count(*) AS rows, min(date) AS first, max(date) AS last,"
                          " avg(value) AS mean FROM activity GROUP BY series ORDER BY series")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def apply_series_changes(ws: Workspace, changes: list[SeriesChange], actor: str, action: str, note: dict) -> int:
    """Write planned series changes in one audited transaction; return the new data version."""
    upserts = [{"series": c.series, "date": d, "value": v} for c in changes for d, v in c.upserts]
    with ws.transaction(actor) as tx:
        for c in changes:
            if c.deletes:
                tx.con.execute("DELETE FROM activity WHERE series = ? AND date IN (SELECT UNNEST(?::DATE[]))",
                               [c.series, list(c.deletes)])
        if upserts:
            with registered(tx.con, "_activity_in", pa.Table.from_pylist(upserts, schema=_UPSERT)):
                tx.con.execute("INSERT OR REPLACE INTO activity SELECT series, date, value FROM _activity_in")
        for c in changes:
            before = {"rows": c.before_rows} if c.before_rows else None
            tx.audit("activity", c.series, action, before, {**c.summary(), **note})
    return ws.data_version()


def import_activity(workspace: str | Path, source: str | Path | ActivityFile, mode: str = "merge",
                    actor: str = "cli") -> ActivityImport:
    """Validate an activity CSV and write it into ``workspace`` (which must exist).

    Raises :class:`~rotacc_lab.errors.ValidationError` listing every problem before
    anything is written.
    """
    parsed = source if isinstance(source, ActivityFile) else read_activity_csv(source)
    ws = Workspace.open(workspace)
    with ws.connect(read_only=True) as con:
        stored = _read(con, list(parsed.series))
    changes = plan_import(stored, parsed.series, mode)
    version = apply_series_changes(ws, changes, actor, "import", {"source": str(parsed.path), "mode": mode})
    return ActivityImport(ws.path, parsed.path, mode, tuple(changes), parsed.warnings, version)


def delete_activity(workspace: str | Path, series: str, actor: str = "cli") -> int:
    """Remove one stored series entirely (audited); return the rows removed."""
    ws = Workspace.open(workspace)
    with ws.connect(read_only=True) as con:
        stored = _read(con, [series])
    if series not in stored:
        from ..errors import RotaccError

        known = ", ".join(s["series"] for s in activity_summary(ws)) or "none"
        raise RotaccError(f"series: {series!r} is not stored in {ws.path}; stored series: {known}")
    s = stored[series]
    change = SeriesChange(series, (), s.dates, 0, 0, 0, len(s), 0, None)
    apply_series_changes(ws, [change], actor, "delete", {})
    return len(s)
