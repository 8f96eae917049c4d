"""One validated request for a generation run, built the same way by every entry point.

The CLI (``generate``, ``rebalance``), the notebooks, the sweeps and the
dashboards all turn their parameters into a :class:`GenerationRequest` with
:meth:`GenerationRequest.build`, so every parameter is checked once, in one
place, with one message per mistake (naming the parameter, the value and what
is accepted), and means the same thing everywhere:

``seed``
    THE seed of the run: phase 6's duty shuffle and CP-SAT's random seed.
    ``None`` = the workspace's ``optimiser.seed`` for both.
``time_limit_seconds``, ``workers``, ``weights``
    Overrides of the workspace's optimiser settings for this run (``None`` /
    empty = the workspace's own). ``workers=1`` is CP-SAT's reproducible mode.
``today``
    ``overwrite`` never deletes shifts dated before it (default: the real date
    when the run is written; a pure plan has no past to protect unless given).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from ..domain import MAX_SEED, MAX_TIME_LIMIT_SECONDS, MAX_WEIGHT, MAX_WORKERS, SOFT_TERMS, OptimiserSettings
from ..errors import RotaccError

ALL_PHASES = (1, 2, 3, 4, 5, 6)

#: the longest solve accepted (one day); longer means a mistake (e.g. inf); MAX_SEED is CP-SAT's limit
MAX_TIME_LIMIT = MAX_TIME_LIMIT_SECONDS


class RequestError(RotaccError, ValueError):
    """A generation parameter is wrong; the message names it, the value given and what is accepted."""


def _date(value: object, name: str) -> date:
    from ..dates import parse_date

    try:
        return parse_date(value, name)
    except ValueError as err:
        raise RequestError(str(err)) from None


def parse_seed(value: object, name: str = "seed") -> int:
    """A seed: an integer from 0 to :data:`MAX_SEED` (CP-SAT's limit)."""
    return _int(value, name, 0, MAX_SEED, f"an integer >= 0 (at most {MAX_SEED})")


def parse_workers(value: object, name: str = "workers") -> int:
    """CP-SAT workers: 0 (CP-SAT chooses), 1 (reproducible) or more, at most 64."""
    return _int(value, name, 0, MAX_WORKERS,
                f"an integer >= 0 (at most {MAX_WORKERS}; 0 = CP-SAT chooses, 1 = reproducible)")


def _int(value: object, name: str, lo: int, hi: int, what: str) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise RequestError(f"{name}: {value!r} is not accepted; give {what}")
    return value


def _bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise RequestError(f"{name}: {value!r} is not accepted; give True or False")
    return value


def parse_phases(value: object, name: str = "phases") -> tuple[int, ...]:
    """Phases from 1..6: a list, ``"1,2,5"``, a single int, or ``None``/``"all"`` (every phase); sorted."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "all")):
        return ALL_PHASES
    items: Iterable[object]
    if isinstance(value, str):
        items = [p.strip() for p in value.split(",") if p.strip()]
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise RequestError(f"{name}: {value!r} is not accepted; give phase numbers from 1..6, e.g. 1,2,3 or 'all'")
    out: set[int] = set()
    for p in items:
        n = int(p) if isinstance(p, str) and p.isdigit() else p
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 6:
            raise RequestError(f"{name}: {p!r} is not a phase; accepted: 1..6 (e.g. 1,2,3,4,5,6, or 'all')")
        out.add(n)
    if not out:
        raise RequestError(f"{name}: empty (no phase given); give phase numbers from 1..6, e.g. 1,2,3,4,5,6")
    return tuple(sorted(out))


def parse_weight(term: str, value: object, name: str = "weights") -> int:
    """One objective weight: a whole number from 0 to :data:`MAX_WEIGHT` (``5.0`` is taken as 5)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(f"{name}.{term}: {value!r} is not a number; give an integer >= 0")
    if isinstance(value, float) and not value.is_integer():
        raise RequestError(f"{name}.{term}: {value!r} is not a whole number; give an integer >= 0")
    if value < 0:
        raise RequestError(f"{name}.{term}: {value!r} is negative; give an integer >= 0")
    if value > MAX_WEIGHT:
        raise RequestError(f"{name}.{term}: {value!r} is too large; give an integer >= 0 and at most {MAX_WEIGHT}")
    return int(value)


def parse_term(key: object, name: str = "weights") -> str:
    """A soft-term name (any case) -> ``"S5"``; unknown names raise."""
    term = str(key).strip().upper()
    if term not in SOFT_TERMS:
        raise RequestError(f"{name}: unknown term name {key!r}; accepted: {', '.join(SOFT_TERMS)}")
    return term


def parse_weights(value: object, name: str = "weights") -> dict[str, int]:
    """Weight overrides ``{"S5": 50, ...}`` (a mapping or a JSON object; term names in any case); ``None`` = none."""
    import json

    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as err:
            raise RequestError(f"{name}: {value!r} is not valid JSON ({err.msg}); give an object such as "
                               '{"S5": 50, "S11": 500}') from None
    if not isinstance(value, Mapping):
        raise RequestError(f"{name}: {value!r} is not accepted; give a mapping of term name to weight, "
                           'e.g. {"S5": 50, "S11": 500}')
    out: dict[str, int] = {}
    unknown = []
    for key, w in value.items():
        term = str(key).strip().upper()
        if term not in SOFT_TERMS:
            unknown.append(str(key))
            continue
        out[term] = parse_weight(term, w, name)
    if unknown:
        raise RequestError(f"{name}: unknown term name(s) {', '.join(map(repr, unknown))}; "
                           f"accepted: {', '.join(SOFT_TERMS)}")
    return out


def parse_time_limit(value: object, name: str = "time_limit_seconds") -> float | None:
    """Seconds for the CP-SAT solve: a finite number in (0, 86400], or ``None`` (the workspace's setting)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 < value <= MAX_TIME_LIMIT:
        raise RequestError(f"{name}: {value!r} is not accepted; give a number of seconds > 0 and at most "
                           f"{MAX_TIME_LIMIT:g}")
    return float(value)


@dataclass(frozen=True)
class GenerationRequest:
    """A generation run's parameters, validated (build it with :meth:`build`)."""

    start: date
    end: date
    phases: tuple[int, ...] = ALL_PHASES
    seed: int | None = None
    overwrite: bool = False
    mondays_only: bool = False
    skip_mondays: bool = False
    period_start: date | None = None
    time_limit_seconds: float | None = None
    workers: int | None = None
    weights: Mapping[str, int] = field(default_factory=dict)
    today: date | None = None

    @classmethod
    def build(cls, start: object, end: object, *, phases: object = None, seed: object = None,
              overwrite: object = False, mondays_only: object = False, skip_mondays: object = False,
              period_start: object = None, time_limit_seconds: object = None, workers: object = None,
              weights: object = None, today: object = None,
              names: Mapping[str, str] | None = None) -> "GenerationRequest":
        """Check every parameter (dates as ``date`` or ISO text); raise :class:`RequestError` at the first bad one.

        ``names`` renames parameters in messages (the CLI passes ``{"start": "--start", ...}``).
        """
        n = {k: k for k in ("start", "end", "phases", "seed", "overwrite", "mondays_only", "skip_mondays",
                            "period_start", "time_limit_seconds", "workers", "weights", "today")}
        n.update(names or {})
        d0, d1 = _date(start, n["start"]), _date(end, n["end"])
        if d1 < d0:
            raise RequestError(f"{n['end']}: {d1} is before start {d0}; give an end on or after the start")
        if (d1 - d0).days > 3 * 366:
            raise RequestError(f"{n['end']}: {d0}..{d1} spans {(d1 - d0).days + 1} days; generate at most three "
                               "years at once")
        mo, sk = _bool(mondays_only, n["mondays_only"]), _bool(skip_mondays, n["skip_mondays"])
        if mo and sk:
            raise RequestError("mondays_only and skip_mondays were both set; they exclude each other: give at most "
                               "one of them")
        ps = None if period_start is None else _date(period_start, n["period_start"])
        if ps is not None and ps > d0:
            raise RequestError(f"{n['period_start']}: {ps} is after start {d0}; give a date on or before the start")
        return cls(
            start=d0,
            end=d1,
            phases=parse_phases(phases, n["phases"]),
            seed=None if seed is None else parse_seed(seed, n["seed"]),
            overwrite=_bool(overwrite, n["overwrite"]),
            mondays_only=mo,
            skip_mondays=sk,
            period_start=ps,
            time_limit_seconds=parse_time_limit(time_limit_seconds, n["time_limit_seconds"]),
            workers=None if workers is None else parse_workers(workers, n["workers"]),
            weights=MappingProxyType(parse_weights(weights, n["weights"])),
            today=None if today is None else _date(today, n["today"]),
        )

    def with_(self, **changes: Any) -> "GenerationRequest":
        """A copy with some parameters replaced, validated again."""
        values = {k: getattr(self, k) for k in ("start", "end", "phases", "seed", "overwrite", "mondays_only",
                                                  "skip_mondays", "period_start", "time_limit_seconds", "workers",
                                                  "weights", "today")}
        values.update(changes)
        start, end = values.pop("start"), values.pop("end")
        return GenerationRequest.build(start, end, **{k: dict(v) if k == "weights" else v for k, v in values.items()})

    def effective_seed(self, base: OptimiserSettings) -> int:
        return base.seed if self.seed is None else self.seed

    def optimiser(self, base: OptimiserSettings) -> OptimiserSettings:
        """The workspace's optimiser settings with this run's overrides (and its one seed)."""
        weights = dict(base.weights)
        weights.update(self.weights)
        return replace(
            base,
            time_limit_seconds=base.time_limit_seconds if self.time_limit_seconds is None else self.time_limit_seconds,
            num_workers=base.num_workers if self.workers is None else self.workers,
            seed=self.effective_seed(base),
            weights=weights,
        )

    def record(self, base: OptimiserSettings) -> dict[str, Any]:
        """What the run record keeps: every parameter as it was applied (JSON-friendly)."""
        opt = self.optimiser(base)
        return {
            "seed": opt.seed,
            "overwrite": self.overwrite,
            "mondays_only": self.mondays_only,
            "skip_mondays": self.skip_mondays,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "time_limit_seconds": opt.time_limit_seconds,
            "workers": opt.num_workers,
            "mode": "reproducible" if opt.num_workers == 1 else "parallel",
            "weights_overridden": dict(self.weights),
            "today": self.today.isoformat() if self.today else None,
        }
