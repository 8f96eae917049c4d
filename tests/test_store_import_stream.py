"""A large practice import is streamed (issue 22 item 6): CSV files are read again on each
pass instead of held as text, and shifts are written in chunks of ``SHIFT_CHUNK`` per
transaction. The result must be exactly that of one big write: the same rows, the same
ids for blank shift ids, the same audit rows in the same order. Real files, real DuckDB.
The figures for a 50 MB import are in docs/scale.md (``benchmarks/store_io.py --import-mb 50``).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from conftest import TINY_FILES, write_practice_folder
from rotacc_lab.errors import ValidationError
from rotacc_lab.store import Workspace, import_source, importer
from rotacc_lab.store.source import CsvRows, read_raw, read_source

SHIFTS = TINY_FILES["shifts.csv"]


def _more_shifts() -> str:
    """The tiny shifts plus blank-id shifts for P01 on Mondays of 2026 (its term covers them)."""
    lines = [SHIFTS.rstrip("\n")]
    for day in ("2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16"):
        lines.append(f",P01,{day},STANDARD,FULL,SCHEDULED,no,")
    return "\n".join(lines) + "\n"


def _content(path: Path) -> tuple:
    con = duckdb.connect(str(path), read_only=True)
    try:
        shifts = con.execute("SELECT shift_id, clinician_id, date, status, cancel_key FROM shifts ORDER BY shift_id").fetchall()
        audit = con.execute("SELECT audit_id, action, entity, entity_id, CAST(after AS VARCHAR) FROM audit_log"
                            " WHERE entity <> 'workspace' ORDER BY audit_id").fetchall()
        seq = con.execute("SELECT start_value FROM duckdb_sequences() WHERE sequence_name = 'shift_seq'").fetchall()
    finally:
        con.close()
    # (the time of the import is in each shift's audit record; it differs between the two files)
    audit = [(*a[:4], {k: v for k, v in json.loads(a[4]).items() if k != "created_at"} if a[4] else None)
             for a in audit]
    return shifts, audit, seq


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_a_chunked_import_writes_exactly_what_one_transaction_would(tmp_path, monkeypatch, chunk):
    folder = write_practice_folder(tmp_path / "src", **{"shifts.csv": _more_shifts()})
    whole = tmp_path / "whole.duckdb"
    import_source(whole, folder)
    import_source(whole, folder)  # replacing: blank ids numbered after every id ever used
    monkeypatch.setattr(importer, "SHIFT_CHUNK", chunk)
    chunked = tmp_path / "chunked.duckdb"
    import_source(chunked, folder)
    import_source(chunked, folder)
    assert _content(chunked) == _content(whole)
    assert Workspace.open(chunked).load_snapshot() == Workspace.open(whole).load_snapshot()
    shifts, audit, _ = _content(chunked)
    assert len(shifts) == len(read_source(folder).shifts)
    assert sum(1 for a in audit if a[2] == "shift") == 2 * len(shifts)


def test_csv_tables_are_read_from_the_file_not_held(tmp_path):
    folder = write_practice_folder(tmp_path / "src")
    data = read_raw(folder)
    assert isinstance(data.tables["shifts"].rows, CsvRows)
    assert list(data.tables["shifts"].rows) == list(data.tables["shifts"].rows)  # each pass reads the file again
    assert len(list(data.tables["clinicians"].rows)) == 5


def test_a_problem_is_reported_once_though_the_file_is_read_twice(tmp_path):
    text = _more_shifts().replace(",P01,2026-03-16,", ",P0\x001,2026-03-16,")
    folder = write_practice_folder(tmp_path / "src", **{"shifts.csv": text})
    with pytest.raises(ValidationError) as caught:
        import_source(tmp_path / "w.duckdb", folder)
    control = [p for p in caught.value.problems if "control character" in p.message]
    assert [(p.source, p.row, p.column) for p in control] == [("shifts.csv", 12, "clinician_id")]
    assert not (tmp_path / "w.duckdb").exists()


def test_a_bad_byte_deep_in_a_large_file_names_the_file(tmp_path):
    rows = "".join(f",P01,2026-02-02,STANDARD,FULL,CANCELLED,no,n{i}\n" for i in range(30_000))
    folder = write_practice_folder(tmp_path / "src", **{"shifts.csv": SHIFTS + rows})
    with (folder / "shifts.csv").open("ab") as fh:
        fh.write(b",P01,2026-02-02,STANDARD,FULL,CANCELLED,no,caf\xe9\n")
    offset = (folder / "shifts.csv").read_bytes().index(b"\xe9")
    with pytest.raises(ValidationError) as caught:
        import_source(tmp_path / "w.duckdb", folder)
    [problem] = caught.value.problems
    assert offset > 1_000_000  # beyond the first block the text layer decodes
    assert str(problem) == f"shifts.csv: is not UTF-8 text (byte {offset}); save it as UTF-8 CSV"


def test_problems_found_while_reading_are_capped_and_counted(tmp_path):
    """Issue 22 item 6: 5,000 ragged rows keep at most ProblemList.KEEP problems; the rest are counted."""
    from rotacc_lab.store.source import ProblemList

    rows = "".join(f",P01,2026-02-02,STANDARD,FULL,CANCELLED,no,n{i},extra\n" for i in range(5_000))
    folder = write_practice_folder(tmp_path / "src", **{"shifts.csv": SHIFTS + rows})
    with pytest.raises(ValidationError) as caught:
        import_source(tmp_path / "w.duckdb", folder)
    err = caught.value
    assert len(err.problems) <= ProblemList.KEEP
    assert err.total == 5_000 and sum(err.omitted.values()) == 5_000 - len(err.problems)
    text = str(err)
    assert text.count("\n") < 150  # the first 100 problems and a grouped count of the rest, not 5,000 lines
    assert "shifts.csv" in text and "more" in text
    assert not (tmp_path / "w.duckdb").exists()


def test_a_file_changed_between_the_check_and_the_read_is_refused(tmp_path):
    """The check reads each CSV once, the validation again: a file saved in between is named, nothing written."""
    folder = write_practice_folder(tmp_path / "src", **{"shifts.csv": _more_shifts()})
    raw = read_raw(folder)
    rows = raw.tables["shifts"].rows
    assert isinstance(rows, CsvRows)
    with (folder / "shifts.csv").open("a", encoding="utf-8") as fh:
        fh.write(",P01,2026-03-23,STANDARD,FULL,SCHEDULED,no,\n")
    with pytest.raises(ValidationError) as caught:
        list(rows)
    [problem] = caught.value.problems
    assert problem.source == "shifts.csv" and "changed while it was being imported" in problem.message
    assert "nothing was written" in problem.message


def test_an_unchanged_file_reads_the_same_on_every_pass(tmp_path):
    folder = write_practice_folder(tmp_path / "src", **{"shifts.csv": _more_shifts()})
    rows = read_raw(folder).tables["shifts"].rows
    assert list(rows) == list(rows) and len(list(rows)) == _more_shifts().count("\n") - 1
