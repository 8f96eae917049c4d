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
    "carehomes",
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
    """The console script: user errors exit 2 with ``error: ...``, never a traceback.

    A command that lets an ``OSError`` or a DuckDB IO error through still gets a
    one-line message naming the file. Anything else is a defect in rotacc-lab:
    it is reported in one line with exit code 1 (``ROTACC_DEBUG=1`` shows the
    traceback).
    """
    import os

    try:
        app(standalone_mode=True)
    except (RotaccError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)
    except OSError as err:
        from .errors import cannot_write

        name = err.filename or "a file"
        message = cannot_write(name, err) if not isinstance(err, FileNotFoundError) or err.filename is None \
            else f"{name} does not exist"
        typer.echo(f"error: {message}", err=True)
        sys.exit(2)
    except Exception as err:  # noqa: BLE001 - the last guard against a traceback
        if type(err).__module__.split(".")[0] in ("duckdb", "_duckdb") and "IO Error" in str(err):
            typer.echo(f"error: {str(err).splitlines()[0]}", err=True)
            sys.exit(2)
        if os.environ.get("ROTACC_DEBUG"):
            raise
        typer.echo(f"error: internal error in rotacc-lab ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}); "
                   "please report it; run again with ROTACC_DEBUG=1 to see the traceback", err=True)
        sys.exit(1)


def fail(err: Exception) -> "typer.Exit":
    """Print a user-facing error and return an Exit(2) to raise."""
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code=2)
