"""Dashboards only for whom they are meant: Host check, token, and the workspaces the Workspace box opens.

The server tests run a real Voila (``voila_server``) on 127.0.0.1 over a folder
holding one tiny notebook, and talk to it with ``http.client`` (no redirects followed).
"""

from __future__ import annotations

import http.client
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rotacc_lab.commands.dashboards import dashboard_urls, server_env, voila_command, voila_server
from rotacc_lab.errors import RotaccError
from rotacc_lab.ui import DASHBOARDS
from rotacc_lab.ui.access import ENV_ALLOWED, ENV_FOLDER, WorkspacePolicy
from rotacc_lab.ui.dashboard import Dashboard
from rotacc_lab.ui.widgets import WorkspacePicker

NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "a1", "metadata": {}, "outputs": [],
               "source": ["print('tiny dashboard')"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dash")
    (folder / "tiny.ipynb").write_text(json.dumps(NOTEBOOK))
    artifacts = Path(__file__).resolve().parents[1] / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with voila_server(None, folder=folder, log=artifacts / "voila-access.log") as base:
        yield base


def _get(base: str, path: str, host: str | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Host": host} if host else {}
    con.request("GET", path, headers=headers)
    response = con.getresponse()
    response.read()
    con.close()
    return response


def test_with_the_token_the_dashboard_is_served(server):
    assert _get(server, f"/voila/render/tiny.ipynb?token={server.token}").status == 200
    for host in ("localhost", f"localhost:{urlsplit(server).port}", "127.0.0.1", f"[::1]:{urlsplit(server).port}"):
        assert _get(server, f"/?token={server.token}", host=host).status == 200, host


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "localhost.evil.example", "192.168.1.10"])
def test_a_foreign_host_header_is_refused_even_with_the_token(server, host):
    assert _get(server, f"/voila/render/tiny.ipynb?token={server.token}", host=host).status == 403
    assert _get(server, f"/?token={server.token}", host=host).status == 403


@pytest.mark.parametrize("query", ["", "?token=wrong"])
def test_without_the_right_token_nothing_is_served(server, query):
    for path in ("/voila/render/tiny.ipynb", "/"):
        response = _get(server, path + query)
        assert response.status == 302, (path, response.status)  # to the login page, which asks for it
        assert response.getheader("Location").startswith("/login?")


def test_the_served_folder_files_need_the_token_and_a_local_host(server):
    assert _get(server, "/voila/files/tiny.ipynb").status == 403
    assert _get(server, f"/voila/files/tiny.ipynb?token={server.token}", host="evil.example").status == 403


def test_the_printed_urls_carry_the_token(server, tmp_path):
    urls = dashboard_urls(server)
    assert urls and all(url.endswith(f"?token={server.token}") for url in urls.values())
    assert len(server.token) >= 32
    assert server.url("/x") == f"{server}/x?token={server.token}"


def test_the_token_stays_off_the_command_line(tmp_path):
    cmd = voila_command(tmp_path, 9999)
    assert "--Voila.auto_token=True" in cmd and not any("token=" in arg.lower() and "auto" not in arg for arg in cmd)
    assert "--Voila.tornado_settings={'allow_remote_access': False, 'local_hostnames': ['localhost']}" in cmd
    env = server_env(None, token="secret-token")
    assert env["JUPYTER_TOKEN"] == "secret-token"


# --------------------------------------------------------------------------- workspaces


def test_policy_allows_given_files_and_the_folder_only(tmp_path: Path):
    folder = tmp_path / "practice"
    folder.mkdir()
    (folder / "baseline.duckdb").touch()
    given = tmp_path / "elsewhere" / "given.duckdb"
    given.parent.mkdir()
    given.touch()
    other = tmp_path / "other.duckdb"
    other.touch()
    policy = WorkspacePolicy.serving([given], folder)
    assert policy.allows(given) and policy.allows(folder / "baseline.duckdb")
    assert policy.allows(folder / "sub" / "branch.duckdb")
    assert not policy.allows(other)
    assert not policy.allows(folder / "notes.txt")
    assert not policy.allows(folder / ".." / "other.duckdb")  # no escape with ..
    (folder / "link.duckdb").symlink_to(other)
    assert not policy.allows(folder / "link.duckdb")  # nor through a symlink
    assert not policy.allows("/etc/passwd")
    with pytest.raises(RotaccError) as info:
        policy.check(other)
    message = str(info.value)
    assert str(other) in message and str(given) in message and str(folder) in message
    assert "--workspace" in message and "--workspace-dir" in message
    assert policy.offered() == sorted([given.resolve(), (folder / "baseline.duckdb").resolve()])


def test_policy_travels_through_the_environment(tmp_path: Path):
    assert not WorkspacePolicy.from_env({}).restricted  # a notebook in the user's own JupyterLab
    assert WorkspacePolicy.from_env({}).allows("/anything.duckdb")
    policy = WorkspacePolicy.serving([tmp_path / "a.duckdb"], tmp_path / "dir")
    assert WorkspacePolicy.from_env(policy.to_env()) == policy
    nothing = WorkspacePolicy.from_env({ENV_ALLOWED: ""})
    assert nothing.restricted and not nothing.allows(tmp_path / "a.duckdb")
    env = server_env(tmp_path / "a.duckdb", workspace_dir=tmp_path)
    assert env[ENV_ALLOWED] == str((tmp_path / "a.duckdb").resolve()) and env[ENV_FOLDER] == str(tmp_path.resolve())
    # without --workspace, the environment's default workspace is the one served
    env = server_env(None, {"ROTACC_WORKSPACE": str(tmp_path / "b.duckdb")})
    assert env[ENV_ALLOWED] == str((tmp_path / "b.duckdb").resolve()) and ENV_FOLDER not in env


def test_the_workspace_box_lists_and_opens_only_served_workspaces(tmp_path: Path):
    served, secret = tmp_path / "served.duckdb", tmp_path / "secret.duckdb"
    served.touch()
    secret.touch()
    env = WorkspacePolicy.serving([served]).to_env()
    picker = WorkspacePicker(policy=WorkspacePolicy.from_env(env))
    picker.path.value = str(tmp_path)
    assert [v for _, v in picker.branch.options] == [str(served)]  # the folder's other file is not listed

    folder_only = WorkspacePicker(policy=WorkspacePolicy.serving([], tmp_path))
    assert [v for _, v in folder_only.branch.options] == [str(secret.resolve()), str(served.resolve())]
    assert folder_only.value == str(secret.resolve())  # nothing typed: the folder's workspaces are offered

    dash = Dashboard(DASHBOARDS["staffing"], workspace=secret, background=False, env=env).start()
    assert dash.message.level == "error"
    assert f"Workspace {secret} is not served by this dashboard server" in dash.message.text
    assert dash.data is None


def test_the_cli_refuses_a_workspace_dir_that_is_not_a_folder(tmp_path: Path):
    from typer.testing import CliRunner

    from rotacc_lab.cli import app

    result = CliRunner().invoke(app, ["dashboards", "--workspace-dir", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert f"--workspace-dir: {tmp_path / 'nope'} is not a folder" in result.output
