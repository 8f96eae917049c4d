"""The one parser for dates a person types: ``YYYY-MM-DD`` and nothing else.

Every boundary that takes a date from a person (CLI options, import files,
settings, notebooks, sweep specs, dashboards) goes through :func:`parse_date`,
so a date that one of them accepts is accepted by all of them and a bad one
gets the same message everywhere::

    --start: '20260105' is not a date; give YYYY-MM-DD, e.g. 2026-01-05
    --end: '2026-02-30' is not a date (February 2026 has no day 30); give YYYY-MM-DD, e.g. 2026-01-05

``date.fromisoformat`` alone is not strict enough: since Python 3.11 it also
takes ``20260105`` and ``2026-W02-1``, which the importer and the docs do not
promise. This module has no dependencies beyond the standard library and
:mod:`rotacc_lab.errors`, so any module may import it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from .errors import RotaccError

#: what every date message says is accepted
DATE_HINT = "give YYYY-MM-DD, e.g. 2026-01-05"

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class DateError(RotaccError, ValueError):
    """A value that is not a ``YYYY-MM-DD`` date.

    ``str(err)`` is the full message (``what: value reason; hint``);
    ``err.reason`` is the same without the ``what: value`` prefix, for callers
    such as the importer that name the file, row and column themselves.
    """

    def __init__(self, what: str, value: object, reason: str, *, show_value: bool = True):
        self.what, self.value, self.reason = what, value, reason
        super().__init__(f"{what}: {value!r} {reason}" if show_value else f"{what}: {reason}")


def date_reason(text: str) -> tuple[date | None, str]:
    """``(the date, "")`` for a valid ``YYYY-MM-DD`` text, else ``(None, why it is not one)``.

    The text must already be stripped; no surrounding space is tolerated here.
    """
    m = _ISO.fullmatch(text)
    if m is None:
        return None, f"is not a date; {DATE_HINT}"
    year, month, day = (int(g) for g in m.groups())
    if year < 1:
        return None, f"is not a date (there is no year 0); {DATE_HINT}"
    if not 1 <= month <= 12:
        return None, f"is not a date (there is no month {month}); {DATE_HINT}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return None, f"is not a date ({calendar.month_name[month]} {year} has no day {day}); {DATE_HINT}"
    return date(year, month, day), ""


def parse_date(value: object, what: str = "date") -> date:
    """``value`` as a :class:`~datetime.date`: a ``date`` is returned as it is, a ``str``
    must be ``YYYY-MM-DD`` (surrounding space ignored); anything else raises :class:`DateError`.

    ``what`` names the option, parameter or column in the message. A ``datetime``
    is refused (a date parameter given a time is a mistake worth naming).
    """
    if isinstance(value, datetime):
        raise DateError(what, value, f"is a date and time; {DATE_HINT} (a date without a time)")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        found, reason = date_reason(value.strip())
        if found is not None:
            return found
        raise DateError(what, value, reason)
    raise DateError(what, value, f"is not a date; {DATE_HINT} (or a datetime.date)")


def parse_optional_date(value: object, what: str = "date") -> date | None:
    """Like :func:`parse_date`, but ``None`` or a blank string gives ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, what)


def require_date(value: object, what: str = "date") -> date:
    """Like :func:`parse_date`, but a missing (``None`` or blank) value says it is missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DateError(what, value, f"missing; {DATE_HINT}", show_value=False)
    return parse_date(value, what)
