"""The ``rotacc-lab`` command line.

Each area of the workbench keeps its commands in its own module under
``rotacc_lab.commands`` with a ``register(app)`` function; this file only
assembles them and turns ``RotaccError``/``ValueError`` into a clean message
and exit code 2 instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from .errors import RotaccError

app = typer.Typer(
    name="rotacc-lab",
    help="Plan medical rotas: import a practice, generate, report, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: Rich's console costs ~0.3 s of start-up for every command
    rich_markup_mode=None,
)

#: command modules under rotacc_lab.commands, each with register(app)
COMMAND_MODULES = [
    "workspace",
    "demo",
    "reports",
    "calculations",
    "dashboards",
    "generation",
    "workflows",
    "notebooks",
    "scale",
    "activity",
    "departments",
    "forecast",
]



def _show_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"rotacc-lab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="print the version and exit"),
) -> None:
    """Plan medical rotas: import a practice, generate, report, export."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"rotacc_lab.commands.{_name}").register(app)


def main() -> None:  # pragma: no cover - exercised through the console script
    try:
        app(standalone_mode=True)
    except (RotaccError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)


def fail(err: Exception) -> "typer.Exit":
    """Print a user-facing error and return an Exit(2) to raise."""
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)
