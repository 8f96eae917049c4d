"""Every chart and dashboard works for a synthetic practice of 100 clinicians over a year.

Altair refuses more than 5,000 embedded rows by default; the rota calendar of a
45-clinician practice is past that. Timings are measured by
``benchmarks/charts.py``, not asserted here.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reports import with_rota  # noqa: E402  (the benchmark's seeded WTE-proportional rota)

from rotacc_lab.notebook_support import rota_calendar_chart, rota_calendar_frame, rota_calendar_runs  # noqa: E402
from rotacc_lab.exports.html import write_bundle_html  # noqa: E402
from rotacc_lab.reports.registry import report_names, run_report  # noqa: E402
from rotacc_lab.synth import synthetic_practice  # noqa: E402
from rotacc_lab.ui.dashboard import DASHBOARDS  # noqa: E402
from rotacc_lab.ui.loader import WorkspaceData  # noqa: E402
from rotacc_lab.ui.widgets import chart_spec  # noqa: E402

START, END = date(2026, 1, 5), date(2027, 1, 3)


@pytest.fixture(scope="module")
def big():
    snap = with_rota(synthetic_practice(70, 30, start=START, weeks=52, seed=3), START, END)
    assert len(snap.clinicians) >= 100
    return snap


def _rows(spec: dict) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


@pytest.mark.parametrize("name", report_names())
def test_every_report_chart_builds(big, name):
    result = run_report(name, big, START, END, alerts=[])
    chart = result.chart()
    if chart is not None:
        chart.to_dict()


def test_every_dashboard_section_builds(big):
    data = WorkspaceData(Path("big.duckdb"), big, ())
    for key, spec in DASHBOARDS.items():
        for section in spec.sections:
            content = section.build(data, START, END)
            if content.chart is not None:
                chart_spec(content.chart)


def test_the_rota_calendar_of_a_year_draws(big):
    frame = rota_calendar_frame(big, START, END)
    assert frame.height > 5_000  # past Altair's default guard
    spec = rota_calendar_chart(frame).to_dict()
    assert spec["mark"]["type"] == "rect" and spec["encoding"]["x2"]["field"] == "end"
    assert 0 < _rows(spec) < frame.height


def test_the_report_bundle_of_a_year(big, tmp_path):
    out = tmp_path / "bundle.html"
    write_bundle_html(big, START, END, out, alerts=[])
    assert out.stat().st_size > 10_000


def test_rota_calendar_runs_cover_each_day_once(big):
    frame = rota_calendar_frame(big, START, START + timedelta(days=60))
    runs = rota_calendar_runs(frame)
    covered = {(r["clinician_id"], r["start"] + timedelta(days=i)): r["kind"]
               for r in runs.iter_rows(named=True) for i in range((r["end"] - r["start"]).days)}
    assert covered == {(r["clinician_id"], r["date"]): r["kind"] for r in frame.iter_rows(named=True)}
    assert runs["days"].sum() == frame.height
