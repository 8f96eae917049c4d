"""Forecast cover into a practice's plan: per-date minimums in settings, --apply (audited) and --what-if."""

from __future__ import annotations

import json
import math
import tomllib
from datetime import date

import pytest

from rotacc_lab.activity import ActivitySeries, write_activity_csv
from rotacc_lab.domain import Settings, Weekday
from rotacc_lab.reports.staffing_overview import report_staffing_overview
from rotacc_lab.store.activity import import_activity
from rotacc_lab.store.settings_io import flatten_nested, from_json_values, parse_flat, render_toml, to_json_values
from rotacc_lab.synth_activity import synthetic_activity


def test_a_dated_minimum_overrides_the_weekday_and_round_trips() -> None:
    s = Settings(min_doctors_on={date(2026, 1, 6): 7, date(2026, 1, 5): 0})
    assert s.min_doctors_for(date(2026, 1, 5)) == 0  # an override of 0 is an override
    assert s.min_doctors_for(date(2026, 1, 6)) == 7
    assert s.min_doctors_for(date(2026, 1, 7)) == s.min_doctors[Weekday.WED]
    assert list(s.min_doctors_on) == [date(2026, 1, 5), date(2026, 1, 6)]  # sorted
    assert from_json_values(to_json_values(s)) == s
    back, problems = parse_flat(flatten_nested(tomllib.loads(render_toml(s))), "settings.toml")
    assert problems == [] and back == s
    with pytest.raises(ValueError, match=r"staffing.min_doctors_on.2026-01-05: -1 is not accepted"):
        Settings(min_doctors_on={date(2026, 1, 5): -1})
    _, problems = parse_flat({"staffing.min_doctors_on.2026-02-30": 3}, "settings.toml")
    assert problems[0].column == "staffing.min_doctors_on.2026-02-30" and "no day 30" in problems[0].message


@pytest.fixture
def ws_with_activity(workspace, tmp_path):
    s = synthetic_activity("practice", seed=9, start=date(2025, 1, 1), end=date(2025, 12, 31), scale=0.3)
    p = tmp_path / "a.csv"
    write_activity_csv(p, [ActivitySeries("appointments", s["appointments"].dates, s["appointments"].values)])
    import_activity(workspace.path, p)
    return workspace


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


def test_apply_writes_the_rounded_up_cover_on_working_days_only_and_audits_it(ws_with_activity) -> None:
    ws = ws_with_activity
    v0 = ws.data_version()
    fc = json.loads(_cli("forecast", ws.path, "--horizon", "21", "--per", "25", "--json").stdout)
    want = {d["date"]: d for d in fc["days"]}
    res = _cli("forecast", ws.path, "--apply", "--start", "2026-01-05", "--end", "2026-01-16", "--per", "25",
               "--bound", "upper", "--actor", "lead", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["bound"] == "upper" and out["rule"]["per"] == 25
    settings = ws.load_settings()
    on = {d.isoformat(): n for d, n in settings.min_doctors_on.items()}
    # 5..16 January 2026: ten working days (no bank holiday), weekends untouched
    assert sorted(on) == [f"2026-01-{d:02d}" for d in (5, 6, 7, 8, 9, 12, 13, 14, 15, 16)]
    for day, n in on.items():
        assert n == math.ceil(want[day]["hi80"] / 25 - 1e-9)
    assert ws.data_version() == v0 + 1  # one transaction
    assert ws.audit_history("forecast", "appointments")[-1]["after"]["bound"] == "upper"
    hist = ws.audit_history("settings", "practice")
    assert hist[-1]["action"] == "forecast" and hist[-1]["actor"] == "lead"
    assert hist[-1]["after"]["staffing.min_doctors_on.2026-01-05"] == on["2026-01-05"]
    # the staffing report (and everything else reading the minimum) now sees the forecast
    frame = report_staffing_overview(ws.load_snapshot(), date(2026, 1, 5), date(2026, 1, 9))
    assert frame["minimum"].to_list() == [on[f"2026-01-0{d}"] for d in (5, 6, 7, 8, 9)]
    # applying the point cover over part of the range replaces only that part
    assert _cli("forecast", ws.path, "--apply", "--start", "2026-01-12", "--end", "2026-01-16", "--per", "25").exit_code == 0
    again = {d.isoformat(): n for d, n in ws.load_settings().min_doctors_on.items()}
    assert again["2026-01-05"] == on["2026-01-05"]
    assert again["2026-01-12"] == math.ceil(want["2026-01-12"]["mean"] / 25 - 1e-9)


def test_what_if_compares_the_plan_with_point_and_upper_cover(ws_with_activity) -> None:
    res = _cli("forecast", ws_with_activity.path, "--what-if", "--start", "2026-01-05", "--end", "2026-01-16",
               "--per", "25", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    days = out["days"]
    assert len(days) == 10
    for d in days:
        assert d["point"] <= d["upper"]
    s = out["summary"]
    assert s["needed_upper"] >= s["needed_point"] and s["days_short_upper"] >= s["days_short_point"]
    assert s["doctor_days_short_upper"] == sum(max(0, d["upper"] - d["planned"]) for d in days)
    before = ws_with_activity.path.read_bytes()
    text = _cli("forecast", ws_with_activity.path, "--what-if", "--start", "2026-01-05", "--end", "2026-01-09",
                "--per", "25")
    assert text.exit_code == 0 and "short under the point forecast" in text.stdout
    assert ws_with_activity.path.read_bytes() == before  # a what-if writes nothing


@pytest.mark.parametrize("args, fragment", [
    (["--apply", "--start", "2026-01-05", "--end", "2026-01-09"], "--per: missing"),
    (["--apply", "--start", "2025-12-01", "--end", "2026-01-09", "--per", "25"], "is not after the last activity day"),
    (["--apply", "--start", "2026-01-05", "--end", "2026-04-30", "--per", "25"], "at most 84 days"),
    (["--apply", "--start", "2026-01-09", "--end", "2026-01-05", "--per", "25"], "is before --start"),
    (["--apply", "--start", "2026-01-05", "--end", "2026-01-09", "--per", "25", "--bound", "max"], "--bound: 'max'"),
    (["--apply", "--what-if", "--start", "2026-01-05", "--end", "2026-01-09", "--per", "25"], "give one of them"),
    (["--apply", "--start", "5 Jan", "--end", "2026-01-09", "--per", "25"], "--start: '5 Jan' is not a date"),
])
def test_apply_errors_exit_2_and_write_nothing(ws_with_activity, args, fragment) -> None:
    before = ws_with_activity.path.read_bytes()
    res = _cli("forecast", ws_with_activity.path, *args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output and "Traceback" not in res.output
    assert ws_with_activity.path.read_bytes() == before


def test_the_demo_practice_ships_two_years_of_appointments(workspace, tmp_path) -> None:
    from rotacc_lab.commands.demo import DEMO_APPOINTMENTS_PER_DOCTOR, import_demo_activity
    from rotacc_lab.store.activity import load_activity

    result = import_demo_activity(workspace.path, tmp_path)
    s = load_activity(workspace.path)["appointments"]
    assert (len(s), s.start, s.end) == (731, date(2024, 1, 1), date(2025, 12, 31))
    assert (tmp_path / "demo-activity.csv").is_file() and result.changes[0].inserted == 731
    mondays = [v for d, v in zip(s.dates, s.values) if d.weekday() == 0 and v > 0]
    cover = math.ceil(sum(mondays) / len(mondays) / DEMO_APPOINTMENTS_PER_DOCTOR)
    assert 5 <= cover <= 8  # about the demo's Monday minimum of 6 doctors
