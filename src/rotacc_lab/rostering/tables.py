"""Reading and writing the CSV + TOML folders of shift-type teams (departments, care homes).

A folder format is declared as :class:`Table` specs (file name, columns, which are
required); :func:`read_table` reads one file into :class:`Sheet` rows of stripped
text, recording every problem (missing file or column, duplicate column, unknown
column as a warning) in a :class:`Collector`; :meth:`Collector.cell` parses one
cell, recording a :class:`~rotacc_lab.errors.Problem` with file, 1-based data row,
column, value and what is accepted instead of raising. A reader goes through every
row and file, then raises one :class:`~rotacc_lab.errors.ValidationError` listing
all problems.

The parsers (``p_*``) take the stripped text of a non-blank cell and raise
``ValueError`` when it is not accepted; a message containing "accepted" replaces
the generic one. Writers format values back (``f_*``) so that reading what was
written gives the same values.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..dates import date_reason
from ..errors import Problem, RotaccError, ValidationError
from ..input_text import cell_problem, control_problem, csv_error, csv_reader, header_problems, not_utf8, shape_problem
from ..private import make_private_dir, write_private_text
from .shifts import ShiftType, parse_hhmm

BAD = object()  # a cell that failed to parse (its problem is already recorded)

WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_ACC = "day names Mon..Sun (or Monday..Sunday) separated by ';'"
DATE_ACC = "a date YYYY-MM-DD"
BOOL_ACC = "true or false"
TIME_ACC = "a time HH:MM"


@dataclass(frozen=True)
class Table:
    """One CSV file of a folder format: ``<name>.csv`` with required and optional columns."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    required_file: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Sheet:
    source: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    #: (row, column) of cells already refused while reading (control characters, over-long, missing
    #: from a short row): :meth:`Collector.cell` gives ``BAD`` for them without a second problem
    bad: set[tuple[int, str]] = field(default_factory=set)


@dataclass
class Collector:
    """Problems (fatal) and warnings found while reading a folder."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, source: str, row: int | None, column: str | None, value: Any, message: str) -> None:
        self.problems.append(Problem(source, row, column, value, message))

    def warn(self, source: str, row: int | None, column: str | None, value: Any, message: str) -> None:
        self.warnings.append(Problem(source, row, column, value, message))

    def cell(self, sheet: Sheet, i: int, row: dict[str, str], col: str, parse: Callable[[str], Any],
             accepted: str, required: bool = False, default: Any = None) -> Any:
        """The parsed value of ``row[col]``, ``default`` when blank, or ``BAD`` (problem recorded)."""
        if (i, col) in sheet.bad:
            return BAD
        text = row.get(col, "")
        if text == "":
            if required:
                self.add(sheet.source, i, col, None, f"is required; give {accepted}")
                return BAD
            return default
        try:
            return parse(text)
        except (ValueError, InvalidOperation, TypeError) as err:
            detail = str(err)
            told = "accepted" in detail or "give" in detail
            self.add(sheet.source, i, col, text, detail if told else f"is not accepted; give {accepted}")
            return BAD

    def raise_if_any(self, context: str) -> None:
        if self.problems:
            raise ValidationError(self.problems, context)


# --------------------------------------------------------------------------- reading files


def read_csv_text(text: str, source: str, table: Table, ck: Collector) -> Sheet | None:
    """Parse CSV text against ``table``; ``None`` when its header is unusable (problems recorded).

    Refused here, each with its file, row, column and value (``input_text``): a file the csv
    module cannot read, control characters in the header or a cell, a cell over
    ``MAX_CELL_CHARS`` and a row with more or fewer fields than the header.
    """
    lines = csv_reader(io.StringIO(text))
    try:
        reader = list(lines)
    except csv.Error as err:  # a missing closing quote, a field over CSV_FIELD_LIMIT
        ck.problems.append(csv_error(source, lines.line_num, err))
        return None
    if not reader:
        ck.add(source, None, None, None, f"file is empty; it needs at least the header row {','.join(table.columns)}")
        return None
    columns = [c.strip() for c in reader[0]]
    ck.problems.extend(header_problems(source, columns))
    ok = True
    for c in table.required:
        if c not in columns:
            ck.add(source, None, c, None, f"required column is missing; the columns are {', '.join(table.columns)}")
            ok = False
    for c in sorted({c for c in columns if c and columns.count(c) > 1}):
        ck.add(source, None, c, None, "column appears more than once")
        ok = False
    for c in columns:
        if c and c not in table.columns:
            ck.warn(source, None, c, None, f"unknown column ignored; the columns are {', '.join(table.columns)}")
    if not ok:
        return None
    rows = []
    bad: set[tuple[int, str]] = set()
    for n, values in enumerate(reader[1:], start=1):
        texts = [v.strip() for v in values]
        if not any(texts):
            continue
        if (shape := shape_problem(source, n, texts, columns)) is not None:
            ck.problems.append(shape)
            bad.update((n, c) for c in columns[len(texts):] if c)  # missing: refused, not defaulted
        for c, t in zip(columns, texts):
            if c and (why := cell_problem(t)) is not None:
                ck.add(source, n, c, t, why)
                bad.add((n, c))
        texts += [""] * (len(columns) - len(texts))
        rows.append((n, {c: t for c, t in zip(columns, texts) if c}))
    return Sheet(source, columns, rows, bad)


def read_table(folder: Path, table: Table, ck: Collector) -> Sheet | None:
    """Read ``folder/<table>.csv``; ``None`` when missing (a problem if required) or unusable."""
    path = folder / table.file
    if not path.is_file():
        if table.required_file:
            ck.add(table.file, None, None, None, f"required file is missing from {folder}")
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")  # as written: a stray CR in a cell is not made a LF
    except UnicodeDecodeError as err:
        ck.add(table.file, None, None, None, not_utf8(err, "UTF-8 CSV"))
        return None
    return read_csv_text(text, table.file, table, ck)


def _toml_text_problems(ck: Collector, source: str, data: Any, key: str = "") -> None:
    """Control characters in the keys and string values of a parsed TOML file."""
    if isinstance(data, dict):
        for k, v in data.items():
            path = f"{key}.{k}" if key else str(k)
            if (why := control_problem(str(k))) is not None:
                ck.add(source, None, path, k, f"key {why}")
            _toml_text_problems(ck, source, v, path)
    elif isinstance(data, list):
        for v in data:
            _toml_text_problems(ck, source, v, key)
    elif isinstance(data, str) and (why := cell_problem(data)) is not None:
        ck.add(source, None, key, data, why)


def read_toml(folder: Path, name: str, ck: Collector) -> dict[str, Any] | None:
    path = folder / name
    if not path.is_file():
        ck.add(name, None, None, None, f"required file is missing from {folder}")
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        ck.add(name, None, None, None, not_utf8(err))
        return None
    except tomllib.TOMLDecodeError as err:
        ck.add(name, None, None, None, f"is not valid TOML: {err}")
        return None
    _toml_text_problems(ck, name, data)
    return data


def unique_key(ck: Collector, sheet: Sheet, i: int, key: tuple, seen: dict[tuple, int], columns: str) -> bool:
    """Record a problem when ``key`` was already seen on another row; True when new."""
    if key in seen:
        ck.add(sheet.source, i, columns, key if len(key) > 1 else key[0],
               f"duplicate; the same {columns} is already on row {seen[key]}")
        return False
    seen[key] = i
    return True


def known_ids(sheet: Sheet | None, column: str) -> set[str] | None:
    """Identifiers in ``column`` of any row (even one with other bad cells), so a mistake elsewhere
    in a row does not cascade into "unknown" problems in other files; ``None`` when the file is
    unusable, and references to it are then not checked."""
    if sheet is None:
        return None
    out = set()
    for _, r in sheet.rows:
        try:
            out.add(p_id(r.get(column, "")))
        except ValueError:
            pass
    return out


def ref(ck: Collector, sheet: Sheet, i: int, r: dict[str, str], column: str, known: set[str] | None, what: str,
        required: bool = True, source_file: str = "") -> Any:
    """An identifier in ``column`` that must be one of ``known`` (unchecked when ``known`` is None)."""
    value = ck.cell(sheet, i, r, column, p_id, f"a {what} id" + (f" of {source_file}" if source_file else ""),
                    required=required)
    if value not in (None, BAD) and known is not None and value not in known:
        shown = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
        ck.add(sheet.source, i, column, value, f"unknown {what}; known: {shown or 'none'}")
        return BAD
    return value


# --------------------------------------------------------------------------- parsers

_INT_RE = re.compile(r"[+-]?\d+")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


def p_id(text: str) -> str:
    if not _ID_RE.fullmatch(text):
        raise ValueError("is not an identifier; accepted: letters, digits, '_', '-', '.', starting with a letter or digit")
    return text


def p_text(text: str) -> str:
    return text


def p_date(text: str) -> date:
    found, reason = date_reason(text)
    if found is None:
        raise ValueError(reason)
    return found


def p_int(lo: int | None = None, hi: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not _INT_RE.fullmatch(text):
            raise ValueError
        v = int(text)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ValueError
        return v

    return parse


def p_decimal(lo: Decimal, hi: Decimal, places: int = 2) -> Callable[[str], Decimal]:
    quantum = Decimal(1).scaleb(-places)

    def parse(text: str) -> Decimal:
        d = Decimal(text)
        if not d.is_finite() or d != d.quantize(quantum) or not lo <= d <= hi:
            raise ValueError
        return d.quantize(Decimal(1)) if d == d.to_integral_value() else d

    return parse


def p_money(text: str) -> int:
    """Pounds with at most 2 decimals, above 0 and below 10 000 -> whole pence."""
    d = Decimal(text)
    if not d.is_finite() or d != d.quantize(Decimal("0.01")) or not Decimal(0) < d < Decimal(10000):
        raise ValueError
    return int(d * 100)


def f_money(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def p_bool(text: str) -> bool:
    t = text.lower()
    if t in ("true", "yes", "1"):
        return True
    if t in ("false", "no", "0"):
        return False
    raise ValueError


def p_time(text: str) -> time:
    return parse_hhmm(text)


def p_weekday(text: str) -> int:
    """``Mon``/``monday`` -> 0 ... ``Sun`` -> 6."""
    t = text.strip().lower()
    for i, full in enumerate(_WEEKDAY_FULL):
        if t in (full, full[:3]):
            return i
    raise ValueError(f"{text!r} is not a day name; accepted: Mon..Sun or Monday..Sunday (any case)")


def p_weekdays(text: str) -> tuple[int, ...]:
    days = [p_weekday(p) for p in text.split(";") if p.strip()]
    if len(set(days)) != len(days):
        raise ValueError("a day is listed twice; accepted: each of Mon..Sun at most once, separated by ';'")
    return tuple(sorted(days))


def p_choice(choices: Sequence[str]) -> Callable[[str], str]:
    """Any case in, the canonical (upper-case) spelling out."""
    canon = {c.upper(): c for c in choices}

    def parse(text: str) -> str:
        found = canon.get(text.upper())
        if found is None:
            raise ValueError(f"{text!r} is not accepted; accepted: {', '.join(choices)} (any case)")
        return found

    return parse


def p_codes(text: str) -> tuple[str, ...]:
    """``a;b;c`` -> ``("a", "b", "c")`` (each an identifier, none twice)."""
    out = tuple(p_id(p.strip()) for p in text.split(";") if p.strip())
    if len(set(out)) != len(out):
        raise ValueError("a code is listed twice; accepted: each code once, separated by ';'")
    return out


# --------------------------------------------------------------------------- writers


def f_bool(v: bool) -> str:
    return "true" if v else "false"


def f_time(t: time) -> str:
    return f"{t:%H:%M}"


def f_weekdays(days: Iterable[int]) -> str:
    return ";".join(WEEKDAY_LABELS[d] for d in days)


def f_opt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with ``\\n`` line endings; ``None`` as a blank cell."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def write_files(folder: str | Path, files: dict[str, str]) -> list[Path]:
    """Write ``{name: text}`` into ``folder`` (created if needed; private, 0700/0600, like every export);
    returns the paths."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise RotaccError(f"{folder} exists and is not a folder; give a folder to export into")
    make_private_dir(folder)
    out = []
    for name, text in files.items():
        path = folder / name
        write_private_text(path, text, newline="")
        out.append(path)
    return out


def toml_string(text: str) -> str:
    """A TOML basic string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
                  for c in out)
    return f'"{out}"'


# --------------------------------------------------------------------------- shift types

SHIFT_TYPES = Table("shift_types", ("shift_type", "start", "end"), ("name", "clinical"), required_file=True)


def parse_shift_types(sheet: Sheet | None, ck: Collector) -> list[ShiftType]:
    """The rows of ``shift_types.csv`` as shift types (problems recorded, bad rows skipped)."""
    out: list[ShiftType] = []
    if sheet is None:
        return out
    seen: dict[tuple, int] = {}
    for i, r in sheet.rows:
        code = ck.cell(sheet, i, r, "shift_type", p_id, "a short code such as night", required=True)
        start = ck.cell(sheet, i, r, "start", p_time, TIME_ACC, required=True)
        end = ck.cell(sheet, i, r, "end", p_time, TIME_ACC + " (at or before start = next day)", required=True)
        clinical = ck.cell(sheet, i, r, "clinical", p_bool, BOOL_ACC, default=True)
        name = r.get("name", "")
        if code is not BAD and not unique_key(ck, sheet, i, (code,), seen, "shift_type"):
            continue
        if BAD not in (code, start, end, clinical):
            out.append(ShiftType(code, start, end, name, clinical))
    if not out and not any(p.source == sheet.source for p in ck.problems):
        ck.add(sheet.source, None, None, None, "has no shift types; give at least one row")
    return out


def shift_types_csv(types: Iterable[ShiftType]) -> str:
    return csv_text(("shift_type", "name", "start", "end", "clinical"),
                    [(t.code, t.name, f_time(t.start), f_time(t.end), f_bool(t.clinical)) for t in types])
