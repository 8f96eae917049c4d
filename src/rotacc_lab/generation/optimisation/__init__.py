"""Phase 5: optimisation of partner STANDARD shifts (min-cost flow, local search, LP and CP-SAT).

``optimise(snapshot, start, end, current_shifts, ...)`` -> :class:`Phase5Result`.
Model description: ``docs/model.md``.
"""

from .encoding import availability_frame, build_encoding
from .report import ProgressEvent, SolveReport
from .solve import OptimiserInputError, Phase5Result, optimise

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


def __getattr__(name: str):
    """``HARD_CONSTRAINTS`` and ``SOFT_TERMS`` build CP-SAT models, so ortools is imported only when they are used."""
    if name == "HARD_CONSTRAINTS":
        from .constraints import HARD_CONSTRAINTS

        return HARD_CONSTRAINTS
    if name == "SOFT_TERMS":
        from .objectives import SOFT_TERMS

        return SOFT_TERMS
    raise AttributeError(name)
