"""``rotacc-lab dashboards``: serve the Voila dashboards on 127.0.0.1.

Voila runs as a child process in its own process group, serving the
``dashboards/`` folder with this interpreter's ``python3`` kernel. The
workspace is passed to the dashboards' kernels through ``ROTACC_WORKSPACE``.
``ROTACC_BUSY_TIMEOUT`` is set to 1 s for them (unless already set), so a
dashboard reports "workspace busy, retrying…" after a second instead of after
the store's default of 10 s while a notebook or the CLI writes.

Only whom the dashboards are meant for can read them: requests whose ``Host``
header is not a loopback name (localhost, 127.0.0.1, ::1) are refused with 403
(Jupyter server's own check, switched on through Voila's ``tornado_settings``),
every page needs the server's token (printed in the URLs, kept out of the
command line: Voila reads it from ``JUPYTER_TOKEN``), and the Workspace box opens
only the workspaces given on the command line or inside ``--workspace-dir``
(:mod:`rotacc_lab.ui.access`).

Ctrl-C stops the server cleanly: the whole process group (Voila and the
kernels it started) gets SIGTERM, then SIGKILL if it lingers.

:func:`voila_server` is the reusable piece (tests and benchmarks use it);
:func:`serve_dashboards` is what the command and the demo call.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Mapping

import typer

from ..errors import RotaccError

HOST = "127.0.0.1"
#: env var naming another folder of dashboard notebooks (default: the repository's ``dashboards/``)
ENV_DASHBOARDS_DIR = "ROTACC_DASHBOARDS_DIR"


def dashboards_dir() -> Path:
    """The folder of dashboard notebooks (``$ROTACC_DASHBOARDS_DIR`` or the shipped ``dashboards/``)."""
    override = os.environ.get(ENV_DASHBOARDS_DIR)
    if override:
        folder = Path(override)
    else:
        from ..resources import bundled_dir

        folder = bundled_dir("dashboards")
    if not folder.is_dir() or not any(folder.glob("*.ipynb")):
        raise RotaccError(
            f"dashboards folder {folder} has no notebooks; reinstall rotacc-lab or set "
            f"{ENV_DASHBOARDS_DIR} to the folder holding partner_wte.ipynb and the others"
        )
    return folder


def dashboard_notebooks(folder: Path | None = None) -> list[str]:
    """Notebook file names served, in the order of ``rotacc_lab.ui.DASHBOARDS`` then any others."""
    from ..ui.dashboard import DASHBOARDS

    folder = folder or dashboards_dir()
    present = sorted(p.name for p in folder.glob("*.ipynb"))
    known = [spec.notebook for spec in DASHBOARDS.values() if spec.notebook in present]
    return known + [name for name in present if name not in known]


def dashboard_urls(base_url: str, folder: Path | None = None, token: str | None = None) -> dict[str, str]:
    """``{notebook: url}`` for every dashboard served at ``base_url`` (with ``?token=`` when given)."""
    base = base_url.rstrip("/")
    token = token if token is not None else getattr(base_url, "token", None)
    query = f"?token={token}" if token else ""
    return {name: f"{base}/voila/render/{name}{query}" for name in dashboard_notebooks(folder)}


class ServedBase(str):
    """The base URL of a running server (a ``str``), with its ``token`` and :meth:`url`."""

    token: str

    def __new__(cls, base: str, token: str) -> "ServedBase":
        self = super().__new__(cls, base)
        self.token = token
        return self

    def url(self, path: str = "/") -> str:
        """``base + path`` with the token as a query parameter."""
        sep = "&" if "?" in path else "?"
        return f"{self}{path}{sep}token={self.token}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def check_port(port: int | None) -> int:
    """``port`` validated (1024..65535), or a free port when ``None``."""
    if port is None:
        return free_port()
    if isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535:
        raise RotaccError(f"--port: {port!r} is not accepted; give a port number from 1024 to 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            raise RotaccError(f"--port: {port} is already in use on {HOST}; choose another or omit --port") from None
    return port


#: seconds after which the kernel of a page nobody has open any more is shut down
CULL_IDLE_SECONDS = 300


def voila_command(
    folder: Path, port: int, preheat: bool = False, cull_idle_seconds: int = CULL_IDLE_SECONDS
) -> list[str]:
    """The Voila command line: this interpreter, bound to 127.0.0.1, no browser, no tracebacks.

    With ``preheat``, Voila keeps one kernel per dashboard that has already run the
    notebook (and so read the workspace), which makes the first render fast; when the
    page is requested the kernel re-reads the workspace only if its ``data_version``
    moved (``rotacc_lab.ui.Dashboard.watch_for_viewer``).

    Voila does not shut a page's kernel down when the tab closes, and each kernel holds
    a snapshot (~300 MB with the demo), so kernels idle for ``cull_idle_seconds`` with no
    page connected are culled; kernels with an open page and Voila's preheated pool are
    never culled.
    """
    extra = ["--preheat_kernel=True", "--pool_size=1"] if preheat else []
    cull = [
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={max(1, min(60, cull_idle_seconds // 2))}",
        "--MappingKernelManager.cull_connected=False",
    ]
    # kernels talk to Voila over Unix sockets: no TCP ports to race for with other kernels
    # on the machine, and nothing listening on the network
    transport = ["--KernelManager.transport=ipc"] if os.name == "posix" else []
    return [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        # refuse requests whose Host is not a loopback name (DNS rebinding): Jupyter server's
        # check_host, which Voila switches off unless its tornado settings turn it back on
        # (a dict literal: the key=value form would give the string "False", which is true)
        "--Voila.tornado_settings={'allow_remote_access': False, 'local_hostnames': ['localhost']}",
        # a token on every request; Voila takes it from $JUPYTER_TOKEN (see server_env)
        "--Voila.auto_token=True",
        "--show_tracebacks=False",
        "--theme=light",
        *cull,
        *transport,
        *extra,
    ]


def server_env(
    workspace: str | os.PathLike | None,
    extra: Mapping[str, str] | None = None,
    *,
    token: str | None = None,
    workspace_dir: str | os.PathLike | None = None,
) -> dict[str, str]:
    """The environment of the Voila process (and so of every dashboard kernel).

    It carries the token (``JUPYTER_TOKEN``) and the workspaces the dashboards may
    open (:class:`rotacc_lab.ui.access.WorkspacePolicy`): the default workspace
    (``workspace``, else ``$ROTACC_WORKSPACE``) and the ``*.duckdb`` files in
    ``workspace_dir``, unless ``extra`` sets the policy's variables itself.
    """
    from ..ui.access import ENV_ALLOWED, ENV_FOLDER, WorkspacePolicy

    env = dict(os.environ)
    if workspace is not None:
        env["ROTACC_WORKSPACE"] = str(Path(workspace).expanduser().resolve())
    if token is not None:
        env["JUPYTER_TOKEN"] = token
    env.setdefault("ROTACC_BUSY_TIMEOUT", "1")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    if not {ENV_ALLOWED, ENV_FOLDER} & set(extra or {}):
        env.pop(ENV_FOLDER, None)  # never inherited from the caller's environment
        default = env.get("ROTACC_WORKSPACE", "").strip()
        env.update(WorkspacePolicy.serving([default] if default else [], workspace_dir).to_env())
    return env


def wait_until_ready(url: str, proc: subprocess.Popen, timeout: float, log_path: Path | None = None) -> None:
    """Poll ``url`` until it answers; ``RotaccError`` if the server died or ``timeout`` passed."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:] if log_path and log_path.exists() else ""
            raise RotaccError(f"Voila exited with code {proc.returncode} before serving {url}\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RotaccError(f"Voila did not answer on {url} within {timeout:g} s")
        time.sleep(0.2)


def _descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (read from /proc; empty where there is no /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_process_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop Voila and every kernel it started.

    SIGTERM to Voila's process group lets it shut its kernels down; after ``grace``
    seconds the group gets SIGKILL. Kernels run in process groups of their own, so
    the ones found below Voila beforehand are killed as well in that case.
    """
    kernels = {pid: _cmdline(pid) for pid in _descendants(proc.pid)}
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid, cmdline in kernels.items():
        if cmdline and _cmdline(pid) == cmdline:  # still the same process, not a reused id
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    if proc.poll() is None:
        proc.wait(timeout=grace)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@contextmanager
def voila_server(
    workspace: str | os.PathLike | None = None,
    port: int | None = None,
    *,
    folder: Path | None = None,
    env: Mapping[str, str] | None = None,
    log: IO[str] | Path | None = None,
    ready_timeout: float = 90.0,
    preheat: bool = False,
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    token: str | None = None,
    workspace_dir: str | os.PathLike | None = None,
) -> Iterator[ServedBase]:
    """Run Voila on ``folder`` (default :func:`dashboards_dir`) and yield its base URL.

    The server is bound to 127.0.0.1, in its own process group, and stopped
    (group and kernels) when the block exits, also on an exception or Ctrl-C.
    ``log`` receives Voila's output (a path or an open file; default: a
    temporary file that is removed afterwards). Every request needs ``token``
    (default: a fresh random one); the yielded :class:`ServedBase` carries it.
    The dashboards open only ``workspace`` and the workspaces in ``workspace_dir``.
    """
    folder = folder or dashboards_dir()
    port = check_port(port)
    if workspace is not None and not Path(workspace).expanduser().is_file():
        raise RotaccError(f"--workspace: {workspace} does not exist; give the path of a .duckdb workspace")
    if workspace_dir is not None and not Path(workspace_dir).expanduser().is_dir():
        raise RotaccError(f"--workspace-dir: {workspace_dir} is not a folder; give the folder holding the workspaces")
    token = token or secrets.token_hex(24)
    own_log = log is None
    log_path = Path(tempfile.mkstemp(prefix="rotacc-voila-", suffix=".log")[1]) if own_log else None
    if isinstance(log, Path):
        log_path = log
    sink = open(log_path, "w") if log_path is not None else log  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        voila_command(folder, port, preheat, cull_idle_seconds),
        cwd=folder,
        env=server_env(workspace, env, token=token, workspace_dir=workspace_dir),
        stdin=subprocess.DEVNULL,
        stdout=sink,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = ServedBase(f"http://{HOST}:{port}", token)
    try:
        wait_until_ready(base.url("/"), proc, ready_timeout, log_path)
        yield base
    finally:
        stop_process_group(proc)
        if log_path is not None:
            sink.close()
            if own_log:
                log_path.unlink(missing_ok=True)


def serve_dashboards(
    workspace: str | os.PathLike | None,
    port: int | None = None,
    open_browser: bool = False,
    *,
    preheat: bool = True,
    workspace_dir: str | os.PathLike | None = None,
    echo=print,
) -> None:
    """Serve the dashboards until Ctrl-C, printing one URL per dashboard.

    ``workspace`` becomes the dashboards' default (``ROTACC_WORKSPACE``); with
    ``None`` the environment's value (if any) is kept and the page asks for one.
    ``preheat`` (default) keeps one kernel per dashboard ready with the workspace
    already read; when its page is requested the kernel checks ``data_version`` and
    re-reads the file if anything was written meanwhile, so the page is never stale.
    """
    with _stop_on_signals():
        try:
            with voila_server(workspace, port, preheat=preheat, workspace_dir=workspace_dir) as base:
                urls = dashboard_urls(base)
                echo(f"Voila is serving {len(urls)} dashboards on {base} (Ctrl-C to stop):")
                for name, url in urls.items():
                    echo(f"  {Path(name).stem:<16} {url}")
                if open_browser and urls:
                    import webbrowser

                    webbrowser.open(next(iter(urls.values())))
                while True:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            echo("dashboards stopped")


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into ``KeyboardInterrupt`` while serving.

    SIGINT is set explicitly because a process started in the background by a
    non-interactive shell inherits "ignore SIGINT"; SIGTERM (``kill``, process
    managers) would otherwise end Python without stopping Voila's group.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def register(app: typer.Typer) -> None:
    """Add the ``dashboards`` command to the CLI."""

    @app.command("dashboards")
    def dashboards_command(
        workspace: Path = typer.Option(
            None, "--workspace", "-w", help="Workspace (.duckdb) the dashboards open first (default: $ROTACC_WORKSPACE)."
        ),
        port: int = typer.Option(None, "--port", "-p", help="Port on 127.0.0.1 (default: a free port)."),
        workspace_dir: Path = typer.Option(
            None,
            "--workspace-dir",
            help="Folder whose *.duckdb workspaces (e.g. branches) the Workspace box may open, "
            "besides --workspace; nothing else is opened.",
        ),
        open_browser: bool = typer.Option(False, "--open/--no-open", help="Open the first dashboard in a browser."),
        preheat: bool = typer.Option(
            True,
            "--preheat/--no-preheat",
            help="Keep one kernel per dashboard ready with the data read (faster first page; "
            "re-read on request if the workspace changed).",
        ),
    ) -> None:
        """Serve the Voila dashboards (partner WTE, Monday balance, fairness, staffing) on 127.0.0.1."""
        from ..cli import fail

        try:
            serve_dashboards(
                workspace, port, open_browser, preheat=preheat, workspace_dir=workspace_dir, echo=typer.echo
            )
        except (RotaccError, ValueError) as err:
            raise fail(err)
