"""Run a sweep serially or on a ``dask.distributed`` cluster and gather one results table.

Order of work in :func:`run_sweep`:

1. load every workspace's snapshot (read-only, connection closed at once) and
   check every scenario change against it -- a bad spec fails here, before any
   task exists;
2. pack each snapshot once (:func:`~rotacc_lab.scale.tasks.pack_snapshot`) and,
   on Dask, scatter it once, so a 100-task grid ships a practice once per worker,
   not once per task;
3. submit one :func:`~rotacc_lab.scale.tasks.run_task` per grid cell and collect
   them with ``as_completed`` behind a tqdm bar; a task that raised (or whose
   worker died) becomes an ``error`` row and the others carry on;
4. Ctrl-C cancels every outstanding future, closes the client and the
   LocalCluster it started, and raises :class:`SweepInterrupted`; nothing is
   written.

The cluster is a ``LocalCluster`` of ``workers`` processes with one thread each
(CP-SAT and polars release the GIL, but a process per solve keeps memory and
crashes apart), or an existing scheduler given by address.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import polars as pl
from tqdm import tqdm

from ..domain import PracticeSnapshot
from ..errors import RotaccError
from ..private import open_private
from .spec import OUT_FORMATS, SpecError, SweepSpec, TaskSpec, check_out_path
from .tasks import PARTNER_SCHEMA, RESULT_SCHEMA, VOLATILE_COLUMNS, TaskResult, error_result, pack_snapshot, run_task

__all__ = ["SweepInterrupted", "SweepResult", "load_practices", "run_sweep", "write_results", "comparable"]


class SweepInterrupted(RotaccError):
    """Ctrl-C during a sweep: outstanding tasks were cancelled, the cluster closed, nothing written."""


@dataclass
class SweepResult:
    """The gathered outcome of a sweep."""

    #: one row per task (see ``tasks.RESULT_SCHEMA``), sorted by task_id
    results: pl.DataFrame
    #: partner-wte-availability rows of the successful tasks (see ``tasks.PARTNER_SCHEMA``)
    partners: pl.DataFrame
    mode: str  # "serial" | "dask"
    workers: int
    wall_s: float

    @property
    def n_errors(self) -> int:
        return int((self.results["status"] == "error").sum())

    def lines(self) -> list[str]:
        """A short human-readable summary for the CLI."""
        n = self.results.height
        out = [f"{n} task(s) in {self.wall_s:.1f} s ({self.mode}, {self.workers} worker(s)); "
               f"{n - self.n_errors} ok, {self.n_errors} failed"]
        ok = self.results.filter(pl.col("status") == "ok")
        if ok.height:
            table = (
                ok.group_by("workspace", "scenario", "weights", maintain_order=True)
                .agg(
                    pl.len().alias("runs"),
                    pl.col("objective").mean().round(1).alias("objective"),
                    pl.col("sum_abs_fair_difference").mean().round(2).alias("fair_diff"),
                    pl.col("monday_spread").mean().round(2).alias("monday_spread"),
                    pl.col("days_below_minimum").mean().round(2).alias("below_min"),
                )
                .with_columns(pl.col("workspace").map_elements(lambda p: Path(p).name, return_dtype=pl.String))
            )
            with pl.Config(tbl_rows=50, tbl_cols=20, tbl_hide_dataframe_shape=True, tbl_width_chars=160):
                out.append(str(table))
        for row in self.results.filter(pl.col("status") == "error").iter_rows(named=True):
            first = (row["error"] or "").splitlines()[0] if row["error"] else ""
            out.append(f"task {row['task_id']} ({row['scenario']}, {row['weights']}, seed {row['seed']}) "
                       f"failed: {first}")
        return out


def load_practices(spec: SweepSpec) -> dict[str, PracticeSnapshot]:
    """Read each workspace's snapshot (read-only) and check the scenarios against it."""
    from ..store import Workspace

    snaps: dict[str, PracticeSnapshot] = {}
    for i, path in enumerate(spec.workspaces):
        try:
            snaps[str(path)] = Workspace.open(path, read_only=True).load_snapshot()
        except RotaccError as err:
            raise SpecError(f"workspaces[{i}]: {err}") from None
    spec.check_against(snaps)
    return snaps


def _results(outcomes: Mapping[int, TaskResult]) -> tuple[pl.DataFrame, pl.DataFrame]:
    ids = sorted(outcomes)
    rows = [outcomes[i][0] for i in ids]
    partners = [r for i in ids for r in outcomes[i][1]]
    return (pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row") if rows else pl.DataFrame(schema=RESULT_SCHEMA),
            pl.DataFrame(partners, schema=PARTNER_SCHEMA, orient="row") if partners
            else pl.DataFrame(schema=PARTNER_SCHEMA))


def _bar(total: int, enabled: bool) -> tqdm:
    return tqdm(total=total, unit="task", desc="sweep", disable=not enabled, file=sys.stderr, dynamic_ncols=True)


def _run_serial(tasks: list[TaskSpec], payloads: Mapping[str, bytes], bar: tqdm) -> dict[int, TaskResult]:
    """Run the tasks one after another in this process (the main thread, so Ctrl-C lands in the plan).

    The optimiser turns CP-SAT's own SIGINT handling off (``catch_sigint_signal``),
    so Ctrl-C reaches this handler; it is still re-armed before every task and after
    every phase (``plan``'s progress events arrive in this thread) in case a library
    replaced it. Nothing is written either way.
    """
    from ..generation.pipeline import PhaseProgress

    out: dict[int, TaskResult] = {}
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main else None

    def handler(signum, frame):
        raise KeyboardInterrupt

    def arm(event: object = None) -> None:
        if main and (event is None or isinstance(event, PhaseProgress)):
            signal.signal(signal.SIGINT, handler)

    try:
        for task in tasks:
            arm()
            out[task.task_id] = run_task(payloads[task.workspace], task, progress=arm)
            bar.update(1)
            bar.set_postfix(failed=sum(1 for r, _ in out.values() if r["status"] == "error"))
    except KeyboardInterrupt:
        raise SweepInterrupted(f"interrupted after {len(out)}/{len(tasks)} task(s); nothing was written") from None
    finally:
        if main:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    return out


@contextmanager
def dask_client(scheduler: str | None, workers: int, processes: bool = True) -> Iterator[Any]:
    """A client on ``scheduler`` or on a new LocalCluster (closed again on exit, Ctrl-C included)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as err:
            raise RotaccError(f"--scheduler: cannot connect to {scheduler!r}: {err}; give the address of a running "
                              "dask scheduler, e.g. tcp://10.0.0.5:8786") from None
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


@contextmanager
def _sigint_sets(stop: threading.Event) -> Iterator[None]:
    """While inside, Ctrl-C sets ``stop`` as well as raising KeyboardInterrupt (main thread only).

    The flag is the safety net: should the KeyboardInterrupt land inside library code
    that swallows it, the collection loop still sees ``stop`` and cancels.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        stop.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _lost(fut: Any) -> str:
    """Error text of a future that did not finish (the task itself never raises)."""
    try:
        exc = fut.exception(timeout=1)
    except Exception as err:  # noqa: BLE001 - a cancelled future raises here
        exc = err
    if exc is None:
        return f"worker failure: the task ended {fut.status} (its worker was lost or the future cancelled)"
    return f"worker failure: {type(exc).__name__}: {exc}"


def _run_dask(tasks: list[TaskSpec], payloads: Mapping[str, bytes], client: Any, bar: tqdm) -> dict[int, TaskResult]:
    from distributed import as_completed

    token = uuid.uuid4().hex[:8]
    stop = threading.Event()
    by_key: dict[str, TaskSpec] = {}
    futures: list[Any] = []
    scattered: dict[str, Any] = {}
    out: dict[int, TaskResult] = {}
    try:
        with _sigint_sets(stop):
            scattered = {ws: client.scatter(b, hash=False) for ws, b in payloads.items()}
            for task in tasks:
                key = f"rotacc-sweep-{token}-{task.task_id}"
                by_key[key] = task
                futures.append(client.submit(run_task, scattered[task.workspace], task, key=key, pure=False,
                                             retries=0))
            for fut in as_completed(futures):
                if stop.is_set():
                    raise KeyboardInterrupt
                task = by_key[fut.key]
                out[task.task_id] = fut.result() if fut.status == "finished" else error_result(task, _lost(fut))
                fut.release()
                bar.update(1)
                bar.set_postfix(failed=sum(1 for r, _ in out.values() if r["status"] == "error"))
            if stop.is_set():
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        client.cancel(futures + list(scattered.values()), force=True)
        raise SweepInterrupted(
            f"interrupted after {len(out)}/{len(tasks)} task(s); the other tasks were cancelled, the cluster "
            "closed and nothing was written"
        ) from None
    return out


def run_sweep(
    spec: SweepSpec,
    *,
    serial: bool = False,
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    progress: bool = True,
    on_ready: Callable[[int], None] | None = None,
    client: Any | None = None,
) -> SweepResult:
    """Validate against the data, run every task (serially or on Dask) and gather the results.

    ``workers`` sizes the LocalCluster (ignored with ``scheduler`` or ``serial``);
    ``processes=False`` runs the LocalCluster's workers as threads of this process.
    ``on_ready(n_tasks)`` is called after validation, just before the first task runs.
    ``client`` runs the tasks on an existing ``distributed.Client`` (left open), e.g. a
    warmed-up cluster in a benchmark or a notebook's own cluster.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise SpecError(f"--workers: {workers!r} is not accepted; give an integer >= 1")
    if serial and (scheduler or client is not None):
        raise SpecError("--serial and --scheduler: choose one (serial runs in this process, without Dask)")
    snaps = load_practices(spec)
    tasks = spec.tasks()
    payloads = {ws: pack_snapshot(s) for ws, s in snaps.items()}
    if on_ready is not None:
        on_ready(len(tasks))
    t0 = time.perf_counter()
    bar = _bar(len(tasks), progress)
    try:
        if serial:
            outcomes = _run_serial(tasks, payloads, bar)
            mode, n_workers = "serial", 1
        elif client is not None:
            n_workers = len(client.scheduler_info().get("workers", {}))
            outcomes = _run_dask(tasks, payloads, client, bar)
            mode = "dask"
        else:
            with dask_client(scheduler, workers, processes) as client:
                n_workers = len(client.scheduler_info().get("workers", {})) or workers
                outcomes = _run_dask(tasks, payloads, client, bar)
            mode = "dask"
    finally:
        bar.close()
    results, partners = _results(outcomes)
    return SweepResult(results, partners, mode, n_workers, time.perf_counter() - t0)


def comparable(frame: pl.DataFrame) -> pl.DataFrame:
    """The results without timing/placement columns, sorted by task: equal for equal inputs and seeds."""
    return frame.drop([c for c in VOLATILE_COLUMNS if c in frame.columns]).sort("task_id")


def write_results(result: SweepResult, path: str | Path) -> list[Path]:
    """Write the results by the extension of ``path``: DuckDB (tables ``results`` and ``partner_availability``)
    or Parquet (``path`` and ``<stem>.partners.parquet`` beside it). Returns the files written."""

    path = check_out_path(Path(path))
    fmt = OUT_FORMATS[path.suffix.lower()]
    if fmt == "parquet":
        partners = path.with_name(path.stem + ".partners.parquet")
        for frame, file in ((result.results, path), (result.partners, partners)):
            with open_private(file, "wb") as fh:
                frame.write_parquet(fh)
        return [path, partners]
    from ..store.results import write_tables

    try:
        write_tables(path, {"results": result.results.to_arrow(), "partner_availability": result.partners.to_arrow()})
    except RotaccError as err:
        raise SpecError(str(err)) from None
    return [path]
