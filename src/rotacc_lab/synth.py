"""Generated practices for tests, benchmarks and demos (pure: no I/O).

``synthetic_practice`` builds a realistic, deterministic ``PracticeSnapshot``
from a seed: partners between 40 % and 100 % WTE with some cannot-work and
must-work days, salaried doctors on fixed days (one on a week-A/B pattern), an
FY and an ST doctor, a booked locum, leave spread over the year, one sick
spell, trainer requirements, an affinity pair and quarterly reporting periods.
Minimum staffing is derived from the generated capacity so the instance is
feasible but not slack, with Monday the busiest day.

``tiny_practice`` is a hand-sized variant (2–3 partners, 1–2 weeks) for tests
that want to reason about every shift.

Everything is drawn from one ``random.Random(seed)``, in a fixed order, so the
same arguments always give the same snapshot.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from .calendar import bank_holidays_between, working_days
from .domain import (
    AffinityPair,
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    OptimiserSettings,
    PracticeSnapshot,
    ReportingPeriod,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
    TermType,
    TrainerRequirement,
    UKNation,
    WorkingTerm,
    Weekday,
)

__all__ = ["synthetic_practice", "tiny_practice", "partner_limits", "range_end"]

#: Partner WTE percentages and how often each is drawn (full-timers are the most common).
_WTE_CHOICES = (40, 50, 60, 70, 80, 90, 100)
_WTE_WEIGHTS = (1, 2, 3, 3, 3, 2, 4)

#: Days partners most often take off; Monday is never a cannot-work day here,
#: which keeps Monday the best-staffed and so the day with the highest minimum.
_OFF_DAYS = (Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
_OFF_WEIGHTS = (1, 3, 1, 3)

_FIRST = (
    "Alex", "Bea", "Cal", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lina",
    "Mo", "Nell", "Oren", "Pia", "Quin", "Rae", "Sol", "Tess", "Uma", "Vic", "Wren", "Yan",
)
_LAST = (
    "Ashdown", "Birchley", "Coldmoor", "Dunmere", "Elmstead", "Fernhill", "Greyford", "Hollins",
    "Ivybridge-Lane", "Juniper", "Kestrel", "Larkham", "Marlow-Vale", "Northcote", "Oakhurst", "Pennick",
)


def range_end(start: date, weeks: int) -> date:
    """Last day (a Sunday when ``start`` is a Monday) of ``weeks`` whole weeks from ``start``."""
    return start + timedelta(days=7 * weeks - 1)


def partner_limits(percentage: int, n_available_days: int = 5) -> tuple[int | None, int]:
    """(minimum, maximum) shifts per week consistent with a partner's WTE.

    The maximum is one more than a five-day week scaled by WTE, capped at five
    and at the days the partner can work at all; the minimum is one below the
    3.5-day target scaled by WTE (never negative, never above the maximum).
    """
    wte = percentage / 100
    maximum = min(5, math.ceil(5 * wte) + 1, n_available_days)
    minimum = max(0, math.floor(3.5 * wte) - 1)
    return min(minimum, maximum), maximum


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"Dr {rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name not in used:
            used.add(name)
            return name
        if len(used) >= len(_FIRST) * len(_LAST):  # pragma: no cover - only past 384 clinicians
            name = f"{name} {len(used)}"
            used.add(name)
            return name


def _email(name: str, cid: str) -> str:
    local = name.removeprefix("Dr ").lower().replace(" ", ".")
    return f"{local}.{cid.lower()}@example.org"


def _width(n: int) -> int:
    return max(2, len(str(n)))


def synthetic_practice(
    n_partners: int = 8,
    n_salaried: int = 3,
    *,
    start: date = date(2026, 1, 5),
    weeks: int = 52,
    seed: int = 0,
    nation: str | UKNation = "england",
    leave_fraction: float = 0.1,
    with_shifts: bool = False,
) -> PracticeSnapshot:
    """A realistic generated practice covering ``weeks`` whole weeks from ``start``.

    Parameters
    ----------
    n_partners, n_salaried:
        Head counts (``n_partners >= 1``, ``n_salaried >= 0``). When
        ``n_salaried > 0`` the practice also gets an FY doctor, an ST doctor and
        a locum with bookings, and the last salaried doctor works alternate weeks.
    start, weeks:
        The planning range is ``start`` .. ``start + 7*weeks - 1``. Terms start
        on ``start``; all leave lies inside the range.
    leave_fraction:
        Roughly the share of weeks each partner and salaried doctor spends on
        approved annual leave (0 <= fraction < 1).
    with_shifts:
        Add COMPLETED shifts for the first two weeks (a few of them pinned), as
        a rota that has already been worked, for prior-period tests.
    """
    if n_partners < 1:
        raise ValueError(f"n_partners: {n_partners!r} is not accepted; give an integer >= 1")
    if n_salaried < 0:
        raise ValueError(f"n_salaried: {n_salaried!r} is not accepted; give an integer >= 0")
    if weeks < 1:
        raise ValueError(f"weeks: {weeks!r} is not accepted; give an integer >= 1")
    if not 0 <= leave_fraction < 1:
        raise ValueError(f"leave_fraction: {leave_fraction!r} is not accepted; give a number in [0, 1)")
    nation = UKNation.parse(nation, "nation")
    rng = random.Random(seed)
    end = range_end(start, weeks)
    bank_hols = frozenset(bank_holidays_between(nation, start, end))
    week_mondays = [start + timedelta(days=7 * i) for i in range(weeks)]

    clinicians: list[Clinician] = []
    terms: list[WorkingTerm] = []
    used_names: set[str] = set()

    # ---- partners -------------------------------------------------------------
    pw = _width(n_partners)
    partner_ids = [f"P{i + 1:0{pw}d}" for i in range(n_partners)]
    partner_terms: dict[str, WorkingTerm] = {}
    for cid in partner_ids:
        name = _name(rng, used_names)
        clinicians.append(Clinician(cid, name, _email(name, cid), ClinicianType.PARTNER))
        pct = rng.choices(_WTE_CHOICES, _WTE_WEIGHTS)[0]
        n_cannot = rng.choice((0, 0, 1)) if pct >= 80 else rng.choice((0, 1, 1, 2))
        cannot: set[Weekday] = set()
        while len(cannot) < n_cannot:
            cannot.add(rng.choices(_OFF_DAYS, _OFF_WEIGHTS)[0])
        must: tuple[Weekday, ...] = ()
        if rng.random() < 0.3:
            must = (rng.choice([d for d in Weekday if d not in cannot]),)
        minimum, maximum = partner_limits(pct, 5 - len(cannot))
        term = WorkingTerm(
            term_id=f"{cid}-T1",
            clinician_id=cid,
            term_type=TermType.PARTNER,
            start_date=start,
            end_date=None,
            percentage=pct,
            must_work_days=must,
            cannot_work_days=tuple(sorted(cannot)),
            minimum_shifts_per_week=minimum if rng.random() < 0.8 else None,
            max_shifts_per_week=maximum,
            annual_leave_entitlement=Decimal(6),
        )
        partner_terms[cid] = term
        terms.append(term)

    # ---- salaried (the last one on alternate weeks) ---------------------------
    sw = _width(n_salaried)
    salaried_ids = [f"S{i + 1:0{sw}d}" for i in range(n_salaried)]
    salaried_terms: dict[str, WorkingTerm] = {}
    for i, cid in enumerate(salaried_ids):
        name = _name(rng, used_names)
        clinicians.append(Clinician(cid, name, _email(name, cid), ClinicianType.SALARIED))
        entitlement = Decimal(rng.randint(25, 30))
        if i == n_salaried - 1:
            week_a = tuple(sorted(rng.sample(list(Weekday), 3)))
            week_b = tuple(sorted(rng.sample(list(Weekday), 2)))
            term = WorkingTerm(
                term_id=f"{cid}-T1", clinician_id=cid, term_type=TermType.ALTERNATE_WEEKS,
                start_date=start, end_date=None, percentage=50,
                week_a_days=week_a, week_b_days=week_b, annual_leave_entitlement=entitlement,
            )
        else:
            n_days = rng.choice((2, 3, 3, 4))
            days = tuple(sorted(rng.sample(list(Weekday), n_days)))
            term = WorkingTerm(
                term_id=f"{cid}-T1", clinician_id=cid, term_type=TermType.SALARIED,
                start_date=start, end_date=None, percentage=20 * n_days,
                fixed_working_days=days, annual_leave_entitlement=entitlement,
            )
        salaried_terms[cid] = term
        terms.append(term)

    # ---- trainees and a locum ---------------------------------------------------
    locum_bookings: list[LocumBooking] = []
    trainee_ids: list[str] = []
    if n_salaried > 0:
        for cid, ctype, ttype in (
            ("F01", ClinicianType.FY_DOCTOR, TermType.FY_DOCTOR),
            ("T01", ClinicianType.ST_DOCTOR, TermType.ST_DOCTOR),
        ):
            name = _name(rng, used_names)
            clinicians.append(Clinician(cid, name, _email(name, cid), ctype))
            days = tuple(sorted(rng.sample(list(Weekday), 4)))
            terms.append(WorkingTerm(
                term_id=f"{cid}-T1", clinician_id=cid, term_type=ttype, start_date=start,
                end_date=end, percentage=80, fixed_working_days=days,
            ))
            trainee_ids.append(cid)
        name = _name(rng, used_names)
        clinicians.append(Clinician("L01", name, _email(name, "L01"), ClinicianType.LOCUM))
        terms.append(WorkingTerm(
            term_id="L01-T1", clinician_id="L01", term_type=TermType.LOCUM,
            start_date=start, end_date=end, percentage=0,
        ))

    # ---- mid-range WTE change for one partner (two non-overlapping terms) ------
    if weeks >= 8 and n_partners >= 2:
        cid = partner_ids[1]
        old = partner_terms[cid]
        change = week_mondays[weeks // 2]
        new_pct = 60 if old.percentage >= 80 else old.percentage + 20
        new_min, new_max = partner_limits(new_pct, 5 - len(old.cannot_work_days))
        first = replace(old, end_date=change - timedelta(days=1))
        second = replace(
            old, term_id=f"{cid}-T2", start_date=change, percentage=new_pct,
            minimum_shifts_per_week=new_min if old.minimum_shifts_per_week is not None else None,
            max_shifts_per_week=new_max,
        )
        terms[terms.index(old)] = first
        terms.insert(terms.index(first) + 1, second)

    # ---- leave --------------------------------------------------------------------
    leave: list[Leave] = []
    off_weeks: dict[str, set[int]] = {}
    away_per_week = [0] * weeks
    cap_away = max(1, math.ceil((n_partners + n_salaried) * 0.25))
    leave_takers = partner_ids + salaried_ids
    n_leave_weeks = round(leave_fraction * weeks)
    for cid in leave_takers:
        # Prefer weeks with fewest people already away, ties broken at random.
        order = sorted(range(weeks), key=lambda w: (away_per_week[w] >= cap_away, rng.random()))
        chosen = sorted(order[:n_leave_weeks])
        off_weeks[cid] = set(chosen)
        for w in chosen:
            away_per_week[w] += 1
            monday = week_mondays[w]
            leave.append(Leave(
                f"{cid}-AL{len(leave) + 1}", cid, LeaveType.ANNUAL_LEAVE, monday,
                monday + timedelta(days=4), LeaveStatus.APPROVED,
            ))
    all_working = working_days(start, end, bank_hols)

    def free_day(cid: str) -> date | None:
        """A random working day outside the clinician's leave weeks."""
        options = [d for d in all_working if (d - start).days // 7 not in off_weeks.get(cid, set())]
        return rng.choice(options) if options else None

    # study leave: about a third of partners and the ST doctor take one day
    study_takers = [c for c in partner_ids if rng.random() < 0.35] + [c for c in trainee_ids if c == "T01"]
    for cid in study_takers:
        day = free_day(cid)
        if day is not None:
            leave.append(Leave(f"{cid}-SL{len(leave) + 1}", cid, LeaveType.STUDY_LEAVE, day, day, LeaveStatus.APPROVED))
    # one pending request, one half day
    if leave_takers:
        cid = rng.choice(leave_takers)
        day = free_day(cid)
        if day is not None:
            leave.append(Leave(f"{cid}-PL{len(leave) + 1}", cid, LeaveType.ANNUAL_LEAVE, day, day, LeaveStatus.PENDING))
        cid = rng.choice(partner_ids)
        day = free_day(cid)
        if day is not None:
            leave.append(Leave(
                f"{cid}-HD{len(leave) + 1}", cid, LeaveType.NOT_WORKING, day, day, LeaveStatus.APPROVED, Duration.HALF,
            ))
    # keep leave free of overlaps per clinician (pending/half-day may fall on a study day)
    leave = _drop_overlaps(leave)

    # ---- one sick spell -------------------------------------------------------------
    sick: list[SickLeave] = []
    sick_cid = rng.choice(partner_ids)
    day = free_day(sick_cid)
    if day is not None:
        taken = [lv for lv in leave if lv.clinician_id == sick_cid]
        last = min(day + timedelta(days=rng.randint(1, 4)), end)
        while any(lv.start_date <= last and lv.end_date >= day for lv in taken) and last > day:
            last -= timedelta(days=1)
        if not any(lv.start_date <= last and lv.end_date >= day for lv in taken):
            sick.append(SickLeave(f"{sick_cid}-SK1", sick_cid, day, last))

    # ---- locum bookings --------------------------------------------------------------
    if n_salaried > 0:
        busiest = sorted(range(weeks), key=lambda w: (-away_per_week[w], w))[: max(1, weeks // 13)]
        booked = sorted(d for d in all_working if (d - start).days // 7 in busiest and d.weekday() in (0, 1, 3))
        if booked:
            locum_bookings.append(LocumBooking("LB1", "L01", tuple(booked)))

    # ---- staffing minimums from capacity ----------------------------------------------
    supply = {d: 0.0 for d in Weekday}
    for cid, term in partner_terms.items():
        open_days = [d for d in Weekday if d not in term.cannot_work_days]
        per_day = 3.5 * term.percentage / 100 * (1 - leave_fraction) / len(open_days)
        for d in open_days:
            supply[d] += per_day
    for term in salaried_terms.values():
        for d in term.fixed_working_days:
            supply[d] += 1 - leave_fraction
        for d in term.week_a_days + term.week_b_days:
            supply[d] += (1 - leave_fraction) / 2
    minimum = {d: math.floor(0.8 * supply[d]) for d in Weekday}
    others = max(minimum[d] for d in Weekday if d is not Weekday.MON)
    if minimum[Weekday.MON] <= others:
        minimum[Weekday.MON] = others + 1 if others + 1 <= 0.95 * supply[Weekday.MON] else others

    # ---- trainer requirements and affinity ----------------------------------------------
    trainers: list[TrainerRequirement] = []
    if n_partners >= 2:
        # Tuesday tutorials with the first partner free on Tuesdays; Monday (never
        # a cannot-work day here) when nobody is
        single = next((c for c in partner_ids if Weekday.TUE not in partner_terms[c].cannot_work_days), None)
        day = Weekday.TUE if single is not None else Weekday.MON
        single = single or partner_ids[0]
        trainers.append(TrainerRequirement("TR1", day, (single,)))
        group_day = Weekday.THU
        group = tuple(c for c in partner_ids if group_day not in partner_terms[c].cannot_work_days and c != single)[:2]
        if group:
            trainers.append(TrainerRequirement("TR2", group_day, group))
    affinity = [AffinityPair(partner_ids[-2], partner_ids[-1])] if n_partners >= 3 else []

    # ---- settings ----------------------------------------------------------------------------
    periods = [ReportingPeriod("full", start, end)]
    if weeks >= 4:
        q = math.ceil(weeks / 4)
        for i in range(4):
            q_start = start + timedelta(days=7 * q * i)
            if q_start > end:
                break
            periods.append(ReportingPeriod(f"Q{i + 1}", q_start, min(end, q_start + timedelta(days=7 * q - 1))))
    settings = Settings(
        practice_name=f"Synthetic Practice {seed}",
        uk_nation=nation,
        min_doctors=minimum,
        duty_doctors_per_day=1,
        duty_doctors_post_bank_holiday=1,
        target_working_days_per_week=Decimal("3.50"),
        fixed_period_weeks=min(6, weeks),
        reporting_periods=tuple(periods),
        optimiser=OptimiserSettings(time_limit_seconds=10.0, num_workers=1, seed=seed),
    )
    snapshot = PracticeSnapshot(
        settings=settings,
        clinicians=tuple(clinicians),
        terms=tuple(terms),
        leave=tuple(sorted(leave, key=lambda lv: (lv.start_date, lv.clinician_id))),
        sick_leave=tuple(sick),
        locum_bookings=tuple(locum_bookings),
        trainer_requirements=tuple(trainers),
        affinity_pairs=tuple(affinity),
    )
    if with_shifts:
        snapshot = snapshot.with_shifts(_completed_shifts(snapshot, rng, start, min(2, weeks), bank_hols))
    return snapshot


def _drop_overlaps(leave: list[Leave]) -> list[Leave]:
    """Keep the first of any leave records of one clinician whose dates overlap."""
    kept: list[Leave] = []
    for lv in leave:
        if not any(k.clinician_id == lv.clinician_id and k.start_date <= lv.end_date and lv.start_date <= k.end_date
                   for k in kept):
            kept.append(lv)
    return kept


def _completed_shifts(
    snap: PracticeSnapshot, rng: random.Random, start: date, weeks: int, bank_hols: frozenset[date]
) -> tuple[Shift, ...]:
    """A plausible worked rota for the first ``weeks`` weeks, all COMPLETED.

    Salaried doctors work their fixed (or week A/B) days; partners are added
    per day, least-worked relative to WTE first, until the day's minimum is
    met, and beyond it at random in proportion to their WTE (about 3.5 days a
    week at 100 %), respecting leave, sickness, cannot-work days, must-work
    days and the weekly maximum. Each day's required duty doctors (one more
    after a bank holiday) are the partners present with the fewest duties so
    far. The first shift of each of the first three partners is pinned.
    """
    from .calendar import post_bank_holiday_days, week_ab_index

    shifts: list[Shift] = []
    per_week: dict[tuple[str, int], int] = {}
    worked: dict[str, int] = {}
    duties: dict[str, int] = {}
    end = start + timedelta(days=7 * weeks - 1)
    post_hols = post_bank_holiday_days(start, end, bank_hols)

    def off(cid: str, day: date) -> bool:
        return snap.approved_leave_on(cid, day) is not None or snap.sick_on(cid, day) is not None

    for day in working_days(start, end, bank_hols):
        wd = Weekday(day.weekday())
        week = (day - start).days // 7
        present: list[str] = []
        for c in snap.clinicians:
            term = snap.term_on(c.clinician_id, day)
            if term is None or not term.term_type.is_salaried or off(c.clinician_id, day):
                continue
            if term.term_type is TermType.ALTERNATE_WEEKS:
                idx = week_ab_index(day, term.start_date)
                days = term.week_a_days if idx == 0 else term.week_b_days if idx == 1 else ()
            else:
                days = term.fixed_working_days
            if wd in days:
                present.append(c.clinician_id)
        partners = []
        for c in snap.clinicians:
            term = snap.term_on(c.clinician_id, day)
            if term is None or term.term_type is not TermType.PARTNER or off(c.clinician_id, day):
                continue
            if wd in term.cannot_work_days or per_week.get((c.clinician_id, week), 0) >= (term.max_shifts_per_week or 5):
                continue
            must = wd in term.must_work_days
            partners.append((not must, worked.get(c.clinician_id, 0) / max(term.percentage, 1), rng.random(), c.clinician_id))
        partners.sort()
        need = snap.settings.min_doctors[wd] - len(present)
        for not_must, _, _, cid in partners:
            term = snap.term_on(cid, day)
            share = 3.5 * term.percentage / 100 / (5 - len(term.cannot_work_days))
            if need <= 0 and not_must and rng.random() >= share:
                continue
            present.append(cid)
            per_week[(cid, week)] = per_week.get((cid, week), 0) + 1
            worked[cid] = worked.get(cid, 0) + 1
            need -= 1
        # duty doctors: the required number, partners first, fewest duties so far
        n_duty = snap.settings.duty_doctors_per_day + (
            snap.settings.duty_doctors_post_bank_holiday if day in post_hols else 0
        )
        is_partner = {c: snap.clinician(c).clinician_type is ClinicianType.PARTNER for c in present}
        duty = set(sorted(present, key=lambda c: (not is_partner[c], duties.get(c, 0), c))[:n_duty])
        for cid in present:
            kind = ShiftType.DUTY if cid in duty else ShiftType.STANDARD
            duties[cid] = duties.get(cid, 0) + (cid in duty)
            shifts.append(Shift(None, cid, day, kind, Duration.FULL, ShiftStatus.COMPLETED))
    pinned: set[str] = set()
    out: list[Shift] = []
    partner_ids = [c.clinician_id for c in snap.clinicians if c.clinician_type is ClinicianType.PARTNER][:3]
    for i, s in enumerate(sorted(shifts, key=lambda s: (s.date, s.clinician_id))):
        pin = s.clinician_id in partner_ids and s.clinician_id not in pinned
        if pin:
            pinned.add(s.clinician_id)
        out.append(Shift(i + 1, s.clinician_id, s.date, s.shift_type, s.duration, s.status, is_pinned=pin))
    return tuple(out)


def tiny_practice(
    n_partners: int = 3,
    weeks: int = 1,
    *,
    start: date = date(2026, 3, 2),
    min_doctors: int = 2,
    percentages: tuple[int, ...] = (100, 60, 40),
    nation: str | UKNation = "england",
) -> PracticeSnapshot:
    """A hand-sized practice: ``n_partners`` partners (no leave, no other staff).

    Partner ``i`` gets ``percentages[i % len(percentages)]`` WTE and limits from
    ``partner_limits``. Every weekday needs ``min_doctors`` (Monday one more).
    The default start, 2 March 2026, is a Monday with no bank holiday nearby.
    """
    if n_partners < 1:
        raise ValueError(f"n_partners: {n_partners!r} is not accepted; give an integer >= 1")
    if weeks < 1:
        raise ValueError(f"weeks: {weeks!r} is not accepted; give an integer >= 1")
    clinicians, terms = [], []
    for i in range(n_partners):
        cid = f"P{i + 1:02d}"
        pct = percentages[i % len(percentages)]
        low, high = partner_limits(pct)
        clinicians.append(Clinician(cid, f"Dr Tiny {cid}", f"{cid.lower()}@example.org", ClinicianType.PARTNER))
        terms.append(WorkingTerm(
            f"{cid}-T1", cid, TermType.PARTNER, start, None, pct,
            minimum_shifts_per_week=low, max_shifts_per_week=high, annual_leave_entitlement=Decimal(6),
        ))
    end = range_end(start, weeks)
    mins = {d: min_doctors for d in Weekday}
    mins[Weekday.MON] = min_doctors + 1
    settings = Settings(
        practice_name="Tiny Practice",
        uk_nation=UKNation.parse(nation, "nation"),
        min_doctors=mins,
        fixed_period_weeks=min(6, weeks),
        reporting_periods=(ReportingPeriod("full", start, end),),
        optimiser=OptimiserSettings(time_limit_seconds=5.0, num_workers=1, seed=0),
    )
    return PracticeSnapshot(settings=settings, clinicians=tuple(clinicians), terms=tuple(terms))
