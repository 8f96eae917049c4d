"""Which process owns a run or a temporary file, and whether that process is still alive.

A process is named by its host, its PID and its start time. The start time
matters because PIDs are reused: a run recorded by PID 4242 whose process died
is not kept alive by an unrelated process that later got PID 4242. Liveness can
only be judged on the same host; a record from another host is reported as
``ELSEWHERE`` and never treated as dead (the file may be on a shared disk).
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from enum import Enum

#: two readings of one process's start time differ by less than this (seconds)
START_TOLERANCE = 1.0


class Liveness(Enum):
    ALIVE = "alive"
    GONE = "gone"
    ELSEWHERE = "on another host"


@dataclass(frozen=True)
class ProcessId:
    host: str
    pid: int
    started: float | None  # seconds since the epoch; None when unknown (older records)

    def __str__(self) -> str:
        return f"process {self.pid} on {self.host}"

    def token(self) -> str:
        """A file-name-safe form: ``HOST-PID-STARTED`` (see :func:`parse_token`)."""
        started = "x" if self.started is None else str(int(self.started))
        return f"{safe_host(self.host)}-{self.pid}-{started}"


_TOKEN = re.compile(r"(?P<host>.+)-(?P<pid>[0-9]+)-(?P<started>[0-9]+|x)")


def parse_token(text: str) -> ProcessId | None:
    """The inverse of :meth:`ProcessId.token` (the host comes back in its file-name-safe form)."""
    m = _TOKEN.fullmatch(text)
    if m is None:
        return None
    started = None if m["started"] == "x" else float(m["started"])
    return ProcessId(m["host"], int(m["pid"]), started)


def safe_host(host: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", host) or "_"


def _start_time(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.Error, OSError):
        return None


_current: tuple[int, ProcessId] | None = None


def current() -> ProcessId:
    """This process (recomputed after a fork, since the PID changes)."""
    global _current
    pid = os.getpid()
    if _current is None or _current[0] != pid:
        _current = (pid, ProcessId(socket.gethostname(), pid, _start_time(pid)))
    return _current[1]


def liveness(p: ProcessId) -> Liveness:
    """Is ``p`` still running? Judged only on its own host."""
    import psutil

    here = current()
    if p.host not in (here.host, safe_host(here.host)):
        return Liveness.ELSEWHERE
    if p.pid == here.pid and (p.started is None or abs(p.started - (here.started or 0)) < START_TOLERANCE):
        return Liveness.ALIVE
    try:
        proc = psutil.Process(p.pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return Liveness.GONE  # killed, only waiting for its parent to collect the exit status
        started = proc.create_time()
    except psutil.NoSuchProcess:
        return Liveness.GONE
    except (psutil.AccessDenied, OSError):
        return Liveness.ALIVE  # it exists; we may not look closer
    if p.started is not None and abs(started - p.started) >= START_TOLERANCE:
        return Liveness.GONE  # the PID now belongs to a later process
    return Liveness.ALIVE
