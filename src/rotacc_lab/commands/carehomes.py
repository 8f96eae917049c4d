"""Care-home provider commands: ``provider`` (the workspace at a glance: contracted hours against cover).

``rotacc-lab import WS FOLDER`` and ``export`` handle provider folders too
(commands/workspace.py dispatches on ``provider.toml`` and the workspace's kind).
``cover`` plans who works what at least cost (:mod:`rotacc_lab.carehomes.cover`).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import typer

from ..errors import RotaccError
from .departments import _fail, _table


def render_summary(s) -> str:
    lines = [f"{s.name}: horizon {s.horizon[0]} to {s.horizon[1]} ({s.weeks:g} weeks)", ""]
    header = ["", "beds", "staff", "bank", "cover h/week", "ideal h/week", "contracted h/week", "cover %",
              "after leave (horizon)"]

    def row(x):
        return [x.key, x.beds or "", x.staff, x.bank_staff, f"{x.required_hours_week:g}", f"{x.ideal_hours_week:g}",
                f"{x.contracted_hours_week:g}", f"{x.cover_percent}", f"{x.available_hours_horizon:g}"]

    lines += _table(["unit"] + header[1:], [row(u) for u in s.units])
    lines += [""] + _table(["home"] + header[1:], [row(h) for h in s.homes] + [row(s.total)])
    lines += ["", "by role (cover rows of the role; staff of the role):"]
    lines += _table(["role"] + header[2:], [row(r)[:1] + row(r)[2:] for r in s.roles])
    lines += [""] + s.sentences()
    return "\n".join(lines) + "\n"


def demo_provider_folder() -> Path:
    """The demo provider folder shipped with rotacc-lab (``data/demo-provider``)."""
    from ..resources import bundled_dir

    candidate = bundled_dir("data") / "demo-provider"
    if not (candidate / "provider.toml").is_file():
        raise RotaccError(f"the demo provider was not found at {candidate} (it ships with rotacc-lab); reinstall")
    return candidate


#: the demo provider's synthetic activity: two years of care hours per unit up to the day before its horizon
DEMO_PROVIDER_ACTIVITY_SEED = 1
#: staff per care hour the residents need, per shift type (about the demo's standing cover on an ordinary day)
DEMO_PROVIDER_RATIOS = {"day_assistant": 0.04, "night_assistant": 0.012}


def activity_series_name(unit_id: str) -> str:
    """The series of a unit's care hours in the demo activity CSV (``dependency_<unit, lower case>``)."""
    return "dependency_" + unit_id.lower()


def write_demo_provider_activity(out: Path, provider) -> Path:
    """Write two years of each demo unit's care hours (known truth) to ``out/demo-provider-activity.csv``.

    A provider workspace stores no activity, so, like the department's, the series ship as
    the CSV that ``rotacc-lab forecast WS --activity FILE --unit U`` reads: one series per
    unit (``dependency_<unit>``), sized by the unit's beds, ending the day before the horizon.
    """
    from ..activity import ActivitySeries, write_activity_csv
    from ..synth_activity import synthetic_activity

    end = provider.settings.horizon_start - timedelta(days=1)
    start = date(end.year - 2, end.month, end.day) + timedelta(days=1)
    series = []
    for i, u in enumerate(provider.units):
        s = synthetic_activity("care_home", DEMO_PROVIDER_ACTIVITY_SEED + i, start=start, end=end,
                               nation=provider.settings.uk_nation, beds=u.beds)["dependency"]
        series.append(ActivitySeries(activity_series_name(u.unit_id), s.dates, s.values))
    path = out / "demo-provider-activity.csv"
    write_activity_csv(path, series)
    return path


def build_demo_provider(out: Path, say=typer.echo) -> Path:
    """Import the demo provider into ``out/demo-provider.duckdb`` (fresh), print its summary, write its activity."""
    from ..carehomes.summary import provider_summary
    from ..store.provider_io import import_provider, load_provider

    path = out / "demo-provider.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    summary = import_provider(path, demo_provider_folder(), actor="demo")
    p = load_provider(path)
    say(f"imported the demo care-home provider into {path} ({summary.counts['staff']} staff, "
        f"{len(p.units)} units); `rotacc-lab provider {path}` shows this summary:")
    say(render_summary(provider_summary(p)).rstrip("\n"))
    csv = write_demo_provider_activity(out, p)
    u = p.units[0]
    h = p.settings.horizon_start
    ratios = " ".join(f"--ratio {t}={r:g}" for t, r in DEMO_PROVIDER_RATIOS.items())
    say(f"two years of synthetic care hours per unit (known truth) in {csv}; forecast one unit's cover into the "
        f"horizon with `rotacc-lab forecast {path} --activity {csv} --series {activity_series_name(u.unit_id)} "
        f"--unit {u.unit_id} {ratios} --apply --start {h} --end {h + timedelta(days=p.settings.horizon_days - 1)}`")
    return path


def register(app: typer.Typer) -> None:
    register_cover(app)

    @app.command("provider-leave")
    def provider_leave_cmd(
        workspace: Path = typer.Argument(..., help="a care-home provider workspace (.duckdb)"),
        staff_id: str = typer.Argument(..., help="who asks for leave (a staff id)"),
        start: str = typer.Argument(..., help="first day of leave (YYYY-MM-DD)"),
        end: str = typer.Argument(..., help="last day of leave (YYYY-MM-DD)"),
        kind: str = typer.Option("ANNUAL", "--kind", help="ANNUAL, SICK, TRAINING, PERSONAL or UNPAID"),
        max_extra: float = typer.Option(0.0, "--max-extra", help="pounds: the most covering it may add to the "
                                        "plan's cost for it to be approved automatically"),
        time_limit: float = typer.Option(10.0, "--time-limit", help="CP-SAT seconds per solve (two solves)"),
        dry_run: bool = typer.Option(False, "--dry-run", help="check only; write nothing"),
        actor: str = typer.Option("cli", "--actor", help="who records the request (audit)"),
    ) -> None:
        """Request leave; approved at once only when the re-solved cover has no shortfall and costs at most
        --max-extra more, else recorded PENDING for a manager, with the reason."""
        from ..carehomes.leave_check import check_leave
        from ..carehomes.model import LeaveKind, LeaveStatus
        from ..dates import parse_date
        from ..store.provider_io import add_leave, load_provider

        try:
            first, last = parse_date(start, "start"), parse_date(end, "end")
            try:
                leave_kind = LeaveKind(kind.upper())
            except ValueError:
                raise RotaccError(f"--kind: {kind!r} is not accepted; give one of "
                                  f"{', '.join(k.value for k in LeaveKind)}") from None
            if not (max_extra >= 0 and max_extra < 1e9):
                raise RotaccError(f"--max-extra: {max_extra!r} is not accepted; give pounds, 0 or more")
            p = load_provider(workspace)
            result = check_leave(p, staff_id, first, last, leave_kind, max_extra_pence=round(max_extra * 100),
                                 time_limit=time_limit)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        verdict = "approved" if result.approved else "left PENDING for a manager"
        typer.echo(f"{staff_id} {leave_kind.value} {first} to {last}: {verdict}")
        for reason in result.reasons():
            typer.echo(f"  {reason}")
        typer.echo(f"  cover {result.start} ({result.days} days): £{result.objective_before / 100:,.2f} without, "
                   f"£{result.objective_after / 100:,.2f} with the leave")
        if dry_run:
            typer.echo("dry run: nothing written")
            return
        from dataclasses import replace as _replace

        status = LeaveStatus.APPROVED if result.approved else LeaveStatus.PENDING
        try:
            add_leave(workspace, _replace(result.request, status=status), actor,
                      {"check": "cover re-solved", "approved": result.approved,
                       "extra_pence": result.extra_pence, "short_after": result.short_after,
                       "max_extra_pence": result.max_extra_pence}, expect_version=p.data_version)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(f"recorded as {status.value}")

    @app.command("provider")
    def provider_cmd(
        workspace: Path = typer.Argument(..., help="a care-home provider workspace (.duckdb)"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ) -> None:
        """A provider at a glance: homes, units, beds, staff, and contracted hours against minimum cover."""
        from ..carehomes.summary import provider_summary
        from ..store.provider_io import load_provider

        try:
            summary = provider_summary(load_provider(workspace))
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if as_json:
            typer.echo(json.dumps(summary.as_dict(), indent=2))
        else:
            typer.echo(render_summary(summary), nl=False)


def _money(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def render_breakdown(breakdown, by: str) -> list[str]:
    """The cost per home, unit or week (``carehomes.costs.summarise``) as table lines."""
    from ..carehomes.costs import summarise

    table = summarise(breakdown, by)
    keys = {"home": ["home_id"], "unit": ["home_id", "unit_id"], "week": ["week"]}[by]
    rows = []
    for r in table.iter_rows(named=True):
        rows.append([*(str(r[k]) if r[k] is not None else "(home)" for k in keys),
                     *(_money(r[c]) for c in ("contracted", "bank", "uplift", "overtime", "agency", "paid")),
                     f"{r['agency_share_percent']:g}%", r["agency_shifts"], r["short_shifts"]])
    head = [*("week starting" if k == "week" else k.removesuffix("_id") for k in keys),
            "contracted", "bank", "uplift", "overtime", "agency", "paid", "agency share", "agency shifts",
            "short shifts"]
    return [f"cost by {by} (paid = contracted + bank + uplift + overtime + agency):"] + _table(head, rows)


def render_cover(problem, plan, cost, greedy_cost, by: str = "home") -> str:
    """The cover plan in words and tables: cost split, cost per home/unit/week, agency and gaps with their
    reasons, saving on the greedy."""
    from collections import defaultdict

    from ..carehomes.costs import cost_breakdown
    from ..carehomes.cover import gaps

    p = problem.provider
    lines = [f"{p.settings.name}: cover {problem.start} to {problem.end} ({problem.days} days), "
             f"{len(plan.bookings)} shifts booked",
             f"{plan.method}: {plan.status} in {plan.wall_seconds:g} s: objective £{cost.total / 100:,.2f}, "
             + (f"bound £{plan.bound_centipence / 10000:,.2f}, gap {plan.gap_percent}%"
                if plan.bound_centipence is not None else "no bound"),
             f"greedy fill: objective £{greedy_cost.total / 100:,.2f}; saving "
             f"£{(greedy_cost.total - cost.total) / 100:,.2f} "
             f"({100 * (greedy_cost.total - cost.total) / max(greedy_cost.total, 1):.1f}%)", ""]
    rows = []
    for name, c in (("cp-sat", cost), ("greedy", greedy_cost)):
        rows.append([name] + [f"£{getattr(c, k) / 100:,.2f}" for k in
                              ("contracted", "bank", "uplift", "overtime", "agency", "shortfall", "skill_mix")]
                    + [f"£{c.money / 100:,.2f}"])
    lines += _table(["plan", "contracted", "bank", "uplift", "overtime", "agency", "shortfall (penalty)",
                     "skill mix (penalty)", "paid"], rows)
    lines += [""] + render_breakdown(cost_breakdown(problem, plan), by)
    by_home: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for g in gaps(problem, plan):
        home = p.unit_by_id[g.unit_id].home_id
        by_home[home][0] += g.agency
        by_home[home][1] += g.shortfall
    if by_home:
        lines += ["", "agency and gaps by home (shifts):"]
        lines += _table(["home", "agency", "short"], [[h, v[0], v[1]] for h, v in sorted(by_home.items())])
    listed = [g.reason() for g in gaps(problem, plan)]
    if listed:
        lines += ["", f"agency and shortfall, why ({len(listed)} posts):"] + [f"  {r}" for r in listed[:40]]
        if len(listed) > 40:
            lines.append(f"  ... and {len(listed) - 40} more (--json lists all)")
    if plan.mix_short:
        lines += ["", "skill mix not met: " + ", ".join(f"{k[1]} {k[2].value} {k[0]:%d %b} ({v} senior)"
                                                       for k, v in sorted(plan.mix_short.items(), key=str)[:20])]
    return "\n".join(lines) + "\n"


def register_cover(app: typer.Typer) -> None:
    @app.command("cover")
    def cover_cmd(
        workspace: Path = typer.Argument(..., help="a care-home provider workspace (.duckdb)"),
        start: str = typer.Option(None, "--start", help="first day (YYYY-MM-DD; default: the horizon's start)"),
        days: int = typer.Option(None, "--days", help="days to plan, 1..366 (default: the horizon's length)"),
        time_limit: float = typer.Option(30.0, "--time-limit", help="CP-SAT seconds (deterministic with --workers 1)"),
        seed: int = typer.Option(0, "--seed", help="CP-SAT random seed"),
        workers: int = typer.Option(1, "--workers", help="1 (default) = reproducible: CP-SAT's portfolio interleaved "
                                    "on a deterministic limit, the same plan every run; more = parallel on a "
                                    "wall-clock limit"),
        csv_out: Path = typer.Option(None, "--csv", help="write the bookings, agency and gaps to this CSV"),
        as_json: bool = typer.Option(False, "--json", help="print the plan as JSON"),
        method: str = typer.Option("by-home", "--method", help="by-home (default): one model per home, then the "
                                   "whole with floating staff from that plan; whole: one model from the greedy fill"),
        by: str = typer.Option("home", "--by", help="the cost table: per home, unit (home and unit) or week"),
        costs_csv: Path = typer.Option(None, "--costs-csv", help="write the cost per home, unit and week "
                                       "(pence: contracted, bank, uplift, overtime, agency, paid, shortfall "
                                       "penalty) to this CSV"),
    ) -> None:
        """Cover every unit's shifts at least cost: staff, overtime, bank, agency; gaps priced and explained."""
        import csv as _csv
        import threading

        from ..carehomes.cover import CoverProblem, evaluate_cover, gaps, solve_cover, solve_cover_by_home
        from ..dates import parse_date
        from ..store.provider_io import load_provider

        from ..carehomes.costs import LEVELS, cost_breakdown

        if method not in ("by-home", "whole"):
            raise _fail(RotaccError(f"--method: {method!r} is not accepted; give by-home or whole"))
        if by not in LEVELS:
            raise _fail(RotaccError(f"--by: {by!r} is not accepted; give one of {', '.join(LEVELS)}"))
        try:
            p = load_provider(workspace)
            first = parse_date(start, "--start") if start is not None else p.settings.horizon_start
            n = days if days is not None else p.settings.horizon_days
            problem = CoverProblem(p, first, n)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        stop = threading.Event()
        from tqdm.auto import tqdm

        import sys

        # a bar on a terminal; in a log (not a terminal) no bar, the summary lines only
        bar = tqdm(total=None, desc="cover model", unit=" solutions", leave=False,
                   disable=as_json or not sys.stderr.isatty())

        def progress(pr):
            bar.set_postfix_str(f"£{pr.objective_pence / 100:,.0f} (bound £{pr.bound_pence / 100:,.0f})")
            bar.update(1)

        try:
            def home_done(home_id, done, of):
                bar.set_description_str(f"cover model: home {home_id} done ({done} of {of})")
                bar.update(1)
                if not sys.stderr.isatty() and not as_json:  # a log: a line per home, not a bar
                    typer.echo(f"home {home_id} solved ({done} of {of})", err=True)

            extra = {"on_home": home_done} if method == "by-home" else {}
            solve = solve_cover_by_home if method == "by-home" else solve_cover
            plan, greedy = solve(problem, time_limit=time_limit, seed=seed, workers=workers, **extra,
                                       on_progress=progress, stop=stop)
        except ValueError as err:
            raise _fail(err)
        except KeyboardInterrupt:
            stop.set()
            typer.echo("interrupted; nothing was written", err=True)
            raise typer.Exit(130)
        finally:
            bar.close()
        cost, greedy_cost = evaluate_cover(problem, plan), evaluate_cover(problem, greedy)
        breakdown = cost_breakdown(problem, plan)
        if costs_csv is not None:
            try:
                breakdown.write_csv(costs_csv)
            except OSError as err:
                raise _fail(RotaccError(f"--costs-csv: cannot write {costs_csv}: {err.strerror or err}"))
        if csv_out is not None:
            try:
                with open(csv_out, "w", newline="", encoding="utf-8") as fh:
                    w = _csv.writer(fh)
                    w.writerow(["date", "unit_id", "shift_type", "role", "who", "kind"])
                    for b in plan.bookings:
                        w.writerow([b.day, b.unit_id, b.shift_type, b.role or "", b.staff_id, "staff"])
                    for g in gaps(problem, plan):
                        for kind, k in (("agency", g.agency), ("shortfall", g.shortfall)):
                            for _ in range(k):
                                w.writerow([g.day, g.unit_id, g.shift_type, g.role or "", "", kind])
            except OSError as err:
                raise _fail(RotaccError(f"--csv: cannot write {csv_out}: {err.strerror or err}"))
        if as_json:
            out = {"start": str(problem.start), "days": problem.days, "method": plan.method, "status": plan.status,
                   "wall_seconds": plan.wall_seconds, "objective_pence": cost.total,
                   "bound_pence": round((plan.bound_centipence or 0) / 100), "gap_percent": plan.gap_percent,
                   "cost": cost.as_dict(), "greedy_cost": greedy_cost.as_dict(),
                   "saving_pence": greedy_cost.total - cost.total,
                   "breakdown": [{**r, "week": str(r["week"])} for r in breakdown.iter_rows(named=True)],
                   "reproducible": workers == 1,
                   "gaps": [{"date": str(g.day), "unit_id": g.unit_id, "shift_type": g.shift_type, "role": g.role,
                             "minimum": g.minimum, "staffed": g.staffed, "agency": g.agency,
                             "shortfall": g.shortfall, "why": g.reason()} for g in gaps(problem, plan)],
                   "bookings": [{"date": str(b.day), "unit_id": b.unit_id, "shift_type": b.shift_type,
                                 "role": b.role, "staff_id": b.staff_id} for b in plan.bookings]}
            typer.echo(json.dumps(out, indent=2))
        else:
            typer.echo(render_cover(problem, plan, cost, greedy_cost, by), nl=False)
            if workers != 1:
                typer.echo(f"(parallel search with {workers} workers: another run may give another plan of a "
                           "similar cost; --workers 1 is reproducible)")
