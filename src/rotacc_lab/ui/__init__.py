"""ipywidgets components shared by the Voila dashboards (see docs/dashboards.md).

A dashboard notebook is two lines::

    from rotacc_lab.ui import show_dashboard
    dash = show_dashboard("partner_wte")

``widgets`` holds the reusable pieces (workspace/branch picker, date range,
report panel with chart, table and CSV link, message banner), ``loader`` reads
a workspace read-only with retries while it is busy, and ``dashboard`` puts
them together and defines the dashboards.
"""

import sys

# jsonschema (pulled in by Altair) builds an Earley parser for its optional IRI format
# checker from ``rfc3987_syntax`` at import time: 1-4 s on a busy machine, a large part
# of a dashboard's first render. Altair's Vega-Lite schema validates "uri" formats
# (checked by ``rfc3986_validator``), never "iri", so the dashboards' processes skip it.
# ``setdefault`` leaves a process that has already imported it alone.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from .dashboard import DASHBOARDS, Dashboard, DashboardSpec, Section, report_section, show_dashboard
from .loader import BusyEvent, WorkspaceData, load_workspace
from .widgets import (
    DateRangePicker,
    MessageArea,
    PanelContent,
    ReportPanel,
    WorkspacePicker,
    chart_output,
    csv_link,
    table_html,
)

__all__ = [
    "DASHBOARDS",
    "BusyEvent",
    "Dashboard",
    "DashboardSpec",
    "DateRangePicker",
    "MessageArea",
    "PanelContent",
    "ReportPanel",
    "Section",
    "WorkspaceData",
    "WorkspacePicker",
    "chart_output",
    "csv_link",
    "load_workspace",
    "report_section",
    "show_dashboard",
    "table_html",
]
