"""A tiny valid care-home provider folder, and helpers to write broken variants of it."""

from __future__ import annotations

from pathlib import Path

from _dept_helpers import write_folder

ROOT = Path(__file__).resolve().parents[1]
DEMO_PROVIDER = ROOT / "data" / "demo-provider"

TINY: dict[str, str] = {
    "provider.toml": """\
[provider]
name = "Tiny Care"
uk_nation = "scotland"

[horizon]
start = 2026-12-21
days = 14
""",
    "homes.csv": "home_id,name\nA,Alpha House\nB,Beta House\n",
    "units.csv": "unit_id,home_id,name,beds\nA1,A,Alpha One,20\nB1,B,Beta One,12\n",
    "roles.csv": "role,name,seniority,hourly_rate\nSNR,Senior carer,1,18.00\nCW,Care worker,2,14.00\n",
    "shift_types.csv": """\
shift_type,name,start,end,clinical,roles
day,Day,08:00,20:00,true,
lead,Lead day,10:00,22:00,true,SNR
night,Night,20:00,08:00,true,
""",
    "staff.csv": """\
staff_id,name,role,home_id,unit_id,employment,contract_hours,floats
S1,Sam,SNR,A,A1,PERMANENT,37.5,false
S2,Ali,CW,A,A1,PERMANENT,30,true
S3,Kim,CW,B,,BANK,0,true
""",
}


def write_provider(path: Path, **files: str | None) -> Path:
    """Write the tiny provider into ``path``, with files replaced or dropped (``staff_csv=...``)."""
    return write_folder(path, TINY, files)
