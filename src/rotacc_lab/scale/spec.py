"""Sweep specifications: the TOML format, its validation and the scenario changes.

A sweep is the cross product ``workspaces × scenarios × weight settings × seeds``;
every cell is one :class:`TaskSpec` that the runner sends, with its practice's
snapshot, to a worker. Everything here is checked in the driver BEFORE a single
task is submitted: unknown keys, bad values, a missing workspace, an unknown
weight term or a scenario naming a clinician the practice does not have are all
rejected with a :class:`SpecError` whose message names the key path, the bad
value and what is accepted.

Scenario changes are pure snapshot transforms (each returns a new snapshot via
``dataclasses.replace``; nothing is written anywhere), so a what-if can travel
to a Dask worker with the snapshot. ``rotacc_lab.scenarios`` (the notebooks'
what-if module) applies its changes to a *branch workspace* through the store
instead; a sweep cannot afford a DuckDB file per task, hence these transforms.

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
    changes = [{ kind = "wte", clinician = "P03", percentage = 80, start = 2026-03-02 }]
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar, Mapping

from ..domain import (
    SOFT_TERMS,
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    PracticeSnapshot,
    ShiftStatus,
    TermType,
    Weekday,
    WorkingTerm,
)
from ..errors import RotaccError

__all__ = [
    "CHANGE_KINDS",
    "ExtraLeave",
    "MondayMinimum",
    "NewLocum",
    "PartnerLeaving",
    "Scenario",
    "ScenarioChange",
    "SpecError",
    "SweepSpec",
    "TaskSpec",
    "WteChange",
    "load_spec",
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


def _weekdays(value: object, where: str) -> tuple[Weekday, ...]:
    if not isinstance(value, list):
        raise _fail(where, value, 'give an array of day names such as ["Mon", "Wed"]')
    try:
        return tuple(sorted({Weekday.parse(v, f"{where}[{i}]") for i, v in enumerate(value)}))
    except ValueError as err:
        raise SpecError(str(err)) from None


def _known_clinician(snap: PracticeSnapshot, cid: str, where: str, label: str) -> Clinician:
    try:
        return snap.clinician(cid)
    except KeyError:
        known = ", ".join(sorted(snap.clinician_by_id)) or "none"
        raise SpecError(f"{where}.clinician: {cid!r} is not a clinician of {label}; known: {known}") from None


# --------------------------------------------------------------------------- scenario changes


@dataclass(frozen=True)
class ScenarioChange:
    """A what-if change to a practice: ``check`` against a snapshot, then ``apply`` to get a new one."""

    kind: ClassVar[str] = ""

    def check(self, snap: PracticeSnapshot, where: str, label: str) -> None:
        """Raise :class:`SpecError` if this change cannot apply to ``snap`` (``label`` names the practice)."""

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:  # pragma: no cover - abstract
        """The practice with this change made (a new snapshot; ``snap`` is untouched)."""
        raise TypeError(f"{type(self).__name__} does not define apply")

    def describe(self) -> dict[str, Any]:
        """JSON-friendly description (kind + parameters), for the results table."""
        out: dict[str, Any] = {"kind": self.kind}
        for name, value in self.__dict__.items():
            if isinstance(value, tuple):
                value = [v.label if isinstance(v, Weekday) else str(v) for v in value]
            elif isinstance(value, date):
                value = value.isoformat()
            out[name] = value
        return out


@dataclass(frozen=True)
class WteChange(ScenarioChange):
    """Clinician ``clinician`` works ``percentage`` % from ``start`` (default: the whole of every term).

    The term covering ``start`` is split: the old part ends the day before, a new
    term (id ``<term_id>@<start>``) carries the new percentage; later terms change too.
    """

    kind: ClassVar[str] = "wte"
    clinician: str
    percentage: int
    start: date | None = None

    def check(self, snap: PracticeSnapshot, where: str, label: str) -> None:
        _known_clinician(snap, self.clinician, where, label)
        if not snap.terms_by_clinician.get(self.clinician):
            raise SpecError(f"{where}.clinician: {self.clinician!r} has no working term in {label}; a WTE change needs one")

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        out: list[WorkingTerm] = []
        for t in snap.terms:
            if t.clinician_id != self.clinician:
                out.append(t)
            elif self.start is None or t.start_date >= self.start:
                out.append(replace(t, percentage=self.percentage))
            elif t.covers(self.start):
                out.append(replace(t, end_date=self.start - timedelta(days=1)))
                out.append(replace(t, term_id=f"{t.term_id}@{self.start.isoformat()}", start_date=self.start,
                                   percentage=self.percentage))
            else:
                out.append(t)
        return replace(snap, terms=tuple(out))


@dataclass(frozen=True)
class ExtraLeave(ScenarioChange):
    """Approved leave of ``leave_type`` for ``clinician`` over ``[start, end]``."""

    kind: ClassVar[str] = "leave"
    clinician: str
    start: date
    end: date
    leave_type: LeaveType = LeaveType.ANNUAL_LEAVE
    half_day: bool = False

    def check(self, snap: PracticeSnapshot, where: str, label: str) -> None:
        _known_clinician(snap, self.clinician, where, label)
        if self.end < self.start:
            raise SpecError(f"{where}.end: {self.end} is before start {self.start}; give an end on or after the start")

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        leave_id = f"scenario-{self.clinician}-{self.start.isoformat()}-{len(snap.leave) + 1}"
        extra = Leave(leave_id, self.clinician, self.leave_type, self.start, self.end, LeaveStatus.APPROVED,
                      Duration.HALF if self.half_day else Duration.FULL)
        return replace(snap, leave=snap.leave + (extra,))


@dataclass(frozen=True)
class NewLocum(ScenarioChange):
    """A new locum ``clinician`` from ``start`` to ``end`` on fixed ``days`` and/or booked ``dates``."""

    kind: ClassVar[str] = "locum"
    clinician: str
    start: date
    end: date
    name: str = ""
    days: tuple[Weekday, ...] = ()
    dates: tuple[date, ...] = ()

    def check(self, snap: PracticeSnapshot, where: str, label: str) -> None:
        if self.clinician in snap.clinician_by_id:
            raise SpecError(f"{where}.clinician: {self.clinician!r} already exists in {label}; give a new id")
        if self.end < self.start:
            raise SpecError(f"{where}.end: {self.end} is before start {self.start}; give an end on or after the start")
        if not self.days and not self.dates:
            raise SpecError(f"{where}: a locum needs days (fixed weekdays) and/or dates (bookings); neither given")
        outside = [d for d in self.dates if not self.start <= d <= self.end]
        if outside:
            raise SpecError(f"{where}.dates: {outside[0]} is outside {self.start}..{self.end}; book dates inside the term")

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        clin = Clinician(self.clinician, self.name or f"Locum {self.clinician}", None, ClinicianType.LOCUM)
        term = WorkingTerm(f"{self.clinician}-T1", self.clinician, TermType.LOCUM, self.start, self.end, 0,
                           fixed_working_days=self.days)
        out = replace(snap, clinicians=snap.clinicians + (clin,), terms=snap.terms + (term,))
        if self.dates:
            booking = LocumBooking(f"scenario-{self.clinician}", self.clinician, tuple(sorted(self.dates)))
            out = replace(out, locum_bookings=out.locum_bookings + (booking,))
        return out


@dataclass(frozen=True)
class MondayMinimum(ScenarioChange):
    """The minimum number of doctors on Mondays becomes ``value``."""

    kind: ClassVar[str] = "monday_minimum"
    value: int

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        mins = dict(snap.settings.min_doctors)
        mins[Weekday.MON] = self.value
        return replace(snap, settings=replace(snap.settings, min_doctors=mins))


@dataclass(frozen=True)
class PartnerLeaving(ScenarioChange):
    """Partner ``clinician`` leaves after ``last_day``: terms end then, later scheduled shifts go."""

    kind: ClassVar[str] = "partner_leaving"
    clinician: str
    last_day: date

    def check(self, snap: PracticeSnapshot, where: str, label: str) -> None:
        clin = _known_clinician(snap, self.clinician, where, label)
        if clin.clinician_type is not ClinicianType.PARTNER:
            raise SpecError(f"{where}.clinician: {self.clinician!r} is a {clin.clinician_type.value}, not a PARTNER")

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        terms = []
        for t in snap.terms:
            if t.clinician_id != self.clinician or (t.end_date is not None and t.end_date <= self.last_day):
                terms.append(t)
            elif t.start_date <= self.last_day:
                terms.append(replace(t, end_date=self.last_day))
        shifts = tuple(
            s for s in snap.shifts
            if not (s.clinician_id == self.clinician and s.date > self.last_day and s.status is ShiftStatus.SCHEDULED)
        )
        return replace(snap, terms=tuple(terms), shifts=shifts)


#: kind -> (class, required keys, optional keys)
CHANGE_KINDS: dict[str, tuple[type[ScenarioChange], tuple[str, ...], tuple[str, ...]]] = {
    "wte": (WteChange, ("clinician", "percentage"), ("start",)),
    "leave": (ExtraLeave, ("clinician", "start", "end"), ("leave_type", "half_day")),
    "locum": (NewLocum, ("clinician", "start", "end"), ("name", "days", "dates")),
    "monday_minimum": (MondayMinimum, ("value",), ()),
    "partner_leaving": (PartnerLeaving, ("clinician", "last_day"), ()),
}


def parse_change(table: object, where: str) -> ScenarioChange:
    """One ``{kind = ..., ...}`` table of a scenario's ``changes`` array."""
    if not isinstance(table, dict):
        raise _fail(where, table, "give a table such as { kind = \"wte\", clinician = \"P01\", percentage = 80 }")
    kind = table.get("kind")
    if kind not in CHANGE_KINDS:
        raise _fail(f"{where}.kind", kind, f"accepted kinds: {', '.join(CHANGE_KINDS)}")
    cls, required, optional = CHANGE_KINDS[kind]
    body = {k: v for k, v in table.items() if k != "kind"}
    _check_keys(body, where, required, optional)
    args: dict[str, Any] = {}
    for name, value in body.items():
        w = f"{where}.{name}"
        if name in ("clinician", "name"):
            args[name] = _text(value, w)
        elif name in ("start", "end", "last_day"):
            args[name] = _date(value, w)
        elif name == "percentage":
            args[name] = _int(value, w, 0, 100)
        elif name == "value":
            args[name] = _int(value, w, 0)
        elif name == "half_day":
            args[name] = _bool(value, w)
        elif name == "leave_type":
            try:
                args[name] = LeaveType.parse(value, w)
            except ValueError as err:
                raise SpecError(str(err)) from None
        elif name == "days":
            args[name] = _weekdays(value, w)
        elif name == "dates":
            if not isinstance(value, list):
                raise _fail(w, value, "give an array of dates")
            args[name] = tuple(_date(v, f"{w}[{i}]") for i, v in enumerate(value))
    return cls(**args)


@dataclass(frozen=True)
class Scenario:
    """A named list of changes (none = the baseline)."""

    name: str
    changes: tuple[ScenarioChange, ...] = ()

    def apply(self, snap: PracticeSnapshot) -> PracticeSnapshot:
        for change in self.changes:
            snap = change.apply(snap)
        return snap

    def describe(self) -> str:
        return json.dumps([c.describe() for c in self.changes], sort_keys=True)


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
                    change.check(snap, f"scenarios[{i}].changes[{j}]", f"workspace {ws}")


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
        path = path if path.is_absolute() else (base / path)
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
            _int(p, f"phases[{i}]", 1, 6)
        kw["phases"] = tuple(sorted(set(phases)))
    if "seeds" in data:
        seeds = tuple(_int(s, f"seeds[{i}]") for i, s in enumerate(_list(data["seeds"], "seeds")))
        if len(set(seeds)) != len(seeds):
            raise SpecError(f"seeds: {list(seeds)} has duplicates; list each seed once")
        kw["seeds"] = seeds
    if "time_limit_seconds" in data:
        tl = data["time_limit_seconds"]
        if isinstance(tl, bool) or not isinstance(tl, (int, float)) or not tl > 0:
            raise _fail("time_limit_seconds", tl, "give a number of seconds > 0")
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
            unknown = sorted(set(table) - set(SOFT_TERMS))
            if unknown:
                raise SpecError(f"weights.{name}: unknown weight term(s) {', '.join(unknown)}; "
                                f"accepted: {', '.join(SOFT_TERMS)}")
            weights[name] = {t: _int(v, f"weights.{name}.{t}") for t, v in table.items()}
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
        kw["out"] = check_out_path(out if out.is_absolute() else base / out, "out", check_folder=check_files)
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
