"""Days outside the planned rota are "not planned", never short (issue 20 item 9).

The staffing report, its narrative, the outcome measures, the what-if comparison
and the all-reports HTML all agree: a working day that no completed generation run
covered and that lies outside the rota's shifts has no rota yet.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from _reports_helpers import END, START, tiny_snapshot
from rotacc_lab.cli import app
from rotacc_lab.exports.html import render_bundle
from rotacc_lab.reports import report_staffing_overview, run_report
from rotacc_lab.reports.narrative import report_narrative
from rotacc_lab.reports.outcomes import outcome_measures
from rotacc_lab.store import Workspace

#: the tiny report practice's shifts run from Friday 27 February (one duty, "outside the range" of the
#: helpers) to 13 March; this range starts two weeks earlier and ends a week later
FIRST = date(2026, 2, 27)
WIDE = (date(2026, 2, 16), date(2026, 3, 20))


def test_days_before_and_after_the_rota_are_not_planned_and_not_short():
    frame = report_staffing_overview(tiny_snapshot(), *WIDE)
    outside = frame.filter((pl.col("date") < FIRST) | (pl.col("date") > END))
    inside = frame.filter(pl.col("date").is_between(FIRST, END))
    assert outside.height == 14 and inside.height == 11
    assert outside["planned"].to_list() == [False] * 14
    assert set(outside["flag"]) == {"not_planned"}
    assert outside["surplus"].null_count() == 14
    assert not outside["below_minimum"].any() and not outside["below_66"].any()
    # inside the rota nothing changes: the hand-worked figures of _reports_helpers, and 27 February's one duty
    assert inside.filter(pl.col("date") >= START).equals(report_staffing_overview(tiny_snapshot(), START, END))
    assert inside.row(0, named=True)["flag"] == "below_66"  # 1 doctor of 4 on Friday 27 February
    assert int(inside["below_minimum"].sum()) == 8


def test_a_generation_run_that_left_a_day_empty_makes_that_day_short():
    snap = replace(tiny_snapshot(), generated_ranges=((date(2026, 2, 16), date(2026, 2, 20)),))
    frame = report_staffing_overview(snap, *WIDE)
    run_week = frame.filter(pl.col("date") <= date(2026, 2, 20))
    assert run_week["planned"].all() and run_week["below_66"].all()  # 0 doctors on a planned day
    assert run_week["surplus"].to_list() == [-5.0, -4.0, -4.0, -4.0, -4.0]
    between = frame.filter(pl.col("date").is_between(date(2026, 2, 23), date(2026, 2, 26)))
    after = frame.filter(pl.col("date") > END)
    assert set(between["flag"]) == set(after["flag"]) == {"not_planned"}


def test_the_narrative_never_names_an_unplanned_day_as_the_worst():
    result = run_report("staffing-overview", tiny_snapshot(), *WIDE)
    text = report_narrative(result)
    assert text.startswith("11 planned working day(s); 8 below the minimum, 3 below the 66 % floor.")
    assert "14 working day(s) have no rota yet (not planned, not counted as short)." in text
    assert "Worst: 2026-03-09 (1.5 of 5 needed)." in text  # inside the rota (Monday 9th, see the helpers)
    nothing = run_report("staffing-overview", tiny_snapshot(), date(2026, 4, 13), date(2026, 4, 17))
    assert report_narrative(nothing) == "5 working day(s), none planned yet: no rota has been generated for this range."


def test_outcome_measures_count_only_planned_days():
    snap = tiny_snapshot()
    wide, exact = outcome_measures(snap, *WIDE), outcome_measures(snap, FIRST, END)
    for key in ("days_below_minimum", "days_below_66", "doctor_days_short", "overstaffing", "min_surplus",
                "doctor_days_worked"):
        assert getattr(wide, key) == getattr(exact, key), key
    assert outcome_measures(snap, date(2026, 4, 13), date(2026, 4, 17)).min_surplus is None


def test_html_greys_unplanned_rows_and_opens_with_a_summary():
    text = render_bundle([run_report("staffing-overview", tiny_snapshot(), *WIDE)])
    assert text.count('<tr class="flag">') == 8 and text.count('<tr class="unplanned">') == 14
    assert '<section class="summary" id="summary"><h2>Summary</h2>' in text
    assert "Staffing: were there enough doctors each day?<small>staffing-overview</small></h2>" in text
    assert "@page{size:A4" in text and "@media print" in text  # the print style sheet
    assert "addEventListener('beforeprint'" in text  # folded tables open for printing
    assert text.index('id="summary"') < text.index('id="r-staffing-overview"')


@settings(max_examples=40, deadline=None)
@given(lo=st.integers(0, 40), span=st.integers(0, 40), run=st.one_of(st.none(), st.tuples(st.integers(0, 60),
                                                                                         st.integers(0, 20))))
def test_planned_is_exactly_the_runs_and_the_shift_span(lo, span, run):
    base = date(2026, 2, 2)
    start = date.fromordinal(base.toordinal() + lo)
    end = date.fromordinal(start.toordinal() + span)
    snap = tiny_snapshot()
    if run is not None:
        r0 = date.fromordinal(base.toordinal() + run[0])
        snap = replace(snap, generated_ranges=((r0, date.fromordinal(r0.toordinal() + run[1])),))
    frame = report_staffing_overview(snap, start, end)
    for row in frame.iter_rows(named=True):
        d = row["date"]
        expected = FIRST <= d <= END or any(a <= d <= b for a, b in snap.generated_ranges)
        assert row["planned"] is expected
        assert (row["flag"] == "not_planned") is (not expected)
        assert (row["surplus"] is None) is (not expected)
        if not expected:
            assert row["below_minimum"] is False and row["below_66"] is False


def test_a_workspace_snapshot_carries_its_completed_runs(tmp_path, tiny_folder):
    from rotacc_lab.store import import_source

    path = tmp_path / "ws.duckdb"
    import_source(path, tiny_folder, actor="t")
    assert Workspace.open(path, read_only=True).load_snapshot().generated_ranges == ()
    r = CliRunner().invoke(app, ["generate", str(path), "--start", "2026-02-02", "--end", "2026-02-13",
                                 "--today", "2026-01-01", "--phases", "1,2,3,4", "--no-progress"])
    assert r.exit_code == 0, r.output
    snap = Workspace.open(path, read_only=True).load_snapshot()
    assert snap.generated_ranges == ((date(2026, 2, 2), date(2026, 2, 13)),)
    frame = report_staffing_overview(snap, date(2026, 1, 26), date(2026, 2, 20))
    planned = dict(zip(frame["date"], frame["planned"]))
    assert all(planned[d] for d in planned if date(2026, 2, 2) <= d <= date(2026, 2, 13))


def test_each_partner_target_is_named_in_words_on_its_chart_and_heading():
    """Issue 20 item 4: one named target per question, the same words in chart, heading and narrative."""
    from rotacc_lab.reports.narrative import REPORT_HEADINGS

    snap = tiny_snapshot()
    wte = run_report("partner-wte", snap, START, END)
    avail = run_report("partner-wte-availability-chart", snap, START, END)
    assert "target after the leave entitlement" in wte.chart().to_dict()["title"]
    assert "target after the leave entitlement" in REPORT_HEADINGS["partner-wte"]
    assert "against the target after the leave entitlement" in report_narrative(wte)
    assert "fair share from available weeks" in avail.chart().to_dict()["title"].lower()
    assert "fair share from available weeks" in REPORT_HEADINGS["partner-wte-availability"].lower()
    assert "fair share from available weeks" in report_narrative(avail)
