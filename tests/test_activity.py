"""Activity series: the CSV format validates to the project standard; storage is atomic and audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotacc_lab.activity import (
    ActivitySeries,
    plan_import,
    read_activity_csv,
    write_activity_csv,
)
from rotacc_lab.errors import RotaccError, ValidationError
from rotacc_lab.store import Workspace, migrations
from rotacc_lab.store.activity import activity_summary, delete_activity, import_activity, load_activity


def _csv(tmp_path: Path, text: str, name: str = "activity.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_a_valid_file_with_bom_any_order_and_case(tmp_path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffvalue,Series_unused,series,date\n12,x,Appointments,2026-01-06\n10.5,,appointments,2026-01-05\n"
                  .encode("utf-8"))
    f = read_activity_csv(p)
    s = f.series["appointments"]
    assert s.dates == (date(2026, 1, 5), date(2026, 1, 6))
    assert s.values == (10.5, 12.0)
    assert [w.column for w in f.warnings] == ["Series_unused"]


def test_every_problem_is_reported_with_row_column_value_and_what_is_accepted(tmp_path) -> None:
    p = _csv(tmp_path, "date,series,value\n"
                       "2026-13-01,appointments,3\n"  # row 1 bad date
                       "2026-01-05,Appoint ments,3\n"  # row 2 bad name
                       "2026-01-05,appointments,-1\n"  # row 3 negative
                       "2026-01-05,appointments,nan\n"  # row 4 not finite
                       "2026-01-06,appointments,\n"  # row 5 blank value
                       "2026-01-07,appointments,4\n"  # row 6 ok
                       "2026-01-07,APPOINTMENTS,5\n"  # row 7 duplicate of row 6
                       "1850-01-01,appointments,1\n")  # row 8 out of range
    with pytest.raises(ValidationError) as info:
        read_activity_csv(p)
    found = {(pr.row, pr.column) for pr in info.value.problems}
    assert found == {(1, "date"), (2, "series"), (3, "value"), (4, "value"), (5, "value"), (7, "date"), (8, "date")}
    text = str(info.value)
    assert "activity.csv, row 3, column value: is not accepted; give a finite number >= 0 (value '-1')" in text
    assert "already has a value for this date in row 6" in text
    assert "nothing was written" in text


@pytest.mark.parametrize("body, fragment", [
    ("", "file is empty"),
    ("date,value\n2026-01-01,3\n", "missing column(s) series"),
    ("date,series,value,value\n", "column named more than once"),
    ("date,series,value\n", "has no data rows"),
])
def test_whole_file_problems(tmp_path, body, fragment) -> None:
    with pytest.raises(ValidationError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        read_activity_csv(_csv(tmp_path, body))


def test_missing_file_and_non_utf8(tmp_path) -> None:
    with pytest.raises(RotaccError, match="does not exist"):
        read_activity_csv(tmp_path / "nope.csv")
    p = tmp_path / "latin1.csv"
    p.write_bytes("date,series,value\n2026-01-01,caf\xe9,1\n".encode("latin-1"))
    with pytest.raises(ValidationError, match="is not UTF-8"):
        read_activity_csv(p)


def test_gaps_are_a_warning_naming_the_series_and_the_first_gap(tmp_path) -> None:
    f = read_activity_csv(_csv(tmp_path, "date,series,value\n2026-01-01,x,1\n2026-01-04,x,2\n"))
    assert len(f.warnings) == 1
    assert "series x has no value on 2 of the 4 days" in f.warnings[0].message
    assert "first 2026-01-02" in f.warnings[0].message


def test_series_rejects_bad_values_directly() -> None:
    with pytest.raises(ValueError, match="dates must increase"):
        ActivitySeries("x", (date(2026, 1, 2), date(2026, 1, 1)), (1.0, 2.0))
    with pytest.raises(ValueError, match="give a finite number >= 0"):
        ActivitySeries("x", (date(2026, 1, 1),), (float("inf"),))
    with pytest.raises(ValueError, match="series: 'X Y' is not accepted"):
        ActivitySeries("X Y", (), ())


def test_plan_import_merge_and_replace() -> None:
    d = [date(2026, 1, 1) + timedelta(days=i) for i in range(4)]
    stored = {"x": ActivitySeries("x", tuple(d[:3]), (1.0, 2.0, 3.0))}
    incoming = {"x": ActivitySeries("x", (d[1], d[3]), (2.0, 9.0)), "y": ActivitySeries("y", (d[0],), (5.0,))}
    merge = {c.series: c for c in plan_import(stored, incoming, "merge")}
    assert (merge["x"].inserted, merge["x"].updated, merge["x"].unchanged, merge["x"].deletes) == (1, 0, 1, ())
    assert merge["x"].after_rows == 4 and merge["y"].after_rows == 1
    replace = {c.series: c for c in plan_import(stored, incoming, "replace")}
    assert replace["x"].deletes == (d[0], d[2]) and replace["x"].after_rows == 2
    with pytest.raises(ValueError, match="mode: 'upsert' is not accepted"):
        plan_import(stored, incoming, "upsert")


def test_import_store_read_round_trip_and_audit(workspace: Workspace, tmp_path) -> None:
    p = _csv(tmp_path, "date,series,value\n2026-01-05,appointments,300\n2026-01-06,appointments,280.5\n"
                       "2026-01-05,attendances,250\n")
    v0 = workspace.data_version()
    result = import_activity(workspace.path, p, actor="tester")
    assert result.data_version == v0 + 1
    got = load_activity(workspace.path)
    assert got["appointments"].values == (300.0, 280.5)
    assert got["attendances"].dates == (date(2026, 1, 5),)
    assert [r["series"] for r in activity_summary(workspace.path)] == ["appointments", "attendances"]
    hist = workspace.audit_history("activity", "appointments")
    assert hist[-1]["actor"] == "tester" and hist[-1]["action"] == "import"
    assert hist[-1]["after"]["inserted"] == 2 and hist[-1]["after"]["source"] == str(p)
    # merge keeps other dates, replace drops them
    p2 = _csv(tmp_path, "date,series,value\n2026-01-07,appointments,1\n", "more.csv")
    import_activity(workspace.path, p2)
    assert len(load_activity(workspace.path, ["appointments"])["appointments"]) == 3
    import_activity(workspace.path, p2, mode="replace")
    assert load_activity(workspace.path, ["appointments"])["appointments"].dates == (date(2026, 1, 7),)
    assert delete_activity(workspace.path, "attendances") == 1
    assert "attendances" not in load_activity(workspace.path)
    with pytest.raises(RotaccError, match="'attendances' is not stored"):
        delete_activity(workspace.path, "attendances")


def test_failed_import_writes_nothing(workspace: Workspace, tmp_path) -> None:
    import_activity(workspace.path, _csv(tmp_path, "date,series,value\n2026-01-05,x,1\n"))
    before = workspace.path.read_bytes(), workspace.data_version()
    bad = _csv(tmp_path, "date,series,value\n2026-01-06,x,1\n2026-01-07,x,oops\n", "bad.csv")
    with pytest.raises(ValidationError):
        import_activity(workspace.path, bad)
    assert (workspace.path.read_bytes(), workspace.data_version()) == before


def test_database_enforces_the_activity_rules(workspace: Workspace) -> None:
    con = duckdb.connect(str(workspace.path))
    try:
        for sql in ("INSERT INTO activity VALUES ('Bad Name', DATE '2026-01-01', 1)",
                    "INSERT INTO activity VALUES ('x', DATE '2026-01-01', -1)",
                    "INSERT INTO activity VALUES ('x', DATE '2026-01-01', 'inf'::DOUBLE)"):
            with pytest.raises(duckdb.ConstraintException):
                con.execute(sql)
    finally:
        con.close()


def test_version_4_file_is_read_as_empty_and_upgraded_on_writable_open(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrations.create_version_1(con)
    migrations.migrate(con, target=4)
    con.close()
    assert load_activity(Workspace.open(path, read_only=True)) == {}
    Workspace.open(path)
    assert Workspace(path).meta()["schema_version"] == str(migrations.SCHEMA_VERSION)
    assert load_activity(path) == {}


_values = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b_2", "zz"]),
                       st.dictionaries(st.dates(date(2020, 1, 1), date(2030, 12, 31)), _values, min_size=1, max_size=15),
                       min_size=1, max_size=3))
def test_write_then_read_gives_the_same_series(tmp_path_factory, data) -> None:
    series = [ActivitySeries(n, tuple(sorted(v)), tuple(v[d] for d in sorted(v))) for n, v in data.items()]
    p = tmp_path_factory.mktemp("rt") / "a.csv"
    assert write_activity_csv(p, series) == sum(len(s) for s in series)
    back = read_activity_csv(p).series
    assert back == {s.name: s for s in series}


def test_cli_import_list_export_delete_synth(workspace: Workspace, tmp_path) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from rotacc_lab.commands.activity import register

    app = typer.Typer()
    register(app)
    run = lambda *a: CliRunner().invoke(app, [str(x) for x in a])  # noqa: E731
    csv_path = tmp_path / "synth.csv"
    res = run("activity", "synth", csv_path, "--kind", "care_home", "--seed", "3", "--start", "2025-01-01",
              "--end", "2025-03-31")
    assert res.exit_code == 0, res.output
    assert "wrote 180 rows (occupancy, dependency)" in res.output
    res = run("activity", "import", workspace.path, csv_path)
    assert res.exit_code == 0, res.output
    assert "occupancy" in res.output and "90 new" in res.output
    rows = json.loads(run("activity", "list", workspace.path, "--json").stdout)
    assert [(r["series"], r["rows"], r["first"], r["last"]) for r in rows] == [
        ("dependency", 90, "2025-01-01", "2025-03-31"), ("occupancy", 90, "2025-01-01", "2025-03-31")]
    out = tmp_path / "back.csv"
    assert run("activity", "export", workspace.path, out, "--series", "occupancy").exit_code == 0
    assert read_activity_csv(out).series["occupancy"] == load_activity(workspace.path)["occupancy"]
    res = run("activity", "export", workspace.path, out, "--series", "nope")
    assert res.exit_code == 2 and "--series: nope not stored" in res.output
    bad = _csv(tmp_path, "date,series,value\n2025-01-01,x,-3\n", "bad.csv")
    res = run("activity", "import", workspace.path, bad)
    assert res.exit_code == 2 and "row 1, column value" in res.output and "Traceback" not in res.output
    assert run("activity", "delete", workspace.path, "occupancy").exit_code == 0
    res = run("activity", "synth", csv_path, "--kind", "zoo")
    assert res.exit_code == 2 and "kind: 'zoo' is not accepted" in res.output
