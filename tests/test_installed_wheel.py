"""rotacc-lab installed from its wheel, away from the checkout.

The wheel is built from a copy of the project files (so the checkout gets no
build/ folder), installed into a fresh virtualenv together with the pinned
lock (offline from pip's cache or the machine's configured package sources),
and then run from a folder outside the repository: ``--version``,
``python -m rotacc_lab``, ``demo --no-serve``, ``batch-reports`` and
``dashboards`` (one page drawn in chromium). Nothing here imports the checkout's
notebooks, dashboards or demo data: the installed package must carry them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from _dash_helpers import CHART, ROOT, assert_no_errors, chromium, new_page, require_chromium

import rotacc_lab
from rotacc_lab.commands.dashboards import free_port, stop_process_group

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

#: the project files a wheel is built from
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md")
PROJECT_DIRS = ("src", "notebooks", "dashboards", "data", "jupyter-config")
#: the folders the wheel must carry, file for file
SHIPPED = ("notebooks", "dashboards", "data")


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _shipped_files() -> set[str]:
    """Every file of the shipped folders, relative to the project root (caches and checkpoints left out)."""
    out = set()
    for name in SHIPPED:
        for path in (ROOT / name).rglob("*"):
            parts = set(path.relative_to(ROOT).parts)
            if path.is_file() and not parts & {".ipynb_checkpoints", "__pycache__"}:
                out.add(path.relative_to(ROOT).as_posix())
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, object]:
    """A wheel built from a copy of the project and a fresh venv with the lock and the wheel installed."""
    base = tmp_path_factory.mktemp("installed")
    copy = base / "project"
    copy.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, copy / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "ROTACC_DASHBOARDS_DIR")}
    wheels = base / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), "."],
         cwd=copy, env=env)
    (wheel,) = wheels.glob("rotacc_lab-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=base, env=env)
    py = venv / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--require-hashes", "--no-deps",
          "-r", str(ROOT / "requirements.lock")], cwd=base, env=env, timeout=1500)
    _run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", str(wheel)],
         cwd=base, env=env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "venv": venv, "py": py, "cli": venv / "bin" / "rotacc-lab", "env": env,
            "cwd": elsewhere}


def test_the_wheel_carries_every_notebook_dashboard_and_data_file(installed):
    with zipfile.ZipFile(installed["wheel"]) as whl:
        names = set(whl.namelist())
    bundled = {n.removeprefix("rotacc_lab/_bundled/") for n in names if n.startswith("rotacc_lab/_bundled/")}
    assert bundled == _shipped_files()
    assert "rotacc_lab/store/schema.sql" in names
    assert any(n.endswith(".data/data/etc/jupyter/jupyter_server_config.d/rotacc-lab.json") for n in names), \
        "the Jupyter hook config that strips tracked notebooks' outputs"


def test_the_installed_requirements_are_consistent(installed):
    _run([str(installed["py"]), "-m", "pip", "check"], cwd=installed["cwd"], env=installed["env"])


def test_version_from_the_script_and_from_python_m(installed):
    want = f"rotacc-lab {rotacc_lab.__version__}"
    assert _run([str(installed["cli"]), "--version"], cwd=installed["cwd"], env=installed["env"]).stdout.strip() == want
    assert _run([str(installed["py"]), "-m", "rotacc_lab", "--version"], cwd=installed["cwd"],
                env=installed["env"]).stdout.strip() == want


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    code = ("import rotacc_lab, rotacc_lab.resources as r; print(rotacc_lab.__file__); "
            "print(r.bundled_dir('notebooks')); print(r.bundled_dir('data'))")
    lines = _run([str(installed["py"]), "-c", code], cwd=installed["cwd"], env=installed["env"]).stdout.split()
    for line in lines:
        assert str(installed["venv"]) in line and str(ROOT) not in line, line


@pytest.fixture(scope="module")
def demo(installed) -> Path:
    out = installed["cwd"] / "demo-out"
    proc = _run([str(installed["cli"]), "demo", "--no-serve", "--out", str(out), "--time-limit", "10"],
                cwd=installed["cwd"], env=installed["env"], timeout=1200)
    assert "report bundle" in proc.stdout
    return out


def test_demo_runs_from_another_folder(demo):
    assert (demo / "demo.duckdb").is_file()
    html = (demo / "demo-report.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "Partner" in html
    assert list((demo / "monthly").glob("*.html")), "the monthly report notebook wrote no HTML"


def test_batch_reports_run_the_shipped_notebook(installed, demo):
    out = installed["cwd"] / "batch"
    _run([str(installed["cli"]), "batch-reports", "--workspaces", str(demo / "demo.duckdb"), "--months", "2026-02",
          "--out", str(out)], cwd=installed["cwd"], env=installed["env"], timeout=900)
    assert list(out.glob("*2026-02*.html")), sorted(p.name for p in out.iterdir())


def test_dashboards_serve_the_shipped_notebooks(installed, demo):
    require_chromium()
    port = free_port()
    proc = subprocess.Popen(
        [str(installed["cli"]), "dashboards", "-w", str(demo / "demo.duckdb"), "--port", str(port), "--no-preheat"],
        cwd=installed["cwd"], env=installed["env"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while not any("partner_wte" in line for line in lines):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        url = next(line.split()[-1] for line in lines if "partner_wte" in line)
        # the printed URL carries the server's token (issue 22 item 2); without it the page is refused
        base, _, token = url.partition("?token=")
        assert base == f"http://127.0.0.1:{port}/voila/render/partner_wte.ipynb" and len(token) >= 32, url
        with chromium() as browser:
            page = new_page(browser)
            page.goto(url)
            page.wait_for_selector(CHART, timeout=120_000)
            assert_no_errors(page)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stop_process_group(proc)
