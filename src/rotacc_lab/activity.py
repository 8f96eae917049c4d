"""Daily activity series: the values demand is forecast from (pure; no database).

A workspace may hold any number of named daily series (``appointments``,
``attendances``, ``occupancy``, ``dependency``, ...), one non-negative value per
series and date. This module parses and validates the activity CSV format
(``docs/data-format.md``, "activity.csv"), holds series in memory and works out
what an import changes (:func:`plan_import`); ``rotacc_lab.store.activity``
stores and reads them.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Mapping

from .dates import DATE_HINT, date_reason
from .errors import Problem, RotaccError, ValidationError
from .private import open_private

#: the columns of activity.csv
COLUMNS = ("date", "series", "value")
SERIES_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
SERIES_ACCEPTED = "a name of 1-40 lower-case letters, digits and _ starting with a letter (e.g. appointments)"
#: dates accepted at all (anything outside is surely a typo)
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)
IMPORT_MODES = ("merge", "replace")


@dataclass(frozen=True)
class ActivitySeries:
    """One daily series: strictly increasing dates with a finite value >= 0 each (gaps allowed)."""

    name: str
    dates: tuple[date, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        check_series_name(self.name, "series")
        if len(self.dates) != len(self.values):
            raise ValueError(f"series {self.name}: {len(self.dates)} dates but {len(self.values)} values")
        for a, b in zip(self.dates, self.dates[1:]):
            if b <= a:
                raise ValueError(f"series {self.name}: dates must increase; {b} follows {a}")
        for d, v in zip(self.dates, self.values):
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ValueError(f"series {self.name}, {d}: value {v!r} is not accepted; give a finite number >= 0")

    @property
    def start(self) -> date:
        return self.dates[0]

    @property
    def end(self) -> date:
        return self.dates[-1]

    def __len__(self) -> int:
        return len(self.dates)

    def missing_dates(self) -> list[date]:
        """Dates between the first and the last that have no value."""
        have = set(self.dates)
        span = (self.end - self.start).days + 1 if self.dates else 0
        return [d for d in (self.start + timedelta(days=i) for i in range(span)) if d not in have]

    def between(self, start: date | None = None, end: date | None = None) -> "ActivitySeries":
        keep = [(d, v) for d, v in zip(self.dates, self.values)
                if (start is None or d >= start) and (end is None or d <= end)]
        return ActivitySeries(self.name, tuple(d for d, _ in keep), tuple(v for _, v in keep))

    def as_dict(self) -> dict[date, float]:
        return dict(zip(self.dates, self.values))


def check_series_name(name: object, where: str) -> str:
    if not (isinstance(name, str) and SERIES_RE.fullmatch(name)):
        raise ValueError(f"{where}: {name!r} is not accepted; give {SERIES_ACCEPTED}")
    return name


# --------------------------------------------------------------------------- the CSV format


@dataclass(frozen=True)
class ActivityFile:
    """A validated activity.csv: its series and any warnings."""

    path: Path
    series: dict[str, ActivitySeries]
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def rows(self) -> int:
        return sum(len(s) for s in self.series.values())


def _parse_value(text: str) -> float:
    v = float(text)  # raises ValueError for junk
    if not math.isfinite(v) or v < 0:
        raise ValueError
    return v


def read_activity_csv(path: str | Path) -> ActivityFile:
    """Parse and validate an activity CSV; raise :class:`ValidationError` listing every problem.

    Columns ``date``, ``series``, ``value`` (any order, extra columns ignored with a
    warning). Dates ISO ``YYYY-MM-DD``; series names are folded to lower case; values
    are finite numbers >= 0. A (series, date) pair may appear once.
    """
    path = Path(path)
    if not path.is_file():
        raise RotaccError(f"activity file {path} does not exist; give a CSV file with columns date, series, value")
    src = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            table = list(csv.reader(fh))
    except UnicodeDecodeError as err:
        raise ValidationError([Problem(src, None, None, None, f"is not UTF-8 text ({err.reason} at byte {err.start})")],
                              str(path)) from None
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not table:
        raise ValidationError([Problem(src, None, None, None, "file is empty; it needs the header row date,series,value")],
                              str(path))
    header = [h.strip() for h in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError([Problem(src, None, None, ",".join(header),
                                       f"missing column(s) {', '.join(missing)}; the header must name date, series, value")],
                              str(path))
    dup_cols = sorted({c for c in header if c and header.count(c) > 1})
    if dup_cols:
        raise ValidationError([Problem(src, None, None, ",".join(dup_cols), "column named more than once in the header")],
                              str(path))
    for extra in header:
        if extra and extra not in COLUMNS:
            warnings.append(Problem(src, None, extra, None, "unknown column ignored"))
    pos = {c: header.index(c) for c in COLUMNS}
    seen: dict[tuple[str, date], int] = {}
    by_series: dict[str, dict[date, float]] = {}
    row_no = 0
    for raw in table[1:]:
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        row_no += 1
        cells += [""] * (len(header) - len(cells))
        day_t, name_t, value_t = (cells[pos[c]] for c in COLUMNS)
        ok = True
        day: date | None = None
        if not day_t:
            problems.append(Problem(src, row_no, "date", None, f"is required; {DATE_HINT}"))
            ok = False
        else:
            day, reason = date_reason(day_t)
            if day is None:
                problems.append(Problem(src, row_no, "date", day_t, reason))
                ok = False
            elif not EARLIEST <= day <= LATEST:
                problems.append(Problem(src, row_no, "date", day_t,
                                        f"is outside the accepted years; give a date from {EARLIEST} to {LATEST}"))
                ok = False
        name = name_t.lower()
        if not name:
            problems.append(Problem(src, row_no, "series", None, f"is required; give {SERIES_ACCEPTED}"))
            ok = False
        elif not SERIES_RE.fullmatch(name):
            problems.append(Problem(src, row_no, "series", name_t, f"is not accepted; give {SERIES_ACCEPTED}"))
            ok = False
        value = 0.0
        if not value_t:
            problems.append(Problem(src, row_no, "value", None,
                                    "is required; give a number >= 0 (leave a day out when it has no value)"))
            ok = False
        else:
            try:
                value = _parse_value(value_t)
            except ValueError:
                problems.append(Problem(src, row_no, "value", value_t, "is not accepted; give a finite number >= 0"))
                ok = False
        if not ok or day is None:
            continue
        key = (name, day)
        if key in seen:
            problems.append(Problem(src, row_no, "date", day_t,
                                    f"series {name} already has a value for this date in row {seen[key]}; give each date once per series"))
            continue
        seen[key] = row_no
        by_series.setdefault(name, {})[day] = value
    if row_no == 0:
        problems.append(Problem(src, None, None, None, "has no data rows; give at least one date,series,value row"))
    if problems:
        raise ValidationError(problems, str(path))
    series = {name: _series(name, values) for name, values in sorted(by_series.items())}
    for s in series.values():
        gaps = s.missing_dates()
        if gaps:
            warnings.append(Problem(src, None, "date", None,
                                    f"series {s.name} has no value on {len(gaps)} of the {len(s) + len(gaps)} days from "
                                    f"{s.start} to {s.end} (first {gaps[0]}); a weekday that never has a value counts as "
                                    "closed, other missing days are gaps the forecast fills"))
    return ActivityFile(path, series, tuple(warnings))


def _series(name: str, values: Mapping[date, float]) -> ActivitySeries:
    days = tuple(sorted(values))
    return ActivitySeries(name, days, tuple(float(values[d]) for d in days))


def write_activity_csv(path: str | Path, series: Iterable[ActivitySeries]) -> int:
    """Write series in the import format (sorted by series then date); return the rows written."""
    n = 0
    with open_private(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for s in sorted(series, key=lambda s: s.name):
            for d, v in zip(s.dates, s.values):
                w.writerow([d.isoformat(), s.name, format_value(v)])
                n += 1
    return n


def format_value(v: float) -> str:
    """The canonical text of a value: whole numbers without a decimal point, others as repr."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


# --------------------------------------------------------------------------- what an import changes


@dataclass(frozen=True)
class SeriesChange:
    """What importing one series changes (``plan_import``)."""

    series: str
    upserts: tuple[tuple[date, float], ...]  # rows to insert or overwrite
    deletes: tuple[date, ...]  # stored rows to remove (replace mode)
    inserted: int
    updated: int
    unchanged: int
    before_rows: int
    after_rows: int
    after_span: tuple[date, date] | None

    def summary(self) -> dict:
        return {
            "series": self.series, "inserted": self.inserted, "updated": self.updated,
            "unchanged": self.unchanged, "deleted": len(self.deletes), "rows_before": self.before_rows,
            "rows_after": self.after_rows,
            "first": self.after_span[0].isoformat() if self.after_span else None,
            "last": self.after_span[1].isoformat() if self.after_span else None,
        }


def plan_import(stored: Mapping[str, ActivitySeries], incoming: Mapping[str, ActivitySeries],
                mode: str = "merge") -> list[SeriesChange]:
    """The changes importing ``incoming`` over ``stored`` makes, one per incoming series.

    ``merge``: each incoming (series, date) value is inserted or overwrites the stored
    one; other stored dates stay. ``replace``: each incoming series replaces the stored
    series of that name entirely (series not in the file are untouched either way).
    """
    if mode not in IMPORT_MODES:
        raise ValueError(f"mode: {mode!r} is not accepted; give one of {', '.join(IMPORT_MODES)}")
    out = []
    for name, new in sorted(incoming.items()):
        old = stored[name].as_dict() if name in stored else {}
        upserts, inserted, updated, unchanged = [], 0, 0, 0
        for d, v in zip(new.dates, new.values):
            if d not in old:
                inserted += 1
                upserts.append((d, v))
            elif old[d] != v:
                updated += 1
                upserts.append((d, v))
            else:
                unchanged += 1
        new_dates = set(new.dates)
        deletes = tuple(sorted(d for d in old if d not in new_dates)) if mode == "replace" else ()
        after = (set(old) - set(deletes)) | new_dates
        out.append(SeriesChange(name, tuple(upserts), deletes, inserted, updated, unchanged, len(old), len(after),
                                (min(after), max(after)) if after else None))
    return out
