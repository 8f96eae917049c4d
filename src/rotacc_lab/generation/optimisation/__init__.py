"""Phase 5: CP-SAT WTE optimisation of partner STANDARD shifts.

``optimise(snapshot, start, end, current_shifts, ...)`` -> :class:`Phase5Result`.
Model description: ``docs/model.md``.
"""

from .constraints import HARD_CONSTRAINTS
from .encoding import availability_frame, build_encoding
from .objectives import SOFT_TERMS
from .solve import OptimiserInputError, Phase5Result, ProgressEvent, SolveReport, optimise

__all__ = [
    "optimise",
    "SolveReport",
    "Phase5Result",
    "ProgressEvent",
    "OptimiserInputError",
    "availability_frame",
    "build_encoding",
    "HARD_CONSTRAINTS",
    "SOFT_TERMS",
]
