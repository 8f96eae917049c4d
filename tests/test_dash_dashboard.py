"""Dashboards and the workspace loader on real workspaces, without a browser.

The dashboards run with ``background=False`` (work inline) except where the
background thread itself is under test; widgets are read back after each step.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from _dash_helpers import DEMO_END, DEMO_START, ROOT, build_demo_workspace, hold_write_lock

from rotacc_lab.errors import RotaccError, WorkspaceBusy, WorkspaceNotFound
from rotacc_lab.ui import DASHBOARDS, Dashboard, Section, load_workspace
from rotacc_lab.ui.widgets import VEGALITE_MIME


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Path:
    return build_demo_workspace(tmp_path_factory.mktemp("dash") / "demo.duckdb")


def make(key: str, workspace, **options) -> Dashboard:
    options.setdefault("env", {})
    return Dashboard(DASHBOARDS[key], workspace=workspace, background=False, **options).start()


# --------------------------------------------------------------------------- every dashboard


@pytest.mark.parametrize("key", list(DASHBOARDS))
def test_each_dashboard_renders_every_section_on_the_demo(demo_ws: Path, key: str):
    dash = make(key, demo_ws)
    assert dash.message.level == "", dash.message.text
    assert dash.last_traceback is None
    assert dash.dates.value() == (DEMO_START, date(2026, 12, 31))  # default: the rota's span
    assert "Harbour Lane Medical Practice" in dash.status.value
    for section, panel in zip(dash.spec.sections, dash.panels):
        assert panel.frame is not None and panel.frame.height > 0, section.key
        assert 'class="rotacc-csv"' in panel.download.value
        if section.key != "alerts":
            assert panel.spec is not None and panel.chart.outputs[0]["data"][VEGALITE_MIME] == panel.spec


def test_changing_the_range_recomputes_from_memory(demo_ws: Path):
    dash = make("monday_balance", demo_ws)
    first = json.dumps(dash.panels[0].spec, sort_keys=True)
    loaded = dash.data
    dash.dates.start.value = date(2026, 7, 1)  # a user change fires the render
    assert dash.data is loaded  # no re-read of the file
    assert json.dumps(dash.panels[0].spec, sort_keys=True) != first
    assert "monday-balance_2026-07-01_2026-12-31.csv" in dash.panels[0].download.value
    assert dash.message.level == ""


def test_reversed_range_shows_a_message_and_clears_the_panels(demo_ws: Path):
    dash = make("fairness", demo_ws)
    dash.dates.end.value = date(2025, 1, 1)
    assert dash.message.level == "error"
    assert "reversed" in dash.message.text and "2025-01-01" in dash.message.text
    assert all(p.frame is None for p in dash.panels)
    dash.dates.end.value = DEMO_END
    assert dash.message.level == "" and all(p.frame is not None for p in dash.panels)


def test_a_range_outside_the_data_says_so(demo_ws: Path):
    dash = make("staffing", demo_ws, start=date(2031, 1, 6), end=date(2031, 2, 6))
    assert dash.message.level == "warning"
    assert "No data between 2031-01-06 and 2031-02-06" in dash.message.text
    assert "2025-08-06" in dash.message.text  # where the data is


def test_environment_gives_the_defaults(demo_ws: Path):
    env = {"ROTACC_WORKSPACE": str(demo_ws), "ROTACC_START": "2026-03-02", "ROTACC_END": "2026-03-27"}
    dash = Dashboard(DASHBOARDS["staffing"], background=False, env=env).start()
    assert dash.picker.value == str(demo_ws)
    assert dash.dates.value() == (date(2026, 3, 2), date(2026, 3, 27))
    assert dash.panels[0].frame.height == 20  # 4 weeks of working days, no bank holiday


def test_half_given_and_bad_environment_ranges(demo_ws: Path):
    dash = make("monday_balance", demo_ws, env={"ROTACC_START": "2026-06-01"})
    assert dash.dates.value() == (date(2026, 6, 1), date(2026, 12, 31))  # end from the rota
    dash = make("monday_balance", demo_ws, env={"ROTACC_END": "31/12/2026"})
    assert dash.message.level == "warning" and "ROTACC_END: '31/12/2026' is not a date" in dash.message.text
    assert dash.dates.value() == (DEMO_START, date(2026, 12, 31))


def test_missing_workspace_and_no_workspace_are_clear_messages(tmp_path: Path):
    dash = make("partner_wte", tmp_path / "absent.duckdb")
    assert dash.message.level == "error" and "absent.duckdb does not exist" in dash.message.text
    assert "Traceback" not in dash.message.text
    dash = make("partner_wte", None)
    assert dash.message.level == "error" and "no workspace chosen" in dash.message.text


def test_unreadable_workspace_file_is_a_clear_message(tmp_path: Path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    dash = make("staffing", junk)
    assert dash.message.level == "error" and "junk.duckdb" in dash.message.text
    assert dash.data is None and all(p.frame is None for p in dash.panels)


def test_switching_branch_reloads_that_file(demo_ws: Path, tmp_path: Path):
    from rotacc_lab.store import Workspace

    branch = tmp_path / "what-if.duckdb"
    Workspace.open(demo_ws).branch(branch, actor="test")
    dash = make("staffing", branch)
    assert dash.data.branch_parent == str(demo_ws.resolve())
    assert "branch of" in dash.status.value
    assert [label for label, _ in dash.picker.branch.options] == ["what-if.duckdb"]


def test_a_failing_section_does_not_take_the_dashboard_down(demo_ws: Path):
    def broken(data, start, end):
        raise ZeroDivisionError("boom")

    spec = DASHBOARDS["monday_balance"]
    spec = replace(spec, sections=(*spec.sections, Section("broken", "Broken", broken)))
    dash = Dashboard(spec, workspace=demo_ws, background=False, env={}).start()
    assert dash.panels[0].frame is not None and dash.panels[0].frame.height > 0
    assert "Broken could not be computed" in dash.panels[1].table.value and "boom" in dash.panels[1].table.value
    assert dash.message.level == "error" and "1 section(s) could not be computed" in dash.message.text
    assert "ZeroDivisionError" in dash.last_traceback  # kept for debugging, not shown


def test_background_worker_loads_and_renders(demo_ws: Path):
    dash = Dashboard(DASHBOARDS["monday_balance"], workspace=demo_ws, env={}).start()
    dash.wait()
    assert dash.panels[0].frame is not None and dash.message.level == ""
    dash.dates.start.value = date(2026, 10, 1)
    dash.wait()
    assert "monday-balance_2026-10-01" in dash.panels[0].download.value
    worker = dash._worker
    assert worker.daemon  # a kernel shutting down never waits for it
    dash.close()
    worker.join(timeout=10)
    assert not worker.is_alive()


def test_first_load_and_render_happen_in_the_calling_thread(demo_ws: Path):
    """The cause of the first-render stall: widget updates sent from another thread while the page
    fetches the widget states are lost. So ``start`` draws everything before it returns, from the
    cell's own thread, with no worker thread yet; only later work goes to the worker."""
    senders: set[str] = set()
    dash = Dashboard(DASHBOARDS["fairness"], workspace=demo_ws, env={})
    for panel in dash.panels:
        for w in (panel.chart, panel.table, panel.download):
            w.observe(lambda _change: senders.add(threading.current_thread().name), names=["outputs", "value"])
    dash.start()
    assert dash._worker is None and senders == {threading.current_thread().name}
    assert all(p.frame is not None and p.chart.outputs for p in dash.panels)
    dash.dates.start.value = date(2026, 10, 1)  # later work: on the worker
    dash.wait()
    assert dash._worker is not None and f"dashboard-{dash.spec.key}" in senders
    dash.close()


def test_a_busy_first_read_is_retried_on_the_worker(demo_ws: Path, monkeypatch):
    """``start`` does not wait for a busy workspace: it says so at once and the worker retries."""
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0.1")
    with hold_write_lock(demo_ws) as holder:
        dash = Dashboard(DASHBOARDS["staffing"], workspace=demo_ws, env={}, patience=60)
        dash.start()
        assert dash.message.level == "busy" and "is busy" in dash.message.text
        assert dash._worker is not None and dash.panels[0].frame is None
        holder.release()
    dash.wait(timeout=60)
    assert dash.message.level == "" and dash.panels[0].frame is not None
    dash.close()


def test_a_loaded_dashboard_does_not_block_a_writer(demo_ws: Path, monkeypatch):
    """After loading, the dashboard holds no connection: another process can open the file read-write at once."""
    dash = make("staffing", demo_ws)
    assert dash.data is not None
    dash.dates.start.value = date(2026, 5, 1)  # still open and in use
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0")  # the writer would fail at once if the file were locked
    with hold_write_lock(demo_ws) as holder:
        assert holder.proc.poll() is None


def test_refresh_if_changed_rereads_only_after_a_write(demo_ws: Path, tmp_path: Path):
    """What a preheated kernel does when its page is requested: one cheap version check."""
    from rotacc_lab.store import Workspace

    copy = tmp_path / "copy.duckdb"
    Workspace.open(demo_ws).branch(copy, actor="test")
    dash = make("staffing", copy)
    first = dash.data
    assert dash.refresh_if_changed() is False
    assert dash.data is first and "unchanged at" in dash.status.value
    ws = Workspace.open(copy)
    ws.save_settings(replace(ws.load_settings(), practice_name="Renamed Practice"), actor="test")
    assert dash.refresh_if_changed() is True
    assert dash.data is not first and dash.data.snapshot.data_version > first.snapshot.data_version
    assert "Renamed Practice" in dash.status.value


def test_watch_for_viewer_is_inert_outside_a_preheated_kernel(demo_ws: Path, monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    dash = make("monday_balance", demo_ws)
    before = threading.active_count()
    dash.watch_for_viewer()
    assert threading.active_count() == before


# --------------------------------------------------------------------------- the loader


def test_loader_reads_snapshot_alerts_and_meta(demo_ws: Path):
    data = load_workspace(demo_ws)
    assert data.snapshot.settings.practice_name == "Harbour Lane Medical Practice"
    assert len(data.alerts) > 0 and data.branch_parent is None
    assert data.rota_span == (DEMO_START, date(2026, 12, 31))


def test_loader_messages_for_bad_paths(tmp_path: Path):
    with pytest.raises(WorkspaceNotFound, match="no workspace chosen"):
        load_workspace("  ")
    with pytest.raises(WorkspaceNotFound, match="is a folder"):
        load_workspace(tmp_path)
    with pytest.raises(WorkspaceNotFound, match="x.duckdb does not exist"):
        load_workspace(tmp_path / "x.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(RotaccError, match="junk.duckdb"):
        load_workspace(junk)


def test_loader_retries_a_busy_workspace_then_reads_it(demo_ws: Path, monkeypatch):
    """A writer in another process holds the file; the loader reports busy, waits, and reads it once released."""
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0.2")
    events = []
    with hold_write_lock(demo_ws) as holder:

        def on_busy(event):
            events.append(event)
            if len(events) == 2:  # the writer finishes while we wait
                threading.Thread(target=holder.release).start()

        data = load_workspace(demo_ws, on_busy=on_busy, backoff=(0.1, 0.2), patience=60)
    assert len(events) >= 2 and events[0].attempt == 1 and events[1].retry_in == 0.2
    assert "busy" in events[0].reason
    assert data.snapshot.shifts


def test_loader_gives_up_after_its_patience(demo_ws: Path, monkeypatch):
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0.1")
    events = []
    with hold_write_lock(demo_ws):
        with pytest.raises(WorkspaceBusy, match="still busy after .* Click Reload"):
            load_workspace(demo_ws, on_busy=events.append, backoff=(0.1,), patience=0.6)
    assert events  # it said it was retrying before giving up


def test_dashboard_shows_busy_then_error_without_traceback(demo_ws: Path, monkeypatch):
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "0.1")
    seen = []
    with hold_write_lock(demo_ws):
        dash = Dashboard(DASHBOARDS["staffing"], workspace=demo_ws, background=False, env={}, patience=0.8)
        dash.message.widget.observe(lambda change: seen.append(change["new"]), names="value")
        dash.start()
    assert any('data-level="busy"' in v and "is busy" in v and "Retrying in" in v for v in seen)
    assert dash.message.level == "error" and "still busy" in dash.message.text
    dash.request_load()  # Reload after the writer finished
    assert dash.message.level == "" and dash.panels[0].frame is not None


# --------------------------------------------------------------------------- notebooks


@pytest.mark.parametrize("key", list(DASHBOARDS))
def test_dashboard_notebooks_are_thin_and_committed_without_outputs(key: str):
    nb = json.loads((ROOT / "dashboards" / f"{key}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert f'show_dashboard("{key}")' in source
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
