"""Small ipywidgets components shared by the dashboards.

Everything here works the same in JupyterLab, in Voila and in a plain Python
test: widgets are updated by setting traits (never by printing into a cell),
so a background thread can update them and a test can read them back.

Charts are shipped as ``application/vnd.vegalite.v5+json`` display data. The
Voila and JupyterLab front ends bundle a Vega-Lite 5 renderer, which works
offline; Altair 6 itself would emit a ``v6`` MIME type that neither front end
knows, or HTML that loads Vega from a CDN. The specs Altair writes for our
charts only use Vega-Lite 5 features, so relabelling the schema is enough.
"""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

import ipywidgets as widgets

from ..dates import parse_optional_date

if TYPE_CHECKING:  # polars is imported where it is used, so that showing the widgets stays quick
    import polars as pl

#: the MIME type of the Vega-Lite renderer bundled with JupyterLab 4 and Voila 0.5
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

#: rows shown in a table before it is cut (the CSV download always has every row)
MAX_TABLE_ROWS = 400

# --------------------------------------------------------------------------- pure helpers


def chart_spec(chart: Any) -> dict:
    """The Vega-Lite spec of an Altair chart (or a spec dict), labelled as Vega-Lite 5."""
    spec = dict(chart) if isinstance(chart, Mapping) else chart.to_dict()
    spec["$schema"] = VEGALITE_SCHEMA
    return spec


def chart_output(chart: Any) -> dict:
    """One ``display_data`` output (as stored in ``Output.outputs``) rendering ``chart`` offline.

    The SVG renderer is asked for so that the drawn marks are part of the DOM
    (a browser test can read them); the charts are small enough for it.
    """
    spec = chart_spec(chart)
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    return {
        "output_type": "display_data",
        "data": {VEGALITE_MIME: spec, "text/plain": f"<chart: {title or 'untitled'}>"},
        "metadata": {VEGALITE_MIME: {"embed_options": {"renderer": "svg", "actions": False}}},
    }


def _printable(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with nested columns (lists, structs) turned into text so CSV and HTML can show them."""
    import polars as pl

    lists = [n for n, t in frame.schema.items() if isinstance(t, (pl.List, pl.Array))]
    other = [n for n, t in frame.schema.items() if isinstance(t, (pl.Struct, pl.Object))]
    if not lists and not other:
        return frame
    return frame.with_columns(
        *(pl.col(n).cast(pl.List(pl.String)).list.join(", ") for n in lists),
        *(pl.col(n).map_elements(str, return_dtype=pl.String) for n in other),
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value == value else "NaN"
    return str(value)


def table_html(frame: pl.DataFrame, max_rows: int = MAX_TABLE_ROWS) -> str:
    """An escaped HTML table of ``frame`` (at most ``max_rows`` rows, with a note when cut)."""
    frame = _printable(frame)
    if frame.height == 0:
        return '<p class="rotacc-empty">No rows in this range.</p>'
    shown = frame.head(max_rows)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell_text(v))}</td>" for v in row) + "</tr>"
        for row in shown.iter_rows()
    )
    note = ""
    if frame.height > max_rows:
        note = (
            f'<p class="rotacc-note">Showing the first {max_rows} of {frame.height} rows; '
            "the CSV download has all of them.</p>"
        )
    return (
        '<div class="rotacc-table-wrap" style="max-height:420px;overflow:auto">'
        '<table class="rotacc-table" style="border-collapse:collapse;font-size:12px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{note}"
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV with a header row (nested columns as text)."""
    return _printable(frame).write_csv().encode("utf-8")


def csv_link(frame: pl.DataFrame, filename: str) -> str:
    """An ``<a download>`` link carrying ``frame`` as a base64 ``data:`` URI (works offline, no server)."""
    payload = base64.b64encode(csv_bytes(frame)).decode("ascii")
    name = html.escape(filename, quote=True)
    return (
        f'<a class="rotacc-csv" download="{name}" style="color:#0b5394;text-decoration:underline" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">'
        f"Download CSV ({frame.height} rows)</a>"
    )


def parse_iso_date(text: str | None, label: str) -> date | None:
    """``None`` for an empty value, else the ISO date; a bad value raises ``ValueError`` naming ``label``."""
    return parse_optional_date(text, label)


# --------------------------------------------------------------------------- message area

_LEVEL_STYLE = {
    "info": ("#0b5394", "#eef4fb"),
    "busy": ("#7f6000", "#fff8e1"),
    "warning": ("#7f6000", "#fff2cc"),
    "error": ("#990000", "#fde9e9"),
}


class MessageArea:
    """A one-message banner: loading, "workspace busy, retrying…", warnings and errors.

    ``level`` and ``text`` are kept as plain attributes so tests (and the
    dashboard) can read what the page currently says.
    """

    def __init__(self) -> None:
        self.widget = widgets.HTML(value="", layout=widgets.Layout(width="100%"))
        self.widget.add_class("rotacc-message")
        self.level = ""
        self.text = ""

    def show(self, level: str, text: str) -> None:
        """Show ``text`` (plain text, escaped here) at ``level``: info, busy, warning or error."""
        if level not in _LEVEL_STYLE:
            raise ValueError(f"level: {level!r} is not one of {', '.join(_LEVEL_STYLE)}")
        colour, background = _LEVEL_STYLE[level]
        self.level, self.text = level, text
        body = "<br>".join(html.escape(line) for line in text.splitlines())
        self.widget.value = (
            f'<div class="rotacc-message-{level}" data-level="{level}" '
            f'style="color:{colour};background:{background};padding:6px 10px;border-radius:4px">{body}</div>'
        )

    def clear(self) -> None:
        self.level, self.text = "", ""
        self.widget.value = ""


# --------------------------------------------------------------------------- workspace picker


def workspace_files(folder: Path) -> list[Path]:
    """The ``*.duckdb`` files directly in ``folder``, sorted by name (empty when it is not a folder)."""
    try:
        return sorted(p for p in folder.glob("*.duckdb") if p.is_file())
    except OSError:
        return []


class WorkspacePicker:
    """Choose the workspace file: a path box plus a dropdown of the ``*.duckdb`` files beside it.

    Type either a workspace file or a folder into the path box; the dropdown then
    lists every workspace in that folder, which is where branches (what-if copies)
    live, so switching between baseline and branch is one click. ``value`` is the
    chosen file path as a string, or ``""`` when nothing is chosen.

    ``policy`` (a :class:`rotacc_lab.ui.access.WorkspacePolicy`) limits what is
    listed to the workspaces the server offers; with nothing typed, those are listed.
    """

    def __init__(self, path: str | os.PathLike | None = None, policy: Any = None) -> None:
        from .access import WorkspacePolicy

        self.policy = policy or WorkspacePolicy()
        self.path = widgets.Text(
            description="Workspace",
            placeholder="path to a .duckdb workspace or a folder of them",
            continuous_update=False,
            layout=widgets.Layout(width="420px"),
        )
        self.branch = widgets.Dropdown(description="Branch", options=[], layout=widgets.Layout(width="320px"))
        self.widget = widgets.HBox([self.path, self.branch])
        self._callbacks: list[Callable[[str], None]] = []
        self._updating = False
        self.path.observe(self._on_path, names="value")
        self.branch.observe(self._on_branch, names="value")
        if path:
            self.path.value = str(path)
        elif self.policy.restricted:
            self.refresh()  # nothing typed: list what the server offers

    @property
    def value(self) -> str:
        return self.branch.value or ""

    def on_change(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(path)`` whenever the chosen workspace changes."""
        self._callbacks.append(callback)

    def refresh(self) -> None:
        """Re-list the folder (a branch may have been created since)."""
        self._on_path({"new": self.path.value})

    def _on_path(self, change: Mapping[str, Any]) -> None:
        text = str(change["new"] or "").strip()
        target = Path(text).expanduser() if text else None
        if target is None:
            folder, chosen = None, None
        elif target.is_dir():
            folder, chosen = target, None
        else:
            folder, chosen = target.parent, target
        files = workspace_files(folder) if folder is not None else self.policy.offered()
        # only what the server offers is listed; a typed path outside it is refused when loaded
        options = [(p.name, str(p)) for p in files if self.policy.allows(p)]
        if chosen is not None and str(chosen) not in {v for _, v in options}:
            # a missing or oddly named file stays selectable, so the loader can say what is wrong with it
            options.insert(0, (chosen.name, str(chosen)))
        old = self.value
        self._updating = True
        try:
            self.branch.options = options
            if chosen is not None:
                self.branch.value = str(chosen)
            elif old in {v for _, v in options}:
                self.branch.value = old
            else:
                self.branch.value = options[0][1] if options else None
        finally:
            self._updating = False
        if self.value != old or chosen is not None:
            self._notify()

    def _on_branch(self, change: Mapping[str, Any]) -> None:
        if not self._updating:
            self._notify()

    def _notify(self) -> None:
        for callback in list(self._callbacks):
            callback(self.value)


# --------------------------------------------------------------------------- date range


class DateRangePicker:
    """Start and end date pickers with validation (``start <= end``, both given)."""

    def __init__(self, start: date | None = None, end: date | None = None) -> None:
        self.start = widgets.DatePicker(description="From", value=start, layout=widgets.Layout(width="230px"))
        self.end = widgets.DatePicker(description="To", value=end, layout=widgets.Layout(width="230px"))
        self.start.add_class("rotacc-start")
        self.end.add_class("rotacc-end")
        self.widget = widgets.HBox([self.start, self.end])
        self._callbacks: list[Callable[[], None]] = []
        self._quiet = False
        for picker in (self.start, self.end):
            picker.observe(self._changed, names="value")

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the user changes either date."""
        self._callbacks.append(callback)

    def set(self, start: date | None, end: date | None) -> None:
        """Set both dates without firing the change callbacks (used for defaults)."""
        self._quiet = True
        try:
            self.start.value, self.end.value = start, end
        finally:
            self._quiet = False

    def is_set(self) -> bool:
        return self.start.value is not None or self.end.value is not None

    def value(self) -> tuple[date, date]:
        """The validated range; ``ValueError`` naming the field when a date is missing or reversed."""
        start, end = self.start.value, self.end.value
        if start is None:
            raise ValueError("From: no start date; pick the first day of the range")
        if end is None:
            raise ValueError("To: no end date; pick the last day of the range")
        if end < start:
            raise ValueError(
                f"date range is reversed: From {start.isoformat()} is after To {end.isoformat()}; "
                "pick a start on or before the end"
            )
        return start, end

    def _changed(self, change: Mapping[str, Any]) -> None:
        if not self._quiet:
            for callback in list(self._callbacks):
                callback()


# --------------------------------------------------------------------------- report panel


@dataclass
class PanelContent:
    """What a panel shows for one range: a frame, an optional chart and notes."""

    frame: pl.DataFrame
    chart: Any | None = None
    notes: Mapping[str, object] | None = None
    #: a message shown instead of the table (e.g. why the frame is empty)
    empty_message: str | None = None


class ReportPanel:
    """One report on a dashboard: heading, chart, notes, table and a CSV download link."""

    def __init__(self, key: str, title: str, description: str = "") -> None:
        self.key = key
        self.title = title
        self.heading = widgets.HTML(
            f"<h3 style='margin:12px 0 2px 0'>{html.escape(title)}</h3>"
            + (f"<div style='color:#555'>{html.escape(description)}</div>" if description else "")
        )
        self.chart = widgets.Output()
        self.chart.add_class("rotacc-chart")
        self.notes = widgets.HTML("")
        self.table = widgets.HTML("")
        self.table.add_class("rotacc-table-area")
        self.download = widgets.HTML("")
        self.download.add_class("rotacc-download")
        self.widget = widgets.VBox([self.heading, self.chart, self.notes, self.download, self.table])
        self.widget.add_class(f"rotacc-panel-{key}")
        #: the last frame shown (what the CSV link carries) and the last chart spec
        self.frame: pl.DataFrame | None = None
        self.spec: dict | None = None

    def show(self, content: PanelContent, filename: str) -> None:
        """Replace the panel's content."""
        self.frame = content.frame
        if content.chart is not None:
            output = chart_output(content.chart)
            self.spec = output["data"][VEGALITE_MIME]
            self.chart.outputs = (output,)
        else:
            self.spec = None
            self.chart.outputs = ()
        self.notes.value = _notes_html(content.notes or {})
        if content.frame.height == 0:
            text = content.empty_message or "No rows in this range."
            self.table.value = f'<p class="rotacc-empty">{html.escape(text)}</p>'
            self.download.value = ""
        else:
            self.table.value = table_html(content.frame)
            self.download.value = csv_link(content.frame, filename)

    def clear(self, text: str = "") -> None:
        """Empty the panel (e.g. while no workspace is loaded)."""
        self.frame, self.spec = None, None
        self.chart.outputs = ()
        self.notes.value = ""
        self.download.value = ""
        self.table.value = f'<p class="rotacc-empty">{html.escape(text)}</p>' if text else ""


def _notes_html(notes: Mapping[str, object]) -> str:
    if not notes:
        return ""
    items = "".join(
        f"<li><b>{html.escape(str(k).replace('_', ' '))}</b>: {html.escape(_cell_text(v))}</li>"
        for k, v in notes.items()
    )
    return f"<ul class='rotacc-notes' style='margin:4px 0'>{items}</ul>"
