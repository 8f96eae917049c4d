"""The one set of test builders for practice data: clinicians, terms, shifts, leave, snapshots.

Every helper module of the tests (``_calc_helpers``, ``_gen_helpers``,
``_opt_helpers`` and the rest) keeps the short signatures its tests read well
with, but builds its objects here, so a change to a domain type is made in one
place. Defaults are the plain ones: a clinician named ``Dr <id>`` without an
e-mail, a term id ``<id>-T``, a full scheduled standard shift, approved full-day
annual leave.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    TermType,
    WorkingTerm,
)

#: the term type each kind of clinician is given by :func:`person`
TERM_OF = {
    ClinicianType.PARTNER: TermType.PARTNER,
    ClinicianType.SALARIED: TermType.SALARIED,
    ClinicianType.LOCUM: TermType.LOCUM,
}


def clinician(cid: str, kind: ClinicianType = ClinicianType.PARTNER, *, email: str | None = None) -> Clinician:
    return Clinician(cid, f"Dr {cid}", email, kind)


def term(cid: str, term_type: TermType = TermType.PARTNER, *, tid: str | None = None, start: date = date(2025, 1, 1),
         end: date | None = None, pct: int = 100, **fields) -> WorkingTerm:
    """A working term; ``fields`` are WorkingTerm's keyword fields (days as any iterable)."""
    for name in ("fixed_working_days", "week_a_days", "week_b_days", "must_work_days", "cannot_work_days"):
        if name in fields:
            fields[name] = tuple(fields[name])
    return WorkingTerm(tid or f"{cid}-T", cid, term_type, start, end, pct, **fields)


def person(cid: str, kind: ClinicianType = ClinicianType.PARTNER, term_type: TermType | None = None,
           **term_fields) -> tuple[Clinician, WorkingTerm]:
    """A clinician with one term (of the kind's usual type unless ``term_type`` is given)."""
    return clinician(cid, kind), term(cid, term_type or TERM_OF[kind], **term_fields)


def shift(cid: str, day: date, *, sid: int | None = None, kind: ShiftType = ShiftType.STANDARD,
          duration: Duration = Duration.FULL, status: ShiftStatus = ShiftStatus.SCHEDULED, pinned: bool = False,
          origin: str = "import") -> Shift:
    return Shift(sid, cid, day, kind, duration, status, pinned, origin)


def leave(lid: str, cid: str, start: date, end: date | None = None, *, kind: LeaveType = LeaveType.ANNUAL_LEAVE,
          status: LeaveStatus = LeaveStatus.APPROVED, duration: Duration = Duration.FULL) -> Leave:
    return Leave(lid, cid, kind, start, end or start, status, duration)


def snapshot(people: Iterable[tuple[Clinician, WorkingTerm]] = (), *, clinicians: Iterable[Clinician] = (),
             terms: Iterable[WorkingTerm] = (), settings: Settings | None = None, **tables) -> PracticeSnapshot:
    """A practice snapshot from ``people`` (clinician, term) pairs and/or separate clinicians and terms;
    ``tables`` are PracticeSnapshot's other fields (shifts, leave, sick_leave, ...), any iterable."""
    people = list(people)
    return PracticeSnapshot(
        settings=settings or Settings(),
        clinicians=tuple(c for c, _ in people) + tuple(clinicians),
        terms=tuple(t for _, t in people) + tuple(terms),
        **{name: value if isinstance(value, int) else tuple(value) for name, value in tables.items()},
    )
