"""Running notebooks: papermill execution, HTML export with offline charts, the monthly report.

* :func:`execute_notebook` runs a notebook with papermill (no papermill
  progress bar; callers show their own);
* :func:`export_html` renders an executed notebook to HTML with nbconvert's
  ``HTMLExporter`` (no input cells, no prompts, images embedded) and turns the
  Vega-Lite chart outputs into HTML that draws them;
* :func:`run_monthly_report` = both, for ``notebooks/monthly_report.ipynb``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from ..errors import RotaccError

#: cells with this tag are left out of the exported HTML (notebook introductions, the parameter echo)
HIDE_TAG = "report-hide"

#: MIME type of the Vega-Lite 5 renderer bundled with JupyterLab / Voila (see rotacc_lab.ui.widgets)
VEGALITE_MIME = "application/vnd.vegalite.v5+json"


class NotebookFailed(RotaccError):
    """A notebook run raised; the message names the notebook, the cell and the error it raised."""

    def __init__(self, message: str, *, ename: str = "", evalue: str = "", cell_index: int | None = None,
                 output: Path | None = None):
        super().__init__(message)
        self.ename = ename
        self.evalue = evalue
        self.cell_index = cell_index
        self.output = output


def notebooks_dir() -> Path:
    """The ``notebooks/`` folder shipped with the package (the checkout's, in an editable install)."""
    from ..resources import bundled_dir

    return bundled_dir("notebooks")


def notebook_path(name: str) -> Path:
    """``notebooks/<name>.ipynb`` (``name`` with or without the suffix)."""
    stem = name[:-6] if name.endswith(".ipynb") else name
    path = notebooks_dir() / f"{stem}.ipynb"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in notebooks_dir().glob("*.ipynb")))
        raise RotaccError(f"notebook {name!r} does not exist; known notebooks: {known}")
    return path


def execute_notebook(notebook: str | Path, output: str | Path, parameters: Mapping[str, Any], *,
                     timeout: float | None = 600, cwd: str | Path | None = None) -> Path:
    """Execute ``notebook`` with papermill into ``output``; raise :class:`NotebookFailed` on a cell error.

    The executed notebook is written in either case (papermill keeps the
    failing cell's error in it), so the caller can point at it.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    src = Path(notebook) if Path(notebook).suffix == ".ipynb" and Path(notebook).exists() else notebook_path(str(notebook))
    from ..kernels import kernel_manager_class
    from ..private import reserve_private

    out = reserve_private(output)  # papermill truncates the file, which keeps its private mode
    manager = kernel_manager_class()  # IPC sockets: no "TCP without encryption" warning, nothing on the network
    try:
        pm.execute_notebook(str(src), str(out), parameters=dict(parameters), progress_bar=False,
                            execution_timeout=timeout, cwd=str(cwd) if cwd else None, log_output=False,
                            kernel_name="python3", **({"kernel_manager_class": manager} if manager else {}))
    except PapermillExecutionError as err:
        raise NotebookFailed(
            f"{src.name} failed in cell {err.cell_index} (execution {err.exec_count}): {err.ename}: {err.evalue}",
            ename=err.ename, evalue=err.evalue, cell_index=err.cell_index, output=out,
        ) from None
    return out


def vegalite_html(spec: Mapping[str, Any], element_id: str) -> str:
    """HTML that draws a Vega-Lite spec with the inlined vega-embed.

    The renderer itself is put once in the page's head by :func:`export_html`
    (``rotacc_lab.exports.html.vega_bundle``, an ES module); this draw script is
    a module too, so it runs after it. Without JavaScript the element keeps a
    short note; the table next to each chart carries every figure.
    """
    body = json.dumps(dict(spec), default=str).replace("</", "<\\/")
    return (
        f'<div id="{element_id}" class="rotacc-chart"><p style="color:#a33;font-size:.9rem">Chart not drawn: '
        "this browser could not run the embedded chart renderer. The table has every figure.</p></div>"
        '<script type="module">'
        f"const spec={body};const id={json.dumps(element_id)};"
        "window.vegaEmbed('#'+id,spec,{actions:false}).catch(e=>{document.getElementById(id).textContent=String(e);});"
        "</script>"
    )


#: nbconvert's lab template without the scripts a report does not need (require.js, MathJax, Mermaid),
#: so the file loads nothing from the network except the chart renderer
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def export_html(executed: str | Path, html_path: str | Path | None = None) -> Path:
    """Render an executed notebook to one HTML file: outputs only (no code cells, no prompts).

    Cells tagged ``report-hide`` are left out. The CSS is inlined, images are embedded, tables are plain HTML, and the
    template loads no script from the network (no require.js, MathJax or
    Mermaid). Vega-Lite chart outputs get an HTML rendering (see
    :func:`vegalite_html`) drawn by the renderer inlined once in the head, so
    the file opens offline. Returns the HTML path
    (default: next to the notebook with ``.html``).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    src = Path(executed)
    out = Path(html_path) if html_path else src.with_suffix(".html")
    nb = nbformat.read(src, as_version=4)
    n = 0
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data") or {}
            spec = data.get(VEGALITE_MIME)
            if spec is not None and "text/html" not in data:
                n += 1
                data["text/html"] = vegalite_html(spec, f"rotacc-chart-{n}")
    from jinja2 import DictLoader

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True, extra_loaders=[DictLoader({"rotacc_report.html.j2": _REPORT_TEMPLATE})],
                            template_file="rotacc_report.html.j2")
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={HIDE_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    if n:
        from ..exports.html import vega_bundle

        head_end = body.index("</head>")
        body = body[:head_end] + f'<script type="module">{vega_bundle()}</script>' + body[head_end:]
    from ..private import write_private_text

    write_private_text(out, body)
    return out


def run_monthly_report(workspace: str | Path, month: str, out_dir: str | Path, *,
                       name: str | None = None, timeout: float | None = 600) -> Path:
    """Execute ``monthly_report.ipynb`` for ``(workspace, month)`` and export it; returns the HTML path.

    Writes ``<out_dir>/<name>.ipynb`` (the executed notebook) and
    ``<out_dir>/<name>.html``; ``name`` defaults to ``<workspace stem>-<month>``.
    Raises :class:`NotebookFailed` when the notebook raised (bad parameters
    included: the message carries the notebook's own error).
    """
    from ..private import make_private_dir

    out = make_private_dir(out_dir)
    stem = name or f"{Path(str(workspace)).stem}-{month}"
    executed = execute_notebook("monthly_report", out / f"{stem}.ipynb",
                                {"workspace": str(Path(str(workspace)).resolve()), "month": str(month)},
                                timeout=timeout)
    return export_html(executed, out / f"{stem}.html")
