"""notebook_support: parameter validation, the rota calendar frame, narratives, HTML export, batch arguments."""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

import nbformat
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _nb_helpers import END, START, demo_ws, _nb_demo_template  # noqa: F401 - fixtures
from rotacc_lab.commands.notebooks import output_stems, parse_batch_args
from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
)
from rotacc_lab.notebook_support import (
    VEGALITE_MIME,
    ParameterError,
    export_html,
    optimiser_settings,
    report_narrative,
    rota_calendar_chart,
    rota_calendar_frame,
    validate_generate_params,
    validate_grid,
    validate_month,
    validate_phases,
    validate_range,
    validate_report_params,
    validate_tuning_params,
    validate_weights,
    validate_what_if_params,
    validate_workspace,
)

# --------------------------------------------------------------------------- scalar validators


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9999), st.integers(1, 12))
def test_every_valid_month_gives_its_first_and_last_day(year: int, month: int) -> None:
    lo, hi = validate_month(f"{year:04d}-{month:02d}")
    assert lo == date(year, month, 1)
    assert hi == date(year, month, calendar.monthrange(year, month)[1])


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "January", "", None, 202601,
                                 "2026-01-15"])
def test_month_in_the_wrong_format_is_refused_naming_the_parameter(bad: object) -> None:
    with pytest.raises(ParameterError, match=r"^month: .* give a month as YYYY-MM"):
        validate_month(bad)


def test_range_accepts_dates_and_iso_strings_and_refuses_start_after_end() -> None:
    assert validate_range("2026-03-02", date(2026, 3, 6)) == (date(2026, 3, 2), date(2026, 3, 6))
    with pytest.raises(ParameterError, match=r"^start: 2026-03-09 is after end 2026-03-06"):
        validate_range("2026-03-09", "2026-03-06")
    with pytest.raises(ParameterError, match=r"^end: '6 March' is not a date"):
        validate_range("2026-03-02", "6 March")


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, (1, 2, 3, 4, 5, 6)), ("all", (1, 2, 3, 4, 5, 6)), ("5, 1", (1, 5)), ([6, 2, 2], (2, 6)), (3, (3,))],
)
def test_phases_forms(given: object, expected: tuple[int, ...]) -> None:
    assert validate_phases(given) == expected


@pytest.mark.parametrize("bad", ["7", [0], "1,x", [True], 2.0, []])
def test_bad_phases_are_refused(bad: object) -> None:
    with pytest.raises(ParameterError, match=r"^phases: "):
        validate_phases(bad)


def test_weights_accept_dict_json_and_none_case_insensitive() -> None:
    assert validate_weights(None) is None
    assert validate_weights("") is None
    assert validate_weights({"s5": 50, "S11": 500.0}) == {"S5": 50, "S11": 500}
    assert validate_weights('{"S13": 3}') == {"S13": 3}


@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        ({"S5": "fifty"}, r"^weights\.S5: 'fifty' is not a number"),
        ({"S5": 1.5}, r"^weights\.S5: 1\.5 is not a whole number"),
        ({"S5": -1}, r"^weights\.S5: -1 is negative"),
        ({"S5": True}, r"^weights\.S5: True is not a number"),
        ({"S14": 1, "fairness": 2}, r"^weights: unknown term name\(s\) 'S14', 'fairness'; accepted: S1, S2"),
        ("{S5: 1}", r"^weights: .* is not valid JSON"),
        ([50, 100], r"^weights: .* give a mapping"),
    ],
)
def test_bad_weights_name_the_term_and_what_is_accepted(bad: object, pattern: str) -> None:
    with pytest.raises(ParameterError, match=pattern):
        validate_weights(bad)


def test_grid_forms_and_errors() -> None:
    assert validate_grid({"s5": [200, 0, 0], "S11": 100}) == {"S5": [0, 200], "S11": [100]}
    assert validate_grid('[{"S5": 1}, {"S11": 2}]') == [{"S5": 1}, {"S11": 2}]
    with pytest.raises(ParameterError, match=r"^grid: unknown term name 'S0'"):
        validate_grid({"S0": [1]})
    with pytest.raises(ParameterError, match=r"^grid\.S5: \[\] is not accepted"):
        validate_grid({"S5": []})
    with pytest.raises(ParameterError, match=r"^grid: 'x' is not a number|^grid\.S5: 'x' is not a number"):
        validate_grid({"S5": ["x"]})
    with pytest.raises(ParameterError, match=r"^grid: empty"):
        validate_grid({})


def test_optimiser_overrides_merge_weights_term_by_term() -> None:
    base = Settings().optimiser
    opt = optimiser_settings(base, time_limit=2.0, seed=4, weights={"S5": 7}, workers=1)
    assert (opt.time_limit_seconds, opt.seed, opt.num_workers) == (2.0, 4, 1)
    assert opt.weights["S5"] == 7 and opt.weights["S11"] == base.weights["S11"]


# --------------------------------------------------------------------------- workspace-dependent validators


def test_unknown_workspace_is_a_parameter_error(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"^workspace: '.*nowhere\.duckdb' does not exist"):
        validate_workspace(tmp_path / "nowhere.duckdb")
    not_ws = tmp_path / "notes.duckdb"
    not_ws.write_text("hello")
    with pytest.raises(ParameterError, match=r"^workspace: .* is not a usable rotacc-lab workspace"):
        validate_workspace(not_ws)


def test_cheap_checks_run_before_the_workspace_is_opened(tmp_path: Path) -> None:
    # start after end is reported even though the workspace does not exist either
    with pytest.raises(ParameterError, match=r"^start: "):
        validate_generate_params(tmp_path / "none.duckdb", "2026-03-09", "2026-03-02")


def test_generate_params_on_a_real_workspace(demo_ws: Path) -> None:
    p = validate_generate_params(str(demo_ws), "2026-03-02", "2026-03-13", "1,5", 3, 2, '{"S5": 10}', True, 1)
    assert (p.start, p.end, p.phases, p.seed, p.weights, p.overwrite) == (START, END, (1, 5), 3, {"S5": 10}, True)
    opt = p.optimiser()
    assert opt.time_limit_seconds == 2.0 and opt.weights["S5"] == 10 and opt.num_workers == 1
    with pytest.raises(ParameterError, match=r"^overwrite: 'yes' is not accepted"):
        validate_generate_params(str(demo_ws), START, END, overwrite="yes")


def test_report_params_need_a_month_that_overlaps_the_data(demo_ws: Path) -> None:
    p = validate_report_params(str(demo_ws), "2026-02")
    assert (p.start, p.end) == (date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(ParameterError, match=r"^month: '2031-01' is outside the workspace's data"):
        validate_report_params(str(demo_ws), "2031-01")


def test_what_if_params_check_each_change_against_the_baseline(demo_ws: Path) -> None:
    ok = validate_what_if_params(str(demo_ws), START, END, [{"kind": "minimum", "weekday": "mon", "doctors": 7}])
    assert ok.branch == demo_ws.with_name("demo.what-if.duckdb") and len(ok.changes) == 1
    with pytest.raises(ParameterError, match=r"^changes\[1\]: wte\.clinician_id: 'P99' is not a clinician"):
        validate_what_if_params(str(demo_ws), START, END, [
            {"kind": "minimum", "weekday": "Mon", "doctors": 7},
            {"kind": "wte", "clinician_id": "P99", "percentage": 50, "effective_from": "2026-03-02"},
        ])
    with pytest.raises(ParameterError, match=r"^branch: .* is the baseline workspace itself"):
        validate_what_if_params(str(demo_ws), START, END, [{"kind": "minimum", "weekday": "Mon", "doctors": 7}],
                                branch=str(demo_ws))
    with pytest.raises(ParameterError, match=r"^changes: empty"):
        validate_what_if_params(str(demo_ws), START, END, [])


def test_tuning_params(demo_ws: Path, tmp_path: Path) -> None:
    p = validate_tuning_params(str(demo_ws), START, END, {"S5": [0, 50]}, save_to=str(demo_ws))
    assert p.grid == {"S5": [0, 50]} and p.save_to == demo_ws
    with pytest.raises(ParameterError, match=r"^save_to: .* does not exist"):
        validate_tuning_params(str(demo_ws), START, END, {"S5": [0]}, save_to=str(tmp_path / "x.duckdb"))


# --------------------------------------------------------------------------- rota calendar


def _snap() -> PracticeSnapshot:
    d = date(2026, 3, 2)
    return PracticeSnapshot(
        settings=Settings(),
        clinicians=(Clinician("A", "Dr A", None, ClinicianType.PARTNER), Clinician("B", "Dr B", None,
                                                                                  ClinicianType.SALARIED)),
        leave=(Leave("L1", "A", LeaveType.ANNUAL_LEAVE, date(2026, 3, 4), date(2026, 3, 9), LeaveStatus.APPROVED),
               Leave("L2", "B", LeaveType.ANNUAL_LEAVE, d, d, LeaveStatus.PENDING)),
        sick_leave=(SickLeave("S1", "B", date(2026, 3, 5), None),),
        shifts=(
            Shift(1, "A", d, ShiftType.DUTY),
            Shift(2, "B", d, ShiftType.STANDARD, Duration.HALF),
            Shift(3, "A", date(2026, 3, 3), ShiftType.STANDARD, status=ShiftStatus.CANCELLED),
            Shift(4, "A", date(2026, 3, 4), ShiftType.STUDY_LEAVE),
            Shift(5, "A", date(2026, 3, 20), ShiftType.STANDARD),  # outside the range
        ),
    )


def test_rota_calendar_frame_kinds_and_precedence() -> None:
    frame = rota_calendar_frame(_snap(), date(2026, 3, 2), date(2026, 3, 9))
    got = {(r["clinician_id"], r["date"].isoformat()): r["kind"] for r in frame.iter_rows(named=True)}
    assert got == {
        ("A", "2026-03-02"): "DUTY",
        ("B", "2026-03-02"): "STANDARD (half)",  # pending leave is not shown
        ("A", "2026-03-04"): "STUDY_LEAVE",  # a shift wins over leave
        ("A", "2026-03-05"): "LEAVE",
        ("A", "2026-03-06"): "LEAVE",
        ("A", "2026-03-09"): "LEAVE",  # weekend 7-8 March skipped
        ("B", "2026-03-05"): "SICK",
        ("B", "2026-03-06"): "SICK",
        ("B", "2026-03-09"): "SICK",  # ongoing sickness clamped to the range
    }
    spec = rota_calendar_chart(frame).to_dict()
    assert spec["mark"]["type"] == "rect" and spec["encoding"]["color"]["field"] == "kind"


def test_rota_calendar_of_an_empty_range_is_a_note_not_an_error() -> None:
    frame = rota_calendar_frame(_snap(), date(2026, 2, 16), date(2026, 2, 20))
    assert frame.height == 0
    assert rota_calendar_chart(frame).to_dict()["mark"]["type"] == "text"


# --------------------------------------------------------------------------- narratives and HTML export


def test_narratives_quote_figures_from_the_frames(demo_ws: Path) -> None:
    from rotacc_lab.reports import run_all
    from rotacc_lab.store import Workspace

    ws = Workspace.open(demo_ws, read_only=True)
    results = {r.name: r for r in run_all(ws.load_snapshot(), date(2026, 1, 5), date(2026, 1, 9),
                                          alerts=ws.list_alerts())}
    staffing = results["staffing-overview"].frame
    text = report_narrative(results["staffing-overview"])
    assert text.startswith(f"{staffing.height} planned working day(s); {int(staffing['below_minimum'].sum())} below")
    assert report_narrative(results["alerts"]) == "No rows in this month."
    for r in results.values():
        assert report_narrative(r)


def test_export_html_hides_code_and_draws_vegalite_outputs(tmp_path: Path) -> None:
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "mark": "bar",
            "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("secret_code_line = 1")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={VEGALITE_MIME: spec, "text/plain": "<chart>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>figure 42</td></tr></table>",
                                                     "text/plain": "t"}),
    ]
    hidden = nbformat.v4.new_markdown_cell("developer notes about parameters")
    hidden.metadata["tags"] = ["report-hide"]
    nb.cells = [hidden, nbformat.v4.new_markdown_cell("# Title here"), cell]
    src = tmp_path / "x.ipynb"
    nbformat.write(nb, src)
    html = export_html(src).read_text(encoding="utf-8")
    assert "secret_code_line" not in html and "developer notes" not in html
    assert "Title here" in html and "figure 42" in html
    assert 'id="rotacc-chart-1"' in html and '"mark": "bar"' in html
    assert "require.js" not in html and "mathjax" not in html.lower()


# --------------------------------------------------------------------------- batch command arguments


def test_batch_arguments_take_several_values_per_option() -> None:
    a = parse_batch_args(["--workspaces", "A.duckdb", "B.duckdb", "--months", "2026-01", "2026-02", "--out", "o",
                          "-w", "C.duckdb", "--timeout=30", "-q"])
    assert [p.name for p in a.workspaces] == ["A.duckdb", "B.duckdb", "C.duckdb"]
    assert a.months == ("2026-01", "2026-02") and a.out == Path("o") and a.timeout == 30.0 and a.quiet


@pytest.mark.parametrize(
    ("tokens", "pattern"),
    [
        (["--months", "2026-01", "--out", "o"], r"^--workspaces: missing"),
        (["-w", "a", "--out", "o"], r"^--months: missing"),
        (["-w", "a", "-m", "2026-01"], r"^--out: missing"),
        (["-w", "a", "-m", "2026-1", "--out", "o"], r"^--months: '2026-1' is not accepted"),
        (["-w", "a", "-m", "2026-01", "2026-01", "--out", "o"], r"^--months: .* lists a month twice"),
        (["-w", "a", "-m", "2026-01", "--out", "o", "--colour"], r"^unknown option '--colour'"),
        (["stray", "-w", "a"], r"^unexpected value 'stray'"),
        (["-w", "a", "-m", "2026-01", "--out", "o", "--timeout", "0"], r"^--timeout: '0' is not accepted"),
    ],
)
def test_bad_batch_arguments(tokens: list[str], pattern: str) -> None:
    with pytest.raises(ParameterError, match=pattern):
        parse_batch_args(tokens)


def test_output_stems_are_distinct() -> None:
    assert output_stems([Path("a/x.duckdb"), Path("b/x.duckdb"), Path("y.duckdb"), Path("c/x.duckdb")]) == [
        "x", "x-2", "y", "x-3"]


def test_frames_in_this_module_are_polars() -> None:
    # the calendar frame has a stable schema even when empty (the notebooks group by it)
    empty = rota_calendar_frame(_snap(), date(2026, 2, 9), date(2026, 2, 13))
    assert empty.height == 0
    assert empty.schema == pl.Schema({"clinician_id": pl.String, "name": pl.String, "date": pl.Date,
                                      "kind": pl.String})
