"""Alerts computed from a finished plan, stored with ``tx.add_alerts``.

Kinds (dict keys ``kind, date, clinician_id, message, severity``):

* ``below_floor`` (critical): a working day with fewer doctors than
  ``ceil(0.66 x minimum)``, the optimiser's hard floor;
* ``below_minimum`` (warning): fewer doctors than the minimum but at or above the floor;
* ``missing_duty`` (warning): fewer DUTY shifts than required (only checked when phase 6 ran);
* ``far_from_target`` (warning): a partner whose phase 3 deficiency over the
  reporting period (aligned to full weeks) is beyond ``threshold`` shifts
  either way.
"""

from __future__ import annotations

from ..staffing import staffing_floor

from datetime import date
from decimal import Decimal

from ..domain import PracticeSnapshot, TermType
from .ledger import RotaLedger
from .phases.common import Availability, aligned_period, generation_days
from .phases.phase3 import clinician_balances
from .phases.phase6 import duty_requirement

#: |deficiency| above this many shifts raises ``far_from_target``
DEFAULT_THRESHOLD = Decimal(2)


def floor_of(minimum: int) -> int:
    """The 66 % staffing floor, rounded up (:func:`rotacc_lab.staffing.staffing_floor`)."""
    return staffing_floor(minimum)


def compute_alerts(
    snapshot: PracticeSnapshot,
    ledger: RotaLedger,
    start: date,
    end: date,
    *,
    period_start: date | None = None,
    check_duty: bool = True,
    threshold: Decimal | float = DEFAULT_THRESHOLD,
) -> list[dict]:
    """Alerts for the state of ``ledger`` over ``[start, end]``, sorted by (date, kind, clinician)."""
    out: list[dict] = []
    for d in generation_days(snapshot, start, end):
        need = snapshot.settings.min_doctors_for(d)
        have = ledger.day_count(d)
        if have < floor_of(need):
            out.append(_alert("below_floor", d, None, f"{d}: {have} doctor(s), below the 66 % floor "
                               f"({floor_of(need)}) of the minimum {need}", "critical"))
        elif have < need:
            out.append(_alert("below_minimum", d, None, f"{d}: {have} doctor(s), minimum {need}", "warning"))
    if check_duty:
        for d, req in duty_requirement(snapshot, start, end).items():
            have = ledger.duty_count(d)
            if have < req:
                out.append(_alert("missing_duty", d, None, f"{d}: {have} of {req} duty doctor(s)", "warning"))
    lo, hi = aligned_period(start, end, period_start)
    partners = sorted(
        {t.clinician_id for t in snapshot.terms if t.term_type is TermType.PARTNER and t.overlaps(start, end)}
    )
    avail = Availability(snapshot, lo, hi)
    limit = float(threshold)
    for cid, (target, total) in clinician_balances(snapshot, ledger, lo, hi, avail, partners).items():
        deficiency = target - total
        if abs(deficiency) > limit:
            side = "under" if deficiency > 0 else "over"
            out.append(
                _alert(
                    "far_from_target",
                    None,
                    cid,
                    f"{cid}: {abs(deficiency):.1f} shift(s) {side} target after leave over {lo}..{hi}, "
                    f"scheduled shifts included (the measure rebalance uses: gross target {target:.1f}, "
                    f"before the leave entitlement is deducted, against counted {total:.1f} = shifts + "
                    "bank holidays + leave taken). "
                    "Partner WTE's deficiency differs: it uses the target after the leave entitlement "
                    "and counts worked shifts up to its as-of date only",
                    "warning",
                )
            )
    out.sort(key=lambda a: (a["date"] or date.min, a["kind"], a["clinician_id"] or ""))
    return out


def _alert(kind: str, day: date | None, cid: str | None, message: str, severity: str) -> dict:
    return {"kind": kind, "date": day, "clinician_id": cid, "message": message, "severity": severity}


def merge_alerts(*groups: list[dict]) -> list[dict]:
    """Concatenate alert lists, keeping the first alert per (kind, date, clinician)."""
    seen: set[tuple] = set()
    out: list[dict] = []
    for group in groups:
        for a in group:
            key = (a["kind"], a["date"], a["clinician_id"])
            if key not in seen:
                seen.add(key)
                out.append(a)
    return out
