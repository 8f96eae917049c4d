"""Forecast cover into a care-home provider: dated cover rows per unit and shift type, atomic and audited."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, timedelta

import duckdb
import pytest

from _care_helpers import write_provider
from rotacc_lab.activity import ActivitySeries, write_activity_csv
from rotacc_lab.carehomes.summary import provider_summary
from rotacc_lab.store.provider_io import export_provider, import_provider, load_provider, provider_audit
from rotacc_lab.synth_activity import synthetic_activity

COVER = """\
unit_id,shift_type,role,minimum,ideal,date
A1,day,CW,2,3,
A1,night,,1,1,
A1,night,SNR,0,1,
B1,day,CW,1,2,
"""
START, END = date(2026, 12, 21), date(2027, 1, 3)  # the tiny provider's 14-day horizon


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
def provider(tmp_path):
    ws = tmp_path / "care.duckdb"
    import_provider(ws, write_provider(tmp_path / "folder", cover_csv=COVER))
    s = synthetic_activity("care_home", seed=3, start=date(2025, 1, 1), end=START - timedelta(days=1), beds=20)
    csv = tmp_path / "hours.csv"
    write_activity_csv(csv, [ActivitySeries("dependency_a1", s["dependency"].dates, s["dependency"].values)])
    return ws, csv


def test_a_dated_cover_row_replaces_the_standing_row_on_its_day_only(tmp_path) -> None:
    folder = write_provider(tmp_path / "f", cover_csv=COVER + "A1,day,CW,4,5,2026-12-25\n")
    ws = tmp_path / "c.duckdb"
    import_provider(ws, folder)
    p = load_provider(ws)
    xmas = {c.key: c for c in p.cover_on(date(2026, 12, 25))}
    other = {c.key: c for c in p.cover_on(date(2026, 12, 24))}
    assert (xmas[("A1", "day", "CW")].minimum, other[("A1", "day", "CW")].minimum) == (4, 2)
    assert len(xmas) == len(other) == 4  # replaced, not added
    # the weekly hours count the dated row on its day: +2 staff x 12 h once in 14 days = +12 h a fortnight
    base = provider_summary(load_provider(_plain(tmp_path)))
    assert provider_summary(p).total.required_hours_week - base.total.required_hours_week == 12
    export_provider(ws, tmp_path / "back")
    assert "2026-12-25" in (tmp_path / "back" / "cover.csv").read_text()
    import_provider(tmp_path / "again.duckdb", tmp_path / "back")
    assert load_provider(tmp_path / "again.duckdb").cover == p.cover


def _plain(tmp_path):
    ws = tmp_path / "plain.duckdb"
    import_provider(ws, write_provider(tmp_path / "plain", cover_csv=COVER))
    return ws


@pytest.mark.parametrize("row, fragment", [
    ("A1,day,CW,4,5,2026-13-01", "date"),
    ("A1,day,CW,4,5,", "unit_id, shift_type, role and date"),
])
def test_bad_dated_rows_are_refused_naming_the_cell(tmp_path, row, fragment) -> None:
    from rotacc_lab.errors import ValidationError

    ws = tmp_path / "c.duckdb"
    with pytest.raises(ValidationError) as err:
        import_provider(ws, write_provider(tmp_path / "f", cover_csv=COVER + row + "\n"))
    assert "cover.csv" in str(err.value) and fragment in str(err.value)
    assert not ws.exists()


def test_a_version_1_file_reads_as_standing_rows_and_is_written_as_version_2(provider) -> None:
    from rotacc_lab.carehomes.model import Cover
    from rotacc_lab.store.provider_io import replace_cover

    ws, _ = provider
    con = duckdb.connect(str(ws))
    con.execute("ALTER TABLE cover DROP COLUMN day")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    p = load_provider(ws)
    assert p.cover and all(c.day is None for c in p.cover)
    replace_cover(ws, p.cover + (Cover("B1", "day", "CW", 2, 2, date(2026, 12, 22)),), "t", {"why": "test"})
    con = duckdb.connect(str(ws), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    con.close()
    assert load_provider(ws).cover[-1].day == date(2026, 12, 22)


def _ceil(x: float, ratio: float) -> int:
    return math.ceil(x / (1.0 / ratio) - 1e-9)


def test_apply_writes_dated_rows_for_one_unit_and_audits(provider, tmp_path) -> None:
    from rotacc_lab import forecast as fc
    from rotacc_lab.activity import read_activity_csv

    ws, csv = provider
    v0 = load_provider(ws).data_version
    res = _cli("forecast", ws, "--activity", csv, "--unit", "A1", "--ratio", "day=0.05", "--apply",
               "--start", START, "--end", END, "--actor", "manager", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    p = load_provider(ws)
    assert p.data_version == v0 + 1
    dated = {(c.day, c.key): c for c in p.cover if c.day is not None}
    assert {k for _, k in dated} == {("A1", "day", "CW")}  # the role of the unit's standing day row
    assert len(dated) == 14
    s = read_activity_csv(csv).series["dependency_a1"]
    f = fc.forecast_series(s, "scotland", "ets", 14)
    _, hi = f.bounds(80)
    for i, day in enumerate(f.dates):
        row = dated[(day, ("A1", "day", "CW"))]
        assert row.minimum == _ceil(f.mean[i], 0.05)
        assert row.ideal == max(row.minimum, _ceil(hi[i], 0.05))
    # standing rows untouched; the changes listed are exactly the days whose cover differs from the standing row
    assert [c for c in p.cover if c.day is None] == [c for c in load_provider(_plain(tmp_path)).cover]
    assert out["changed"] == sum(1 for (d, k), c in dated.items() if (c.minimum, c.ideal) != (2, 3))
    audit = provider_audit(ws)[-1]
    assert (audit["action"], audit["entity"], audit["actor"]) == ("forecast", "cover", "manager")
    assert json.loads(audit["after"])["unit"] == "A1"
    # a second apply over part of the range replaces those dated rows and keeps the rest
    assert _cli("forecast", ws, "--activity", csv, "--unit", "A1", "--ratio", "day=0.05", "--apply",
                "--start", START, "--end", START + timedelta(days=1), "--bound", "upper").exit_code == 0
    p2 = load_provider(ws)
    assert len(p2.cover) == len(p.cover)
    first = next(c for c in p2.cover if c.day == START)
    assert first.minimum == first.ideal
    assert next(c for c in p2.cover if c.day == END) == dated[(END, ("A1", "day", "CW"))]


@pytest.mark.parametrize("args, fragment", [
    (["--ratio", "day=0.05"], "--unit: missing"),
    (["--unit", "Z9", "--ratio", "day=0.05"], "--unit: 'Z9' is not a unit"),
    (["--unit", "A1", "--ratio", "night=0.02"], "--role: missing; unit A1 has 2 standing cover rows"),
    (["--unit", "A1", "--ratio", "night=0.02", "--role", "BOSS"], "--role: 'BOSS' is not a role"),
    (["--unit", "A1", "--ratio", "evening=0.02"], "'evening' is not one of"),
    (["--unit", "A1", "--ratio", "day=50"], "minimum"),  # 50 staff per care hour: beyond the 100 a row allows
])
def test_apply_errors_exit_2_and_leave_the_file_unchanged(provider, args, fragment) -> None:
    ws, csv = provider
    before = _hash(ws)
    res = _cli("forecast", ws, "--activity", csv, "--apply", "--start", START, "--end", END, *args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output and "Traceback" not in res.output
    assert _hash(ws) == before


def test_an_explicit_role_writes_that_role_beside_the_any_role_row(provider) -> None:
    ws, csv = provider
    res = _cli("forecast", ws, "--activity", csv, "--unit", "A1", "--ratio", "night=0.01", "--role", "SNR",
               "--apply", "--start", START, "--end", END)
    assert res.exit_code == 0, res.output
    p = load_provider(ws)
    night = {c.key: c for c in p.cover_on(START) if c.shift_type == "night"}
    assert set(night) == {("A1", "night", None), ("A1", "night", "SNR")}
    assert night[("A1", "night", None)].minimum == 1  # the any-role row stands


def test_unit_and_role_are_refused_for_a_practice(workspace) -> None:
    res = _cli("forecast", workspace.path, "--unit", "A1")
    assert res.exit_code == 2 and "--unit/--role: only for a care-home provider" in res.output


def test_the_demo_provider_ships_two_years_of_care_hours_that_apply_to_its_horizon(tmp_path) -> None:
    from rotacc_lab.activity import read_activity_csv
    from rotacc_lab.commands.carehomes import DEMO_PROVIDER_RATIOS, activity_series_name, build_demo_provider

    lines = []
    ws = build_demo_provider(tmp_path, say=lines.append)
    csv = tmp_path / "demo-provider-activity.csv"
    p = load_provider(ws)
    series = read_activity_csv(csv).series
    assert set(series) == {activity_series_name(u.unit_id) for u in p.units}
    h = p.settings.horizon_start
    for s in series.values():
        assert (len(s), s.end) == (730, h - timedelta(days=1))
    unit = p.units[-1]
    res = _cli("forecast", ws, "--activity", csv, "--series", activity_series_name(unit.unit_id),
               "--unit", unit.unit_id, *[a for t, r in DEMO_PROVIDER_RATIOS.items() for a in ("--ratio", f"{t}={r}")],
               "--apply", "--start", h, "--end", p.settings.horizon_end, "--json")
    assert res.exit_code == 0, res.output
    after = load_provider(ws)
    standing = {c.key: c.minimum for c in p.cover if c.unit_id == unit.unit_id}
    for t in DEMO_PROVIDER_RATIOS:
        mins = [c.minimum for c in after.cover if c.day is not None and c.shift_type == t]
        assert len(mins) == p.settings.horizon_days
        key = next(k for k in standing if k[1] == t)
        # the ratios were chosen to give about the demo's standing cover
        assert abs(sorted(mins)[len(mins) // 2] - standing[key]) <= 1
    assert any("forecast" in line and "--unit" in line for line in lines)
