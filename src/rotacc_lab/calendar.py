"""Working days, weeks and UK bank holidays.

Bank holidays come from the ``holidays`` package, which ships its rules with the
code: nothing is fetched at run time. Only the dates a practice actually closes
are returned, i.e. weekdays: when a holiday falls on a weekend the package also
lists the substitute ("observed") weekday, which is the date the official
government list gives, and the weekend date itself is dropped.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Iterator

#: UK nation (the value of ``rotacc_lab.domain.UKNation``) -> the ``holidays`` package's subdivision.
#: Keyed by the plain names so this module needs nothing from ``domain`` (which imports it).
_SUBDIVISION = {
    "ENGLAND": "ENG",
    "WALES": "WLS",
    "SCOTLAND": "SCT",
    "NORTHERN_IRELAND": "NIR",
}


def nation_name(nation: object) -> str:
    """``UKNation`` member or its name, any case -> ``"ENGLAND"`` ...; anything else raises ``ValueError``."""
    text = str(getattr(nation, "value", nation) if nation is not None else "").strip().upper()
    if text not in _SUBDIVISION:
        raise ValueError(f"uk_nation: {nation!r} is not one of {', '.join(_SUBDIVISION)}")
    return text


@lru_cache(maxsize=64)
def _bank_holidays_year(nation: str, year: int) -> frozenset[date]:
    import holidays as _holidays  # imported on first use: it is slow to import and most commands never need it

    table = _holidays.UK(subdiv=_SUBDIVISION[nation], years=[year])
    return frozenset(d for d in table if d.weekday() < 5 and d.year == year)


def bank_holidays(nation: object, years: Iterable[int]) -> frozenset[date]:
    """Bank holidays (weekdays only) of ``nation`` (a ``UKNation`` or its name) in the given years."""
    nation = nation_name(nation)
    out: set[date] = set()
    for y in years:
        out |= _bank_holidays_year(nation, int(y))
    return frozenset(out)


def bank_holidays_between(nation: object, start: date, end: date) -> list[date]:
    """Sorted bank holidays with ``start <= d <= end``."""
    hol = bank_holidays(nation, range(start.year, end.year + 1))
    return sorted(d for d in hol if start <= d <= end)


def daterange(start: date, end: date) -> Iterator[date]:
    """Every date from ``start`` to ``end`` inclusive."""
    for i in range((end - start).days + 1):
        yield start + timedelta(days=i)


def is_working_day(day: date, bank_hols: frozenset[date] | set[date]) -> bool:
    return day.weekday() < 5 and day not in bank_hols


def working_days(start: date, end: date, bank_hols: frozenset[date] | set[date]) -> list[date]:
    """Monday–Friday dates in ``[start, end]`` that are not bank holidays."""
    return [d for d in daterange(start, end) if d.weekday() < 5 and d not in bank_hols]


def week_monday(day: date) -> date:
    """Monday of the ISO week containing ``day``."""
    return day - timedelta(days=day.weekday())


def first_full_monday(day: date) -> date:
    """``day`` itself when it is a Monday, else the next Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def iso_week(day: date) -> tuple[int, int]:
    """(ISO year, ISO week number)."""
    iso = day.isocalendar()
    return iso[0], iso[1]


def week_ab_index(day: date, anchor: date) -> int | None:
    """0 for week A, 1 for week B, counting weeks from ``first_full_monday(anchor)`` (week 0 = A).

    Returns ``None`` for dates before the first full Monday.
    """
    first = first_full_monday(anchor)
    if day < first:
        return None
    return ((day - first).days // 7) % 2


def post_bank_holiday_days(start: date, end: date, bank_hols: frozenset[date] | set[date]) -> set[date]:
    """First working days after one or more consecutive bank holidays.

    A working day qualifies when the closest earlier weekday is a bank
    holiday: the Tuesday after Easter Monday, the Tuesday after a Monday
    holiday, the day after Boxing Day (or its substitute).
    """
    out: set[date] = set()
    for d in working_days(start, end, bank_hols):
        prev = d - timedelta(days=1)
        while prev.weekday() >= 5:
            prev -= timedelta(days=1)
        if prev in bank_hols:
            out.add(d)
    return out
