"""``rotacc-lab demo``: build the embedded demo practice and run the main job on it.

The main job is: import ``data/demo`` into a fresh workspace, generate the
rota for the demo year with every phase, and write the full report bundle
(every admin report, with charts) as one HTML file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from ..errors import RotaccError

#: the demo practice's rota year (its data covers 2026-2027)
DEMO_START = date(2026, 1, 5)
DEMO_END = date(2026, 12, 31)


def demo_folder() -> Path:
    """The demo practice folder shipped in the repository."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "demo"
        if (candidate / "settings.toml").is_file():
            return candidate
    raise RotaccError("the demo practice folder data/demo was not found next to the package")


def run_demo(out: Path, *, time_limit: float | None = None, quiet: bool = False) -> dict:
    """Build ``out/demo.duckdb`` from the demo folder, generate the year, write the report bundle."""
    from ..generation.pipeline import generate
    from ..reports.registry import write_bundle_html
    from ..store import Workspace, import_source

    out.mkdir(parents=True, exist_ok=True)
    ws_path = out / "demo.duckdb"
    if ws_path.exists():
        ws_path.unlink()
    summary = import_source(ws_path, demo_folder(), actor="demo")
    if not quiet:
        typer.echo(f"imported the demo practice into {ws_path}: {summary}")
    run = generate(
        ws_path,
        DEMO_START,
        DEMO_END,
        actor="demo",
        overwrite=True,
        time_limit=time_limit,
        show_progress=not quiet,
    )
    if not quiet:
        typer.echo(str(run))
    snapshot = Workspace.open(ws_path, read_only=True).load_snapshot()
    html = out / "demo-report.html"
    write_bundle_html(snapshot, DEMO_START, DEMO_END, html, alerts=Workspace.open(ws_path, read_only=True).list_alerts())
    if not quiet:
        typer.echo(f"report bundle: {html}")
    return {"workspace": ws_path, "report": html, "run": run}


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        out: Path = typer.Option(Path("out"), "--out", help="folder for the demo workspace and its reports"),
        time_limit: float = typer.Option(None, "--time-limit", help="CP-SAT time limit in seconds (default: settings)"),
    ) -> None:
        """Build the demo practice, generate its 2026 rota and write the report bundle."""
        try:
            run_demo(out, time_limit=time_limit)
        except (RotaccError, ValueError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2)
