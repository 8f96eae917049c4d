"""Which cells each hard rule decides, as pure predicates on a cell's facts (no solver).

A :class:`~.encoding.Cell` records the facts of one (partner, working date): the ledger's
shift there, whether the solver owns that shift, the pin state, leave or sickness, and
whether the weekday is a cannot-work day. Each predicate below is one rule's decision:

* :func:`h1_other_shift` -- H1: the day already holds another shift of the partner
  (completed, cancelled on record, study leave, coroners ...): no STANDARD shift;
* :func:`h2_away` -- H2: approved leave of any type, or sick leave: no STANDARD shift;
* :func:`h3_cannot_work` -- H3: the weekday is one of the term's cannot-work days;
* :func:`h4_pinned` -- H4: a pinned STANDARD shift the optimiser keeps: ``assign = 1``;
* :func:`h4b_duty` -- H4b: a DUTY shift holds the day: no STANDARD shift.

A cell may meet several rules (a DUTY shift on a leave day); each rule's constraint
function in ``constraints.py`` forbids (or forces) exactly the cells its predicate
selects. ``Cell.blocked`` names the first of them in :data:`DISPLAY_ORDER`, for
explanations and the starting heuristics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ...domain import ShiftStatus, ShiftType

if TYPE_CHECKING:  # pragma: no cover
    from .encoding import Cell

__all__ = ["PIN_KEPT", "PIN_EXCLUDED", "PIN_DOWNGRADED", "h1_other_shift", "h2_away", "h3_cannot_work",
           "h4_pinned", "h4b_duty", "BLOCKING_RULES", "DISPLAY_ORDER", "first_block", "hard_violations"]

#: pin states of a pinned partner STANDARD shift (``Cell.pin``)
PIN_KEPT = "kept"  # H4 keeps it: assign = 1
PIN_EXCLUDED = "excluded"  # on leave, sick or a cannot-work day: left in the ledger, not counted, cell blocked
PIN_DOWNGRADED = "downgraded"  # pins exceeded the weekly maximum: an ordinary shift the solver may remove


def h1_other_shift(cell: "Cell") -> str | None:
    """H1 (one shift per day): the reason when another shift of the partner, which the solver
    neither owns nor keeps as a pin, holds the day; ``None`` otherwise. DUTY is H4b's."""
    s = cell.existing
    if s is None or cell.variable_backed or cell.pin is not None:
        return None  # free, the solver's own shift, or a pin (H4 keeps it; an excluded pin is H2/H3's)
    if s.status is ShiftStatus.CANCELLED:
        return "cancelled shift on record"
    if s.shift_type is ShiftType.DUTY:
        return None
    if s.shift_type is not ShiftType.STANDARD:
        return f"{s.shift_type.value.replace('_', ' ').lower()} shift"
    if s.status is ShiftStatus.COMPLETED:
        return "completed shift"
    return None  # pragma: no cover - an unpinned STANDARD SCHEDULED shift is variable-backed


def h2_away(cell: "Cell") -> str | None:
    """H2 (no work on leave): the leave type (``annual leave``, ``sick leave`` ...) when the partner is away."""
    return cell.away


def h3_cannot_work(cell: "Cell") -> str | None:
    """H3 (cannot-work days): ``cannot work Fri`` when the weekday is one of the term's cannot-work days."""
    return f"cannot work {cell.weekday.label}" if cell.cannot_work else None


def h4_pinned(cell: "Cell") -> bool:
    """H4 (pinned shifts preserved): the cell holds a pin the optimiser keeps, so ``assign = 1``."""
    return cell.pin == PIN_KEPT


def h4b_duty(cell: "Cell") -> str | None:
    """H4b (DUTY blocks STANDARD): ``DUTY shift`` when a (not cancelled) DUTY shift holds the day."""
    s = cell.existing
    if s is not None and s.shift_type is ShiftType.DUTY and s.status is not ShiftStatus.CANCELLED:
        return "DUTY shift"
    return None


#: the rules that force ``assign = 0``, by id
BLOCKING_RULES: dict[str, Callable[["Cell"], str | None]] = {
    "H1": h1_other_shift,
    "H2": h2_away,
    "H3": h3_cannot_work,
    "H4b": h4b_duty,
}
#: the order in which a cell's blocking rules are named (a shift on the day before leave, leave before weekday)
DISPLAY_ORDER = ("H4b", "H1", "H2", "H3")


def first_block(cell: "Cell") -> tuple[str | None, str]:
    """``(rule, reason)`` of the first blocking rule in :data:`DISPLAY_ORDER`, or ``(None, "")``."""
    for rule in DISPLAY_ORDER:
        why = BLOCKING_RULES[rule](cell)
        if why:
            return rule, why
    return None, ""


def hard_violations(enc, x) -> list[str]:
    """The hard rules an assignment ``x[(clinician_id, day)] in {0, 1}`` breaks, in words (empty: none).

    Checks what the rules above decide per cell (H1-H3, H4b forced 0; H4 forced 1) and the
    counting rules H7 (floor staffing), H8 (weekly maximum) and H9 (weekly minimum, where it
    applies), exactly as ``constraints.py`` states them. Used to vet starting rotas without a solver.
    """
    from .encoding import floor_staffing

    out: list[str] = []
    for key, cell in enc.cells.items():
        v = int(x.get(key, 0))
        if cell.blocked is not None and v:
            out.append(f"{cell.blocked}: {key[0]} on {key[1]} ({cell.reason})")
        elif cell.pinned and not v:
            out.append(f"H4: the pin of {key[0]} on {key[1]} is not kept")
    for d in enc.dates:
        n = enc.fixed_cover[d] + sum(int(x.get((c, d), 0)) for c in enc.partners if (c, d) in enc.cells)
        if n < floor_staffing(enc.min_doctors[d]):
            out.append(f"H7: {d} has {n} doctors, below the floor of {floor_staffing(enc.min_doctors[d])}")
    for (cid, monday), wk in enc.weeks.items():
        q = sum(int(x.get((cid, d), 0)) for d in wk.dates)
        if wk.maximum is not None and q > max(0, wk.maximum - wk.fixed_count):
            out.append(f"H8: {cid} works {q + wk.fixed_count} shifts in the week of {monday}, above {wk.maximum}")
        if wk.minimum:
            need = wk.minimum - wk.fixed_count
            open_days = sum(1 for d in wk.dates if enc.cells[(cid, d)].blocked is None)
            if 0 < need <= open_days and q < need:
                out.append(f"H9: {cid} works {q + wk.fixed_count} shifts in the week of {monday}, below {wk.minimum}")
    return out
