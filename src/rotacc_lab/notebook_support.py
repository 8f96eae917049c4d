"""What the papermill notebooks call, in one import: ``rotacc_lab.nb`` split by concern.

The notebooks under ``notebooks/`` are thin: a papermill ``parameters`` cell,
then ONE validation cell that calls a ``validate_*`` function, then library
calls and presentation. The code lives in :mod:`rotacc_lab.nb`:

* :mod:`rotacc_lab.nb.params` - parameter validation (:class:`ParameterError`),
  with the generation parameters checked by the same parsers as the CLI;
* :mod:`rotacc_lab.nb.progress` - the tqdm phase bar;
* :mod:`rotacc_lab.nb.display` - rota calendar frames and charts, tables, reports;
* :mod:`rotacc_lab.nb.run` - papermill execution, HTML export, the monthly report.

This module re-exports their public names so a notebook needs one import.
Module-level imports stay light (no polars/altair/ortools).
"""

from __future__ import annotations

from .nb.params import (  # noqa: F401
    VALIDATE_TAG,
    ParameterError,
    validate_workspace,
    parse_date,
    validate_range,
    validate_month,
    validate_phases,
    validate_seed,
    validate_time_limit,
    validate_weights,
    validate_grid,
    validate_out_dir,
    GenerateParams,
    optimiser_settings,
    validate_generate_params,
    ReportParams,
    validate_report_params,
    WhatIfParams,
    BASELINE_MODES,
    validate_what_if_params,
    TuningParams,
    validate_tuning_params,
    file_digest,
)
from .nb.progress import (  # noqa: F401
    PhaseBar,
)
from .nb.display import (  # noqa: F401
    CALENDAR_KINDS,
    rota_calendar_frame,
    rota_calendar_runs,
    rota_calendar_chart,
    run_alerts_frame,
    show_chart,
    show_table,
    show_markdown,
    REPORT_HEADINGS,
    report_narrative,
    show_report,
)
from .nb.run import (  # noqa: F401
    HIDE_TAG,
    VEGALITE_MIME,
    NotebookFailed,
    notebooks_dir,
    notebook_path,
    execute_notebook,
    vegalite_html,
    export_html,
    run_monthly_report,
)

__all__ = [
    "VALIDATE_TAG",
    "ParameterError",
    "validate_workspace",
    "parse_date",
    "validate_range",
    "validate_month",
    "validate_phases",
    "validate_seed",
    "validate_time_limit",
    "validate_weights",
    "validate_grid",
    "validate_out_dir",
    "GenerateParams",
    "optimiser_settings",
    "validate_generate_params",
    "ReportParams",
    "validate_report_params",
    "WhatIfParams",
    "BASELINE_MODES",
    "validate_what_if_params",
    "TuningParams",
    "validate_tuning_params",
    "file_digest",
    "PhaseBar",
    "CALENDAR_KINDS",
    "rota_calendar_frame",
    "rota_calendar_runs",
    "rota_calendar_chart",
    "run_alerts_frame",
    "show_chart",
    "show_table",
    "show_markdown",
    "REPORT_HEADINGS",
    "report_narrative",
    "show_report",
    "HIDE_TAG",
    "VEGALITE_MIME",
    "NotebookFailed",
    "notebooks_dir",
    "notebook_path",
    "execute_notebook",
    "vegalite_html",
    "export_html",
    "run_monthly_report",
]
