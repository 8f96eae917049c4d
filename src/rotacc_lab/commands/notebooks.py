"""``rotacc-lab batch-reports``: the monthly report notebook for every (workspace, month) pair.

Each pair is executed with papermill (``notebooks/monthly_report.ipynb``) and
exported to HTML; the executed notebook and its HTML are written to
``OUT/<workspace stem>-<month>.ipynb|.html``. A failing pair (a missing or
broken workspace, a month outside its data, an error in a report) is recorded
and the batch moves on; the summary table at the end lists every pair, and the
exit code is 1 when any pair failed (2 for bad command-line values, before
anything runs).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import typer

from ..errors import RotaccError
from ..private import make_private_dir


@dataclass(frozen=True)
class PairResult:
    """The outcome of one (workspace, month) pair."""

    workspace: Path
    month: str
    ok: bool
    html: Path | None
    notebook: Path | None
    seconds: float
    error: str = ""


def output_stems(workspaces: Sequence[Path]) -> list[str]:
    """A distinct file-name stem per workspace: its file stem, suffixed ``-2``, ``-3`` ... on a clash."""
    seen: dict[str, int] = {}
    out = []
    for ws in workspaces:
        stem = ws.stem or "workspace"
        n = seen.get(stem, 0) + 1
        seen[stem] = n
        out.append(stem if n == 1 else f"{stem}-{n}")
    return out


def run_batch(workspaces: Sequence[Path], months: Sequence[str], out: Path, *, timeout: float | None = 600,
              show_progress: bool = True) -> list[PairResult]:
    """Run every pair in order (workspaces outer, months inner); never stops at a failing pair."""
    from tqdm.auto import tqdm

    from ..notebook_support import NotebookFailed, run_monthly_report

    make_private_dir(out)
    pairs = [(ws, stem, m) for ws, stem in zip(workspaces, output_stems(workspaces)) for m in months]
    results: list[PairResult] = []
    # on a terminal a bar; in a log (not a terminal) one line per report, printed when it ends
    lines = show_progress and not sys.stderr.isatty()
    bar = tqdm(pairs, unit="report", desc="batch-reports", file=sys.stderr, disable=not show_progress or lines)
    for ws, stem, month in bar:
        bar.set_postfix_str(f"{ws.name} {month}", refresh=True)
        name = f"{stem}-{month}"
        t0 = time.perf_counter()
        try:
            html = run_monthly_report(ws, month, out, name=name, timeout=timeout)
            results.append(PairResult(ws, month, True, html, out / f"{name}.ipynb", time.perf_counter() - t0))
        except NotebookFailed as err:
            results.append(PairResult(ws, month, False, None, err.output, time.perf_counter() - t0,
                                      f"{err.ename}: {err.evalue}" if err.ename else str(err)))
        except Exception as err:  # noqa: BLE001 - one broken pair must not stop the batch; reported below
            nb = out / f"{name}.ipynb"
            results.append(PairResult(ws, month, False, None, nb if nb.exists() else None,
                                      time.perf_counter() - t0, f"{type(err).__name__}: {err}"))
        if lines:
            last = results[-1]
            print(f"batch-reports: {len(results)}/{len(pairs)} {last.workspace.name} {last.month} "
                  f"{'ok' if last.ok else 'FAILED'} in {last.seconds:.1f} s", file=sys.stderr, flush=True)
    bar.close()
    return results


def summary_lines(results: Sequence[PairResult]) -> list[str]:
    """The summary table: one line per pair, then the totals."""
    w = max([len("workspace")] + [len(str(r.workspace)) for r in results])
    lines = [f"{'workspace':<{w}}  {'month':<7}  {'result':<6}  {'s':>6}  output / error"]
    for r in results:
        detail = str(r.html) if r.ok else (r.error.splitlines()[0] if r.error else "failed")
        if not r.ok and r.notebook is not None:
            detail += f" (notebook: {r.notebook})"
        lines.append(f"{str(r.workspace):<{w}}  {r.month:<7}  {'ok' if r.ok else 'FAILED':<6}  {r.seconds:>6.1f}  "
                     f"{detail}")
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results) - failed} of {len(results)} report(s) written, {failed} failed")
    return lines


@dataclass(frozen=True)
class BatchArgs:
    workspaces: tuple[Path, ...]
    months: tuple[str, ...]
    out: Path
    timeout: float | None
    quiet: bool


_LIST_OPTS = {"--workspaces": "workspaces", "-w": "workspaces", "--months": "months", "-m": "months"}
_ONE_OPTS = {"--out": "out", "-o": "out", "--timeout": "timeout"}
_FLAGS = {"--quiet": "quiet", "-q": "quiet"}


def parse_batch_args(tokens: Sequence[str]) -> BatchArgs:
    """Parse ``--workspaces A B --months M1 M2 --out DIR [--timeout S] [--quiet]``.

    ``--workspaces`` and ``--months`` take every value up to the next option
    (click options take one value each, hence this small parser); repeating
    an option adds to it; ``--opt=value`` is accepted too.
    """
    from ..notebook_support import ParameterError, validate_month

    lists: dict[str, list[str]] = {"workspaces": [], "months": []}
    one: dict[str, str] = {}
    quiet = False
    current: str | None = None
    for raw in tokens:
        tok, _, inline = raw.partition("=") if raw.startswith("--") and "=" in raw else (raw, "", "")
        if tok in _LIST_OPTS:
            current = _LIST_OPTS[tok]
            if inline:
                lists[current].append(inline)
        elif tok in _ONE_OPTS:
            current = "one:" + _ONE_OPTS[tok]
            if inline:
                one[_ONE_OPTS[tok]] = inline
                current = None
        elif tok in _FLAGS:
            quiet, current = True, None
        elif tok.startswith("-") and len(tok) > 1 and not tok[1].isdigit():
            raise ParameterError(f"unknown option {tok!r}; accepted: --workspaces, --months, --out, --timeout, --quiet")
        elif current is None:
            raise ParameterError(f"unexpected value {tok!r}; put it after --workspaces, --months or --out")
        elif current.startswith("one:"):
            one[current[4:]] = tok
            current = None
        else:
            lists[current].append(tok)
    if not lists["workspaces"]:
        raise ParameterError("--workspaces: missing; give one or more workspace files")
    if not lists["months"]:
        raise ParameterError("--months: missing; give one or more months as YYYY-MM")
    if "out" not in one:
        raise ParameterError("--out: missing; give a folder for the notebooks and HTML files")
    for m in lists["months"]:
        try:
            validate_month(m)
        except ParameterError:
            raise ParameterError(f"--months: {m!r} is not accepted; give months as YYYY-MM, e.g. 2026-03") from None
    if len(set(lists["months"])) != len(lists["months"]):
        raise ParameterError(f"--months: {' '.join(lists['months'])} lists a month twice; give each month once")
    timeout: float | None = 600.0
    if "timeout" in one:
        try:
            timeout = float(one["timeout"])
        except ValueError:
            timeout = -1.0
        if not timeout > 0:
            raise ParameterError(f"--timeout: {one['timeout']!r} is not accepted; give seconds > 0")
    return BatchArgs(tuple(Path(w) for w in lists["workspaces"]), tuple(lists["months"]), Path(one["out"]),
                     timeout, quiet)


def register(app: typer.Typer) -> None:
    @app.command(
        "batch-reports",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )
    def batch_reports(ctx: typer.Context) -> None:
        """Execute the monthly report notebook for every workspace x month; write .ipynb and .html per pair.

        Usage: rotacc-lab batch-reports --workspaces A.duckdb B.duckdb --months 2026-01 2026-02 --out DIR
        [--timeout SECONDS-PER-CELL] [--quiet]. Exit code 1 when any pair failed (the others still run).
        """
        from ..errors import cannot_write
        from ..notebook_support import validate_out_dir

        try:
            args = parse_batch_args(list(ctx.args))
            try:
                out_dir = validate_out_dir(args.out, "--out")
                probe = out_dir / f".rotacc-write-test-{os.getpid()}"
                probe.touch()  # an unwritable folder fails here, before any notebook runs
                probe.unlink()
            except OSError as err:
                raise cannot_write(err.filename or args.out, err) from None
        except (RotaccError, ValueError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2)
        results = run_batch(list(args.workspaces), list(args.months), out_dir, timeout=args.timeout,
                            show_progress=not args.quiet)
        for line in summary_lines(results):
            typer.echo(line)
        if any(not r.ok for r in results):
            raise typer.Exit(1)
