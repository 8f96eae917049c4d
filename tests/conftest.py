"""Shared fixtures: a tiny valid practice folder and a workspace imported from it.

``tiny_folder`` writes the folder format of docs/data-format.md into tmp_path;
``workspace`` imports it into ``tmp_path / "practice.duckdb"`` and returns the
opened :class:`rotacc_lab.store.Workspace`. Tests that need a broken variant can
call ``write_practice_folder(path, **{"leave.csv": "..."})`` to override files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_FILES: dict[str, str] = {
    "settings.toml": """\
[practice]
name = "Tiny Practice"
uk_nation = "england"

[staffing]
duty_doctors_per_day = 1
duty_doctors_post_bank_holiday = 1

[staffing.min_doctors]
mon = 2
tue = 2
wed = 2
thu = 2
fri = 2

[targets]
target_working_days_per_week = 3.5

[rota]
fixed_period_weeks = 6

[reporting_periods.Q1]
start = 2026-01-01
end = 2026-03-31

[optimiser]
time_limit_seconds = 10.0
num_workers = 1
seed = 7

[optimiser.weights]
S2 = 120
""",
    "clinicians.csv": """\
clinician_id,name,email,clinician_type
P01,Dr Ada Partner,ada@example.org,PARTNER
P02,Dr Ben Partner,ben@example.org,PARTNER
S01,Dr Cy Salaried,,SALARIED
S02,Dr Di Alternate,di@example.org,SALARIED
L01,Dr Ed Locum,,LOCUM
""",
    "working_terms.csv": """\
term_id,clinician_id,term_type,start_date,end_date,percentage,fixed_working_days,must_work_days,cannot_work_days,week_a_days,week_b_days,minimum_shifts_per_week,max_shifts_per_week,annual_leave_entitlement
T01,P01,PARTNER,2025-04-01,,100,,Mon,,,,3,5,6
T02,P02,PARTNER,2025-04-01,,80,,,Fri,,,2,4,6
T03,S01,SALARIED,2025-04-01,2026-06-30,60,Tue;Wed;Thu,,,,,,,16.5
T04,S02,ALTERNATE_WEEKS,2025-04-01,,50,,,,Mon;Tue;Wed,Thu;Fri,,,12.00
T05,L01,LOCUM,2026-01-01,2026-12-31,0,,,,,,,,
""",
    "leave.csv": """\
leave_id,clinician_id,leave_type,start_date,end_date,status,duration
LV1,P01,ANNUAL_LEAVE,2026-01-12,2026-01-16,APPROVED,FULL
LV2,P01,STUDY_LEAVE,2026-01-14,2026-01-14,REJECTED,HALF
LV3,P02,annual_leave,2026-02-02,2026-02-03,pending,
""",
    "sick_leave.csv": """\
sick_id,clinician_id,start_date,end_date
SK1,S01,2026-01-05,2026-01-07
SK2,P02,2026-03-02,
""",
    "locum_bookings.csv": """\
booking_id,clinician_id,dates
B1,L01,2026-01-08;2026-01-09
""",
    "shifts.csv": """\
shift_id,clinician_id,date,shift_type,duration,status,is_pinned,origin
1,P01,2026-01-05,DUTY,FULL,SCHEDULED,true,import
2,P02,2026-01-05,STANDARD,FULL,SCHEDULED,no,
3,S01,2026-01-06,STANDARD,HALF,COMPLETED,0,user:alice
4,S01,2026-01-06,STANDARD,FULL,CANCELLED,false,
,L01,2026-01-08,standard,,,,
""",
    "leave_adjustments.csv": """\
adjustment_id,term_id,amount,reason
A1,T03,-1.5,carried over
A2,T01,0.25,
""",
    "trainer_requirements.csv": """\
requirement_id,weekday,clinician_ids
R1,Monday,P01
R2,wed,P01;P02
""",
    "affinity_pairs.csv": """\
clinician_a,clinician_b
P01,P02
""",
}


def write_practice_folder(folder: Path, **overrides: str | None) -> Path:
    """Write the tiny practice into ``folder``; ``overrides`` maps file name -> text (None = omit file)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {**TINY_FILES, **overrides}
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    """A small valid practice folder (5 clinicians, every table non-empty)."""
    return write_practice_folder(tmp_path / "tiny")


@pytest.fixture(scope="session")
def _workspace_template(tmp_path_factory) -> Path:
    """The tiny practice imported once per session; ``workspace`` hands out copies (imports are slow-ish)."""
    from rotacc_lab.store import import_source

    d = tmp_path_factory.mktemp("workspace-template")
    path = d / "template.duckdb"
    import_source(path, write_practice_folder(d / "tiny"), actor="fixture")
    return path


@pytest.fixture
def workspace(tiny_folder: Path, tmp_path: Path, _workspace_template: Path):
    """A workspace file holding ``tiny_folder`` as imported by ``import_source(..., actor="fixture")``."""
    import shutil

    from rotacc_lab.store import Workspace

    path = tmp_path / "practice.duckdb"
    shutil.copyfile(_workspace_template, path)
    return Workspace.open(path)
