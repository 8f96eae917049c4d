"""The contract safety checker: named rules over a rota, independent of any solver.

Each rule is one function registered in :data:`RULES` under the id used in files,
reports and the CLI, with its parameters (defaults are the limits of the 2016
junior doctor terms and conditions for England as amended in 2019, and the
Working Time Regulations 1998) and its source. A rule receives one person's
assignments, sorted by start, and returns :class:`Violation` records.

Every choice the contract leaves open (what "consecutive days" means for a night
that ends the next morning, how 1 weekend in 2 is counted over an odd number of
weekends, fixed or rolling weekly-rest windows, ...) is written down in
docs/departments.md, section "The safety rules", and pinned by tests in
tests/test_rostering_rules.py.

All comparisons are made in whole minutes, so a rule breaks at exactly one minute
past its limit and never through floating-point rounding.

Usage::

    rules = RuleSet.from_overrides({"consecutive_nights": 3})
    result = check_rota(assignments, rules, Period(date(2026, 11, 30), 8))
    result.errors, result.warnings
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..errors import Problem, ValidationError
from .shifts import Assignment

__all__ = [
    "CheckResult", "Param", "Period", "Rule", "RuleSet", "RULES", "Violation", "check_rota",
    "rest_periods", "runs_on_consecutive_days",
]

ERROR = "error"
WARNING = "warning"
_MIN = timedelta(minutes=1)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Violation:
    """One breach of one rule by one person, over ``[start, end)``."""

    rule: str
    person: str
    start: datetime
    end: datetime
    value: float
    limit: float
    unit: str  # "hours", "hours a week", "shifts", "days", "weekends"
    message: str
    severity: str = ERROR

    def as_dict(self, person_field: str = "doctor_id") -> dict[str, Any]:
        """JSON-ready: ISO datetimes, the person under ``person_field``."""
        return {
            "rule": self.rule,
            person_field: self.person or None,
            "start": self.start.isoformat(timespec="minutes"),
            "end": self.end.isoformat(timespec="minutes"),
            "value": self.value,
            "limit": self.limit,
            "unit": self.unit,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True)
class Period:
    """A reference period: ``weeks`` whole weeks from 00:00 on ``start``."""

    start: date
    weeks: int

    def __post_init__(self) -> None:
        if not isinstance(self.weeks, int) or isinstance(self.weeks, bool) or self.weeks < 1:
            raise ValueError(f"reference period weeks: {self.weeks!r} must be a whole number of weeks, 1 or more")

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        return self.start + timedelta(days=7 * self.weeks - 1)

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time(0))

    @property
    def end_dt(self) -> datetime:
        """00:00 on the day after the period (exclusive end)."""
        return datetime.combine(self.end + timedelta(days=1), time(0))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def weekends(self) -> list[tuple[datetime, datetime]]:
        """Each weekend whose Saturday is in the period, as ``[Saturday 00:01, Sunday 23:59)``."""
        out = []
        day = self.start + timedelta(days=(5 - self.start.weekday()) % 7)
        while day <= self.end:
            out.append((datetime.combine(day, time(0, 1)), datetime.combine(day + timedelta(days=1), time(23, 59))))
            day += timedelta(days=7)
        return out

    @staticmethod
    def works_in(rota: Iterable[Assignment], lo: datetime, hi: datetime) -> bool:
        """True when any shift has a minute of work inside ``[lo, hi)``."""
        return any(a.start < hi and a.end > lo for a in rota)

    @classmethod
    def covering(cls, assignments: Iterable[Assignment]) -> "Period":
        """Whole weeks, Monday to Sunday, from the first to the last shift start."""
        days = [a.day for a in assignments]
        if not days:
            raise ValueError("cannot derive a reference period from an empty rota; give one")
        first = min(days) - timedelta(days=min(days).weekday())
        last = max(days)
        return cls(first, (last - first).days // 7 + 1)


#: the largest value of any rule limit (hours, days, nights, weekends): far above any real
#: limit, so a typo such as 3000000000 or inf is refused instead of disabling the rule
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Param:
    """One limit of a rule: its name in ``[rules.<rule>]``, default and unit."""

    name: str
    default: float
    unit: str
    description: str
    integer: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    source: str
    params: tuple[Param, ...]
    check: Callable[[str, Sequence[Assignment], "Context"], list[Violation]]

    @property
    def main(self) -> Param:
        """The parameter a bare number in ``[rules]`` sets."""
        return self.params[0]


@dataclass(frozen=True)
class Context:
    """What a rule sees besides the assignments: the period and its own limits."""

    period: Period
    limits: Mapping[str, float]

    def minutes(self, name: str) -> int:
        return round(self.limits[name] * 60)


#: rule id -> Rule, in the order of the contract table
RULES: dict[str, Rule] = {}


def rule(rule_id: str, summary: str, source: str, *params: Param):
    def register(fn):
        RULES[rule_id] = Rule(rule_id, summary, source, tuple(params), fn)
        return fn

    return register


# --------------------------------------------------------------------------- helpers


def _h(minutes: int | float) -> float:
    """Minutes -> hours, rounded to 2 dp for display and JSON."""
    return round(minutes / 60, 2)


def _fmt_h(minutes: int | float) -> str:
    hours, mins = divmod(int(minutes), 60)
    return f"{hours} h" if not mins else f"{hours} h {mins:02d} min"


def _when(dt: datetime) -> str:
    return dt.strftime("%a %d %b %Y %H:%M")


def runs_on_consecutive_days(
    assignments: Sequence[Assignment], keep: Callable[[Assignment], bool]
) -> list[list[Assignment]]:
    """Maximal runs of kept assignments whose start dates are consecutive days.

    A run is broken by a day without a kept assignment, whatever else is worked
    that day; two kept shifts starting the same day both join the run (the run's
    length is counted in days, see :func:`_days`).
    """
    out: list[list[Assignment]] = []
    for a in assignments:
        if not keep(a):
            continue
        if out and (a.day - out[-1][-1].day).days <= 1:
            out[-1].append(a)
        else:
            out.append([a])
    return out


def _days(run: Sequence[Assignment]) -> int:
    return len({a.day for a in run})


def _after(rota: Sequence[Assignment], run: Sequence[Assignment]) -> Assignment | None:
    """The shift that follows a run in ``rota`` (sorted by start), if any."""
    last = run[-1]
    for i, a in enumerate(rota):
        if a is last:
            return rota[i + 1] if i + 1 < len(rota) else None
    raise AssertionError("run not taken from this rota")  # pragma: no cover


def rest_periods(assignments: Sequence[Assignment], lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """The gaps between work inside ``[lo, hi)``, clipped to it (the edges count as rest)."""
    gaps: list[tuple[datetime, datetime]] = []
    cursor = lo
    for a in assignments:
        if a.end <= lo:
            continue
        if a.start >= hi:
            break
        if a.start > cursor:
            gaps.append((cursor, a.start))
        cursor = max(cursor, a.end)
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def _mins(td: timedelta) -> int:
    return int(td.total_seconds() // 60)


# --------------------------------------------------------------------------- the rules


@rule(
    "average_weekly_hours",
    "at most 48 hours a week averaged over the reference period",
    "TCS 2016 (England) Schedule 03; Working Time Regulations 1998 reg 4",
    Param("max_hours", 48, "hours a week", "average weekly hours over the reference period"),
)
def average_weekly_hours(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    period = ctx.period
    total = sum(a.minutes for a in rota if period.contains(a.day))
    if total <= ctx.minutes("max_hours") * period.weeks:
        return []
    avg = total / period.weeks
    return [Violation(
        "average_weekly_hours", person, period.start_dt, period.end_dt, _h(avg), ctx.limits["max_hours"],
        "hours a week",
        f"{person} works {_fmt_h(total)} in the {period.weeks} weeks from {period.start:%d %b %Y}, "
        f"an average of {_h(avg)} h a week; at most {ctx.limits['max_hours']:g} h",
    )]


@rule(
    "hours_in_168",
    "at most 72 hours in any 168 consecutive hours",
    "TCS 2016 (England) Schedule 03",
    Param("max_hours", 72, "hours", "hours worked in any 168 consecutive hours"),
    Param("window_hours", 168, "hours", "length of the sliding window", integer=True),
)
def hours_in_168(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    window = timedelta(minutes=ctx.minutes("window_hours"))
    limit = ctx.minutes("max_hours")

    def worked(lo: datetime) -> int:
        hi = lo + window
        return sum(_mins(min(a.end, hi) - max(a.start, lo)) for a in rota if a.end > lo and a.start < hi)

    # the worked time in a sliding window is largest when the window starts at a
    # shift start or ends at a shift end, so only those windows are examined
    shift_starts = {a.start for a in rota}
    starts = sorted(shift_starts | {a.end - window for a in rota})
    breaches = [(lo, worked(lo)) for lo in starts]
    breaches = [(lo, m) for lo, m in breaches if m > limit]
    out: list[Violation] = []
    cluster: list[tuple[datetime, int]] = []

    def flush() -> None:
        # the worst window; among equals one that starts with a shift, then the earliest
        lo, m = max(cluster, key=lambda x: (x[1], x[0] in shift_starts, -x[0].timestamp()))
        out.append(Violation(
            "hours_in_168", person, lo, lo + window, _h(m), ctx.limits["max_hours"], "hours",
            f"{person} works {_fmt_h(m)} in the {_fmt_h(_mins(window))} from {_when(lo)}; "
            f"at most {ctx.limits['max_hours']:g} h",
        ))

    for lo, m in breaches:  # one violation per stretch of overlapping breaching windows: the worst
        if cluster and lo >= cluster[0][0] + window:
            flush()
            cluster = []
        cluster.append((lo, m))
    if cluster:
        flush()
    return out


@rule(
    "shift_length",
    "no shift longer than 13 hours",
    "TCS 2016 (England) Schedule 03",
    Param("max_hours", 13, "hours", "length of one shift"),
)
def shift_length(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    limit = ctx.minutes("max_hours")
    return [
        Violation("shift_length", person, a.start, a.end, _h(a.minutes), ctx.limits["max_hours"], "hours",
                  f"{person}'s {a.shift.code} shift from {_when(a.start)} lasts {_fmt_h(a.minutes)}; "
                  f"at most {ctx.limits['max_hours']:g} h")
        for a in rota if a.minutes > limit
    ]


@rule(
    "rest_between_shifts",
    "at least 11 hours between the end of one shift and the start of the next",
    "TCS 2016 (England) Schedule 03; Working Time Regulations 1998 reg 10",
    Param("min_hours", 11, "hours", "rest between consecutive shifts"),
)
def rest_between_shifts(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    limit = ctx.minutes("min_hours")
    out = []
    for prev, nxt in zip(rota, rota[1:]):
        rest = _mins(nxt.start - prev.end)
        if rest < limit:
            what = (f"overlaps the {nxt.shift.code} shift starting {_when(nxt.start)}" if rest < 0
                    else f"is followed by the {nxt.shift.code} shift at {_when(nxt.start)} after {_fmt_h(rest)}")
            out.append(Violation(
                "rest_between_shifts", person, prev.end, nxt.start, _h(rest), ctx.limits["min_hours"], "hours",
                f"{person}'s {prev.shift.code} shift ending {_when(prev.end)} {what}; "
                f"at least {ctx.limits['min_hours']:g} h rest",
            ))
    return out


def _runs_then_rest(rule_id: str, what: str, keep: Callable[[Assignment], bool]):
    """The shape shared by three rules: at most N on consecutive days, then a rest."""

    def check(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
        max_days = int(ctx.limits["max_consecutive"])
        rest_limit = ctx.minutes("rest_hours")
        out = []
        for run in runs_on_consecutive_days(rota, keep):
            days = _days(run)
            first, last = run[0], max(run, key=lambda a: a.end)
            if days > max_days:
                out.append(Violation(
                    rule_id, person, first.start, last.end, days, max_days, "days",
                    f"{person} works {what} on {days} consecutive days from {first.day:%a %d %b %Y}; "
                    f"at most {max_days}",
                ))
            if days >= max_days:
                nxt = _after(rota, run)
                if nxt is not None and _mins(nxt.start - last.end) < rest_limit:
                    rest = _mins(nxt.start - last.end)
                    out.append(Violation(
                        rule_id, person, last.end, nxt.start, _h(rest), ctx.limits["rest_hours"], "hours",
                        f"after {days} {what} on consecutive days ending {_when(last.end)}, {person} rests "
                        f"{_fmt_h(rest)} before the {nxt.shift.code} shift; at least "
                        f"{ctx.limits['rest_hours']:g} h",
                    ))
        return out

    return check


rule(
    "consecutive_long_shifts",
    "at most 4 long shifts (over 10 h) on consecutive days, then at least 48 hours rest",
    "TCS 2016 (England) Schedule 03, as amended in 2019",
    Param("max_consecutive", 4, "days", "long shifts on consecutive days", integer=True),
    Param("rest_hours", 48, "hours", "rest after the longest allowed run"),
)(_runs_then_rest("consecutive_long_shifts", "long shifts", lambda a: a.shift.long))

rule(
    "consecutive_long_evenings",
    "at most 4 long evening shifts (over 10 h, starting before 16:00, ending after 23:00) on "
    "consecutive days, then at least 48 hours rest",
    "TCS 2016 (England) Schedule 03, as amended in 2019",
    Param("max_consecutive", 4, "days", "long evening shifts on consecutive days", integer=True),
    Param("rest_hours", 48, "hours", "rest after the longest allowed run"),
)(_runs_then_rest("consecutive_long_evenings", "long evening shifts", lambda a: a.shift.long_evening))


@rule(
    "consecutive_nights",
    "at most 4 night shifts (3 h or more between 23:00 and 06:00) in a row",
    "TCS 2016 (England) Schedule 03, as amended in 2019",
    Param("max_consecutive", 4, "nights", "night shifts on consecutive days", integer=True),
)
def consecutive_nights(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    max_n = int(ctx.limits["max_consecutive"])
    out = []
    for run in runs_on_consecutive_days(rota, lambda a: a.shift.night):
        n = _days(run)
        if n > max_n:
            out.append(Violation(
                "consecutive_nights", person, run[0].start, run[-1].end, n, max_n, "nights",
                f"{person} works {n} nights in a row from {run[0].day:%a %d %b %Y}; at most {max_n}",
            ))
    return out


@rule(
    "rest_after_nights",
    "at least 46 hours rest after any run of night shifts",
    "TCS 2016 (England) Schedule 03, as amended in 2019 (46 h after any run, not only 3 or 4 nights)",
    Param("min_hours", 46, "hours", "rest after the last night of a run"),
)
def rest_after_nights(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    limit = ctx.minutes("min_hours")
    out = []
    for run in runs_on_consecutive_days(rota, lambda a: a.shift.night):
        last = max(run, key=lambda a: a.end)
        nxt = _after(rota, run)
        if nxt is None:
            continue
        rest = _mins(nxt.start - last.end)
        if rest < limit:
            out.append(Violation(
                "rest_after_nights", person, last.end, nxt.start, _h(rest), ctx.limits["min_hours"], "hours",
                f"after {_days(run)} night(s) ending {_when(last.end)}, {person} rests {_fmt_h(rest)} before "
                f"the {nxt.shift.code} shift; at least {ctx.limits['min_hours']:g} h",
            ))
    return out


rule(
    "consecutive_shifts",
    "at most 7 shifts on consecutive days, then at least 48 hours rest",
    "TCS 2016 (England) Schedule 03, as amended in 2019",
    Param("max_consecutive", 7, "days", "days with a shift in a row", integer=True),
    Param("rest_hours", 48, "hours", "rest after the longest allowed run"),
)(_runs_then_rest("consecutive_shifts", "shifts", lambda a: True))


@rule(
    "weekend_frequency",
    "work on at most 1 weekend in 2 over the reference period (more than 1 in 3 is a warning)",
    "TCS 2016 (England) Schedule 03; Schedule 02 (weekend allowance)",
    Param("one_in", 2, "weekends", "at most 1 worked weekend in this many", integer=True),
    Param("warning_one_in", 3, "weekends", "a warning above 1 worked weekend in this many", integer=True),
)
def weekend_frequency(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    weekends = ctx.period.weekends()
    if not weekends:
        return []
    worked = [w for w in weekends if Period.works_in(rota, *w)]
    n, k = len(weekends), len(worked)
    share = Fraction(k, n)
    one_in, warn_in = int(ctx.limits["one_in"]), int(ctx.limits["warning_one_in"])
    if share > Fraction(1, one_in):
        severity, limit_in = ERROR, one_in
    elif share > Fraction(1, warn_in):
        severity, limit_in = WARNING, warn_in
    else:
        return []
    allowed = n // limit_in
    return [Violation(
        "weekend_frequency", person, weekends[0][0], weekends[-1][1], round(float(share), 4),
        round(1 / limit_in, 4), "weekends",
        f"{person} works {k} of the {n} weekends of the period; "
        + ("at most 1 in {0} ({1} of {2})" if severity == ERROR
           else "more than 1 in {0} ({1} of {2}) earns the weekend allowance").format(limit_in, allowed, n),
        severity,
    )]


@rule(
    "weekly_rest",
    "at least 24 h uninterrupted rest in each 7 days, or 48 h (or two of 24 h) in each 14 days",
    "Working Time Regulations 1998 reg 11; TCS 2016 (England) Schedule 03",
    Param("rest_hours", 24, "hours", "uninterrupted rest in each 7 days"),
    Param("fortnight_rest_hours", 48, "hours", "uninterrupted rest in each 14 days instead"),
)
def weekly_rest(person: str, rota: Sequence[Assignment], ctx: Context) -> list[Violation]:
    day_rest, fortnight_rest = ctx.minutes("rest_hours"), ctx.minutes("fortnight_rest_hours")
    out = []
    period = ctx.period
    lo = period.start_dt
    while lo < period.end_dt:
        hi = min(lo + timedelta(days=14), period.end_dt)
        gaps = [_mins(b - a) for a, b in rest_periods(rota, lo, hi)]
        longest = max(gaps, default=0)
        if hi - lo < timedelta(days=14):  # a final single week (odd number of weeks)
            if longest < day_rest:
                out.append(Violation(
                    "weekly_rest", person, lo, hi, _h(longest), ctx.limits["rest_hours"], "hours",
                    f"in the 7 days from {lo:%a %d %b %Y} {person}'s longest uninterrupted rest is "
                    f"{_fmt_h(longest)}; at least {ctx.limits['rest_hours']:g} h",
                ))
        elif longest < fortnight_rest and sum(g >= day_rest for g in gaps) < 2:
            out.append(Violation(
                "weekly_rest", person, lo, hi, _h(longest), ctx.limits["fortnight_rest_hours"], "hours",
                f"in the 14 days from {lo:%a %d %b %Y} {person}'s longest uninterrupted rest is "
                f"{_fmt_h(longest)}, with {sum(g >= day_rest for g in gaps)} of "
                f"{ctx.limits['rest_hours']:g} h or more; needs one of {ctx.limits['fortnight_rest_hours']:g} h "
                f"or two of {ctx.limits['rest_hours']:g} h",
            ))
        lo = hi
    return out


# --------------------------------------------------------------------------- rule sets


@dataclass(frozen=True)
class RuleSet:
    """Which rules apply and with which limits (defaults overridden from ``[rules]``)."""

    limits: Mapping[str, Mapping[str, float]]
    enabled: frozenset[str]

    @classmethod
    def default(cls) -> "RuleSet":
        return cls({rid: {p.name: p.default for p in r.params} for rid, r in RULES.items()}, frozenset(RULES))

    @classmethod
    def only(cls, rule_ids: Iterable[str]) -> "RuleSet":
        """Default limits with only ``rule_ids`` enabled (e.g. the Working Time rules for care staff)."""
        ids = frozenset(rule_ids)
        unknown = sorted(ids - set(RULES))
        if unknown:
            raise ValueError(f"rules: {unknown!r} unknown; accepted: {', '.join(RULES)}")
        return cls(cls.default().limits, ids)

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None, source: str = "[rules]",
                       base: "RuleSet | None" = None) -> "RuleSet":
        """Apply overrides to ``base`` (default: every rule with its default limits).

        Accepted per rule id: a number (sets the rule's main limit), ``false`` /
        ``true`` (disable / enable), or a table of parameter names, numbers and
        ``enabled``. ``ValidationError`` lists every bad key at once.
        """
        base = base or cls.default()
        limits = {rid: dict(v) for rid, v in base.limits.items()}
        enabled = set(base.enabled)
        problems: list[Problem] = []

        def bad(key: str, value: object, message: str) -> None:
            problems.append(Problem(source, None, key, value, message))

        for rid, value in (overrides or {}).items():
            if rid not in RULES:
                bad(rid, value, f"unknown rule; accepted: {', '.join(RULES)}")
                continue
            r = RULES[rid]
            if isinstance(value, bool):
                (enabled.add if value else enabled.discard)(rid)
                continue
            table = value if isinstance(value, Mapping) else {r.main.name: value}
            for name, v in table.items():
                key = f"{rid}.{name}" if isinstance(value, Mapping) else rid
                if name == "enabled":
                    if not isinstance(v, bool):
                        bad(key, v, "must be true or false")
                    else:
                        (enabled.add if v else enabled.discard)(rid)
                    continue
                param = next((p for p in r.params if p.name == name), None)
                if param is None:
                    bad(key, v, f"unknown limit; accepted: enabled, {', '.join(p.name for p in r.params)}")
                    continue
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v <= 0:
                    bad(key, v, f"must be a positive number of {param.unit}")
                elif v > MAX_LIMIT:  # also inf: int(inf) would raise, and 3e9 days is no limit
                    bad(key, v, f"is not accepted; give a positive number of {param.unit} up to {MAX_LIMIT:,}")
                elif param.integer and v != int(v):
                    bad(key, v, f"must be a whole number of {param.unit}")
                elif not param.integer and round(v * 60) != v * 60:
                    bad(key, v, f"must be a whole number of minutes (in {param.unit})")
                else:
                    limits[rid][name] = int(v) if param.integer else v
        if problems:
            raise ValidationError(problems, source)
        return cls(limits, frozenset(enabled))

    def overrides(self, base: "RuleSet | None" = None) -> dict[str, Any]:
        """Only what differs from ``base`` (default: the defaults), in the shape :meth:`from_overrides` reads."""
        base = base or RuleSet.default()
        out: dict[str, Any] = {}
        for rid in RULES:
            changed = {k: v for k, v in self.limits[rid].items() if v != base.limits[rid][k]}
            if (rid in self.enabled) != (rid in base.enabled):
                changed = {"enabled": rid in self.enabled, **changed}
            if changed:
                out[rid] = changed
        return out


@dataclass(frozen=True)
class CheckResult:
    period: Period
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.severity == ERROR)

    @property
    def warnings(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.severity == WARNING)

    @property
    def compliant(self) -> bool:
        return not self.errors


def check_rota(
    assignments: Iterable[Assignment],
    rules: RuleSet | None = None,
    period: Period | None = None,
    only: Iterable[str] | None = None,
) -> CheckResult:
    """Check every person's assignments against every enabled rule (or ``only`` these ids).

    ``period`` defaults to the whole weeks the rota spans (:meth:`Period.covering`).
    """
    rules = rules or RuleSet.default()
    rota = list(assignments)
    if period is None:
        if not rota:
            return CheckResult(Period(date(2000, 1, 3), 1), ())
        period = Period.covering(rota)
    selected = list(RULES) if only is None else list(only)
    unknown = [r for r in selected if r not in RULES]
    if unknown:
        raise ValueError(f"rules: {unknown!r} unknown; accepted: {', '.join(RULES)}")
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    for a in rota:
        by_person[a.person].append(a)
    found: list[Violation] = []
    for person in sorted(by_person):
        mine = sorted(by_person[person], key=lambda a: a.sort_key)
        for rid in selected:
            if rid in rules.enabled:
                found.extend(RULES[rid].check(person, mine, Context(period, rules.limits[rid])))
    found.sort(key=lambda v: (v.person, v.start, list(RULES).index(v.rule)))
    return CheckResult(period, tuple(found))
