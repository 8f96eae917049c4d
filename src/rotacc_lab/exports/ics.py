"""RFC 5545 (iCalendar) export of one clinician's shifts and approved leave.

Every shift becomes an all-day ``VEVENT`` (``DTSTART;VALUE=DATE`` and an
exclusive ``DTEND`` on the next day) whose ``UID`` is stable across exports
(``shift-<id>@rotacc-lab``), so a calendar client that re-subscribes updates
events instead of duplicating them. Cancelled shifts stay in the feed with
``STATUS:CANCELLED`` so clients remove them. Approved leave is one all-day
event spanning the whole leave range.

Output rules: CRLF line endings; content lines folded so that no line exceeds
75 octets (continuation lines start with one space, and a multi-byte UTF-8
character is never split); TEXT values escape backslash, semicolon, comma and
newlines.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Sequence

from ..domain import (
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Shift,
    ShiftStatus,
    ShiftType,
)

PRODID = "-//rotacc-lab//rota export//EN"
UID_DOMAIN = "rotacc-lab"

_SHIFT_NAMES = {
    ShiftType.STANDARD: "Standard shift",
    ShiftType.DUTY: "Duty",
    ShiftType.STUDY_LEAVE: "Study leave",
    ShiftType.CORONERS: "Coroners",
}
_LEAVE_NAMES = {
    LeaveType.ANNUAL_LEAVE: "Annual leave",
    LeaveType.STUDY_LEAVE: "Study leave",
    LeaveType.PLANNED_SICK: "Planned sick leave",
    LeaveType.CORONERS: "Coroners",
    LeaveType.NOT_WORKING: "Not working",
}


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): ``\\`` ``;`` ``,`` and newlines."""
    out = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return out.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str, limit: int = 75) -> str:
    """Fold one content line into CRLF-separated pieces of at most ``limit`` octets.

    Continuation pieces begin with a single space, which counts toward their
    limit. Pieces are cut on character boundaries so UTF-8 sequences stay whole.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            pieces.append("".join(current))
            current, size, budget = [], 0, limit - 1
        current.append(ch)
        size += n
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _fmt_date(d: date) -> str:
    return d.strftime("%Y%m%d")


def _fmt_stamp(ts: datetime) -> str:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def shift_uid(shift: Shift) -> str:
    """Stable UID: the workspace id, or (for an unsaved shift) clinician, date and type."""
    if shift.shift_id is not None:
        return f"shift-{shift.shift_id}@{UID_DOMAIN}"
    return f"shift-{shift.clinician_id}-{shift.date.isoformat()}-{shift.shift_type.value.lower()}@{UID_DOMAIN}"


def shift_summary(shift: Shift) -> str:
    name = _SHIFT_NAMES[shift.shift_type]
    return f"{name} (half day)" if shift.duration is Duration.HALF else name


def leave_summary(leave: Leave) -> str:
    name = _LEAVE_NAMES[leave.leave_type]
    return f"{name} (half day)" if leave.duration is Duration.HALF else name


def _event(uid: str, stamp: str, start: date, end_inclusive: date, summary: str, status: str,
           extra: Iterable[tuple[str, str]] = ()) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_fmt_date(start)}",
        f"DTEND;VALUE=DATE:{_fmt_date(end_inclusive + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"STATUS:{status}",
        "TRANSP:OPAQUE",
    ]
    lines += [f"{k}:{escape_text(v)}" for k, v in extra]
    lines.append("END:VEVENT")
    return lines


def render_calendar(
    calendar_name: str,
    shifts: Iterable[Shift],
    leave: Iterable[Leave] = (),
    *,
    dtstamp: datetime | None = None,
    description: str | None = None,
) -> str:
    """Render an iCalendar document; only APPROVED leave is included.

    ``dtstamp`` defaults to now (UTC); pass a fixed value for byte-identical output.
    """
    stamp = _fmt_stamp(dtstamp or datetime.now(timezone.utc))
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
    ]
    if description:
        lines.append(f"X-WR-CALDESC:{escape_text(description)}")
    for s in sorted(shifts, key=lambda s: (s.date, s.shift_type.value, s.shift_id or 0)):
        status = "CANCELLED" if s.status is ShiftStatus.CANCELLED else "CONFIRMED"
        extra = [("CATEGORIES", s.shift_type.value)]
        lines += _event(shift_uid(s), stamp, s.date, s.date, shift_summary(s), status, extra)
    for lv in sorted(leave, key=lambda x: (x.start_date, x.leave_id)):
        if lv.status is not LeaveStatus.APPROVED:
            continue
        lines += _event(f"leave-{lv.leave_id}@{UID_DOMAIN}", stamp, lv.start_date, lv.end_date,
                        leave_summary(lv), "CONFIRMED", [("CATEGORIES", lv.leave_type.value)])
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def clinician_calendar(
    snapshot: PracticeSnapshot,
    clinician_id: str,
    start: date | None = None,
    end: date | None = None,
    *,
    dtstamp: datetime | None = None,
) -> str:
    """The calendar of one clinician of ``snapshot``, optionally limited to ``[start, end]``.

    Leave overlapping the window is included whole. Raises ``ValueError`` for an
    unknown clinician or an inverted window.
    """
    if clinician_id not in snapshot.clinician_by_id:
        known = ", ".join(sorted(snapshot.clinician_by_id)) or "none"
        raise ValueError(f"clinician: {clinician_id!r} is not in the workspace; known: {known}")
    if start and end and end < start:
        raise ValueError(f"--end: {end} is before --start {start}; give an end on or after the start")
    lo = start or date.min
    hi = end or date.max
    clinician = snapshot.clinician(clinician_id)
    shifts = [s for s in snapshot.shifts_by_clinician.get(clinician_id, ()) if lo <= s.date <= hi]
    leave = [lv for lv in snapshot.leave_by_clinician.get(clinician_id, ())
             if lv.start_date <= hi and lv.end_date >= lo]
    name = f"{clinician.name} - {snapshot.settings.practice_name} rota"
    return render_calendar(name, shifts, leave, dtstamp=dtstamp)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def calendar_file_name(clinician_id: str) -> str:
    """``<id>.ics`` with every character outside ``A-Z a-z 0-9 . _ -`` replaced by ``_``."""
    stem = _UNSAFE.sub("_", clinician_id).lstrip(".") or "_"
    return f"{stem}.ics"


def write_calendars(snapshot: PracticeSnapshot, folder: str | Path, clinician_ids: Sequence[str] | None = None,
                    start: date | None = None, end: date | None = None) -> list[tuple[Path, int]]:
    """Write one calendar per clinician (all, or ``clinician_ids``) into ``folder``; return (file, events).

    Every id is checked before anything is written; two ids that would give the
    same file name get ``-2``, ``-3`` ... in id order, so no calendar overwrites another.
    """
    from ..errors import cannot_write

    ids = list(dict.fromkeys(clinician_ids)) if clinician_ids else sorted(snapshot.clinician_by_id)
    calendars = [(cid, clinician_calendar(snapshot, cid, start, end)) for cid in ids]  # raises for a bad id first
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise cannot_write(folder / "x.ics", NotADirectoryError(20, "Not a directory"))
    from ..private import make_private_dir, write_private_bytes

    make_private_dir(folder)
    used: set[str] = set()
    written = []
    for cid, text in calendars:
        name = calendar_file_name(cid)
        n = 1
        while name.lower() in used:
            n += 1
            name = calendar_file_name(cid)[:-4] + f"-{n}.ics"
        used.add(name.lower())
        path = folder / name
        write_private_bytes(path, text.encode("utf-8"))  # calendars name people and their leave
        written.append((path, text.count("BEGIN:VEVENT")))
    return written
