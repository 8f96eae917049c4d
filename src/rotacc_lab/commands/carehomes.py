"""Care-home provider commands: ``provider`` (the workspace at a glance: contracted hours against cover).

``rotacc-lab import WS FOLDER`` and ``export`` handle provider folders too
(commands/workspace.py dispatches on ``provider.toml`` and the workspace's kind).
The cover model (``rotacc-lab cover``) comes with issue 16, item 2.
"""

from __future__ import annotations

import json
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
