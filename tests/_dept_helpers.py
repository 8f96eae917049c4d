"""A tiny valid department folder, and helpers to write broken variants of it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_DEPARTMENT = ROOT / "data" / "demo-department"

TINY: dict[str, str] = {
    "department.toml": """\
[department]
name = "Tiny Department"
uk_nation = "england"

[reference_period]
start = 2026-11-30
weeks = 2
""",
    "shift_types.csv": """\
shift_type,name,start,end,clinical
night,Night,22:00,08:30,true
day,Day,08:00,18:00,true
nc,Non-clinical,09:00,17:00,false
""",
    "doctors.csv": """\
doctor_id,name,email,group,percentage,shift_types,cannot_work_days
A,Dr A,a@example.org,HST,100,,
B,Dr B,,HST,50,,Mon;Tue
C,Dr C,c@example.org,FELLOW,100,day;nc,
""",
    "quotas.csv": """\
applies_to,shift_type,shifts,weekend_shifts
HST,night,4,1
HST,day,4,1
FELLOW,day,6,2
FELLOW,nc,1,0
B,nc,2,0
""",
    "demand.csv": """\
day,shift_type,minimum,ideal,group,group_minimum
Mon,night,1,1,HST,1
Tue,night,1,1,HST,1
Wed,night,1,1,HST,1
Thu,night,1,1,HST,1
Fri,night,1,1,HST,1
Sat,night,1,1,HST,1
Sun,night,1,1,HST,1
Mon,day,1,2,,
Tue,day,1,2,,
Wed,day,1,2,,
Thu,day,1,2,,
Fri,day,1,2,,
bank_holiday,day,0,1,,
2026-12-05,day,2,2,,
""",
}


def write_folder(path: Path, base: dict[str, str], files: dict[str, str | None]) -> Path:
    """Write ``base`` into ``path``; ``files`` keys are file names with the last ``.`` written as ``_``
    (``doctors_csv``) and replace a file, or with None drop it."""
    path.mkdir(parents=True, exist_ok=True)
    content = dict(base)
    for key, text in files.items():
        name = key[::-1].replace("_", ".", 1)[::-1]
        if text is None:
            content.pop(name, None)
        else:
            content[name] = text
    for name, text in content.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


def write_department(path: Path, **files: str | None) -> Path:
    """Write the tiny department into ``path``, with files replaced or dropped (see :func:`write_folder`)."""
    return write_folder(path, TINY, files)
