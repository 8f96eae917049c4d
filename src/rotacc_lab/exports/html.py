"""Render computed reports as one self-contained HTML file.

Everything is inside the file: the CSS, every report's table, the notes, each
chart's full Vega-Lite spec with its data, and the JavaScript that draws the
charts (vega, vega-lite and vega-embed, bundled by ``vl-convert-python`` and
inlined once per file, about 0.9 MB). The file opens offline.
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from functools import lru_cache

from ..private import write_private_text

if TYPE_CHECKING:
    from ..domain import PracticeSnapshot
    from ..reports.registry import ReportResult



@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega + vega-lite + vega-embed as one ES module that sets ``window.vegaEmbed``.

    Built offline by ``vl_convert`` from the JavaScript it ships; safe to inline
    in a ``<script type="module">`` element.
    """
    import vl_convert

    bundle = vl_convert.javascript_bundle(snippet="window.vegaEmbed = vegaEmbed;")
    return bundle.replace("</script", "<\\/script")

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;
     padding:0 1rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.25rem;margin-top:2.5rem;border-bottom:1px solid #ccc}
p.sub{color:#555;margin-top:0} p.note{color:#555;font-size:.9rem}
nav ul{columns:2;font-size:.95rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.2rem .45rem;text-align:right;white-space:nowrap}
th{background:#f3f3f3;position:sticky;top:0} td.t{text-align:left}
tr.flag td{background:#fde2e1} tr.unplanned td{color:#888}
dl.notes{font-size:.9rem} dl.notes dt{font-weight:600} dl.notes dd{margin:0 0 .4rem 1rem}
div.chart{margin:.6rem 0;overflow-x:auto} div.chart p{color:#a33;font-size:.9rem}
details summary{cursor:pointer;color:#345}
h2 small{font-size:.8rem;color:#777;font-weight:normal;margin-left:.5rem}
section.summary{background:#f6f8fb;border:1px solid #dde3ea;padding:.6rem 1rem;margin:1rem 0}
section.summary h2{margin-top:.2rem;border:0}
@page{size:A4;margin:14mm 12mm}
@media print{
 body{margin:0;max-width:none;padding:0;font-size:10pt}
 nav,details summary,p.offline{display:none}
 h2{break-after:avoid;margin-top:1.2rem} section{break-inside:auto}
 table{width:100%;table-layout:auto;font-size:7.5pt}
 th,td{white-space:normal;overflow-wrap:anywhere;padding:.1rem .25rem}
 th{position:static} thead{display:table-header-group} tr{break-inside:avoid}
 div.chart{overflow:visible;break-inside:avoid} div.chart svg,div.chart canvas{max-width:100%!important;height:auto!important}
 tr.flag td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

#: opens every folded table before printing (a closed <details> prints as its summary only)
_PRINT_JS = ("<script>window.addEventListener('beforeprint',()=>{"
             "document.querySelectorAll('details').forEach(d=>d.open=true);});</script>")

_OFFLINE = "Chart not drawn: this browser could not run the embedded chart renderer. The table below has every figure."


def _anchor(name: str) -> str:
    return "r-" + "".join(ch if ch.isalnum() else "-" for ch in name)


def _cell(value: object) -> tuple[str, bool]:
    """Cell text and whether it is text (left-aligned) rather than a number."""
    if value is None:
        return "", True
    if isinstance(value, bool):
        return ("yes" if value else "no"), True
    if isinstance(value, float):
        return f"{value:,.2f}", False
    if isinstance(value, (int, Decimal)):
        return str(value), False
    if isinstance(value, (date, datetime)):
        return value.isoformat(), True
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value), True
    return str(value), True


def table_html(result: ReportResult) -> str:
    """The report's frame as an HTML table; rows whose ``flag`` says a shortfall are highlighted.

    A ``not_planned`` row (no rota yet that day) is greyed, never highlighted as short.
    """
    frame = result.frame
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    flag_at = frame.columns.index("flag") if "flag" in frame.columns else None
    body: list[str] = []
    for row in frame.iter_rows():
        cells = []
        for value in row:
            text, is_text = _cell(value)
            cells.append(f'<td class="t">{html.escape(text)}</td>' if is_text else f"<td>{html.escape(text)}</td>")
        flag = row[flag_at] if flag_at is not None else None
        cls = ' class="unplanned"' if flag == "not_planned" else "" if flag in (None, "ok") else ' class="flag"'
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    if not body:
        return "<p class=note>No rows in this range.</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _notes_html(result: ReportResult) -> str:
    if not result.notes:
        return ""
    items = "".join(
        f"<dt>{html.escape(str(k).replace('_', ' '))}</dt><dd>{html.escape(_cell(v)[0])}</dd>"
        for k, v in result.notes.items()
    )
    return f'<dl class="notes">{items}</dl>'


def _script_json(spec: dict) -> str:
    """JSON safe inside a <script> element: ``<``, ``>`` and ``&`` become JSON unicode escapes."""
    return json.dumps(spec, default=str).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_bundle(
    results: Sequence[ReportResult],
    title: str = "rotacc-lab reports",
    subtitle: str = "",
    open_tables_up_to: int = 60,
) -> str:
    """One HTML document holding every report in ``results``: table, notes and chart.

    On top, a summary: one sentence per report (:func:`rotacc_lab.reports.narrative.report_narrative`).
    Each section is headed in words, with the report's name beside it. Tables
    with at most ``open_tables_up_to`` rows are expanded; longer ones are folded
    in a ``<details>`` element (click to open; every table opens for printing).
    The print style sheet lays the page out on A4 with wrapping tables.
    """
    from ..reports.narrative import REPORT_HEADINGS, report_narrative

    specs: dict[str, dict] = {}
    sections: list[str] = []
    summary: list[str] = []
    for i, result in enumerate(results):
        anchor = _anchor(result.name)
        heading = REPORT_HEADINGS.get(result.name, result.name)
        narrative = report_narrative(result, period="range")
        summary.append(f'<li><a href="#{anchor}">{html.escape(heading)}</a>: {html.escape(narrative)}</li>')
        chart_html = ""
        chart = result.chart()
        if chart is not None:
            div = f"chart-{i}"
            specs[div] = chart.to_dict()
            chart_html = f'<div class="chart" id="{div}"><p class="offline">{html.escape(_OFFLINE)}</p></div>'
        rows = result.frame.height
        table = table_html(result)
        opened = " open" if rows <= open_tables_up_to else ""
        sections.append(
            f'<section id="{anchor}"><h2>{html.escape(heading)}<small>{html.escape(result.name)}</small></h2>'
            f"<p>{html.escape(narrative)}</p>"
            f"<p class=\"note\">{html.escape(result.spec.description)}</p>{chart_html}{_notes_html(result)}"
            f"<details{opened}><summary>Table ({rows} row{'s' if rows != 1 else ''})</summary>{table}</details>"
            "</section>"
        )
    toc = "".join(
        f'<li><a href="#{_anchor(r.name)}">{html.escape(REPORT_HEADINGS.get(r.name, r.name))}</a> '
        f"({r.frame.height} rows)</li>"
        for r in results
    )
    summary_html = (
        '<section class="summary" id="summary"><h2>Summary</h2><ul>' + "".join(summary) + "</ul></section>"
        if summary else ""
    )
    scripts = f'<script type="module">{vega_bundle()}</script>' if specs else ""
    draw = (
        f'<script type="module">const SPECS={_script_json(specs)};'
        "for(const[id,spec]of Object.entries(SPECS)){"
        "window.vegaEmbed('#'+id,spec,{actions:false}).catch(e=>{document.getElementById(id).textContent=String(e);});}"
        "</script>"
        if specs
        else ""
    )
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>{scripts}{_PRINT_JS}</head><body>"
        f"<h1>{html.escape(title)}</h1><p class=\"sub\">{html.escape(subtitle)}</p>"
        "<p class=\"note\">Self-contained: charts and tables need no network; every figure is also in the tables.</p>"
        f"{summary_html}<nav><ul>{toc}</ul></nav>{''.join(sections)}{draw}</body></html>"
    )


def write_bundle(path: str | Path, results: Iterable[ReportResult], title: str, subtitle: str = "") -> Path:
    """Render ``results`` with ``render_bundle`` and write the file (UTF-8); returns the path."""
    out = Path(path)
    write_private_text(out, render_bundle(list(results), title, subtitle))
    return out


def write_bundle_html(
    snapshot: "PracticeSnapshot",
    start: date,
    end: date,
    path: str | Path,
    alerts: Iterable[Mapping[str, object]] | None = None,
) -> Path:
    """Compute every report for ``[start, end]`` and write them, with charts, into ONE HTML file.

    The file is self-contained (the chart renderer is inlined). Returns the path written.
    """
    from ..reports.registry import check_range, run_all

    start, end = check_range(start, end)
    results = run_all(snapshot, start, end, alerts=alerts)
    title = f"{snapshot.settings.practice_name}: reports"
    subtitle = f"{start.isoformat()} to {end.isoformat()} · data version {snapshot.data_version}"
    return write_bundle(path, results, title, subtitle)
