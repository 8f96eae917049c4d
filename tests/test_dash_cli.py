"""``rotacc-lab dashboards`` without starting a browser: arguments, URLs, server command and kernel."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.commands.dashboards import (
    HOST,
    check_port,
    dashboard_urls,
    dashboards_dir,
    server_env,
    voila_command,
)
from rotacc_lab.errors import RotaccError
from rotacc_lab.ui import DASHBOARDS

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "80"], "--port: 80 is not accepted; give a port number from 1024 to 65535"),
        (["--workspace", "/no/such/practice.duckdb"], "--workspace: /no/such/practice.duckdb does not exist"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message):
    result = runner.invoke(app, ["dashboards", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_port_in_use_is_refused_with_the_port_named():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(RotaccError, match=f"--port: {port} is already in use"):
            check_port(port)
    assert 1024 <= check_port(None) <= 65535


def test_one_url_per_dashboard_in_registry_order():
    urls = dashboard_urls("http://127.0.0.1:9999/")
    assert list(urls) == [spec.notebook for spec in DASHBOARDS.values()]
    assert urls["staffing.ipynb"] == "http://127.0.0.1:9999/voila/render/staffing.ipynb"


def test_voila_runs_with_this_interpreter_on_localhost_only():
    cmd = voila_command(dashboards_dir(), 9999)
    assert cmd[:3] == [sys.executable, "-m", "voila"]
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=9999" in cmd and "--no-browser" in cmd
    assert "--show_tracebacks=False" in cmd
    assert "--preheat_kernel=True" in voila_command(dashboards_dir(), 9999, preheat=True)
    assert "--MappingKernelManager.cull_idle_timeout=300" in cmd  # closed pages' kernels go away
    assert "--MappingKernelManager.cull_connected=False" in cmd  # open pages' kernels stay
    assert "--KernelManager.transport=ipc" in cmd  # kernels on Unix sockets, no TCP ports


def test_server_env_passes_the_workspace_and_a_short_busy_timeout(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("ROTACC_BUSY_TIMEOUT", raising=False)
    env = server_env(tmp_path / "ws.duckdb")
    assert env["ROTACC_WORKSPACE"] == str((tmp_path / "ws.duckdb").resolve())
    assert env["ROTACC_BUSY_TIMEOUT"] == "1"
    monkeypatch.setenv("ROTACC_BUSY_TIMEOUT", "7")
    assert server_env(None)["ROTACC_BUSY_TIMEOUT"] == "7"  # the user's choice wins


def test_the_python3_kernel_is_this_virtualenv():
    """Voila starts kernels from the ``python3`` spec; it must run this interpreter (with rotacc_lab)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    # jupyter_client replaces a bare "python"/"python3" with the server's sys.executable
    assert spec.argv[0] in {"python", "python3", sys.executable}, spec.argv
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), spec.resource_dir


def test_dashboards_folder_can_be_overridden_and_must_hold_notebooks(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ROTACC_DASHBOARDS_DIR", str(tmp_path))
    with pytest.raises(RotaccError, match="has no notebooks"):
        dashboards_dir()
    (tmp_path / "extra.ipynb").write_text("{}")
    assert dashboards_dir() == tmp_path
    assert list(dashboard_urls("http://h", tmp_path)) == ["extra.ipynb"]
