"""Workspaces of other kinds than a practice: one DuckDB file per department or provider.

A file's kind is ``meta.kind`` (a file without it is a practice). Each kind has its
own schema file and version sequence; the practice code refuses other kinds
(``migrations.schema_version``) and these helpers refuse the wrong kind, so no file is
ever migrated or overwritten as something it is not.

:func:`replace_file` is the one way such a workspace is written today: the new
content is built in a temporary file next to the target and moved into place with
``os.replace``, so a failed or interrupted write leaves an existing file
byte-for-byte unchanged; the audit log of the old file is carried over with one row
added, and ``data_version`` goes up by one. While the new file is built this process
holds the old file's write lock. New files are private (0600); a replaced file keeps its mode.
"""

from __future__ import annotations

import json
import os
import stat
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import duckdb
import pyarrow as pa

from ..errors import Problem, RotaccError, WorkspaceNotFound
from ..private import private_umask
from . import leftovers
from .workspace import Workspace, import_target


@dataclass(frozen=True)
class Kind:
    """A kind of workspace: its name in ``meta.kind``, schema file and version, and tables."""

    name: str
    schema_file: str
    version: int
    tables: tuple[str, ...]  # parents before children (insertion order)
    label: str  # "a department folder (one with department.toml)"

    def schema_sql(self) -> str:
        return resources.files("rotacc_lab.store").joinpath(self.schema_file).read_text(encoding="utf-8")


@dataclass(frozen=True)
class ImportSummary:
    """What an import of a department or provider folder did."""

    kind: str
    workspace: Path
    source: Path
    created: bool
    counts: dict[str, int]
    warnings: tuple[Problem, ...] = field(default=())
    data_version: int = 1

    def __str__(self) -> str:
        verb = "created" if self.created else f"replaced the {self.kind} in"
        lines = [f"imported {self.kind} {self.source} and {verb} {self.workspace} (data version {self.data_version}):"]
        lines += [f"  {name:<22}{n:>7}" for name, n in self.counts.items()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def workspace_kind(path: str | Path) -> str:
    """``meta.kind`` of a workspace file (``"practice"`` when it has none)."""
    path = Path(path)
    if not path.is_file():
        raise WorkspaceNotFound(f"workspace {path} does not exist; import a folder into it first")
    with Workspace(path).connect(read_only=True) as con:
        try:
            rows = con.execute("SELECT value FROM meta WHERE key = 'kind'").fetchall()
        except duckdb.CatalogException:
            raise RotaccError(f"{path} is a DuckDB file but not a rotacc-lab workspace (no meta table)") from None
    return rows[0][0] if rows else "practice"


def _check_version(con: duckdb.DuckDBPyConnection, path: Path, kind: Kind) -> None:
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    version = int(rows[0][0]) if rows and str(rows[0][0]).isdigit() else 0
    if version > kind.version:
        raise RotaccError(f"{kind.name} workspace {path} has schema version {version}, newer than this rotacc-lab "
                          f"(knows up to {kind.version}); upgrade rotacc-lab")
    if version < 1:
        raise RotaccError(f"{kind.name} workspace {path} has no valid schema_version in its meta table")


@contextmanager
def open_kind(path: str | Path, kind: Kind) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a workspace of ``kind`` (any other kind is refused)."""
    path = Path(path)
    found = workspace_kind(path)
    if found != kind.name:
        raise RotaccError(f"{path} is a {found} workspace, not a {kind.name}; import {kind.label} into its own file")
    with Workspace(path).connect(read_only=True) as con:
        _check_version(con, path, kind)
        yield con


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])


def _write_file(path: Path, kind: Kind, tables: Mapping[str, pa.Table], audit: Sequence[tuple], version: int,
                actor: str, source: Path, event: tuple[str, str, str, dict] | None = None) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN")
        con.execute(kind.schema_sql())
        con.execute("INSERT INTO meta VALUES ('kind', ?), ('schema_version', ?), ('data_version', ?),"
                    " ('created_at', CAST(current_timestamp AS VARCHAR))",
                    [kind.name, str(kind.version), str(version)])
        for name in kind.tables:
            con.register("_in", tables[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _in")
            con.unregister("_in")
        for row in audit:
            con.execute("INSERT INTO audit_log VALUES (nextval('audit_seq'), ?, ?, ?, ?, ?, ?, ?)", list(row[1:]))
        counts = {name: len(tables[name]) for name in kind.tables}
        action, entity, entity_id, after = event or ("import", "workspace", kind.name, {"source": str(source),
                                                                                         "counts": counts})
        con.execute(
            "INSERT INTO audit_log VALUES (nextval('audit_seq'), CAST(current_timestamp AS TIMESTAMP), ?, ?,"
            " ?, ?, NULL, CAST(? AS JSON))",
            [actor, action, entity, entity_id, json.dumps({**after, "data_version": version}, default=str)],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def replace_file(target: str | Path, kind: Kind, tables: Mapping[str, pa.Table], actor: str,
                 source: str | Path, event: tuple[str, str, str, dict] | None = None,
                 expect_version: int | None = None) -> tuple[bool, int]:
    """Make ``tables`` the content of the workspace ``target`` (created if missing), atomically.

    Returns ``(created, data_version)``. Refuses a file of another kind. ``event``
    ``(action, entity, entity_id, after)`` is the audit row added (default: an
    ``import`` of ``source``); with ``expect_version`` the write is refused when the
    file's data version is not that one (someone wrote it since it was read).
    """
    target, source = import_target(target), Path(source)
    if not target.parent.is_dir():
        raise RotaccError(f"cannot create workspace {target}: folder {target.parent} does not exist")
    created = not target.exists()
    leftovers.sweep(target)  # hidden copies left by killed imports
    tmp = leftovers.temp_path(target, "import")
    with ExitStack() as stack:
        audit: list[tuple] = []
        version = 1
        if not created:
            found = workspace_kind(target)
            if found != kind.name:
                raise RotaccError(
                    f"{target} is a {found} workspace; a {kind.name} needs its own workspace file "
                    f"(give a new path, e.g. {target.with_name(kind.name + '.duckdb')})")
            held = stack.enter_context(Workspace(target).connect(read_only=False))
            _check_version(held, target, kind)
            version = data_version(held) + 1
            if expect_version is not None and version - 1 != expect_version:
                raise RotaccError(f"{target} changed while this write was prepared (data version {version - 1}, "
                                  f"read at {expect_version}); run the command again")
            audit = held.execute(
                "SELECT audit_id, \"at\", actor, action, entity, entity_id, CAST(before AS VARCHAR),"
                " CAST(after AS VARCHAR) FROM audit_log ORDER BY audit_id").fetchall()
        try:
            with private_umask():  # the file and its .wal are 0600 while written
                _write_file(tmp, kind, tables, audit, version, actor, source, event)
            if not created:  # the workspace keeps its own mode
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
            raise
    return created, version


def audit_rows(path: str | Path, kind: Kind) -> list[dict]:
    """The audit rows of a workspace of ``kind``, oldest first."""
    with open_kind(path, kind) as con:
        cur = con.execute("SELECT audit_id, \"at\", actor, action, entity, entity_id, CAST(after AS VARCHAR) AS after"
                          " FROM audit_log ORDER BY audit_id")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]


def arrow_table(rows: list[dict], columns: Sequence[tuple[str, pa.DataType]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=pa.schema(list(columns)))
