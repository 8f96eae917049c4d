"""Alerts that resolve: list the open ones, resolve one by hand with a note.

A generation supersedes the open alerts of earlier runs in its range by itself
(:meth:`rotacc_lab.changes.AlertResolution.supersede`, in the run's own
transaction); this module is the hand-made counterpart behind
``rotacc-lab alerts resolve WS ID --note TEXT [--by NAME]``. The resolution is an
:class:`~rotacc_lab.changes.AlertResolution` in a ChangeSet written by the one
committer: the alert's ``resolved_at``, ``resolved_by`` and ``resolution_note``
and an audit row (action ``resolved``) commit together. An unknown id or an
alert already resolved refuses the change and writes nothing.
"""

from __future__ import annotations

from ..args import text_arg
from ..changes import AlertResolution, ChangeSet
from ..store.committer import Scope, commit
from ..store.workspace import Workspace
from .adjustments import WorkflowError, require_actor


def list_alerts(ws: Workspace, include_resolved: bool = False) -> list[dict]:
    """The workspace's alerts, oldest first: the open ones, or all with ``include_resolved``."""
    return ws.list_alerts(include_resolved=bool(include_resolved))


def resolve_alert(ws: Workspace, alert_id: int, *, note: str, by: str) -> dict:
    """Resolve one open alert with ``note`` (who: ``by``); returns the alert as stored afterwards."""
    if isinstance(alert_id, bool) or not isinstance(alert_id, int) or alert_id < 1:
        raise WorkflowError(f"alert_id: {alert_id!r} is not an alert id; give the whole number shown as #N by "
                            "`rotacc-lab alerts WORKSPACE`")
    note = text_arg(note, "--note", "say why the alert is resolved, e.g. --note 'locum booked'").strip()
    by = require_actor(by)
    cs = ChangeSet(f"alert {alert_id} resolved by {by}", resolutions=(AlertResolution(note, alert_id, by),))
    commit(ws, cs, actor=by, scope=Scope())
    return next(a for a in ws.list_alerts(include_resolved=True) if a["alert_id"] == alert_id)
