"""The staffing rule: forecast activity -> required cover, every bound rounded UP.

A rule says how much of a day's activity one person in ``target`` (a role such as
``doctors`` or ``care_worker``, or a shift type such as ``night``) handles::

    cover = max(minimum, ceil(share * activity / per))

``share`` is the part of the day's activity that falls to this target (a night
shift sees 20 % of an emergency department's attendances, say), ``per`` what one
person covers in it (30 appointments for a GP day). Applied to the point forecast
and to both interval bounds, it gives the cover under the expected, the low and
the high demand. Every one is rounded **up**: a lower bound of 4.2 people is a
need for 5, not 4 (the care-home reference truncates with ``int()``, which
under-staffs whenever the bound is not whole). A tolerance of 1e-9 keeps a bound
that is whole up to floating-point noise (6.0000000001) at 6. A day the site is
closed needs nobody, whatever ``minimum`` says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from ..activity import check_series_name
from .models import Forecast

EPS = 1e-9


@dataclass(frozen=True)
class StaffingRule:
    target: str
    series: str
    per: float
    share: float = 1.0
    minimum: int = 0

    def __post_init__(self) -> None:
        if not (isinstance(self.target, str) and self.target.strip()):
            raise ValueError(f"target: {self.target!r} is not accepted; give a role or shift type name")
        check_series_name(self.series, "series")
        if not (isinstance(self.per, (int, float)) and math.isfinite(self.per) and self.per > 0):
            raise ValueError(f"per: {self.per!r} is not accepted; give the activity one person covers, a number > 0")
        if not (isinstance(self.share, (int, float)) and 0 < self.share <= 1):
            raise ValueError(f"share: {self.share!r} is not accepted; give a fraction in (0, 1]")
        if not (isinstance(self.minimum, int) and not isinstance(self.minimum, bool) and self.minimum >= 0):
            raise ValueError(f"minimum: {self.minimum!r} is not accepted; give a whole number >= 0")

    def cover(self, activity: float, closed: bool = False) -> int:
        """People needed for ``activity`` (rounded up; 0 on a closed day)."""
        if closed:
            return 0
        if not (math.isfinite(activity) and activity >= 0):
            raise ValueError(f"activity: {activity!r} is not accepted; give a finite number >= 0")
        return max(self.minimum, math.ceil(self.share * activity / self.per - EPS))

    def describe(self) -> dict:
        return {"target": self.target, "series": self.series, "per": self.per, "share": self.share,
                "minimum": self.minimum}


@dataclass(frozen=True)
class CoverDay:
    date: object
    target: str
    point: int  # cover for the point forecast
    lower: int  # for the interval's lower bound (rounded up)
    upper: int  # for the interval's upper bound
    level: int


def cover_plan(forecast: Forecast, rules: Sequence[StaffingRule], level: int = 80) -> list[CoverDay]:
    """Required cover per date and target for the rules that apply to ``forecast.series``."""
    lo, hi = forecast.bounds(level)
    mine = [r for r in rules if r.series == forecast.series]
    if not mine:
        raise ValueError(f"rules: none applies to series {forecast.series}; give a rule with series={forecast.series}")
    out = []
    for i, d in enumerate(forecast.dates):
        shut = forecast.closed[i]
        for r in mine:
            out.append(CoverDay(d, r.target, r.cover(forecast.mean[i], shut), r.cover(lo[i], shut),
                                r.cover(hi[i], shut), level))
    return out
