"""The dashboard shell shared by every Voila dashboard, and the four dashboards.

A :class:`Dashboard` is a workspace picker, a date-range picker, a Reload
button, a message banner, a status line and one :class:`ReportPanel` per
:class:`Section`. It loads the chosen workspace once (read-only, in memory, see
:mod:`rotacc_lab.ui.loader`) and recomputes the sections from memory when the
range changes, so moving the dates never touches the file.

The first load and render run inline, in the notebook cell that builds the
dashboard, so every widget holds its final state before the kernel answers the
page's request for the widget states (see :meth:`Dashboard.start`). Later work
(a new range, Reload, another workspace, a busy workspace retried) runs on one
background thread per dashboard (``background=True``, the default), so the page
keeps answering; tests pass ``background=False`` to run everything inline. Every
callback is guarded: any exception becomes a message in the banner, never a
traceback in the page. The last traceback is kept in ``last_traceback`` for
whoever debugs the dashboard from a notebook.

To add a dashboard: write a function returning ``PanelContent`` for each new
section (or use :func:`report_section` for a registered report), add a
:class:`DashboardSpec` to :data:`DASHBOARDS`, and add a thin notebook in
``dashboards/`` calling ``show_dashboard("<key>")`` (see docs/dashboards.md).
"""

from __future__ import annotations

import html
import logging
import os
import queue
import threading
import traceback
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Mapping

import ipywidgets as widgets

from ..errors import RotaccError, WorkspaceBusy
from .loader import DEFAULT_PATIENCE, BusyEvent, WorkspaceData, load_workspace
from .widgets import DateRangePicker, MessageArea, PanelContent, ReportPanel, WorkspacePicker, parse_iso_date

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # never let logging's last-resort handler print into the page

#: environment variables read for the defaults
ENV_WORKSPACE = "ROTACC_WORKSPACE"
ENV_START = "ROTACC_START"
ENV_END = "ROTACC_END"

_CSS = """
<style>
.rotacc-table th {background:#f2f2f2;position:sticky;top:0;text-align:left;padding:2px 6px;border-bottom:1px solid #ccc}
.rotacc-table td {padding:2px 6px;border-bottom:1px solid #eee;white-space:nowrap}
.rotacc-status {color:#555;font-size:12px}
</style>
"""


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class Section:
    """One panel of a dashboard: ``build(data, start, end)`` returns what it shows."""

    key: str
    title: str
    build: Callable[[WorkspaceData, date, date], PanelContent]
    description: str = ""


def report_section(name: str, title: str, *, chart: bool = True, description: str | None = None) -> Section:
    """A section showing the registered report ``name`` (its table, chart and summary notes).

    Give ``description`` to keep the reports (polars, Altair) out of the import of
    the dashboard: the page then appears before they are loaded, on the worker
    thread. Without it the registry's description is used.
    """

    def build(data: WorkspaceData, start: date, end: date) -> PanelContent:
        from ..reports.registry import run_report

        result = run_report(name, data.snapshot, start, end, alerts=data.alerts)
        return PanelContent(result.frame, result.chart() if chart else None, dict(result.notes))

    if description is None:
        from ..reports.registry import get_report

        description = get_report(name).description
    return Section(name, title, build, description)


def _report_fairness(data: WorkspaceData, start: date, end: date) -> PanelContent:
    """Report fairness (optimiser S11): each partner's fair difference = actual − fair share."""
    from .._alt import alt

    from ..reports.registry import run_report

    result = run_report("partner-wte-availability", data.snapshot, start, end)
    frame = result.frame
    chart = None
    if frame.height:
        chart = (
            alt.Chart(frame.select("clinician_id", "name", "fair_share", "actual", "fair_difference"))
            .mark_bar()
            .encode(
                x=alt.X("clinician_id:N", title="Partner", sort=None),
                y=alt.Y("fair_difference:Q", title="Actual − fair share (shifts)"),
                color=alt.condition("datum.fair_difference > 0", alt.value("#c0504d"), alt.value("#4f81bd")),
                tooltip=["clinician_id", "name", "fair_share", "actual", "fair_difference"],
            )
            .properties(title="Report fairness: fair difference per partner (S11)", width=560)
        )
    return PanelContent(frame, chart, dict(result.notes))


def _staffing(data: WorkspaceData, start: date, end: date) -> PanelContent:
    """Staffing overview with a calendar heatmap and counts of days below the minimum and the 66 % floor."""
    from ..reports.registry import run_report

    result = run_report("staffing-overview", data.snapshot, start, end)
    frame = result.frame
    notes: dict[str, object] = {}
    if frame.height:
        notes = {
            "working days": frame.height,
            "of which not planned yet": int((~frame["planned"]).sum()),
            "days below the minimum": int(frame["below_minimum"].sum()),
            "days below the 66 % floor": int(frame["below_66"].sum()),
        }
    return PanelContent(frame, result.chart(), notes)


@dataclass(frozen=True)
class DashboardSpec:
    """A dashboard: its title, sections and the notebook that shows it."""

    key: str
    title: str
    description: str
    sections: tuple[Section, ...]

    @property
    def notebook(self) -> str:
        return f"{self.key}.ipynb"


def _specs() -> dict[str, DashboardSpec]:
    specs = (
        DashboardSpec(
            "partner_wte",
            "Partner WTE",
            "Each partner's target, worked and scheduled shifts and deficiency, and the WTE availability "
            "report: fair share from available weeks against actual shifts.",
            (
                report_section(
                    "partner-wte",
                    "Partner WTE and deficiency",
                    description="Target after the leave entitlement (the calculators' net target), worked "
                    "and scheduled shifts per partner and the deficiency (target after leave entitlement − "
                    "worked to the as-of date) with its status. Generation alerts (far_from_target) measure "
                    "against the gross target with leave taken counted as worked, over the whole period "
                    "including scheduled shifts, so the two can disagree in sign.",
                ),
                report_section(
                    "partner-wte-availability-chart",
                    "Partner WTE availability",
                    description="Available weeks (no approved annual leave), WTE-weeks, fair share and "
                    "actual shifts per partner.",
                ),
            ),
        ),
        DashboardSpec(
            "monday_balance",
            "Monday balance",
            "Mondays worked per partner against their WTE-fair share (the optimiser's S2 term).",
            (
                report_section(
                    "monday-balance",
                    "Monday balance",
                    description="Mondays worked per partner (bars) and their WTE-fair share (ticks).",
                ),
            ),
        ),
        DashboardSpec(
            "fairness",
            "Fairness",
            "Duty days per clinician adjusted for WTE, and report fairness: each partner's actual shifts "
            "against the fair share the optimiser's S11 term aims for.",
            (
                report_section(
                    "duty-fairness",
                    "Duty fairness",
                    description="Duty days per clinician divided by WTE, against the group mean.",
                ),
                Section(
                    "report-fairness",
                    "Report fairness",
                    _report_fairness,
                    "Actual − fair share per partner; the optimiser minimises the sum of the absolute differences.",
                ),
            ),
        ),
        DashboardSpec(
            "staffing",
            "Staffing",
            "Doctors working each day against the minimum (calendar heatmap, red = below) and the open alerts "
            "raised by generation runs.",
            (
                Section(
                    "staffing-overview",
                    "Staffing against the minimum",
                    _staffing,
                    "One cell per working day; colour = doctors working − minimum.",
                ),
                report_section(
                    "alerts",
                    "Alerts",
                    chart=False,
                    description="Open alerts (not yet resolved or superseded by a later run), dated in the range.",
                ),
            ),
        ),
    )
    return {s.key: s for s in specs}


#: every dashboard by key (the notebook is ``dashboards/<key>.ipynb``)
DASHBOARDS: dict[str, DashboardSpec] = _specs()


# --------------------------------------------------------------------------- the shell


def _describe(err: BaseException) -> str:
    """A message for the banner: the error's own words for user errors, a plain summary otherwise."""
    if isinstance(err, (RotaccError, ValueError, KeyError, FileNotFoundError, PermissionError)):
        text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
        return text or type(err).__name__
    return (
        f"Something went wrong ({type(err).__name__}: {err}). The dashboard is still running: "
        "try another date range or click Reload."
    )


class Dashboard:
    """The widgets and behaviour of one dashboard (see the module docstring)."""

    def __init__(
        self,
        spec: DashboardSpec,
        *,
        workspace: str | os.PathLike | None = None,
        start: date | None = None,
        end: date | None = None,
        background: bool = True,
        patience: float = DEFAULT_PATIENCE,
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        self.spec = spec
        self.patience = patience
        self.data: WorkspaceData | None = None
        self.last_traceback: str | None = None
        self.range_problem: str | None = None
        self._lock = threading.Lock()
        self._retry_busy = False
        self._latest = 0
        #: reads asked for (Reload, another workspace) and the last one done; differing = read again
        self._loads_wanted = 1
        self._loads_done = 0
        # one daemon worker: a kernel shutting down must not wait for a busy-workspace retry
        self._background = background
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._pending = 0
        self._idle = threading.Condition(self._lock)

        self.message = MessageArea()
        self.status = widgets.HTML("")
        self.status.add_class("rotacc-status")
        from .access import WorkspacePolicy

        self.policy = WorkspacePolicy.from_env(env)
        self.picker = WorkspacePicker(policy=self.policy)
        self.dates = DateRangePicker()
        self.reload_button = widgets.Button(description="Reload", icon="refresh", tooltip="Read the workspace again")
        self.reload_button.add_class("rotacc-reload")
        self.panels = [ReportPanel(s.key, s.title, s.description) for s in spec.sections]
        header = widgets.HTML(
            _CSS
            + f"<h2 style='margin:4px 0'>{html.escape(spec.title)}</h2>"
            + f"<div style='color:#444;max-width:900px'>{html.escape(spec.description)}</div>"
        )
        controls = widgets.VBox(
            [self.picker.widget, widgets.HBox([self.dates.widget, self.reload_button])]
        )
        self.widget = widgets.VBox([header, controls, self.message.widget, self.status, *(p.widget for p in self.panels)])
        self.widget.add_class(f"rotacc-dashboard-{spec.key}")

        # defaults: explicit arguments, then the environment, then (for the range) the data's span
        self._user_range = False
        try:
            env_start = parse_iso_date(env.get(ENV_START), ENV_START)
            env_end = parse_iso_date(env.get(ENV_END), ENV_END)
        except ValueError as err:
            self.range_problem = f"{err} (ignored: the range defaults to the data's span)"
            env_start = env_end = None
        #: the range to use when the user has not picked one; a missing side comes from the data's span
        self._default_range = (start or env_start, end or env_end)
        if all(self._default_range):
            self.dates.set(*self._default_range)
            self._user_range = True
        self.picker.path.value = str(workspace or env.get(ENV_WORKSPACE, "") or "")

        self.picker.on_change(lambda _path: self.request_load())
        self.dates.on_change(self._on_dates)
        self.reload_button.on_click(lambda _button: self.request_load(refresh_folder=True))

    # ------------------------------------------------------------------ requests
    def start(self) -> "Dashboard":
        """Load the initial workspace and draw the sections, inline, in the calling thread.

        Why inline: a Voila page asks the kernel for the state of every widget once
        (ipywidgets' ``request_states`` on the ``jupyter.widget.control`` comm) and only
        then registers each widget's comm. A state update sent by another thread in
        between (when a background first load finished just as the page connected) is
        dropped by the page, which then waits for a chart that never comes: the stall
        of about 1 first render in 20. Done in the cell, the work is over before the
        kernel (one shell message at a time) answers ``request_states``.

        A busy workspace is tried once here; its retries run on the background thread
        so the page appears at once and says it is waiting.
        """
        with self._lock:
            self._loads_wanted += 1
            self._latest += 1
            ticket = self._latest
        self._retry_busy = False
        self._run(ticket, patience=0.0 if self._background else None)
        if self._retry_busy:
            self.request_load()
        return self

    def request_load(self, refresh_folder: bool = False) -> None:
        """(Re)read the chosen workspace, then redraw."""
        if refresh_folder:
            self._guard(self.picker.refresh)
        with self._lock:
            self._loads_wanted += 1
        self._submit()

    def refresh_if_changed(self, *, inline: bool = False) -> bool:
        """Re-read the workspace if it changed since it was read; return whether a reload was requested.

        The check is one short read-only query of ``data_version``, which every write
        bumps. A preheated Voila kernel calls this when its page is finally requested,
        so the page never shows data older than the request (see :meth:`watch_for_viewer`);
        it passes ``inline=True`` to do the reload in the calling thread (the cell).
        """
        from ..store.workspace import Workspace

        data = self.data
        if data is not None:
            try:
                current = Workspace(data.path, read_only=True).data_version()
            except Exception:  # busy, moved or damaged: the full load below says what is wrong
                current = None
            if current == data.snapshot.data_version:
                self._show_status(data, checked=datetime.now())
                return False
        if inline:
            self.start()
        else:
            self.request_load()
        return True

    def watch_for_viewer(self) -> None:
        """In a preheated Voila kernel: when the page is requested, refresh the data if it changed.

        Voila's preheated kernels run the notebook (and so read the workspace) before
        anyone asks for the page. This blocks the cell until the request comes
        (``voila.utils.wait_for_request``, which Voila finishes rendering the notebook
        after), then calls :meth:`refresh_if_changed` inline: as in :meth:`start`, any
        redraw is done before the page asks for the widget states. Outside a preheated
        kernel this does nothing.
        """
        if os.environ.get("VOILA_PREHEAT") != "True":
            return
        try:
            from voila.utils import wait_for_request

            wait_for_request()
            self.wait(timeout=None)  # a busy first read still being retried
            self.refresh_if_changed(inline=True)
        except Exception as err:
            self._remember(err)

    def request_render(self) -> None:
        """Redraw the sections from the data in memory."""
        self._submit()

    def wait(self, timeout: float | None = 60) -> None:
        """Block until queued work is done (for tests and scripts; a no-op without a background thread)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise TimeoutError(f"dashboard {self.spec.key}: work still running after {timeout} s")

    def close(self) -> None:
        """Stop the worker thread (after its current task) and close the widgets."""
        if self._worker is not None:
            self._queue.put(None)
        self.widget.close()

    def _on_dates(self) -> None:
        self._user_range = True
        self.request_render()

    def _submit(self) -> None:
        with self._lock:
            self._latest += 1
            ticket = self._latest
            if self._background:
                self._pending += 1
                if self._worker is None:
                    self._worker = threading.Thread(
                        target=self._work_loop, name=f"dashboard-{self.spec.key}", daemon=True
                    )
                    self._worker.start()
        if self._background:
            self._queue.put(ticket)
        else:
            self._run(ticket)

    def _work_loop(self) -> None:
        while (ticket := self._queue.get()) is not None:
            try:
                self._run(ticket)
            finally:
                with self._idle:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.notify_all()

    # ------------------------------------------------------------------ work
    def _run(self, ticket: int, patience: float | None = None) -> None:
        with self._lock:
            if ticket != self._latest:
                return  # a newer request will do the same work with newer inputs
            wanted = self._loads_wanted
            stale = wanted != self._loads_done or self.data is None or str(self.data.path) != self.picker.value
        self._guard(self._work, wanted if stale else None, patience)

    def _work(self, load: int | None, patience: float | None = None) -> None:
        if load is not None:
            if not self._load(load, patience):
                return
        self._render()

    def _load(self, wanted: int, patience: float | None = None) -> bool:
        """Read the chosen workspace (request number ``wanted``); False when nothing usable was read.

        ``patience=0`` (the inline first read of :meth:`start`): a busy workspace is
        not waited for here; the banner says so and ``start`` queues the retries.
        """
        path = self.picker.value
        self.message.show("info", f"Loading workspace {path} …" if path else "No workspace chosen.")
        try:
            if path:
                self.policy.check(path)  # served dashboards open only the workspaces they were given
            data = load_workspace(
                path,
                on_busy=self._show_busy,
                patience=self.patience if patience is None else patience,
                should_stop=lambda: self.picker.value != path,
            )
        except WorkspaceBusy as err:
            if self.picker.value != path:
                return False  # the user moved on; the newer request loads the new choice
            if patience == 0 and self.patience > 0:
                self._retry_busy = True
                self.message.show(
                    "busy",
                    f"Workspace {Path(path).name} is busy: another process (a notebook, the CLI or a generation "
                    "run) is writing to it. Retrying in the background…",
                )
                self._clear_panels("Waiting for the workspace: see the message above.")
                return False
            self.data = None
            self.message.show("error", str(err))
            self._clear_panels("The workspace could not be read: see the message above.")
            return False
        except Exception:
            self.data = None
            self.status.value = ""
            self._clear_panels("No workspace loaded: see the message above.")
            raise  # the guard around the work shows it in the banner
        with self._lock:
            # a Reload pressed while this read ran asked for a newer one: leave that one due
            self._loads_done = max(self._loads_done, wanted)
        self.data = data
        if not self._user_range:
            extent = data.rota_span
            lo, hi = self._default_range
            if extent is not None:
                lo, hi = lo or extent[0], hi or extent[1]
            if lo and hi:
                self.dates.set(lo, hi)
        self._show_status(data)
        self.message.clear()
        return True

    def _show_busy(self, event: BusyEvent) -> None:
        self.message.show(
            "busy",
            f"Workspace {event.path.name} is busy: another process (a notebook, the CLI or a generation run) "
            f"is writing to it. Retrying in {event.retry_in:g} s… (attempt {event.attempt}, "
            f"waited {event.waited:.0f} s)",
        )

    def _show_status(self, data: WorkspaceData, checked: datetime | None = None) -> None:
        snap = data.snapshot
        parts = [
            f"<b>{html.escape(snap.settings.practice_name)}</b>",
            html.escape(str(data.path)),
            f"data version {snap.data_version}",
            f"{len(snap.clinicians)} clinicians, {len(snap.shifts)} shifts",
        ]
        if data.extent:
            parts.append(f"data {data.extent[0].isoformat()} … {data.extent[1].isoformat()}")
        if data.branch_parent:
            parts.append(f"branch of {html.escape(data.branch_parent)}")
        parts.append(f"read at {data.loaded_at:%H:%M:%S}")
        if checked is not None:
            parts.append(f"unchanged at {checked:%H:%M:%S}")
        self.status.value = " · ".join(parts)

    def _render(self) -> None:
        data = self.data
        if data is None:
            return
        try:
            start, end = self.dates.value()
        except ValueError as err:
            self.message.show("error", str(err))
            self._clear_panels("Fix the date range to see this report.")
            return
        problems: list[str] = []
        if self.range_problem:
            problems.append(self.range_problem)
            self.range_problem = None
        extent = data.extent
        if extent is None:
            problems.append(
                f"Workspace {data.path.name} holds no data yet (no terms, shifts or leave); import a practice "
                "into it first."
            )
        elif end < extent[0] or start > extent[1]:
            problems.append(
                f"No data between {start.isoformat()} and {end.isoformat()}: the workspace's data spans "
                f"{extent[0].isoformat()} to {extent[1].isoformat()}. Choose dates inside that span."
            )
        empty_note = f"No rows between {start.isoformat()} and {end.isoformat()}."
        filename_range = f"{start.isoformat()}_{end.isoformat()}"
        failures = 0
        empty = 0
        for section, panel in zip(self.spec.sections, self.panels):
            try:
                content = section.build(data, start, end)
            except Exception as err:  # one broken section must not take the others down
                failures += 1
                self._remember(err)
                panel.clear(f"{section.title} could not be computed: {_describe(err)}")
                continue
            if content.frame.height == 0:
                empty += 1
                content.empty_message = content.empty_message or empty_note
            panel.show(content, f"{section.key}_{filename_range}.csv")
        if failures:
            problems.append(f"{failures} section(s) could not be computed; see the message in each.")
        elif empty == len(self.panels) and extent is not None and not (end < extent[0] or start > extent[1]):
            problems.append(f"{empty_note} Choose a wider range or another workspace.")
        if problems:
            self.message.show("error" if failures else "warning", "\n".join(problems))
        else:
            self.message.clear()

    def _clear_panels(self, text: str) -> None:
        for panel in self.panels:
            panel.clear(text)

    # ------------------------------------------------------------------ error boundary
    def _remember(self, err: BaseException) -> None:
        self.last_traceback = "".join(traceback.format_exception(err))
        log.debug("dashboard %s: %s", self.spec.key, self.last_traceback)

    def _guard(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn``; show any exception as a message (never a traceback in the page)."""
        try:
            fn(*args)
        except Exception as err:
            self._remember(err)
            try:
                self.message.show("error", _describe(err))
            except Exception:  # the banner itself failed: nothing more can be shown
                pass


def show_dashboard(key: str, **options: Any) -> Dashboard:
    """Build the dashboard ``key`` (see :data:`DASHBOARDS`), display it and start loading.

    ``options`` go to :class:`Dashboard` (``workspace``, ``start``, ``end``,
    ``background``, ``patience``). This is the one call a dashboard notebook makes.
    """
    from IPython.display import display

    try:
        spec = DASHBOARDS[key]
    except KeyError:
        raise ValueError(f"dashboard {key!r} is not known; accepted: {', '.join(DASHBOARDS)}") from None
    dash = Dashboard(spec, **options)
    display(dash.widget)
    dash.start()
    dash.watch_for_viewer()
    return dash
