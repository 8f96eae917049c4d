"""Small checkers for values given to the Python API, so it refuses what the CLI refuses.

The CLI parses its options before calling the library; a notebook or script
calls the library directly. The public shells (``Workspace.open``,
``read_source``, the workflow functions) pass their arguments through these
checkers, so a bad value raises a :class:`~rotacc_lab.errors.RotaccError`
whose message names the parameter, shows the value and says what is
accepted, instead of a raw ``TypeError`` or a wrong "does not exist"::

    shift_id: 1.5 is not a shift id; give a whole number such as 13
    source: 42 is not a file path; give a practice folder or an .xlsx workbook

Dates go through :mod:`rotacc_lab.dates` (the one strict parser). Only the
standard library and :mod:`rotacc_lab.errors` are imported here.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Iterable

from .dates import parse_date, parse_optional_date
from .errors import RotaccError

_DIGITS = re.compile(r"[0-9]+")


class ArgumentError(RotaccError, ValueError):
    """A parameter given to the Python API has the wrong type or form."""


def path_arg(value: object, what: str, hint: str) -> Path:
    """``value`` as a ``Path`` (a non-blank ``str`` or ``os.PathLike``); ``hint`` says what is accepted."""
    if isinstance(value, Path):
        return value
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        text = os.fspath(value)
        if isinstance(text, str) and text.strip():
            return Path(text)
    raise ArgumentError(f"{what}: {value!r} is not a file path; {hint}")


def shift_id_arg(value: object, what: str = "shift_id") -> int:
    """A shift id: an ``int`` or a string of digits (``'13'``); bools, floats and anything else are refused."""
    if isinstance(value, bool):
        raise ArgumentError(f"{what}: {value!r} is not a shift id; give a whole number such as 13 (not True/False)")
    if isinstance(value, int):
        if value < 1:
            raise ArgumentError(f"{what}: {value!r} is not a shift id; give a whole number of 1 or more")
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return shift_id_arg(int(value.strip()), what)
    raise ArgumentError(f"{what}: {value!r} is not a shift id; give a whole number such as 13")


def optional_shift_id_arg(value: object, what: str = "shift_id") -> int | None:
    return None if value is None else shift_id_arg(value, what)


def date_arg(value: object, what: str) -> date:
    """A required date: a ``datetime.date`` or a ``YYYY-MM-DD`` string (see :func:`rotacc_lab.dates.parse_date`)."""
    return parse_date(value, what)


def optional_date_arg(value: object, what: str) -> date | None:
    """Like :func:`date_arg`; ``None`` (or a blank string) gives ``None``."""
    return parse_optional_date(value, what)


def dates_arg(values: object, what: str = "dates") -> list[date]:
    """Several dates (any iterable except a single string or date), each checked by :func:`date_arg`."""
    if isinstance(values, (str, bytes, date)) or not isinstance(values, Iterable):
        raise ArgumentError(f"{what}: {values!r} is not a list of dates; give a list such as ['2026-01-05', '2026-01-06']")
    return [date_arg(v, f"{what}[{i}]") for i, v in enumerate(values)]


def text_arg(value: object, what: str, hint: str) -> str:
    """A non-blank ``str``, returned unchanged; ``hint`` says what is accepted."""
    if not isinstance(value, str) or not value.strip():
        raise ArgumentError(f"{what}: {value!r} is not accepted; {hint}")
    return value


def optional_text_arg(value: object, what: str, hint: str) -> str | None:
    return None if value is None else text_arg(value, what, hint)


def optional_str_arg(value: object, what: str) -> str | None:
    """``None`` or any ``str`` (a free-text note or reason, which may be blank)."""
    if value is not None and not isinstance(value, str):
        raise ArgumentError(f"{what}: {value!r} is not accepted; give text, or leave it out")
    return value


def choice_arg(value: object, what: str, choices: Iterable[str]) -> str:
    """One of ``choices`` (given in upper case), matched case-insensitively; returned in upper case."""
    allowed = tuple(choices)
    if isinstance(value, str) and value.strip().upper() in allowed:
        return value.strip().upper()
    raise ArgumentError(f"{what}: {value!r} is not one of {', '.join(allowed)}")


def bool_arg(value: object, what: str) -> bool:
    """``True`` or ``False`` exactly (``1``, ``'yes'`` are refused: the caller meant something else)."""
    if not isinstance(value, bool):
        raise ArgumentError(f"{what}: {value!r} is not accepted; give True or False")
    return value
