"""``rotacc-lab activity``: import, list, export, delete and generate daily activity series.

Activity (appointments, attendances, occupancy, dependency, ...) is what demand is
forecast from; see docs/data-format.md ("activity.csv") and docs/forecasting.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import RotaccError


def _fail(err: Exception) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Daily activity series that demand is forecast from.", no_args_is_help=True)
    app.add_typer(sub, name="activity")

    @sub.command("import")
    def import_(
        workspace: Path = typer.Argument(..., help="workspace file"),
        source: Path = typer.Argument(..., help="activity CSV with columns date, series, value"),
        replace: bool = typer.Option(False, "--replace", help="each series in the file replaces the stored one "
                                     "entirely (default: merge, the file's dates overwrite, other dates stay)"),
        actor: str = typer.Option("cli", "--actor", help="name recorded in the audit log"),
    ) -> None:
        """Validate SOURCE and store its series in the workspace (all or nothing, audited)."""
        from ..store.activity import import_activity

        try:
            result = import_activity(workspace, source, mode="replace" if replace else "merge", actor=actor)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(str(result))

    @sub.command("list")
    def list_(
        workspace: Path = typer.Argument(..., help="workspace file"),
        as_json: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """The stored series: rows, first and last date, mean value."""
        from ..store.activity import activity_summary

        try:
            rows = activity_summary(workspace)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if as_json:
            typer.echo(json.dumps([{**r, "first": r["first"].isoformat(), "last": r["last"].isoformat(),
                                    "mean": round(r["mean"], 4)} for r in rows], indent=2))
            return
        if not rows:
            typer.echo(f"{workspace} holds no activity; add some with `rotacc-lab activity import {workspace} FILE.csv`")
            return
        typer.echo(f"{'series':<16}{'rows':>7}  {'first':<11}{'last':<11}{'mean':>10}")
        for r in rows:
            typer.echo(f"{r['series']:<16}{r['rows']:>7}  {r['first']!s:<11}{r['last']!s:<11}{r['mean']:>10.1f}")

    @sub.command("export")
    def export(
        workspace: Path = typer.Argument(..., help="workspace file"),
        target: Path = typer.Argument(..., help="CSV file to write (the import format)"),
        series: Optional[List[str]] = typer.Option(None, "--series", help="only these series (repeatable)"),
    ) -> None:
        """Write stored series as an activity CSV (import -> export -> import round-trips)."""
        from ..activity import write_activity_csv
        from ..store.activity import load_activity

        try:
            got = load_activity(workspace, list(series) if series else None)
            missing = sorted(set(series or ()) - set(got))
            if missing:
                raise RotaccError(f"--series: {', '.join(missing)} not stored in {workspace}")
            n = write_activity_csv(target, got.values())
        except (RotaccError, ValueError, OSError) as err:
            raise _fail(err)
        typer.echo(f"wrote {n} rows of {len(got)} series to {target}")

    @sub.command("delete")
    def delete(
        workspace: Path = typer.Argument(..., help="workspace file"),
        series: str = typer.Argument(..., help="series to remove entirely"),
        actor: str = typer.Option("cli", "--actor", help="name recorded in the audit log"),
    ) -> None:
        """Remove one series (audited)."""
        from ..store.activity import delete_activity

        try:
            n = delete_activity(workspace, series, actor=actor)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(f"removed series {series} ({n} rows) from {workspace}")

    @sub.command("synth")
    def synth(
        target: Path = typer.Argument(..., help="CSV file to write"),
        kind: str = typer.Option("practice", "--kind", help="practice, department or care_home"),
        seed: int = typer.Option(0, "--seed", help="seed (same seed, same series)"),
        start: str = typer.Option("2024-01-01", "--start", help="first date YYYY-MM-DD"),
        end: str = typer.Option("2025-12-31", "--end", help="last date YYYY-MM-DD"),
        nation: str = typer.Option("england", "--nation", help="UK nation whose bank holidays apply"),
    ) -> None:
        """Write synthetic daily activity with a known truth (rotacc_lab.synth_activity) as an activity CSV."""
        from ..activity import ActivitySeries, write_activity_csv
        from ..synth_activity import synthetic_activity
        from ..dates import require_date

        try:
            out = synthetic_activity(kind, seed, require_date(start, "--start"), require_date(end, "--end"), nation=nation)
            n = write_activity_csv(target, [ActivitySeries(s.series, s.dates, s.values) for s in out.values()])
        except (RotaccError, ValueError, OSError) as err:
            raise _fail(err)
        typer.echo(f"wrote {n} rows ({', '.join(out)}) to {target}")
