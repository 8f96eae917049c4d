"""Phase 5: hand the ledger to the CP-SAT optimiser (``rotacc_lab.generation.optimisation``).

The optimiser is written separately; when it cannot be imported this phase is
skipped with a visible message. An infeasible model fails the run:
:class:`OptimisationInfeasible` carries the solver's explanation and nothing is
written.
"""

from __future__ import annotations

from datetime import date

from ...domain import PracticeSnapshot
from ...errors import RotaccError
from ..ledger import RotaLedger
from .common import PhaseParams, PhaseResult, aligned_period

PHASE = 5
UNAVAILABLE = "phase 5 (CP-SAT optimisation) is not available: skipped"


class OptimisationInfeasible(RotaccError):
    """The optimiser proved the hard constraints cannot all hold."""


def phase5(snapshot: PracticeSnapshot, ledger: RotaLedger, start: date, end: date, params: PhaseParams) -> PhaseResult:
    """Run the optimiser on the current ledger and apply its creates/deletes."""
    result = PhaseResult(PHASE)
    try:
        from ..optimisation import optimise
    except ImportError:
        result.messages.append(UNAVAILABLE)
        result.details["skipped"] = True
        return result
    period_start = params.period_start
    if period_start is None:
        period_start = aligned_period(start, end, None)[0]
    out = optimise(
        snapshot,
        start,
        end,
        ledger.shifts,
        settings=params.optimiser,
        period_start=period_start,
        progress=params.progress,
        stop=params.stop,
    )
    result.details["report"] = out.report
    result.messages.extend(f"phase 5: {w}" for w in out.warnings)
    if not out.feasible:
        explanation = getattr(out.report, "explanation", None) or getattr(out.report, "messages", None) or []
        lines = "\n".join(f"  - {x}" for x in explanation) or "  (no explanation given)"
        status = getattr(out.report, "status", "?")
        if status == "INFEASIBLE":
            why = "the optimiser found no feasible rota"
        else:
            why = "the optimiser found no rota within its time limit (raise --time-limit)"
        raise OptimisationInfeasible(
            f"phase 5: {why} for {start}..{end} (status {status}); nothing was written:\n{lines}"
        )
    tag = f"phase{PHASE}"
    for key in sorted(out.delete):
        if ledger.has(*key):
            ledger.remove(key, tag)
    for shift in sorted(out.create, key=lambda s: (s.date, s.clinician_id)):
        if not ledger.has(shift.clinician_id, shift.date):
            ledger.add(shift, tag)
    return result
