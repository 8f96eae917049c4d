"""The rota at a glance: shifts with their ids, filtered by clinician and date range (read only)."""

from __future__ import annotations

from datetime import date

from ..domain import PracticeSnapshot
from .adjustments import WorkflowError

__all__ = ["ROTA_COLUMNS", "rota_rows"]

#: the columns of :func:`rota_rows`, in order
ROTA_COLUMNS = ("shift_id", "date", "weekday", "clinician_id", "name", "type", "duration", "status", "pinned",
                "origin")


def rota_rows(snap: PracticeSnapshot, clinician: str | None = None, start: date | None = None,
              end: date | None = None) -> list[dict]:
    """One dict per shift (every status), sorted by date, clinician and id; ``start``/``end`` inclusive."""
    names = {c.clinician_id: c.name for c in snap.clinicians}
    if clinician is not None and clinician not in names:
        known = ", ".join(sorted(names)[:10]) + (" ..." if len(names) > 10 else "")
        raise WorkflowError(f"--clinician: {clinician!r} is not a clinician of this workspace; known ids: {known}")
    if start is not None and end is not None and end < start:
        raise WorkflowError(f"--to: {end} is before --from {start}; give a range that ends on or after it starts")
    out = []
    for s in snap.shifts:
        if clinician is not None and s.clinician_id != clinician:
            continue
        if (start is not None and s.date < start) or (end is not None and s.date > end):
            continue
        out.append({"shift_id": s.shift_id, "date": s.date.isoformat(), "weekday": s.date.strftime("%a"),
                    "clinician_id": s.clinician_id, "name": names.get(s.clinician_id, ""),
                    "type": s.shift_type.value, "duration": s.duration.value, "status": s.status.value,
                    "pinned": bool(s.is_pinned), "origin": s.origin})
    out.sort(key=lambda r: (r["date"], r["clinician_id"], r["shift_id"] or 0))
    return out
