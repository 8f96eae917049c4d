"""Changes as values: what a mutation does, computed from a snapshot without touching a file.

Every change a user can make - a leave decision, a swap, a locum booking, a
manual shift edit, new settings, a what-if change, a generation's plan - is a
pure function from a :class:`~rotacc_lab.domain.PracticeSnapshot` (plus its
arguments) to a :class:`ChangeSet`: the rows it creates, updates and deletes
(domain objects, before and after), the alerts it raises and the notifications
it queues, with the reason. Nothing here opens DuckDB.

Two things consume a ChangeSet:

* :func:`rotacc_lab.store.commit` writes it into a workspace in ONE
  transaction, with an audit row per row changed, the data-version bump, the
  outbox rows and (for a generation) the run record;
* :func:`apply_to_snapshot` makes the same change in memory and returns the new
  snapshot - what sweeps and what-if replans use instead of a file per task.

A property test checks that the two agree: committing then reading back gives
the snapshot :func:`apply_to_snapshot` computes.

Alert resolutions (:class:`AlertResolution`: one alert closed by hand, or a
generation superseding earlier runs' open alerts in its range) travel in the
same ChangeSet, so they are written in the same transaction as the change.

Ids are deterministic: new shifts take the workspace's next shift ids in order
(``snapshot.new_shift_id()``), other new rows get ids derived from the snapshot
(:func:`next_id`), so the same change on the same baseline gives the same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Iterable, Iterator, Mapping

from .domain import (
    Clinician,
    Leave,
    LeaveAdjustment,
    LocumBooking,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    SickLeave,
    SwapRequest,
    WorkingTerm,
    canonical,
)
from .errors import RotaccError

#: entity name -> (domain class, key attribute); the order is the order inserts are written in
ENTITIES: dict[str, tuple[type, str]] = {
    "settings": (Settings, ""),
    "clinician": (Clinician, "clinician_id"),
    "term": (WorkingTerm, "term_id"),
    "leave": (Leave, "leave_id"),
    "sick_leave": (SickLeave, "sick_id"),
    "locum_booking": (LocumBooking, "booking_id"),
    "leave_adjustment": (LeaveAdjustment, "adjustment_id"),
    "shift": (Shift, "shift_id"),
    "swap_request": (SwapRequest, "swap_id"),
}

#: snapshot field holding each entity's rows
_SNAPSHOT_FIELD = {
    "clinician": "clinicians",
    "term": "terms",
    "leave": "leave",
    "sick_leave": "sick_leave",
    "locum_booking": "locum_bookings",
    "leave_adjustment": "leave_adjustments",
    "shift": "shifts",
    "swap_request": "swap_requests",
}

ALERT_SEVERITIES = ("info", "warning", "critical")


class ChangeError(RotaccError, ValueError):
    """A ChangeSet is malformed (unknown entity, a row twice, a missing before image ...)."""


def entity_key(entity: str, obj: Any) -> Any:
    """The primary key of ``obj`` as an ``entity`` row (``"practice"`` for settings)."""
    if entity == "settings":
        return "practice"
    return getattr(obj, ENTITIES[entity][1])


@dataclass(frozen=True)
class RowChange:
    """One row created (``before`` None), deleted (``after`` None) or updated (both given).

    ``action`` is the verb the audit log records (default ``insert``/``update``/
    ``delete``; e.g. ``approved`` for a leave decision); ``note`` is added to the
    audited ``after`` record as ``note`` (who decided, why).
    """

    entity: str
    before: Any = None
    after: Any = None
    action: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.entity not in ENTITIES:
            raise ChangeError(f"entity: {self.entity!r} is not known; accepted: {', '.join(ENTITIES)}")
        if self.before is None and self.after is None:
            raise ChangeError(f"{self.entity}: a row change needs a before or an after value")
        cls = ENTITIES[self.entity][0]
        for side in (self.before, self.after):
            if side is not None and not isinstance(side, cls):
                raise ChangeError(f"{self.entity}: {type(side).__name__} given where a {cls.__name__} is expected")
        if self.before is not None and self.after is not None:
            kb, ka = entity_key(self.entity, self.before), entity_key(self.entity, self.after)
            if kb != ka:
                raise ChangeError(f"{self.entity}: an update cannot change the key ({kb!r} -> {ka!r})")

    @property
    def op(self) -> str:
        return "insert" if self.before is None else "delete" if self.after is None else "update"

    @property
    def key(self) -> Any:
        return entity_key(self.entity, self.after if self.after is not None else self.before)

    @property
    def verb(self) -> str:
        return self.action or self.op


@dataclass(frozen=True)
class Alert:
    """An alert to record (``rotacc-lab alerts`` lists them)."""

    kind: str
    message: str
    date: date | None = None
    clinician_id: str | None = None
    severity: str = "warning"

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind.strip():
            raise ChangeError("alert.kind: empty; give a non-blank kind")
        if not isinstance(self.message, str) or not self.message.strip():
            raise ChangeError("alert.message: empty; give a non-blank message")
        if self.severity not in ALERT_SEVERITIES:
            raise ChangeError(f"alert.severity: {self.severity!r} is not one of {', '.join(ALERT_SEVERITIES)}")

    @classmethod
    def from_dict(cls, a: Mapping[str, Any]) -> "Alert":
        unknown = set(a) - {"kind", "date", "clinician_id", "message", "severity"}
        if unknown:
            raise ChangeError(f"alert has unknown key(s) {', '.join(sorted(unknown))}; "
                              "accepted: kind, date, clinician_id, message, severity")
        return cls(a.get("kind", ""), a.get("message", ""), a.get("date"), a.get("clinician_id"),
                   a.get("severity", "warning"))

    def row(self) -> dict[str, Any]:
        return {"kind": self.kind, "date": self.date, "clinician_id": self.clinician_id,
                "message": self.message, "severity": self.severity}


@dataclass(frozen=True)
class AlertResolution:
    """Alerts to resolve in the same transaction as the rest of the change.

    Either one alert by ``alert_id`` (``rotacc-lab alerts resolve``: the alert must
    exist and be open, else the whole commit is refused), or - with
    ``superseded_by`` set to a generation run and ``start``/``end`` to its range -
    every OPEN alert of an EARLIER run that the new run recomputes: those dated in
    ``[start, end]`` and the undated ones (e.g. ``far_from_target``) of runs whose
    whole range lies inside it. ``note`` is recorded with the alert and audited;
    ``by`` defaults to the committing actor.
    """

    note: str
    alert_id: int | None = None
    by: str | None = None
    superseded_by: int | None = None
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.note, str) or not self.note.strip():
            raise ChangeError("alert resolution note: empty; say why the alert is resolved")
        if self.by is not None and (not isinstance(self.by, str) or not self.by.strip()):
            raise ChangeError("alert resolution by: empty; give who resolved it (or leave it out)")
        if (self.alert_id is None) == (self.superseded_by is None):
            raise ChangeError("alert resolution: give either an alert_id or superseded_by (a run id), not both")
        if self.superseded_by is not None and (self.start is None or self.end is None or self.end < self.start):
            raise ChangeError("alert resolution: superseding alerts needs the new run's start and end (start <= end)")

    @classmethod
    def supersede(cls, run_id: int, start: date, end: date) -> "AlertResolution":
        """Generation run ``run_id`` over ``[start, end]`` supersedes the open alerts of earlier runs there."""
        return cls(f"superseded by run {run_id}", superseded_by=int(run_id), start=start, end=end)


@dataclass(frozen=True)
class Notification:
    """An e-mail to queue in the outbox (no address: recorded FAILED, so the gap is visible)."""

    message_id: str
    clinician_id: str | None
    to_address: str | None
    subject: str
    body: str


@dataclass(frozen=True)
class AuditNote:
    """An extra audit record saying what made a change (e.g. the forecast behind new minimums)."""

    entity: str
    entity_id: str
    action: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class ChangeSet:
    """What one operation changes, and why. Immutable; combine two with ``+``.

    A row may change more than once (a request inserted, then approved): each
    step must start where the previous one ended. The committer writes the net
    effect and audits every step.

    ``info`` carries results for the caller that are not written (e.g. the leave
    policy's decision); it is not compared.
    """

    reason: str
    rows: tuple[RowChange, ...] = ()
    alerts: tuple[Alert, ...] = ()
    notifications: tuple[Notification, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict, compare=False)
    notes: tuple[AuditNote, ...] = ()
    #: alerts this change resolves (a hand resolution, or a generation superseding earlier runs' alerts)
    resolutions: tuple[AlertResolution, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ChangeError("reason: empty; every change says why it is made")
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "resolutions", tuple(self.resolutions))
        for res in self.resolutions:
            if not isinstance(res, AlertResolution):
                raise ChangeError(f"resolutions: {res!r} is not an AlertResolution")
        object.__setattr__(self, "alerts", tuple(self.alerts))
        object.__setattr__(self, "notifications", tuple(self.notifications))
        object.__setattr__(self, "notes", tuple(self.notes))
        last: dict[tuple[str, Any], Any] = {}
        for r in self.rows:
            if not isinstance(r, RowChange):
                raise ChangeError(f"rows: {r!r} is not a RowChange")
            if r.key is None:
                if r.op != "insert" or r.entity != "shift":
                    raise ChangeError(f"{r.entity}: only a new shift may come without its key")
                continue
            k = (r.entity, r.key)
            if k in last and last[k] != r.before:
                raise ChangeError(f"{r.entity} {r.key!r} is changed twice in one ChangeSet and the second change "
                                  "does not start where the first ended; give the steps in order")
            last[k] = r.after

    def __bool__(self) -> bool:
        return bool(self.rows or self.alerts or self.notifications or self.resolutions)

    def __add__(self, other: "ChangeSet") -> "ChangeSet":
        reason = self.reason if self.reason == other.reason else f"{self.reason}; {other.reason}"
        return ChangeSet(reason, self.rows + other.rows, self.alerts + other.alerts,
                         self.notifications + other.notifications, {**self.info, **other.info},
                         notes=self.notes + other.notes, resolutions=self.resolutions + other.resolutions)

    def with_(self, **kwargs: Any) -> "ChangeSet":
        """A copy with some fields replaced (``rows``, ``alerts``, ``notifications``, ``info``, ``reason``)."""
        return replace(self, **kwargs)

    def of(self, entity: str, op: str | None = None) -> list[RowChange]:
        """The row changes of one entity (optionally of one op: insert / update / delete)."""
        return [r for r in self.rows if r.entity == entity and (op is None or r.op == op)]

    def summary(self) -> dict[str, dict[str, int]]:
        """``{entity: {"insert": n, "update": n, "delete": n}}`` over the rows."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows:
            out.setdefault(r.entity, {"insert": 0, "update": 0, "delete": 0})[r.op] += 1
        return out


# --------------------------------------------------------------------------- constructors


def inserted(entity: str, obj: Any, action: str | None = None, note: str | None = None) -> RowChange:
    return RowChange(entity, None, obj, action, note)


def updated(entity: str, before: Any, after: Any, action: str | None = None, note: str | None = None) -> RowChange:
    return RowChange(entity, before, after, action, note)


def deleted(entity: str, obj: Any, action: str | None = None) -> RowChange:
    return RowChange(entity, obj, None, action)


def shift_rows(inserts: Iterable[Shift] = (), updates: Iterable[tuple[Shift, Shift]] = (),
               deletes: Iterable[Shift] = ()) -> tuple[RowChange, ...]:
    """Row changes for shifts: ``deletes`` (shifts as they are), ``updates`` (before, after), ``inserts``."""
    return (tuple(deleted("shift", s) for s in deletes)
            + tuple(updated("shift", b, a) for b, a in updates)
            + tuple(inserted("shift", s) for s in inserts))


_NUMBERED = {}


def next_id(existing: Iterable[str], prefix: str, width: int = 5) -> str:
    """The next free ``<prefix><n>`` id (n one above the largest already used with that prefix).

    Deterministic: the same snapshot gives the same id, unlike a random uuid.
    """
    pattern = _NUMBERED.get(prefix)
    if pattern is None:
        pattern = _NUMBERED[prefix] = re.compile(re.escape(prefix) + r"(\d+)$")
    top = 0
    taken = set()
    for value in existing:
        taken.add(value)
        m = pattern.match(value)
        if m:
            top = max(top, int(m.group(1)))
    n = top + 1
    while f"{prefix}{n:0{width}d}" in taken:  # pragma: no cover - only with hand-made ids such as LV-00003 and LV-3
        n += 1
    return f"{prefix}{n:0{width}d}"


def next_ids(existing: Iterable[str], prefix: str, count: int, width: int = 5) -> list[str]:
    """``count`` consecutive fresh ids (see :func:`next_id`)."""
    pool = list(existing)
    out = []
    for _ in range(count):
        out.append(next_id(pool, prefix, width))
        pool.append(out[-1])
    return out


# --------------------------------------------------------------------------- in memory


def assign_shift_ids(snapshot: PracticeSnapshot, cs: ChangeSet) -> ChangeSet:
    """``cs`` with every new shift given the id the workspace would give it (in row order).

    The committer does the same from the workspace's shift sequence, so a
    ChangeSet applied in memory and one committed agree on the ids.
    """
    nxt = snapshot.new_shift_id()
    rows = []
    for r in cs.rows:
        if r.entity == "shift" and r.op == "insert" and r.after.shift_id is None:
            r = replace(r, after=replace(r.after, shift_id=nxt))
            nxt += 1
        rows.append(r)
    return replace(cs, rows=tuple(rows))


def apply_to_snapshot(snapshot: PracticeSnapshot, cs: ChangeSet, *, check: bool = True) -> PracticeSnapshot:
    """The snapshot as it is once ``cs`` is committed (``snapshot`` is untouched).

    With ``check`` (default), an update or delete whose before image is not in
    the snapshot, or an insert whose key exists, raises :class:`ChangeError` -
    the same conditions the committer refuses. Alerts and notifications are
    not part of a snapshot and are ignored here (so are alert resolutions).
    """
    cs = assign_shift_ids(snapshot, cs)
    tables: dict[str, dict[Any, Any]] = {}
    settings = snapshot.settings
    for r in cs.rows:
        if r.entity == "settings":
            if check and r.before is not None and r.before != settings:
                raise ChangeError("settings changed since this ChangeSet was computed")
            settings = r.after if r.after is not None else settings
            continue
        name = _SNAPSHOT_FIELD[r.entity]
        if name not in tables:
            tables[name] = {entity_key(r.entity, o): o for o in getattr(snapshot, name)}
        rows = tables[name]
        key = r.key
        if r.op == "insert":
            if check and key in rows:
                raise ChangeError(f"{r.entity} {key!r} already exists")
            rows[key] = r.after
        else:
            if check and rows.get(key) != r.before:
                raise ChangeError(f"{r.entity} {key!r} is not as this ChangeSet expects (changed meanwhile?)")
            if r.op == "delete":
                rows.pop(key, None)
            else:
                rows[key] = r.after
    new_ids = [r.after.shift_id for r in cs.of("shift", "insert")]
    fields: dict[str, Any] = {name: tuple(rows.values()) for name, rows in tables.items()}
    if settings is not snapshot.settings:
        fields["settings"] = settings
    if new_ids:
        fields["next_shift_id"] = max(snapshot.new_shift_id(), max(new_ids) + 1)
    return canonical(replace(snapshot, **fields))


def live_shifts(snapshot: PracticeSnapshot, clinician_id: str | None = None) -> Iterator[Shift]:
    """Shifts that are not cancelled (optionally one clinician's)."""
    pool = snapshot.shifts if clinician_id is None else snapshot.shifts_by_clinician.get(clinician_id, ())
    return (s for s in pool if s.status is not ShiftStatus.CANCELLED)
