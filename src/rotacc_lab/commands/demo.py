"""``rotacc-lab demo``: build the embedded demo practice and run the main job on it.

The main job is: import ``data/demo`` into a fresh workspace, generate the
rota for the demo year with every phase, write the full report bundle (every
admin report, with charts) as one HTML file, and execute the monthly report
notebook for the first month with papermill. Beside it, the demo hospital
department (``data/demo-department``) is imported and its pool versus demand printed, and
its two years of synthetic attendances are written beside it for ``forecast --apply``; the
demo care-home provider (``data/demo-provider``) likewise, with two years of care hours per unit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from ..errors import RotaccError
from ..private import make_private_dir

#: the demo practice's rota year (its data covers 2026-2027)
DEMO_START = date(2026, 1, 5)
DEMO_END = date(2026, 12, 31)


#: the demo practice's synthetic activity: seed, size (x ~280 appointments an ordinary weekday) and
#: appointments one doctor covers in a day (with these, Monday's cover is about its minimum of 6)
DEMO_ACTIVITY_SEED = 1
DEMO_ACTIVITY_SCALE = 0.55
DEMO_APPOINTMENTS_PER_DOCTOR = 30.0


def import_demo_activity(ws_path: Path, out: Path):
    """Write the demo practice's two years of appointments (2024-2025) to ``out`` and import them."""
    from ..activity import ActivitySeries, write_activity_csv
    from ..store.activity import import_activity
    from ..synth_activity import synthetic_activity

    s = synthetic_activity("practice", DEMO_ACTIVITY_SEED, scale=DEMO_ACTIVITY_SCALE)["appointments"]
    path = out / "demo-activity.csv"
    write_activity_csv(path, [ActivitySeries(s.series, s.dates, s.values)])
    return import_activity(ws_path, path, actor="demo")


def demo_folder() -> Path:
    """The demo practice folder shipped with the package (``data/demo``)."""
    from ..resources import bundled_dir

    folder = bundled_dir("data") / "demo"
    if not (folder / "settings.toml").is_file():
        raise RotaccError(f"the demo practice folder {folder} has no settings.toml; reinstall rotacc-lab")
    return folder


def run_demo(out: Path, *, time_limit: float | None = None, progress: bool = True, quiet: bool = False) -> dict:
    """Build ``out/demo.duckdb`` from the demo folder, generate the year, write the report bundle.

    Returns the paths written and the run summary. ``today`` is pinned to the
    start of the demo year so the result does not depend on the day it runs.
    """
    from ..generation.pipeline import generate
    from ..exports.html import write_bundle_html
    from ..store import Workspace, import_source
    from ..generation.request import GenerationRequest
    from .generation import _Progress

    make_private_dir(out)
    ws_path = out / "demo.duckdb"
    for stale in (ws_path, ws_path.with_name(ws_path.name + ".wal")):
        if stale.exists():
            stale.unlink()
    summary = import_source(ws_path, demo_folder(), actor="demo")
    say = (lambda *_: None) if quiet else typer.echo
    say(f"imported the demo practice into {ws_path}: {summary}")
    activity = import_demo_activity(ws_path, out)
    say(f"two years of synthetic appointments (known truth, seed {DEMO_ACTIVITY_SEED}): {activity}; forecast them "
        f"with `rotacc-lab forecast {ws_path} --per {DEMO_APPOINTMENTS_PER_DOCTOR:g} --target doctors`")
    bar = _Progress(6, progress and not quiet)
    try:
        request = GenerationRequest.build(DEMO_START, DEMO_END, overwrite=True, time_limit_seconds=time_limit,
                                          today=DEMO_START, names={"time_limit_seconds": "--time-limit"})
        run = generate(ws_path, request, actor="demo", progress=bar)
    finally:
        bar.close()
    for line in run.lines():
        say(line)
    ws = Workspace.open(ws_path, read_only=True)
    html = out / "demo-report.html"
    write_bundle_html(ws.load_snapshot(), DEMO_START, DEMO_END, html, alerts=ws.list_alerts())
    say(f"report bundle (every admin report with charts): {html}")
    from ..notebook_support import run_monthly_report

    month = DEMO_START.strftime("%Y-%m")
    monthly = run_monthly_report(ws_path, month, out / "monthly")
    say(f"monthly report for {month} (executed with papermill): {monthly}")
    from .departments import build_demo_department

    department = build_demo_department(out, say)
    from .carehomes import build_demo_provider

    provider = build_demo_provider(out, say)
    return {"workspace": ws_path, "report": html, "monthly": monthly, "run": run, "department": department,
            "provider": provider}


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        out: Path = typer.Option(Path("out"), "--out", help="folder for the demo workspace and its reports"),
        time_limit: float = typer.Option(None, "--time-limit", help="CP-SAT time limit in seconds (default: settings)"),
        serve: bool = typer.Option(False, "--serve/--no-serve", help="end by serving the dashboards (Ctrl-C stops)"),
        port: int = typer.Option(None, "--port", help="port for --serve on 127.0.0.1 (default: a free port)"),
    ) -> None:
        """Build the demo practice, generate its 2026 rota, write the reports; optionally serve the dashboards."""
        try:
            result = run_demo(out, time_limit=time_limit)
            if serve:
                from .dashboards import serve_dashboards

                # the demo's folder holds its workspace and any branches made from it
                serve_dashboards(
                    result["workspace"], port, workspace_dir=Path(result["workspace"]).parent, echo=typer.echo
                )
        except (RotaccError, ValueError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2)
