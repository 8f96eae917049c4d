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

from ..domain import OptimiserSettings, PracticeSnapshot, Shift, ShiftStatus, ShiftType
from ..errors import RotaccError
from .alerts import compute_alerts, merge_alerts
from .ledger import RotaLedger
from .phases import PHASES, Decision, PhaseParams
from .phases.common import generation_days
from .phases.phase3 import check_flags

ALL_PHASES = (1, 2, 3, 4, 5, 6)
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


def validate_request(
    start: object,
    end: object,
    phases: Iterable[object],
    *,
    seed: object = 0,
    mondays_only: bool = False,
    skip_mondays: bool = False,
    period_start: object = None,
) -> tuple[int, ...]:
    """Check the parameters that need no data; return the phases sorted. Raises ``ValueError``."""
    if not isinstance(start, date):
        raise ValueError(f"start: {start!r} is not a date; give YYYY-MM-DD")
    if not isinstance(end, date):
        raise ValueError(f"end: {end!r} is not a date; give YYYY-MM-DD")
    if end < start:
        raise ValueError(f"end: {end} is before start {start}; give an end on or after the start")
    if isinstance(phases, (str, bytes)):
        raise ValueError(f"phases: {phases!r} is not accepted; give phase numbers from 1..6")
    wanted: set[int] = set()
    for p in phases:
        if isinstance(p, bool) or not isinstance(p, int) or p not in PHASES:
            raise ValueError(f"phases: unknown phase {p!r}; accepted: 1, 2, 3, 4, 5, 6")
        wanted.add(p)
    if not wanted:
        raise ValueError("phases: no phase given; accepted: 1, 2, 3, 4, 5, 6")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed: {seed!r} is not accepted; give an integer >= 0")
    check_flags(mondays_only, skip_mondays)
    if period_start is not None:
        if not isinstance(period_start, date):
            raise ValueError(f"period_start: {period_start!r} is not a date; give YYYY-MM-DD")
        if period_start > start:
            raise ValueError(f"period_start: {period_start} is after start {start}; give a date on or before the start")
    return tuple(sorted(wanted))


def plan(
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    *,
    phases: Iterable[int] = ALL_PHASES,
    seed: int = 0,
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

    ``overwrite`` first drops, inside the range, every shift that is unpinned,
    SCHEDULED and STANDARD/DUTY (COMPLETED, CANCELLED, pinned, study-leave and
    coroners shifts survive; a pinned generator-made DUTY shift is turned back
    into STANDARD so phase 6 can re-assign duty), except those dated before ``keep_before``
    (``generate`` passes today's date so the past is never rewritten).
    ``progress`` receives :class:`PhaseProgress` events (and the optimiser's
    own events during phase 5); setting ``stop`` interrupts at the next phase
    boundary (phase 5 stops its solve early) with :class:`GenerationInterrupted`.
    """
    order = validate_request(
        start, end, phases, seed=seed, mondays_only=mondays_only, skip_mondays=skip_mondays, period_start=period_start
    )
    if not generation_days(snapshot, start, end):
        _require_working_day(snapshot.settings.uk_nation, start, end)
    ledger = RotaLedger.from_snapshot(snapshot)
    stats: dict[str, dict[str, Any]] = {}
    overwrite_notes: list[str] = []
    if overwrite:
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
        mondays_only=mondays_only,
        skip_mondays=skip_mondays,
        period_start=period_start,
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

    computed = compute_alerts(snapshot, ledger, start, end, period_start=period_start, check_duty=6 in order)
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
        out.append(f"written: {self.created} created, {self.deleted} deleted, {self.updated} updated; "
                   f"{self.alerts} alert(s)")
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
    start: date,
    end: date,
    *,
    actor: str = "cli",
    phases: Iterable[int] = ALL_PHASES,
    seed: int = 0,
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

    Steps: validate parameters -> open the workspace -> ``begin_run`` (a run
    still PENDING/RUNNING over an overlapping range raises ``RunConflict``)
    -> ``mark_running`` -> load the snapshot -> :func:`plan` -> one transaction
    (deletes, updates, inserts, alerts, ``finish_run``). Any exception,
    Ctrl-C included, marks the run FAILED (``"interrupted"`` for Ctrl-C / stop)
    and is re-raised; the workspace's shifts are unchanged.
    ``today`` (default: the real date) protects shifts before it from ``overwrite``.
    """
    from ..store import Workspace, runs

    order = validate_request(
        start, end, phases, seed=seed, mondays_only=mondays_only, skip_mondays=skip_mondays, period_start=period_start
    )
    today = today or date.today()
    t0 = time.perf_counter()
    ws = Workspace.open(workspace_path)
    _require_working_day(ws.load_settings().uk_nation, start, end)
    run_params = {
        "seed": seed,
        "overwrite": overwrite,
        "mondays_only": mondays_only,
        "skip_mondays": skip_mondays,
        "period_start": period_start.isoformat() if period_start else None,
        "time_limit_seconds": optimiser.time_limit_seconds if optimiser else None,
        "today": today.isoformat(),
    }
    run_id = runs.begin_run(ws, start, end, order, run_params, actor)
    try:
        runs.mark_running(ws, run_id)
        snapshot = ws.load_snapshot()
        result = plan(
            snapshot,
            start,
            end,
            phases=order,
            seed=seed,
            overwrite=overwrite,
            mondays_only=mondays_only,
            skip_mondays=skip_mondays,
            period_start=period_start,
            optimiser=optimiser,
            progress=progress,
            stop=stop,
            keep_before=today,
        )
        with ws.transaction(actor) as tx:
            runs.check_owner(tx, run_id)  # cleared by hand meanwhile? then write nothing (RunLost)
            if result.deletes:
                tx.delete_shifts(result.deletes, run_id=run_id)
            if result.updates:
                tx.update_shifts(result.updates, run_id=run_id)
            if result.creates:
                tx.insert_shifts(result.creates, run_id=run_id)
            if result.alerts:
                tx.add_alerts(result.alerts, run_id=run_id)
            runs.finish_run(tx, run_id, result.summary_stats())
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
        start=start,
        end=end,
        phases=order,
        created=len(result.creates),
        deleted=len(result.deletes),
        updated=len(result.updates),
        alerts=len(result.alerts),
        stats=result.stats,
        messages=result.messages,
        solve_report=result.solve_report,
        wall_s=time.perf_counter() - t0,
    )
