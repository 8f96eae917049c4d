"""Forecast cover into a department's demand: --apply writes date rows in one atomic, audited rewrite."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta

import pytest

from _dept_helpers import write_department
from rotacc_lab.activity import ActivitySeries, write_activity_csv
from rotacc_lab.store.department_io import department_audit, import_department, load_department
from rotacc_lab.synth_activity import synthetic_activity


def _cli(*args):
    import typer
    from typer.testing import CliRunner

    from rotacc_lab.commands.forecast import register

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test app"""

    register(app)
    return CliRunner().invoke(app, [str(a) for a in args])


def _hash(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def dept(tmp_path):
    folder = write_department(tmp_path / "folder")
    ws = tmp_path / "dept.duckdb"
    import_department(ws, folder)
    s = synthetic_activity("department", seed=4, start=date(2025, 1, 1), end=date(2026, 11, 29), scale=0.5)
    csv = tmp_path / "attendances.csv"
    write_activity_csv(csv, [ActivitySeries("attendances", s["attendances"].dates, s["attendances"].values)])
    return ws, csv


def _cover(x: float, ratio: float) -> int:
    return math.ceil(x / (1.0 / ratio) - 1e-9)


def test_apply_writes_date_rows_per_shift_type_and_audits(dept, tmp_path) -> None:
    ws, csv = dept
    v0 = load_department(ws).data_version
    res = _cli("forecast", ws, "--activity", csv, "--apply", "--start", "2026-11-30", "--end", "2026-12-13",
               "--ratio", "night=0.01", "--ratio", "day=0.03", "--level", "80", "--actor", "lead", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    d = load_department(ws)
    assert d.data_version == v0 + 1
    rows = {(x.day, x.shift_type): x for x in d.demand if isinstance(x.day, date)}
    days = [date(2026, 11, 30) + timedelta(i) for i in range(14)]
    # every day (weekends and all) gets a row for each shift type with a ratio; nc untouched
    assert {(day, t) for day in days for t in ("night", "day")} <= set(rows)
    assert not any(t == "nc" for _, t in rows)
    # the weekday rows stay as imported
    assert sum(1 for x in d.demand if isinstance(x.day, int)) == 12
    # compare with the forecast itself: minimum = point cover, ideal = upper 80 % cover
    from rotacc_lab import forecast as fc
    from rotacc_lab.activity import read_activity_csv

    s = read_activity_csv(csv).series["attendances"]
    f = fc.forecast_series(s, "england", "ets", 14)
    lo, hi = f.bounds(80)
    for i, day in enumerate(f.dates):
        for t, r in (("night", 0.01), ("day", 0.03)):
            row = rows[(day, t)]
            assert row.minimum == max(0, _cover(f.mean[i], r))
            assert row.ideal == max(row.minimum, _cover(hi[i], r))
        # the night's HST requirement is kept (capped at the new minimum)
        night = rows[(day, "night")]
        assert night.group == ("HST" if night.minimum else None)
    audit = department_audit(ws)[-1]
    assert (audit["action"], audit["entity"], audit["actor"]) == ("forecast", "demand", "lead")
    after = json.loads(audit["after"])
    assert after["bound"] == "point" and after["rules"][0]["target"] == "night" and after["changed"] == out["changed"]
    # the 2026-12-05 day row imported is replaced by the forecast's; a re-apply with --bound upper raises minimums
    assert _cli("forecast", ws, "--activity", csv, "--apply", "--start", "2026-12-01", "--end", "2026-12-02",
                "--ratio", "day=0.03", "--bound", "upper").exit_code == 0
    d2 = load_department(ws)
    r2 = {(x.day, x.shift_type): x for x in d2.demand if isinstance(x.day, date)}
    assert r2[(date(2026, 12, 1), "day")].minimum == r2[(date(2026, 12, 1), "day")].ideal
    assert r2[(date(2026, 12, 3), "day")] == rows[(date(2026, 12, 3), "day")]
    assert len(d2.demand) == len(d.demand)
    # the department still loads, exports and reimports (the rows are valid demand)
    from rotacc_lab.store.department_io import export_department

    export_department(ws, tmp_path / "back")
    import_department(tmp_path / "again.duckdb", tmp_path / "back")
    assert load_department(tmp_path / "again.duckdb").demand == d2.demand


@pytest.mark.parametrize("args, fragment", [
    (["--apply", "--start", "2026-11-30", "--end", "2026-12-06"], "--ratio: missing"),
    (["--apply", "--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "night"], "--ratio: 'night' is not accepted"),
    (["--apply", "--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "night=-1"], "is not accepted"),
    (["--apply", "--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "evening=0.02"], "'evening' is not one of"),
    (["--apply", "--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "night=0.02", "--ratio", "night=0.03"],
     "given twice"),
    (["--apply", "--start", "2026-11-01", "--end", "2026-12-06", "--ratio", "night=0.02"], "is not after the last"),
    (["--apply", "--start", "2026-11-30", "--end", "2027-03-30", "--ratio", "night=0.02"], "at most 84 days"),
    (["--apply", "--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "night=0.02", "--bound", "max"],
     "--bound: 'max'"),
    (["--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "night=0.02"], "give --apply"),
])
def test_apply_errors_exit_2_and_leave_the_file_unchanged(dept, args, fragment) -> None:
    ws, csv = dept
    before = _hash(ws)
    res = _cli("forecast", ws, "--activity", csv, *args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output and "Traceback" not in res.output
    assert _hash(ws) == before


def test_a_department_needs_the_activity_file(dept) -> None:
    ws, _ = dept
    before = _hash(ws)
    res = _cli("forecast", ws, "--apply", "--start", "2026-11-30", "--end", "2026-12-06", "--ratio", "night=0.02")
    assert res.exit_code == 2 and "--activity: missing" in res.output
    assert _hash(ws) == before


def test_a_write_the_schema_refuses_leaves_the_file_unchanged(dept) -> None:
    """replace_demand's own checks and a failure inside the rebuild both leave the bytes as they were."""
    from dataclasses import replace

    from rotacc_lab.departments.model import Demand
    from rotacc_lab.errors import RotaccError
    from rotacc_lab.store.department_io import replace_demand

    ws, _ = dept
    before = _hash(ws)
    d = load_department(ws)
    with pytest.raises(RotaccError, match="shift type 'evening' is not one of"):
        replace_demand(ws, d.demand + (Demand(date(2026, 12, 1), "evening", 1, 1),), "t", {})
    with pytest.raises(RotaccError, match="minimum 3 and ideal 2 are not accepted"):
        replace_demand(ws, d.demand + (Demand(date(2026, 12, 1), "day", 3, 2),), "t", {})
    with pytest.raises(RotaccError, match="changed while this write was prepared"):
        replace_demand(ws, d.demand, "t", {}, expect_version=d.data_version - 1)
    # group_minimum above the minimum passes the Python checks and is refused by the schema in the temp file
    bad = replace(d.demand[0], day=date(2026, 12, 1), minimum=1, ideal=1, group="HST", group_minimum=2)
    with pytest.raises(Exception):
        replace_demand(ws, d.demand + (bad,), "t", {})
    assert _hash(ws) == before
    assert not [p for p in ws.parent.iterdir() if p.name.startswith(".") and "import" in p.name]


def test_the_demo_department_ships_two_years_of_attendances_that_apply_to_its_period(tmp_path) -> None:
    from rotacc_lab.activity import read_activity_csv
    from rotacc_lab.commands.departments import (DEMO_DEPARTMENT_RATIOS, build_demo_department,
                                                 write_demo_department_activity)

    ws = build_demo_department(tmp_path, say=lambda *_: None)
    csv = write_demo_department_activity(tmp_path)
    s = read_activity_csv(csv).series["attendances"]
    assert (len(s), s.start, s.end) == (730, date(2024, 11, 30), date(2026, 11, 29))
    d = load_department(ws)
    res = _cli("forecast", ws, "--activity", csv, "--apply", "--start", d.period.start, "--end", d.period.end,
               *[a for t, r in DEMO_DEPARTMENT_RATIOS.items() for a in ("--ratio", f"{t}={r}")], "--json")
    assert res.exit_code == 0, res.output
    after = load_department(ws)
    nights = [x.minimum for x in after.demand if isinstance(x.day, date) and x.shift_type == "night"]
    assert len(nights) == 56 and 1 <= min(nights) and max(nights) <= 4  # about the demo's 2 a night
