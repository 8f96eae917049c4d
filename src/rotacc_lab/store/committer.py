"""The one write path: a :class:`~rotacc_lab.changes.ChangeSet` committed in one transaction.

Everything that changes a workspace - workflows, what-if branches, settings,
notebooks, dashboards and ``generate`` - hands a ChangeSet (or a pure function
that computes one from the snapshot) to :func:`commit`. In ONE transaction it:

1. reads the snapshot (when given a function) and calls it - so a check and
   the write it allows can never be separated by another writer;
2. checks every update and delete against the row as it is now (the ChangeSet
   carries the *before* image): a row changed since the ChangeSet was computed
   refuses the whole commit with :class:`StaleChange`, nothing written;
3. writes deletes (children first), updates, then inserts (parents first);
   new shifts get the workspace's next shift ids, in row order;
4. writes an audit row per row changed (``before``/``after`` as in
   :mod:`rotacc_lab.store.rows`), the alert resolutions (audited: a hand
   resolution, or a generation superseding earlier runs' open alerts in its
   range), the new alerts, the outbox rows, and - for a generation - marks its
   run COMPLETED with its statistics;
5. bumps ``data_version`` once.

An empty ChangeSet writes nothing (no version bump). Any error rolls back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Mapping

from ..changes import ENTITIES, ChangeSet, RowChange
from ..domain import PracticeSnapshot, Settings
from ..errors import RotaccError
from .rows import TABLES, shift_row
from .settings_io import to_json_values
from .workspace import Tx, Workspace, _shift_table, _write_settings, read_snapshot, registered, to_json

#: shifts this many days either side of the dates a change touches are loaded (a Mon-Sun week)
WINDOW_DAYS = 7

#: insert order (parents first); deletes run in the reverse order
_ORDER = [e for e in ENTITIES if e != "settings"]


class StaleChange(RotaccError):
    """A row the ChangeSet updates or deletes is no longer as it was when the change was computed."""


class _Nothing(Exception):
    """Raised inside the transaction to roll back an empty ChangeSet (no data-version bump)."""


@dataclass(frozen=True)
class Scope:
    """Which shifts a change function needs loaded: those around some dates and around some rows.

    Everything but shifts is always loaded in full; shifts are loaded for
    ``[min - 7 days, max + 7 days]`` over ``days`` and the dates of the given
    shifts, leave requests and swap requests. ``Scope()`` loads no shift,
    ``Scope.all()`` every shift.
    """

    days: tuple[date, ...] = ()
    shift_ids: tuple[int, ...] = ()
    leave_ids: tuple[str, ...] = ()
    swap_ids: tuple[str, ...] = ()
    everything: bool = False

    @classmethod
    def all(cls) -> "Scope":
        return cls(everything=True)

    @classmethod
    def around(cls, days: Iterable[date | None] = (), shift_ids: Iterable[int | None] = (),
               leave_ids: Iterable[str] = (), swap_ids: Iterable[str] = ()) -> "Scope":
        return cls(tuple(d for d in days if d is not None), tuple(int(i) for i in shift_ids if i is not None),
                   tuple(leave_ids), tuple(swap_ids))

    def window(self, tx: Tx) -> tuple[date, date] | None:
        """The shift date window for this scope (None = load every shift)."""
        if self.everything:
            return None
        dates = list(self.days)
        ids = list(self.shift_ids)
        if self.swap_ids:
            for a, b in tx.con.execute(
                    "SELECT shift_a, shift_b FROM swap_requests WHERE swap_id IN (SELECT UNNEST(?::VARCHAR[]))",
                    [list(self.swap_ids)]).fetchall():
                ids += [i for i in (a, b) if i is not None]
        if ids:
            dates += [r[0] for r in tx.con.execute(
                "SELECT date FROM shifts WHERE shift_id IN (SELECT UNNEST(?::BIGINT[]))", [ids]).fetchall()]
        if self.leave_ids:
            for lo, hi in tx.con.execute(
                    "SELECT start_date, end_date FROM leave WHERE leave_id IN (SELECT UNNEST(?::VARCHAR[]))",
                    [list(self.leave_ids)]).fetchall():
                dates += [lo, hi]
        if not dates:  # nothing dated to look around: load no shift
            return date.max - timedelta(days=1), date.max - timedelta(days=1)
        pad = timedelta(days=WINDOW_DAYS)
        return min(dates) - pad, max(dates) + pad


@dataclass(frozen=True)
class Committed:
    """What :func:`commit` wrote: the ChangeSet as written (new shifts with their ids) and the new version."""

    changeset: ChangeSet
    data_version: int
    alert_ids: tuple[int, ...] = ()
    message_ids: tuple[str, ...] = ()
    written: bool = True
    #: alerts the change resolved (by hand or superseded by a generation run)
    resolved_alert_ids: tuple[int, ...] = ()

    @property
    def info(self) -> Mapping[str, Any]:
        return self.changeset.info

    def inserted(self, entity: str) -> list[Any]:
        return [r.after for r in self.changeset.of(entity, "insert")]

    def shift_changes(self) -> list[RowChange]:
        return self.changeset.of("shift")


Change = ChangeSet | Callable[[PracticeSnapshot], ChangeSet]


def snapshot_in(tx: Tx, scope: Scope | None = None) -> PracticeSnapshot:
    """The practice as seen inside ``tx`` (shifts limited to ``scope``'s window)."""
    window = (scope or Scope.all()).window(tx)
    return read_snapshot(tx.con, shifts_between=window)


def commit(ws: Workspace, change: Change, *, actor: str, scope: Scope | None = None,
           run_id: int | None = None, run_stats: Mapping[str, Any] | None = None) -> Committed:
    """Write ``change`` into ``ws`` in one transaction (see the module docstring).

    ``change`` is a ChangeSet, or a function ``snapshot -> ChangeSet`` called
    inside the transaction with the snapshot limited to ``scope`` (its checks
    then see exactly what the write changes). ``run_id`` tags the audit rows
    and alerts with a generation run; with ``run_stats`` the commit also marks
    that run COMPLETED with those statistics.
    """
    result: list[Committed] = []
    try:
        with ws.transaction(actor) as tx:
            cs = change(snapshot_in(tx, scope)) if callable(change) else change
            if not isinstance(cs, ChangeSet):
                raise RotaccError(f"a change function returned {type(cs).__name__}, not a ChangeSet")
            if not cs and run_stats is None:
                version = int(tx.con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])
                result.append(Committed(cs, version, written=False))
                raise _Nothing
            result.append(write(tx, cs, run_id=run_id, run_stats=run_stats))
    except _Nothing:
        pass
    return result[0]


def write(tx: Tx, cs: ChangeSet, *, run_id: int | None = None,
          run_stats: Mapping[str, Any] | None = None) -> Committed:
    """Write ``cs`` inside an open transaction (the body of :func:`commit`)."""
    if run_id is not None and run_stats is not None:
        from .runs import check_owner

        check_owner(tx, run_id)  # cleared by hand meanwhile? then write nothing (RunLost)
    rows = list(cs.rows)
    # a row changed in several steps is written once, as its net effect (first before -> last after)
    chains: dict[tuple[str, Any], list[int]] = {}
    for i, r in enumerate(rows):
        chains.setdefault((r.entity, r.key if r.key is not None else ("new", i)), []).append(i)
    net: dict[str, list[tuple[RowChange, list[int]]]] = {}
    for (entity, _), idx in chains.items():
        first, last = rows[idx[0]], rows[idx[-1]]
        if first.before is None and last.after is None:
            continue  # created and removed in the same commit: nothing to write, every step audited
        net.setdefault(entity, []).append((RowChange(entity, first.before, last.after), idx))
    _verify(tx, {e: [r for r, _ in items] for e, items in net.items()})
    _check_adjustment_terms(tx, net)

    settings_audit = [_write_settings_change(tx, replace(r, action=rows[idx[-1]].action))
                      for r, idx in net.get("settings", ())]
    for entity in reversed(_ORDER):
        dels = [r for r, _ in net.get(entity, ()) if r.op == "delete"]
        if dels:
            _delete(tx, entity, [r.key for r in dels])
    for entity in _ORDER:
        ups = [(r, idx) for r, idx in net.get(entity, ()) if r.op == "update"]
        if ups:
            stamped = _stamp(tx, entity, [r for r, _ in ups])
            for (_, idx), st in zip(ups, stamped):
                rows[idx[-1]] = replace(rows[idx[-1]], after=st.after)
            _update(tx, entity, [r.after for r in stamped])
    for entity in _ORDER:
        ins = [(r, idx) for r, idx in net.get(entity, ()) if r.op == "insert"]
        if not ins:
            continue
        new = [r for r, _ in ins]
        if entity == "shift":
            new = _number_shifts(tx, new)
        new = _stamp(tx, entity, new)
        for (_, idx), n in zip(ins, new):
            if entity == "shift":  # the new id reaches every step of the chain
                sid = n.after.shift_id
                for j in idx:
                    b, a = rows[j].before, rows[j].after
                    rows[j] = replace(rows[j], before=None if b is None else replace(b, shift_id=sid),
                                      after=None if a is None else replace(a, shift_id=sid))
            rows[idx[-1]] = replace(rows[idx[-1]], after=n.after)
        _insert(tx, entity, [n.after for n in new])

    audit = list(settings_audit)
    for r in rows:
        if r.entity != "settings":  # settings are audited with their stored key-values above
            audit.append((r.verb, r.entity, str(r.key),
                          None if r.before is None else _audited(r.entity, r.before),
                          None if r.after is None else _audited(r.entity, r.after, r.note)))
    audit += [(n.action, n.entity, n.entity_id, None, dict(n.details)) for n in cs.notes]
    tx.audit_many(audit, run_id)
    message_ids = _write_outbox(tx, cs)
    resolved = _resolve_alerts(tx, cs)
    alert_ids = _write_alerts(tx, cs, run_id)
    if run_id is not None and run_stats is not None:
        from .runs import finish_run

        finish_run(tx, run_id, dict(run_stats))
    version = int(tx.con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]) + 1
    return Committed(replace(cs, rows=tuple(rows)), version, tuple(alert_ids), tuple(message_ids),
                     resolved_alert_ids=tuple(resolved))


# --------------------------------------------------------------------------- checks


def _current(tx: Tx, entity: str, keys: list[Any]) -> dict[Any, Any]:
    if entity == "settings":
        return {}
    t = TABLES[entity]
    cast = "BIGINT" if entity == "shift" else "VARCHAR"
    rows = tx.con.execute(
        f"SELECT {t.select()} FROM {t.name} WHERE {t.key} IN (SELECT UNNEST(?::{cast}[]))", [list(keys)]
    ).fetchall()
    return {(int(r[0]) if entity == "shift" else r[0]): t.from_db(r) for r in rows}


def _verify(tx: Tx, by_entity: dict[str, list[RowChange]]) -> None:
    problems: list[str] = []
    for entity, rows in by_entity.items():
        if entity == "settings":
            continue
        keyed = [r for r in rows if r.key is not None]
        if not keyed:
            continue
        now = _current(tx, entity, [r.key for r in keyed])
        for r in keyed:
            have = now.get(r.key)
            if r.op == "insert":
                if have is not None:
                    problems.append(f"{entity} {r.key} already exists")
            elif have is None:
                problems.append(f"{entity} {r.key} does not exist (any more)")
            elif not _same(entity, have, r.before):
                problems.append(f"{entity} {r.key} changed since this change was computed")
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise StaleChange("the workspace changed while this change was being prepared: "
                          + "; ".join(problems[:10]) + more + ". Nothing was written; run it again.")


def _check_adjustment_terms(tx: Tx, net: dict[str, list[tuple[RowChange, list[int]]]]) -> None:
    """Leave adjustments must point at an existing term (the schema leaves this check to the committer)."""
    terms = net.get("term", ())
    adjustments = net.get("leave_adjustment", ())
    if not terms and not adjustments:
        return
    gone = {r.key for r, _ in terms if r.op == "delete"}
    added = {r.key for r, _ in terms if r.op == "insert"}
    removed_adj = {r.key for r, _ in adjustments if r.op == "delete"}
    problems = []
    if gone:
        for adj, term in tx.con.execute(
                "SELECT adjustment_id, term_id FROM leave_adjustments WHERE term_id IN (SELECT UNNEST(?::VARCHAR[]))",
                [sorted(gone)]).fetchall():
            if adj not in removed_adj:
                problems.append(f"term {term} cannot be deleted: leave adjustment {adj} refers to it")
    wanted = {r.after.term_id for r, _ in adjustments if r.after is not None}
    if wanted:
        have = {t for (t,) in tx.con.execute(
            "SELECT term_id FROM working_terms WHERE term_id IN (SELECT UNNEST(?::VARCHAR[]))",
            [sorted(wanted)]).fetchall()}
        for t in sorted(wanted - ((have | added) - gone)):
            problems.append(f"leave adjustment refers to term {t}, which does not exist")
    if problems:
        raise RotaccError("; ".join(problems) + "; nothing was written")


def _same(entity: str, have: Any, before: Any) -> bool:
    if entity == "swap_request":  # the committer stamps times; compare what a person decided
        return replace(have, created_at=None, decided_at=None) == replace(before, created_at=None, decided_at=None)
    return have == before


# --------------------------------------------------------------------------- writers


def _audited(entity: str, obj: Any, note: str | None = None) -> dict[str, Any]:
    row = TABLES[entity].audit(obj)
    if note:
        row = {**row, "note": note}
    return row


def _stamp(tx: Tx, entity: str, rows: list[RowChange]) -> list[RowChange]:
    """Time columns are the committer's: a new swap request gets ``created_at``, a decision ``decided_at``."""
    if entity != "swap_request":
        return rows
    out = []
    for r in rows:
        a = r.after
        if a.created_at is None:
            a = replace(a, created_at=tx.at)
        if a.status != "REQUESTED" and a.decided_at is None:
            a = replace(a, decided_at=tx.at)
        out.append(replace(r, after=a))
    return out


def _number_shifts(tx: Tx, rows: list[RowChange]) -> list[RowChange]:
    """Give new shifts ids from the workspace sequence (a shift that came numbered must match it)."""
    ids = [int(r[0]) for r in tx.con.execute("SELECT nextval('shift_seq') FROM range(?)", [len(rows)]).fetchall()]
    out = []
    for r, i in zip(rows, ids):
        given = r.after.shift_id
        if given is not None and given != i:
            raise StaleChange(f"new shift numbered {given} but the workspace's next shift id is {i} (another "
                              "write came first); nothing was written; run it again")
        out.append(replace(r, after=replace(r.after, shift_id=i)))
    return out


def _insert(tx: Tx, entity: str, objs: list[Any]) -> None:
    if entity == "shift":
        with registered(tx.con, "_shifts_in", _shift_table(objs)):
            tx.con.execute(
                "INSERT INTO shifts (shift_id, clinician_id, date, shift_type, duration, status, is_pinned, origin,"
                " created_at, cancel_key) SELECT shift_id, clinician_id, date, shift_type, duration, status,"
                " is_pinned, origin, ?, CASE WHEN status = 'CANCELLED' THEN shift_id ELSE 0 END FROM _shifts_in",
                [tx.at],
            )
        return
    t = TABLES[entity]
    tx.con.executemany(f"INSERT INTO {t.name} ({t.select()}) VALUES ({t.placeholders()})",
                       [list(t.to_db(o)) for o in objs])


def _update(tx: Tx, entity: str, objs: list[Any]) -> None:
    if entity == "shift":
        with registered(tx.con, "_shifts_up", _shift_table(objs)):
            tx.con.execute(
                "UPDATE shifts SET clinician_id = u.clinician_id, date = u.date, shift_type = u.shift_type,"
                " duration = u.duration, status = u.status, is_pinned = u.is_pinned, origin = u.origin,"
                " cancel_key = CASE WHEN u.status = 'CANCELLED' THEN u.shift_id ELSE 0 END"
                " FROM _shifts_up u WHERE shifts.shift_id = u.shift_id"
            )
        return
    t = TABLES[entity]
    cols = t.columns[1:]
    assign = ", ".join(f"{c} = ?{t.casts.get(c, '')}" for c in cols)
    tx.con.executemany(f"UPDATE {t.name} SET {assign} WHERE {t.key} = ?",
                       [list(t.to_db(o)[1:]) + [t.to_db(o)[0]] for o in objs])


def _delete(tx: Tx, entity: str, keys: list[Any]) -> None:
    t = TABLES[entity]
    cast = "BIGINT" if entity == "shift" else "VARCHAR"
    tx.con.execute(f"DELETE FROM {t.name} WHERE {t.key} IN (SELECT UNNEST(?::{cast}[]))", [list(keys)])


def _write_settings_change(tx: Tx, r: RowChange) -> tuple:
    """Write new settings; return the audit row (before/after as the stored key-values)."""
    if r.after is None:
        raise RotaccError("settings: a settings change needs the new settings")
    old = dict(tx.con.execute("SELECT key, CAST(value AS VARCHAR) FROM settings").fetchall())
    if r.before is not None:
        from .settings_io import from_json_values

        if from_json_values(old) != r.before:
            raise StaleChange("the workspace changed while this change was being prepared: settings changed since "
                              "this change was computed. Nothing was written; run it again.")
    new = to_json_values(r.after)
    _write_settings(tx.con, new)
    return (r.verb, "settings", "practice",
            {k: json.loads(v) for k, v in sorted(old.items())} if old else None,
            {k: json.loads(v) for k, v in new.items()})


def _write_alerts(tx: Tx, cs: ChangeSet, run_id: int | None) -> list[int]:
    if not cs.alerts:
        return []
    ids = [int(r[0]) for r in tx.con.execute("SELECT nextval('alert_seq') FROM range(?)",
                                             [len(cs.alerts)]).fetchall()]
    tx.con.executemany(
        "INSERT INTO alerts (alert_id, run_id, kind, date, clinician_id, message, severity, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [[i, run_id, a.kind, a.date, a.clinician_id, a.message, a.severity, tx.at] for i, a in zip(ids, cs.alerts)],
    )
    tx.audit_many([("insert", "alert", i, None, a.row()) for i, a in zip(ids, cs.alerts)], run_id)
    return ids


_ALERT_COLUMNS = "alert_id, run_id, kind, date, clinician_id, message, severity"


def _resolve_alerts(tx: Tx, cs: ChangeSet) -> list[int]:
    """Resolve the alerts ``cs.resolutions`` name (before the new alerts are written); audited."""
    done: list[int] = []
    for res in cs.resolutions:
        by = res.by or tx.actor
        if res.alert_id is not None:
            found = tx.con.execute(f"SELECT {_ALERT_COLUMNS}, resolved_at, resolved_by, resolution_note"
                                   " FROM alerts WHERE alert_id = ?", [int(res.alert_id)]).fetchall()
            if not found:
                raise RotaccError(f"alert {res.alert_id} does not exist in this workspace; "
                                  "list them with `rotacc-lab alerts WORKSPACE --all`")
            if found[0][7] is not None:
                r = found[0]
                raise RotaccError(f"alert {res.alert_id} is already resolved (by {r[8] or 'unknown'} at "
                                  f"{r[7]:%Y-%m-%d %H:%M}: {r[9] or 'no note'}); nothing was written")
            rows, action = found, "resolved"
        else:
            rows = tx.con.execute(
                f"SELECT {', '.join('a.' + c.strip() for c in _ALERT_COLUMNS.split(','))} FROM alerts a"
                " JOIN generation_runs r ON r.run_id = a.run_id"
                " WHERE a.resolved_at IS NULL AND a.run_id < ?"
                " AND ((a.date IS NOT NULL AND a.date BETWEEN ? AND ?)"
                "      OR (a.date IS NULL AND r.start_date >= ? AND r.end_date <= ?))"
                " ORDER BY a.alert_id",
                [int(res.superseded_by), res.start, res.end, res.start, res.end]).fetchall()
            action = "superseded"
        ids = [int(r[0]) for r in rows]
        if not ids:
            continue
        tx.con.execute("UPDATE alerts SET resolved_at = ?, resolved_by = ?, resolution_note = ?"
                       " WHERE alert_id IN (SELECT UNNEST(?::BIGINT[]))", [tx.at, by, res.note, ids])
        tx.audit_many([(action, "alert", i, {"kind": r[2], "date": r[3], "clinician_id": r[4], "message": r[5],
                                              "severity": r[6], "run_id": r[1], "state": "open"},
                        {"state": "resolved", "resolved_by": by, "resolution_note": res.note,
                         "resolved_at": tx.at}) for i, r in zip(ids, rows)], res.superseded_by)
        done += ids
    return done


def _write_outbox(tx: Tx, cs: ChangeSet) -> list[str]:
    if not cs.notifications:
        return []
    from ..clock import utcnow

    now = utcnow()
    rows, audit = [], []
    for n in cs.notifications:
        status, error = ("QUEUED", None) if n.to_address else ("FAILED", "clinician has no e-mail address")
        rows.append([n.message_id, n.clinician_id, n.to_address, n.subject, n.body, status, now, now, error])
        audit.append(("insert", "outbox", n.message_id, None,
                      {"clinician_id": n.clinician_id, "to_address": n.to_address, "subject": n.subject,
                       "status": status}))
    tx.con.executemany(
        "INSERT INTO outbox (message_id, clinician_id, to_address, subject, body, status, attempts,"
        " next_attempt_at, created_at, last_error) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)", rows)
    tx.audit_many(audit)
    return [n.message_id for n in cs.notifications]


# --------------------------------------------------------------------------- conveniences


def save_settings(ws: Workspace, settings: Settings, *, actor: str, action: str = "update",
                  why: tuple[str, str, Mapping[str, Any]] | None = None) -> Committed:
    """Replace the practice settings (one audited change; ``why = (entity, id, details)`` adds an audit note)."""
    from ..changes import AuditNote, updated

    notes = () if why is None else (AuditNote(why[0], str(why[1]), action, why[2]),)

    def change(snap: PracticeSnapshot) -> ChangeSet:
        return ChangeSet(f"settings {action} by {actor}", (updated("settings", snap.settings, settings, action),),
                         notes=notes)

    return commit(ws, change, actor=actor, scope=Scope())


__all__ = ["Committed", "Scope", "StaleChange", "commit", "save_settings", "snapshot_in", "write", "shift_row"]
