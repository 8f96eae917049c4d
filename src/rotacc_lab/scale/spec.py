"""Sweep specifications: the TOML format, its validation and the scenario changes.

A sweep is the cross product ``workspaces × scenarios × weight settings × seeds``;
every cell is one :class:`TaskSpec` that the runner sends, with its practice's
snapshot, to a worker. Everything here is checked in the driver BEFORE a single
task is submitted: unknown keys, bad values, a missing workspace, an unknown
weight term or a scenario naming a clinician the practice does not have are all
rejected with a :class:`SpecError` whose message names the key path, the bad
value and what is accepted.

Scenario changes use the vocabulary of ``rotacc_lab.scenarios`` (the notebooks'
what-if module: ``wte``, ``leave``, ``locum``, ``minimum``, ``partner_leaves``,
parsed and checked by that module), so a what-if reads the same in a notebook
and in a sweep. Each change computes one ChangeSet from the snapshot; a
notebook commits it into a *branch workspace*, a sweep (which cannot afford a
DuckDB file per task) applies the very same ChangeSet in memory on the worker
(:func:`rotacc_lab.changes.apply_to_snapshot`).

Spec format (see ``docs/scale.md`` and ``examples/sweep.toml``)::

    workspaces = ["demo.duckdb"]   # relative to the spec file
    start = 2026-03-02
    end = 2026-03-29
    phases = [1, 2, 3, 4, 5, 6]
    seeds = [0, 1]
    time_limit_seconds = 5.0
    reproducible = true

    [weights.default]              # {} = each workspace's own weights
    [weights.mondays]
    S2 = 400

    [[scenarios]]
    name = "baseline"
    [[scenarios]]
    name = "P03 at 80%"
    changes = [{ kind = "wte", clinician_id = "P03", percentage = 80, effective_from = 2026-03-02 }]
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from .. import scenarios as scenario_changes
from ..domain import SOFT_TERMS, PracticeSnapshot
from ..errors import RotaccError
from ..generation.request import RequestError, parse_phases, parse_seed, parse_time_limit, parse_weights
from ..scenarios import Change, ScenarioError

__all__ = [
    "Scenario",
    "SpecError",
    "SweepSpec",
    "TaskSpec",
    "apply_change",
    "check_out_path",
    "load_spec",
    "parse_change",
    "parse_spec",
]

#: output formats, by the extension of the results path
OUT_FORMATS = {".duckdb": "duckdb", ".db": "duckdb", ".parquet": "parquet"}


class SpecError(RotaccError, ValueError):
    """A malformed sweep specification; the message names the key path and what is accepted."""


# --------------------------------------------------------------------------- small parsers


def _fail(where: str, value: object, accepted: str) -> SpecError:
    return SpecError(f"{where}: {value!r} is not accepted; {accepted}")


def _check_keys(table: Mapping[str, Any], where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    unknown = sorted(set(table) - set(required) - set(optional))
    label = where or "the spec"
    if unknown:
        allowed = ", ".join(sorted(required + optional))
        raise SpecError(f"{label}: unknown key(s) {', '.join(unknown)}; accepted keys: {allowed}")
    missing = [k for k in required if k not in table]
    if missing:
        raise SpecError(f"{label}: missing required key(s) {', '.join(missing)}")


def _key(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _date(value: object, where: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(where, value, "give a date such as 2026-03-02 (TOML date or ISO string)")


def _int(value: object, where: str, lo: int = 0, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        bound = f"an integer >= {lo}" if hi is None else f"an integer in {lo}..{hi}"
        raise _fail(where, value, f"give {bound}")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, value, "give a non-empty string")
    return value.strip()


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, value, "give true or false")
    return value


def _list(value: object, where: str) -> list:
    if not isinstance(value, list) or not value:
        raise _fail(where, value, "give a non-empty array")
    return value


def _request(parser, value: object, where: str):
    """A GenerationRequest parser (the same check and message as the CLI and notebooks), as a SpecError."""
    try:
        return parser(value, where)
    except RequestError as err:
        raise SpecError(str(err)) from None


# --------------------------------------------------------------------------- scenario changes


def parse_change(table: object, where: str) -> Change:
    """One ``{kind = ..., ...}`` table of a scenario's ``changes``, in the vocabulary of ``rotacc_lab.scenarios``.

    Checks against the practices' data come later (:meth:`SweepSpec.check_against`).
    """
    kinds = scenario_changes.CHANGE_KINDS
    if not isinstance(table, dict):
        raise _fail(where, table, 'give a table such as { kind = "wte", clinician_id = "P01", percentage = 80, '
                                  "effective_from = 2026-03-02 }")
    if table.get("kind") not in kinds:
        raise _fail(f"{where}.kind", table.get("kind"), f"accepted kinds: {', '.join(kinds)}")
    try:
        return scenario_changes.parse_change(table)
    except ScenarioError as err:
        raise SpecError(f"{where}: {err}") from None


def apply_change(change: Change, snap: PracticeSnapshot) -> PracticeSnapshot:
    """``change`` made in memory: the ChangeSet ``Change.apply`` commits into a branch, applied to ``snap``."""
    return change.apply_to(snap)


@dataclass(frozen=True)
class Scenario:
    """A named list of changes (none = the baseline)."""

    name: str
    changes: tuple[Change, ...] = ()

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        """The practice with every change made, in order (``snap`` is untouched)."""
        for change in self.changes:
            snap = apply_change(change, snap)
        return snap

    def describe(self) -> str:
        """The changes as JSON (``Change.as_dict`` each), for the results table."""
        return json.dumps([c.as_dict() for c in self.changes], sort_keys=True, default=str)


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class TaskSpec:
    """One cell of the grid: everything a worker needs besides the snapshot."""

    task_id: int
    workspace: str
    scenario: Scenario
    weights_name: str
    #: overrides on top of the workspace's weights ({} = the workspace's own)
    weights: Mapping[str, int]
    seed: int
    start: date
    end: date
    phases: tuple[int, ...]
    time_limit_seconds: float
    reproducible: bool
    solver_workers: int
    overwrite: bool

    def request(self, weights: Mapping[str, int] | None = None):
        """This task's GenerationRequest (``weights``: the full weights to use; default the task's overrides)."""
        from ..generation.request import GenerationRequest

        return GenerationRequest.build(
            self.start, self.end, phases=self.phases, seed=self.seed, overwrite=self.overwrite,
            time_limit_seconds=self.time_limit_seconds, workers=1 if self.reproducible else self.solver_workers,
            weights=dict(self.weights if weights is None else weights),
        )


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification (paths resolved against the spec file's folder)."""

    workspaces: tuple[Path, ...]
    start: date
    end: date
    phases: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    seeds: tuple[int, ...] = (0,)
    time_limit_seconds: float = 10.0
    reproducible: bool = True
    solver_workers: int = 1
    overwrite: bool = True
    weights: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: {"workspace": {}})
    scenarios: tuple[Scenario, ...] = (Scenario("baseline"),)
    out: Path | None = None

    def tasks(self) -> list[TaskSpec]:
        """The grid in a fixed order: workspace, scenario, weight setting, seed."""
        out = []
        for ws in self.workspaces:
            for sc in self.scenarios:
                for wname, w in self.weights.items():
                    for seed in self.seeds:
                        out.append(TaskSpec(
                            task_id=len(out), workspace=str(ws), scenario=sc, weights_name=wname, weights=dict(w),
                            seed=seed, start=self.start, end=self.end, phases=self.phases,
                            time_limit_seconds=self.time_limit_seconds, reproducible=self.reproducible,
                            solver_workers=self.solver_workers, overwrite=self.overwrite,
                        ))
        return out

    def check_against(self, snapshots: Mapping[str, PracticeSnapshot]) -> None:
        """Check every scenario change against every practice it will run on (before submitting)."""
        for ws, snap in snapshots.items():
            for i, sc in enumerate(self.scenarios):
                for j, change in enumerate(sc.changes):
                    try:
                        change.check(snap)
                        apply_change(change, snap)
                    except ScenarioError as err:
                        raise SpecError(f"scenarios[{i}].changes[{j}]: {err} (workspace {ws})") from None


_TOP_REQUIRED = ("workspaces", "start", "end")
_TOP_OPTIONAL = ("phases", "seeds", "time_limit_seconds", "reproducible", "solver_workers", "overwrite", "weights",
                 "scenarios", "out")


def parse_spec(data: Mapping[str, Any], base: Path | None = None, *, check_files: bool = True) -> SweepSpec:
    """Validate a parsed TOML document; relative paths are resolved against ``base``.

    ``check_files`` requires every workspace file to exist (the CLI always checks).
    """
    base = base or Path.cwd()
    _check_keys(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)

    paths = []
    for i, p in enumerate(_list(data["workspaces"], "workspaces")):
        text = _text(p, f"workspaces[{i}]")
        path = Path(text).expanduser()
        path = (path if path.is_absolute() else base / path).resolve()
        if check_files and not path.is_file():
            raise SpecError(f"workspaces[{i}]: workspace {path} does not exist; give the path of a workspace .duckdb "
                            "file (relative to the spec file)")
        paths.append(path)
    if len(set(paths)) != len(paths):
        raise SpecError("workspaces: the same workspace is listed twice; list each once")

    start = _date(data["start"], "start")
    end = _date(data["end"], "end")
    if end < start:
        raise SpecError(f"end: {end} is before start {start}; give an end on or after the start")

    kw: dict[str, Any] = {}
    if "phases" in data:
        phases = _list(data["phases"], "phases")
        for i, p in enumerate(phases):
            _request(parse_phases, [p], f"phases[{i}]")
        kw["phases"] = tuple(sorted(set(phases)))
    if "seeds" in data:
        seeds = tuple(_request(parse_seed, s, f"seeds[{i}]") for i, s in enumerate(_list(data["seeds"], "seeds")))
        if len(set(seeds)) != len(seeds):
            raise SpecError(f"seeds: {list(seeds)} has duplicates; list each seed once")
        kw["seeds"] = seeds
    if "time_limit_seconds" in data:
        tl = _request(parse_time_limit, data["time_limit_seconds"], "time_limit_seconds")
        kw["time_limit_seconds"] = float(tl)
    if "reproducible" in data:
        kw["reproducible"] = _bool(data["reproducible"], "reproducible")
    if "overwrite" in data:
        kw["overwrite"] = _bool(data["overwrite"], "overwrite")
    if "solver_workers" in data:
        sw = _int(data["solver_workers"], "solver_workers")
        if kw.get("reproducible", True):
            raise SpecError("solver_workers: only used with reproducible = false (a reproducible solve runs one "
                            "CP-SAT worker); remove it or set reproducible = false")
        if sw == 1:
            raise _fail("solver_workers", sw, "give 0 (CP-SAT chooses) or >= 2; one worker is the reproducible mode")
        kw["solver_workers"] = sw
    elif kw.get("reproducible", True) is False:
        kw["solver_workers"] = 0

    if "weights" in data:
        wt = data["weights"]
        if not isinstance(wt, dict) or not wt:
            raise _fail("weights", wt, "give named tables such as [weights.default] and [weights.mondays] with S2 = 400")
        weights: dict[str, dict[str, int]] = {}
        for name, table in wt.items():
            if not isinstance(table, dict):
                raise _fail(f"weights.{name}", table, "give a table of term = weight, e.g. S2 = 400 ({} = workspace's)")
            weights[name] = _request(parse_weights, table, f"weights.{name}")
        kw["weights"] = weights

    if "scenarios" in data:
        raw = data["scenarios"]
        if not isinstance(raw, list) or not raw:
            raise _fail("scenarios", raw, "give [[scenarios]] tables, each with a name and optional changes")
        scenarios = []
        for i, sc in enumerate(raw):
            w = f"scenarios[{i}]"
            if not isinstance(sc, dict):
                raise _fail(w, sc, "give a table with name and changes")
            _check_keys(sc, w, ("name",), ("changes",))
            name = _text(sc["name"], f"{w}.name")
            changes = sc.get("changes", [])
            if not isinstance(changes, list):
                raise _fail(f"{w}.changes", changes, "give an array of change tables")
            scenarios.append(Scenario(name, tuple(parse_change(c, f"{w}.changes[{j}]") for j, c in enumerate(changes))))
        names = [s.name for s in scenarios]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SpecError(f"scenarios: duplicate name(s) {', '.join(map(repr, dup))}; give each scenario its own name")
        kw["scenarios"] = tuple(scenarios)

    if "out" in data:
        out = Path(_text(data["out"], "out")).expanduser()
        kw["out"] = check_out_path((out if out.is_absolute() else base / out).resolve(), "out", check_folder=check_files)
    return SweepSpec(workspaces=tuple(paths), start=start, end=end, **kw)


def check_out_path(path: Path, what: str = "--out", check_folder: bool = True) -> Path:
    """The results path must end in .duckdb, .db or .parquet and (``check_folder``) its folder must exist."""
    if path.suffix.lower() not in OUT_FORMATS:
        raise SpecError(f"{what}: {str(path)!r} has an unknown extension; accepted: {', '.join(OUT_FORMATS)}")
    if check_folder and not path.parent.is_dir():
        raise SpecError(f"{what}: folder {path.parent} does not exist; create it or choose another path")
    return path


def load_spec(path: str | Path, *, check_files: bool = True) -> SweepSpec:
    """Read and validate a sweep TOML file."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"spec: {path} does not exist; give the path of a sweep .toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"spec: {path} is not valid TOML: {err}") from None
    return parse_spec(data, path.resolve().parent, check_files=check_files)
