"""What-if scenarios: small validated changes applied to a BRANCH of a workspace, and a side-by-side comparison.

A what-if never touches the baseline file: :meth:`Workspace.branch` copies it,
each change's pure :meth:`Change.changes` computes a ChangeSet from the
snapshot and :meth:`Change.apply` commits it into the copy through the one
committer (one transaction per change, an audit row for every row it touches,
actor ``what-if:<actor>``), the branch is regenerated, and :func:`compare` sets
the two snapshots side by side using the report functions (so the figures are
the same ones the reports and dashboards show). Sweeps use the same
ChangeSets in memory (:meth:`Change.apply_to`), so a what-if is the same
rows whether it is written to a branch or run on a Dask worker; ids are
deterministic (``WHATIF-L00001`` ...), so the same what-if on the same baseline
gives the same rows.

The changes (each a frozen dataclass, validated on construction; referential
checks against the practice happen in :meth:`check`):

* :class:`WteChange` - a clinician's WTE percentage from a date on;
* :class:`ExtraLeave` - approved leave added for a clinician;
* :class:`NewLocum` - a new locum clinician booked on given dates;
* :class:`MinimumChange` - a different minimum of doctors on one weekday;
* :class:`PartnerLeaves` - a partner's last working day.

:func:`parse_change` builds one from a plain dict (``{"kind": "wte", ...}``)
so notebook parameters can be JSON.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any, ClassVar, Mapping, Sequence

import polars as pl

from .changes import ChangeSet, apply_to_snapshot, deleted, inserted, next_id, shift_rows, updated
from .domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    PracticeSnapshot,
    Shift,
    ShiftStatus,
    ShiftType,
    TermType,
    Weekday,
    WorkingTerm,
)
from .errors import RotaccError
from .store import Workspace
from .store.committer import Scope, commit


class ScenarioError(RotaccError, ValueError):
    """A scenario change is malformed or does not fit the practice; the message says which and why."""


def _actor(actor: str) -> str:
    return f"what-if:{actor}" if not actor.startswith("what-if:") else actor


def _date(value: object, what: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ScenarioError(f"{what}: {value!r} is not a date; give YYYY-MM-DD")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{what}: {value!r} is not accepted; give a non-empty text")
    return value.strip()


def _live(s: Shift) -> bool:
    return s.status is not ShiftStatus.CANCELLED


class Change(ABC):
    """Base of the scenario changes: ``check(snapshot)``, the pure ``changes(snapshot)``, ``apply(branch)``."""

    kind: ClassVar[str] = ""

    @abstractmethod
    def check(self, snapshot: PracticeSnapshot) -> None:
        """Raise :class:`ScenarioError` when the change does not fit ``snapshot``."""

    @abstractmethod
    def _rows(self, snap: PracticeSnapshot) -> tuple[tuple, str]:
        """The row changes this change makes to ``snap`` (checked already) and a line saying what was done."""

    @abstractmethod
    def describe(self) -> str:
        """One line for people: what the change is."""

    def changes(self, snapshot: PracticeSnapshot) -> ChangeSet:
        """The change as a ChangeSet on ``snapshot`` (pure; checked first). ``info["done"]`` says what it does."""
        self.check(snapshot)
        rows, done = self._rows(snapshot)
        return ChangeSet(f"what-if: {self.describe()}", rows, info={"done": done})

    def apply_to(self, snapshot: PracticeSnapshot) -> PracticeSnapshot:
        """``snapshot`` with the change made in memory (what sweeps use; ``snapshot`` is untouched)."""
        return apply_to_snapshot(snapshot, self.changes(snapshot))

    def apply(self, branch: Workspace, actor: str = "notebook") -> str:
        """Write the change into ``branch`` in one transaction (checked against the branch); returns what was done.

        Refuses a workspace that is not a branch (no ``branch_parent`` in its
        meta), so a what-if can never write into a baseline by mistake.
        """
        if "branch_parent" not in branch.meta():
            raise ScenarioError(
                f"{branch.path} is not a branch (no branch_parent); create one with Workspace.branch() first"
            )
        return commit(branch, self.changes, actor=_actor(actor), scope=Scope.all()).info["done"]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            out[f.name] = v.isoformat() if isinstance(v, date) else [d.isoformat() for d in v] \
                if isinstance(v, tuple) and v and isinstance(v[0], date) else v.name if isinstance(v, Weekday) else v
        return out


def _require_clinician(snap: PracticeSnapshot, cid: str, what: str = "clinician_id") -> Clinician:
    try:
        return snap.clinician_by_id[cid]
    except KeyError:
        known = ", ".join(sorted(snap.clinician_by_id)) or "none"
        raise ScenarioError(f"{what}: {cid!r} is not a clinician of this practice; known: {known}") from None


@dataclass(frozen=True)
class WteChange(Change):
    """From ``effective_from`` on, the clinician works ``percentage`` % (their term is split there).

    The term covering ``effective_from`` ends the day before and a copy with
    the new percentage starts on it (just updated when it starts that day);
    later terms of the clinician get the new percentage too.
    """

    clinician_id: str
    percentage: int
    effective_from: date
    kind: ClassVar[str] = "wte"

    def __post_init__(self) -> None:
        object.__setattr__(self, "clinician_id", _text(self.clinician_id, "wte.clinician_id"))
        object.__setattr__(self, "effective_from", _date(self.effective_from, "wte.effective_from"))
        p = self.percentage
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 100:
            raise ScenarioError(f"wte.percentage: {p!r} is not accepted; give a whole number 0..100")

    def check(self, snapshot: PracticeSnapshot) -> None:
        _require_clinician(snapshot, self.clinician_id, "wte.clinician_id")
        if snapshot.term_on(self.clinician_id, self.effective_from) is None:
            raise ScenarioError(f"wte: {self.clinician_id} has no working term on {self.effective_from}; "
                                "give a date inside one of their terms")

    def describe(self) -> str:
        return f"{self.clinician_id} works {self.percentage} % from {self.effective_from}"

    def _rows(self, snap: PracticeSnapshot) -> tuple[tuple, str]:
        cur = snap.term_on(self.clinician_id, self.effective_from)
        assert cur is not None
        rows, done = [], []
        if cur.start_date == self.effective_from:
            rows.append(updated("term", cur, replace(cur, percentage=self.percentage)))
            done.append(f"term {cur.term_id} now {self.percentage} %")
        else:
            head = replace(cur, end_date=self.effective_from - timedelta(days=1))
            tail = replace(cur, term_id=f"{cur.term_id}~{self.effective_from.isoformat()}",
                           start_date=self.effective_from, percentage=self.percentage)
            if any(t.term_id == tail.term_id for t in snap.terms):
                raise ScenarioError(f"wte: term id {tail.term_id} already exists (same change applied twice?)")
            rows += [updated("term", cur, head), inserted("term", tail)]
            done.append(f"term {cur.term_id} ends {head.end_date}, new term {tail.term_id} at {self.percentage} %")
        for later in snap.terms_by_clinician.get(self.clinician_id, ()):
            if later.start_date > self.effective_from and later.percentage != self.percentage:
                rows.append(updated("term", later, replace(later, percentage=self.percentage)))
                done.append(f"term {later.term_id} now {self.percentage} %")
        return tuple(rows), "; ".join(done)


@dataclass(frozen=True)
class ExtraLeave(Change):
    """Approved leave for a clinician; their unpinned scheduled shifts in the range are removed."""

    clinician_id: str
    start: date
    end: date
    leave_type: str = "ANNUAL_LEAVE"
    kind: ClassVar[str] = "leave"

    def __post_init__(self) -> None:
        object.__setattr__(self, "clinician_id", _text(self.clinician_id, "leave.clinician_id"))
        object.__setattr__(self, "start", _date(self.start, "leave.start"))
        object.__setattr__(self, "end", _date(self.end, "leave.end"))
        if self.end < self.start:
            raise ScenarioError(f"leave.end: {self.end} is before start {self.start}")
        try:
            object.__setattr__(self, "leave_type", LeaveType.parse(self.leave_type, "leave.leave_type").value)
        except ValueError as err:
            raise ScenarioError(str(err)) from None

    def check(self, snapshot: PracticeSnapshot) -> None:
        _require_clinician(snapshot, self.clinician_id, "leave.clinician_id")
        if not snapshot.terms_overlapping(self.clinician_id, self.start, self.end):
            raise ScenarioError(f"leave: {self.clinician_id} has no working term between {self.start} and {self.end}")

    def describe(self) -> str:
        return f"{self.clinician_id} on {self.leave_type.lower().replace('_', ' ')} {self.start} to {self.end}"

    def _rows(self, snap: PracticeSnapshot) -> tuple[tuple, str]:
        lid = next_id((lv.leave_id for lv in snap.leave), "WHATIF-L")
        lv = Leave(lid, self.clinician_id, LeaveType(self.leave_type), self.start, self.end, LeaveStatus.APPROVED,
                   Duration.FULL)
        doomed = [s for s in snap.shifts_by_clinician.get(self.clinician_id, ())
                  if _live(s) and s.status is ShiftStatus.SCHEDULED and not s.is_pinned
                  and s.shift_type in (ShiftType.STANDARD, ShiftType.DUTY) and lv.covers(s.date)]
        return (inserted("leave", lv),) + shift_rows(deletes=doomed), \
            f"leave {lv.leave_id} added; {len(doomed)} shift(s) removed"


@dataclass(frozen=True)
class NewLocum(Change):
    """A new locum clinician with a LOCUM term (0 %) and a booking (pinned shifts) on ``dates``."""

    clinician_id: str
    name: str
    dates: tuple[date, ...]
    kind: ClassVar[str] = "locum"

    def __post_init__(self) -> None:
        object.__setattr__(self, "clinician_id", _text(self.clinician_id, "locum.clinician_id"))
        object.__setattr__(self, "name", _text(self.name, "locum.name"))
        if isinstance(self.dates, (str, date)) or not isinstance(self.dates, Sequence) or not self.dates:
            raise ScenarioError(f"locum.dates: {self.dates!r} is not accepted; give a non-empty list of dates")
        days = tuple(sorted({_date(d, "locum.dates") for d in self.dates}))
        weekend = [d.isoformat() for d in days if d.weekday() >= 5]
        if weekend:
            raise ScenarioError(f"locum.dates: {', '.join(weekend)} fall on a weekend; give working days")
        object.__setattr__(self, "dates", days)

    def check(self, snapshot: PracticeSnapshot) -> None:
        if self.clinician_id in snapshot.clinician_by_id:
            raise ScenarioError(f"locum.clinician_id: {self.clinician_id!r} already exists; choose a new id")
        holidays = [d.isoformat() for d in self.dates if d in snapshot.bank_holidays]
        if holidays:
            raise ScenarioError(f"locum.dates: {', '.join(holidays)} are bank holidays; give working days")

    def describe(self) -> str:
        return f"new locum {self.clinician_id} ({self.name}) on {len(self.dates)} day(s) from {self.dates[0]}"

    def _rows(self, snap: PracticeSnapshot) -> tuple[tuple, str]:
        from .workflows.locums import booking_shifts

        cid = self.clinician_id
        bid = next_id((b.booking_id for b in snap.locum_bookings), "WHATIF-B")
        booking = LocumBooking(bid, cid, self.dates)
        rows = (
            inserted("clinician", Clinician(cid, self.name, None, ClinicianType.LOCUM)),
            inserted("term", WorkingTerm(f"{cid}-whatif", cid, TermType.LOCUM, self.dates[0], self.dates[-1], 0)),
            inserted("locum_booking", booking),
        ) + shift_rows(inserts=booking_shifts(booking))
        return rows, f"clinician {cid}, booking {bid} with {len(self.dates)} pinned shift(s)"


@dataclass(frozen=True)
class MinimumChange(Change):
    """A different minimum number of doctors on one weekday (practice settings)."""

    weekday: Weekday
    doctors: int
    kind: ClassVar[str] = "minimum"

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "weekday", Weekday.parse(self.weekday, "minimum.weekday"))
        except ValueError as err:
            raise ScenarioError(str(err)) from None
        n = self.doctors
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ScenarioError(f"minimum.doctors: {n!r} is not accepted; give a whole number >= 0")

    def check(self, snapshot: PracticeSnapshot) -> None:
        return None

    def describe(self) -> str:
        return f"minimum of {self.doctors} doctors on {self.weekday.label}"

    def _rows(self, snap: PracticeSnapshot) -> tuple[tuple, str]:
        old = snap.settings
        mins = dict(old.min_doctors)
        before = mins[self.weekday]
        mins[self.weekday] = self.doctors
        return (updated("settings", old, replace(old, min_doctors=mins)),), \
            f"{self.weekday.label} minimum {before} -> {self.doctors}"


@dataclass(frozen=True)
class PartnerLeaves(Change):
    """A partner's last day: terms end then (later terms are removed), later leave and shifts are cancelled."""

    clinician_id: str
    last_day: date
    kind: ClassVar[str] = "partner_leaves"

    def __post_init__(self) -> None:
        object.__setattr__(self, "clinician_id", _text(self.clinician_id, "partner_leaves.clinician_id"))
        object.__setattr__(self, "last_day", _date(self.last_day, "partner_leaves.last_day"))

    def check(self, snapshot: PracticeSnapshot) -> None:
        c = _require_clinician(snapshot, self.clinician_id, "partner_leaves.clinician_id")
        if c.clinician_type is not ClinicianType.PARTNER:
            raise ScenarioError(f"partner_leaves: {self.clinician_id} is a {c.clinician_type.value.lower()}, "
                                "not a partner")
        later = [t for t in snapshot.terms_by_clinician.get(self.clinician_id, ())
                 if t.end_date is None or t.end_date > self.last_day]
        if not later:
            raise ScenarioError(f"partner_leaves: {self.clinician_id} has no term after {self.last_day}; "
                                "nothing would change")
        used = {a.term_id for a in snapshot.leave_adjustments}
        blocked = [t.term_id for t in later if t.start_date > self.last_day and t.term_id in used]
        if blocked:
            raise ScenarioError(f"partner_leaves: term(s) {', '.join(blocked)} start after {self.last_day} but have "
                                "leave adjustments; give a later last day")

    def describe(self) -> str:
        return f"{self.clinician_id} leaves the partnership after {self.last_day}"

    def _rows(self, snap: PracticeSnapshot) -> tuple[tuple, str]:
        cid, last = self.clinician_id, self.last_day
        rows: list = []
        ended, removed = [], []
        for t in snap.terms_by_clinician.get(cid, ()):
            if t.start_date > last:
                rows.append(deleted("term", t))
                removed.append(t.term_id)
            elif t.end_date is None or t.end_date > last:
                rows.append(updated("term", t, replace(t, end_date=last)))
                ended.append(t.term_id)
        cancelled = [lv for lv in snap.leave_by_clinician.get(cid, ())
                     if lv.start_date > last and lv.status in (LeaveStatus.PENDING, LeaveStatus.APPROVED)]
        rows += [updated("leave", lv, replace(lv, status=LeaveStatus.CANCELLED), action="cancelled")
                 for lv in cancelled]
        shifts = [s for s in snap.shifts_by_clinician.get(cid, ()) if s.date > last and s.status is ShiftStatus.SCHEDULED]
        rows += shift_rows(updates=[(s, replace(s, status=ShiftStatus.CANCELLED)) for s in shifts])
        return tuple(rows), (f"terms ended: {', '.join(ended) or 'none'}; removed: {', '.join(removed) or 'none'}; "
                             f"{len(cancelled)} leave request(s) and {len(shifts)} shift(s) cancelled")


#: change kind -> class, for :func:`parse_change`
CHANGE_KINDS: dict[str, type[Change]] = {
    cls.kind: cls for cls in (WteChange, ExtraLeave, NewLocum, MinimumChange, PartnerLeaves)
}


def parse_change(spec: Mapping[str, Any] | Change) -> Change:
    """Build a change from ``{"kind": "wte", "clinician_id": "P02", ...}`` (a change is returned as is)."""
    if isinstance(spec, Change):
        return spec
    if not isinstance(spec, Mapping):
        raise ScenarioError(f"change: {spec!r} is not accepted; give a mapping with a 'kind' key")
    kind = str(spec.get("kind", "")).strip().lower()
    cls = CHANGE_KINDS.get(kind)
    if cls is None:
        raise ScenarioError(f"change kind: {spec.get('kind')!r} is not known; accepted: {', '.join(CHANGE_KINDS)}")
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    args = {k: v for k, v in spec.items() if k != "kind"}
    unknown = sorted(set(args) - set(names))
    missing = [n for n in names if n not in args and _required(cls, n)]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown field(s) {', '.join(unknown)}")
        if missing:
            parts.append(f"missing field(s) {', '.join(missing)}")
        raise ScenarioError(f"change {kind}: {'; '.join(parts)}; fields: {', '.join(names)}")
    if "dates" in args and isinstance(args["dates"], list):
        args["dates"] = tuple(args["dates"])
    return cls(**args)


def _required(cls: type, name: str) -> bool:
    from dataclasses import MISSING

    f = {f.name: f for f in fields(cls)}[name]  # type: ignore[arg-type]
    return f.default is MISSING and f.default_factory is MISSING  # type: ignore[misc]


def parse_changes(specs: Sequence[Mapping[str, Any] | Change] | str | None,
                  snapshot: PracticeSnapshot | None = None) -> list[Change]:
    """Parse a list of change specs (or a JSON list); with ``snapshot``, also :meth:`Change.check` each one."""
    import json

    if specs is None:
        return []
    if isinstance(specs, str):
        try:
            specs = json.loads(specs)
        except json.JSONDecodeError as err:
            raise ScenarioError(f"changes: not valid JSON ({err.msg})") from None
    if not isinstance(specs, Sequence) or isinstance(specs, (str, bytes)):
        raise ScenarioError(f"changes: {specs!r} is not accepted; give a list of changes")
    out = []
    for i, spec in enumerate(specs):
        try:
            change = parse_change(spec)
            if snapshot is not None:
                change.check(snapshot)
        except ScenarioError as err:
            raise ScenarioError(f"changes[{i}]: {err}") from None
        out.append(change)
    return out


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    """Baseline vs branch over ``[start, end]``; every frame has ``baseline``/``branch``/``delta`` columns."""

    start: date
    end: date
    #: one row per headline metric: metric, baseline, branch, delta, better ("lower"/"higher")
    summary: pl.DataFrame
    #: per partner: fair difference (S11 quantity) and Mondays, baseline vs branch
    fairness: pl.DataFrame
    #: per working day where either side misses the minimum: doctors working and minimum
    staffing_gaps: pl.DataFrame
    #: per clinician: working amount, duty days and Mondays, baseline vs branch
    clinicians: pl.DataFrame
    #: shifts that differ: clinician_id, date, baseline (type or null), branch (type or null), change
    moved: pl.DataFrame


def _live_shifts(snap: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    rows = [(s.clinician_id, s.date, s.shift_type.value + (" (half)" if s.duration is Duration.HALF else ""))
            for s in snap.shifts if _live(s) and start <= s.date <= end]
    return pl.DataFrame(rows, schema={"clinician_id": pl.String, "date": pl.Date, "kind": pl.String}, orient="row")


def shifts_moved(baseline: PracticeSnapshot, branch: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Live shifts in ``[start, end]`` that differ: added, removed, or of another type/duration in the branch."""
    a = _live_shifts(baseline, start, end).rename({"kind": "baseline"})
    b = _live_shifts(branch, start, end).rename({"kind": "branch"})
    both = a.join(b, on=["clinician_id", "date"], how="full", coalesce=True)
    return (
        both.filter(pl.col("baseline").is_null() | pl.col("branch").is_null() | (pl.col("baseline") != pl.col("branch")))
        .with_columns(
            change=pl.when(pl.col("baseline").is_null()).then(pl.lit("added"))
            .when(pl.col("branch").is_null()).then(pl.lit("removed"))
            .otherwise(pl.lit("changed"))
        )
        .sort("date", "clinician_id")
    )


def _side_by_side(a: pl.DataFrame, b: pl.DataFrame, key: list[str], values: list[str]) -> pl.DataFrame:
    left = a.select(*key, *[pl.col(v).cast(pl.Float64).alias(f"{v}_baseline") for v in values])
    right = b.select(*key, *[pl.col(v).cast(pl.Float64).alias(f"{v}_branch") for v in values])
    out = left.join(right, on=key, how="full", coalesce=True)
    out = out.with_columns(
        *[pl.col(f"{v}_{s}").fill_null(0.0) for v in values for s in ("baseline", "branch")]
    )
    return out.with_columns(
        *[(pl.col(f"{v}_branch") - pl.col(f"{v}_baseline")).round(2).alias(f"{v}_delta") for v in values]
    ).sort(key)


def compare(baseline: PracticeSnapshot, branch: PracticeSnapshot, start: date, end: date) -> Comparison:
    """Set ``baseline`` and ``branch`` side by side over ``[start, end]`` (reports computed on each)."""
    from .reports import (
        report_duty_fairness,
        report_monday_balance,
        report_partner_wte_availability,
        report_staffing_overview,
        report_weekly_availability,
    )
    from .reports._frames import check_range, planned_ranges
    from .reports.outcomes import outcome_measures

    start, end = check_range(start, end)
    # one notion of "planned" for both sides: a day planned in either is planned in both, so
    # a branch that empties the first day of the rota shows that day as short, not as unplanned
    both = tuple(sorted(set(planned_ranges(baseline)) | set(planned_ranges(branch))))
    baseline, branch = replace(baseline, generated_ranges=both), replace(branch, generated_ranges=both)
    av = {k: report_partner_wte_availability(s, start, end) for k, s in (("a", baseline), ("b", branch))}
    mon = {k: report_monday_balance(s, start, end) for k, s in (("a", baseline), ("b", branch))}
    staff = {k: report_staffing_overview(s, start, end) for k, s in (("a", baseline), ("b", branch))}
    duty = {k: report_duty_fairness(s, start, end) for k, s in (("a", baseline), ("b", branch))}
    weekly = {k: report_weekly_availability(s, start, end) for k, s in (("a", baseline), ("b", branch))}

    fairness = _side_by_side(
        av["a"].select("clinician_id", "fair_difference").join(
            mon["a"].select("clinician_id", "mondays"), on="clinician_id", how="full", coalesce=True),
        av["b"].select("clinician_id", "fair_difference").join(
            mon["b"].select("clinician_id", "mondays"), on="clinician_id", how="full", coalesce=True),
        ["clinician_id"], ["fair_difference", "mondays"],
    )
    gaps = (
        staff["a"].select("date", "weekday", pl.col("doctors_working").alias("working_baseline"),
                          pl.col("minimum").alias("minimum_baseline"), pl.col("below_minimum").alias("_short_a"))
        .join(staff["b"].select("date", pl.col("doctors_working").alias("working_branch"),
                                pl.col("minimum").alias("minimum_branch"), pl.col("below_minimum").alias("_short_b")),
              on="date", how="full", coalesce=True)
        # short on a planned day of either side (a day with no rota yet is never a gap)
        .filter(pl.col("_short_a").fill_null(False) | pl.col("_short_b").fill_null(False))
        .drop("_short_a", "_short_b")
        .with_columns(delta=(pl.col("working_branch") - pl.col("working_baseline")))
        .sort("date")
    )

    def per_clinician(w: pl.DataFrame, d: pl.DataFrame, m: pl.DataFrame) -> pl.DataFrame:
        worked = w.group_by("clinician_id").agg(pl.col("working_amount").sum().alias("worked"))
        return (worked.join(d.select("clinician_id", "duty_days"), on="clinician_id", how="full", coalesce=True)
                .join(m.select("clinician_id", "mondays"), on="clinician_id", how="full", coalesce=True))

    clinicians = _side_by_side(per_clinician(weekly["a"], duty["a"], mon["a"]),
                               per_clinician(weekly["b"], duty["b"], mon["b"]),
                               ["clinician_id"], ["worked", "duty_days", "mondays"])
    moved = shifts_moved(baseline, branch, start, end)

    def metrics(snap: PracticeSnapshot) -> dict[str, float]:
        o = outcome_measures(snap, start, end)
        return {
            "report fairness: sum |fair difference|": o.report_fairness,
            "Monday-equivalency spread": o.monday_spread,
            "duty: max |deviation| (WTE-adjusted)": o.duty_max_abs_deviation,
            "days below minimum": float(o.days_below_minimum),
            "days below 66 % floor": float(o.days_below_66),
            "doctor-days short of minimum": o.doctor_days_short,
            "doctor-days over minimum": o.overstaffing,
            "doctor-days worked": o.doctor_days_worked,
        }

    ma, mb = metrics(baseline), metrics(branch)
    higher_better = {"doctor-days worked"}
    summary = pl.DataFrame(
        {
            "metric": list(ma),
            "baseline": [round(ma[k], 2) for k in ma],
            "branch": [round(mb[k], 2) for k in ma],
            "delta": [round(mb[k] - ma[k], 2) for k in ma],
            "better": ["higher" if k in higher_better else "lower" for k in ma],
        }
    )
    summary = summary.vstack(pl.DataFrame({
        "metric": ["shifts that differ"], "baseline": [0.0], "branch": [float(moved.height)],
        "delta": [float(moved.height)], "better": ["lower"],
    }))
    return Comparison(start, end, summary, fairness, gaps, clinicians, moved)


def replanned(snapshot: PracticeSnapshot, start: date | Any, end: date | None = None, *, seed: int = 0,
              optimiser: Any = None) -> PracticeSnapshot:
    """``snapshot`` with the range replanned in memory (pure ``plan`` with overwrite; nothing written).

    Give a :class:`~rotacc_lab.generation.request.GenerationRequest` (what the
    what-if notebook and dashboard build, and also pass to ``generate`` on the
    branch, so both sides come from the same algorithm, seed and limits) or
    ``start, end`` with a seed and optional optimiser settings.
    """
    from .generation.pipeline import plan
    from .generation.request import GenerationRequest

    if isinstance(start, GenerationRequest):
        request = start if start.overwrite else start.with_(overwrite=True)
        return plan(snapshot, request).apply(snapshot)
    result = plan(snapshot, start, end, seed=seed, overwrite=True, optimiser=optimiser, keep_before=start)
    return result.apply(snapshot)


def default_branch_path(workspace: str | Any) -> Any:
    """``<folder>/<stem>.what-if.duckdb`` next to the workspace."""
    from pathlib import Path

    p = Path(workspace)
    return p.with_name(f"{p.stem}.what-if.duckdb")


def make_branch(baseline: str | Any, branch_path: str | Any, *, replace_existing: bool = False,
                actor: str = "notebook") -> Workspace:
    """Branch ``baseline`` to ``branch_path``; an existing branch OF THIS baseline may be replaced.

    A file at ``branch_path`` that is not a branch of ``baseline`` is never
    deleted (it could be someone's workspace).
    """
    from pathlib import Path

    src, dst = Path(baseline), Path(branch_path)
    if dst.resolve() == src.resolve():
        raise ScenarioError(f"branch: {dst} is the baseline itself; give another path")
    if dst.exists():
        if not replace_existing:
            raise ScenarioError(f"branch: {dst} already exists; delete it, choose another path or allow replacing")
        try:
            parent = Workspace.open(dst, read_only=True).meta().get("branch_parent")
        except RotaccError:
            parent = None
        if parent != str(src.resolve()):
            raise ScenarioError(f"branch: {dst} exists and is not a what-if branch of {src}; it was left alone")
        dst.unlink()
        wal = dst.with_name(dst.name + ".wal")
        if wal.exists():
            wal.unlink()
    return Workspace.open(src).branch(dst, actor=_actor(actor))
