"""The staffing floor: the fewest doctors a working day may have, ceil(66 % of its minimum).

One definition for the optimiser's hard rule H7, the generation alerts
(``below_floor``) and the staffing-overview report (``floor_66``), in exact
integer arithmetic (no float surprises at 0.66 x 50 = 33.0000001).
"""

from __future__ import annotations

from typing import Any

#: the floor as a percentage of the day's minimum (rotacc-rota-algorithm.md, H7)
FLOOR_PERCENT = 66


def staffing_floor(minimum: int) -> int:
    """``ceil(minimum x 66 / 100)``."""
    return (FLOOR_PERCENT * minimum + 99) // 100


def staffing_floor_expr(minimum: Any) -> Any:
    """:func:`staffing_floor` as a polars expression over a column of minimums."""
    return (minimum * FLOOR_PERCENT + 99) // 100
