"""What a cover plan costs, per home, unit and week, split by where the money goes (issue 16 item 3).

:func:`cost_breakdown` prices a :class:`~rotacc_lab.carehomes.cover.CoverPlan` with the
same prices as :func:`~rotacc_lab.carehomes.cover.evaluate_cover` and attributes every
penny to a (home, unit, week) row:

``contracted``
    permanent staff's contract pay for the week (after leave), split over the units
    they worked that week in proportion to the minutes worked there; a week in which
    they worked no shift goes to their usual unit (blank unit: their home as a whole);
``bank``
    bank staff's pay for the shifts they worked, on the shift's unit and week;
``uplift``
    the night uplift and the bank-holiday premium on hours worked (staff and bank);
``overtime``
    a permanent person's minutes above contract in an overtime block (a week, or the
    horizon), priced at the multiplier, split over the shifts they worked in that block
    in proportion to their minutes;
``agency``
    agency workers on the post, at the post's agency rate;
``paid``
    contracted + bank + uplift + overtime + agency: what the provider pays;
``shortfall_penalty``
    the policy's price of people missing (a penalty, not money paid), with
    ``agency_shifts`` and ``short_shifts`` (how many agency workers, how many people missing).

Weeks are 7-day blocks from the horizon's start (``week`` is the block's first day),
as overtime and fairness count them. Pence are rounded once per row, so a column's
total can differ from :func:`evaluate_cover`'s by at most half a penny per row.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from .model import Employment

if TYPE_CHECKING:
    from .cover import CoverPlan, CoverProblem

#: the money columns, in the order they are shown
MONEY = ("contracted", "bank", "uplift", "overtime", "agency")
COLUMNS = ["home_id", "unit_id", "week", *MONEY, "paid", "shortfall_penalty", "agency_shifts", "short_shifts"]
#: what :func:`summarise` groups by
LEVELS = ("home", "unit", "week")

_C = 100  # centipence per penny (as in cover.py)


def cost_breakdown(problem: "CoverProblem", plan: "CoverPlan") -> pl.DataFrame:
    """One row per (home, unit, week) that costs anything: the columns of the module docstring, in pence."""
    from .cover import _cp

    p = problem.provider
    bh = problem.bank_holidays()
    staff = {s.staff_id: s for s in p.staff}
    posts = {post.key: post for post in problem.posts()}
    weeks = problem.weeks()
    week_of = {d: blk[0] for blk in weeks for d in blk}
    home_of = {u.unit_id: u.home_id for u in p.units}
    acc: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))

    def row(unit_id: str | None, home_id: str, week) -> dict[str, Decimal]:
        return acc[(home_id, unit_id, week)]

    # minutes worked per person, per (unit, week) and per overtime block
    worked: dict[str, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    for b in plan.bookings:
        s, post = staff[b.staff_id], posts[b.post_key]
        r = row(b.unit_id, home_of[b.unit_id], week_of[b.day])
        w = Decimal(problem.work_cost(s, post, bh))
        pay = Decimal(_cp(Decimal(p.hourly_rate_pence(s)) * post.hours)) if s.employment is Employment.BANK \
            else Decimal(0)
        r["bank"] += pay
        r["uplift"] += w - pay
        worked[s.staff_id][(b.unit_id, week_of[b.day], b.day)] += post.shift.minutes

    for s in p.staff:
        if s.employment is not Employment.PERMANENT:
            continue
        mine = worked.get(s.staff_id, {})
        # contracted pay, week by week, over the units worked that week
        for blk in weeks:
            pay = Decimal(p.hourly_rate_pence(s)) * problem.contract_minutes(s, blk) / 60 * _C
            if not pay:
                continue
            here = {k: m for k, m in mine.items() if k[1] == blk[0]}
            _spread(acc, here, pay, "contracted", home_of, fallback=(s.home_id, s.unit_id, blk[0]))
        # overtime, block by block, over the shifts worked in the block
        for blk in problem.overtime_blocks():
            days = set(blk)
            here = {k: m for k, m in mine.items() if k[2] in days}
            over = sum(here.values()) - problem.contract_minutes(s, blk)
            if over > 0:
                _spread(acc, here, problem.overtime_cost_per_minute(s) * over, "overtime", home_of)

    for key, post in posts.items():
        a, sh = plan.agency.get(key, 0), plan.shortfall.get(key, 0)
        if not (a or sh):
            continue
        r = row(post.cover.unit_id, home_of[post.cover.unit_id], week_of[post.day])
        if a:
            rate = problem.agency_rate(post, bh)
            if rate is None:
                raise ValueError(f"agency on {key} where no agency rate applies")
            r["agency"] += Decimal(a * rate)
            r["agency_shifts"] += a * _C  # counts kept in the same units; divided back below
        if sh:
            r["shortfall_penalty"] += Decimal(sh * problem.shortfall_cost(post))
            r["short_shifts"] += sh * _C

    rows = []
    for (home_id, unit_id, week), v in acc.items():
        money = {k: _pence(v[k]) for k in MONEY}
        rows.append({"home_id": home_id, "unit_id": unit_id, "week": week, **money,
                     "paid": sum(money.values()), "shortfall_penalty": _pence(v["shortfall_penalty"]),
                     "agency_shifts": int(v["agency_shifts"] / _C), "short_shifts": int(v["short_shifts"] / _C)})
    schema = {"home_id": pl.String, "unit_id": pl.String, "week": pl.Date,
              **{c: pl.Int64 for c in COLUMNS[3:]}}
    frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    return frame.sort("home_id", pl.col("unit_id").fill_null(""), "week").select(COLUMNS)


def _spread(acc, minutes: dict[tuple, int], amount: Decimal, column: str, home_of, fallback=None) -> None:
    """Add ``amount`` (centipence) to the (unit, week) rows of ``minutes`` in proportion to the minutes."""
    total = sum(minutes.values())
    if total == 0:
        if fallback is not None:
            home_id, unit_id, week = fallback
            acc[(home_id, unit_id, week)][column] += amount
        return
    per: dict[tuple, int] = defaultdict(int)
    for (unit_id, week, _day), m in minutes.items():
        per[(unit_id, week)] += m
    for (unit_id, week), m in per.items():
        acc[(home_of[unit_id], unit_id, week)][column] += amount * m / total


def _pence(centipence: Decimal) -> int:
    from decimal import ROUND_HALF_UP

    return int((centipence / _C).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def summarise(breakdown: pl.DataFrame, by: str) -> pl.DataFrame:
    """The breakdown summed per ``home``, ``unit`` (home and unit) or ``week``, with a share of agency in paid."""
    keys = {"home": ["home_id"], "unit": ["home_id", "unit_id"], "week": ["week"]}.get(by)
    if keys is None:
        raise ValueError(f"by: {by!r} is not one of {', '.join(LEVELS)}")
    sums = [pl.col(c).sum() for c in COLUMNS[3:]]
    out = breakdown.group_by(keys).agg(sums).sort([pl.col(k).fill_null("") if k != "week" else pl.col(k)
                                                    for k in keys])
    return out.with_columns(
        agency_share_percent=pl.when(pl.col("paid") > 0)
        .then((100 * pl.col("agency") / pl.col("paid")).round(1))
        .otherwise(0.0)
    )
