"""Reports 6 and 7, ``partner-wte-availability`` (table) and ``partner-wte-availability-chart``.

The frame is exactly ``rotacc_lab.generation.optimisation.availability_frame``
(``generation/optimisation/encoding.py``), the quantity the optimiser's S11
term minimises, so the report and the optimiser agree by construction.

Columns (owned by the optimiser): clinician_id, name, percentage,
available_weeks (weeks without approved annual leave), wte_weeks (Σ percentage
over available weeks), target (calculations.target_shifts), group_rate
(100 × Σ target / Σ wte_weeks, fixed from targets), fair_share
(group_rate × wte_weeks / 100, in tenths), actual (worked shifts plus the
bank-holiday credit), fair_difference (actual − fair_share).

The scalar summary (Σ |fair difference| and the method) is not a row of the
frame: ``availability_summary(frame)`` returns it, and the CLI/HTML show it
under the table as notes. Keeping the frame identical to
``availability_frame`` makes "report equals optimiser" a one-line check.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ..domain import PracticeSnapshot
from ._frames import check_range

METHOD = (
    "fair share = WTE-weeks × group rate, where the group rate is fixed from the partners' WTE "
    "target shifts (not their actual shifts) divided by the group's total WTE-weeks; "
    "available weeks exclude weeks with approved annual leave; fair difference = actual − fair share; "
    "the optimiser's S11 term minimises Σ |fair difference| (see generation.optimisation.availability_frame)"
)


def report_partner_wte_availability(snapshot: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """``availability_frame(snapshot, start, end)`` unchanged (columns in the module docstring)."""
    from ..generation.optimisation.encoding import availability_frame  # the optimiser's own S11 quantities

    start, end = check_range(start, end)
    return availability_frame(snapshot, start, end)


def availability_summary(frame: pl.DataFrame) -> dict[str, object]:
    """Σ |fair difference| over the partners and the method, for notes under the table."""
    total = frame["fair_difference"].cast(pl.Float64).abs().sum() if frame.height else 0.0
    return {"sum_abs_fair_difference": round(float(total), 2), "method": METHOD}
