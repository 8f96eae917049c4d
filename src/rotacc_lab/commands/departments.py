"""Department commands: ``pool`` (pool versus demand) and ``check`` (the rota safety checker).

``rotacc-lab import WS FOLDER`` and ``export`` handle department folders too
(commands/workspace.py dispatches on ``department.toml`` and on the workspace's
kind). Exit codes of ``check``: 0 the rota complies (warnings allowed), 1 it
breaks a rule, 2 bad input (missing workspace, unreadable rota file, ...).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from ..errors import RotaccError, ValidationError


def _fail(err: Exception) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    """Plain aligned text: the first column left, the others right."""
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for r in cells:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return out


def _signed(n: float) -> str:
    return f"+{n:g}" if n > 0 else f"{n:g}"


def render_pool(analysis, doctors: bool = False) -> str:
    """The pool-versus-demand analysis as text: per shift type, per group need, per week, summary."""
    a = analysis
    lines = [f"{a.department}: pool versus demand, {a.period_weeks} weeks from {a.period_start:%a %d %b %Y}", ""]
    rows = [[x.shift_type, x.owed, x.minimum, x.ideal, _signed(x.vs_minimum), _signed(x.vs_ideal),
             x.weekend_owed, x.weekend_minimum] for x in a.clinical]
    rows.append(["total", a.total_owed, a.total_minimum, a.total_ideal, _signed(a.total_owed - a.total_minimum),
                 _signed(a.total_owed - a.total_ideal), sum(x.weekend_owed for x in a.clinical),
                 sum(x.weekend_minimum for x in a.clinical)])
    lines += _table(["shift type", "owed", "minimum", "ideal", "vs minimum", "vs ideal", "weekend owed",
                     "weekend minimum"], rows)
    other = [x for x in a.by_shift_type if not x.clinical]
    if other:
        lines.append("non-clinical (no demand): " + ", ".join(f"{x.shift_type} {x.owed} owed" for x in other))
    if a.by_group:
        lines += ["", "shifts that need a group among their doctors:"]
        lines += _table(["shift type", "group", "needed", "owed", "difference"],
                        [[g.shift_type, g.group, g.needed, g.owed, _signed(g.owed - g.needed)] for g in a.by_group])
    codes = [x.shift_type for x in a.clinical]
    weeks = sorted({w.week_start for w in a.by_week})
    by = {(w.week_start, w.shift_type): w for w in a.by_week}
    lines += ["", "per week, owed (spread by availability) / minimum:"]
    lines += _table(["week"] + codes, [[f"{m:%d %b}"] + [f"{by[(m, c)].owed:.1f}/{by[(m, c)].minimum}" for c in codes]
                                       for m in weeks])
    if doctors:
        per: dict[str, dict[str, int]] = {}
        group: dict[str, str] = {}
        for o in a.owed:
            per.setdefault(o.doctor_id, {})[o.shift_type] = o.shifts
            group[o.doctor_id] = o.group
        all_codes = [x.shift_type for x in a.by_shift_type]
        lines += ["", "per doctor (whole shifts owed):"]
        lines += _table(["doctor", "group"] + all_codes + ["clinical"],
                        [[d, group[d]] + [per[d].get(c, 0) for c in all_codes]
                         + [sum(per[d].get(c, 0) for c in codes)] for d in per])
    lines += [""] + a.summary()
    return "\n".join(lines) + "\n"


def render_check(dept, result) -> str:
    from ..departments.check import describe_period

    n_err, n_warn = len(result.errors), len(result.warnings)
    head = (f"{dept.settings.name}: {result.shifts} shifts checked, reference period {describe_period(result.period)}: "
            + ("complies" if result.compliant else f"{n_err} violation(s)")
            + (f", {n_warn} warning(s)" if n_warn else ""))
    lines = [head]
    for v in result.violations:
        who = v.person or "-"
        lines.append(f"  {v.severity:<7} {v.rule:<26} {who:<8} {v.start:%d %b %H:%M} - {v.end:%d %b %H:%M}  {v.message}")
    return "\n".join(lines) + "\n"


def demo_department_folder() -> Path:
    """The demo department folder shipped with rotacc-lab (``data/demo-department``)."""
    from ..resources import bundled_dir

    candidate = bundled_dir("data") / "demo-department"
    if not (candidate / "department.toml").is_file():
        raise RotaccError(f"the demo department folder {candidate} was not found; reinstall the package")
    return candidate


def build_demo_department(out: Path, say=typer.echo) -> Path:
    """Import the demo department into ``out/demo-department.duckdb`` (fresh) and print its pool."""
    from ..departments.pool import pool_analysis
    from ..store.department_io import import_department, load_department

    path = out / "demo-department.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    summary = import_department(path, demo_department_folder(), actor="demo")
    say(f"imported the demo department into {path} ({summary.counts['doctors']} doctors); "
        f"`rotacc-lab pool {path}` shows this table, `rotacc-lab check {path} --rota FILE.csv` checks a rota:")
    say(render_pool(pool_analysis(load_department(path))).rstrip("\n"))
    csv = write_demo_department_activity(out)
    say(f"two years of synthetic attendances (known truth, seed {DEMO_DEPARTMENT_ACTIVITY_SEED}) in {csv}; forecast "
        f"them into the period's demand with `rotacc-lab forecast {path} --activity {csv} --apply --start 2026-11-30 "
        f"--end 2027-01-24 --ratio night={DEMO_DEPARTMENT_RATIOS['night']:g} --ratio day={DEMO_DEPARTMENT_RATIOS['day']:g}`")
    return path


#: the demo department's synthetic activity: two years up to the day before its reference period
DEMO_DEPARTMENT_ACTIVITY_SEED = 1
DEMO_DEPARTMENT_ACTIVITY_SPAN = (date(2024, 11, 30), date(2026, 11, 29))
#: registrars per attendance on a shift type (about the demo's 2 nights and 2-3 days on an ordinary day)
DEMO_DEPARTMENT_RATIOS = {"night": 0.008, "day": 0.01}


def write_demo_department_activity(out: Path) -> Path:
    """Write the demo department's attendances (2024-11-30..2026-11-29) to ``out/demo-department-activity.csv``.

    A department workspace stores no activity (its schema has no activity table), so the
    series ships as the CSV that ``rotacc-lab forecast DEPT --activity`` reads.
    """
    from ..activity import ActivitySeries, write_activity_csv
    from ..synth_activity import synthetic_activity

    start, end = DEMO_DEPARTMENT_ACTIVITY_SPAN
    s = synthetic_activity("department", DEMO_DEPARTMENT_ACTIVITY_SEED, start=start, end=end)["attendances"]
    path = out / "demo-department-activity.csv"
    write_activity_csv(path, [ActivitySeries(s.series, s.dates, s.values)])
    return path


def register(app: typer.Typer) -> None:
    @app.command("pool")
    def pool_cmd(
        workspace: Path = typer.Argument(..., help="a department workspace (.duckdb)"),
        as_json: bool = typer.Option(False, "--json", help="print the analysis as JSON"),
        doctors: bool = typer.Option(False, "--doctors", help="also list what each doctor owes"),
    ) -> None:
        """Pool versus demand: the shifts the doctors owe against the period's demand, per shift type and week."""
        from ..departments.pool import pool_analysis
        from ..store.department_io import load_department

        try:
            analysis = pool_analysis(load_department(workspace))
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if as_json:
            typer.echo(json.dumps(analysis.as_dict(), indent=2))
        else:
            typer.echo(render_pool(analysis, doctors), nl=False)

    @app.command("check")
    def check_cmd(
        workspace: Path = typer.Argument(..., help="a department workspace (.duckdb)"),
        rota: Optional[Path] = typer.Option(None, "--rota", help="a rota CSV (doctor_id, date, shift_type); "
                                            "default: the workspace's own rota"),
        as_json: bool = typer.Option(False, "--json", help="print the violations as a JSON list"),
        cover: bool = typer.Option(False, "--cover", help="also warn where cover falls below the demand minimum"),
        rule: Optional[list[str]] = typer.Option(None, "--rule", help="check only this rule id (repeatable)"),
    ) -> None:
        """Check a rota against the contract's safety rules; exit 0 complies, 1 breaks a rule, 2 bad input."""
        from ..departments.check import DEPARTMENT_RULES, check_department
        from ..departments.source import read_rota_file
        from ..rostering.rules import RULES
        from ..store.department_io import load_department

        try:
            dept = load_department(workspace)
            entries = read_rota_file(rota, dept) if rota is not None else dept.rota
            if not entries:
                raise RotaccError(f"{'rota file ' + str(rota) if rota else 'workspace ' + str(workspace)} has no "
                                  "shifts to check; give --rota FILE.csv with columns doctor_id, date, shift_type")
            known = list(RULES) + list(DEPARTMENT_RULES)
            for r in rule or []:
                if r not in known:
                    raise RotaccError(f"--rule: {r!r} is not a rule; accepted: {', '.join(known)}")
            result = check_department(dept, entries, cover=cover or "minimum_cover" in (rule or []),
                                      only=tuple(rule) if rule else None)
        except ValidationError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(code=2)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if as_json:
            typer.echo(json.dumps([v.as_dict() for v in result.violations], indent=2))
        else:
            typer.echo(render_check(dept, result), nl=False)
        raise typer.Exit(code=0 if result.compliant else 1)

    @app.command("rules")
    def rules_cmd(
        workspace: Optional[Path] = typer.Argument(None, help="a department workspace: show its limits "
                                                   "(default: the contract's)"),
        as_json: bool = typer.Option(False, "--json", help="print the rules as JSON"),
    ) -> None:
        """List the contract safety rules: id, limits (with a workspace's overrides), source."""
        from ..departments.check import DEPARTMENT_RULES
        from ..rostering.rules import RULES, RuleSet
        from ..store.department_io import load_department

        try:
            rules = load_department(workspace).settings.rules if workspace is not None else RuleSet.default()
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        rows = [{"rule": r.id, "enabled": r.id in rules.enabled, "summary": r.summary, "source": r.source,
                 "limits": {p.name: rules.limits[r.id][p.name] for p in r.params},
                 "units": {p.name: p.unit for p in r.params}} for r in RULES.values()]
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            limits = ", ".join(f"{k} = {v:g} {row['units'][k]}" for k, v in row["limits"].items())
            state = "" if row["enabled"] else "  (switched off)"
            typer.echo(f"{row['rule']}{state}\n    {row['summary']}\n    limits: {limits}\n    source: {row['source']}")
        typer.echo("department rules (rotacc-lab check): " + ", ".join(DEPARTMENT_RULES))

