"""Phase 5 decoding: solver values back into ledger changes.

* ``assign = 1`` and no shift at the key: create a STANDARD FULL SCHEDULED shift (origin "phase5").
* ``assign = 0`` and the key holds a shift the solver owns (unpinned partner STANDARD
  SCHEDULED, or a pin the encoding downgraded because pins exceeded a weekly maximum): delete it.
* Everything else -- kept pins (``assign = 1`` by H4), DUTY, completed, non-partner shifts -- is never touched.
"""

from __future__ import annotations

from datetime import date
from typing import Mapping

from ...domain import Duration, Shift, ShiftStatus, ShiftType
from .encoding import Encoding

__all__ = ["decode"]


def decode(enc: Encoding, values: Mapping[tuple[str, date], int]) -> tuple[list[Shift], list[tuple[str, date]]]:
    """``(create, delete)`` for the solution ``values`` (one 0/1 per encoding cell)."""
    create: list[Shift] = []
    delete: list[tuple[str, date]] = []
    for key in sorted(enc.cells):
        cell = enc.cells[key]
        v = int(values[key])
        if v == 1 and cell.existing is None:
            create.append(
                Shift(
                    shift_id=None,
                    clinician_id=cell.clinician_id,
                    date=cell.day,
                    shift_type=ShiftType.STANDARD,
                    duration=Duration.FULL,
                    status=ShiftStatus.SCHEDULED,
                    is_pinned=False,
                    origin="phase5",
                )
            )
        elif v == 0 and cell.variable_backed:
            delete.append(key)
        elif v == 1 and cell.existing is not None and not cell.variable_backed and not cell.pinned:  # pragma: no cover
            raise AssertionError(f"solver assigned an occupied day {key}")
    return create, delete
