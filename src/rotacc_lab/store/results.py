"""Result files of sweeps: plain DuckDB tables beside (never inside) a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pyarrow as pa

from ..errors import RotaccError


def write_tables(path: Path, tables: Mapping[str, pa.Table]) -> None:
    """Replace the named tables of the DuckDB file at ``path`` in one transaction.

    Refuses a rotacc-lab workspace: results go to their own file.
    """
    import duckdb

    from ..private import private_umask

    with private_umask():
        con = duckdb.connect(str(path))
    try:
        present = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" in present and "shifts" in present:
            raise RotaccError(f"--out: {path} is a rotacc-lab workspace; write sweep results to their own file")
        con.execute("BEGIN")
        for name, table in tables.items():
            con.register("_results_in", table)
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _results_in')
            con.unregister("_results_in")
        con.execute("COMMIT")
    finally:
        con.close()
