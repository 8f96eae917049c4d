"""Files the project writes are private: new files 0600, new folders 0700, whatever the umask.

Workspaces, exports, reports, calendars and sweep results hold health data
(sick leave, leave reasons), so nothing the project creates is readable by other
users of the machine. One rule, used everywhere:

* a **new** file is created ``0600`` (a new folder ``0700``) - the mode is set
  with ``fchmod``/``chmod``, not left to the umask;
* an **existing** file that is overwritten keeps its mode: whoever made a file
  group-readable on purpose keeps that choice (an import likewise keeps the mode
  the workspace had).

:func:`open_private` is the one way to open a file for writing; the
``write_private_*`` helpers wrap it. For files that a library creates itself
(DuckDB's database and ``.wal``; papermill's output notebook) see
:func:`private_umask` and :func:`reserve_private`.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

FILE_MODE = 0o600
DIR_MODE = 0o700


def open_private(path: str | Path, mode: str = "w", *, encoding: str | None = None, newline: str | None = None,
                 keep_mode: bool = True) -> IO[Any]:
    """Open ``path`` for writing (``"w"``, ``"wb"``, ``"a"``, ``"ab"``, ``"x"``, ``"xb"``).

    A file that does not exist yet is created ``0600``. An existing file keeps its
    mode when ``keep_mode`` (the default), else it is set to ``0600`` too.
    """
    if mode.replace("b", "") not in ("w", "a", "x"):
        raise ValueError(f"open_private: mode {mode!r} is not accepted; give 'w', 'a' or 'x' (with 'b' for bytes)")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= {"w": os.O_TRUNC, "a": os.O_APPEND, "x": os.O_EXCL}[mode.replace("b", "")]
    existed = os.path.exists(path)
    fd = os.open(path, flags, FILE_MODE)
    try:
        if not (existed and keep_mode):
            os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away; never added any
        if "b" in mode:
            return os.fdopen(fd, mode)
        return os.fdopen(fd, mode, encoding=encoding or "utf-8", newline=newline)
    except BaseException:
        os.close(fd)
        raise


def write_private_text(path: str | Path, text: str, *, encoding: str = "utf-8", newline: str | None = None) -> None:
    with open_private(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)


def write_private_bytes(path: str | Path, data: bytes) -> None:
    with open_private(path, "wb") as fh:
        fh.write(data)


def copy_private(source: str | Path, target: str | Path) -> None:
    """Copy a file's bytes into ``target`` (created ``0600``; see :func:`open_private`)."""
    with open(source, "rb") as src, open_private(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def reserve_private(path: str | Path) -> Path:
    """Make sure ``path`` exists (an empty ``0600`` file if it did not) so that a library
    which opens it with plain ``open(path, "w")`` keeps the private mode (truncating a
    file keeps its mode)."""
    path = Path(path)
    if not path.exists():
        open_private(path, "xb").close()
    return path


def make_private_dir(path: str | Path) -> Path:
    """``mkdir -p`` where every folder created is ``0700``; existing folders keep their mode."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs, keep its mode
        os.chmod(folder, DIR_MODE)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a folder")
    return path


_umask_lock = threading.Lock()
_umask_depth = 0
_umask_saved = 0


@contextmanager
def private_umask() -> Iterator[None]:
    """Hold the process umask at ``077`` for the block, so that files a library creates
    itself (DuckDB's ``.wal`` and spill folder) come out ``0600``/``0700``.

    The umask is process-wide, so this is reference-counted across threads: the first
    block to enter sets ``077``, the last to leave restores the old umask. Meanwhile
    files other threads create are at most *more* private than they would have been.
    """
    global _umask_depth, _umask_saved
    with _umask_lock:
        if _umask_depth == 0:
            _umask_saved = os.umask(0o077)
        _umask_depth += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_depth -= 1
            if _umask_depth == 0:
                os.umask(_umask_saved)
