"""The department commands end to end on real files: import, pool, check (exit 0/1/2), export, report, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _dept_helpers import DEMO_DEPARTMENT, ROOT, write_department
from rotacc_lab.cli import app
from rotacc_lab.departments import read_department


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("dept") / "dept.duckdb"
    result = run("import", ws, DEMO_DEPARTMENT)
    assert result.exit_code == 0, result.output
    assert "imported department" in result.output and "doctors                    16" in result.output
    return ws


def write_rota(path: Path, rows: list[str]) -> Path:
    path.write_text("doctor_id,date,shift_type\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_pool_table_and_json(demo_ws):
    result = run("pool", demo_ws)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "shift type  owed  minimum  ideal  vs minimum" in out
    assert "total        375      406    483         -31" in out
    assert "night         HST      56    45         -11" in out
    assert "375 clinical shifts owed against a minimum demand of 406" in out
    data = json.loads(run("pool", demo_ws, "--json").output)
    assert data["total_owed"] == 375 and {x["shift_type"] for x in data["by_shift_type"]} >= {"night", "day"}
    assert "per doctor" in run("pool", demo_ws, "--doctors").output


def test_check_exit_codes_and_json(demo_ws, tmp_path):
    ok = write_rota(tmp_path / "ok.csv", [f"H01,2026-12-0{d},night" for d in range(1, 5)] + ["F01,2026-12-07,day"])
    result = run("check", demo_ws, "--rota", ok)
    assert result.exit_code == 0, result.output
    assert "complies" in result.output
    assert json.loads(run("check", demo_ws, "--rota", ok, "--json").output) == []

    bad = write_rota(tmp_path / "bad.csv", [f"H01,2026-12-0{d},night" for d in range(1, 6)]
                     + ["H07,2026-12-07,day", "G01,2026-12-08,night"])
    result = run("check", demo_ws, "--rota", bad)
    assert result.exit_code == 1
    assert "consecutive_nights" in result.output and "cannot_work_days" in result.output
    found = json.loads(run("check", demo_ws, "--rota", bad, "--json").output)
    # the nights (10.5 h) are long shifts too: five in a row break both rules
    assert {v["rule"] for v in found} == {"consecutive_nights", "consecutive_long_shifts", "cannot_work_days",
                                          "allowed_shift_types"}
    nights = next(v for v in found if v["rule"] == "consecutive_nights")
    assert nights == {"rule": "consecutive_nights", "doctor_id": "H01", "start": "2026-12-01T22:00",
                      "end": "2026-12-06T08:30", "value": 5, "limit": 4, "unit": "nights", "severity": "error",
                      "message": "H01 works 5 nights in a row from Tue 01 Dec 2026; at most 4"}
    only = json.loads(run("check", demo_ws, "--rota", bad, "--json", "--rule", "cannot_work_days").output)
    assert [v["rule"] for v in only] == ["cannot_work_days"]


def test_check_bad_input_exits_2(demo_ws, tmp_path):
    assert run("check", demo_ws).exit_code == 2  # the demo has no rota of its own
    broken = write_rota(tmp_path / "broken.csv", ["ZZ,2026-12-01,night", "H01,2026-12-01,brunch"])
    result = run("check", demo_ws, "--rota", broken)
    assert result.exit_code == 2
    assert "row 1, column doctor_id" in result.output and "row 2, column shift_type" in result.output
    assert "Traceback" not in result.output
    ok = write_rota(tmp_path / "ok.csv", ["H01,2026-12-01,night"])
    result = run("check", demo_ws, "--rota", ok, "--rule", "bogus")
    assert result.exit_code == 2 and "accepted: average_weekly_hours" in result.output
    assert run("check", tmp_path / "missing.duckdb", "--rota", ok).exit_code == 2
    assert run("pool", tmp_path / "missing.duckdb").exit_code == 2


def test_practice_commands_refuse_a_department_and_back(demo_ws, tmp_path):
    result = run("report", demo_ws, "duty-fairness", "--start", "2026-12-01", "--end", "2026-12-31")
    assert result.exit_code == 2 and "department workspace, not a practice" in result.output
    practice = tmp_path / "practice.duckdb"
    assert run("import", practice, ROOT / "data" / "demo").exit_code == 0
    result = run("pool", practice)
    assert result.exit_code == 2 and "is a practice workspace, not a department" in result.output


def test_export_round_trips_and_refuses_xlsx(demo_ws, tmp_path):
    result = run("export", demo_ws, tmp_path / "out")
    assert result.exit_code == 0 and "wrote 8 files" in result.output
    assert read_department(tmp_path / "out") == read_department(DEMO_DEPARTMENT)
    result = run("export", demo_ws, tmp_path / "out2", "--xlsx", tmp_path / "x.xlsx")
    assert result.exit_code == 2 and "folder only" in result.output


def test_import_reports_every_problem_and_writes_nothing(tmp_path):
    bad = write_department(tmp_path / "bad", doctors_csv="doctor_id,name,group,percentage\nA,,HST,0\n")
    result = run("import", tmp_path / "ws.duckdb", bad)
    assert result.exit_code == 2
    # name and percentage, and the quotas of the tiny folder now naming a doctor and a group that are gone
    assert "5 problem(s)" in result.output and "nothing was written" in result.output
    assert not (tmp_path / "ws.duckdb").exists()


def test_department_reports(demo_ws, tmp_path):
    result = run("report", demo_ws, "department-pool")
    assert result.exit_code == 0, result.output
    assert "department-pool: 2026-11-30 to 2027-01-24" in result.output and "short of the minimum: 31" in result.output
    rows = json.loads(run("report", demo_ws, "department-pool-weekly", "--format", "json").output)
    assert len(rows) == 8 * 4 and rows[0]["week_start"] == "2026-11-30"
    html = tmp_path / "pool.html"
    assert run("report", demo_ws, "department-pool", "--format", "html", "--out", html).exit_code == 0
    assert "vega" in html.read_text(encoding="utf-8").lower()
    result = run("report", demo_ws, "department-pool", "--start", "2026-01-01", "--end", "2026-01-31")
    assert result.exit_code == 2 and "reference period" in result.output


def test_demo_builds_the_department_beside_the_practice(tmp_path):
    from rotacc_lab.commands.departments import build_demo_department

    said: list[str] = []
    path = build_demo_department(tmp_path, said.append)
    assert path == tmp_path / "demo-department.duckdb" and path.is_file()
    assert "pool versus demand" in said[1] and "375 clinical shifts owed" in said[1]
    build_demo_department(tmp_path, said.append)  # a second run starts afresh


def test_rules_lists_every_rule_with_the_workspace_overrides(tmp_path):
    from rotacc_lab.rostering.rules import RULES

    out = run("rules").output
    assert all(rid in out for rid in RULES) and "max_consecutive = 4 nights" in out
    toml = ("[department]\nname = 'T'\n[reference_period]\nstart = 2026-11-30\n"
            "[rules]\nconsecutive_nights = 3\nweekly_rest = false\n")
    ws = tmp_path / "t.duckdb"
    assert run("import", ws, write_department(tmp_path / "t", department_toml=toml)).exit_code == 0
    rows = {r["rule"]: r for r in json.loads(run("rules", ws, "--json").output)}
    assert rows["consecutive_nights"]["limits"] == {"max_consecutive": 3}
    assert rows["weekly_rest"]["enabled"] is False and rows["shift_length"]["limits"] == {"max_hours": 13}
    assert run("rules", tmp_path / "none.duckdb").exit_code == 2
