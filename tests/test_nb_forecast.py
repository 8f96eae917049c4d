"""notebooks/forecast.ipynb executed headless with papermill on a real workspace (no mocks)."""

from __future__ import annotations

from datetime import date

import nbformat
import pytest

from rotacc_lab.activity import ActivitySeries, write_activity_csv
from rotacc_lab.notebook_support import VEGALITE_MIME, execute_notebook
from rotacc_lab.store.activity import import_activity
from rotacc_lab.synth_activity import synthetic_activity

pytestmark = pytest.mark.slow


def test_forecast_notebook_runs_and_shows_forecast_cover_and_backtest(workspace, tmp_path) -> None:
    s = synthetic_activity("department", seed=2, start=date(2025, 1, 1), end=date(2025, 12, 31))["attendances"]
    csv_path = tmp_path / "a.csv"
    write_activity_csv(csv_path, [ActivitySeries(s.series, s.dates, s.values)])
    import_activity(workspace.path, csv_path)
    before = workspace.path.read_bytes()
    out = execute_notebook("forecast", tmp_path / "forecast.ipynb", {
        "workspace": str(workspace.path), "horizon": 14, "folds": 2, "per": 25.0, "target": "night", "share": 0.2})
    nb = nbformat.read(out, as_version=4)
    texts = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                      for c in nb.cells for o in c.get("outputs", ()))
    assert "attendances: 365 days 2025-01-01..2025-12-31, england bank holidays; model ets, 14 days ahead" in texts
    assert "backtest of attendances: 2 folds x 14 days" in texts
    assert "cover_lo80" in texts
    charts = [o for c in nb.cells for o in c.get("outputs", ()) if VEGALITE_MIME in o.get("data", {})]
    assert len(charts) == 2
    assert workspace.path.read_bytes() == before  # the notebook writes nothing


def test_the_committed_notebook_has_no_outputs() -> None:
    from rotacc_lab.notebook_support import notebook_path

    nb = nbformat.read(notebook_path("forecast"), as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
