"""Read a practice from a folder (CSV + ``settings.toml``) or an xlsx workbook and validate it.

Nothing here touches a workspace. :func:`read_source` parses every table, checks
every row and every cross-reference, and either returns an immutable
:class:`~rotacc_lab.domain.PracticeSnapshot` or raises one
:class:`~rotacc_lab.errors.ValidationError` listing *all* problems found, each
with its file (or sheet), 1-based data row, column, value and what is accepted.
The exact format is documented in ``docs/data-format.md``.
"""

from __future__ import annotations

import csv
import functools
import gc
import re
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..domain import (
    AffinityPair,
    canonical,
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveAdjustment,
    LeaveStatus,
    LeaveType,
    LocumBooking,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
    TermType,
    TrainerRequirement,
    Weekday,
    WorkingTerm,
)
from ..args import path_arg
from ..dates import DateError, date_reason, parse_date
from ..errors import Problem, RotaccError, ValidationError, problem_kind
from ..input_text import (MAX_CELL_CHARS, cell_problem, control_problem, csv_error, csv_reader,  # noqa: F401
                          header_problems, not_utf8, shape_problem)
from .settings_io import flatten_nested, parse_flat

#: table name -> (required columns, optional columns); the file is ``<table>.csv`` / the sheet ``<table>``
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "clinicians": (("clinician_id", "name", "email", "clinician_type"), ()),
    "working_terms": (
        (
            "term_id", "clinician_id", "term_type", "start_date", "end_date", "percentage",
            "fixed_working_days", "must_work_days", "cannot_work_days", "week_a_days", "week_b_days",
            "minimum_shifts_per_week", "max_shifts_per_week", "annual_leave_entitlement",
        ),
        (),
    ),
    "leave": (("leave_id", "clinician_id", "leave_type", "start_date", "end_date", "status", "duration"), ()),
    "sick_leave": (("sick_id", "clinician_id", "start_date", "end_date"), ()),
    "locum_bookings": (("booking_id", "clinician_id", "dates"), ()),
    "shifts": (("shift_id", "clinician_id", "date", "shift_type", "duration", "status", "is_pinned"), ("origin",)),
    "leave_adjustments": (("adjustment_id", "term_id", "amount", "reason"), ()),
    "trainer_requirements": (("requirement_id", "weekday", "clinician_ids"), ()),
    "affinity_pairs": (("clinician_a", "clinician_b"), ()),
}
REQUIRED_TABLES = ("clinicians", "working_terms")

#: which term types a clinician of each type may have
TERM_TYPES_FOR: dict[ClinicianType, tuple[TermType, ...]] = {
    ClinicianType.PARTNER: (TermType.PARTNER,),
    ClinicianType.SALARIED: (TermType.SALARIED, TermType.ALTERNATE_WEEKS),
    ClinicianType.LOCUM: (TermType.LOCUM,),
    ClinicianType.FY_DOCTOR: (TermType.FY_DOCTOR,),
    ClinicianType.ST_DOCTOR: (TermType.ST_DOCTOR,),
}

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


@dataclass
class RawTable:
    """One table as read: where it came from, its header and its rows as stripped strings.

    ``rows`` is a list (an xlsx sheet) or a :class:`CsvRows` that reads its file again on
    each pass, so a large CSV file is never held in memory as text.
    """

    source: str
    columns: list[str]
    rows: "list[dict[str, str]] | CsvRows"


class CsvRows:
    """The data rows of a CSV file as dicts of stripped strings, read from the file on each
    iteration (issue 22 item 6: a 50 MB import is streamed, not held as ~1 GB of strings).

    The file was checked completely once when it was read (:func:`_read_folder`): its
    problems are reported then, not again on each pass.
    """

    def __init__(self, path: Path, columns: list[str], stamp: tuple[int, int] | None = None):
        self.path = path
        self.columns = columns
        #: (size, modification time in ns) when the file was checked; a later pass that finds
        #: another stamp refuses the import (the checked file is not the one being read)
        self.stamp = _stamp(path) if stamp is None else stamp

    def _same_file(self) -> None:
        try:
            now: tuple[int, int] | None = _stamp(self.path)
        except OSError:
            now = None
        if now != self.stamp:
            raise ValidationError([Problem(
                self.path.name, None, None, None,
                "changed while it was being imported (its size or modification time differs from when it "
                "was checked); nothing was written: import again once the file is saved")])

    def __iter__(self) -> Iterator[dict[str, str]]:
        self._same_file()
        with self.path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv_reader(fh)
            next(reader, None)  # the header
            yield from _rows(self.path.name, self.columns, reader, None, ragged=True)
        self._same_file()


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@dataclass
class SourceData:
    settings_flat: dict[str, Any]
    settings_source: str
    settings_rows: dict[str, int]
    tables: dict[str, RawTable]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ReadResult:
    snapshot: PracticeSnapshot
    warnings: tuple[Problem, ...]


# --------------------------------------------------------------------------- reading files


def _cell_text(v: Any) -> str:
    """Normalise an xlsx cell (or CSV string) to the text the validators read."""
    if type(v) is str:
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


class ProblemList(list):
    """A list of problems that keeps the first :attr:`KEEP` whole and only counts the rest by kind.

    Used while a source is read (issue 22 item 6): a 50 MB file of bad rows must not
    build hundreds of thousands of Problem objects before the message shows 100 of them.
    ``omitted`` counts, per :func:`rotacc_lab.errors.problem_kind`, what was not kept.
    """

    KEEP = 1000

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.omitted: Counter = Counter()

    def append(self, problem: Problem) -> None:  # type: ignore[override]
        if len(self) < self.KEEP:
            super().append(problem)
        else:
            self.omitted[problem_kind(problem)] += 1

    def extend(self, problems: Iterable[Problem]) -> None:  # type: ignore[override]
        for p in problems:
            self.append(p)
        self.omitted.update(getattr(problems, "omitted", {}))


def _rows(source: str, columns: list[str], body: Iterable[list[Any]], problems: list[Problem] | None,
          *, ragged: bool) -> Iterator[dict[str, str]]:
    """The non-blank rows of ``body`` as dicts; with ``problems``, text with control characters,
    over-long cells and (``ragged``: a CSV file) rows with more or fewer fields than the header
    are reported there.

    Rows are numbered like the validators number them: 1-based, header and blank rows excluded.
    """
    n = 0
    width = len(columns)
    for values in body:
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        n += 1
        if problems is not None:
            if (shape := shape_problem(source, n, texts, columns, ragged)) is not None:
                problems.append(shape)
            for c, t in zip(columns, texts):
                if t and (why := cell_problem(t)) is not None:
                    problems.append(Problem(source, n, c or None, t, why))
        if len(texts) < width:
            texts += [""] * (width - len(texts))
        yield {c: t for c, t in zip(columns, texts) if c}


def _raw_table(source: str, header: list[Any], body: Iterable[list[Any]],
               problems: list[Problem] | None = None, *, ragged: bool = False) -> RawTable:
    """The table as stripped strings, held in memory (an xlsx sheet); problems as in :func:`_rows`."""
    problems = [] if problems is None else problems
    columns = [_cell_text(h) for h in header]
    problems.extend(header_problems(source, columns))
    return RawTable(source, columns, list(_rows(source, columns, body, problems, ragged=ragged)))


def _check_csv(path: Path, problems: list[Problem]) -> RawTable | None:
    """Read ``path`` once through, reporting every problem of its text; the table reads it again
    when validated (:class:`CsvRows`). ``None`` when the file cannot be read as CSV at all."""
    stamp = _stamp(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv_reader(fh)
        found = ProblemList()
        try:
            header = next(reader, None)
            if header is None:
                problems.append(Problem(path.name, None, None, None, "file is empty; it needs at least the header row"))
                return None
            columns = [_cell_text(h) for h in header]
            found.extend(header_problems(path.name, columns))
            for _ in _rows(path.name, columns, reader, found, ragged=True):
                pass
        except (csv.Error, UnicodeDecodeError) as err:  # e.g. a field over CSV_FIELD_LIMIT, a Latin-1 file
            problems.append(csv_error(path.name, reader.line_num, err, path))
            return None
    problems.extend(found)
    return RawTable(path.name, columns, CsvRows(path, columns, stamp))


def _read_folder(folder: Path) -> SourceData:
    problems = ProblemList()
    settings_flat: dict[str, Any] = {}
    toml_path = folder / "settings.toml"
    if not toml_path.is_file():
        problems.append(Problem("settings.toml", None, None, None, f"required file is missing from {folder}"))
    else:
        try:
            settings_flat = flatten_nested(tomllib.loads(toml_path.read_text(encoding="utf-8")))
        except UnicodeDecodeError as err:
            problems.append(Problem("settings.toml", None, None, None, not_utf8(err)))
        except tomllib.TOMLDecodeError as err:
            problems.append(Problem("settings.toml", None, None, None, f"is not valid TOML: {err}"))
    tables: dict[str, RawTable] = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            continue
        if (table := _check_csv(path, problems)) is not None:
            tables[name] = table
    return SourceData(settings_flat, "settings.toml", {}, tables, problems)


def _read_xlsx(path: Path) -> SourceData:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a bad file
        raise RotaccError(f"{path}: cannot read the workbook ({err}); give an .xlsx file") from None
    problems = ProblemList()
    settings_flat: dict[str, Any] = {}
    settings_rows: dict[str, int] = {}
    try:
        if "settings" not in wb.sheetnames:
            problems.append(Problem("sheet settings", None, None, None, f"required sheet is missing from {path.name}"))
        else:
            it = wb["settings"].iter_rows(values_only=True)
            header = [_cell_text(h).lower() for h in next(it, [])]
            if header[:2] != ["key", "value"]:
                problems.append(Problem("sheet settings", None, None, header[:2], "the first two columns must be key, value"))
            else:
                for i, values in enumerate(it, start=1):
                    key = _cell_text(values[0] if values else None)
                    if not key:
                        continue
                    value = values[1] if len(values) > 1 else None
                    if isinstance(value, datetime):
                        value = value.date()
                    if key in settings_flat:
                        problems.append(Problem("sheet settings", i, "key", key, "duplicate settings key"))
                    settings_flat[key] = value
                    settings_rows[key] = i
        tables: dict[str, RawTable] = {}
        for name in TABLES:
            if name not in wb.sheetnames:
                continue
            it = wb[name].iter_rows(values_only=True)
            header = list(next(it, []) or [])
            tables[name] = _raw_table(f"sheet {name}", header, (list(r) for r in it), problems)
    finally:
        wb.close()
    return SourceData(settings_flat, "sheet settings", settings_rows, tables, problems)


SOURCE_HINT = "give a practice folder or an .xlsx workbook"


def read_raw(source: str | Path) -> SourceData:
    source = path_arg(source, "source", SOURCE_HINT)
    if source.is_dir():
        return _read_folder(source)
    if source.is_file() and source.suffix.lower() == ".xlsx":
        return _read_xlsx(source)
    if not source.exists():
        raise RotaccError(f"source {source} does not exist; give a practice folder or an .xlsx workbook")
    raise RotaccError(f"source {source} is neither a folder nor an .xlsx workbook")


# --------------------------------------------------------------------------- validation

_BAD = object()  # a cell that failed to parse (its problem is already recorded)


class _CellError(ValueError):
    """Raised by a cell parser with the complete message for the cell (what is wrong, what is accepted)."""


class _Checker:
    """Parses cells into typed values, recording a Problem for each bad one."""

    #: problems kept whole; beyond them a bad file's problems are only counted by kind (memory stays flat)
    KEEP = 1000

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.omitted: Counter = Counter()

    def add(self, source: str, row: int | None, column: str | None, value: Any, message: str) -> None:
        problem = Problem(source, row, column, value, message)
        if len(self.problems) < self.KEEP:
            self.problems.append(problem)
        else:
            self.omitted[problem_kind(problem)] += 1

    def parse(self, t: RawTable, i: int, row: dict[str, str], col: str, fn: Callable[[str], Any],
              accepted: str, required: bool = False, default: Any = None) -> Any:
        text = row.get(col, "")
        if text == "":
            if required:
                self.add(t.source, i, col, None, f"is required; give {accepted}")
                return _BAD
            return default
        try:
            return fn(text)
        except _CellError as err:
            self.add(t.source, i, col, text, str(err))
            return _BAD
        except DateError as err:
            # the one date message, plus what else this column accepts (e.g. "or blank (ongoing)")
            self.add(t.source, i, col, text, err.reason + accepted.removeprefix(DATE))
            return _BAD
        except (ValueError, InvalidOperation, TypeError) as err:
            detail = str(err)
            msg = detail if detail and "accepted" in detail else f"is not accepted; give {accepted}"
            self.add(t.source, i, col, text, msg)
            return _BAD


_INT_RE = re.compile(r"[+-]?\d+")
#: the largest shift id accepted: 2**53 - 1, exact in JSON numbers and browsers (and far inside DuckDB's BIGINT)
MAX_SHIFT_ID = 2**53 - 1


@functools.lru_cache(maxsize=1 << 16)
def _date(text: str) -> date:
    """(cached: the rows of a large file share one date object per day)"""
    return parse_date(text)


def _int(text: str) -> int:
    if not _INT_RE.fullmatch(text):
        raise ValueError
    return int(text)


def _decimal(text: str) -> Decimal:
    d = Decimal(text)
    if not d.is_finite():
        raise ValueError
    if abs(d) >= Decimal("10000000") or d != d.quantize(Decimal("0.01")):
        raise ValueError
    return d


def _bool(text: str) -> bool:
    t = text.lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise ValueError


def _days(text: str) -> tuple[Weekday, ...]:
    days = []
    for part in text.split(";"):
        if part.strip():
            days.append(Weekday.parse(part.strip(), "day"))
    if len(set(days)) != len(days):
        raise _CellError("a day is listed twice; list each of Mon..Fri at most once, separated by ';'")
    return tuple(sorted(days))


def _dates(text: str) -> tuple[date, ...]:
    out = []
    for part in text.split(";"):
        if part.strip():
            found, reason = date_reason(part.strip())
            if found is None:
                raise _CellError(f"{part.strip()!r} {reason}; list one or more dates separated by ';'")
            out.append(found)
    if not out:
        raise ValueError
    if len(set(out)) != len(out):
        raise _CellError("a date is listed twice; list each date once, separated by ';'")
    return tuple(sorted(out))


def _ids(text: str) -> tuple[str, ...]:
    out = tuple(p.strip() for p in text.split(";") if p.strip())
    if not out:
        raise ValueError
    return out


@functools.cache
def _enum(cls):
    """A fast parser for a string enum (dict lookup; falls back to ``cls.parse`` for the error)."""
    members = {m.value: m for m in cls}

    def parse(text: str):
        found = members.get(text.upper())
        return found if found is not None else cls.parse(text, cls.__name__)

    return parse


@functools.cache
def _accepted(cls) -> str:
    return "one of " + ", ".join(m.value for m in cls) + " (any case)"


DATE = "a date YYYY-MM-DD"
DAYS_ACC = "day names Mon..Fri or Monday..Friday separated by ';' (blank = none)"
BOOL_ACC = "true/false, yes/no or 1/0"


def _ident(ck: _Checker, t: RawTable, i: int, row: dict[str, str], col: str, seen: dict[str, int]) -> str | object:
    v = row.get(col, "")
    if not v:
        ck.add(t.source, i, col, None, "is required; give a non-blank identifier")
        return _BAD
    if v in seen:
        ck.add(t.source, i, col, v, f"duplicate id; it is already used on row {seen[v]}")
        return _BAD
    seen[v] = i
    return v


def validate(data: SourceData) -> ReadResult:
    """Turn raw tables into a snapshot, or raise ValidationError with every problem found."""
    ck = _Checker()
    ck.problems.extend(data.problems)
    ck.omitted.update(getattr(data.problems, "omitted", {}))  # counted, not kept, while reading
    warnings = list(data.warnings)

    settings, sproblems = parse_flat(data.settings_flat, data.settings_source, data.settings_rows)
    ck.problems.extend(sproblems)

    # columns ---------------------------------------------------------------
    tables: dict[str, RawTable] = {}
    for name, (required, optional) in TABLES.items():
        t = data.tables.get(name)
        if t is None:
            if name in REQUIRED_TABLES:
                ck.add(f"{name}.csv" if data.settings_source == "settings.toml" else f"sheet {name}", None, None, None,
                       "required table is missing")
            continue
        missing = [c for c in required if c not in t.columns]
        for c in missing:
            ck.add(t.source, None, c, None, f"required column is missing; the columns are {', '.join(required + optional)}")
        dupes = sorted({c for c in t.columns if c and t.columns.count(c) > 1})
        for c in dupes:
            ck.add(t.source, None, c, None, "column appears more than once")
        extra = [c for c in t.columns if c and c not in required + optional]
        for c in extra:
            warnings.append(Problem(t.source, None, c, None, "unknown column ignored"))
        if not missing and not dupes:  # (over-long cells were reported as the table was read)
            tables[name] = t

    def rows(name: str):
        t = tables.get(name)
        return () if t is None else ((t, i, r) for i, r in enumerate(t.rows, start=1))

    # clinicians ------------------------------------------------------------
    clinicians: list[Clinician] = []
    seen: dict[str, int] = {}
    for t, i, r in rows("clinicians"):
        cid = _ident(ck, t, i, r, "clinician_id", seen)
        name = ck.parse(t, i, r, "name", str, "the clinician's name", required=True)
        ctype = ck.parse(t, i, r, "clinician_type", _enum(ClinicianType), _accepted(ClinicianType), required=True)
        email = r.get("email") or None
        if email is not None and "@" not in email:
            ck.add(t.source, i, "email", email, "is not an e-mail address; give name@domain or leave blank")
            continue
        if _BAD not in (cid, name, ctype):
            clinicians.append(Clinician(cid, name, email, ctype))
    # ids seen in the file count as known, even if another cell of their row was bad,
    # so one mistake does not cascade into "unknown clinician" everywhere
    known_clinicians = set(seen)
    ctype_of = {c.clinician_id: c.clinician_type for c in clinicians}

    def ref(t: RawTable, i: int, r: dict[str, str], col: str, known: set[str], what: str) -> Any:
        v = r.get(col, "")
        if not v:
            ck.add(t.source, i, col, None, f"is required; give a {what} id")
            return _BAD
        if v not in known:
            ck.add(t.source, i, col, v, f"unknown {what} id; known {what}s: {', '.join(sorted(known)) or 'none'}")
            return _BAD
        return sys.intern(v)  # one string per id, however many rows name it

    # working terms ---------------------------------------------------------
    terms: list[WorkingTerm] = []
    bad_term_clinicians: set[str] = set(known_clinicians) - set(ctype_of)
    seen = {}
    term_row: dict[str, int] = {}
    for t, i, r in rows("working_terms"):
        tid = _ident(ck, t, i, r, "term_id", seen)
        cid = ref(t, i, r, "clinician_id", known_clinicians, "clinician")
        ttype = ck.parse(t, i, r, "term_type", _enum(TermType), _accepted(TermType), required=True)
        start = ck.parse(t, i, r, "start_date", _date, DATE, required=True)
        end = ck.parse(t, i, r, "end_date", _date, DATE + " or blank (ongoing)")
        pct = ck.parse(t, i, r, "percentage", _int, "a whole number 0..100", required=True)
        if pct is not _BAD and not 0 <= pct <= 100:
            ck.add(t.source, i, "percentage", r["percentage"], "is outside 0..100; give a whole number 0..100")
            pct = _BAD
        day_cols = ("fixed_working_days", "must_work_days", "cannot_work_days", "week_a_days", "week_b_days")
        dl = {c: ck.parse(t, i, r, c, _days, DAYS_ACC, default=()) for c in day_cols}
        mn = ck.parse(t, i, r, "minimum_shifts_per_week", _int, "a whole number >= 0 or blank")
        mx = ck.parse(t, i, r, "max_shifts_per_week", _int, "a whole number >= 0 or blank")
        ent = ck.parse(t, i, r, "annual_leave_entitlement", _decimal,
                       "a number >= 0 with at most 2 decimals, or blank")
        ok = _BAD not in (tid, cid, ttype, start, end, pct, mn, mx, ent, *dl.values())
        if start not in (_BAD, None) and end not in (_BAD, None) and end < start:
            ck.add(t.source, i, "end_date", r["end_date"], f"is before start_date {start}; give an end on or after the start")
            ok = False
        for col, v in (("minimum_shifts_per_week", mn), ("max_shifts_per_week", mx)):
            if v not in (_BAD, None) and v < 0:
                ck.add(t.source, i, col, r[col], "is negative; give a whole number >= 0 or blank")
                ok = False
            elif v not in (_BAD, None) and v > 7:
                ck.add(t.source, i, col, r[col], "is more than the 7 days of a week; give a whole number 0-7 or blank")
                ok = False
        if mn not in (_BAD, None) and mx not in (_BAD, None) and mn > mx:
            ck.add(t.source, i, "minimum_shifts_per_week", r["minimum_shifts_per_week"],
                   f"is above max_shifts_per_week {mx}; the minimum must be <= the maximum")
            ok = False
        if ent not in (_BAD, None) and ent < 0:
            ck.add(t.source, i, "annual_leave_entitlement", r["annual_leave_entitlement"], "is negative; give a number >= 0")
            ok = False
        if ttype is not _BAD:
            pattern = dl["week_a_days"] not in (_BAD, ()) or dl["week_b_days"] not in (_BAD, ())
            if ttype is TermType.ALTERNATE_WEEKS and not pattern and _BAD not in (dl["week_a_days"], dl["week_b_days"]):
                ck.add(t.source, i, "week_a_days", None,
                       "an ALTERNATE_WEEKS term needs a week-A/B pattern; fill week_a_days and/or week_b_days")
                ok = False
            if ttype is not TermType.ALTERNATE_WEEKS and pattern:
                col = "week_a_days" if r.get("week_a_days") else "week_b_days"
                ck.add(t.source, i, col, r[col],
                       f"a week-A/B pattern is only allowed on ALTERNATE_WEEKS terms, not {ttype.value}; leave it blank")
                ok = False
            if cid is not _BAD and cid in ctype_of and ttype not in TERM_TYPES_FOR[ctype_of[cid]]:
                allowed = ", ".join(x.value for x in TERM_TYPES_FOR[ctype_of[cid]])
                ck.add(t.source, i, "term_type", r["term_type"],
                       f"does not fit clinician {cid} of type {ctype_of[cid].value}; accepted for that type: {allowed}")
                ok = False
        if not ok and isinstance(cid, str):
            bad_term_clinicians.add(cid)
        if ok:
            terms.append(WorkingTerm(tid, cid, ttype, start, end, pct, dl["fixed_working_days"], dl["must_work_days"],
                                     dl["cannot_work_days"], dl["week_a_days"], dl["week_b_days"], mn, mx, ent))
            term_row[tid] = i
    known_terms = set(seen)
    by_clin: dict[str, list[WorkingTerm]] = defaultdict(list)
    for term in terms:
        by_clin[term.clinician_id].append(term)
    for cid, ts in by_clin.items():
        ts.sort(key=lambda x: x.start_date)
        for a, b in zip(ts, ts[1:]):
            if a.end_date is None or a.end_date >= b.start_date:
                ck.add(tables["working_terms"].source, term_row[b.term_id], "start_date", b.start_date.isoformat(),
                       f"term {b.term_id} overlaps term {a.term_id} of clinician {cid} "
                       f"({a.start_date}..{a.end_date or 'ongoing'}); a clinician's terms must not overlap")

    # leave -----------------------------------------------------------------
    leave: list[Leave] = []
    leave_row: dict[str, int] = {}
    seen = {}
    for t, i, r in rows("leave"):
        lid = _ident(ck, t, i, r, "leave_id", seen)
        cid = ref(t, i, r, "clinician_id", known_clinicians, "clinician")
        ltype = ck.parse(t, i, r, "leave_type", _enum(LeaveType), _accepted(LeaveType), required=True)
        start = ck.parse(t, i, r, "start_date", _date, DATE, required=True)
        end = ck.parse(t, i, r, "end_date", _date, DATE, required=True)
        status = ck.parse(t, i, r, "status", _enum(LeaveStatus), _accepted(LeaveStatus), required=True)
        dur = ck.parse(t, i, r, "duration", _enum(Duration), _accepted(Duration) + " or blank (FULL)",
                       default=Duration.FULL)
        ok = _BAD not in (lid, cid, ltype, start, end, status, dur)
        if start is not _BAD and end is not _BAD and end < start:
            ck.add(t.source, i, "end_date", r["end_date"], f"is before start_date {start}; give an end on or after the start")
            ok = False
        if ok and dur is Duration.HALF and start != end:
            ck.add(t.source, i, "duration", r["duration"], "HALF leave must be a single day (start_date = end_date)")
            ok = False
        if ok:
            leave.append(Leave(lid, cid, ltype, start, end, status, dur))
            leave_row[lid] = i
    active: dict[str, list[Leave]] = defaultdict(list)
    for lv in leave:
        if lv.status not in (LeaveStatus.CANCELLED, LeaveStatus.REJECTED):
            active[lv.clinician_id].append(lv)
    for cid, lvs in active.items():
        lvs.sort(key=lambda x: (x.start_date, leave_row[x.leave_id]))
        latest = lvs[0]
        for lv in lvs[1:]:
            if lv.start_date <= latest.end_date:
                ck.add(tables["leave"].source, leave_row[lv.leave_id], "start_date", lv.start_date.isoformat(),
                       f"leave {lv.leave_id} overlaps leave {latest.leave_id} of clinician {cid} "
                       f"({latest.start_date}..{latest.end_date}); cancel or reject one of them")
            if lv.end_date > latest.end_date:
                latest = lv

    # sick leave --------------------------------------------------------------
    sick: list[SickLeave] = []
    seen = {}
    for t, i, r in rows("sick_leave"):
        sid = _ident(ck, t, i, r, "sick_id", seen)
        cid = ref(t, i, r, "clinician_id", known_clinicians, "clinician")
        start = ck.parse(t, i, r, "start_date", _date, DATE, required=True)
        end = ck.parse(t, i, r, "end_date", _date, DATE + " or blank (ongoing)")
        ok = _BAD not in (sid, cid, start, end)
        if start is not _BAD and end not in (_BAD, None) and end < start:
            ck.add(t.source, i, "end_date", r["end_date"], f"is before start_date {start}; give an end on or after the start")
            ok = False
        if ok:
            sick.append(SickLeave(sid, cid, start, end))

    # locum bookings ----------------------------------------------------------
    bookings: list[LocumBooking] = []
    seen = {}
    for t, i, r in rows("locum_bookings"):
        bid = _ident(ck, t, i, r, "booking_id", seen)
        cid = ref(t, i, r, "clinician_id", known_clinicians, "clinician")
        ds = ck.parse(t, i, r, "dates", _dates, "one or more dates YYYY-MM-DD separated by ';'", required=True)
        if _BAD not in (bid, cid, ds):
            bookings.append(LocumBooking(bid, cid, ds))

    # shifts -------------------------------------------------------------------
    shifts: list[Shift] = []
    seen_sid: dict[int, int] = {}
    live: dict[tuple[str, date], int] = {}
    for t, i, r in rows("shifts"):
        sid = ck.parse(t, i, r, "shift_id", _int, "a whole number >= 1, or blank to have one assigned")
        if sid not in (_BAD, None):
            if sid < 1 or sid > MAX_SHIFT_ID:
                ck.add(t.source, i, "shift_id", r["shift_id"],
                       f"is not accepted; give a whole number from 1 to {MAX_SHIFT_ID} or blank")
                sid = _BAD
            elif sid in seen_sid:
                ck.add(t.source, i, "shift_id", r["shift_id"], f"duplicate id; it is already used on row {seen_sid[sid]}")
                sid = _BAD
            else:
                seen_sid[sid] = i
        cid = ref(t, i, r, "clinician_id", known_clinicians, "clinician")
        day = ck.parse(t, i, r, "date", _date, DATE, required=True)
        if day not in (_BAD, None) and day.weekday() >= 5:
            ck.add(t.source, i, "date", r["date"],
                   f"is a {day.strftime('%A')}, a weekend day; shifts are on working days, give a date Monday to Friday")
            day = _BAD
        stype = ck.parse(t, i, r, "shift_type", _enum(ShiftType), _accepted(ShiftType) + " or blank (STANDARD)",
                         default=ShiftType.STANDARD)
        dur = ck.parse(t, i, r, "duration", _enum(Duration), _accepted(Duration) + " or blank (FULL)",
                       default=Duration.FULL)
        status = ck.parse(t, i, r, "status", _enum(ShiftStatus), _accepted(ShiftStatus) + " or blank (SCHEDULED)",
                          default=ShiftStatus.SCHEDULED)
        pinned = ck.parse(t, i, r, "is_pinned", _bool, BOOL_ACC + " or blank (false)", default=False)
        origin = sys.intern(r.get("origin") or "import")
        if _BAD in (sid, cid, day, stype, dur, status, pinned):
            continue
        if status is not ShiftStatus.CANCELLED:
            if (cid, day) in live:
                ck.add(t.source, i, "date", r["date"],
                       f"clinician {cid} already has a non-cancelled shift on {day} (row {live[(cid, day)]});"
                       " at most one per clinician and date")
                continue
            live[(cid, day)] = i
        # (skipped when one of the clinician's term rows was itself bad, to avoid a cascade)
        if cid not in bad_term_clinicians and not any(term.covers(day) for term in by_clin.get(cid, ())):
            ck.add(t.source, i, "date", r["date"],
                   f"clinician {cid} has no working term covering {day}; add or extend a term in working_terms")
            continue
        shifts.append(Shift(sid, cid, day, stype, dur, status, pinned, origin))

    # leave adjustments -----------------------------------------------------
    adjustments: list[LeaveAdjustment] = []
    seen = {}
    for t, i, r in rows("leave_adjustments"):
        aid = _ident(ck, t, i, r, "adjustment_id", seen)
        tid = ref(t, i, r, "term_id", known_terms, "term")
        amount = ck.parse(t, i, r, "amount", _decimal, "a signed number with at most 2 decimals", required=True)
        if _BAD not in (aid, tid, amount):
            adjustments.append(LeaveAdjustment(aid, tid, amount, r.get("reason", "")))

    # trainer requirements ----------------------------------------------------
    trainers: list[TrainerRequirement] = []
    seen = {}
    for t, i, r in rows("trainer_requirements"):
        rid = _ident(ck, t, i, r, "requirement_id", seen)
        wd = ck.parse(t, i, r, "weekday", lambda x: Weekday.parse(x, "weekday"), "Mon..Fri or Monday..Friday",
                      required=True)
        ids = ck.parse(t, i, r, "clinician_ids", _ids, "one or more clinician ids separated by ';'", required=True)
        if ids is not _BAD:
            unknown = [x for x in ids if x not in known_clinicians]
            if unknown:
                ck.add(t.source, i, "clinician_ids", r["clinician_ids"],
                       f"unknown clinician id(s) {', '.join(unknown)}; known clinicians: {', '.join(sorted(known_clinicians))}")
                ids = _BAD
            elif len(set(ids)) != len(ids):
                ck.add(t.source, i, "clinician_ids", r["clinician_ids"], "a clinician is listed twice; list each once")
                ids = _BAD
        if _BAD not in (rid, wd, ids):
            trainers.append(TrainerRequirement(rid, wd, ids))

    # affinity pairs -------------------------------------------------------------
    pairs: list[AffinityPair] = []
    seen_pairs: dict[frozenset, int] = {}
    for t, i, r in rows("affinity_pairs"):
        a = ref(t, i, r, "clinician_a", known_clinicians, "clinician")
        b = ref(t, i, r, "clinician_b", known_clinicians, "clinician")
        if _BAD in (a, b):
            continue
        if a == b:
            ck.add(t.source, i, "clinician_b", b, "a clinician cannot be paired with itself; give two different ids")
            continue
        key = frozenset((a, b))
        if key in seen_pairs:
            ck.add(t.source, i, "clinician_b", b, f"duplicate pair; {a} and {b} are already paired on row {seen_pairs[key]}")
            continue
        seen_pairs[key] = i
        pairs.append(AffinityPair(a, b))

    if ck.problems:
        raise ValidationError(ck.problems, context=data.settings_source.replace("settings.toml", "the source folder"),
                              omitted=ck.omitted)
    assert isinstance(settings, Settings)
    snapshot = canonical(
        PracticeSnapshot(
            settings=settings,
            clinicians=tuple(clinicians),
            terms=tuple(terms),
            leave=tuple(leave),
            sick_leave=tuple(sick),
            locum_bookings=tuple(bookings),
            shifts=tuple(shifts),
            leave_adjustments=tuple(adjustments),
            trainer_requirements=tuple(trainers),
            affinity_pairs=tuple(pairs),
        )
    )
    return ReadResult(snapshot, tuple(warnings))


def read_source_full(source: str | Path) -> ReadResult:
    """Parse and validate ``source``; return the snapshot and the warnings (unknown columns)."""
    source = path_arg(source, "source", SOURCE_HINT)
    paused = gc.isenabled()
    gc.disable()  # a large file makes a million objects and no cycles; repeated full collections only cost time
    try:
        data = read_raw(source)
        return validate(data)
    except ValidationError as err:
        raise ValidationError(err.problems, context=str(source), omitted=err.omitted) from None
    finally:
        if paused:
            gc.enable()


def read_source(source: str | Path) -> PracticeSnapshot:
    """Parse and validate a practice folder or xlsx workbook without writing anything."""
    return read_source_full(source).snapshot
