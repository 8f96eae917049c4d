"""``rotacc-lab forecast WS``: forecast a workspace's activity, backtest it, turn it into cover.

statsforecast (and numba, which it compiles with) is imported only when this
command runs, never at CLI start-up.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional

import typer

from ..errors import RotaccError
from ..private import reserve_private


def _fail(err: Exception) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)


class _Bar:
    def __init__(self, enabled: bool):
        self.bar = None
        self.enabled = enabled

    def __call__(self, step: int, total: int, label: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="backtest", unit="fit", leave=False)
        self.bar.set_postfix_str(label)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def register(app: typer.Typer) -> None:
    @app.command("forecast")
    def forecast_cmd(
        workspace: Path = typer.Argument(..., help="workspace file holding activity series"),
        series: Optional[str] = typer.Option(None, "--series", help="series to forecast (default: the only one)"),
        horizon: int = typer.Option(28, "--horizon", help="days ahead, 1 to 84 (12 weeks)"),
        model: str = typer.Option("ets", "--model", help="ets, arima, mstl or snaive (the seasonal-naive baseline)"),
        run_backtest: bool = typer.Option(False, "--backtest", help="rolling-origin backtest of every model instead"),
        folds: int = typer.Option(4, "--folds", help="backtest folds"),
        per: Optional[float] = typer.Option(None, "--per", help="staffing rule: activity one person covers; adds cover"),
        target: str = typer.Option("staff", "--target", help="staffing rule: role or shift type the cover is for"),
        share: float = typer.Option(1.0, "--share", help="staffing rule: share of the day's activity for the target"),
        minimum: int = typer.Option(0, "--minimum", help="staffing rule: never less than this on an open day"),
        level: int = typer.Option(80, "--level", help="interval used for the cover bounds: 80 or 95"),
        chart: Optional[Path] = typer.Option(None, "--chart", help="write an HTML chart of history, forecast, intervals"),
        as_json: bool = typer.Option(False, "--json", help="print JSON"),
        apply: bool = typer.Option(False, "--apply", help="write the cover as the practice's minimum doctors on each "
                                   "working day of --start..--end (audited; needs --per), or for a department as "
                                   "date rows of its demand per shift type (needs --activity and --ratio)"),
        what_if: bool = typer.Option(False, "--what-if", help="compare the planned rota of --start..--end with the "
                                     "cover under the point forecast and the upper bound (needs --per)"),
        start: Optional[str] = typer.Option(None, "--start", help="first date for --apply / --what-if"),
        end: Optional[str] = typer.Option(None, "--end", help="last date for --apply / --what-if"),
        bound: str = typer.Option("point", "--bound", help="--apply: cover for the point, upper or lower forecast"),
        actor: str = typer.Option("cli", "--actor", help="name recorded in the audit log"),
        ratio: Optional[list[str]] = typer.Option(None, "--ratio", help="department/provider: TYPE=R, R people on shift type "
                                                  "TYPE per unit of activity (repeat per type; e.g. night=0.02)"),
        activity: Optional[Path] = typer.Option(None, "--activity", help="department or provider: the activity CSV "
                                                "to forecast (these workspaces do not store activity)"),
        unit: Optional[str] = typer.Option(None, "--unit", help="provider: the unit whose cover the activity decides"),
        care_role: Optional[str] = typer.Option(None, "--role", help="provider: the role of the cover rows (default: "
                                                "the role of the unit's standing row for each shift type)"),
    ) -> None:
        """Forecast daily activity with 80 % and 95 % intervals; --backtest scores the models; --per adds cover."""
        from .. import forecast as fc
        from ..forecast.source import load_series

        try:
            from ..store.kinds import workspace_kind

            kind = workspace_kind(workspace)
            if kind != "provider" and (unit is not None or care_role is not None):
                raise RotaccError("--unit/--role: only for a care-home provider workspace")
            if kind == "department":
                return _department(workspace, activity, series, model, per, target, share, minimum, ratio or [],
                                   level, start, end, bound, actor, apply, as_json)
            if kind == "provider":
                return _provider(workspace, activity, series, model, per, target, share, minimum, ratio or [],
                                 level, start, end, bound, actor, apply, as_json, unit, care_role)
            if ratio or activity is not None:
                raise RotaccError("--ratio/--activity: only for a department or provider workspace; a practice uses "
                                  "--per and its stored activity")
            s, nation = load_series(workspace, series)
            if run_backtest:
                bar = _Bar(not as_json)
                try:
                    bt = fc.backtest(s, nation, [m for m in fc.MODELS if m != fc.BASELINE], folds=folds,
                                     horizon=horizon, progress=bar)
                finally:
                    bar.close()
                if as_json:
                    typer.echo(json.dumps({"series": bt.series, "horizon": bt.horizon, "nation": nation,
                                           "origins": [str(f.origin) for f in bt.folds],
                                           "scores": [{k: (_num(v) if isinstance(v, float) else v)
                                                       for k, v in sc.row().items()} for sc in bt.scores]},
                                          indent=2))
                else:
                    typer.echo(bt.table())
                if chart is not None:
                    from ..forecast.chart import backtest_chart

                    backtest_chart(s, bt, model).save(str(reserve_private(chart)))
                return
            rule = fc.StaffingRule(target, s.name, per, share, minimum) if per is not None else None
            if level not in (80, 95):
                raise RotaccError(f"--level: {level!r} is not accepted; give 80 or 95")
            if apply or what_if:
                return _plan(workspace, s, nation, model, rule, level, start, end, bound, actor, apply, what_if, as_json)
            f = fc.forecast_series(s, nation, model, horizon)
            cover = {c.date: c for c in fc.cover_plan(f, [rule], level)} if rule else {}
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if chart is not None:
            from ..forecast.chart import forecast_chart

            forecast_chart(s, f).save(str(reserve_private(chart)))
        rows = []
        for r in f.rows():
            row = {"date": r["date"].isoformat(), **{k: _num(r[k]) for k in ("mean", "lo80", "hi80", "lo95", "hi95")},
                   "closed": r["closed"]}
            if r["date"] in cover:
                c = cover[r["date"]]
                row.update({"cover": c.point, f"cover_lo{level}": c.lower, f"cover_hi{level}": c.upper})
            rows.append(row)
        if as_json:
            typer.echo(json.dumps({"series": f.series, "model": f.model, "origin": f.origin.isoformat(),
                                   "nation": nation, "rule": rule.describe() if rule else None, "days": rows},
                                  indent=2))
            return
        typer.echo(f"{f.series}: {f.model} forecast from {f.origin} ({nation} bank holidays)"
                   + (f"; cover of {target} = ceil({share:g} x activity / {per:g}), at least {minimum}" if rule else ""))
        head = f"{'date':<12}{'day':<5}{'mean':>9}{'80% low':>9}{'80% high':>9}{'95% low':>9}{'95% high':>9}"
        if rule:
            head += f"{'cover':>7}{f'lo{level}':>6}{f'hi{level}':>6}"
        typer.echo(head)
        for row, r in zip(rows, f.rows()):
            line = (f"{row['date']:<12}{r['date'].strftime('%a'):<5}"
                    + "".join(f"{row[k]:>9.1f}" for k in ("mean", "lo80", "hi80", "lo95", "hi95")))
            if rule:
                line += f"{row['cover']:>7}{row[f'cover_lo{level}']:>6}{row[f'cover_hi{level}']:>6}"
            typer.echo(line + ("  closed" if row["closed"] else ""))


def _plan(workspace: Path, s, nation: str, model: str, rule, level: int, start_text, end_text, bound: str,
          actor: str, apply: bool, compare: bool, as_json: bool) -> None:
    """--apply / --what-if for a practice workspace."""
    from .. import forecast as fc
    from ..dates import require_date
    from ..forecast.apply import practice_demand, what_if, what_if_summary
    from ..store import Workspace

    if apply and compare:
        raise RotaccError("--apply and --what-if: give one of them")
    if rule is None:
        raise RotaccError(f"--per: missing; {'--apply' if apply else '--what-if'} needs a staffing rule "
                          "(--per, and optionally --target, --share, --minimum)")
    start, end, horizon = _forecast_range(s, start_text, end_text)
    f = fc.forecast_series(s, nation, model, horizon)
    plan = fc.cover_plan(f, [rule], level)
    ws = Workspace.open(workspace)
    if apply:
        settings = ws.load_settings()
        new, changes = practice_demand(settings, plan, start, end, bound)
        details = {"series": s.name, "model": model, "origin": s.end.isoformat(), "level": level, "bound": bound,
                   "start": start.isoformat(), "end": end.isoformat(), "rule": rule.describe(),
                   "changed": len(changes)}
        ws.save_settings(new, actor, action="forecast", why=("forecast", s.name, details))
        if as_json:
            typer.echo(json.dumps({**details, "changes": [{"date": c.date.isoformat(), "before": c.before,
                                                           "after": c.after} for c in changes]}, indent=2))
            return
        typer.echo(f"wrote the {bound} cover of {rule.target} ({model}, {level} % interval) as the minimum doctors on "
                   f"the working days of {start}..{end}: {len(changes)} day(s) changed")
        for c in changes:
            typer.echo(f"  {c.date} {c.date.strftime('%a')}: {c.before} -> {c.after}")
        return
    days = what_if(ws.load_snapshot(), plan, start, end)
    summary = what_if_summary(days)
    if as_json:
        typer.echo(json.dumps({"summary": summary, "level": level, "days": [
            {"date": d.date.isoformat(), "planned": d.planned, "minimum": d.minimum, "point": d.point,
             "upper": d.upper} for d in days]}, indent=2))
        return
    typer.echo(f"planned rota {start}..{end} against the cover of {rule.target} ({model}; upper = {level} % bound)")
    typer.echo(f"{'date':<12}{'day':<5}{'planned':>8}{'minimum':>8}{'point':>7}{'upper':>7}")
    for d in days:
        flag = "  short (upper)" if d.short_upper else ""
        flag = "  short (point)" if d.short_point else flag
        typer.echo(f"{d.date!s:<12}{d.date.strftime('%a'):<5}{d.planned:>8g}{d.minimum:>8}{d.point:>7}{d.upper:>7}{flag}")
    typer.echo(f"short under the point forecast: {summary['days_short_point']} day(s), "
               f"{summary['doctor_days_short_point']:g} doctor-day(s); under the upper bound: "
               f"{summary['days_short_upper']} day(s), {summary['doctor_days_short_upper']:g} doctor-day(s)")


def parse_ratios(items: list[str], series: str, minimum: int):
    """``TYPE=R`` options -> one staffing rule per shift type (R people per unit of activity)."""
    from .. import forecast as fc

    rules, seen = [], set()
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        try:
            r = float(value)
        except ValueError:
            r = float("nan")
        if not sep or not name or not (math.isfinite(r) and r > 0):
            raise RotaccError(f"--ratio: {item!r} is not accepted; give TYPE=R with R > 0 people per unit of "
                              "activity, e.g. night=0.02")
        if name in seen:
            raise RotaccError(f"--ratio: shift type {name!r} is given twice; give each once")
        seen.add(name)
        rules.append(fc.StaffingRule(name, series, 1.0 / r, 1.0, minimum))
    return rules


def _csv_plan(workspace: Path, kind: str, activity: Optional[Path], series, model: str, per, target: str,
              share: float, minimum: int, ratios: list[str], level: int, start_text, end_text, apply: bool,
              codes: set[str], nation: str):
    """The cover plan of a department or provider --apply: forecast the activity CSV, one rule per shift type."""
    from .. import forecast as fc
    from ..activity import read_activity_csv

    if activity is None:
        raise RotaccError(f"--activity: missing; {workspace} is a {kind} workspace, which stores no activity; "
                          "give the activity CSV (date,series,value) to forecast")
    if not apply:
        raise RotaccError(f"a {kind} workspace: give --apply with --start/--end (forecast the CSV alone by "
                          "importing it into a practice-style workspace, or see docs/forecasting.md)")
    if level not in (80, 95):
        raise RotaccError(f"--level: {level!r} is not accepted; give 80 or 95")
    parsed = read_activity_csv(activity)
    if series is None:
        if len(parsed.series) != 1:
            raise RotaccError(f"--series: {activity} holds {len(parsed.series)} series ({', '.join(parsed.series)}); name one")
        series = next(iter(parsed.series))
    if series not in parsed.series:
        raise RotaccError(f"--series: {series!r} is not in {activity}; it holds: {', '.join(parsed.series)}")
    s = parsed.series[series]
    if ratios:
        rules = parse_ratios(ratios, s.name, minimum)
    elif per is not None:
        rules = [fc.StaffingRule(target, s.name, per, share, minimum)]
    else:
        raise RotaccError("--ratio: missing; --apply needs a staffing rule per shift type (--ratio TYPE=R, or "
                          "--per with --target TYPE)")
    start, end, horizon = _forecast_range(s, start_text, end_text)
    for r in rules:
        if r.target not in codes:
            raise RotaccError(f"--ratio: shift type {r.target!r} is not one of {workspace}'s ({', '.join(sorted(codes))})")
    f = fc.forecast_series(s, nation, model, horizon)
    details = {"series": s.name, "activity": str(activity), "model": model, "origin": s.end.isoformat(),
               "level": level, "start": start.isoformat(), "end": end.isoformat(),
               "rules": [r.describe() for r in rules]}
    return fc.cover_plan(f, rules, level), rules, start, end, details


def _department(workspace: Path, activity: Optional[Path], series, model: str, per, target: str, share: float,
                minimum: int, ratios: list[str], level: int, start_text, end_text, bound: str, actor: str,
                apply: bool, as_json: bool) -> None:
    """forecast (and --apply) for a department workspace: the cover becomes date rows of its demand."""
    from ..forecast.apply import department_demand
    from ..store.department_io import load_department, replace_demand

    dept = load_department(workspace)
    plan, rules, start, end, details = _csv_plan(
        workspace, "department", activity, series, model, per, target, share, minimum, ratios, level, start_text,
        end_text, apply, {t.code for t in dept.shift_types}, dept.settings.uk_nation.value.lower())
    new_demand, changes = department_demand(dept, plan, start, end, bound)
    details.update(bound=bound, changed=len(changes))
    version = replace_demand(workspace, new_demand, actor, details, expect_version=dept.data_version)
    if as_json:
        typer.echo(json.dumps({**details, "data_version": version, "changes": [
            {"date": c.date.isoformat(), "shift_type": c.shift_type, "before": list(c.before) if c.before else None,
             "after": list(c.after)} for c in changes]}, indent=2))
        return
    typer.echo(f"wrote the cover ({model}; minimum = {bound}, ideal = {level} % upper bound) as the demand of "
               f"{', '.join(r.target for r in rules)} on {start}..{end}: {len(changes)} row(s) changed "
               f"(data version {version})")
    for c in changes:
        b = f"{c.before[0]}/{c.before[1]}" if c.before else "none"
        typer.echo(f"  {c.date} {c.date.strftime('%a')} {c.shift_type:<8} min/ideal {b} -> {c.after[0]}/{c.after[1]}")


def _provider(workspace: Path, activity: Optional[Path], series, model: str, per, target: str, share: float,
              minimum: int, ratios: list[str], level: int, start_text, end_text, bound: str, actor: str,
              apply: bool, as_json: bool, unit: Optional[str], role: Optional[str]) -> None:
    """forecast --apply for a care-home provider: one unit's cover becomes dated cover rows per shift type."""
    from ..forecast.apply import provider_cover
    from ..store.provider_io import load_provider, replace_cover

    p = load_provider(workspace)
    if unit is None:
        raise RotaccError(f"--unit: missing; a provider's activity is a unit's (units: "
                          f"{', '.join(u.unit_id for u in p.units)})")
    plan, rules, start, end, details = _csv_plan(
        workspace, "provider", activity, series, model, per, target, share, minimum, ratios, level, start_text,
        end_text, apply, set(p.shift_type_by_code), p.settings.uk_nation.value.lower())
    cover, changes = provider_cover(p, plan, start, end, unit, role, bound)
    details.update(bound=bound, unit=unit, role=role, changed=len(changes))
    version = replace_cover(workspace, cover, actor, details, expect_version=p.data_version)
    if as_json:
        typer.echo(json.dumps({**details, "data_version": version, "changes": [
            {"date": c.date.isoformat(), "unit": c.unit_id, "shift_type": c.shift_type, "role": c.role,
             "before": list(c.before) if c.before else None, "after": list(c.after)} for c in changes]}, indent=2))
        return
    typer.echo(f"wrote the cover ({model}; minimum = {bound}, ideal = {level} % upper bound) as dated cover rows of "
               f"{unit} for {', '.join(r.target for r in rules)} on {start}..{end}: {len(changes)} row(s) changed "
               f"(data version {version})")
    for c in changes:
        b = f"{c.before[0]}/{c.before[1]}" if c.before else "none"
        typer.echo(f"  {c.date} {c.date.strftime('%a')} {c.shift_type:<16} {c.role or 'any role':<6} "
                   f"min/ideal {b} -> {c.after[0]}/{c.after[1]}")


def _forecast_range(s, start_text: str | None, end_text: str | None):
    """``--start``/``--end`` of an --apply or --what-if: after the last activity day, within the horizon;
    returns (start, end, horizon in days)."""
    from .. import forecast as fc
    from ..dates import require_date

    start, end = require_date(start_text, "--start"), require_date(end_text, "--end")
    if end < start:
        raise RotaccError(f"--end: {end} is before --start {start}; give end >= start")
    if start <= s.end:
        raise RotaccError(f"--start: {start} is not after the last activity day {s.end}; a forecast starts the day after")
    horizon = (end - s.end).days
    if horizon > fc.MAX_HORIZON:
        raise RotaccError(f"--end: {end} is {horizon} days after the last activity day {s.end}; a forecast reaches "
                          f"at most {fc.MAX_HORIZON} days (up to {s.end.fromordinal(s.end.toordinal() + fc.MAX_HORIZON)})")
    return start, end, horizon
