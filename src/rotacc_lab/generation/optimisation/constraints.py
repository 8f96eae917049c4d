"""Phase 5 hard constraints H1..H9, one small function per rule.

Each function adds its rule to the model held by a :class:`ModelContext` and returns
the groups it added, as ``(rule, clinician_id or None, day-or-week or weekday)``
tuples. In *explain* mode every group is switched on by its own enforcement literal,
which the solver can then name in a sufficient set of assumptions when the rules
conflict (see ``explain.py``); in normal mode the rules are plain constraints.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Hashable

from ortools.sat.python import cp_model

from ...calendar import week_monday
from ...domain import Weekday
from .encoding import Cell, Encoding, floor_staffing
from .rules import h1_other_shift, h2_away, h3_cannot_work, h4_pinned, h4b_duty

__all__ = ["ModelContext", "Group", "HARD_CONSTRAINTS", "add_hard_constraints"]

Group = tuple[str, str | None, Hashable]


class ModelContext:
    """The CP-SAT model under construction plus the lookups every rule and term needs.

    ``x[(clinician_id, day)]`` is the decision variable of each encoding cell.
    ``work(cid, day)`` is what "clinician works a STANDARD/DUTY shift that day" means in
    the model: the variable for a cell, else 1 for a fixed shift, else 0.

    The shared sub-expressions the soft terms build once are explicit fields, filled on
    first use: ``count_vars`` (``shifts[c]`` per partner, with its range), ``day_counts``
    (``partners_on[d]`` per day) and ``equivalency`` (S1/S10's scaled counts).
    """

    def __init__(self, enc: Encoding, explain: bool = False):
        self.enc = enc
        self.model = cp_model.CpModel()
        self.explain = explain
        self.x: dict[tuple[str, date], cp_model.IntVar] = {
            key: self.model.new_bool_var(f"assign[{key[0]},{key[1]}]") for key in sorted(enc.cells)
        }
        self.group_literals: dict[Group, cp_model.IntVar] = {}
        self._by_day: dict[date, list[cp_model.IntVar]] = {}
        #: per day, the variables of unblocked cells (blocked ones are 0 in every solution)
        self.free_by_day: dict[date, list[cp_model.IntVar]] = {}
        for (cid, d), v in self.x.items():
            self._by_day.setdefault(d, []).append(v)
            if enc.cells[(cid, d)].blocked is None:
                self.free_by_day.setdefault(d, []).append(v)
        #: partner -> (shifts[c] expression, lowest, highest)
        self.count_vars: dict[str, tuple] = {}
        #: day -> (partners_on[d] expression, number of open cells)
        self.day_counts: dict[date, tuple] = {}
        #: partner -> (equivalency expression, lowest, highest); None until S1 or S10 builds it
        self.equivalency: dict[str, tuple] | None = None

    # -- enforcement --------------------------------------------------------------
    def enforce(self, ct: cp_model.Constraint, group: Group) -> None:
        """In explain mode, make ``ct`` conditional on the literal of ``group``."""
        if not self.explain:
            return
        lit = self.group_literals.get(group)
        if lit is None:
            lit = self.model.new_bool_var("enforce:" + "|".join(str(p) for p in group))
            self.group_literals[group] = lit
        ct.only_enforce_if(lit)

    def fix(self, key: tuple[str, date], value: int, group: Group) -> None:
        """``assign[key] = value``: a fixed domain in normal mode, an enforced constraint in explain mode."""
        var = self.x[key]
        if self.explain:
            self.enforce(self.model.add(var == value), group)
            return
        domain = self.model.proto.variables[var.index].domain
        last = len(domain) - 1  # the proto's repeated field takes no negative index
        if not domain[0] <= value <= domain[last]:
            # two rules disagree on the cell (the encoding's pin states prevent it): the model stays
            # infeasible, visibly, rather than one rule silently winning
            self.model.add(var == value)
            return
        domain[0] = value
        domain[last] = value

    # -- lookups ----------------------------------------------------------------------
    def work(self, cid: str, day: date):
        v = self.x.get((cid, day))
        if v is not None:
            return v
        return self.enc.fixed_work.get((cid, day), 0)

    def day_total(self, day: date):
        """Doctors present on ``day`` (fixed cover + partner variables)."""
        vs = self._by_day.get(day, [])
        return self.enc.fixed_cover.get(day, 0) + (cp_model.LinearExpr.sum(vs) if vs else 0)

    def free_vars(self, cid: str, pred: Callable[[date], bool] | None = None) -> list[cp_model.IntVar]:
        """Variables of the partner's unblocked cells (optionally only days matching ``pred``)."""
        return [
            self.x[(c.clinician_id, c.day)]
            for c in self.enc.free_cells(cid)
            if pred is None or pred(c.day)
        ]


# --------------------------------------------------------------------------- H1..H9


def _by_weekday(day: date) -> Weekday:
    return Weekday(day.weekday())


def _fix_cells(ctx: ModelContext, rule: str, decides: Callable[[Cell], object], value: int,
               grouping: Callable[[date], object] = week_monday) -> list[Group]:
    """Set ``assign = value`` on every cell for which ``decides(cell)`` is true.

    Each cell is grouped as ``(rule, clinician, grouping(day))`` so an infeasibility
    explanation can name the rule, the clinician and the week (or weekday).
    """
    added: set[Group] = set()
    for key, cell in ctx.enc.cells.items():
        if decides(cell):
            g = (rule, cell.clinician_id, grouping(cell.day))
            ctx.fix(key, value, g)
            added.add(g)
    return sorted(added, key=str)


def h1_one_shift_per_day(ctx: ModelContext) -> list[Group]:
    """H1: a clinician works at most one shift a day. Each ``assign`` is boolean; a day already
    holding another shift of the partner (completed, cancelled on record, study leave, coroners)
    gets no STANDARD shift (:func:`~.rules.h1_other_shift`)."""
    return _fix_cells(ctx, "H1", h1_other_shift, 0)


def h2_no_work_on_leave(ctx: ModelContext) -> list[Group]:
    """H2: no STANDARD shift on a day of approved leave of any type, or sick leave (:func:`~.rules.h2_away`)."""
    return _fix_cells(ctx, "H2", h2_away, 0)


def h3_no_work_on_cannot_work_days(ctx: ModelContext) -> list[Group]:
    """H3: no STANDARD shift on a weekday in the partner's cannot_work_days (:func:`~.rules.h3_cannot_work`)."""
    return _fix_cells(ctx, "H3", h3_cannot_work, 0, _by_weekday)


def h4_pinned_shifts_preserved(ctx: ModelContext) -> list[Group]:
    """H4: ``assign = 1`` on every pinned partner STANDARD shift the optimiser keeps
    (:func:`~.rules.h4_pinned`). Pins on leave or cannot-work days are excluded by the
    encoding (H2/H3 block those cells), and pins above a weekly maximum are downgraded."""
    return _fix_cells(ctx, "H4", h4_pinned, 1)


def h4b_duty_blocks_standard(ctx: ModelContext) -> list[Group]:
    """H4b: a day with a DUTY shift gets no STANDARD shift; the DUTY shift already covers it (:func:`~.rules.h4b_duty`)."""
    return _fix_cells(ctx, "H4b", h4b_duty, 0)


def h5_non_partner_shifts_fixed(ctx: ModelContext) -> list[Group]:
    """H5: salaried, locum and FY/ST shifts are not variables; they only add to ``fixed_cover``."""
    partners = set(ctx.enc.partners)
    return sorted({("H5", cid, d) for (cid, d) in ctx.enc.fixed_work if cid not in partners}, key=str)


def h6_bank_holidays_excluded(ctx: ModelContext) -> list[Group]:
    """H6: bank holidays are not working dates, so no variable exists for them."""
    assert not any(d in set(ctx.enc.bank_holidays) for _, d in ctx.x)
    return [("H6", None, d) for d in ctx.enc.bank_holidays]


def h7_floor_staffing(ctx: ModelContext) -> list[Group]:
    """H7: every working day has at least ``ceil(0.66 x minimum)`` doctors."""
    added: list[Group] = []
    for d in ctx.enc.dates:
        floor = floor_staffing(ctx.enc.min_doctors[d])
        if floor <= 0:
            continue
        g = ("H7", None, d)
        ctx.enforce(ctx.model.add(ctx.day_total(d) >= floor), g)
        added.append(g)
    return added


def h8_max_shifts_per_week(ctx: ModelContext) -> list[Group]:
    """H8: STANDARD + DUTY shifts in a partner's week (fixed included) <= max_shifts_per_week.

    When fixed shifts alone already exceed the maximum (after pins were downgraded), no
    variable may be 1 that week: the bound is clamped at 0 (the encoding warns)."""
    added: list[Group] = []
    for (cid, monday), wk in ctx.enc.weeks.items():
        if wk.maximum is None:
            continue
        vs = [ctx.x[(cid, d)] for d in wk.dates]
        room = max(0, wk.maximum - wk.fixed_count)
        if room >= len(vs):
            continue
        g = ("H8", cid, monday)
        ctx.enforce(ctx.model.add(cp_model.LinearExpr.sum(vs) <= room), g)
        added.append(g)
    return added


def assignable_days(enc: Encoding, cid: str, monday: date) -> int:
    """Cells of the partner's week that no rule blocks."""
    wk = enc.weeks[(cid, monday)]
    return sum(1 for d in wk.dates if enc.cells[(cid, d)].blocked is None)


def h9_min_shifts_per_week(ctx: ModelContext) -> list[Group]:
    """H9: STANDARD + DUTY shifts in a partner's week >= minimum_shifts_per_week, only in weeks
    where fixed shifts plus assignable days could reach the minimum at all."""
    added: list[Group] = []
    for (cid, monday), wk in ctx.enc.weeks.items():
        if not wk.minimum:
            continue
        need = wk.minimum - wk.fixed_count
        if need <= 0 or assignable_days(ctx.enc, cid, monday) < need:
            continue
        g = ("H9", cid, monday)
        ctx.enforce(ctx.model.add(cp_model.LinearExpr.sum([ctx.x[(cid, d)] for d in wk.dates]) >= need), g)
        added.append(g)
    return added


#: Every hard rule by id: (human name, function).
HARD_CONSTRAINTS: dict[str, tuple[str, Callable[[ModelContext], list[Group]]]] = {
    "H1": ("one shift per day", h1_one_shift_per_day),
    "H2": ("no work on approved leave", h2_no_work_on_leave),
    "H3": ("no work on cannot-work days", h3_no_work_on_cannot_work_days),
    "H4": ("pinned shifts preserved", h4_pinned_shifts_preserved),
    "H4b": ("DUTY blocks STANDARD", h4b_duty_blocks_standard),
    "H5": ("non-partner shifts fixed", h5_non_partner_shifts_fixed),
    "H6": ("bank holidays excluded", h6_bank_holidays_excluded),
    "H7": ("floor staffing per day", h7_floor_staffing),
    "H8": ("maximum shifts per week", h8_max_shifts_per_week),
    "H9": ("minimum shifts per week", h9_min_shifts_per_week),
}


def add_hard_constraints(ctx: ModelContext) -> dict[str, list[Group]]:
    """Add every hard rule; returns what each added, by rule id."""
    return {rule: fn(ctx) for rule, (_, fn) in HARD_CONSTRAINTS.items()}
