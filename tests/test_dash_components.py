"""The dashboard widgets without a browser: construct, set values, read outputs and messages."""

from __future__ import annotations

import base64
import io
import re
from datetime import date, timedelta
from pathlib import Path

import altair as alt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotacc_lab.ui.widgets import (
    MAX_TABLE_ROWS,
    VEGALITE_MIME,
    DateRangePicker,
    MessageArea,
    PanelContent,
    ReportPanel,
    WorkspacePicker,
    chart_output,
    csv_link,
    parse_iso_date,
    table_html,
)


def _decode_link(link: str) -> bytes:
    match = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', link)
    assert match, link
    return base64.b64decode(match.group(1))


# --------------------------------------------------------------------------- tables and CSV


def test_table_html_escapes_cells_and_headers():
    frame = pl.DataFrame({"<b>name</b>": ["<script>alert(1)</script>", "A & B"], "n": [1.5, None]})
    out = table_html(frame)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out and "A &amp; B" in out and "&lt;b&gt;name&lt;/b&gt;" in out
    assert out.count("<tr>") == 3  # header + 2 rows


def test_table_html_cuts_long_tables_with_a_note_and_says_when_empty():
    frame = pl.DataFrame({"i": list(range(MAX_TABLE_ROWS + 5))})
    out = table_html(frame)
    assert out.count("<tr>") == MAX_TABLE_ROWS + 1
    assert f"first {MAX_TABLE_ROWS} of {MAX_TABLE_ROWS + 5} rows" in out
    assert "No rows" in table_html(frame.head(0))


def test_table_and_csv_show_list_columns_as_text():
    frame = pl.DataFrame({"days": [[0, 2], [4]]})
    assert "<td>0, 2</td>" in table_html(frame)
    assert pl.read_csv(io.BytesIO(_decode_link(csv_link(frame, "x.csv"))))["days"].to_list() == ["0, 2", "4"]


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(text, st.integers(-10**6, 10**6), st.dates(date(2000, 1, 1), date(2040, 12, 31))), max_size=15)
)
def test_csv_link_carries_the_whole_frame(rows):
    """Decoding the link's data: URI gives back exactly the frame (quotes, commas, unicode included)."""
    frame = pl.DataFrame(rows, schema={"who": pl.String, "n": pl.Int64, "day": pl.Date}, orient="row")
    link = csv_link(frame, "report_2026.csv")
    assert 'download="report_2026.csv"' in link
    assert f"({frame.height} rows)" in link
    back = pl.read_csv(
        io.BytesIO(_decode_link(link)),
        schema={"who": pl.String, "n": pl.Int64, "day": pl.Date},
    )
    assert back.equals(frame)


# --------------------------------------------------------------------------- charts


def test_chart_output_is_offline_vegalite5_with_the_charts_data():
    frame = pl.DataFrame({"who": ["P01", "P02"], "n": [3, 5]})
    chart = alt.Chart(frame).mark_bar().encode(x="who:N", y="n:Q").properties(title="Shifts")
    out = chart_output(chart)
    assert out["output_type"] == "display_data"
    spec = out["data"][VEGALITE_MIME]
    assert spec["$schema"].endswith("/vega-lite/v5.json")
    values = next(iter(spec["datasets"].values()))
    assert values == [{"who": "P01", "n": 3}, {"who": "P02", "n": 5}]
    assert out["metadata"][VEGALITE_MIME]["embed_options"]["renderer"] == "svg"
    assert "Shifts" in out["data"]["text/plain"]


def test_report_panel_shows_chart_table_notes_and_link_then_clears():
    panel = ReportPanel("demo", "Demo <report>", "what it shows")
    frame = pl.DataFrame({"who": ["P01"], "n": [2]})
    chart = alt.Chart(frame).mark_bar().encode(x="who:N", y="n:Q")
    panel.show(PanelContent(frame, chart, {"sum_abs": 1.25}), "demo_2026.csv")
    assert "Demo &lt;report&gt;" in panel.heading.value
    assert len(panel.chart.outputs) == 1 and panel.spec is not None
    assert "P01" in panel.table.value and "sum abs" in panel.notes.value and "1.25" in panel.notes.value
    assert 'download="demo_2026.csv"' in panel.download.value
    panel.show(PanelContent(frame.head(0), None, None, "nothing here"), "x.csv")
    assert panel.chart.outputs == () and panel.download.value == "" and "nothing here" in panel.table.value
    panel.clear("gone")
    assert panel.frame is None and "gone" in panel.table.value


# --------------------------------------------------------------------------- messages, dates, picker


def test_message_area_levels_and_escaping():
    area = MessageArea()
    area.show("busy", "Workspace <x> is busy\nretrying")
    assert area.level == "busy" and 'data-level="busy"' in area.widget.value
    assert "&lt;x&gt;" in area.widget.value and "<br>" in area.widget.value
    with pytest.raises(ValueError, match="level"):
        area.show("loud", "x")
    area.clear()
    assert area.widget.value == "" and area.level == ""


def test_date_range_picker_validates_and_fires_only_on_user_changes():
    calls = []
    dates = DateRangePicker()
    dates.on_change(lambda: calls.append(1))
    with pytest.raises(ValueError, match="From: no start date"):
        dates.value()
    dates.set(date(2026, 1, 5), None)
    assert calls == []  # set() is quiet
    with pytest.raises(ValueError, match="To: no end date"):
        dates.value()
    dates.end.value = date(2026, 1, 1)
    assert calls == [1]
    with pytest.raises(ValueError, match="reversed: From 2026-01-05 is after To 2026-01-01"):
        dates.value()
    dates.end.value = date(2026, 2, 1)
    assert dates.value() == (date(2026, 1, 5), date(2026, 2, 1))


def test_parse_iso_date_names_the_setting():
    assert parse_iso_date(" 2026-03-02 ", "ROTACC_START") == date(2026, 3, 2)
    assert parse_iso_date("", "ROTACC_START") is None
    with pytest.raises(ValueError, match="ROTACC_END: '31/12/2026' is not a date"):
        parse_iso_date("31/12/2026", "ROTACC_END")


def test_workspace_picker_lists_branches_in_the_folder(tmp_path: Path):
    for name in ("practice.duckdb", "what-if.duckdb", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    seen = []
    picker = WorkspacePicker()
    picker.on_change(seen.append)
    picker.path.value = str(tmp_path)  # a folder: its first workspace is chosen
    assert [label for label, _ in picker.branch.options] == ["practice.duckdb", "what-if.duckdb"]
    assert picker.value == str(tmp_path / "practice.duckdb") and seen[-1] == picker.value
    picker.branch.value = str(tmp_path / "what-if.duckdb")  # switching branch is one change
    assert seen[-1] == str(tmp_path / "what-if.duckdb")
    picker.path.value = str(tmp_path / "practice.duckdb")  # a file: it is chosen, siblings listed
    assert picker.value == str(tmp_path / "practice.duckdb") and len(picker.branch.options) == 2
    (tmp_path / "new-branch.duckdb").write_bytes(b"")
    picker.refresh()
    assert "new-branch.duckdb" in [label for label, _ in picker.branch.options]
    assert picker.value == str(tmp_path / "practice.duckdb")  # refresh keeps the choice


def test_workspace_picker_keeps_a_missing_file_selectable(tmp_path: Path):
    missing = tmp_path / "nope.duckdb"
    picker = WorkspacePicker(missing)
    assert picker.value == str(missing)
    picker.path.value = ""
    assert picker.value == "" and picker.branch.options == ()


def test_date_range_defaults_are_inclusive_one_day_ranges_too():
    dates = DateRangePicker(date(2026, 1, 5), date(2026, 1, 5))
    assert dates.value() == (date(2026, 1, 5), date(2026, 1, 5))
    dates.set(date(2026, 1, 5) + timedelta(days=1), date(2026, 1, 5))
    with pytest.raises(ValueError):
        dates.value()
