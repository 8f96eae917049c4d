"""``rotacc-lab status`` on a real workspace file (the conftest ``workspace`` fixture)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import typer
from typer.testing import CliRunner

from rotacc_lab.calculations import STATUS_COLUMNS, status_frame
from rotacc_lab.commands.calculations import register

EXPECTED_KEYS = [
    "clinician_id", "target", "worked", "scheduled", "deficiency", "deficiency_including_scheduled", "status",
    "leave_unit", "leave_entitlement", "leave_adjustments", "leave_used", "leave_pending", "leave_remaining",
    "leave_remaining_including_pending", "sick_leave_credit",
]


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:  # keep "status" a sub-command even when it is the only one
        """test app"""

    register(app)
    return app


def _run(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_status_json_keys_and_values(app, workspace):
    res = _run(app, "status", workspace.path, "--start", "2026-01-01", "--as-of", "2026-01-31", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert sorted(r["clinician_id"] for r in rows) == ["L01", "P01", "P02", "S01", "S02"]
    assert all(list(r) == EXPECTED_KEYS for r in rows)
    assert list(STATUS_COLUMNS) == EXPECTED_KEYS
    by_id = {r["clinician_id"]: r for r in rows}
    p01 = by_id["P01"]
    # 1..31 Jan = 31 days: 31/7 * 3.5 = 15.5, minus 6 weeks * 31/365 * 3.5 = 1.78 -> 13.72; one duty shift worked
    assert (p01["target"], p01["worked"], p01["deficiency"], p01["status"]) == ("13.72", "1.00", "12.72", "under")
    # leave LV1 (12..16 Jan, 5 days) = 1 week; entitlement 6 + adjustment 0.25
    assert (p01["leave_unit"], p01["leave_entitlement"], p01["leave_adjustments"]) == ("weeks", "6.00", "0.25")
    assert (p01["leave_used"], p01["leave_remaining"]) == ("1.00", "5.25")
    p02 = by_id["P02"]
    assert (p02["leave_pending"], p02["leave_remaining_including_pending"]) == ("1.00", "5.00")
    assert all(isinstance(v, str) for r in rows for k, v in r.items())
    snap = workspace.load_snapshot()
    frame = status_frame(snap, date(2026, 1, 1), date(2026, 1, 31))
    assert [f"{v:.2f}" for v in frame.get_column("target").to_list()] == [r["target"] for r in rows]


def test_status_table_and_clinician_filter(app, workspace):
    res = _run(app, "status", workspace.path, "--start", "2026-01-01", "--as-of", "2026-03-31", "--clinician", "P02")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("scheduled shifts and 'incl. sched.' run to ")
    assert lines[1].split()[:3] == ["id", "type", "target"]
    assert len(lines) == 4 and lines[3].startswith("P02")
    # P02 has an ongoing sick spell from 2 March: 30 days to 31 March -> 30/7 * 3.5 = 15.00
    res = _run(app, "status", workspace.path, "--start", "2026-01-01", "--as-of", "2026-03-31", "--clinician", "P02",
               "--json")
    assert json.loads(res.stdout)[0]["sick_leave_credit"] == "15.00"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--start", "2026-13-01", "--as-of", "2026-01-31"], "--start: '2026-13-01' is not a date"),
        (["--start", "2026-02-01", "--as-of", "2026-01-31"], "--as-of: 2026-01-31 is before --start"),
        (["--start", "2026-01-01", "--as-of", "2026-01-31", "--clinician", "ZZ"], "unknown clinician 'ZZ'"),
        (["--start", "2026-01-01", "--as-of", "2026-01-31", "--end", "2025-01-01"], "before start"),
        (["--start", "2026-01-01", "--as-of", "2026-01-31", "--threshold", "x"], "--threshold"),
    ],
)
def test_status_user_errors_exit_2(app, workspace, args, message):
    res = _run(app, "status", workspace.path, *args)
    assert res.exit_code == 2
    assert message in res.stderr and "Traceback" not in res.output


def test_status_missing_workspace_exit_2(app, tmp_path):
    res = _run(app, "status", tmp_path / "nope.duckdb", "--start", "2026-01-01", "--as-of", "2026-01-31")
    assert res.exit_code == 2
    assert "does not exist" in res.stderr


def test_cache_on_a_real_workspace_is_invalidated_by_a_write(workspace):
    from rotacc_lab.calculations import CalculationCache, workspace_key
    from rotacc_lab.domain import Shift

    assert workspace_key(workspace) == workspace_key(str(workspace.path))
    cache = CalculationCache()
    args = (date(2026, 1, 1), date(2026, 1, 31))
    snap = workspace.load_snapshot()
    first = cache.call(workspace, snap, status_frame, *args)
    again = cache.call(workspace.path, workspace.load_snapshot(), status_frame, *args)  # reloaded, same version
    assert again is first and (cache.hits, cache.misses) == (1, 1)
    with workspace.transaction("test") as tx:
        tx.insert_shifts([Shift(None, "P01", date(2026, 1, 6))])
    fresh = workspace.load_snapshot()
    assert fresh.data_version == snap.data_version + 1
    after = cache.call(workspace, fresh, status_frame, *args)
    assert (cache.hits, cache.misses) == (1, 2)
    worked = dict(zip(after.get_column("clinician_id"), after.get_column("worked")))
    assert worked["P01"] == Decimal("2.00")


# --------------------------------------------------------------------------- projection end (issue 21, item 9)


def test_projection_stops_at_the_last_generated_day(app, workspace):
    """A rota generated to 27 Feb: 'incl. sched.' runs to 27 Feb, not to 31 December, and says so."""
    from rotacc_lab.generation.pipeline import generate

    generate(workspace.path, date(2026, 1, 5), date(2026, 2, 27), phases=(1, 2, 3, 4, 6), actor="test")
    res = _run(app, "status", workspace.path, "--start", "2026-01-05", "--as-of", "2026-01-31")
    assert res.exit_code == 0, res.output
    first = res.stdout.splitlines()[0]
    assert "run to 2026-02-27" in first and "generated to 2026-02-27" in first, first
    js = json.loads(_run(app, "status", workspace.path, "--start", "2026-01-05", "--as-of", "2026-01-31",
                         "--json").stdout)
    snap = workspace.load_snapshot()
    want = status_frame(snap, date(2026, 1, 5), date(2026, 1, 31), period_end=date(2026, 2, 27))
    full_year = status_frame(snap, date(2026, 1, 5), date(2026, 1, 31), period_end=date(2026, 12, 31))
    got = {r["clinician_id"]: r["deficiency_including_scheduled"] for r in js}
    for row in want.iter_rows(named=True):
        assert got[row["clinician_id"]] == f"{row['deficiency_including_scheduled']:.2f}"
    # the year-end projection counts ten months without a rota as missing work
    p01 = lambda f: f.filter(f["clinician_id"] == "P01")["deficiency_including_scheduled"][0]  # noqa: E731
    assert p01(full_year) > p01(want) + 50
    # --end still wins, and the line says so
    res = _run(app, "status", workspace.path, "--start", "2026-01-05", "--as-of", "2026-01-31", "--end", "2026-06-30")
    assert res.stdout.splitlines()[0].startswith("scheduled shifts and 'incl. sched.' run to 2026-06-30 (--end)")


def test_projection_end_rules():
    from rotacc_lab.calculations.deficiency import projection_end
    from rotacc_lab.domain import PracticeSnapshot, ReportingPeriod, Settings

    periods = (ReportingPeriod("Q1", date(2026, 1, 1), date(2026, 3, 31)),)
    snap = PracticeSnapshot(settings=Settings(reporting_periods=periods))
    as_of = date(2026, 2, 1)
    assert projection_end(snap, as_of) == (as_of, "no rota yet: nothing scheduled after --as-of")
    assert projection_end(snap, as_of, date(2026, 3, 1))[0] == date(2026, 3, 1)  # rota ends first
    end, why = projection_end(snap, as_of, date(2026, 6, 1))  # the reporting period ends first
    assert end == date(2026, 3, 31) and why.startswith("end of the reporting period")
    assert projection_end(snap, as_of, date(2026, 1, 10))[0] == as_of  # never before --as-of
    assert projection_end(snap, date(2026, 5, 1), date(2026, 12, 31 - 1))[0] == date(2026, 12, 31 - 1)
