"""The only package that talks to DuckDB: workspace files, import/export, audit, run records.

Public API::

    commit, Scope, Committed, StaleChange   THE write path: a ChangeSet in one transaction (commit.py)
    Workspace, Tx                      one DuckDB file per practice (workspace.py)
    import_source, ImportSummary       validated, atomic import of a folder / xlsx (importer.py)
    read_source                        parse + validate without writing -> PracticeSnapshot (source.py)
    export_folder, export_xlsx         the same format back out (exporter.py)
    begin_run, mark_running, finish_run, fail_run   generation run records (runs.py)
"""

from .committer import Committed, Scope, StaleChange, commit
from .exporter import export_folder, export_xlsx
from .importer import ImportSummary, import_source
from .migrations import SCHEMA_VERSION
from .runs import begin_run, fail_run, finish_run, mark_running
from .source import read_source
from .workspace import Tx, Workspace

__all__ = [
    "commit",
    "Committed",
    "Scope",
    "StaleChange",
    "Workspace",
    "Tx",
    "import_source",
    "ImportSummary",
    "read_source",
    "export_folder",
    "export_xlsx",
    "begin_run",
    "mark_running",
    "finish_run",
    "fail_run",
    "SCHEMA_VERSION",
]
