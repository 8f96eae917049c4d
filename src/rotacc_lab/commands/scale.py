"""``rotacc-lab sweep SPEC.toml [--scheduler ADDRESS] [--out PATH] [--workers N] [--serial]``.

Runs the grid of a sweep spec (see docs/scale.md) on a LocalCluster of
``--workers`` processes, on an existing Dask scheduler, or serially, with a
progress bar, and writes one results table (DuckDB or Parquet by the
extension of ``--out``; default: the spec's ``out`` key, else
``<spec>-results.duckdb`` beside the spec).

Exit codes: 0 every task ok; 1 results written but some tasks failed (see the
``status``/``error`` columns); 2 bad input (nothing submitted); 130 Ctrl-C
(outstanding tasks cancelled, cluster closed, nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import RotaccError


def default_out(spec_path: Path, spec_out: Path | None) -> Path:
    """``spec.out`` when given, else ``<spec stem>-results.duckdb`` beside the spec."""
    return spec_out or spec_path.with_name(f"{spec_path.stem}-results.duckdb")


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep_cmd(
        spec: Path = typer.Argument(..., help="sweep specification (.toml); see docs/scale.md"),
        scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                help="address of a running Dask scheduler (default: a LocalCluster)"),
        out: Optional[Path] = typer.Option(None, "--out", help="results file: .duckdb/.db or .parquet"),
        workers: int = typer.Option(2, "--workers", help="LocalCluster worker processes (1 thread each)"),
        serial: bool = typer.Option(False, "--serial", help="run in this process without Dask"),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="show the progress bar"),
    ) -> None:
        """Run scenario x weights x seeds (x workspaces) through generation and reports, gather one table."""
        from ..scale import SweepInterrupted, load_spec, run_sweep, write_results
        from ..scale.spec import SpecError, check_out_path

        try:
            sweep = load_spec(spec)
            target = check_out_path(out if out is not None else default_out(spec, sweep.out),
                                    "--out" if out is not None else "out")
            if target.resolve() in {p.resolve() for p in sweep.workspaces}:
                raise SpecError(f"--out: {target} is one of the sweep's workspaces; write results to their own file")

            def ready(n: int) -> None:
                where = "serially" if serial else (f"on {scheduler}" if scheduler else f"on {workers} local workers")
                typer.echo(f"spec ok: {n} task(s) {where}; results -> {target}", err=True)

            result = run_sweep(sweep, serial=serial, scheduler=scheduler, workers=workers, progress=progress,
                               on_ready=ready)
            written = write_results(result, target)
        except SweepInterrupted as err:
            typer.echo(f"interrupted: {err}", err=True)
            raise typer.Exit(130)
        except (RotaccError, ValueError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2)
        for line in result.lines():
            typer.echo(line)
        typer.echo("results: " + ", ".join(str(p) for p in written))
        if result.n_errors:
            raise typer.Exit(1)
