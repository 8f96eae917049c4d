"""Workspace commands: init, import, export, branch, history, runs, alerts (list, resolve).

Every user error (bad input file, missing workspace, busy file, run conflict) is
printed as ``error: ...`` on stderr and exits with code 2; an import with bad
data prints every problem found.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from ..domain import Settings, UKNation
from ..errors import RotaccError, ValidationError


def _fail(err: Exception) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        workspace: Path = typer.Argument(..., help="path of the new workspace file (e.g. practice.duckdb)"),
        name: str = typer.Option("Practice", "--name", help="practice name"),
        nation: str = typer.Option("england", "--nation", help="england, wales, scotland or northern_ireland"),
    ) -> None:
        """Create an empty workspace with default settings."""
        from ..store import Workspace

        try:
            settings = Settings(practice_name=name, uk_nation=UKNation.parse(nation.replace(" ", "_"), "--nation"))
            Workspace.create(workspace, settings)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(f"created workspace {workspace} for {name} ({settings.uk_nation.value.lower()})")

    @app.command("import")
    def import_(
        workspace: Path = typer.Argument(..., help="workspace file (created if missing)"),
        source: Path = typer.Argument(..., help="practice folder (settings.toml + CSVs), .xlsx workbook, "
                                      "department folder (department.toml + CSVs) or care-home provider folder "
                                      "(provider.toml + CSVs)"),
        actor: str = typer.Option("cli", "--actor", help="name recorded in the audit log"),
    ) -> None:
        """Validate SOURCE and replace the workspace's practice, department or provider data with it (all or nothing)."""
        from ..carehomes.source import is_provider_folder
        from ..departments.source import is_department_folder
        from ..store import import_source

        try:
            if is_department_folder(source):
                from ..store.department_io import import_department

                summary = import_department(workspace, source, actor=actor)
            elif is_provider_folder(source):
                from ..store.provider_io import import_provider

                summary = import_provider(workspace, source, actor=actor)
            else:
                summary = import_source(workspace, source, actor=actor)
        except ValidationError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(code=2)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(str(summary))

    @app.command("export")
    def export(
        workspace: Path = typer.Argument(..., help="workspace file"),
        folder: Path = typer.Argument(..., help="folder to write settings.toml and the CSV files into"),
        xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="also write the practice as one .xlsx workbook"),
    ) -> None:
        """Write the practice, department or provider data in the import format (round-trips exactly)."""
        from ..store import export_folder, export_xlsx
        from ..errors import cannot_write
        from ..store.department_io import export_department, workspace_kind
        from ..store.provider_io import export_provider

        try:
            if xlsx is not None and not xlsx.parent.is_dir():  # checked before the folder is written
                raise cannot_write(xlsx)
            kind = workspace_kind(workspace)
            if kind in ("department", "provider"):
                if xlsx is not None:
                    raise RotaccError(f"--xlsx: a {kind} exports as a folder only; leave --xlsx out")
                files = (export_department if kind == "department" else export_provider)(workspace, folder)
            else:
                files = export_folder(workspace, folder)
            if xlsx is not None:
                export_xlsx(workspace, xlsx)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        except OSError as err:
            raise _fail(cannot_write(err.filename or folder, err))
        typer.echo(f"wrote {len(files)} files to {folder}" + (f" and {xlsx}" if xlsx else ""))

    @app.command("branch")
    def branch(
        workspace: Path = typer.Argument(..., help="workspace to copy"),
        new_path: Path = typer.Argument(..., help="path of the what-if copy"),
        actor: str = typer.Option("cli", "--actor"),
    ) -> None:
        """Copy a workspace for a what-if scenario; the original is never changed."""
        from ..store import Workspace

        try:
            Workspace.open(workspace).branch(new_path, actor=actor)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(f"branched {workspace} -> {new_path}")

    @app.command("history")
    def history(
        workspace: Path = typer.Argument(...),
        entity: str = typer.Argument(..., help="clinician, term, leave, shift, settings, run, alert, ..."),
        entity_id: str = typer.Argument(..., help="the entity's id (settings: practice)"),
    ) -> None:
        """Show the audit trail of one entity, oldest first."""
        from ..store import Workspace

        try:
            rows = Workspace.open(workspace, read_only=True).audit_history(entity, entity_id)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if not rows:
            typer.echo(f"no audit rows for {entity} {entity_id}")
        for r in rows:
            run = f" run {r['run_id']}" if r["run_id"] is not None else ""
            typer.echo(f"{r['at']:%Y-%m-%d %H:%M:%S}  {r['actor']:<12} {r['action']:<9}{run}")
            if r["before"] is not None:
                typer.echo(f"    before: {json.dumps(r['before'], sort_keys=True)}")
            if r["after"] is not None:
                typer.echo(f"    after:  {json.dumps(r['after'], sort_keys=True)}")

    @app.command("runs")
    def runs(
        workspace: Path = typer.Argument(...),
        fail: Optional[int] = typer.Option(None, "--fail", help="mark this PENDING/RUNNING run FAILED (stale run)"),
        reason: str = typer.Option("marked failed by hand", "--reason"),
        actor: str = typer.Option("cli", "--actor"),
    ) -> None:
        """List generation runs (marking FAILED those whose process is gone), or clear one by hand with --fail ID."""
        from ..store import Workspace, fail_run
        from ..store.processes import Liveness
        from ..store.runs import ACTIVE, fail_dead_runs, owner_liveness

        try:
            if fail is not None:
                ws = Workspace.open(workspace)
                owner, state = owner_liveness(ws, fail)
                fail_run(ws, fail, reason, actor=actor)
                typer.echo(f"run {fail} marked FAILED")
                if state is Liveness.ALIVE:
                    typer.echo(f"note: its {owner} is still running; it will find its run FAILED and write nothing")
                return
            ws = Workspace.open(workspace, read_only=True)
            rows = ws.list_runs()
            if any(r["status"] in ACTIVE for r in rows):
                for run_id in fail_dead_runs(Workspace.open(workspace), actor=actor):
                    typer.echo(f"run {run_id}: its process is gone; marked FAILED")
                rows = ws.list_runs()
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if not rows:
            typer.echo("no generation runs")
        for r in rows:
            phases = ",".join(map(str, r["phases"]))
            typer.echo(f"run {r['run_id']:>4}  {r['status']:<9} {r['start_date']}..{r['end_date']}  phases {phases}"
                       f"  by {r['actor']} at {r['created_at']:%Y-%m-%d %H:%M}"
                       + (f" (process {r['owner_pid']} on {r['owner_host']})" if r.get("owner_pid") else "")
                       + (f"  error: {r['error']}" if r["error"] else ""))

    alerts_app = typer.Typer(
        cls=_ListByDefault, no_args_is_help=True,
        help="Alerts raised by generation runs and workflows: `alerts WS` lists the open ones "
             "(`--all` the resolved too); `alerts resolve WS ID --note TEXT` closes one.")
    app.add_typer(alerts_app, name="alerts")

    @alerts_app.command("list")
    def alerts_list(
        workspace: Path = typer.Argument(..., help="workspace file (.duckdb)"),
        show_all: bool = typer.Option(False, "--all", help="resolved alerts too, with who resolved them and why"),
        open_only: bool = typer.Option(False, "--open", hidden=True, help="only open alerts (the default)"),
    ) -> None:
        """List the open alerts (the default when no subcommand is given); --all shows the resolved ones too."""
        from ..store import Workspace

        try:
            rows = Workspace.open(workspace, read_only=True).list_alerts(include_resolved=show_all and not open_only)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        if not rows:
            typer.echo("no alerts" if show_all else "no open alerts")
        for r in rows:
            who = f" {r['clinician_id']}" if r["clinician_id"] else ""
            day = f" {r['date']}" if r["date"] else ""
            state = ""
            if r["resolved_at"]:
                note = f": {r['resolution_note']}" if r.get("resolution_note") else ""
                by = f" by {r['resolved_by']}" if r.get("resolved_by") else ""
                state = f" (resolved{by} {r['resolved_at']:%Y-%m-%d %H:%M}{note})"
            run = f" run {r['run_id']}" if r["run_id"] is not None else ""
            typer.echo(f"#{r['alert_id']} [{r['severity']}] {r['kind']}{day}{who}{run}: {r['message']}{state}")

    @alerts_app.command("resolve")
    def alerts_resolve(
        workspace: Path = typer.Argument(..., help="workspace file (.duckdb)"),
        alert_id: int = typer.Argument(..., help="the alert's id (#N in `rotacc-lab alerts WS`)"),
        note: str = typer.Option(..., "--note", help="why it is resolved (kept with the alert and in the audit log)"),
        by: str = typer.Option("cli", "--by", "--actor", help="who resolves it (recorded in the audit log)"),
    ) -> None:
        """Resolve one open alert with a note (audited); an unknown or already resolved alert is refused."""
        from ..store import Workspace
        from ..workflows.alerts import resolve_alert

        try:
            done = resolve_alert(Workspace.open(workspace), alert_id, note=note, by=by)
        except (RotaccError, ValueError) as err:
            raise _fail(err)
        typer.echo(f"alert {alert_id}: resolved by {done['resolved_by']}: {done['resolution_note']}")


class _ListByDefault(TyperGroup):
    """``alerts WS ...`` means ``alerts list WS ...``: a first word that is no subcommand starts the listing."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["list", *args]
        return super().parse_args(ctx, args)
