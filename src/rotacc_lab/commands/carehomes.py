"""Care-home provider commands: ``provider`` (the workspace at a glance: contracted hours against cover).

``rotacc-lab import WS FOLDER`` and ``export`` handle provider folders too
(commands/workspace.py dispatches on ``provider.toml`` and the workspace's kind).
The cover model (``rotacc-lab cover``) comes with issue 16, item 2.
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
