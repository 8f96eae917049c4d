"""Rota generation: the six-phase pipeline (see docs/generation.md).

``plan`` is pure (snapshot in, changes out); ``generate`` writes a plan to a
workspace under the run lock in one transaction; ``rebalance`` regenerates a
future range outside the fixed period and reports before/after.
"""

from .ledger import RotaLedger
from .pipeline import ALL_PHASES, GenerationInterrupted, PhaseProgress, Plan, RunSummary, generate, plan
from .rebalance import FixedPeriodError, RebalanceResult, rebalance

__all__ = [
    "ALL_PHASES",
    "FixedPeriodError",
    "GenerationInterrupted",
    "PhaseProgress",
    "Plan",
    "RebalanceResult",
    "RotaLedger",
    "RunSummary",
    "generate",
    "plan",
    "rebalance",
]
