"""Report 3, ``remaining-leave``: annual leave entitlement, use and balance per clinician.

Every figure comes from ``rotacc_lab.calculations.status_frame`` (its leave
columns are ``calculations.remaining_leave(snapshot, id, end.year)``), renamed
without the ``leave_`` prefix. The leave year is the calendar year of ``end``.

    unit                          "weeks" (partners) or "days" (salaried)   <- leave_unit
    entitlement                   the term's annual entitlement             <- leave_entitlement
    adjustments                   Σ leave adjustments of the term           <- leave_adjustments
    used                          approved annual leave taken               <- leave_used
    pending                       pending annual leave requested            <- leave_pending
    remaining                     entitlement + adjustments − used          <- leave_remaining
    remaining_including_pending   remaining − pending                       <- leave_remaining_including_pending

Rows: clinicians with a partner or salaried term covering a working day in
range. Only ANNUAL_LEAVE counts against the quota (as in the calculator).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot, TermType
from ._frames import check_range, mean_wte

RENAMES = {
    "leave_unit": "unit",
    "leave_entitlement": "entitlement",
    "leave_adjustments": "adjustments",
    "leave_used": "used",
    "leave_pending": "pending",
    "leave_remaining": "remaining",
    "leave_remaining_including_pending": "remaining_including_pending",
}

COLUMNS = ["clinician_id", "name", *RENAMES.values()]

_LEAVE_TERMS = [TermType.PARTNER.value, TermType.SALARIED.value, TermType.ALTERNATE_WEEKS.value]


def report_remaining_leave(snapshot: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Leave entitlement, adjustments, used, pending and remaining per clinician for ``end``'s year."""
    from ..calculations import status_frame  # the leave calculator owns every formula used here

    start, end = check_range(start, end)
    ids = sorted(mean_wte(snapshot, start, end, _LEAVE_TERMS)["clinician_id"].to_list())
    frame = status_frame(snapshot, start, end, clinician_ids=ids, period_end=end)
    return frame.rename(RENAMES).select(COLUMNS).sort("clinician_id")
