"""The LP relaxation of the phase 5 model as a certified lower bound.

The model's linear constraints (every ``assign`` relaxed to ``[0, 1]``, every other variable to
the hull of its domain; the S8 element tables and enforced constraints left out, which only
loosens the relaxation) are solved with GLOP. A floating-point LP optimum is not a proof, so
the bound reported is recomputed from GLOP's dual values by weak duality, in exact integer
arithmetic:

    for any multipliers y:   c.x  =  y.(A x) + (c - A'y).x
                             >=  sum_i (y_i lo_i if y_i > 0 else y_i hi_i)
                               + sum_j (d_j l_j if d_j > 0 else d_j u_j),   d = c - A'y,

for every x within the variable bounds and ``lo <= A x <= hi``, hence for every rota. The
multipliers are rounded to multiples of 2^-20 first, so every product and sum is an exact
integer; a multiplier whose side of the row is unbounded is set to 0. The result is valid
whatever the LP solver's accuracy; GLOP's accuracy only decides how tight it is. Objective
values are integers, so the bound is rounded up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["LpBound", "lp_bound"]

_SCALE_BITS = 20
_INF = 2**62


@dataclass(frozen=True)
class LpBound:
    status: str  # "OPTIMAL" when GLOP solved the relaxation, else its status name
    bound: int | None  # certified lower bound of the objective (None when not solved)
    lp_value: float | None  # GLOP's floating-point optimum, for comparison
    wall_s: float


def lp_bound(model, seconds: float = 10.0) -> LpBound:
    """Solve the LP relaxation of ``model`` (a ``cp_model.CpModel``) within ``seconds``; certify its bound."""
    from ortools.linear_solver import pywraplp

    t0 = time.monotonic()
    proto = model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    lp.SetTimeLimit(max(1, int(1000 * seconds)))
    bounds = []
    xs = []
    for v in proto.variables:
        d = v.domain
        lo, hi = int(d[0]), int(d[len(d) - 1])
        bounds.append((lo, hi))
        xs.append(lp.NumVar(lo, hi, ""))
    rows = []  # (lo, hi, vars, coeffs, constraint)
    inf = lp.infinity()
    for c in proto.constraints:
        if not c.has_linear() or len(c.enforcement_literal):
            continue
        lin = c.linear
        d = lin.domain
        lo, hi = int(d[0]), int(d[len(d) - 1])
        refs, coeffs = list(lin.vars), list(lin.coeffs)
        if any(r < 0 for r in refs):
            continue  # negated references are not written by this model; leaving a row out stays valid
        ct = lp.Constraint(-inf if lo <= -_INF else lo, inf if hi >= _INF else hi)
        for r, a in zip(refs, coeffs):
            ct.SetCoefficient(xs[r], a)
        rows.append((lo, hi, refs, coeffs, ct))
    obj = proto.objective
    scaling = obj.scaling_factor or 1.0
    if scaling != 1.0:  # pragma: no cover - the model minimises an integer objective
        return LpBound("UNSUPPORTED", None, None, time.monotonic() - t0)
    costs = dict(zip(obj.vars, obj.coeffs))
    o = lp.Objective()
    for r, a in costs.items():
        o.SetCoefficient(xs[r], a)
    o.SetMinimization()
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return LpBound({pywraplp.Solver.FEASIBLE: "FEASIBLE", pywraplp.Solver.INFEASIBLE: "INFEASIBLE",
                        pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED"}.get(status, str(status)), None, None,
                       time.monotonic() - t0)
    value = o.Value() + float(obj.offset)
    scale = 1 << _SCALE_BITS
    d = [costs.get(j, 0) * scale for j in range(len(xs))]
    total = 0
    for lo, hi, refs, coeffs, ct in rows:
        y = round(ct.dual_value() * scale)
        if y > 0 and lo <= -_INF or y < 0 and hi >= _INF or y == 0:
            continue
        total += y * (lo if y > 0 else hi)
        for r, a in zip(refs, coeffs):
            d[r] -= a * y
    for j, dj in enumerate(d):
        lo, hi = bounds[j]
        total += dj * (lo if dj > 0 else hi)
    bound = -((-total) // scale) + int(obj.offset)  # ceil(total / scale) + offset
    return LpBound("OPTIMAL", bound, value, time.monotonic() - t0)
