"""The command line starts light: no heavy library is imported before a command needs it.

Start-up time itself is measured by ``benchmarks/startup.py`` (no timing asserts
in tests); here the cause of slow start-ups is pinned down: importing the CLI
(which builds ``--help`` for every command) must not import Altair, polars,
DuckDB, OR-Tools, Rich and the other libraries that cost seconds together.
"""

from __future__ import annotations

import json
import subprocess
import sys

import rotacc_lab
from rotacc_lab.commands.reports import REPORT_NAMES
from rotacc_lab.reports.registry import report_names

#: libraries the CLI must not import at start-up
HEAVY = ("altair", "polars", "duckdb", "ortools", "pandas", "pyarrow", "numpy", "rich", "jsonschema",
         "openpyxl", "papermill", "nbformat", "jupyter_client", "distributed", "holidays", "ipywidgets",
         "IPython", "tqdm")


def _modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_importing_the_cli_imports_no_heavy_library():
    loaded = set(_modules_after("import rotacc_lab.cli"))
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_help_imports_no_heavy_library():
    code = ("import sys\nfrom rotacc_lab.cli import app\nsys.argv = ['rotacc-lab', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass")
    loaded = set(_modules_after(code))
    assert sorted(m for m in HEAVY if m in loaded) == []


def test_the_help_text_lists_every_registered_report():
    from rotacc_lab.commands.reports import DEPARTMENT_REPORT_NAMES

    assert list(REPORT_NAMES) == report_names()
    assert list(DEPARTMENT_REPORT_NAMES) == report_names("department")


def test_version_has_one_source():
    out = subprocess.run([sys.executable, "-m", "rotacc_lab", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"rotacc-lab {rotacc_lab.__version__}"
    from importlib.metadata import version

    assert version("rotacc-lab") == rotacc_lab.__version__
