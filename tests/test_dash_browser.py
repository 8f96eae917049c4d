"""The dashboards in a real browser: Voila on 127.0.0.1, Debian's chromium via Playwright.

One Voila server and one browser serve the whole module. Every page is loaded
with all non-local requests aborted, so a chart that needs a CDN would fail
here. Screenshots are kept under artifacts/screenshots/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from _dash_helpers import (
    CHART,
    ERROR_BANNER,
    ROOT,
    assert_no_errors,
    build_demo_workspace,
    chart_fingerprint,
    chromium,
    hold_write_lock,
    kernel_pids,
    new_page,
    require_chromium,
    screenshot,
    set_date,
    voila,
    voila_pid,
)

from rotacc_lab.ui import DASHBOARDS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Path:
    return build_demo_workspace(tmp_path_factory.mktemp("browser") / "demo.duckdb")


@pytest.fixture(scope="module")
def server(demo_ws: Path):
    require_chromium()
    with voila(demo_ws, name="voila-browser-tests") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _url(base: str, key: str) -> str:
    """The dashboard's URL with the server's token (``base`` is a ServedBase)."""
    return base.url(f"/voila/render/{DASHBOARDS[key].notebook}")


def wait_rendered(page, key: str, timeout: float | None = None) -> None:
    """Wait until every section of dashboard ``key`` shows its chart (if any), table and CSV link."""
    sections = DASHBOARDS[key].sections
    n_charts = sum(1 for s in sections if s.key != "alerts")
    page.wait_for_function(
        f"document.querySelectorAll('{CHART}').length >= {n_charts} && "
        f"document.querySelectorAll('.rotacc-table').length === {len(sections)} && "
        f"document.querySelectorAll('.rotacc-csv').length === {len(sections)}",
        timeout=timeout,
    )


def open_rendered(page, url: str, key: str) -> None:
    """Open ``url`` and wait for the full render: the first load, no reload (a stall fails the test)."""
    page.goto(url)
    wait_rendered(page, key, timeout=45_000)


@pytest.mark.parametrize("key", list(DASHBOARDS))
def test_dashboard_renders_charts_and_tables_and_follows_the_date_range(server, browser, key):
    page = new_page(browser)
    try:
        open_rendered(page, _url(server, key), key)
        assert page.locator(".rotacc-start input[type=date]").input_value() == "2026-01-05"
        assert_no_errors(page)
        screenshot(page, f"{key}-full-range")

        before = chart_fingerprint(page)
        markup = page.locator(CHART).first.evaluate("el => el.outerHTML")
        set_date(page, "start", date(2026, 9, 1))
        page.wait_for_function(
            "name => { const a = document.querySelector('.rotacc-csv'); return a && a.download.endsWith(name); }",
            arg="_2026-09-01_2026-12-31.csv",
        )
        # the first chart is redrawn from the new range (its SVG differs), not merely re-attached
        page.wait_for_function(
            f"old => {{ const el = document.querySelector('{CHART}'); return el && el.outerHTML !== old; }}",
            arg=markup,
        )
        assert chart_fingerprint(page) != before, "the chart did not change with the range"
        assert_no_errors(page)
        screenshot(page, f"{key}-from-september")
    finally:
        page.close()


def test_csv_download_delivers_the_table(server, browser):
    page = new_page(browser)
    try:
        page.goto(_url(server, "monday_balance"))
        wait_rendered(page, "monday_balance")
        with page.expect_download() as info:
            page.locator(".rotacc-csv").first.click()
        download = info.value
        assert download.suggested_filename == "monday-balance_2026-01-05_2026-12-31.csv"
        text = Path(download.path()).read_text()
        assert text.splitlines()[0].startswith("clinician_id,name,wte,mondays")
        assert len(text.splitlines()) == 1 + page.locator(".rotacc-panel-monday-balance .rotacc-table tbody tr").count()
    finally:
        page.close()


def test_a_workspace_not_served_is_refused_with_a_message_not_a_traceback(server, browser, tmp_path: Path):
    """The server was given demo_ws only: any other path typed in the Workspace box is refused."""
    page = new_page(browser)
    try:
        page.goto(_url(server, "fairness"))
        page.wait_for_selector(CHART)
        box = page.locator(".widget-text input").first
        box.fill(str(tmp_path / "nowhere.duckdb"))
        box.press("Enter")
        banner = page.locator(ERROR_BANNER)
        banner.wait_for()
        assert f"Workspace {tmp_path / 'nowhere.duckdb'} is not served by this dashboard server" in banner.inner_text()
        assert "Traceback" not in page.inner_text("body")
        screenshot(page, "fairness-workspace-not-served")
    finally:
        page.close()


def test_dashboard_waits_for_a_writer_then_renders(server, browser, demo_ws: Path):
    """Another process holds the workspace read-write: the page says busy, retries, then renders."""
    page = new_page(browser)
    try:
        with hold_write_lock(demo_ws) as holder:
            page.goto(_url(server, "staffing"))
            busy = page.locator("[data-level=busy]")
            busy.wait_for()
            assert "is busy" in busy.inner_text() and "Retrying" in busy.inner_text()
            assert page.locator(CHART).count() == 0
            screenshot(page, "staffing-busy")
            holder.release()
        wait_rendered(page, "staffing")
        page.wait_for_function("document.querySelectorAll('[data-level=busy]').length === 0")
        assert_no_errors(page)
        screenshot(page, "staffing-after-busy")
    finally:
        page.close()


def test_preheated_kernels_show_data_written_after_they_started(browser, demo_ws: Path, tmp_path: Path):
    """``rotacc-lab dashboards`` preheats kernels; a write made after that must still show on the page."""
    from dataclasses import replace

    from rotacc_lab.store import Workspace

    copy = tmp_path / "preheated.duckdb"
    Workspace.open(demo_ws).branch(copy, actor="test")
    with voila(copy, name="voila-preheat-test", preheat=True) as base:
        time.sleep(20)  # let the preheated kernels run the notebooks and read the workspace
        ws = Workspace.open(copy)
        ws.save_settings(replace(ws.load_settings(), practice_name="Renamed After Preheat"), actor="test")
        page = new_page(browser)
        try:
            page.goto(_url(base, "fairness"))
            page.wait_for_selector(".rotacc-status >> text=Renamed After Preheat")
            wait_rendered(page, "fairness")
            assert_no_errors(page)
            screenshot(page, "fairness-preheated")
        finally:
            page.close()


def test_closed_pages_lose_their_kernel_and_no_kernel_outlives_the_server(browser, demo_ws: Path):
    """Voila keeps a closed page's kernel (and its snapshot); we cull it, and stopping kills the rest."""
    # 10 s, not less: a new page's kernel is idle with no connection until the browser
    # connects, which takes a few seconds on a busy machine
    with voila(demo_ws, name="voila-cull-test", cull_idle_seconds=10) as base:
        server_pid = voila_pid(base)
        page = new_page(browser)
        page.goto(_url(base, "monday_balance"))
        wait_rendered(page, "monday_balance")
        assert len(kernel_pids(server_pid)) == 1
        time.sleep(12)  # an open page's kernel is never culled, however idle
        assert len(kernel_pids(server_pid)) == 1
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 60
        while kernel_pids(server_pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernel_pids(server_pid) == []
        page = new_page(browser)
        page.goto(_url(base, "monday_balance"))
        wait_rendered(page, "monday_balance")
        alive = kernel_pids(server_pid)
        assert alive
    assert not any(Path(f"/proc/{pid}").exists() for pid in [server_pid, *alive])


def test_cli_serves_every_dashboard_and_stops_on_ctrl_c(demo_ws: Path):
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "rotacc-lab"), "dashboards", "--workspace", str(demo_ws)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        header = proc.stdout.readline()
        assert header.startswith("Voila is serving 4 dashboards on http://127.0.0.1:"), header
        urls = [proc.stdout.readline().split()[-1] for _ in DASHBOARDS]
        assert [u.rsplit("/", 1)[-1].split("?")[0] for u in urls] == [s.notebook for s in DASHBOARDS.values()]
        token = urls[0].split("?token=")[1]
        assert len(token) >= 32 and all(u.endswith(f"?token={token}") for u in urls)
        base = urls[0].split("/voila/")[0]
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as response:
            assert response.status == 200
        os.kill(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "dashboards stopped" in proc.stdout.read()
        with pytest.raises(OSError):
            urllib.request.urlopen(base + "/", timeout=3)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
