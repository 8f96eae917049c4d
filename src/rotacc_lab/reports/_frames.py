"""Columnar views of a snapshot shared by the reports.

A ``PracticeSnapshot`` holds tuples of frozen dataclasses. Reports need the
same data as polars frames so that every computation over a date range is a
join or a group-by rather than a Python loop per clinician per day. The
conversion happens once per snapshot object (cached by identity, dropped when
the snapshot is garbage collected) and costs a few milliseconds even for five
years of shifts.

Conventions used by every report (documented in ``docs/reports.md``):

* cancelled shifts are ignored everywhere;
* a half-day shift counts 0.5, a full day 1.0 (the calculators' weighting);
* "working day" = Monday–Friday that is not a bank holiday of the practice's
  nation;
* an ongoing term (``end_date is None``) is treated as ending on 9999-12-31.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import polars as pl

from ..calendar import bank_holidays
from ..domain import Duration, LeaveStatus, PracticeSnapshot, ShiftStatus, ShiftType, TermType
from ..errors import RotaccError

#: stands in for "no end date" so that range filters stay simple
OPEN_END = date(9999, 12, 31)

#: shift types whose shifts count toward the daily minimum (STANDARD, DUTY)
TOWARD_MINIMUM = [t.value for t in ShiftType if t.counts_toward_minimum]
#: shift types that count as worked (everything except STUDY_LEAVE)
WORKED = [t.value for t in ShiftType if t.counts_as_worked]


class ReportError(RotaccError, ValueError):
    """A report parameter is wrong; the message names it, its value and what is accepted."""


def check_range(start: object, end: object) -> tuple[date, date]:
    """Validate a report date range and return it; raise ``ReportError`` naming the problem."""
    for label, value in (("start", start), ("end", end)):
        if not isinstance(value, date):
            raise ReportError(f"{label}: {value!r} is not a date; give an ISO date such as 2026-01-05")
    assert isinstance(start, date) and isinstance(end, date)
    if end < start:
        raise ReportError(
            f"date range is reversed: start {start.isoformat()} is after end {end.isoformat()}; "
            "give start <= end"
        )
    return start, end


def round2(expr: pl.Expr) -> pl.Expr:
    """Round to 2 dp, halves away from zero (ROUND_HALF_UP for the non-negative figures reports show)."""
    return expr.round(2, mode="half_away_from_zero")


@dataclass(frozen=True)
class SnapshotFrames:
    """The snapshot's entities as polars frames (see module docstring for conventions)."""

    clinicians: pl.DataFrame
    terms: pl.DataFrame
    shifts: pl.DataFrame
    leave: pl.DataFrame
    sick: pl.DataFrame
    #: per-range results shared by several reports (``clinician_days``), keyed by (what, start, end)
    by_range: dict = field(default_factory=dict, compare=False, repr=False)


_CACHE: dict[int, tuple[weakref.ref, SnapshotFrames]] = {}


def frames(snap: PracticeSnapshot) -> SnapshotFrames:
    """The snapshot's frames, built once per snapshot object."""
    key = id(snap)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is snap:
        return hit[1]
    built = _build(snap)
    _CACHE[key] = (weakref.ref(snap, lambda _ref, k=key: _CACHE.pop(k, None)), built)
    return built


def _days(days: Iterable) -> list[int]:
    return sorted(int(d) for d in days)


def _build(snap: PracticeSnapshot) -> SnapshotFrames:
    clinicians = pl.DataFrame(
        {
            "clinician_id": [c.clinician_id for c in snap.clinicians],
            "name": [c.name for c in snap.clinicians],
            "clinician_type": [c.clinician_type.value for c in snap.clinicians],
        },
        schema={"clinician_id": pl.String, "name": pl.String, "clinician_type": pl.String},
    )
    t = snap.terms
    terms = pl.DataFrame(
        {
            "term_id": [x.term_id for x in t],
            "clinician_id": [x.clinician_id for x in t],
            "term_type": [x.term_type.value for x in t],
            "term_start": [x.start_date for x in t],
            "term_end": [x.end_date or OPEN_END for x in t],
            "percentage": [x.percentage for x in t],
            "fixed_days": [_days(x.fixed_working_days) for x in t],
            "week_a_days": [_days(x.week_a_days) for x in t],
            "week_b_days": [_days(x.week_b_days) for x in t],
        },
        schema={
            "term_id": pl.String,
            "clinician_id": pl.String,
            "term_type": pl.String,
            "term_start": pl.Date,
            "term_end": pl.Date,
            "percentage": pl.Int64,
            "fixed_days": pl.List(pl.Int64),
            "week_a_days": pl.List(pl.Int64),
            "week_b_days": pl.List(pl.Int64),
        },
    ).with_columns(wte=pl.col("percentage") / 100.0)
    shifts = _shift_frame(snap)
    lv = snap.leave
    leave = pl.DataFrame(
        {
            "leave_id": [x.leave_id for x in lv],
            "clinician_id": [x.clinician_id for x in lv],
            "leave_type": [x.leave_type.value for x in lv],
            "start": [x.start_date for x in lv],
            "end": [x.end_date for x in lv],
            "status": [x.status.value for x in lv],
        },
        schema={
            "leave_id": pl.String,
            "clinician_id": pl.String,
            "leave_type": pl.String,
            "start": pl.Date,
            "end": pl.Date,
            "status": pl.String,
        },
    )
    sk = snap.sick_leave
    sick = pl.DataFrame(
        {
            "clinician_id": [x.clinician_id for x in sk],
            "start": [x.start_date for x in sk],
            "end": [x.end_date or OPEN_END for x in sk],
        },
        schema={"clinician_id": pl.String, "start": pl.Date, "end": pl.Date},
    )
    return SnapshotFrames(clinicians, terms, shifts, leave, sick)


#: days from 0001-01-01 (date.toordinal() == 1) to 1970-01-01, polars' Date epoch
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _date_series(days: list[date]) -> pl.Series:
    """Dates via their ordinals (much faster than letting polars inspect each date object)."""
    return pl.Series([d.toordinal() - _EPOCH_ORDINAL for d in days], dtype=pl.Int32).cast(pl.Date)


def _shift_frame(snap: PracticeSnapshot) -> pl.DataFrame:
    """Non-cancelled shifts: ``clinician_id, date, shift_type, amount, status``.

    Built column by column: the enums are ``str`` subclasses, so polars reads
    them as strings without touching ``.value`` (the slow part of a row loop).
    """
    sh = snap.shifts
    half = Duration.HALF
    frame = pl.DataFrame(
        {
            "clinician_id": pl.Series([s.clinician_id for s in sh], dtype=pl.String),
            "date": _date_series([s.date for s in sh]),
            "shift_type": pl.Series([s.shift_type for s in sh], dtype=pl.String),
            "half": pl.Series([s.duration is half for s in sh], dtype=pl.Boolean),
            "status": pl.Series([s.status for s in sh], dtype=pl.String),
        }
    )
    return frame.filter(pl.col("status") != ShiftStatus.CANCELLED.value).select(
        "clinician_id",
        "date",
        "shift_type",
        amount=pl.when(pl.col("half")).then(0.5).otherwise(1.0),
        status="status",
    )


# --------------------------------------------------------------------------- calendar frames


def working_days(snap: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Working days in ``[start, end]``: ``date, weekday (0=Mon), week (its Monday), minimum``."""
    hols = sorted(bank_holidays(snap.settings.uk_nation, range(start.year, end.year + 1)))
    mins = snap.settings.min_doctors
    days = pl.DataFrame({"date": pl.date_range(start, end, "1d", eager=True)})
    closed = pl.DataFrame({"date": hols}, schema={"date": pl.Date})
    return (
        days.join(closed, on="date", how="anti", maintain_order="left")
        .with_columns(weekday=(pl.col("date").dt.weekday() - 1).cast(pl.Int64))
        .filter(pl.col("weekday") < 5)
        .with_columns(
            week=pl.col("date") - pl.duration(days=pl.col("weekday")),
            minimum=pl.col("weekday").replace_strict({int(k): int(v) for k, v in mins.items()}, return_dtype=pl.Int64),
        )
        .with_columns(minimum=pl.col("date").replace_strict(
            {d: n for d, n in snap.settings.min_doctors_on.items()}, default=pl.col("minimum"), return_dtype=pl.Int64))
    )


def expand_ranges(df: pl.DataFrame, start: date, end: date, lo: str = "start", hi: str = "end") -> pl.DataFrame:
    """One row per day of each ``[lo, hi]`` range clipped to ``[start, end]`` (column ``date``)."""
    clipped = df.with_columns(
        _lo=pl.max_horizontal(pl.col(lo), pl.lit(start)),
        _hi=pl.min_horizontal(pl.col(hi), pl.lit(end)),
    ).filter(pl.col("_lo") <= pl.col("_hi"))
    return (
        clipped.with_columns(date=pl.date_ranges(pl.col("_lo"), pl.col("_hi"), "1d"))
        .explode("date")
        .drop("_lo", "_hi")
    )


def approved_leave_days(snap: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """``clinician_id, date, leave_type`` for every day of approved leave in range (one row per day)."""
    lv = frames(snap).leave.filter(pl.col("status") == LeaveStatus.APPROVED.value)
    return (
        expand_ranges(lv, start, end)
        .select("clinician_id", "date", "leave_type")
        .unique(["clinician_id", "date"], keep="first", maintain_order=True)
    )


def sick_days(snap: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """``clinician_id, date`` for every day of sick leave in range."""
    return expand_ranges(frames(snap).sick, start, end).select("clinician_id", "date").unique()


def shifts_in(snap: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Non-cancelled shifts dated in ``[start, end]``."""
    return frames(snap).shifts.filter(pl.col("date").is_between(start, end))


def clinician_days(snap: PracticeSnapshot, start: date, end: date) -> pl.DataFrame:
    """Every (clinician, working day) pair in range with the term covering it.

    Columns: ``clinician_id, date, weekday, week, minimum, term_id, term_type,
    percentage, wte, contracted``. Term columns are null when no term covers
    the day. ``contracted`` is true when a term covers the day and, for a
    salaried term with fixed working days, the weekday is one of them, or for
    an alternate-weeks term, the weekday is in that week's A/B pattern (week A
    = the week of the term's first full Monday, as in ``calendar.week_ab_index``).
    """
    f = frames(snap)
    key = ("clinician_days", start, end)
    hit = f.by_range.get(key)
    if hit is not None:
        return hit
    if len(f.by_range) >= 16:  # a long-lived snapshot asked about many ranges: start afresh
        f.by_range.clear()
    days = working_days(snap, start, end)
    grid = f.clinicians.select("clinician_id").join(days, how="cross")
    covered = (
        grid.join(f.terms, on="clinician_id", how="inner")
        .filter(pl.col("date").is_between(pl.col("term_start"), pl.col("term_end")))
        .unique(["clinician_id", "date"], keep="first")
    )
    first_monday = pl.col("term_start") + pl.duration(days=(7 - (pl.col("term_start").dt.weekday() - 1)) % 7)
    ab = ((pl.col("date") - first_monday).dt.total_days() // 7) % 2
    pattern = (
        pl.when(pl.col("term_type") == TermType.ALTERNATE_WEEKS.value)
        .then(
            (pl.col("date") >= first_monday)
            & pl.when(ab == 0)
            .then(pl.col("week_a_days").list.contains(pl.col("weekday")))
            .otherwise(pl.col("week_b_days").list.contains(pl.col("weekday")))
        )
        .when((pl.col("term_type") == TermType.SALARIED.value) & (pl.col("fixed_days").list.len() > 0))
        .then(pl.col("fixed_days").list.contains(pl.col("weekday")))
        .otherwise(pl.lit(True))
    )
    covered = covered.with_columns(contracted=pattern).select(
        "clinician_id", "date", "term_id", "term_type", "percentage", "wte", "contracted"
    )
    out = grid.join(covered, on=["clinician_id", "date"], how="left").with_columns(
        pl.col("contracted").fill_null(False)
    )
    f.by_range[key] = out
    return out


def mean_wte(snap: PracticeSnapshot, start: date, end: date, term_types: list[str] | None = None) -> pl.DataFrame:
    """``clinician_id, wte`` per clinician with a term covering a working day in range.

    ``wte`` is the mean WTE over the working days in range covered by a term
    (so a 60 % → 80 % change halfway counts 0.70). With ``term_types``, only
    days covered by those term types count.
    """
    cd = clinician_days(snap, start, end).filter(pl.col("term_id").is_not_null())
    if term_types is not None:
        cd = cd.filter(pl.col("term_type").is_in(term_types))
    return cd.group_by("clinician_id").agg(wte=pl.col("wte").mean())


def planned_ranges(snap: PracticeSnapshot) -> list[tuple[date, date]]:
    """The ranges :func:`planned_days` calls planned: the completed runs' and the span of the live shifts."""
    live = frames(snap).shifts["date"]  # not cancelled
    ranges = list(snap.generated_ranges)
    if len(live):
        ranges.append((live.min(), live.max()))
    return ranges


def planned_days(snap: PracticeSnapshot, days: pl.DataFrame) -> pl.Series:
    """For each ``date`` of ``days``: is it inside the rota that has been planned?

    A day is planned when a completed generation run covered it
    (``snap.generated_ranges``) or it lies between the rota's first and last shift
    that is not cancelled (an imported or hand-made rota has no runs). A day outside
    both has no rota yet: reports show it as "not planned", never as short.
    """
    planned = pl.repeat(False, days.height, dtype=pl.Boolean, eager=True)
    for lo, hi in planned_ranges(snap):
        planned = planned | days["date"].is_between(lo, hi)
    return planned.alias("planned")


def data_extent(snap: PracticeSnapshot) -> tuple[date, date] | None:
    """Earliest and latest dated fact in the snapshot (term bounds, shifts, leave, sick leave).

    Open term ends do not extend the extent: an ongoing term says nothing about
    how far the data reaches. ``None`` for a snapshot without any dated fact.
    """
    f = frames(snap)
    lows = [f.terms["term_start"], f.shifts["date"], f.leave["start"], f.sick["start"]]
    highs = [
        f.terms.filter(pl.col("term_end") != OPEN_END)["term_end"],
        f.terms["term_start"],
        f.shifts["date"],
        f.leave["end"],
        f.sick.filter(pl.col("end") != OPEN_END)["end"],
        f.sick["start"],
    ]
    lo = [s.min() for s in lows if len(s)]
    hi = [s.max() for s in highs if len(s)]
    if not lo:
        return None
    return min(lo), max(hi)  # type: ignore[type-var]


def clinician_names(snap: PracticeSnapshot) -> pl.DataFrame:
    """``clinician_id, name, clinician_type``."""
    return frames(snap).clinicians

