"""Admin reports as polars DataFrames, with Altair charts.

Each report is ``report_<name>(snapshot, start, end, **opts) -> polars.DataFrame``
in its own module; ``registry.REPORTS`` maps CLI names to (function, chart,
description); ``docs/reports.md`` gives every column's formula.
"""

from ._frames import ReportError, check_range
from .alerts import report_alerts
from .duty_fairness import report_duty_fairness
from .monday_balance import report_monday_balance
from .partner_wte import report_partner_wte
from .partner_wte_availability import availability_summary, report_partner_wte_availability
from .registry import REPORTS, ReportResult, ReportSpec, get_report, report_names, run_all, run_report
from .remaining_leave import report_remaining_leave
from .staffing_overview import report_staffing_overview
from .weekly_availability import report_weekly_availability

__all__ = [
    "REPORTS",
    "ReportError",
    "ReportResult",
    "ReportSpec",
    "availability_summary",
    "check_range",
    "get_report",
    "report_alerts",
    "report_duty_fairness",
    "report_monday_balance",
    "report_names",
    "report_partner_wte",
    "report_partner_wte_availability",
    "report_remaining_leave",
    "report_staffing_overview",
    "report_weekly_availability",
    "run_all",
    "run_report",
]
