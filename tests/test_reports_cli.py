"""``rotacc-lab report`` against a real workspace file holding the hand-built practice."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from _reports_helpers import END, START, tiny_snapshot, write_workspace
from rotacc_lab.commands import reports as report_commands
from rotacc_lab.reports import REPORTS, alerts, duty_fairness, monday_balance, partner_wte, remaining_leave
from rotacc_lab.reports import staffing_overview, weekly_availability
from rotacc_lab.store.workspace import Workspace

DOCUMENTED = {
    "duty-fairness": duty_fairness.COLUMNS,
    "monday-balance": monday_balance.COLUMNS,
    "remaining-leave": remaining_leave.COLUMNS,
    "staffing-overview": staffing_overview.COLUMNS,
    "partner-wte": partner_wte.COLUMNS,
    "partner-wte-availability": [
        "clinician_id", "name", "percentage", "available_weeks", "wte_weeks", "target",
        "group_rate", "fair_share", "actual", "fair_difference",
    ],
    "partner-wte-availability-chart": [
        "clinician_id", "name", "percentage", "available_weeks", "wte_weeks", "target",
        "group_rate", "fair_share", "actual", "fair_difference",
    ],
    "weekly-availability": weekly_availability.COLUMNS,
    "alerts": alerts.COLUMNS,
}

RANGE = ["--start", START.isoformat(), "--end", END.isoformat()]


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory) -> Path:
    path = write_workspace(tiny_snapshot(), tmp_path_factory.mktemp("reports") / "tiny.duckdb")
    ws = Workspace.open(path)
    with ws.transaction("test") as tx:
        tx.add_alerts(
            [
                {"kind": "understaffed", "date": date(2026, 3, 3), "message": "2 of 4 doctors", "severity": "warning"},
                {"kind": "understaffed", "date": date(2026, 3, 9), "message": "1.5 of 5", "severity": "critical"},
                {"kind": "duty", "date": date(2026, 6, 1), "message": "outside the range", "severity": "info"},
            ]
        )
    with ws.transaction("test") as tx:
        tx.con.execute("UPDATE alerts SET resolved_at = TIMESTAMP '2026-03-04 09:00:00' WHERE date = DATE '2026-03-03'")
    return path


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    report_commands.register(app)

    @app.command("noop")  # a second command keeps typer in multi-command mode, as in the real CLI
    def _noop() -> None:
        pass

    return app


def run(app, *args: str):
    return CliRunner().invoke(app, ["report", *args])


def test_every_report_name_is_documented_here():
    assert set(DOCUMENTED) == set(REPORTS)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_json_has_the_documented_columns(app, ws_path, name):
    result = run(app, str(ws_path), name, *RANGE, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and data, f"{name} gave no rows"
    assert all(list(row) == DOCUMENTED[name] for row in data)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_csv_has_the_documented_header(app, ws_path, name):
    result = run(app, str(ws_path), name, *RANGE, "--format", "csv")
    assert result.exit_code == 0, result.output
    reader = list(csv.reader(io.StringIO(result.stdout)))
    assert reader[0] == DOCUMENTED[name]
    assert len(reader) > 1


def test_json_values_match_the_hand_computed_staffing(app, ws_path):
    result = run(app, str(ws_path), "staffing-overview", *RANGE, "--format", "json")
    rows = {r["date"]: r for r in json.loads(result.stdout)}
    assert rows["2026-03-03"]["flag"] == "below_66"
    assert rows["2026-03-04"]["doctors_working"] == 3.5
    assert rows["2026-03-12"]["on_leave"] == "P1"


def test_json_decimals_are_numbers(app, ws_path):
    result = run(app, str(ws_path), "partner-wte", *RANGE, "--format", "json", "--as-of", "2026-03-06")
    assert result.exit_code == 0, result.output
    p2 = {r["clinician_id"]: r for r in json.loads(result.stdout)}["P2"]
    assert (p2["target"], p2["worked"], p2["status"]) == (1.25, 4.0, "over")


def test_alerts_from_the_store(app, ws_path):
    result = run(app, str(ws_path), "alerts", *RANGE, "--format", "json")
    data = json.loads(result.stdout)
    assert [(a["date"], a["state"]) for a in data] == [("2026-03-09", "open")]  # the resolved one is left out


def test_table_format_shows_every_row_and_the_notes(app, ws_path):
    result = run(app, str(ws_path), "partner-wte-availability", *RANGE)
    assert result.exit_code == 0, result.output
    assert "sum_abs_fair_difference" in result.stdout and "P3" in result.stdout
    result = run(app, str(ws_path), "staffing-overview", *RANGE)
    assert result.stdout.count("2026-03-") >= 10


def test_single_report_html_and_xlsx(app, ws_path, tmp_path):
    out = tmp_path / "staffing.html"
    result = run(app, str(ws_path), "staffing-overview", *RANGE, "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "vegaEmbed" in text and "below_66" in text
    xlsx = tmp_path / "duty.xlsx"
    result = run(app, str(ws_path), "duty-fairness", *RANGE, "--format", "xlsx", "--out", str(xlsx))
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]] == duty_fairness.COLUMNS
    assert sheet.max_row == 6  # header + 5 clinicians


def test_all_writes_one_html_file_with_every_report_and_chart(app, ws_path, tmp_path):
    out = tmp_path / "all.html"
    result = run(app, str(ws_path), "all", *RANGE, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    for name in REPORTS:
        assert f'<small>{name}</small></h2>' in text  # a human heading, the report's name beside it
    specs = json.loads(text.split("const SPECS=")[1].split(";for(const[id,spec]")[0].replace("<\\/", "</"))
    with_chart = [n for n, spec in REPORTS.items() if spec.chart is not None]
    assert len(specs) == len(with_chart)
    assert all("$schema" in spec for spec in specs.values())
    markup = re.sub(r"<script.*?</script>", "", text, flags=re.S)  # the inlined renderer has its own "<table>"
    assert markup.count("<table>") == len(REPORTS)


@pytest.mark.parametrize(
    "args,message",
    [
        (["no-such-report", *RANGE], "valid names: duty-fairness"),
        (["staffing-overview", "--start", "2026-03-13", "--end", "2026-03-02"], "reversed"),
        (["staffing-overview", "--start", "2030-01-01", "--end", "2030-02-01"], "entirely outside"),
        (["staffing-overview", "--start", "13/03/2026", "--end", "2026-03-20"], "--start"),
        (["staffing-overview", "--end", "2026-03-20"], "--start: missing"),
        (["staffing-overview", *RANGE, "--format", "pdf"], "--format"),
        (["staffing-overview", *RANGE, "--format", "xlsx"], "--out"),
        (["all", *RANGE], "--out"),
        (["all", *RANGE, "--format", "csv", "--out", "x.csv"], "one HTML file"),
        (["duty-fairness", *RANGE, "--as-of", "2026-03-05"], "--as-of"),
        (["partner-wte", *RANGE, "--as-of", "2026-05-01"], "as_of"),
    ],
)
def test_user_errors_exit_2_without_traceback(app, ws_path, args, message):
    result = run(app, str(ws_path), *args)
    assert result.exit_code == 2, result.output
    assert "error:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_workspace_is_a_user_error(app, tmp_path):
    result = run(app, str(tmp_path / "nope.duckdb"), "staffing-overview", *RANGE)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_report_is_registered_in_the_real_cli():
    from rotacc_lab import cli

    assert "reports" in cli.COMMAND_MODULES
