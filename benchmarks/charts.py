"""Chart timings for a synthetic practice of 100 clinicians over one year.

Run: ``.venv/bin/python benchmarks/charts.py [--partners 70] [--salaried 30]``

For every registered report: compute the frame, build the Altair chart and
turn it into a Vega-Lite spec (``to_dict``, what a page or the HTML bundle
embeds); for every dashboard section: the same through the dashboard's own
builder; then the rota calendar of the year and the all-reports HTML bundle.
Prints wall time, the rows embedded in each chart and the spec size, with the
load average (other jobs slow everything down).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reports import peak_rss_mb, with_rota  # noqa: E402

from rotacc_lab.notebook_support import rota_calendar_chart, rota_calendar_frame  # noqa: E402
from rotacc_lab.exports.html import write_bundle_html  # noqa: E402
from rotacc_lab.reports.registry import report_names, run_report  # noqa: E402
from rotacc_lab.synth import synthetic_practice  # noqa: E402
from rotacc_lab.ui.dashboard import DASHBOARDS  # noqa: E402
from rotacc_lab.ui.loader import WorkspaceData  # noqa: E402
from rotacc_lab.ui.widgets import chart_spec  # noqa: E402

START, END = date(2026, 1, 5), date(2027, 1, 3)


def _row(name: str, seconds: float, spec: dict | None) -> None:
    rows = sum(len(v) for v in spec.get("datasets", {}).values()) if spec else 0
    size = len(json.dumps(spec, default=str)) / 1024 if spec else 0.0
    print(f"{name:<48} {seconds:>7.2f} {rows:>7} {size:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=70)
    parser.add_argument("--salaried", type=int, default=30)
    args = parser.parse_args()
    snap = with_rota(synthetic_practice(args.partners, args.salaried, start=START, weeks=52, seed=3), START, END)
    print(f"{len(snap.clinicians)} clinicians, {len(snap.shifts)} shifts, {START} to {END}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'chart':<48} {'wall s':>7} {'rows':>7} {'spec KiB':>9}")
    for name in report_names():
        t0 = time.perf_counter()
        chart = run_report(name, snap, START, END, alerts=[]).chart()
        spec = chart.to_dict() if chart is not None else None
        _row(f"report {name}", time.perf_counter() - t0, spec)
    data = WorkspaceData(Path("synthetic.duckdb"), snap, ())
    for key, dash in DASHBOARDS.items():
        for section in dash.sections:
            t0 = time.perf_counter()
            content = section.build(data, START, END)
            spec = chart_spec(content.chart) if content.chart is not None else None
            _row(f"dashboard {key}: {section.key}", time.perf_counter() - t0, spec)
    t0 = time.perf_counter()
    spec = rota_calendar_chart(rota_calendar_frame(snap, START, END)).to_dict()
    _row("rota calendar (notebooks)", time.perf_counter() - t0, spec)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = write_bundle_html(snap, START, END, Path(tmp) / "bundle.html", alerts=[])
        print(f"{'all-reports HTML bundle':<48} {time.perf_counter() - t0:>7.2f} {'':>7} "
              f"{Path(out).stat().st_size / 1024:>9.0f}")
    print(f"peak RSS {peak_rss_mb():.0f} MB; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
