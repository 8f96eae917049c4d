"""Settings <-> flat dotted keys <-> ``settings.toml``.

One vocabulary of dotted keys (``practice.name``, ``staffing.min_doctors.mon``,
``reporting_periods.Q1.start`` ...) is used in three places: the ``[sections]``
of ``settings.toml``, the two-column ``settings`` sheet of an xlsx workbook and
the ``settings`` table of a workspace. Parsing is strict: unknown keys and bad
values become :class:`~rotacc_lab.errors.Problem` entries naming the key, the
value and what is accepted; missing keys take the defaults of
:class:`~rotacc_lab.domain.Settings`.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from ..domain import (
    DAYS,
    MAX_DOCTORS_PER_DAY,
    MAX_SEED,
    MAX_TIME_LIMIT_SECONDS,
    MAX_WEIGHT,
    MAX_WORKERS,
    SOFT_TERMS,
    OptimiserSettings,
    ReportingPeriod,
    Settings,
    UKNation,
)
from ..dates import DateError, parse_date
from ..errors import Problem

_DAY_KEYS = tuple(d.label.lower() for d in DAYS)


def _as_int(v: Any) -> int:
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*[+-]?\d+\s*", v):
        return int(v)
    raise ValueError


def _as_decimal(v: Any) -> Decimal:
    if isinstance(v, bool):
        raise ValueError
    try:
        d = Decimal(str(v).strip())
    except InvalidOperation:
        raise ValueError from None
    if not d.is_finite():
        raise ValueError
    return d


def _as_float(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, (int, float)):
        return float(v)
    return float(str(v).strip())


def _at_most(parse: Callable[[Any], Any], limit: float, shown: str) -> Callable[[Any], Any]:
    """``parse``, then refuse a value above ``limit`` (or not finite: inf, nan) saying ``at most shown``."""
    def bounded(v: Any) -> Any:
        x = parse(v)
        if not math.isfinite(x) or x > limit:
            raise ValueError(f"at most {shown}")
        return x
    return bounded


_DOCTORS = _at_most(_as_int, MAX_DOCTORS_PER_DAY, f"{MAX_DOCTORS_PER_DAY:,} doctors a day")


def _as_date(v: Any) -> date:
    if isinstance(v, datetime) and v.time() == datetime.min.time():
        return v.date()  # a workbook cell holding a date
    return parse_date(v if isinstance(v, (date, str)) else str(v))


def _as_str(v: Any) -> str:
    if isinstance(v, (dict, list)):
        raise ValueError
    if (bad := next((ch for ch in str(v) if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f), None)) is not None:
        raise ValueError(f"no control characters; it contains U+{ord(bad):04X}")
    return str(v)  # kept exactly: a TOML string or a workbook cell is the name as typed


def _as_nation(v: Any) -> UKNation:
    return UKNation.parse(str(v).strip().replace(" ", "_"))


# key -> (parser, description of accepted values)
_FIXED: dict[str, tuple[Callable[[Any], Any], str]] = {
    "practice.name": (_as_str, "text"),
    "practice.uk_nation": (_as_nation, "england, wales, scotland or northern_ireland"),
    **{f"staffing.min_doctors.{d}": (_DOCTORS, "an integer >= 0") for d in _DAY_KEYS},
    "staffing.duty_doctors_per_day": (_DOCTORS, "an integer >= 0"),
    "staffing.duty_doctors_post_bank_holiday": (_DOCTORS, "an integer >= 0"),
    "targets.target_working_days_per_week": (_as_decimal, "a number in (0, 5]"),
    "rota.fixed_period_weeks": (_as_int, "an integer >= 0"),
    "optimiser.time_limit_seconds": (_at_most(_as_float, MAX_TIME_LIMIT_SECONDS,
                                              f"{MAX_TIME_LIMIT_SECONDS:,.0f} (one day)"), "a number of seconds > 0"),
    "optimiser.num_workers": (_at_most(_as_int, MAX_WORKERS, f"{MAX_WORKERS}"), "an integer >= 0 (0 = automatic)"),
    "optimiser.seed": (_at_most(_as_int, MAX_SEED, f"{MAX_SEED}"), "an integer >= 0"),
    "optimiser.relative_gap_limit": (_as_float, "a fraction in [0, 1), e.g. 0.001 for 0.1 %"),
    **{f"optimiser.weights.{s}": (_at_most(_as_int, MAX_WEIGHT, f"{MAX_WEIGHT:,}"), "an integer >= 0")
       for s in SOFT_TERMS},
}
# the period name is everything between the prefix and the last dot, so a name may hold dots
_PERIOD_RE = re.compile(r"^reporting_periods\.(?P<name>.+)\.(?P<field>start|end)$", re.S)

_ON_RE = re.compile(r"^staffing\.min_doctors_on\.(?P<day>[^.]+)$")

ACCEPTED_KEYS = tuple(_FIXED) + ("reporting_periods.NAME.start", "reporting_periods.NAME.end",
                                 "staffing.min_doctors_on.YYYY-MM-DD")


def flatten_nested(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}`` (leaves are anything that is not a mapping)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            if not v:
                out[key] = v
            out.update(flatten_nested(v, key + "."))
        else:
            out[key] = v
    return out


def parse_flat(
    flat: Mapping[str, Any], source: str, rows: Mapping[str, int] | None = None
) -> tuple[Settings | None, list[Problem]]:
    """Build :class:`Settings` from dotted keys; return ``(settings or None, problems)``.

    ``rows`` maps a key to its 1-based row (xlsx settings sheet) for the problem report.
    """
    rows = rows or {}
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    periods: dict[str, dict[str, date | None]] = {}

    def bad(key: str, value: Any, message: str) -> None:
        problems.append(Problem(source, rows.get(key), key, value, message))

    on_dates: dict[date, int] = {}
    for key, raw in flat.items():
        on = _ON_RE.match(key)
        if on:
            try:
                day = parse_date(on["day"], key)
            except DateError as err:
                bad(key, on["day"], "the date after staffing.min_doctors_on. " + err.reason)
                continue
            try:
                on_dates[day] = _DOCTORS(raw)
            except (ValueError, TypeError) as err:
                bad(key, raw, "is not accepted; give an integer >= 0" + (f" ({err})" if str(err) else ""))
            continue
        m = _PERIOD_RE.match(key)
        if m:
            try:
                periods.setdefault(m["name"], {})[m["field"]] = _as_date(raw)
            except DateError as err:
                bad(key, raw, err.reason)
                periods.setdefault(m["name"], {})[m["field"]] = None  # given, though bad: no "needs both" cascade
            continue
        if key not in _FIXED:
            section = key.split(".")[0]
            bad(
                key,
                None,
                f"unknown settings key{' (unknown section ' + repr(section) + ')' if not any(k.startswith(section + '.') for k in ACCEPTED_KEYS) else ''};"
                f" accepted keys: {', '.join(ACCEPTED_KEYS)}",
            )
            continue
        parse, accepted = _FIXED[key]
        try:
            values[key] = parse(raw)
        except (ValueError, TypeError) as err:
            detail = str(err) if isinstance(err, ValueError) and str(err) else ""
            bad(key, raw, f"is not accepted; give {accepted}" + (f" ({detail})" if detail else ""))
    for name, fields in periods.items():
        for f in ("start", "end"):
            if f not in fields:
                bad(f"reporting_periods.{name}.{f}", None, f"reporting period {name!r} needs both start and end")
    if problems:
        return None, problems

    defaults = Settings()
    kwargs: dict[str, Any] = {}
    if "practice.name" in values:
        kwargs["practice_name"] = values["practice.name"]
    if "practice.uk_nation" in values:
        kwargs["uk_nation"] = values["practice.uk_nation"]
    mins = dict(defaults.min_doctors)
    for day, label in zip(DAYS, _DAY_KEYS):
        if f"staffing.min_doctors.{label}" in values:
            mins[day] = values[f"staffing.min_doctors.{label}"]
    kwargs["min_doctors"] = mins
    kwargs["min_doctors_on"] = on_dates
    for key, attr in (
        ("staffing.duty_doctors_per_day", "duty_doctors_per_day"),
        ("staffing.duty_doctors_post_bank_holiday", "duty_doctors_post_bank_holiday"),
        ("targets.target_working_days_per_week", "target_working_days_per_week"),
        ("rota.fixed_period_weeks", "fixed_period_weeks"),
    ):
        if key in values:
            kwargs[attr] = values[key]
    kwargs["reporting_periods"] = tuple(
        ReportingPeriod(name, f["start"], f["end"]) for name, f in sorted(periods.items(), key=lambda kv: kv[1]["start"])
    )
    opt = defaults.optimiser
    weights = dict(opt.weights)
    for s in SOFT_TERMS:
        if f"optimiser.weights.{s}" in values:
            weights[s] = values[f"optimiser.weights.{s}"]
    try:
        kwargs["optimiser"] = OptimiserSettings(
            time_limit_seconds=values.get("optimiser.time_limit_seconds", opt.time_limit_seconds),
            num_workers=values.get("optimiser.num_workers", opt.num_workers),
            seed=values.get("optimiser.seed", opt.seed),
            weights=weights,
            relative_gap_limit=values.get("optimiser.relative_gap_limit", opt.relative_gap_limit),
        )
        return Settings(**kwargs), []
    except ValueError as err:
        return None, [Problem(source, None, None, None, str(err))]


def to_flat(settings: Settings) -> dict[str, Any]:
    """Settings as dotted keys with JSON/TOML-friendly values (dates as ``date``, decimals as ``Decimal``)."""
    flat: dict[str, Any] = {
        "practice.name": settings.practice_name,
        "practice.uk_nation": settings.uk_nation.value.lower(),
    }
    for day, label in zip(DAYS, _DAY_KEYS):
        flat[f"staffing.min_doctors.{label}"] = settings.min_doctors[day]
    for day, n in settings.min_doctors_on.items():
        flat[f"staffing.min_doctors_on.{day.isoformat()}"] = n
    flat["staffing.duty_doctors_per_day"] = settings.duty_doctors_per_day
    flat["staffing.duty_doctors_post_bank_holiday"] = settings.duty_doctors_post_bank_holiday
    flat["targets.target_working_days_per_week"] = settings.target_working_days_per_week
    flat["rota.fixed_period_weeks"] = settings.fixed_period_weeks
    for p in settings.reporting_periods:
        flat[f"reporting_periods.{p.name}.start"] = p.start
        flat[f"reporting_periods.{p.name}.end"] = p.end
    o = settings.optimiser
    flat["optimiser.time_limit_seconds"] = float(o.time_limit_seconds)
    flat["optimiser.num_workers"] = o.num_workers
    flat["optimiser.seed"] = o.seed
    flat["optimiser.relative_gap_limit"] = float(o.relative_gap_limit)
    for s in SOFT_TERMS:
        flat[f"optimiser.weights.{s}"] = o.weights.get(s, 0)
    return flat


def to_json_values(settings: Settings) -> dict[str, str]:
    """Dotted key -> JSON text, for the workspace ``settings`` table."""
    out = {}
    for k, v in to_flat(settings).items():
        if isinstance(v, (date, Decimal)):
            v = str(v)
        out[k] = json.dumps(v)
    return out


def from_json_values(rows: Mapping[str, str]) -> Settings:
    """Inverse of :func:`to_json_values`; a stored workspace is trusted but still checked."""
    settings, problems = parse_flat({k: json.loads(v) for k, v in rows.items()}, "workspace settings table")
    if settings is None:
        from ..errors import ValidationError

        raise ValidationError(problems, context="workspace settings table")
    return settings


def _toml_value(v: Any) -> Any:
    """A value tomli-w can write: a decimal becomes a TOML float when that is exact, else a string."""
    if isinstance(v, Decimal):
        return float(v) if Decimal(repr(float(v))) == v else str(v)
    return v


def render_toml(settings: Settings) -> str:
    """``settings.toml`` text with every key spelled out (defaults included), in a fixed order.

    Written by tomli-w, so any practice or period name (quotes, backslashes,
    control characters, U+007F ...) is escaped as TOML requires and reads back
    unchanged.
    """
    import tomli_w

    doc: dict[str, Any] = {}
    for key, value in to_flat(settings).items():
        m = _PERIOD_RE.match(key)
        path = ["reporting_periods", m["name"], m["field"]] if m else key.split(".")
        node = doc
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = _toml_value(value)
    return "# rotacc-lab practice settings (see docs/data-format.md)\n\n" + tomli_w.dumps(doc)
