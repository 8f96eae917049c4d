"""The generation pipeline: a pure :func:`plan` and a thin :func:`generate` shell.

``plan`` takes a snapshot and returns what would change (creates, deletes,
updates, alerts, per-phase statistics) without any I/O, so sweeps and what-if
analyses can call it on any snapshot. ``generate`` wraps it in the workspace's
run lock and writes the result in ONE transaction: either everything is
written and the run is COMPLETED, or nothing is and the run is FAILED.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from ..changes import Alert, AlertResolution, ChangeSet, apply_to_snapshot, shift_rows
from ..domain import OptimiserSettings, PracticeSnapshot, Shift, ShiftStatus, ShiftType
from ..errors import RotaccError
from .alerts import compute_alerts, merge_alerts
from .ledger import RotaLedger
from .phases import PHASES, Decision, PhaseParams
from .phases.common import generation_days
from .request import ALL_PHASES, GenerationRequest, RequestError  # noqa: F401 - re-exported
#: types an overwrite may delete: the ones the generator itself produces
OVERWRITE_TYPES = (ShiftType.STANDARD, ShiftType.DUTY)


class GenerationInterrupted(RotaccError):
    """The user stopped the generation (Ctrl-C or the stop event); nothing was written."""


@dataclass(frozen=True)
class PhaseProgress:
    """Progress event sent to ``progress`` before (``stage="start"``) and after (``"done"``) each phase."""

    phase: int
    stage: str
    wall_s: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)


@dataclass
class Plan:
    """The outcome of :func:`plan`: what to write, and why."""

    start: date
    end: date
    phases: tuple[int, ...]
    seed: int
    creates: list[Shift]
    deletes: list[int]
    updates: list[Shift]
    #: "overwrite" and "phase1".."phase6" -> {"created", "deleted", "converted", "wall_s"}
    stats: dict[str, dict[str, Any]]
    alerts: list[dict]
    messages: list[str]
    solve_report: Any | None
    decisions: list[Decision]
    ledger: RotaLedger
    request: GenerationRequest | None = None

    def changeset(self, snapshot: PracticeSnapshot, reason: str | None = None) -> ChangeSet:
        """The plan as a ChangeSet on ``snapshot`` (the one it was planned on): shift rows and alerts."""
        by_id = {s.shift_id: s for s in snapshot.shifts if s.shift_id is not None}
        rows = shift_rows(
            deletes=[by_id[i] for i in self.deletes],
            updates=[(by_id[s.shift_id], s) for s in self.updates],
            inserts=self.creates,
        )
        why = reason or f"generation {self.start}..{self.end}, phases {','.join(map(str, self.phases))}"
        return ChangeSet(why, rows, tuple(Alert.from_dict(a) for a in self.alerts))

    def apply(self, snapshot: PracticeSnapshot) -> PracticeSnapshot:
        """``snapshot`` as it is once the plan is written (in memory; new shifts numbered as the workspace would)."""
        return apply_to_snapshot(snapshot, self.changeset(snapshot))

    def summary_stats(self) -> dict[str, Any]:
        """JSON-friendly statistics for the run record."""
        out: dict[str, Any] = {
            "phases": {k: dict(v) for k, v in self.stats.items()},
            "shifts_created": len(self.creates),
            "shifts_deleted": len(self.deletes),
            "shifts_updated": len(self.updates),
            "alerts": len(self.alerts),
            "messages": list(self.messages),
        }
        rep = self.solve_report
        if rep is not None:
            out["phase5"] = {
                k: getattr(rep, k, None) for k in ("status", "objective", "bound", "gap", "wall_s", "bound_source",
                                                   "stop_reason", "deterministic_time", "solver_params", "shifts_moved")
            }
        return out


def plan(
    snapshot: PracticeSnapshot,
    start: date | GenerationRequest,
    end: date | None = None,
    *,
    phases: Iterable[int] = ALL_PHASES,
    seed: int | None = None,
    overwrite: bool = False,
    mondays_only: bool = False,
    skip_mondays: bool = False,
    period_start: date | None = None,
    optimiser: OptimiserSettings | None = None,
    progress: Callable[[Any], None] | None = None,
    stop: threading.Event | None = None,
    keep_before: date | None = None,
) -> Plan:
    """Run the phases on ``snapshot`` for ``[start, end]`` and return the plan (pure: no I/O).

    Give either a :class:`GenerationRequest` as ``start`` (what every entry point
    builds) or the parameters, which are validated into one. ``optimiser`` (full
    settings instead of overrides) is accepted for callers that hold them; its
    seed is the run's seed unless ``seed`` is given.

    ``overwrite`` first drops, inside the range, every shift that is unpinned,
    SCHEDULED and STANDARD/DUTY (COMPLETED, CANCELLED, pinned, study-leave and
    coroners shifts survive; a pinned generator-made DUTY shift is turned back
    into STANDARD so phase 6 can re-assign duty), except those dated before ``keep_before``
    (``generate`` passes today's date so the past is never rewritten).
    ``progress`` receives :class:`PhaseProgress` events (and the optimiser's
    own events during phase 5); setting ``stop`` interrupts at the next phase
    boundary (phase 5 stops its solve early) with :class:`GenerationInterrupted`.
    """
    if isinstance(start, GenerationRequest):
        request = start
    else:
        if optimiser is not None:
            seed = optimiser.seed if seed is None else seed
        request = GenerationRequest.build(
            start, end, phases=tuple(phases), seed=seed, overwrite=overwrite, mondays_only=mondays_only,
            skip_mondays=skip_mondays, period_start=period_start, today=keep_before,
            time_limit_seconds=None if optimiser is None else optimiser.time_limit_seconds,
            workers=None if optimiser is None else optimiser.num_workers,
            weights=None if optimiser is None else dict(optimiser.weights),
        )
    return plan_request(snapshot, request, progress=progress, stop=stop)


def plan_request(snapshot: PracticeSnapshot, request: GenerationRequest, *,
                 progress: Callable[[Any], None] | None = None, stop: threading.Event | None = None) -> Plan:
    """:func:`plan` for a validated request."""
    start, end, order = request.start, request.end, request.phases
    keep_before = request.today
    if not generation_days(snapshot, start, end):
        _require_working_day(snapshot.settings.uk_nation, start, end)
    optimiser = request.optimiser(snapshot.settings.optimiser)
    seed = optimiser.seed
    ledger = RotaLedger.from_snapshot(snapshot)
    stats: dict[str, dict[str, Any]] = {}
    overwrite_notes: list[str] = []
    if request.overwrite:
        t0 = time.perf_counter()
        in_scope = [
            (key, s)
            for key, s in ledger.shifts.items()
            if start <= s.date <= end
            and s.status is ShiftStatus.SCHEDULED
            and s.shift_type in OVERWRITE_TYPES
        ]
        past = [key for key, s in in_scope if keep_before is not None and s.date < keep_before and not s.is_pinned]
        in_scope = [(key, s) for key, s in in_scope if keep_before is None or s.date >= keep_before]
        doomed = sorted(key for key, s in in_scope if not s.is_pinned)
        # a pinned generator shift (phase 2) that phase 6 made DUTY goes back to STANDARD, so duty is re-assigned
        reset = sorted(
            key for key, s in in_scope
            if s.is_pinned and s.shift_type is ShiftType.DUTY and s.origin.startswith("phase")
        )
        for key in doomed:
            ledger.remove(key, "overwrite")
        for key in reset:
            ledger.convert(key, ShiftType.STANDARD, "overwrite")
        stats["overwrite"] = {"created": 0, "deleted": len(doomed), "converted": len(reset),
                              "wall_s": round(time.perf_counter() - t0, 4)}
        if past:
            overwrite_notes.append(
                f"overwrite: kept {len(past)} unpinned shift(s) dated before {keep_before} (the past is not rewritten)"
            )

    params = PhaseParams(
        seed=seed,
        mondays_only=request.mondays_only,
        skip_mondays=request.skip_mondays,
        period_start=request.period_start,
        optimiser=optimiser,
        progress=progress,
        stop=stop,
    )
    messages: list[str] = list(overwrite_notes)
    alerts: list[dict] = []
    decisions: list[Decision] = []
    report = None
    for n in order:
        if stop is not None and stop.is_set():
            raise GenerationInterrupted(f"interrupted before phase {n}; nothing was written")
        if progress is not None:
            progress(PhaseProgress(n, "start"))
        t0 = time.perf_counter()
        res = PHASES[n](snapshot, ledger, start, end, params)
        wall = time.perf_counter() - t0
        tag = f"phase{n}"
        counters = ledger.counters.get(tag)
        entry = dict(counters.as_dict()) if counters else {"created": 0, "deleted": 0, "converted": 0}
        entry["wall_s"] = round(wall, 4)
        if res.details.get("skipped"):
            entry["skipped"] = True
        stats[tag] = entry
        messages.extend(res.messages)
        alerts.extend(res.alerts)
        decisions.extend(res.details.get("decisions", ()))
        if "report" in res.details:
            report = res.details["report"]
        if progress is not None:
            progress(PhaseProgress(n, "done", wall, {k: v for k, v in entry.items() if k != "wall_s"}))
    if stop is not None and stop.is_set():
        raise GenerationInterrupted("interrupted; nothing was written")

    computed = compute_alerts(snapshot, ledger, start, end, period_start=request.period_start,
                              check_duty=6 in order)
    creates, deletes, updates = ledger.diff()
    return Plan(
        start=start,
        end=end,
        phases=order,
        seed=seed,
        creates=creates,
        deletes=deletes,
        updates=updates,
        stats=stats,
        alerts=sorted(merge_alerts(alerts, computed),
                      key=lambda a: (a["date"] or date.min, a["kind"], a["clinician_id"] or "")),
        messages=messages,
        solve_report=report,
        decisions=decisions,
        ledger=ledger,
        request=request,
    )


def _require_working_day(nation, start: date, end: date) -> None:
    from ..calendar import bank_holidays_between, working_days

    if not working_days(start, end, set(bank_holidays_between(nation, start, end))):
        raise ValueError(
            f"range {start}..{end} has no working day (only weekends and bank holidays); give a range with a weekday"
        )


@dataclass
class RunSummary:
    """What :func:`generate` did, for the CLI and notebooks."""

    run_id: int
    start: date
    end: date
    phases: tuple[int, ...]
    created: int
    deleted: int
    updated: int
    alerts: int
    stats: dict[str, dict[str, Any]]
    messages: list[str]
    solve_report: Any | None
    wall_s: float
    #: open alerts of earlier runs in the range that this run superseded (resolved)
    superseded: int = 0
    #: the run's optimiser mode ("reproducible" or "parallel") and seed, as recorded with the run
    mode: str | None = None
    seed: int | None = None
    workers: int | None = None

    def lines(self) -> list[str]:
        """Human-readable summary, one line per item."""
        out = [
            f"run {self.run_id}: {self.start}..{self.end}, phases {','.join(map(str, self.phases))} "
            f"in {self.wall_s:.1f} s",
            f"{'step':<10} {'created':>8} {'deleted':>8} {'converted':>10} {'wall s':>8}",
        ]
        for name, st in self.stats.items():
            note = "  (skipped)" if st.get("skipped") else ""
            out.append(
                f"{name:<10} {st.get('created', 0):>8} {st.get('deleted', 0):>8} {st.get('converted', 0):>10} "
                f"{st.get('wall_s', 0):>8.2f}{note}"
            )
        sup = f", {self.superseded} earlier alert(s) superseded" if self.superseded else ""
        out.append(f"written: {self.created} created, {self.deleted} deleted, {self.updated} updated; "
                   f"{self.alerts} alert(s){sup}")
        if self.mode == "reproducible":
            how = ", 1 CP-SAT worker, deterministic time limit" if 5 in self.phases else ""
            out.append(f"mode reproducible (seed {self.seed}{how}): the same inputs give the same rota")
        elif self.mode == "parallel":
            out.append(f"mode parallel ({self.workers or 'auto'} CP-SAT workers, wall-clock limit): NOT reproducible, "
                       "another run may give a different rota; use --workers 1 (or optimiser.num_workers = 1) "
                       "for the reproducible mode")
        rep = self.solve_report
        if rep is not None:
            gap = getattr(rep, "gap", None)
            gap_txt = "n/a" if gap is None else f"{gap:.1%}" if isinstance(gap, float) else str(gap)
            out.append(f"phase 5: status {getattr(rep, 'status', '?')}, objective {getattr(rep, 'objective', None)}, "
                       f"bound {getattr(rep, 'bound', None)}, gap {gap_txt}")
        out.extend(self.messages)
        return out


def generate(
    workspace_path: str | Path,
    start: date | GenerationRequest,
    end: date | None = None,
    *,
    actor: str = "cli",
    phases: Iterable[int] = ALL_PHASES,
    seed: int | None = None,
    overwrite: bool = False,
    mondays_only: bool = False,
    skip_mondays: bool = False,
    period_start: date | None = None,
    optimiser: OptimiserSettings | None = None,
    progress: Callable[[Any], None] | None = None,
    stop: threading.Event | None = None,
    today: date | None = None,
) -> RunSummary:
    """Generate the rota for ``[start, end]`` in the workspace at ``workspace_path``.

    Give a :class:`GenerationRequest` as ``start`` or the parameters (validated
    into one, as :func:`plan` does). Steps: open the workspace -> ``begin_run``
    (a run still PENDING/RUNNING over an overlapping range raises
    ``RunConflict``) -> ``mark_running`` -> load the snapshot -> :func:`plan` ->
    the plan's ChangeSet committed with the run's completion in ONE transaction
    (:func:`rotacc_lab.store.commit`; a shift changed by someone else during
    the solve refuses the commit with ``StaleChange``). Any exception, Ctrl-C
    included, marks the run FAILED (``"interrupted"`` for Ctrl-C / stop) and is
    re-raised; the workspace's shifts are unchanged. ``today`` (default: the
    real date) protects shifts before it from ``overwrite``.
    """
    from ..store import Workspace, runs
    from ..store.committer import commit

    if isinstance(start, GenerationRequest):
        request = start if start.today is not None else start.with_(today=date.today())
    else:
        if optimiser is not None:
            seed = optimiser.seed if seed is None else seed
        request = GenerationRequest.build(
            start, end, phases=tuple(phases), seed=seed, overwrite=overwrite, mondays_only=mondays_only,
            skip_mondays=skip_mondays, period_start=period_start, today=today or date.today(),
            time_limit_seconds=None if optimiser is None else optimiser.time_limit_seconds,
            workers=None if optimiser is None else optimiser.num_workers,
            weights=None if optimiser is None else dict(optimiser.weights),
        )
    t0 = time.perf_counter()
    ws = Workspace.open(workspace_path)
    settings = ws.load_settings()
    _require_working_day(settings.uk_nation, request.start, request.end)
    record = request.record(settings.optimiser)
    run_id = runs.begin_run(ws, request.start, request.end, request.phases, record, actor)
    try:
        runs.mark_running(ws, run_id)
        snapshot = ws.load_snapshot()
        result = plan_request(snapshot, request, progress=progress, stop=stop)
        cs = result.changeset(snapshot, reason=f"generation run {run_id}")
        # the new run recomputes the alerts of its range: earlier runs' open ones there are superseded
        cs = cs.with_(resolutions=(AlertResolution.supersede(run_id, request.start, request.end),))
        done = commit(ws, cs, actor=actor, run_id=run_id, run_stats=result.summary_stats())
    except BaseException as err:
        if isinstance(err, (KeyboardInterrupt, GenerationInterrupted)):
            reason = "interrupted"
        else:
            reason = f"{type(err).__name__}: {err}"
        try:
            runs.fail_run(ws, run_id, reason)
        except Exception as fail_err:  # keep the original error; say why the run could not be marked
            err.add_note(f"(run {run_id} could not be marked FAILED: {fail_err}; clear it with "
                         f"`rotacc-lab runs {ws.path} --fail {run_id}`)")
        raise
    return RunSummary(
        run_id=run_id,
        start=request.start,
        end=request.end,
        phases=request.phases,
        created=len(result.creates),
        deleted=len(result.deletes),
        updated=len(result.updates),
        alerts=len(result.alerts),
        superseded=len(done.resolved_alert_ids),
        mode=record["mode"] if 5 in request.phases else "reproducible",  # only CP-SAT can be parallel
        seed=record["seed"],
        workers=record["workers"],
        stats=result.stats,
        messages=result.messages,
        solve_report=result.solve_report,
        wall_s=time.perf_counter() - t0,
    )
