"""A small hand-built practice for the report tests, with every expected figure worked out by hand.

Range: Mon 2026-03-02 .. Fri 2026-03-13 (two weeks, no bank holiday). Default
minimums (Mon 5, Tue-Fri 4). Shifts per day (D = DUTY, S = STANDARD, ½ = half day):

    Mon 02: P1 D, P2 S, P3 S, S1 S               -> 4.0  (min 5, floor 4)  below_minimum
    Tue 03: P2 D, P1 S                           -> 2.0  (min 4, floor 3)  below_66
    Wed 04: P3 D½, S1 S, P1 S, P2 S              -> 3.5                    below_minimum
    Thu 05: P1 S, P2 S, P3 S, L1 S               -> 4.0                    ok
    Fri 06: S1 D, P1 S, P3 S, L1 S (P2 D cancelled) -> 4.0                 ok
    Mon 09: P1 D, P3 S½ (P2 STUDY_LEAVE)         -> 1.5                    below_66
    Tue 10: P3 D, P1 S, P2 S, L1 D               -> 4.0                    ok
    Wed 11: P3 D, S1 S, P1 S (P2 CORONERS)       -> 3.0                    below_minimum
    Thu 12: P2 S, P3 S, L1 S   (P1 annual leave) -> 3.0                    below_minimum
    Fri 13: S1 S, P2 S, P3 S   (P1 leave, L1 sick) -> 3.0                  below_minimum

P3 changes from 80 % to 40 % on Mon 09, so its mean WTE over the range is 0.6.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
    SickLeave,
    TermType,
    Weekday,
    WorkingTerm,
)

START = date(2026, 3, 2)
END = date(2026, 3, 13)

D, S, SL, CO = ShiftType.DUTY, ShiftType.STANDARD, ShiftType.STUDY_LEAVE, ShiftType.CORONERS
HALF = Duration.HALF


def _d(day: int) -> date:
    return date(2026, 3, day)


def tiny_snapshot() -> PracticeSnapshot:
    """The two-week practice described in the module docstring."""
    clinicians = (
        Clinician("P1", "Dr Ash", None, ClinicianType.PARTNER),
        Clinician("P2", "Dr Birch", None, ClinicianType.PARTNER),
        Clinician("P3", "Dr Cedar", None, ClinicianType.PARTNER),
        Clinician("S1", "Dr Elm", None, ClinicianType.SALARIED),
        Clinician("L1", "Dr Fir", None, ClinicianType.LOCUM),
    )
    mwf = (Weekday.MON, Weekday.WED, Weekday.FRI)
    terms = (
        WorkingTerm("t1", "P1", TermType.PARTNER, date(2026, 1, 1), None, 100, annual_leave_entitlement=Decimal(6)),
        WorkingTerm("t2", "P2", TermType.PARTNER, date(2026, 1, 1), None, 50),
        WorkingTerm("t3a", "P3", TermType.PARTNER, date(2026, 1, 1), date(2026, 3, 8), 80),
        WorkingTerm("t3b", "P3", TermType.PARTNER, date(2026, 3, 9), None, 40),
        WorkingTerm(
            "t4", "S1", TermType.SALARIED, date(2026, 1, 1), None, 60,
            fixed_working_days=mwf, annual_leave_entitlement=Decimal(25),
        ),
        WorkingTerm("t5", "L1", TermType.LOCUM, date(2026, 3, 1), date(2026, 3, 31), 100),
    )
    plan = [
        (2, "P1", D), (2, "P2", S), (2, "P3", S), (2, "S1", S),
        (3, "P2", D), (3, "P1", S),
        (4, "P3", D, HALF), (4, "S1", S), (4, "P1", S), (4, "P2", S),
        (5, "P1", S), (5, "P2", S), (5, "P3", S), (5, "L1", S),
        (6, "S1", D), (6, "P1", S), (6, "P3", S), (6, "L1", S),
        (9, "P1", D), (9, "P3", S, HALF), (9, "P2", SL),
        (10, "P3", D), (10, "P1", S), (10, "P2", S), (10, "L1", D),
        (11, "P3", D), (11, "S1", S), (11, "P1", S), (11, "P2", CO),
        (12, "P2", S), (12, "P3", S), (12, "L1", S),
        (13, "S1", S), (13, "P2", S), (13, "P3", S),
    ]
    shifts = [
        Shift(i, cid, _d(day), kind, rest[0] if rest else Duration.FULL, ShiftStatus.SCHEDULED)
        for i, (day, cid, kind, *rest) in enumerate(plan, start=1)
    ]
    shifts.append(Shift(100, "P2", _d(6), D, status=ShiftStatus.CANCELLED))
    shifts.append(Shift(101, "P1", date(2026, 2, 27), D))  # outside the range
    leave = (
        Leave("l1", "P1", LeaveType.ANNUAL_LEAVE, _d(12), _d(13), LeaveStatus.APPROVED),
        Leave("l2", "P3", LeaveType.ANNUAL_LEAVE, _d(13), _d(13), LeaveStatus.PENDING),
        Leave("l3", "P2", LeaveType.ANNUAL_LEAVE, _d(5), _d(5), LeaveStatus.REJECTED),
    )
    sick = (SickLeave("k1", "L1", _d(13), None),)
    return PracticeSnapshot(Settings(), clinicians, terms, leave, sick, shifts=tuple(shifts))


def _csv_text(value: object) -> str:
    """A cell in the folder format of docs/data-format.md."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Weekday):
        return value.label
    if isinstance(value, (tuple, list)):
        return ";".join(_csv_text(v) for v in value)
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return value.value  # type: ignore[attr-defined]
    return str(value)


def write_workspace(snap: PracticeSnapshot, path: "Path") -> "Path":
    """A real workspace file at ``path`` holding ``snap``, made through the public folder import."""
    import csv
    import io
    from pathlib import Path

    from rotacc_lab.store.exporter import table_rows
    from rotacc_lab.store.importer import import_source
    from rotacc_lab.store.settings_io import render_toml
    from rotacc_lab.store.source import TABLES

    path = Path(path)
    folder = path.parent / f"{path.stem}-source"
    folder.mkdir()
    (folder / "settings.toml").write_text(render_toml(snap.settings), encoding="utf-8")
    for table, rows in table_rows(snap).items():
        required, optional = TABLES[table]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([*required, *optional])
        writer.writerows([[_csv_text(v) for v in row] for row in rows])
        (folder / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")
    import_source(path, folder, actor="test")
    return path
