"""Whole-practice status tables as ``polars`` DataFrames.

Shift counting, the only part whose cost grows with the length of history, is done
column-wise in polars (one filter + one ``group_by`` over the snapshot's shifts).
Targets, leave and sick credit cost O(terms + leave records) per clinician and reuse
the scalar functions, so both forms give the same numbers by construction for those,
and the property tests check the vectorised counts against the scalar counters.
Nothing loops per clinician per day in Python.

Decimal columns are polars ``Decimal(precision=12, scale=2)``.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date
from decimal import Decimal
from typing import Iterable, Sequence

import polars as pl

from ..domain import Duration, PracticeSnapshot, ShiftStatus, ShiftType
from .dates import require_clinician, validate_date, validate_range
from .deficiency import DEFAULT_THRESHOLD, classify, default_period_end
from .leave import remaining_leave
from .rounding import q2
from .sick import sick_leave_credit
from .targets import target_shifts

__all__ = [
    "DECIMAL",
    "STATUS_COLUMNS",
    "COUNT_COLUMNS",
    "shifts_frame",
    "shift_counts_frame",
    "status_frame",
    "status_records",
]

DECIMAL = pl.Decimal(12, 2)

#: The columns every status table has, in this order (extra columns follow).
STATUS_COLUMNS = (
    "clinician_id",
    "target",
    "worked",
    "scheduled",
    "deficiency",
    "deficiency_including_scheduled",
    "status",
    "leave_unit",
    "leave_entitlement",
    "leave_adjustments",
    "leave_used",
    "leave_pending",
    "leave_remaining",
    "leave_remaining_including_pending",
    "sick_leave_credit",
)

#: Count columns of :func:`shift_counts_frame`, each matching one scalar counter.
COUNT_COLUMNS = (
    "worked",  # count_worked
    "completed",  # count_completed
    "scheduled",  # count_scheduled
    "completed_worked",  # count_completed(worked_only=True)
    "scheduled_worked",  # count_scheduled(worked_only=True)
    "all",  # count_all
    "duty",  # count_duty_days / count_by_type(DUTY)
    "toward_minimum",  # count_toward_minimum
    "standard",  # count_by_type(STANDARD)
    "study_leave",  # count_by_type(STUDY_LEAVE)
    "coroners",  # count_by_type(CORONERS)
)

_FRAMES: dict[int, tuple[weakref.ref, pl.DataFrame]] = {}
_FRAMES_LOCK = threading.Lock()


def shifts_frame(snap: PracticeSnapshot) -> pl.DataFrame:
    """The snapshot's shifts as columns (clinician_id, date, shift_type, status, halves), built once per snapshot.

    ``halves`` is the duration in half shifts (FULL = 2, HALF = 1) so sums stay exact integers.
    """
    key = id(snap)
    with _FRAMES_LOCK:
        hit = _FRAMES.get(key)
        if hit is not None and hit[0]() is snap:
            return hit[1]
    shifts = snap.shifts
    # plain dict look-ups: Enum.value is a descriptor call and dominates on 10^4+ shifts
    type_name = {t: t.value for t in ShiftType}
    status_name = {t: t.value for t in ShiftStatus}
    halves = {Duration.FULL: 2, Duration.HALF: 1}
    frame = pl.DataFrame(
        {
            "clinician_id": [s.clinician_id for s in shifts],
            "date": [s.date for s in shifts],
            "shift_type": [type_name[s.shift_type] for s in shifts],
            "status": [status_name[s.status] for s in shifts],
            "halves": [halves[s.duration] for s in shifts],
        },
        schema={"clinician_id": pl.String, "date": pl.Date, "shift_type": pl.String, "status": pl.String, "halves": pl.Int64},
    )
    with _FRAMES_LOCK:
        _FRAMES[key] = (weakref.ref(snap, lambda _ref, k=key: _FRAMES.pop(k, None)), frame)
    return frame


def _ids(snap: PracticeSnapshot, clinician_ids: Iterable[str] | None) -> list[str]:
    if clinician_ids is None:
        return [c.clinician_id for c in snap.clinicians]
    if isinstance(clinician_ids, str):
        clinician_ids = [clinician_ids]
    return [require_clinician(snap, cid) for cid in dict.fromkeys(clinician_ids)]


def _to_decimal_from_halves(col: str) -> pl.Expr:
    # a sum of halves / 2 is exact in float64 (x.0 or x.5); clip like safe_quantize does
    return (pl.col(col).clip(0, 19999).cast(pl.Float64) / 2).cast(DECIMAL).alias(col)


def _flags(as_of: date) -> dict[str, pl.Expr]:
    """Boolean expressions selecting the shifts each counter of :mod:`counting` sums."""
    t, st, d = pl.col("shift_type"), pl.col("status"), pl.col("date")
    worked = t != ShiftType.STUDY_LEAVE.value
    completed = (st == ShiftStatus.COMPLETED.value) | ((st == ShiftStatus.SCHEDULED.value) & (d < as_of))
    scheduled = (st == ShiftStatus.SCHEDULED.value) & (d >= as_of)
    return {
        "worked": worked,
        "completed": completed,
        "scheduled": scheduled,
        "completed_worked": completed & worked,
        "scheduled_worked": scheduled & worked,
        "all": pl.lit(True),
        "duty": t == ShiftType.DUTY.value,
        "toward_minimum": t.is_in([ShiftType.STANDARD.value, ShiftType.DUTY.value]),
        "standard": t == ShiftType.STANDARD.value,
        "study_leave": t == ShiftType.STUDY_LEAVE.value,
        "coroners": t == ShiftType.CORONERS.value,
    }


def _grouped_sums(snap: PracticeSnapshot, ids: list[str], lo: date, hi: date, sums: dict[str, pl.Expr]) -> pl.DataFrame:
    """One filter + group-by: for each clinician in ``ids`` (in order), the duration of the
    non-cancelled shifts in ``[lo, hi]`` selected by each boolean expression, as Decimal(12, 2)."""
    d, st, h = pl.col("date"), pl.col("status"), pl.col("halves")
    grouped = (
        shifts_frame(snap)
        .lazy()
        .filter(d.is_between(lo, hi) & (st != ShiftStatus.CANCELLED.value) & pl.col("clinician_id").is_in(ids))
        .group_by("clinician_id")
        .agg([(h * flag.cast(pl.Int64)).sum().alias(name) for name, flag in sums.items()])
    )
    base = pl.LazyFrame({"clinician_id": ids}, schema={"clinician_id": pl.String})
    return (
        base.join(grouped, on="clinician_id", how="left", maintain_order="left")
        .with_columns([pl.col(c).fill_null(0) for c in sums])
        .with_columns([_to_decimal_from_halves(c) for c in sums])
        .collect()
    )


def shift_counts_frame(
    snap: PracticeSnapshot, start: date, end: date, as_of: date, clinician_ids: Iterable[str] | None = None
) -> pl.DataFrame:
    """Every counter of :mod:`counting` for every clinician over ``[start, end]``, in one pass.

    One row per clinician (zeros for clinicians without shifts), columns ``clinician_id``
    and :data:`COUNT_COLUMNS` as ``Decimal(12, 2)``. CANCELLED shifts never count.
    """
    lo, hi = validate_range(start, end, "count range")
    validate_date(as_of, "as_of")
    return _grouped_sums(snap, _ids(snap, clinician_ids), lo, hi, _flags(as_of))


def status_frame(
    snap: PracticeSnapshot,
    period_start: date,
    as_of: date,
    clinician_ids: Iterable[str] | None = None,
    *,
    period_end: date | None = None,
    threshold: Decimal | int | float | str = DEFAULT_THRESHOLD,
) -> pl.DataFrame:
    """Status of each clinician for the period starting ``period_start``, as known on ``as_of``.

    Columns :data:`STATUS_COLUMNS`, then ``name, clinician_type, period_end,
    target_to_period_end, completed``:

    * ``target``, ``worked``, ``deficiency``: over ``[period_start, as_of]`` (as :func:`deficiency`);
    * ``scheduled``: SCHEDULED worked-type shifts dated ``as_of .. period_end``;
    * ``deficiency_including_scheduled``: target over ``[period_start, period_end]`` minus
      completed + scheduled worked-type shifts in it;
    * ``period_end`` defaults to the end of the reporting period containing ``as_of``,
      else 31 December of ``as_of``'s year;
    * leave columns: the calendar year of ``as_of`` (see :func:`remaining_leave`);
    * ``sick_leave_credit``: over ``[period_start, as_of]``.
    """
    lo, hi = validate_range(period_start, as_of, "status range (period_start .. as_of)")
    end = default_period_end(snap.settings, as_of) if period_end is None else validate_date(period_end, "period_end")
    validate_range(lo, end, "period (period_start .. period_end)")
    ids = _ids(snap, clinician_ids)
    classify(Decimal(0), threshold)  # validate the threshold even for an empty selection
    # one pass over [period_start, max(as_of, period_end)] gives all three shift counts
    flags, d = _flags(as_of), pl.col("date")
    counts = _grouped_sums(snap, ids, lo, max(hi, end), {
        "worked": flags["worked"] & (d <= hi),
        "completed_worked": flags["completed_worked"] & (d <= end),
        "scheduled_worked": flags["scheduled_worked"] & (d <= end),
    })
    worked = counts.get_column("worked").to_list()
    completed_w = counts.get_column("completed_worked").to_list()
    scheduled_w = counts.get_column("scheduled_worked").to_list()

    rows: dict[str, list] = {c: [] for c in STATUS_COLUMNS}
    extra: dict[str, list] = {"name": [], "clinician_type": [], "period_end": [], "target_to_period_end": [], "completed": []}
    for i, cid in enumerate(ids):
        clin = snap.clinician_by_id[cid]
        target = target_shifts(snap, cid, lo, hi)
        target_end = target_shifts(snap, cid, lo, end)
        gap = q2(target - worked[i])
        leave = remaining_leave(snap, cid, hi.year)
        values = {
            "clinician_id": cid,
            "target": target,
            "worked": worked[i],
            "scheduled": scheduled_w[i],
            "deficiency": gap,
            "deficiency_including_scheduled": q2(target_end - completed_w[i] - scheduled_w[i]),
            "status": classify(gap, threshold),
            "leave_unit": leave.unit,
            "leave_entitlement": leave.entitlement,
            "leave_adjustments": leave.adjustments,
            "leave_used": leave.used_approved,
            "leave_pending": leave.used_pending,
            "leave_remaining": leave.remaining,
            "leave_remaining_including_pending": leave.remaining_including_pending,
            "sick_leave_credit": sick_leave_credit(snap, cid, lo, hi, as_of),
        }
        for c in STATUS_COLUMNS:
            rows[c].append(values[c])
        extra["name"].append(clin.name)
        extra["clinician_type"].append(clin.clinician_type.value)
        extra["period_end"].append(end)
        extra["target_to_period_end"].append(target_end)
        extra["completed"].append(completed_w[i])
    text = {"clinician_id", "status", "leave_unit", "name", "clinician_type"}
    columns = {**rows, **extra}
    decimals = [c for c in columns if c not in text and c != "period_end"]
    # Decimal columns are built from their exact 2-dp text and cast: constructing a polars
    # Decimal series from Python Decimals would import numpy (~0.3 s on first use).
    for c in decimals:
        columns[c] = [str(v) for v in columns[c]]
    schema = {c: (pl.Date if c == "period_end" else pl.String) for c in columns}
    return pl.DataFrame(columns, schema=schema).with_columns([pl.col(c).cast(DECIMAL) for c in decimals])


def status_records(frame: pl.DataFrame, columns: Sequence[str] = STATUS_COLUMNS) -> list[dict[str, str]]:
    """Rows of a status frame as JSON-ready dicts (only ``columns``): decimals as 2-dp strings, dates ISO."""

    def text(v: object) -> object:
        if isinstance(v, Decimal):
            return f"{v:.2f}"
        return v.isoformat() if isinstance(v, date) else v

    return [{k: text(v) for k, v in row.items()} for row in frame.select(list(columns)).iter_rows(named=True)]
