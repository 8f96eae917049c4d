"""Result cache keyed by workspace identity, data version and arguments.

A dashboard that asks for the same status table twice should not recompute it, and
any write to the workspace (which bumps ``PracticeSnapshot.data_version``) must make
old results unreachable. Keys are therefore::

    (workspace identity, snapshot.data_version, function name, positional args, keyword args)

The workspace identity is supplied by the caller (e.g. the resolved path of the
DuckDB file) because a snapshot does not know where it came from. Snapshots built in
memory and changed without bumping ``data_version`` must use a distinct identity.

The cache is a bounded LRU, thread-safe, and counts hits and misses.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

from ..domain import PracticeSnapshot

__all__ = ["CacheStats", "CalculationCache", "default_cache", "cached_call", "workspace_key"]

T = TypeVar("T")


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    size: int
    maxsize: int

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


def workspace_key(workspace: object) -> str:
    """A stable identity for a workspace: the resolved path for paths, else ``str``."""
    if isinstance(workspace, (str, Path)):
        return str(Path(workspace).expanduser().resolve())
    path = getattr(workspace, "path", None)
    if isinstance(path, (str, Path)):
        return str(Path(path).expanduser().resolve())
    if not isinstance(workspace, Hashable):
        raise TypeError(f"workspace: {workspace!r} cannot identify a workspace; give its path or a string id")
    return str(workspace)


def _freeze(value: Any) -> Hashable:
    """Make argument values hashable (lists/sets/dicts become tuples) for the key."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    hash(value)  # raises TypeError for unhashable arguments: better than a wrong hit
    return value


class CalculationCache:
    """Bounded LRU cache of calculation results."""

    def __init__(self, maxsize: int = 256):
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"maxsize: {maxsize!r} is not accepted; give an integer >= 1")
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def call(self, workspace: object, snap: PracticeSnapshot, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(snap, *args, **kwargs)``, cached under (workspace, data_version, fn, args, kwargs)."""
        key = (
            workspace_key(workspace),
            snap.data_version,
            f"{fn.__module__}.{fn.__qualname__}",
            _freeze(args),
            _freeze(kwargs),
        )
        with self._lock:
            if key in self._data:
                self.hits += 1
                self._data.move_to_end(key)
                return self._data[key]
            self.misses += 1
        value = fn(snap, *args, **kwargs)  # computed outside the lock: slow calls do not block readers
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        """Drop every entry and reset the counters."""
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, len(self._data), self.maxsize)

    def __len__(self) -> int:
        return len(self._data)

    def wrap(self, fn: Callable[..., T]) -> Callable[..., T]:
        """Decorator form: the wrapped function takes ``workspace`` first, then ``fn``'s arguments."""

        @functools.wraps(fn)
        def wrapper(workspace: object, snap: PracticeSnapshot, *args: Any, **kwargs: Any) -> T:
            return self.call(workspace, snap, fn, *args, **kwargs)

        return wrapper


#: Process-wide cache used by :func:`cached_call` (dashboards, the CLI).
default_cache = CalculationCache()


def cached_call(workspace: object, snap: PracticeSnapshot, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """:meth:`CalculationCache.call` on :data:`default_cache`."""
    return default_cache.call(workspace, snap, fn, *args, **kwargs)
