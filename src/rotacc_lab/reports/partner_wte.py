"""Report 5, ``partner-wte``: each partner's target, worked, scheduled and deficiency.

Every figure comes from ``rotacc_lab.calculations.status_frame`` (helper C's
calculators), so the report can never disagree with them: ``target`` is
``calculations.target_shifts(snapshot, clinician_id, start, end)``, ``worked``
the completed shifts, ``scheduled`` the future scheduled shifts as of ``as_of``
and ``status`` the deficiency status ("on_track", "under", "over").

Columns
    clinician_id, name, target, worked, scheduled, deficiency,
    deficiency_including_scheduled, status
    (numbers are Decimal with 2 dp, as the calculators return them)

Rows: clinicians with a PARTNER term overlapping the range.
Option ``as_of`` (default: ``end``) is the day the question is asked, which
splits past (completed) from future (scheduled) shifts.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot, TermType
from ._frames import check_range, clinician_names, mean_wte

COLUMNS = [
    "clinician_id",
    "name",
    "target",
    "worked",
    "scheduled",
    "deficiency",
    "deficiency_including_scheduled",
    "status",
]


def partner_ids(snapshot: PracticeSnapshot, start: date, end: date) -> list[str]:
    """Ids of clinicians with a PARTNER term covering a working day in range, sorted."""
    return sorted(mean_wte(snapshot, start, end, [TermType.PARTNER.value])["clinician_id"].to_list())


def report_partner_wte(snapshot: PracticeSnapshot, start: date, end: date, as_of: date | None = None) -> pl.DataFrame:
    """Target, worked, scheduled and deficiency per partner for the period ``[start, end]``."""
    from ..calculations import status_frame  # helper C's calculators

    start, end = check_range(start, end)
    ids = partner_ids(snapshot, start, end)
    frame = status_frame(snapshot, start, as_of or end, clinician_ids=ids) if ids else None
    if frame is None or frame.height == 0:
        return pl.DataFrame(schema={c: (pl.String if c in ("clinician_id", "name", "status") else pl.Float64) for c in COLUMNS})
    return (
        frame.join(clinician_names(snapshot).select("clinician_id", "name"), on="clinician_id", how="left")
        .select(COLUMNS)
        .sort("clinician_id")
    )
