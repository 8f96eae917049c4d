"""The generation phases, each ``phaseN(snapshot, ledger, start, end, params) -> PhaseResult``."""

from .common import PhaseParams, PhaseResult
from .phase1 import phase1
from .phase2 import phase2
from .phase3 import Decision, phase3
from .phase4 import phase4
from .phase5 import OptimisationInfeasible, phase5
from .phase6 import phase6

PHASES = {1: phase1, 2: phase2, 3: phase3, 4: phase4, 5: phase5, 6: phase6}

__all__ = [
    "PHASES",
    "Decision",
    "OptimisationInfeasible",
    "PhaseParams",
    "PhaseResult",
    "phase1",
    "phase2",
    "phase3",
    "phase4",
    "phase5",
    "phase6",
]
