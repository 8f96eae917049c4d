"""The cover model: every shift of every unit covered at least cost, never infeasible (docs/carehomes.md).

Who works which cover row on which day, over a horizon (28 days by default), as one
CP-SAT model:

* **posts**: on each day each cover row in force (``Provider.cover_on``) needs
  ``minimum`` people of its role (or more senior, policy ``work_down``), at most
  ``ideal`` of them staff; the rest of the minimum comes from **agency** (capped at
  ``agency_max_share_percent`` of the minimum, rounded down) and, last, from a
  **shortfall** variable, so a model is always feasible and a gap is priced and
  reported, never hidden;
* **people**: at most one shift a day; not on approved leave or a day they cannot
  work; only shift types their role may work; units of their own home unless they float;
* **Working Time rules**, inside the model, as the independent checker
  (:func:`rotacc_lab.rostering.rules.check_rota`) reads them: ``average_weekly_hours``
  (unless opted out), ``rest_between_shifts`` (forbidden pairs of shifts on days
  ``d`` and ``d+1``), ``consecutive_nights`` (no window of N+1 days with N+1 nights),
  ``weekly_rest`` (a sufficient condition: in every 14-day block two separate rests of
  24 h, in a final 7-day block one) and ``shift_length`` (longer shift types cannot be
  worked); the same rule set applies to the greedy fill;
* **skill mix**: on each unit, date and day/night, ``one_per`` x seniors >= people
  (staff and agency), with a priced slack;
* **objective**, in centipence: bank pay, the night uplift and the bank-holiday
  premium on hours worked, overtime above contract hours (per week or over the
  horizon) at the multiplier, agency at its rate, shortfall at the policy's penalty,
  missing skill mix at the same penalty, and small continuity (outside one's unit or
  home), fairness (weekend shifts above one's pro-rata share) and below-ideal terms.
  Permanent staff's contracted pay is a constant (it is paid whatever the rota) and is
  reported, not optimised.

:func:`greedy_cover` is the baseline a rota lead would do by hand (cheapest able
person first, day by day, then agency, then a gap), and :func:`evaluate_cover` prices
any rota independently of the model; :func:`solve_cover` returns a :class:`CoverPlan`
(the CP-SAT one, never worse than the greedy, which is its hint).
"""

from __future__ import annotations

import math
import threading
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable, Mapping, Sequence

from ..rostering.rules import Period, check_rota
from ..rostering.shifts import Assignment, ShiftType
from .model import Cover, Employment, Provider, Shifts, Staff

#: small terms, in pence (documented in docs/carehomes.md, "The cover model")
CONTINUITY_UNIT_PENCE = 200  # a shift outside one's usual unit
CONTINUITY_HOME_PENCE = 500  # a shift in another home (floating staff)
FAIRNESS_WEEKEND_PENCE = 300  # each weekend shift above one's pro-rata share
BELOW_IDEAL_PENCE_PER_HOUR = 50  # each hour a post between minimum and ideal is not staffed

_C = 100  # centipence per penny: the objective's unit


# --------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class Post:
    """A cover row in force on one day."""

    day: date
    cover: Cover
    shift: ShiftType

    @property
    def key(self) -> tuple[date, str, str, str | None]:
        return (self.day, self.cover.unit_id, self.cover.shift_type, self.cover.role)

    @property
    def hours(self) -> Decimal:
        return Decimal(self.shift.minutes) / 60


@dataclass(frozen=True)
class CoverProblem:
    """Everything the model, the greedy and the evaluator share: days, posts, who may fill what, prices."""

    provider: Provider
    start: date
    days: int

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or isinstance(self.start, datetime):
            raise ValueError(f"start: {self.start!r} must be a date")
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days <= 366:
            raise ValueError(f"days: {self.days!r} must be a whole number of days, 1..366")

    # --- calendar
    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def period(self) -> Period:
        return Period(self.start, math.ceil(self.days / 7))

    def bank_holidays(self) -> frozenset[date]:
        from ..calendar import bank_holidays_between

        return frozenset(bank_holidays_between(self.provider.settings.uk_nation, self.start, self.end))

    def weeks(self) -> list[list[date]]:
        """Blocks of 7 days from ``start`` (the last may be shorter): overtime and fairness count per block."""
        d = self.dates
        return [d[i:i + 7] for i in range(0, len(d), 7)]

    # --- posts and people
    def posts(self) -> list[Post]:
        types = self.provider.shift_type_by_code
        out = []
        for day in self.dates:
            for c in sorted(self.provider.cover_on(day), key=lambda c: (c.unit_id, c.shift_type, c.role or "")):
                if c.minimum > 0 or c.ideal > 0:
                    out.append(Post(day, c, types[c.shift_type].shift))
        return out

    def rules(self):
        return self.provider.settings.rules

    def _shift_allowed(self, shift: ShiftType) -> bool:
        r = self.rules()
        return "shift_length" not in r.enabled or shift.minutes <= round(r.limits["shift_length"]["max_hours"] * 60)

    def may_work(self, s: Staff, post: Post) -> bool:
        """Role, shift type, home and the shift-length rule (days are checked by :meth:`available`)."""
        p = self.provider
        t = p.shift_type_by_code[post.cover.shift_type]
        if t.roles and s.role not in t.roles:
            return False
        if not p.may_fill(s.role, post.cover.role):
            return False
        if not s.floats and p.unit_by_id[post.cover.unit_id].home_id != s.home_id:
            return False
        return self._shift_allowed(post.shift)

    @cached_property
    def leave_days(self) -> Mapping[str, frozenset[date]]:
        """Staff id -> the days of the horizon on approved leave (computed once: the model asks per person and post)."""
        out = {}
        for s in self.provider.staff:
            out[s.staff_id] = frozenset(d for d in self.dates for lv in self.provider.approved_leave(s.staff_id)
                                        if lv.covers(d))
        return out

    def available(self, s: Staff, day: date) -> bool:
        if day.weekday() in s.cannot_work_days:
            return False
        return day not in self.leave_days[s.staff_id]

    def contract_minutes(self, s: Staff, week: Sequence[date]) -> int:
        """Contract minutes in a block of days, less a seventh of the week for each day of approved leave."""
        if s.employment is not Employment.PERMANENT:
            return 0
        on = sum(1 for d in week if d not in self.leave_days[s.staff_id])
        return int(s.contract_hours * 60 * on / 7)

    # --- prices (centipence; the model and the evaluator use these, nothing else)
    def work_cost(self, s: Staff, post: Post, bank_holidays: frozenset[date]) -> int:
        """The cost of ``s`` working ``post`` besides overtime: bank pay, night uplift, bank-holiday premium."""
        pay = self.provider.settings.pay
        rate = Decimal(self.provider.hourly_rate_pence(s))
        hours = post.hours
        cost = Decimal(0)
        if s.employment is Employment.BANK:
            cost += rate * hours
        if post.shift.night:
            cost += rate * hours * pay.night_uplift_percent / 100
        if post.day in bank_holidays:
            cost += rate * hours * (pay.bank_holiday_multiplier - 1)
        return _cp(cost)

    def continuity_cost(self, s: Staff, post: Post) -> int:
        home = self.provider.unit_by_id[post.cover.unit_id].home_id
        if home != s.home_id:
            return CONTINUITY_HOME_PENCE * _C
        if s.unit_id is not None and s.unit_id != post.cover.unit_id:
            return CONTINUITY_UNIT_PENCE * _C
        return 0

    def overtime_cost_per_minute(self, s: Staff) -> Decimal:
        pay = self.provider.settings.pay
        return Decimal(self.provider.hourly_rate_pence(s)) * pay.overtime_multiplier * _C / 60

    def overtime_blocks(self) -> list[list[date]]:
        return [self.dates] if self.provider.settings.pay.overtime_period == "horizon" else self.weeks()

    def agency_rate(self, post: Post, bank_holidays: frozenset[date]) -> int | None:
        """Centipence for one agency worker on ``post``: the cheapest role that may fill it; None: no agency."""
        p = self.provider
        t = p.shift_type_by_code[post.cover.shift_type]
        best = None
        for a in p.agency_rates:
            if a.shift_type != post.cover.shift_type or (t.roles and a.role not in t.roles):
                continue
            if not p.may_fill(a.role, post.cover.role):
                continue
            price = _cp(Decimal(a.pence_on(post.day, bank_holidays)) * post.hours)
            best = price if best is None else min(best, price)
        return best

    def agency_senior(self, post: Post, role: str) -> bool:
        """Agency on a post counts as senior (for a skill-mix rule of ``role``) when the post's role is."""
        return post.cover.role is not None and self.provider.at_least_as_senior(post.cover.role, role)

    def agency_cap(self, post: Post) -> int:
        return post.cover.minimum * self.provider.settings.policy.agency_max_share_percent // 100

    def shortfall_cost(self, post: Post) -> int:
        return _cp(Decimal(self.provider.settings.policy.shortfall_penalty_pence_per_hour) * post.hours)

    def below_ideal_cost(self, post: Post) -> int:
        return _cp(Decimal(BELOW_IDEAL_PENCE_PER_HOUR) * post.hours)

    def mix_groups(self, posts: Sequence[Post]) -> dict[tuple[date, str, Shifts, str, int], list[Post]]:
        """(day, unit, day|night, senior role, one_per) -> the unit's posts of that day the rule counts."""
        groups: dict[tuple, list[Post]] = defaultdict(list)
        for post in posts:
            for m in self.provider.skill_mix_for(post.cover.unit_id):
                if m.shifts.counts(post.shift):
                    groups[(post.day, post.cover.unit_id, m.shifts, m.role, m.one_per)].append(post)
        return groups

    def mix_shortfall_cost(self, posts: Sequence[Post]) -> int:
        """A missing senior costs the shortfall penalty for the longest shift of the group."""
        hours = max((p.hours for p in posts), default=Decimal(12))
        return _cp(Decimal(self.provider.settings.policy.shortfall_penalty_pence_per_hour) * hours)

    def weekend_cap(self, s: Staff) -> int | None:
        """Weekend shifts above which the fairness term counts: the pro-rata share of a 12-hour shift pattern."""
        if s.employment is not Employment.PERMANENT or s.contract_hours <= 0:
            return None
        weekend_days = sum(1 for d in self.dates if d.weekday() >= 5)
        return math.ceil(weekend_days * float(s.contract_hours) / (12 * 7))

    # --- the rules, as day-level facts the model, the greedy and the tests share
    def rest_conflicts(self, shifts: Sequence[ShiftType]) -> set[tuple[str, str, int]]:
        """(a, b, k): working ``a`` on a day and ``b`` k days later (k = 1, 2) leaves less than the minimum rest."""
        r = self.rules()
        if "rest_between_shifts" not in r.enabled:
            return set()
        need = timedelta(minutes=round(r.limits["rest_between_shifts"]["min_hours"] * 60))
        base = date(2001, 1, 1)
        out = set()
        for a in shifts:
            end_a = datetime.combine(base, a.start) + timedelta(minutes=a.minutes)
            for b in shifts:
                for k in (1, 2):
                    start_b = datetime.combine(base + timedelta(days=k), b.start)
                    if start_b - end_a < need:
                        out.add((a.code, b.code, k))
        return out


def _cp(pence: Decimal) -> int:
    """Pence (a Decimal) to whole centipence, half up."""
    return int((pence * _C).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- a plan and its price


@dataclass(frozen=True)
class Booking:
    staff_id: str
    day: date
    unit_id: str
    shift_type: str
    role: str | None  # the cover row's role

    @property
    def post_key(self) -> tuple[date, str, str, str | None]:
        return (self.day, self.unit_id, self.shift_type, self.role)


@dataclass(frozen=True)
class Gap:
    """Agency or shortfall on one post, and why: which minimum on which day."""

    day: date
    unit_id: str
    shift_type: str
    role: str | None
    minimum: int
    staffed: int
    agency: int
    shortfall: int

    def reason(self) -> str:
        who = self.role or "any role"
        parts = [f"{self.unit_id} {self.shift_type} on {self.day:%a %d %b}: minimum {self.minimum} {who}, "
                 f"{self.staffed} staffed"]
        if self.agency:
            parts.append(f"{self.agency} agency")
        if self.shortfall:
            parts.append(f"{self.shortfall} short (no able staff free within the rules; agency capped or not offered)")
        return ", ".join(parts)


@dataclass(frozen=True)
class CoverCost:
    """Pence, by component; ``total`` is what the model minimises (the constant contracted pay aside)."""

    contracted: int  # permanent staff's contract pay over the horizon (after leave): paid whatever the rota
    bank: int
    uplift: int  # night uplift and bank-holiday premium, staff and bank
    overtime: int
    agency: int
    shortfall: int
    skill_mix: int
    continuity: int
    fairness: int
    below_ideal: int
    total_centipence: int  # the objective: everything but ``contracted``

    @property
    def total(self) -> int:
        return round(self.total_centipence / _C)

    @property
    def money(self) -> int:
        """What the provider pays: contracted + bank + uplift + overtime + agency (no penalties)."""
        return self.contracted + self.bank + self.uplift + self.overtime + self.agency

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("contracted", "bank", "uplift", "overtime", "agency", "shortfall",
                                              "skill_mix", "continuity", "fairness", "below_ideal")} | {
            "objective": self.total, "money": self.money}


@dataclass(frozen=True)
class CoverPlan:
    method: str  # "cp-sat" or "greedy"
    start: date
    days: int
    bookings: tuple[Booking, ...]
    agency: Mapping[tuple, int]  # post key -> agency workers
    shortfall: Mapping[tuple, int]  # post key -> people missing
    mix_short: Mapping[tuple, int] = field(default_factory=dict)  # mix group key -> seniors missing
    status: str = ""
    objective_centipence: int | None = None
    bound_centipence: int | None = None
    wall_seconds: float = 0.0

    @property
    def gap_percent(self) -> float | None:
        if self.objective_centipence is None or self.bound_centipence is None:
            return None
        if self.objective_centipence == 0:
            return 0.0
        return round(100 * (self.objective_centipence - self.bound_centipence) / abs(self.objective_centipence), 2)


def assignments(problem: CoverProblem, bookings: Iterable[Booking]) -> list[Assignment]:
    types = problem.provider.shift_type_by_code
    return [Assignment(b.staff_id, b.day, types[b.shift_type].shift) for b in bookings]


def check_plan(problem: CoverProblem, plan: CoverPlan):
    """The independent Working Time checker over the plan's bookings (the 48-hour average not for those who opted out)."""
    from dataclasses import replace as _replace

    result = check_rota(assignments(problem, plan.bookings), problem.rules(), problem.period)
    opted = {s.staff_id for s in problem.provider.staff if s.opted_out}
    kept = tuple(v for v in result.violations if not (v.rule == "average_weekly_hours" and v.person in opted))
    return _replace(result, violations=kept)


def evaluate_cover(problem: CoverProblem, plan: CoverPlan) -> CoverCost:
    """Price a plan from its bookings, agency and shortfall alone (the model's variables play no part)."""
    p = problem.provider
    bh = problem.bank_holidays()
    staff = {s.staff_id: s for s in p.staff}
    posts = {post.key: post for post in problem.posts()}
    count: dict[tuple, int] = defaultdict(int)
    bank = uplift = continuity = 0
    minutes: dict[tuple[str, int], int] = defaultdict(int)
    weekend: dict[str, int] = defaultdict(int)
    blocks = problem.overtime_blocks()
    block_of = {d: i for i, blk in enumerate(blocks) for d in blk}
    for b in plan.bookings:
        s, post = staff[b.staff_id], posts[b.post_key]
        count[b.post_key] += 1
        w = problem.work_cost(s, post, bh)
        pay = _cp(Decimal(p.hourly_rate_pence(s)) * post.hours) if s.employment is Employment.BANK else 0
        bank += pay
        uplift += w - pay
        continuity += problem.continuity_cost(s, post)
        minutes[(s.staff_id, block_of[b.day])] += post.shift.minutes
        weekend[s.staff_id] += b.day.weekday() >= 5
    overtime = Decimal(0)  # centipence, exact (a minute of overtime is a fraction of a centipenny)
    for s in p.staff:
        if s.employment is not Employment.PERMANENT:
            continue
        for i, blk in enumerate(blocks):
            over = minutes[(s.staff_id, i)] - problem.contract_minutes(s, blk)
            if over > 0:
                overtime += problem.overtime_cost_per_minute(s) * over
    fairness = 0
    for s in p.staff:
        cap = problem.weekend_cap(s)
        if cap is not None and weekend[s.staff_id] > cap:
            fairness += (weekend[s.staff_id] - cap) * FAIRNESS_WEEKEND_PENCE * _C
    agency = shortfall = below = 0
    for key, post in posts.items():
        a, sh = plan.agency.get(key, 0), plan.shortfall.get(key, 0)
        if a:
            rate = problem.agency_rate(post, bh)
            if rate is None:
                raise ValueError(f"agency on {key} where no agency rate applies")
            agency += a * rate
        shortfall += sh * problem.shortfall_cost(post)
        if post.cover.ideal > post.cover.minimum:
            below += max(0, post.cover.ideal - count[key] - a - sh) * problem.below_ideal_cost(post)
    mix = 0
    for gkey, group in problem.mix_groups(list(posts.values())).items():
        mix += plan.mix_short.get(gkey, 0) * problem.mix_shortfall_cost(group)
    contracted = 0
    for s in p.staff:
        if s.employment is Employment.PERMANENT:
            mins = sum(problem.contract_minutes(s, blk) for blk in problem.weeks())
            contracted += round(Decimal(p.hourly_rate_pence(s)) * mins / 60)
    total = round(bank + uplift + overtime + agency + shortfall + mix + continuity + fairness + below)
    return CoverCost(contracted, round(bank / _C), round(uplift / _C), round(overtime / _C), round(agency / _C),
                     round(shortfall / _C), round(mix / _C), round(continuity / _C), round(fairness / _C),
                     round(below / _C), total)


def plan_problems(problem: CoverProblem, plan: CoverPlan) -> list[str]:
    """Every hard rule the plan breaks, in words (empty: a valid plan). Independent of the model."""
    p = problem.provider
    staff = {s.staff_id: s for s in p.staff}
    posts = {post.key: post for post in problem.posts()}
    out = []
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    count: dict[tuple, int] = defaultdict(int)
    for b in plan.bookings:
        s = staff.get(b.staff_id)
        post = posts.get(b.post_key)
        if s is None or post is None:
            out.append(f"{b}: unknown staff or post")
            continue
        per_day[(b.staff_id, b.day)] += 1
        count[b.post_key] += 1
        if not problem.may_work(s, post):
            out.append(f"{b.staff_id} may not work {b.unit_id} {b.shift_type} ({b.role or 'any role'})")
        if not problem.available(s, b.day):
            out.append(f"{b.staff_id} is on leave or cannot work on {b.day}")
    out += [f"{sid} works {n} shifts on {d}" for (sid, d), n in per_day.items() if n > 1]
    for key, post in posts.items():
        a, sh = plan.agency.get(key, 0), plan.shortfall.get(key, 0)
        if count[key] > max(post.cover.ideal, post.cover.minimum):
            out.append(f"{key}: {count[key]} staff above the ideal {post.cover.ideal}")
        if count[key] + a + sh < post.cover.minimum:
            out.append(f"{key}: {count[key]} staff + {a} agency + {sh} short below the minimum {post.cover.minimum}")
        if a > problem.agency_cap(post):
            out.append(f"{key}: {a} agency above the cap {problem.agency_cap(post)}")
    by_post: dict[tuple, list[Booking]] = defaultdict(list)
    for b in plan.bookings:
        by_post[b.post_key].append(b)
    for gkey, group in problem.mix_groups(list(posts.values())).items():
        _, _, _, senior_role, one_per = gkey
        people = seniors = 0
        for post in group:
            a = plan.agency.get(post.key, 0)
            people += a
            seniors += a if problem.agency_senior(post, senior_role) else 0
        for post in group:
            for b in by_post[post.key]:
                people += 1
                seniors += p.at_least_as_senior(staff[b.staff_id].role, senior_role)
        if one_per * (seniors + plan.mix_short.get(gkey, 0)) < people:
            out.append(f"{gkey}: {seniors} seniors for {people} people")
    for v in check_plan(problem, plan).errors:
        out.append(v.message)
    return out


# --------------------------------------------------------------------------- greedy


def greedy_cover(problem: CoverProblem) -> CoverPlan:
    """The hand-made baseline: day by day, hardest posts first, the cheapest able and free person, then agency.

    A person is taken only when the rules allow it given the days already filled; the
    result is then checked with the independent checker and any shift it objects to is
    dropped (dropping work never breaks a rule) and its post refilled from agency or left short.
    """
    t0 = _time.perf_counter()
    p = problem.provider
    bh = problem.bank_holidays()
    posts = problem.posts()
    by_day: dict[date, list[Post]] = defaultdict(list)
    for post in posts:
        by_day[post.day].append(post)
    rules = problem.rules()
    conflicts = problem.rest_conflicts([t.shift for t in p.shift_types])
    max_nights = int(rules.limits["consecutive_nights"]["max_consecutive"]) if "consecutive_nights" in rules.enabled else None
    cap_minutes = (round(rules.limits["average_weekly_hours"]["max_hours"] * 60) * problem.period.weeks
                   if "average_weekly_hours" in rules.enabled else None)
    worked: dict[str, dict[date, Post]] = defaultdict(dict)
    total_minutes: dict[str, int] = defaultdict(int)
    bookings: list[Booking] = []
    blocks = problem.overtime_blocks()
    block_of = {d: i for i, blk in enumerate(blocks) for d in blk}
    block_minutes: dict[tuple[str, int], int] = defaultdict(int)
    contract = {(s.staff_id, i): problem.contract_minutes(s, blk) for s in p.staff for i, blk in enumerate(blocks)}

    def free(s: Staff, post: Post) -> bool:
        mine = worked[s.staff_id]
        d = post.day
        if d in mine or not problem.available(s, d):
            return False
        for k in (1, 2):
            prev = mine.get(d - timedelta(days=k))
            if prev is not None and (prev.cover.shift_type, post.cover.shift_type, k) in conflicts:
                return False
        if max_nights is not None and post.shift.night:
            run = 0
            while (q := mine.get(d - timedelta(days=run + 1))) is not None and q.shift.night:
                run += 1
            if run + 1 > max_nights:
                return False
        if cap_minutes is not None and not s.opted_out and total_minutes[s.staff_id] + post.shift.minutes > cap_minutes:
            return False
        # weekly rest, conservatively: never more than 5 shifts in any 7 consecutive days
        last7 = sum(1 for k in range(1, 7) if d - timedelta(days=k) in mine)
        return last7 < 5

    def price(s: Staff, post: Post) -> tuple:
        w = problem.work_cost(s, post, bh) + problem.continuity_cost(s, post)
        key = (s.staff_id, block_of[post.day])
        if s.employment is Employment.PERMANENT:
            over = block_minutes[key] + post.shift.minutes - contract[key]
            w += int(problem.overtime_cost_per_minute(s) * max(0, min(over, post.shift.minutes)))
        return (w, s.staff_id)

    able = {post.key: [s for s in p.staff if problem.may_work(s, post)] for post in posts}
    filled: dict[tuple, int] = defaultdict(int)
    # skill mix: the groups each post counts in, and the seniors each group will need when fully staffed
    groups = problem.mix_groups(posts)
    groups_of: dict[tuple, list[tuple]] = defaultdict(list)
    for gkey, group in groups.items():
        for q in group:
            groups_of[q.key].append(gkey)
    seniors_in: dict[tuple, int] = defaultdict(int)
    seniors_needed = {gkey: -(-sum(max(q.cover.ideal, q.cover.minimum) for q in group) // gkey[4])
                      for gkey, group in groups.items()}

    def short_of_seniors(post: Post, s: Staff) -> bool:
        """True when ``s`` is not senior enough for a group of ``post`` that still lacks seniors."""
        return any(seniors_in[g] < seniors_needed[g] and not p.at_least_as_senior(s.role, g[3])
                   for g in groups_of[post.key])
    for d in problem.dates:
        # senior and single posts first, then nights, then the rest
        order = sorted(by_day[d], key=lambda q: (q.cover.role is None,
                                                 p.role_by_code[q.cover.role].seniority if q.cover.role else 99,
                                                 not q.shift.night, q.key))
        for post in order:
            need = max(post.cover.ideal, post.cover.minimum)
            for _ in range(need):
                cands = [s for s in able[post.key] if free(s, post)]
                if not cands:
                    break
                s = min(cands, key=lambda s: (short_of_seniors(post, s), price(s, post)))
                w, _ = price(s, post)
                if filled[post.key] >= post.cover.minimum:
                    # above the minimum only when it costs no more than leaving the post below ideal
                    if w > problem.below_ideal_cost(post):
                        break
                worked[s.staff_id][d] = post
                total_minutes[s.staff_id] += post.shift.minutes
                block_minutes[(s.staff_id, block_of[d])] += post.shift.minutes
                bookings.append(Booking(s.staff_id, d, post.cover.unit_id, post.cover.shift_type, post.cover.role))
                filled[post.key] += 1
                for g in groups_of[post.key]:
                    seniors_in[g] += p.at_least_as_senior(s.role, g[3])
    # the independent checker decides; drop what it objects to
    for _ in range(50):
        plan = CoverPlan("greedy", problem.start, problem.days, tuple(bookings), {}, {})
        errors = check_plan(problem, plan).errors
        if not errors:
            break
        drop = set()
        for v in errors:
            mine = [b for b in bookings if b.staff_id == v.person and v.start.date() - timedelta(days=1) <= b.day
                    <= v.end.date()]
            if mine:
                drop.add(max(mine, key=lambda b: (b.day, b.shift_type)))
        bookings = [b for b in bookings if b not in drop]
    plan = _fill_gaps(problem, bookings, posts)
    return CoverPlan("greedy", problem.start, problem.days, plan[0], plan[1], plan[2], plan[3], status="HEURISTIC",
                     wall_seconds=round(_time.perf_counter() - t0, 3))


def _fill_gaps(problem: CoverProblem, bookings: list[Booking], posts: Sequence[Post]):
    """Agency (cheapest first, up to the cap) then shortfall for each post below its minimum; skill-mix slack."""
    p = problem.provider
    bh = problem.bank_holidays()
    staff = {s.staff_id: s for s in p.staff}
    count: dict[tuple, int] = defaultdict(int)
    for b in bookings:
        count[b.post_key] += 1
    agency, short = {}, {}
    for post in posts:
        missing = post.cover.minimum - count[post.key]
        if missing <= 0:
            continue
        rate = problem.agency_rate(post, bh)
        a = min(missing, problem.agency_cap(post)) if rate is not None and rate < problem.shortfall_cost(post) else 0
        if a:
            agency[post.key] = a
        if missing - a:
            short[post.key] = missing - a
    mix = {}
    for gkey, group in problem.mix_groups(posts).items():
        _, _, _, senior_role, one_per = gkey
        keys = {q.key for q in group}
        mine = [b for b in bookings if b.post_key in keys]
        people = len(mine) + sum(agency.get(q.key, 0) for q in group)
        seniors = sum(p.at_least_as_senior(staff[b.staff_id].role, senior_role) for b in mine)
        seniors += sum(agency.get(q.key, 0) for q in group if problem.agency_senior(q, senior_role))
        need = -(-people // one_per)
        if seniors < need:
            mix[gkey] = need - seniors
    return tuple(bookings), agency, short, mix


# --------------------------------------------------------------------------- CP-SAT


@dataclass
class _Model:
    model: object
    x: dict  # (staff index, post index) -> BoolVar
    agency: dict  # post index -> IntVar
    short: dict
    mix: dict  # group key -> IntVar
    posts: list
    staff: list


def build_model(problem: CoverProblem):
    """The CP-SAT model (see the module docstring); returns the model and its variables."""
    from ortools.sat.python import cp_model

    p = problem.provider
    m = cp_model.CpModel()
    bh = problem.bank_holidays()
    posts = problem.posts()
    staff = list(p.staff)
    rules = problem.rules()
    x: dict[tuple[int, int], object] = {}
    cost_terms: list[tuple[object, int]] = []
    by_staff_day: dict[tuple[int, date], list[tuple[int, object]]] = defaultdict(list)
    for j, post in enumerate(posts):
        for i, s in enumerate(staff):
            if problem.may_work(s, post) and problem.available(s, post.day):
                v = m.NewBoolVar(f"x_{s.staff_id}_{post.day:%m%d}_{post.cover.unit_id}_{post.cover.shift_type}")
                x[(i, j)] = v
                by_staff_day[(i, post.day)].append((j, v))
                c = problem.work_cost(s, post, bh) + problem.continuity_cost(s, post)
                if c:
                    cost_terms.append((v, c))
    agency, short = {}, {}
    by_post: dict[int, list] = defaultdict(list)
    staff_of_post: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for (i, j), v in x.items():
        by_post[j].append(v)
        staff_of_post[j].append((i, v))
    for j, post in enumerate(posts):
        mn, ideal = post.cover.minimum, post.cover.ideal
        staffed = sum(by_post[j])
        rate = problem.agency_rate(post, bh)
        cap = problem.agency_cap(post) if rate is not None else 0
        a = m.NewIntVar(0, cap, f"agency_{j}") if cap else 0
        sh = m.NewIntVar(0, mn, f"short_{j}") if mn else 0
        if cap:
            agency[j] = a
            cost_terms.append((a, rate))
        if mn:
            short[j] = sh
            cost_terms.append((sh, problem.shortfall_cost(post)))
            m.Add(staffed + a + sh >= mn)
        if by_post[j]:
            m.Add(staffed <= max(ideal, mn))
        if ideal > mn:  # below ideal: a small price per missing person between minimum and ideal
            below = m.NewIntVar(0, ideal - mn, f"below_{j}")
            m.Add(below >= ideal - staffed - a - sh)  # agency or a gap never pays for itself here
            cost_terms.append((below, problem.below_ideal_cost(post)))
    # one shift a day
    for key, vs in by_staff_day.items():
        if len(vs) > 1:
            m.AddAtMostOne(v for _, v in vs)
    # per person per day per shift type
    codes = [t.code for t in p.shift_types]
    shift_of = {t.code: t.shift for t in p.shift_types}
    dates = problem.dates
    mix_vars = {}
    groups = problem.mix_groups(posts)
    index = {post.key: j for j, post in enumerate(posts)}
    for gkey, group in groups.items():
        _, _, _, senior_role, one_per = gkey
        people, seniors = [], []
        for post in group:
            j = index[post.key]
            for i, v in staff_of_post[j]:
                people.append(v)
                if p.at_least_as_senior(staff[i].role, senior_role):
                    seniors.append(v)
            if j in agency:
                people.append(agency[j])
                if problem.agency_senior(post, senior_role):
                    seniors.append(agency[j])
        if not people:
            continue
        ms = m.NewIntVar(0, len(people), f"mix_{len(mix_vars)}")
        mix_vars[gkey] = ms
        m.Add(one_per * (sum(seniors) + ms) >= sum(people))
        cost_terms.append((ms, problem.mix_shortfall_cost(group)))
    conflicts = problem.rest_conflicts([shift_of[c] for c in codes])
    blocks = problem.overtime_blocks()
    for i, s in enumerate(staff):
        day_vars: dict[date, dict[str, list]] = {}
        for d in dates:
            per: dict[str, list] = defaultdict(list)
            for j, v in by_staff_day.get((i, d), []):
                per[posts[j].cover.shift_type].append(v)
            day_vars[d] = per
        if not any(day_vars[d] for d in dates):
            continue

        def works(d: date, code: str | None = None):
            per = day_vars.get(d, {})
            if code is None:
                return sum(v for vs in per.values() for v in vs)
            return sum(per.get(code, []))

        # rest between shifts: forbidden pairs a on d, b on d+k
        for a, b, k in conflicts:
            for d in dates:
                e = d + timedelta(days=k)
                if day_vars[d].get(a) and e in day_vars and day_vars[e].get(b):
                    m.Add(works(d, a) + works(e, b) <= 1)
        night_codes = [c for c in codes if shift_of[c].night]
        if "consecutive_nights" in rules.enabled and night_codes:
            n = int(rules.limits["consecutive_nights"]["max_consecutive"])
            for k in range(len(dates) - n):
                window = [sum(works(dates[k + q], c) for c in night_codes) for q in range(n + 1)]
                m.Add(sum(window) <= n)
        if "average_weekly_hours" in rules.enabled and not s.opted_out:
            cap = round(rules.limits["average_weekly_hours"]["max_hours"] * 60) * problem.period.weeks
            m.Add(sum(shift_of[c].minutes * works(d, c) for d in dates for c in codes) <= cap)
        if "weekly_rest" in rules.enabled:
            _weekly_rest(m, problem, dates, day_vars, works, shift_of, codes, f"{i}")
        if s.employment is Employment.PERMANENT:
            rate = problem.overtime_cost_per_minute(s)
            for bi, blk in enumerate(blocks):
                worked = sum(shift_of[c].minutes * works(d, c) for d in blk for c in codes)
                limit = problem.contract_minutes(s, blk)
                top = sum(max((shift_of[c].minutes for c in codes), default=0) for _ in blk)
                if top <= limit:
                    continue
                ot = m.NewIntVar(0, top, f"ot_{i}_{bi}")
                m.Add(ot >= worked - limit)
                cost_terms.append((ot, rate))  # centipence a minute (a Decimal, scaled below)
        cap = problem.weekend_cap(s)
        if cap is not None:
            wk = sum(works(d) for d in dates if d.weekday() >= 5)
            over = m.NewIntVar(0, len(dates), f"wkend_{i}")
            m.Add(over >= wk - cap)
            cost_terms.append((over, FAIRNESS_WEEKEND_PENCE * _C))
    # overtime per minute is fractional centipence: scale the whole objective by 60 so every coefficient is whole
    obj = []
    for v, c in cost_terms:
        coef = int((Decimal(c) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if coef:
            obj.append(coef * v)
    m.Minimize(sum(obj))
    return _Model(m, x, agency, short, mix_vars, posts, staff)


def _weekly_rest(m, problem, dates, day_vars, works, shift_of, codes, tag) -> None:
    """Two separate 24-hour rests in each 14-day block from the start (one in a final 7-day block).

    ``z[d]`` (a rest counted on day ``d``) needs ``d`` off and no pair of shifts on
    ``d-1`` and ``d+1`` that leaves less than 24 h between them (clipped to the block, as
    the checker clips); two counted days may not be adjacent, so they are two rests, or
    one of 48 h or more when the days between are off too. Sufficient, not necessary.
    """
    r = problem.rules().limits["weekly_rest"]
    need = timedelta(minutes=round(r["rest_hours"] * 60))
    start = problem.period.start
    end_excl = problem.period.end + timedelta(days=1)
    lo = start
    while lo < end_excl:
        hi = min(lo + timedelta(days=14), end_excl)
        required = 2 if (hi - lo).days == 14 else 1
        lo_dt, hi_dt = datetime.combine(lo, time(0)), datetime.combine(hi, time(0))
        z = {}
        tail = []  # days of the block after the horizon (the period is whole weeks): nobody works them
        for d in (lo + timedelta(days=k) for k in range((hi - lo).days)):
            if d not in day_vars:
                tail.append(d)
                continue
            zv = m.NewBoolVar(f"rest_{tag}_{d:%m%d}")
            m.Add(works(d) + zv <= 1)
            prev = [None] + [c for c in codes if day_vars.get(d - timedelta(days=1), {}).get(c)]
            nxt = [None] + [c for c in codes if day_vars.get(d + timedelta(days=1), {}).get(c)]
            for a in prev:
                g0 = datetime.combine(d, time(0)) if a is None else (
                    datetime.combine(d - timedelta(days=1), shift_of[a].start) + timedelta(minutes=shift_of[a].minutes))
                g0 = max(g0, lo_dt)
                for b in nxt:
                    g1 = datetime.combine(d + timedelta(days=2), time(0)) if b is None else datetime.combine(
                        d + timedelta(days=1), shift_of[b].start)
                    g1 = min(g1, hi_dt)
                    if g1 - g0 < need:
                        terms = [zv] + ([works(d - timedelta(days=1), a)] if a else []) + (
                            [works(d + timedelta(days=1), b)] if b else [])
                        m.Add(sum(terms) <= len(terms) - 1)
            z[d] = zv
        days = sorted(z)
        for d1, d2 in zip(days, days[1:]):
            m.Add(z[d1] + z[d2] <= 1)
        counted = 0
        if tail and days:
            # the tail is a rest of its own when even the latest shift of the last horizon day leaves 24 h
            last = days[-1]
            latest = max((datetime.combine(last, shift_of[c].start) + timedelta(minutes=shift_of[c].minutes)
                          for c in codes if day_vars[last].get(c)), default=datetime.combine(last, time(0)))
            if hi_dt - max(latest, lo_dt) >= need:
                counted = 1
                m.Add(z[last] == 0)  # else the two would be one rest
        elif tail:
            counted = 1
        m.Add(sum(z.values()) + counted >= required)
        lo = hi


@dataclass(frozen=True)
class Progress:
    seconds: float
    objective_pence: int
    bound_pence: int


def _check_time_limit(time_limit: object) -> None:
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not 0 < time_limit <= 3600:
        raise ValueError(f"time limit: {time_limit!r} must be a number of seconds, above 0 and at most 3600")


def solve_cover(
    problem: CoverProblem,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 1,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    log: bool = False,
    hint: CoverPlan | None = None,
) -> tuple[CoverPlan, CoverPlan]:
    """Greedy, then CP-SAT from the greedy (or ``hint``) as a hint; returns ``(cp-sat plan, greedy plan)``.

    ``hint``: a complete plan of ``problem`` to start from instead of the greedy one
    (:func:`solve_cover_by_home` passes the plan it put together home by home); the
    returned plan is never worse than the hint or the greedy plan.

    ``workers=1`` is reproducible: CP-SAT's portfolio interleaved in one thread with a
    fixed seed and a deterministic time limit, so the same inputs give the same plan.
    This is the default: on the demo's 7 days it proves the optimum where the parallel
    mode, on a loaded 2-core machine, does not. More workers (8 = CP-SAT's full portfolio,
    LP-based workers included; fewer leave them out) search in parallel on a
    wall-clock limit, not the same plan twice. If CP-SAT finds no plan in the limit the
    greedy plan is returned with a status that says so.
    """
    from ortools.sat.python import cp_model

    _check_time_limit(time_limit)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ValueError(f"seed: {seed!r} must be a whole number, 0..{2**31 - 1}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 64:
        raise ValueError(f"workers: {workers!r} must be a whole number, 1..64")
    t0 = _time.perf_counter()
    greedy = greedy_cover(problem)
    start_from = greedy if hint is None else hint
    built = build_model(problem)
    m = built.model
    # the greedy (or the given plan) as a complete hint
    booked = {(b.staff_id, b.post_key) for b in start_from.bookings}
    for (i, j), v in built.x.items():
        m.AddHint(v, (built.staff[i].staff_id, built.posts[j].key) in booked)
    for j, v in built.agency.items():
        m.AddHint(v, start_from.agency.get(built.posts[j].key, 0))
    for j, v in built.short.items():
        m.AddHint(v, start_from.shortfall.get(built.posts[j].key, 0))
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = seed
    prm.log_search_progress = log
    if workers == 1:
        # reproducible: CP-SAT's portfolio (LNS included) interleaved deterministically in one thread
        prm.num_workers = 8
        prm.interleave_search = True
        prm.max_deterministic_time = float(time_limit)
        prm.max_time_in_seconds = 4 * float(time_limit) + 5
    else:
        prm.num_workers = workers
        prm.max_time_in_seconds = float(time_limit)

    class _CB(cp_model.CpSolverSolutionCallback):
        def __init__(self):
            super().__init__()
            self.start = _time.perf_counter()

        def on_solution_callback(self):
            if on_progress is not None:
                on_progress(Progress(round(_time.perf_counter() - self.start, 2), round(self.ObjectiveValue() / 60 / _C),
                                     round(self.BestObjectiveBound() / 60 / _C)))
            if stop is not None and stop.is_set():
                self.StopSearch()

    status = solver.Solve(m, _CB())
    name = solver.StatusName(status)
    greedy_cost = evaluate_cover(problem, greedy).total_centipence
    object.__setattr__(greedy, "objective_centipence", greedy_cost)
    fallback, what = greedy, "the greedy plan"
    if hint is not None:
        hint_cost = evaluate_cover(problem, hint).total_centipence
        if hint_cost <= greedy_cost:
            fallback, what = replace(hint, objective_centipence=hint_cost), f"the {hint.method} plan"
    fallback_cost = fallback.objective_centipence
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"the cover model returned {name}; it has slack on every post and should never do so")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # no solution within the limit (a large horizon on a busy machine): the fallback stands, said so
        return (replace(fallback, method=fallback.method, status=f"{name} (CP-SAT found no plan in the time limit; "
                        f"{what} is returned)", bound_centipence=round(solver.BestObjectiveBound() / 60),
                        wall_seconds=round(_time.perf_counter() - t0, 2)), greedy)
    bookings = []
    for (i, j), v in built.x.items():
        if solver.Value(v):
            post = built.posts[j]
            bookings.append(Booking(built.staff[i].staff_id, post.day, post.cover.unit_id, post.cover.shift_type,
                                    post.cover.role))
    bookings.sort(key=lambda b: (b.day, b.unit_id, b.shift_type, b.role or "", b.staff_id))
    agency = {built.posts[j].key: solver.Value(v) for j, v in built.agency.items() if solver.Value(v)}
    short = {built.posts[j].key: solver.Value(v) for j, v in built.short.items() if solver.Value(v)}
    mix = {k: solver.Value(v) for k, v in built.mix.items() if solver.Value(v)}
    plan = CoverPlan("cp-sat", problem.start, problem.days, tuple(bookings), agency, short, mix, status=name,
                     objective_centipence=round(solver.ObjectiveValue() / 60),
                     bound_centipence=round(solver.BestObjectiveBound() / 60),
                     wall_seconds=round(_time.perf_counter() - t0, 2))
    if plan.objective_centipence > fallback_cost:
        # the search wandered off its hint and ran out of time worse off: the fallback stands, said so
        return (replace(fallback, status=f"{name} (CP-SAT's best plan cost more than {what} in the time "
                        f"limit; {what} is returned)", bound_centipence=plan.bound_centipence,
                        wall_seconds=plan.wall_seconds), greedy)
    return plan, greedy


#: the largest whole problem (posts x staff) that :func:`solve_cover_by_home` polishes by default
POLISH_MAX_PAIRS = 20_000


def home_problem(problem: CoverProblem, home_id: str) -> CoverProblem:
    """The part of ``problem`` of one home: its units and cover, its own staff (floating staff kept at home)."""
    p = problem.provider
    units = tuple(u for u in p.units if u.home_id == home_id)
    ids = {u.unit_id for u in units}
    staff = tuple(replace(s, floats=False) for s in p.staff if s.home_id == home_id)
    who = {s.staff_id for s in staff}
    sub = replace(p, homes=tuple(h for h in p.homes if h.home_id == home_id), units=units, staff=staff,
                  cover=tuple(c for c in p.cover if c.unit_id in ids),
                  skill_mix=tuple(m for m in p.skill_mix if m.unit_id is None or m.unit_id in ids),
                  leave=tuple(x for x in p.leave if x.staff_id in who))
    return CoverProblem(sub, problem.start, problem.days)


def solve_cover_by_home(
    problem: CoverProblem,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 1,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    log: bool = False,
    polish_share: float | None = None,
    on_home: Callable[[str, int, int], None] | None = None,
) -> tuple[CoverPlan, CoverPlan]:
    """Decompose by home, then polish the whole: returns ``(plan, greedy plan)`` like :func:`solve_cover`.

    Homes share nothing but floating staff, so with every floating person kept in their
    own home the problem falls apart into one model per home, each a fifth of the size
    on the demo provider, which CP-SAT closes far faster than the whole. Each home gets
    a share of ``(1 - polish_share) × time_limit`` in proportion to its posts; the plans
    are put together (a valid plan of the whole: each person works in one home only),
    then the whole model, floating allowed, starts from it for the rest of the time. The
    result is never worse than the put-together plan or the greedy one.

    ``polish_share=None`` (default) polishes (0.4) only when someone floats and the
    whole is small (posts × staff ≤ :data:`POLISH_MAX_PAIRS`): on the demo provider the
    whole model found nothing better in 7 days and no plan at all in 28, and the time
    it took from the homes cost £31,696 over 28 days (docs/carehomes.md).

    The bound: when nobody floats the homes are independent and the sum of their
    bounds is a bound of the whole; otherwise only the polishing solve's bound holds.
    ``on_home(home_id, done, of)`` is called after each home's solve (progress).
    """
    floats = any(s.floats for s in problem.provider.staff)
    if polish_share is None:
        small = len(problem.posts()) * len(problem.provider.staff) <= POLISH_MAX_PAIRS
        polish_share = 0.4 if floats and small else 0.0
    if not 0 <= polish_share < 1:
        raise ValueError(f"polish share: {polish_share!r} must be at least 0 and below 1")
    _check_time_limit(time_limit)
    t0 = _time.perf_counter()
    homes = sorted({u.home_id for u in problem.provider.units})
    parts = [home_problem(problem, h) for h in homes]
    sizes = [max(1, len(sp.posts())) for sp in parts]
    budget = (1 - polish_share) * float(time_limit)
    plans = []
    for sp, n in zip(parts, sizes):
        if stop is not None and stop.is_set():
            raise KeyboardInterrupt
        plans.append(solve_cover(sp, time_limit=max(0.5, budget * n / sum(sizes)), seed=seed, workers=workers,
                                 stop=stop, log=log)[0])
        if on_home is not None:
            on_home(sp.provider.homes[0].home_id, len(plans), len(parts))
    all_optimal = all(pl.status == "OPTIMAL" for pl in plans)
    bounds = [pl.bound_centipence for pl in plans]
    joined = CoverPlan(
        "by-home", problem.start, problem.days,
        tuple(sorted((b for pl in plans for b in pl.bookings),
                     key=lambda b: (b.day, b.unit_id, b.shift_type, b.role or "", b.staff_id))),
        {k: v for pl in plans for k, v in pl.agency.items()},
        {k: v for pl in plans for k, v in pl.shortfall.items()},
        {k: v for pl in plans for k, v in pl.mix_short.items()},
        status=("OPTIMAL" if all_optimal and not floats else "FEASIBLE"),
        bound_centipence=(sum(bounds) if not floats and None not in bounds else None),
    )
    joined = replace(joined, objective_centipence=evaluate_cover(problem, joined).total_centipence,
                     wall_seconds=round(_time.perf_counter() - t0, 2))
    if polish_share == 0 or (all_optimal and not floats):
        greedy = greedy_cover(problem)
        object.__setattr__(greedy, "objective_centipence", evaluate_cover(problem, greedy).total_centipence)
        if joined.objective_centipence > greedy.objective_centipence:  # cannot happen: each home starts from its greedy
            return replace(greedy, status="FEASIBLE (the greedy plan is returned)"), greedy
        note = ", floating staff kept in their own home" if floats else ""
        return replace(joined, method=f"cp-sat home by home ({len(homes)} models{note})"), greedy
    left = max(0.5, float(time_limit) - budget)
    plan, greedy = solve_cover(problem, time_limit=left, seed=seed, workers=workers, on_progress=on_progress,
                               stop=stop, log=log, hint=joined)
    method = f"cp-sat home by home ({len(homes)} models), then the whole with floating staff"
    if plan.method == "by-home":  # the polishing solve kept the put-together plan
        method = f"cp-sat home by home ({len(homes)} models); the whole model did not improve it"
    return replace(plan, method=method, wall_seconds=round(_time.perf_counter() - t0, 2)), greedy


def gaps(problem: CoverProblem, plan: CoverPlan) -> list[Gap]:
    """Every post with agency or a shortfall, with how many staff it had."""
    count: dict[tuple, int] = defaultdict(int)
    for b in plan.bookings:
        count[b.post_key] += 1
    out = []
    for post in problem.posts():
        a, sh = plan.agency.get(post.key, 0), plan.shortfall.get(post.key, 0)
        if a or sh:
            out.append(Gap(post.day, post.cover.unit_id, post.cover.shift_type, post.cover.role, post.cover.minimum,
                           count[post.key], a, sh))
    return out
