"""Hidden files beside a workspace, named after their owner process, and their clean-up.

An import builds the new workspace in ``.WS.import-HOST-PID-START.tmp`` (and
DuckDB adds ``.wal`` and a ``.tmp`` spill folder to that), a branch copies into
``.NEW.branch-HOST-PID-START.tmp``, and a waiting writer announces itself with
``.WS.write-intent-HOST-PID-START-THREAD``. A process killed with ``kill -9``
cannot remove its own, so :func:`sweep` - called by every command that opens the
workspace - removes those whose owner is gone. It only ever removes files of a
dead process on this host: a live owner's file is in use, and a file from another
host (a shared disk) cannot be judged from here. Names from before owners were
recorded (``.WS.import-PID.tmp``) are judged by the PID alone.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

from . import processes
from .processes import Liveness, ProcessId

KINDS = ("import", "branch")
_TEMP = re.compile(r"\.(?P<ws>.+)\.(?P<kind>import|branch)-(?P<owner>[^/]+?)\.tmp(?P<extra>\.wal|\.tmp)?")
_INTENT = re.compile(r"\.(?P<ws>.+)\.write-intent-(?P<owner>[^/]+)-(?P<thread>[0-9]+)")


def temp_path(target: Path, kind: str) -> Path:
    """The hidden temporary file beside ``target`` that this process uses for ``kind``."""
    assert kind in KINDS
    return target.with_name(f".{target.name}.{kind}-{processes.current().token()}.tmp")


def intent_path(target: Path) -> Path:
    """This thread's writer-intent marker beside ``target``."""
    return target.with_name(f".{target.name}.write-intent-{processes.current().token()}-{threading.get_ident()}")


def intent_prefix(target: Path) -> str:
    return f".{target.name}.write-intent-"


def _owner(text: str) -> ProcessId | None:
    if text.isdigit():  # the old ".WS.import-PID.tmp": this host, start time unknown
        return ProcessId(processes.current().host, int(text), None)
    return processes.parse_token(text)


def owner_of(name: str, workspace_name: str) -> ProcessId | None:
    """The owner encoded in a leftover's file name, or ``None`` if ``name`` is not one of ``workspace_name``'s."""
    m = _TEMP.fullmatch(name) or _INTENT.fullmatch(name)
    if m is None or m["ws"] != workspace_name:
        return None
    return _owner(m["owner"])


def sweep(target: str | Path) -> list[Path]:
    """Remove the leftovers beside ``target`` whose owner process is gone; return what was removed."""
    target = Path(target)
    prefix = f".{target.name}."
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(target.parent) if e.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in entries:
        owner = owner_of(entry.name, target.name)
        if owner is None or processes.liveness(owner) is not Liveness.GONE:
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass  # another process swept it first
        except OSError:
            continue  # not ours to remove (permissions): leave it
        removed.append(path)
    return removed
