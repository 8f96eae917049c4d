"""The report registry: CLI name → (function, chart function, description).

To add a report: write ``report_<name>(snapshot, start, end, **opts) ->
polars.DataFrame`` in its own module, optionally a chart function in
``charts.py`` and a summary function, add one ``ReportSpec`` to ``REPORTS``
below, and add a test (see ``docs/reports.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping

import polars as pl

from ..domain import PracticeSnapshot
from . import charts
from ._frames import ReportError, check_range, data_extent
from .alerts import report_alerts
from .duty_fairness import report_duty_fairness
from .monday_balance import report_monday_balance
from .partner_wte import report_partner_wte
from .partner_wte_availability import availability_summary, report_partner_wte_availability
from .remaining_leave import report_remaining_leave
from .staffing_overview import report_staffing_overview
from .weekly_availability import report_weekly_availability


@dataclass(frozen=True)
class ReportSpec:
    """One registered report.

    ``source`` says what the function takes first: ``"snapshot"`` (a
    ``PracticeSnapshot``), ``"alerts"`` (the rows of ``Workspace.list_alerts``) or
    ``"department"`` (a ``departments.Department``; these live in ``DEPARTMENT_REPORTS``).
    ``summary`` turns the frame into scalar notes shown under the table.
    """

    name: str
    function: Callable[..., pl.DataFrame]
    chart: Callable[[pl.DataFrame], Any] | None
    description: str
    summary: Callable[[pl.DataFrame], Mapping[str, object]] | None = None
    source: Literal["snapshot", "alerts", "department"] = "snapshot"


@dataclass(frozen=True)
class ReportResult:
    """A computed report: its spec, range, frame, notes and (lazily) chart."""

    spec: ReportSpec
    start: date
    end: date
    frame: pl.DataFrame
    notes: Mapping[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def chart(self) -> Any | None:
        """The Altair chart of this report, or ``None`` when it has none."""
        return self.spec.chart(self.frame) if self.spec.chart else None


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "duty-fairness",
            report_duty_fairness,
            charts.duty_fairness_chart,
            "Duty days per clinician, raw and WTE-adjusted (÷ WTE), with deviation from the group mean.",
        ),
        ReportSpec(
            "monday-balance",
            report_monday_balance,
            charts.monday_balance_chart,
            "Mondays worked per partner against the WTE-fair share; Monday-equivalency spread (optimiser S2).",
        ),
        ReportSpec(
            "remaining-leave",
            report_remaining_leave,
            None,
            "Annual leave entitlement, adjustments, used, pending and remaining per clinician (leave calculator).",
        ),
        ReportSpec(
            "staffing-overview",
            report_staffing_overview,
            charts.staffing_calendar_chart,
            "Doctors working per day against the minimum and the 66 % floor, with who is on leave.",
        ),
        ReportSpec(
            "partner-wte",
            report_partner_wte,
            charts.partner_wte_chart,
            "Partner target, worked, scheduled and deficiency with status (calculators).",
        ),
        ReportSpec(
            "partner-wte-availability",
            report_partner_wte_availability,
            None,
            "Available weeks, WTE-weeks, fair share, actual and fair difference per partner (optimiser S11).",
            summary=availability_summary,
        ),
        ReportSpec(
            "partner-wte-availability-chart",
            report_partner_wte_availability,
            charts.availability_chart,
            "Chart of partner-wte-availability: fair share vs actual shifts per partner.",
            summary=availability_summary,
        ),
        ReportSpec(
            "weekly-availability",
            report_weekly_availability,
            charts.weekly_availability_chart,
            "Per week and clinician: days working, on leave, not contracted, not rostered; weekly totals vs minimum.",
        ),
        ReportSpec(
            "alerts",
            report_alerts,
            None,
            "Open alerts (raised by generation runs and workflows, not yet resolved or superseded) dated in the range.",
            source="alerts",
        ),
    )
}


def _department_reports() -> dict[str, ReportSpec]:
    from .department_pool import (
        department_pool_chart,
        department_pool_weekly_chart,
        pool_summary,
        report_department_pool,
        report_department_pool_weekly,
    )

    return {
        spec.name: spec
        for spec in (
            ReportSpec(
                "department-pool",
                report_department_pool,
                department_pool_chart,
                "Department: shifts owed per shift type (quotas pro rata, less leave) against the period's demand.",
                summary=pool_summary,
                source="department",
            ),
            ReportSpec(
                "department-pool-weekly",
                report_department_pool_weekly,
                department_pool_weekly_chart,
                "Department: the pool against demand per week and shift type.",
                source="department",
            ),
        )
    }


#: reports of department workspaces (docs/departments.md); not part of a practice's bundle
DEPARTMENT_REPORTS: dict[str, ReportSpec] = _department_reports()


def report_names(kind: str = "practice") -> list[str]:
    """Registered report names of a kind of workspace (``practice`` or ``department``), in registry order."""
    return list(DEPARTMENT_REPORTS if kind == "department" else REPORTS)


def get_report(name: str) -> ReportSpec:
    """The spec registered under ``name``; an unknown name raises ``ReportError`` listing the valid ones."""
    found = REPORTS.get(name) or DEPARTMENT_REPORTS.get(name)
    if found is None:
        raise ReportError(
            f"report {name!r} is not known; valid names: {', '.join(REPORTS)} (or 'all'); "
            f"for departments: {', '.join(DEPARTMENT_REPORTS)}"
        )
    return found


def check_within_data(snapshot: PracticeSnapshot, start: date, end: date) -> None:
    """Raise ``ReportError`` when ``[start, end]`` lies entirely outside the snapshot's data."""
    extent = data_extent(snapshot)
    if extent is None:
        raise ReportError("the workspace holds no dated data (no terms, shifts or leave); import a practice first")
    lo, hi = extent
    if end < lo or start > hi:
        raise ReportError(
            f"date range {start.isoformat()}..{end.isoformat()} is entirely outside the workspace's data, "
            f"which spans {lo.isoformat()}..{hi.isoformat()}; choose dates that overlap it"
        )


def run_report(
    name: str,
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    alerts: Iterable[Mapping[str, object]] | None = None,
    **opts: Any,
) -> ReportResult:
    """Compute the report ``name`` for ``[start, end]``.

    ``alerts`` (rows of ``Workspace.list_alerts()``: the open ones) is
    needed only by the ``alerts`` report; ``opts`` go to the report function.
    """
    spec = get_report(name)
    start, end = check_range(start, end)
    if spec.source == "alerts":
        frame = spec.function(list(alerts or ()), start, end, **opts)
    else:
        frame = spec.function(snapshot, start, end, **opts)
    notes = dict(spec.summary(frame)) if spec.summary else {}
    return ReportResult(spec, start, end, frame, notes)


def run_all(
    snapshot: PracticeSnapshot,
    start: date,
    end: date,
    alerts: Iterable[Mapping[str, object]] | None = None,
) -> list[ReportResult]:
    """Every registered report for ``[start, end]``, in registry order.

    The availability table and its chart share one frame (computed once).
    """
    rows = list(alerts or ())
    out: list[ReportResult] = []
    shared: dict[Callable[..., pl.DataFrame], pl.DataFrame] = {}
    for spec in REPORTS.values():
        if spec.function in shared:
            frame = shared[spec.function]
            out.append(ReportResult(spec, start, end, frame, dict(spec.summary(frame)) if spec.summary else {}))
            continue
        result = run_report(spec.name, snapshot, start, end, alerts=rows)
        shared[spec.function] = result.frame
        out.append(result)
    return out
