"""What every importer refuses in the text of the files it reads (issue 22 item 5).

The practice importer (``store.source``) and the folder readers of departments and
care-home providers (``rostering.tables``) share these checks, so a file is refused
the same way, with the same words, whichever importer reads it:

* a file that is not UTF-8 (named, with the byte where decoding failed);
* a CSV file the csv module cannot parse (a missing closing quote), read with a
  field limit far above any accepted cell so an over-long cell is named by file,
  row and column (:data:`MAX_CELL_CHARS`) instead of stopping the file;
* a ragged CSV row, with more or fewer fields than the header (nothing is dropped
  or defaulted);
* NUL and other control characters (tab, line break, ...) in a header or a cell;
* a cell over :data:`MAX_CELL_CHARS` characters.

Each problem is a :class:`~rotacc_lab.errors.Problem` (file, 1-based data row,
column, value, what is accepted).
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Iterable, Sequence

from .errors import Problem

#: the longest cell accepted (names, e-mails, reasons, ids, lists of ids)
MAX_CELL_CHARS = 10_000
#: the csv module refuses fields over 131,072 characters; read up to this so an over-long
#: cell is reported with its file, row and column (MAX_CELL_CHARS) instead of stopping the file
CSV_FIELD_LIMIT = 16 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_problem(text: str) -> str | None:
    """Why ``text`` is refused when it holds a control character (NUL, a line break, ...), else ``None``."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    return (f"contains the control character U+{ord(m.group()):04X} at position {m.start() + 1}; "
            "give plain text (no NUL, tab, line break or other control characters)")


def length_problem(text: str) -> str | None:
    """Why ``text`` is refused when it is longer than a cell may be, else ``None``."""
    if len(text) <= MAX_CELL_CHARS:
        return None
    return f"is {len(text):,} characters long; a cell holds at most {MAX_CELL_CHARS:,}"


def cell_problem(text: str) -> str | None:
    """The first of :func:`length_problem` and :func:`control_problem` that applies to a cell."""
    if not text:
        return None
    return length_problem(text) or control_problem(text)


def not_utf8(err: UnicodeDecodeError, save_as: str = "UTF-8", at: int | None = None) -> str:
    """The message for a file that does not decode as UTF-8 (the file's name goes in the Problem's source);
    ``at`` is the byte offset in the file when ``err`` came from a stream (its own is within a block)."""
    return f"is not UTF-8 text (byte {err.start if at is None else at}); save it as {save_as}"


def bad_utf8_offset(path: Path) -> int | None:
    """The offset of the first byte of ``path`` that is not UTF-8, read in blocks; ``None`` if all is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pos = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            pending = len(decoder.getstate()[0])  # bytes of a character begun in the last block
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as err:
                return pos - pending + err.start
            if not block:
                return None
            pos += len(block)


def csv_reader(lines: Iterable[str]):
    """``csv.reader`` over ``lines`` with the field limit raised to :data:`CSV_FIELD_LIMIT`."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    return csv.reader(lines)


def csv_error(source: str, line: int, err: Exception, path: Path | None = None) -> Problem:
    """A file the csv module cannot read (a missing closing quote, a cell over :data:`CSV_FIELD_LIMIT`),
    or one that is not UTF-8 (``path``: read as a stream, the byte is found in the file)."""
    if isinstance(err, UnicodeDecodeError):
        return Problem(source, None, None, None, not_utf8(err, "UTF-8 CSV", bad_utf8_offset(path) if path else None))
    return Problem(source, None, None, None, f"cannot be read as CSV at line {line} ({err}); "
                                             "check for a missing closing quote or an over-long cell")


def header_problems(source: str, columns: Sequence[str]) -> list[Problem]:
    """Control characters in header names."""
    return [Problem(source, None, None, c, f"header {why}") for c in columns if (why := control_problem(c))]


def shape_problem(source: str, row: int, texts: Sequence[str], columns: Sequence[str],
                  ragged: bool = True) -> Problem | None:
    """A row with more non-blank fields than the header, or (``ragged``: a CSV file) fewer fields.

    Trailing empty fields beyond the header are accepted (spreadsheets write them).
    """
    if len(texts) > len(columns) and any(texts[len(columns):]):
        extra = [t for t in texts[len(columns):] if t]
        return Problem(source, row, None, extra[0] if len(extra) == 1 else extra,
                       f"has {len(texts)} fields but the header has {len(columns)}; "
                       "remove the extra field(s) or add a column for them to the header")
    if ragged and len(texts) < len(columns):
        missing = [c for c in columns[len(texts):] if c]
        return Problem(source, row, None, None,
                       f"has {len(texts)} fields but the header has {len(columns)} (missing "
                       f"{', '.join(missing)}); give every field, an empty one as nothing between two commas")
    return None
