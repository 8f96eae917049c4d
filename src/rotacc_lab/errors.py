"""Exceptions that carry a message meant for a rota lead, not a traceback.

The CLI, notebooks and dashboards catch ``RotaccError`` and show ``str(err)``.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Mapping


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
        if self.value is None:
            shown = ""
        elif len(text := repr(self.value)) > 120:  # an over-long cell: its start and its length
            shown = f" (value {text[:60]}… ({len(str(self.value)):,} characters))"
        else:
            shown = f" (value {text})"
        return f"{where}: {self.message}{shown}"


#: problems a ValidationError message lists one by one; the rest are counted by file, column and kind
SHOWN_PROBLEMS = 100
#: kinds of the remaining problems listed with their counts
SHOWN_KINDS = 20


def problem_kind(p: Problem) -> tuple[str, str | None, str]:
    """What groups problems in the summary of a long list: file, column and message."""
    return (p.source, p.column, p.message)


class ValidationError(RotaccError, ValueError):
    """Several problems found before anything was written.

    The message lists the first :data:`SHOWN_PROBLEMS` problems and counts the rest
    by file, column and kind, so 700,000 bad rows give a readable page, not 128 MB.
    ``problems`` holds the problems kept; ``omitted`` counts, per :func:`problem_kind`,
    problems a checker counted without keeping (see ``store.source``); ``total`` is both.
    """

    def __init__(self, problems: list[Problem], context: str = "input",
                 omitted: Mapping[tuple[str, str | None, str], int] | None = None):
        self.problems = list(problems)
        self.omitted = Counter(omitted or {})
        self.total = len(self.problems) + sum(self.omitted.values())
        lines = [f"{self.total:,} problem(s) in {context}; nothing was written:"]
        lines += [f"  - {p}" for p in self.problems[:SHOWN_PROBLEMS]]
        rest = Counter(problem_kind(p) for p in self.problems[SHOWN_PROBLEMS:]) + self.omitted
        if rest:
            lines.append(f"  ... and {sum(rest.values()):,} more, by file, column and kind:")
            for (source, column, message), n in rest.most_common(SHOWN_KINDS):
                where = f"{source}, column {column}" if column else source
                lines.append(f"    {n:,} x {where}: {message}")
            if len(rest) > SHOWN_KINDS:
                lines.append(f"    ({len(rest) - SHOWN_KINDS:,} other kinds, {sum(n for _, n in rest.most_common()[SHOWN_KINDS:]):,} problems)")
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
        why = cannot_write(err.filename, err).why if err.filename else (err.strerror or err)
        raise RotaccError(f"{what}: {why}") from None


class WorkspaceNotFound(RotaccError, FileNotFoundError):
    pass


class WorkspaceBusy(RotaccError):
    pass


class RunConflict(RotaccError):
    """A generation run overlaps a run that is still active."""


class CannotWrite(RotaccError):
    """A file or folder could not be written (missing folder, a file in the way, no permission, disk full)."""

    def __init__(self, path: object, why: str):
        super().__init__(f"cannot write {path}: {why}")
        self.path = path
        self.why = why


def cannot_write(path: object, err: BaseException | None = None) -> CannotWrite:
    """A :class:`CannotWrite` naming ``path`` and the cause in words.

    ``err`` is the ``OSError`` (or DuckDB IO error) that was raised; its reason
    is kept, but the message says which folder is at fault: one that does not
    exist, a part of the path that is a file, or a folder that cannot be written.
    """
    from pathlib import Path

    target = Path(str(path))
    folder = target.parent
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if isinstance(err, CannotWrite):
        return CannotWrite(target, err.why)  # the same cause, said of the file the user named
    if isinstance(err, OSError) and err.strerror:
        reason = err.strerror
    else:  # a DuckDB error: 'IO Error: Cannot open file "...": Operation not permitted'
        text = str(err).splitlines()[0] if err is not None and str(err) else "unknown cause"
        reason = text.rsplit('": ', 1)[-1] if '": ' in text else text
    if probe.exists() and not probe.is_dir():
        why = f"{probe} is a file, not a folder"
    elif probe != folder:
        why = f"folder {folder} does not exist; create it first or choose another path"
    elif isinstance(err, PermissionError) or any(s in reason for s in ("not permitted", "ermission denied",
                                                                        "Read-only file system")):
        why = f"folder {folder} cannot be written ({reason}); choose a folder you can write to"
    else:
        why = reason
    return CannotWrite(target, why)
