"""``rotacc-lab generate`` and ``rotacc-lab rebalance``.

``generate WORKSPACE --start DATE --end DATE [--phases 1,2,3,4,5,6] [--seed N]
[--overwrite] [--mondays-only] [--skip-mondays] [--time-limit S]`` runs the
pipeline with a per-phase progress bar (during phase 5 it shows the solver's
objective and bound) and prints a summary. Ctrl-C stops cleanly: the run is
marked FAILED ("interrupted") and nothing is written; a second Ctrl-C aborts at
once (still nothing written: the write is one transaction).

``rebalance WORKSPACE --start DATE --end DATE [--today DATE]`` refuses a range
starting inside the fixed period, regenerates with overwrite and prints the
before/after table per clinician.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from ..errors import RotaccError


class GenerateInputError(RotaccError, ValueError):
    """A bad command-line value (the message names the option)."""


#: how the CLI names the request's parameters in messages
CLI_NAMES = {"start": "--start", "end": "--end", "phases": "--phases", "seed": "--seed",
             "time_limit_seconds": "--time-limit", "workers": "--workers", "today": "--today"}


def cli_request(start: str, end: str, phases: str, *, seed: int | None = None, overwrite: bool = False,
                mondays_only: bool = False, skip_mondays: bool = False, time_limit: float | None = None,
                workers: int | None = None, today: str | None = None):
    """The command line's options as one validated GenerationRequest (messages name the options)."""
    from ..dates import require_date
    from ..generation.request import GenerationRequest

    return GenerationRequest.build(
        require_date(start, "--start"), require_date(end, "--end"), phases=phases, seed=seed, overwrite=overwrite,
        mondays_only=mondays_only, skip_mondays=skip_mondays, time_limit_seconds=time_limit, workers=workers,
        today=require_date(today, "--today") if today else None, names=CLI_NAMES,
    )


@contextmanager
def ctrl_c_stops(stop: threading.Event) -> Iterator[None]:
    """First Ctrl-C sets ``stop`` (clean interruption); the second raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):  # pragma: no cover - needs a real terminal signal
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        typer.echo("\ninterrupting: finishing the current step, nothing will be written ...", err=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Progress:
    """Progress over the phases, on stderr.

    On a terminal: a tqdm bar with the optimiser's objective and bound. Anywhere
    else (a log file, a pipe, CI): one line when each phase ends, with its time,
    and the optimiser's last objective/bound for phase 5, instead of the bar's
    hundreds of carriage-return updates.
    """

    def __init__(self, n_phases: int, enabled: bool, stream=None):
        from tqdm import tqdm

        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.lines = enabled and not (callable(isatty) and isatty())
        self.bar = tqdm(total=n_phases, unit="phase", desc="generate", file=self.stream,
                        disable=not enabled or self.lines, leave=False)
        self.solver: dict[str, object] = {}

    def __call__(self, event) -> None:
        from ..generation.pipeline import PhaseProgress

        if isinstance(event, PhaseProgress):
            if event.stage == "start":
                self.bar.set_description(f"phase {event.phase}")
                self.solver = {}
            else:
                self.bar.update(1)
                if self.lines:
                    extra = "".join(f", {k} {v}" for k, v in self.solver.items() if v is not None)
                    print(f"generate: phase {event.phase} done in {event.wall_s:.1f} s{extra}", file=self.stream,
                          flush=True)
        elif hasattr(event, "objective"):
            self.solver = {"objective": getattr(event, "objective", None), "bound": getattr(event, "bound", None)}
            self.bar.set_postfix(objective=self.solver["objective"], bound=self.solver["bound"],
                                 s=round(getattr(event, "wall_s", 0.0), 1))

    def close(self) -> None:
        self.bar.close()


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate_cmd(
        workspace: Path = typer.Argument(..., help="workspace file (.duckdb)"),
        start: str = typer.Option(..., "--start", help="first date, YYYY-MM-DD"),
        end: str = typer.Option(..., "--end", help="last date, YYYY-MM-DD"),
        phases: str = typer.Option("1,2,3,4,5,6", "--phases", help="comma list of phases to run"),
        seed: Optional[int] = typer.Option(None, "--seed", help="the run's seed: phase 6's duty shuffle and CP-SAT's "
                                           "random seed (default: the workspace's optimiser.seed)"),
        workers: Optional[int] = typer.Option(None, "--workers", help="CP-SAT workers: 1 = reproducible (same "
                                              "rota every run; the default optimiser.num_workers), 0 = CP-SAT "
                                              "chooses, 2+ = parallel (not repeatable); default: the workspace's"),
        overwrite: bool = typer.Option(False, "--overwrite", help="replace unpinned scheduled shifts in the range"),
        mondays_only: bool = typer.Option(False, "--mondays-only", help="phase 3: only Mondays"),
        skip_mondays: bool = typer.Option(False, "--skip-mondays", help="phase 3: Tuesday-Friday only"),
        time_limit: Optional[float] = typer.Option(None, "--time-limit", help="phase 5 time limit in seconds"),
        actor: str = typer.Option("cli", "--actor", help="name recorded in the audit log"),
        today: Optional[str] = typer.Option(None, "--today", help="overwrite never deletes shifts before this date "
                                            "(default: today)"),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="show the progress bar"),
    ) -> None:
        """Generate the rota for a date range (phases 1-6) and write it in one transaction."""
        from ..generation.pipeline import GenerationInterrupted, generate

        stop = threading.Event()
        bar = None
        try:
            request = cli_request(start, end, phases, seed=seed, overwrite=overwrite, mondays_only=mondays_only,
                                  skip_mondays=skip_mondays, time_limit=time_limit, workers=workers, today=today)
            bar = _Progress(len(request.phases), progress)
            with ctrl_c_stops(stop):
                summary = generate(workspace, request, actor=actor, progress=bar, stop=stop)
        except (GenerationInterrupted, KeyboardInterrupt):
            if bar:
                bar.close()
            typer.echo("interrupted: the run is marked FAILED and nothing was written", err=True)
            raise typer.Exit(130)
        except (RotaccError, ValueError) as err:
            if bar:
                bar.close()
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2)
        bar.close()
        for line in summary.lines():
            typer.echo(line)

    @app.command("rebalance")
    def rebalance_cmd(
        workspace: Path = typer.Argument(..., help="workspace file (.duckdb)"),
        start: str = typer.Option(..., "--start", help="first date, YYYY-MM-DD (outside the fixed period)"),
        end: str = typer.Option(..., "--end", help="last date, YYYY-MM-DD"),
        today: Optional[str] = typer.Option(None, "--today", help="pretend today is this date (default: today)"),
        phases: str = typer.Option("1,2,3,4,5,6", "--phases", help="comma list of phases to run"),
        seed: Optional[int] = typer.Option(None, "--seed", help="the run's seed (phase 6 and CP-SAT)"),
        workers: Optional[int] = typer.Option(None, "--workers", help="CP-SAT workers: 1 = reproducible"),
        time_limit: Optional[float] = typer.Option(None, "--time-limit", help="phase 5 time limit in seconds"),
        actor: str = typer.Option("cli", "--actor"),
    ) -> None:
        """Regenerate a future range (overwrite; pinned shifts kept) and explain each clinician's change."""
        from ..generation.pipeline import GenerationInterrupted
        from ..generation.rebalance import rebalance

        stop = threading.Event()
        try:
            request = cli_request(start, end, phases, seed=seed, overwrite=True, time_limit=time_limit,
                                  workers=workers, today=today)
            with ctrl_c_stops(stop):
                result = rebalance(workspace, request, actor=actor, stop=stop)
        except (GenerationInterrupted, KeyboardInterrupt):
            typer.echo("interrupted: the run is marked FAILED and nothing was written", err=True)
            raise typer.Exit(130)
        except (RotaccError, ValueError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2)
        for line in result.summary.lines():
            typer.echo(line)
        typer.echo(render_frame(result.comparison))
        typer.echo("why:")
        for line in result.explanations:
            typer.echo(f"  {line}")


def render_frame(df) -> str:
    """A polars frame as an aligned plain-text table (full column names, numbers right-aligned)."""
    rows = [[_cell(v) for v in row] for row in df.iter_rows()]
    heads = list(df.columns)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    numeric = [dtype.is_numeric() for dtype in df.dtypes]
    def fmt(cells):
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()
    return "\n".join([fmt(heads), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:+.2f}" if v else "0.00"
    return str(v)
