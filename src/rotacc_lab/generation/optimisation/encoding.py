"""Phase 5 encoding: the numbers the CP-SAT model is built from (pure, no solver).

The encoding turns a snapshot plus the pipeline's current ledger into plain data:

* one :class:`Cell` per (partner, working date) where the partner has an active
  PARTNER term -- each cell becomes one boolean decision variable ``assign[c, d]``;
  a cell may be *blocked* (leave, cannot-work day, an existing DUTY or other fixed
  shift) and is then forced to 0 by the matching hard constraint;
* fixed coverage per day and per clinician-week (salaried, locum, FY/ST, pinned,
  DUTY and completed shifts: everything that is not a decision variable);
* per partner the WTE bookkeeping of the "Partner WTE availability" report:
  available weeks, WTE-weeks, target, fair share on the fixed group rate, and the
  part of the actual count that the solver cannot change (prior period, fixed
  shifts, bank-holiday credit).

All shift quantities are integers in TENTHS of a shift (a FULL shift is 10, a
HALF shift 5) so the model stays in integer arithmetic. See ``docs/model.md``.
"""

from __future__ import annotations

from ...staffing import staffing_floor

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

import polars as pl

from ...calendar import daterange, week_monday
from ...domain import (
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Shift,
    ShiftStatus,
    ShiftType,
    TermType,
    Weekday,
    WorkingTerm,
)
from .rules import PIN_DOWNGRADED, PIN_EXCLUDED, PIN_KEPT, first_block

__all__ = [
    "Cell",
    "PartnerInfo",
    "WeekInfo",
    "Encoding",
    "build_encoding",
    "partner_quantities",
    "availability_frame",
    "worked_tenths",
    "counts_toward_staffing",
    "floor_staffing",
    "severe_threshold",
]

Key = tuple[str, date]


# --------------------------------------------------------------------------- small rules


def worked_tenths(shift: Shift) -> int:
    """Tenths of a shift this shift contributes to a clinician's worked count (0 if it does not count)."""
    if shift.status is ShiftStatus.CANCELLED or not shift.shift_type.counts_as_worked:
        return 0
    return 5 if shift.duration.amount == Decimal("0.5") else 10


def counts_toward_staffing(shift: Shift) -> bool:
    """True when the shift puts a doctor in the building for the staffing minimum (STANDARD or DUTY)."""
    return shift.status is not ShiftStatus.CANCELLED and shift.shift_type.counts_toward_minimum


def floor_staffing(minimum: int) -> int:
    """H7 floor: ``ceil(minimum * 0.66)`` (:func:`rotacc_lab.staffing.staffing_floor`)."""
    return staffing_floor(minimum)


def severe_threshold(minimum: int) -> int:
    """Start of the moderate zone: ``ceil(minimum * 0.84)`` (below it a gap is severe, S9)."""
    return (84 * minimum + 99) // 100


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _partner_term(snap: PracticeSnapshot, cid: str, day: date) -> WorkingTerm | None:
    term = snap.term_on(cid, day)
    return term if term is not None and term.term_type is TermType.PARTNER else None


def _is_working(day: date, bank_hols: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in bank_hols


def _away_reason(snap: PracticeSnapshot, cid: str, day: date) -> str | None:
    """"annual leave", "study leave", ... for approved leave of any type, "sick leave", or None."""
    leave: Leave | None = snap.approved_leave_on(cid, day)
    if leave is not None:
        return leave.leave_type.value.lower().replace("_", " ")
    return "sick leave" if snap.sick_on(cid, day) is not None else None


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Cell:
    """One decision variable ``assign[c, d]``: does partner ``clinician_id`` work a STANDARD shift on ``day``.

    The fields are facts; which hard rule forces the cell is decided by the rule predicates
    of ``rules.py`` (``blocked``/``reason`` name the first of them, for explanations).
    """

    clinician_id: str
    day: date
    #: the ledger's shift at this key, if any
    existing: Shift | None
    #: the existing shift is the solver's to keep or delete (unpinned STANDARD SCHEDULED, or a downgraded pin)
    variable_backed: bool
    #: approved leave of any type ("annual leave", "study leave" ...) or "sick leave"; None when not away
    away: str | None = None
    #: the weekday is one of the term's cannot-work days
    cannot_work: bool = False
    #: pin state of a pinned STANDARD shift: rules.PIN_KEPT / PIN_EXCLUDED / PIN_DOWNGRADED, else None
    pin: str | None = None
    #: the first rule forcing the cell to 0 ("H4b", "H1", "H2", "H3"), None when the solver may choose
    blocked: str | None = field(init=False)
    #: human detail for the block ("annual leave", "DUTY shift", ...)
    reason: str = field(init=False)

    def __post_init__(self) -> None:
        rule, why = first_block(self)
        object.__setattr__(self, "blocked", rule)
        object.__setattr__(self, "reason", why)

    @property
    def weekday(self) -> Weekday:
        return Weekday(self.day.weekday())

    @property
    def pinned(self) -> bool:
        """A pin the optimiser keeps (H4 forces ``assign = 1``)."""
        return self.pin == PIN_KEPT

    @property
    def model_counted(self) -> bool:
        """The ledger's shift here is counted through the variable (or, for an excluded pin, not at all),
        not as fixed cover."""
        return self.variable_backed or self.pin in (PIN_KEPT, PIN_EXCLUDED)

    @property
    def hint(self) -> int:
        """The existing rota's value of the cell."""
        return 1 if self.pinned or (self.variable_backed and self.blocked is None) else 0


@dataclass(frozen=True)
class PartnerInfo:
    """WTE bookkeeping for one partner over ``[period_start, end]`` (see ``availability_frame``)."""

    clinician_id: str
    name: str
    percentage: int  # WTE % of the term active at the start of the range (display only)
    available_weeks: int  # weeks with an active PARTNER term and no approved annual leave
    wte_weeks: int  # sum over available weeks of the WTE percentage (e.g. 80 % x 18 weeks = 1440)
    target: Decimal  # calculations.target_shifts(period_start, end)
    target_tenths: int
    fair_tenths: int  # group rate x wte_weeks, in tenths
    prior_tenths: int  # worked in [period_start, start)
    fixed_tenths: int  # worked in [start, end] by shifts that are not decision variables
    bh_tenths: int  # bank-holiday credit: WTE fraction of each bank holiday in an available week
    available_mondays: int  # Mondays in available weeks that are working dates the partner may work
    wte_mondays: int  # sum of WTE percentage over available Mondays
    fixed_mondays: int  # STANDARD/DUTY Monday shifts in [period_start, end] that are not decision variables
    cannot_work: frozenset[Weekday]

    @property
    def base_tenths(self) -> int:
        """The part of the actual count the solver cannot change."""
        return self.prior_tenths + self.fixed_tenths + self.bh_tenths


@dataclass(frozen=True)
class WeekInfo:
    """One partner's ISO week: fixed STANDARD/DUTY count and the weekly limits of the term."""

    clinician_id: str
    monday: date
    fixed_count: int  # STANDARD/DUTY shifts in Mon..Sun that are not decision variables (pins kept)
    minimum: int | None
    maximum: int | None
    dates: tuple[date, ...]  # the week's cell dates (working dates in [start, end] with a term)


@dataclass
class Encoding:
    """Everything the model needs, as plain data."""

    snapshot: PracticeSnapshot
    start: date
    end: date
    period_start: date
    dates: list[date]  # working dates in [start, end]
    bank_holidays: list[date]  # bank holidays (weekdays) in [start, end]
    partners: list[str]  # partner ids with at least one cell, sorted
    cells: dict[Key, Cell]
    partner_info: dict[str, PartnerInfo]
    weeks: dict[tuple[str, date], WeekInfo]
    fixed_cover: dict[date, int]  # doctors present on the day that are not decision variables
    fixed_work: dict[Key, int]  # (clinician, day) -> 1 for fixed STANDARD/DUTY shifts in [start, end]
    min_doctors: dict[date, int]
    total_target: Decimal
    total_wte_weeks: int
    warnings: list[str] = field(default_factory=list)
    #: ids of downgraded pins (keys), so decode may delete them
    downgraded: set[Key] = field(default_factory=set)
    #: per partner, the cells no rule forces to 0, by date (index built from ``cells``)
    open_cells: dict[str, list[Cell]] = field(init=False)

    def __post_init__(self) -> None:
        self.open_cells = {cid: [] for cid in self.partners}
        for key in sorted(self.cells):
            cell = self.cells[key]
            if cell.blocked is None:
                self.open_cells.setdefault(cell.clinician_id, []).append(cell)

    # derived helpers ---------------------------------------------------------
    def free_cells(self, cid: str | None = None) -> list[Cell]:
        """Cells no rule forces to 0 (kept pins included: H4 forces them to 1)."""
        if cid is not None:
            return list(self.open_cells.get(cid, ()))
        return [c for cs in self.open_cells.values() for c in cs]

    def name(self, cid: str) -> str:
        c = self.snapshot.clinician_by_id.get(cid)
        return c.name if c else cid

    @property
    def rate_tenths_per_pct_week(self) -> Decimal:
        """Fixed group rate in tenths of a shift per (WTE percent x week)."""
        if self.total_wte_weeks == 0:
            return Decimal(0)
        return self.total_target * 10 / Decimal(self.total_wte_weeks)


# --------------------------------------------------------------------------- partner quantities


def _annual_leave_weeks(snap: PracticeSnapshot, cid: str) -> set[date]:
    """Mondays of weeks touched by any approved annual leave of ``cid``."""
    out: set[date] = set()
    for lv in snap.leave_by_clinician.get(cid, ()):
        if lv.status is LeaveStatus.APPROVED and lv.leave_type is LeaveType.ANNUAL_LEAVE:
            m = week_monday(lv.start_date)
            while m <= lv.end_date:
                out.add(m)
                m += timedelta(days=7)
    return out


def _partners_in_range(snap: PracticeSnapshot, start: date, end: date) -> list[str]:
    out = []
    for c in snap.clinicians:
        if any(t.term_type is TermType.PARTNER for t in snap.terms_overlapping(c.clinician_id, start, end)):
            out.append(c.clinician_id)
    return sorted(out)


def _target_shifts(snap: PracticeSnapshot, cid: str, period_start: date, end: date) -> Decimal:
    """The calculations module's partner target (shared with reports and phase 3)."""
    from ...calculations.targets import target_shifts

    return target_shifts(snap, cid, period_start, end)


def partner_quantities(
    snap: PracticeSnapshot,
    period_start: date,
    start: date,
    end: date,
    shifts: Mapping[Key, Shift],
    variable_keys: Iterable[Key] = (),
    partners: Iterable[str] | None = None,
) -> dict[str, PartnerInfo]:
    """Per-partner WTE bookkeeping over ``[period_start, end]``.

    ``variable_keys`` are the ledger keys whose shifts the model counts through a variable (the
    solver's own shifts and kept pins) or not at all (excluded pins); they are left out of
    ``fixed_tenths``. Shifts in ``[period_start, start)`` form the prior balance.
    The group rate is fixed and target-based: ``sum(targets) / sum(wte_weeks)``; each
    partner's fair share is ``rate x wte_weeks`` (rounded half-up to tenths).
    """
    bank_hols = snap.bank_holidays
    var_keys = set(variable_keys)
    ids = sorted(partners) if partners is not None else _partners_in_range(snap, period_start, end)
    by_clinician: dict[str, list[Shift]] = {cid: [] for cid in ids}
    for (cid, day), s in shifts.items():
        if cid in by_clinician and period_start <= day <= end:
            by_clinician[cid].append(s)

    mondays = sorted({week_monday(d) for d in daterange(period_start, end)})
    raw: dict[str, dict] = {}
    for cid in ids:
        leave_weeks = _annual_leave_weeks(snap, cid)
        avail = wte_weeks = bh = avail_mon = wte_mon = 0
        first_pct = None
        for m in mondays:
            active = [
                (d, t)
                for d in daterange(max(m, period_start), min(m + timedelta(days=6), end))
                if d.weekday() < 5 and (t := _partner_term(snap, cid, d)) is not None
            ]
            working = [(d, t) for d, t in active if d not in bank_hols]
            if not working:
                continue
            if first_pct is None:
                first_pct = working[0][1].percentage
            if m in leave_weeks:
                continue
            pct = working[0][1].percentage
            avail += 1
            wte_weeks += pct
            for d, t in active:
                if d in bank_hols:
                    bh += _round_half_up(Decimal(t.percentage) / 10)
            if working[0][0] == m and Weekday.MON not in working[0][1].cannot_work_days:
                # the Monday is a working date the partner may work (S2 leaves out who cannot)
                avail_mon += 1
                wte_mon += pct
        prior = fixed = fixed_mon = 0
        for s in by_clinician[cid]:
            key = (cid, s.date)
            if key in var_keys:
                continue
            if s.date < start:
                prior += worked_tenths(s)
            else:
                fixed += worked_tenths(s)
            if s.date.weekday() == 0 and counts_toward_staffing(s):
                fixed_mon += 1
        cannot: set[Weekday] = set()
        for t in snap.terms_overlapping(cid, period_start, end):
            if t.term_type is TermType.PARTNER:
                cannot |= set(t.cannot_work_days)
        target = _target_shifts(snap, cid, period_start, end)
        raw[cid] = dict(
            percentage=first_pct or 0,
            available_weeks=avail,
            wte_weeks=wte_weeks,
            target=target,
            prior=prior,
            fixed=fixed,
            bh=bh,
            avail_mon=avail_mon,
            wte_mon=wte_mon,
            fixed_mon=fixed_mon,
            cannot=frozenset(cannot),
        )
    total_target = sum((r["target"] for r in raw.values()), Decimal(0))
    total_ww = sum(r["wte_weeks"] for r in raw.values())
    out: dict[str, PartnerInfo] = {}
    for cid, r in raw.items():
        fair = _round_half_up(total_target * 10 * r["wte_weeks"] / total_ww) if total_ww else 0
        out[cid] = PartnerInfo(
            clinician_id=cid,
            name=snap.clinician_by_id[cid].name if cid in snap.clinician_by_id else cid,
            percentage=r["percentage"],
            available_weeks=r["available_weeks"],
            wte_weeks=r["wte_weeks"],
            target=r["target"],
            target_tenths=_round_half_up(r["target"] * 10),
            fair_tenths=fair,
            prior_tenths=r["prior"],
            fixed_tenths=r["fixed"],
            bh_tenths=r["bh"],
            available_mondays=r["avail_mon"],
            wte_mondays=r["wte_mon"],
            fixed_mondays=r["fixed_mon"],
            cannot_work=r["cannot"],
        )
    return out


def availability_frame(
    snapshot: PracticeSnapshot, start: date, end: date, shifts: Iterable[Shift] | Mapping[Key, Shift] | None = None
) -> pl.DataFrame:
    """The "Partner WTE availability" table over ``[start, end]`` -- the quantities S11 optimises.

    One row per partner with a PARTNER term in the range. Columns: ``clinician_id, name,
    percentage, available_weeks, wte_weeks, target, group_rate, fair_share, actual,
    fair_difference`` (shift quantities as floats with one decimal, exact tenths).
    ``group_rate`` is shifts per 100 %-WTE week (``100 x sum(targets) / sum(wte_weeks)``);
    ``fair_difference = actual - fair_share`` (positive: above fair share). ``shifts``
    defaults to the snapshot's shifts.
    """
    if start > end:
        raise ValueError(f"availability_frame: start {start} is after end {end}")
    if shifts is None:
        shifts = snapshot.shifts
    if not isinstance(shifts, Mapping):
        shifts = {(s.clinician_id, s.date): s for s in shifts}
    info = partner_quantities(snapshot, start, start, end, shifts)
    total_target = sum((p.target for p in info.values()), Decimal(0))
    total_ww = sum(p.wte_weeks for p in info.values())
    rate = float(total_target * 100 / total_ww) if total_ww else 0.0
    rows = [
        dict(
            clinician_id=p.clinician_id,
            name=p.name,
            percentage=p.percentage,
            available_weeks=p.available_weeks,
            wte_weeks=p.wte_weeks,
            target=float(p.target),
            group_rate=round(rate, 4),
            fair_share=p.fair_tenths / 10,
            actual=p.base_tenths / 10,
            fair_difference=(p.base_tenths - p.fair_tenths) / 10,
        )
        for p in info.values()
    ]
    schema = {
        "clinician_id": pl.String,
        "name": pl.String,
        "percentage": pl.Int64,
        "available_weeks": pl.Int64,
        "wte_weeks": pl.Int64,
        "target": pl.Float64,
        "group_rate": pl.Float64,
        "fair_share": pl.Float64,
        "actual": pl.Float64,
        "fair_difference": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


# --------------------------------------------------------------------------- the encoding


def build_encoding(
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    current_shifts: Mapping[Key, Shift],
    period_start: date | None = None,
) -> Encoding:
    """Build the :class:`Encoding` for optimising ``[start, end]`` given the ledger ``current_shifts``."""
    snap = snapshot
    period_start = start if period_start is None else period_start
    bank_hols = snap.bank_holidays
    dates = [d for d in daterange(start, end) if _is_working(d, bank_hols)]
    bhs = [d for d in daterange(start, end) if d.weekday() < 5 and d in bank_hols]
    warnings: list[str] = []

    partner_ids = _partners_in_range(snap, start, end)  # anyone with a PARTNER term in the range

    # cells: the facts of each (partner, working date); the rules in rules.py decide from them
    cells: dict[Key, Cell] = {}
    for cid in partner_ids:
        name = snap.clinician_by_id[cid].name
        for d in dates:
            term = _partner_term(snap, cid, d)
            if term is None:
                continue
            s = current_shifts.get((cid, d))
            away = _away_reason(snap, cid, d)
            cannot = Weekday(d.weekday()) in term.cannot_work_days
            pin, backed = None, False
            if s is not None and s.status is not ShiftStatus.CANCELLED and s.shift_type is ShiftType.STANDARD:
                if s.is_pinned:
                    pin = PIN_EXCLUDED if (away or cannot) else PIN_KEPT
                    if pin == PIN_EXCLUDED:
                        why = away or f"cannot work {Weekday(d.weekday()).label}"
                        warnings.append(
                            f"pinned shift of {name} on {d} conflicts with {why}: excluded from the pinned set "
                            "(left in place, not counted as cover)"
                        )
                else:
                    backed = s.status is ShiftStatus.SCHEDULED  # the solver's to keep or delete
            cells[(cid, d)] = Cell(cid, d, s, backed, away, cannot, pin)

    # weekly fixed counts and pinned downgrading ----------------------------------
    def week_fixed(cid: str, monday: date) -> int:
        """STANDARD/DUTY shifts of the week that are fixed cover (not counted through a variable)."""
        n = 0
        for i in range(7):
            d = monday + timedelta(days=i)
            s = current_shifts.get((cid, d))
            if s is None or not counts_toward_staffing(s):
                continue
            cell = cells.get((cid, d))
            if cell is not None and cell.model_counted:
                continue
            n += 1
        return n

    week_dates: dict[tuple[str, date], list[date]] = {}
    for (cid, d) in cells:
        week_dates.setdefault((cid, week_monday(d)), []).append(d)
    downgraded: set[Key] = set()
    weeks: dict[tuple[str, date], WeekInfo] = {}
    for (cid, monday), ds in sorted(week_dates.items()):
        ds.sort()
        term = _partner_term(snap, cid, ds[0])
        assert term is not None
        fixed = week_fixed(cid, monday)
        maximum = term.max_shifts_per_week
        pins = [(cid, d) for d in ds if cells[(cid, d)].pinned]
        if maximum is not None and fixed + len(pins) > maximum:
            for key in sorted(pins, key=lambda k: k[1], reverse=True):
                if fixed + len(pins) <= maximum:
                    break
                old = cells[key]
                cells[key] = Cell(cid, key[1], old.existing, True, old.away, old.cannot_work, PIN_DOWNGRADED)
                downgraded.add(key)
                pins.remove(key)
                warnings.append(
                    f"week of {monday}: pinned shifts of {snap.clinician_by_id[cid].name} exceed the weekly maximum of "
                    f"{maximum}; the pin on {key[1]} is downgraded to a normal shift the optimiser may remove"
                )
            if fixed > maximum:
                warnings.append(
                    f"week of {monday}: {snap.clinician_by_id[cid].name} already has {fixed} fixed shifts, above the "
                    f"weekly maximum of {maximum}; no further shifts are added that week"
                )
        weeks[(cid, monday)] = WeekInfo(cid, monday, fixed, term.minimum_shifts_per_week, maximum, tuple(ds))

    # fixed coverage ------------------------------------------------------------------
    fixed_cover = {d: 0 for d in dates}
    fixed_work: dict[Key, int] = {}
    for (cid, d), s in current_shifts.items():
        if d not in fixed_cover or not counts_toward_staffing(s):
            continue
        cell = cells.get((cid, d))
        if cell is not None and cell.model_counted:
            continue
        fixed_cover[d] += 1
        fixed_work[(cid, d)] = 1

    # partner bookkeeping -------------------------------------------------------------
    # shifts counted through a variable (the solver's, kept pins) or not at all (excluded pins)
    model_keys = [k for k, c in cells.items() if c.model_counted]
    info = partner_quantities(snap, period_start, start, end, current_shifts, model_keys, partner_ids)
    partners = sorted({cid for cid, _ in cells})
    mins = {d: int(snap.settings.min_doctors_for(d)) for d in dates}
    return Encoding(
        snapshot=snap,
        start=start,
        end=end,
        period_start=period_start,
        dates=dates,
        bank_holidays=bhs,
        partners=partners,
        cells=cells,
        partner_info=info,
        weeks=weeks,
        fixed_cover=fixed_cover,
        fixed_work=fixed_work,
        min_doctors=mins,
        total_target=sum((p.target for p in info.values()), Decimal(0)),
        total_wte_weeks=sum(p.wte_weeks for p in info.values()),
        warnings=warnings,
        downgraded=downgraded,
    )
