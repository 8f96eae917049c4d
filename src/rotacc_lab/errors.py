"""Exceptions that carry a message meant for a rota lead, not a traceback.

The CLI, notebooks and dashboards catch ``RotaccError`` and show ``str(err)``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator


class RotaccError(Exception):
    """Base class: the message is complete and user-facing."""


@dataclass(frozen=True)
class Problem:
    """One validation finding: where it is, what was found, what is accepted."""

    source: str  # file or sheet name, or "parameter"
    row: int | None  # 1-based data row (header excluded); None for whole-file problems
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.message}{shown}"


class ValidationError(RotaccError, ValueError):
    """Several problems found before anything was written."""

    def __init__(self, problems: list[Problem], context: str = "input"):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in {context}; nothing was written:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


@contextmanager
def os_errors_as(what: str) -> Iterator[None]:
    """Turn an ``OSError`` in the block into ``RotaccError("what: reason")`` (a full disk, a folder
    that cannot be written); a ``RotaccError`` that is also an ``OSError`` passes unchanged."""
    try:
        yield
    except OSError as err:
        if isinstance(err, RotaccError):
            raise
        raise RotaccError(f"{what}: {err.strerror or err}") from None


class WorkspaceNotFound(RotaccError, FileNotFoundError):
    pass


class WorkspaceBusy(RotaccError):
    pass


class RunConflict(RotaccError):
    """A generation run overlaps a run that is still active."""
