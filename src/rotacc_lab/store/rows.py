"""How each entity is a row: its table, columns, and its audit record.

One place maps the domain's frozen dataclasses to workspace tables and back
(the snapshot reader and the committer both use it), and says what an audit
record of each entity holds (``before``/``after`` in ``audit_log``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from ..domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveAdjustment,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
    SwapRequest,
    TermType,
    Weekday,
    WorkingTerm,
)


def _days(values: list[str] | None) -> tuple[Weekday, ...]:
    return tuple(Weekday[v] for v in values or ())


def _names(days: tuple[Weekday, ...]) -> list[str]:
    return [d.name for d in days]


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


@dataclass(frozen=True)
class Table:
    """One entity's table: columns (key first), SQL casts of parameters, converters both ways."""

    entity: str
    name: str
    columns: tuple[str, ...]
    to_db: Callable[[Any], tuple]
    from_db: Callable[[tuple], Any]
    audit: Callable[[Any], dict[str, Any]]
    casts: dict[str, str]

    @property
    def key(self) -> str:
        return self.columns[0]

    def select(self) -> str:
        return ", ".join(self.columns)

    def placeholders(self) -> str:
        return ", ".join(f"?{self.casts.get(c, '')}" for c in self.columns)


def shift_row(s: Shift) -> dict[str, Any]:
    """A shift as the plain dict used in audit records."""
    return {
        "shift_id": s.shift_id,
        "clinician_id": s.clinician_id,
        "date": s.date.isoformat(),
        "shift_type": s.shift_type.value,
        "duration": s.duration.value,
        "status": s.status.value,
        "is_pinned": s.is_pinned,
        "origin": s.origin,
    }


def leave_row(lv: Leave) -> dict[str, Any]:
    return {"leave_id": lv.leave_id, "clinician_id": lv.clinician_id, "leave_type": lv.leave_type.value,
            "start_date": lv.start_date.isoformat(), "end_date": lv.end_date.isoformat(),
            "status": lv.status.value, "duration": lv.duration.value}


def term_row(t: WorkingTerm) -> dict[str, Any]:
    return {
        "term_id": t.term_id, "clinician_id": t.clinician_id, "term_type": t.term_type.value,
        "start_date": t.start_date.isoformat(), "end_date": _iso(t.end_date),
        "percentage": t.percentage, "fixed_working_days": _names(t.fixed_working_days),
        "must_work_days": _names(t.must_work_days), "cannot_work_days": _names(t.cannot_work_days),
        "week_a_days": _names(t.week_a_days), "week_b_days": _names(t.week_b_days),
        "minimum_shifts_per_week": t.minimum_shifts_per_week, "max_shifts_per_week": t.max_shifts_per_week,
        "annual_leave_entitlement": None if t.annual_leave_entitlement is None else float(t.annual_leave_entitlement),
    }


def clinician_row(c: Clinician) -> dict[str, Any]:
    row = {"clinician_id": c.clinician_id, "name": c.name, "clinician_type": c.clinician_type.value}
    if c.email is not None:
        row["email"] = c.email
    return row


def booking_row(b: LocumBooking) -> dict[str, Any]:
    return {"booking_id": b.booking_id, "clinician_id": b.clinician_id, "dates": [d.isoformat() for d in b.dates]}


def adjustment_row(a: LeaveAdjustment) -> dict[str, Any]:
    return {"adjustment_id": a.adjustment_id, "term_id": a.term_id, "amount": float(a.amount), "reason": a.reason}


def sick_row(s: SickLeave) -> dict[str, Any]:
    return {"sick_id": s.sick_id, "clinician_id": s.clinician_id, "start_date": s.start_date.isoformat(),
            "end_date": _iso(s.end_date)}


def _shift_from_db(r: tuple) -> Shift:
    sid, cid, day, stype, dur, status, pinned, origin = r
    return Shift(int(sid), cid, day, ShiftType(stype), Duration(dur), ShiftStatus(status), bool(pinned), origin)


def _term_from_db(r: tuple) -> WorkingTerm:
    return WorkingTerm(r[0], r[1], TermType(r[2]), r[3], r[4], int(r[5]), _days(r[6]), _days(r[7]), _days(r[8]),
                       _days(r[9]), _days(r[10]), r[11], r[12], r[13])


def _swap_from_db(r: tuple) -> SwapRequest:
    return SwapRequest(r[0], r[1], r[2], int(r[3]), None if r[4] is None else int(r[4]), *r[5:])


TABLES: dict[str, Table] = {
    t.entity: t
    for t in (
        Table(
            "clinician", "clinicians", ("clinician_id", "name", "email", "clinician_type"),
            lambda c: (c.clinician_id, c.name, c.email, c.clinician_type.value),
            lambda r: Clinician(r[0], r[1], r[2], ClinicianType(r[3])),
            clinician_row, {},
        ),
        Table(
            "term", "working_terms",
            ("term_id", "clinician_id", "term_type", "start_date", "end_date", "percentage", "fixed_working_days",
             "must_work_days", "cannot_work_days", "week_a_days", "week_b_days", "minimum_shifts_per_week",
             "max_shifts_per_week", "annual_leave_entitlement"),
            lambda t: (t.term_id, t.clinician_id, t.term_type.value, t.start_date, t.end_date, t.percentage,
                       _names(t.fixed_working_days), _names(t.must_work_days), _names(t.cannot_work_days),
                       _names(t.week_a_days), _names(t.week_b_days), t.minimum_shifts_per_week,
                       t.max_shifts_per_week, t.annual_leave_entitlement),
            _term_from_db, term_row,
            {c: "::VARCHAR[]" for c in ("fixed_working_days", "must_work_days", "cannot_work_days", "week_a_days",
                                        "week_b_days")},
        ),
        Table(
            "leave", "leave", ("leave_id", "clinician_id", "leave_type", "start_date", "end_date", "status",
                               "duration"),
            lambda x: (x.leave_id, x.clinician_id, x.leave_type.value, x.start_date, x.end_date, x.status.value,
                       x.duration.value),
            lambda r: Leave(r[0], r[1], LeaveType(r[2]), r[3], r[4], LeaveStatus(r[5]), Duration(r[6])),
            leave_row, {},
        ),
        Table(
            "sick_leave", "sick_leave", ("sick_id", "clinician_id", "start_date", "end_date"),
            lambda x: (x.sick_id, x.clinician_id, x.start_date, x.end_date),
            lambda r: SickLeave(*r), sick_row, {},
        ),
        Table(
            "locum_booking", "locum_bookings", ("booking_id", "clinician_id", "dates"),
            lambda b: (b.booking_id, b.clinician_id, list(b.dates)),
            lambda r: LocumBooking(r[0], r[1], tuple(sorted(r[2]))),
            booking_row, {"dates": "::DATE[]"},
        ),
        Table(
            "leave_adjustment", "leave_adjustments", ("adjustment_id", "term_id", "amount", "reason"),
            lambda a: (a.adjustment_id, a.term_id, a.amount, a.reason),
            lambda r: LeaveAdjustment(*r), adjustment_row, {},
        ),
        Table(
            "shift", "shifts", ("shift_id", "clinician_id", "date", "shift_type", "duration", "status", "is_pinned",
                                "origin"),
            lambda s: (s.shift_id, s.clinician_id, s.date, s.shift_type.value, s.duration.value, s.status.value,
                       bool(s.is_pinned), s.origin),
            _shift_from_db, shift_row, {},
        ),
        Table(
            "swap_request", "swap_requests",
            ("swap_id", "kind", "requester", "shift_a", "shift_b", "target_clinician", "target_date", "status",
             "reason", "decided_by", "decision_note", "created_at", "decided_at"),
            lambda q: (q.swap_id, q.kind, q.requester, q.shift_a, q.shift_b, q.target_clinician, q.target_date,
                       q.status, q.reason, q.decided_by, q.decision_note, q.created_at, q.decided_at),
            _swap_from_db, lambda q: q.row(), {},
        ),
    )
}


def jsonable(v: Any) -> Any:
    """A value as JSON-friendly data (dates ISO, decimals as strings, enums by value)."""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, Weekday):
        return v.name
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if hasattr(v, "value") and isinstance(getattr(v, "value"), str):
        return v.value
    return v
